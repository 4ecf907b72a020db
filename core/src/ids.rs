//! Identifiers: IMEIs, part kinds, key ids, fingerprints and part ids.

use core::fmt;
use core::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// A handset's International Mobile Equipment Identity: 15 decimal digits,
/// the last a Luhn check digit.
///
/// ```
/// use partcert::Imei;
/// let imei: Imei = "490154203237518".parse().unwrap();
/// assert_eq!(imei.to_string(), "490154203237518");
/// assert!("490154203237519".parse::<Imei>().is_err()); // wrong check digit
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Imei(u64);

// Kotlin and Swift: its 15 digits, checked as they cross.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(Imei, String, {
    lower: |imei| imei.to_string(),
    try_lift: |text| Ok(text.parse()?),
});

impl Imei {
    const LIMIT: u64 = 1_000_000_000_000_000;

    /// Validates a 15-digit number (given as an integer) as an IMEI.
    pub fn from_u64(value: u64) -> Result<Self, Error> {
        let imei = Imei(value);
        imei.check()?;
        Ok(imei)
    }

    /// The IMEI as an integer.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// Checks range and Luhn digit; used after decoding.
    pub(crate) fn check(self) -> Result<(), Error> {
        if self.0 >= Self::LIMIT || !luhn_valid(self.0) {
            return Err(Error::InvalidImei(format!("{:015}", self.0)));
        }
        Ok(())
    }

    /// Computes the Luhn check digit for a 14-digit body and returns the
    /// resulting IMEI: what a factory does when it allocates one.
    pub fn with_check_digit(body: u64) -> Result<Self, Error> {
        if body >= Self::LIMIT / 10 {
            return Err(Error::InvalidImei(body.to_string()));
        }
        let digit = (0..10u64)
            .find(|d| luhn_valid(body * 10 + d))
            .unwrap_or_default();
        Imei::from_u64(body * 10 + digit)
    }
}

fn luhn_valid(mut value: u64) -> bool {
    let mut sum = 0;
    let mut double = false;
    for _ in 0..15 {
        let mut digit = value % 10;
        value /= 10;
        if double {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
        double = !double;
    }
    sum % 10 == 0
}

impl FromStr for Imei {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        if text.len() != 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidImei(text.chars().take(32).collect()));
        }
        let value = text
            .parse::<u64>()
            .map_err(|_| Error::InvalidImei(text.to_owned()))?;
        Imei::from_u64(value)
    }
}

impl fmt::Display for Imei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}", self.0)
    }
}

impl fmt::Debug for Imei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Imei({self})")
    }
}

impl Serialize for Imei {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            serializer.serialize_u64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Imei {
    /// Decoding does not validate: the object decoder checks every IMEI
    /// afterwards so that it can report [`Error::InvalidImei`] precisely.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            text.parse().map_err(D::Error::custom)
        } else {
            Ok(Imei(u64::deserialize(deserializer)?))
        }
    }
}

/// What a part is. Known kinds have names; an issuer using a newer code
/// that this library does not know yet is read as [`PartKind::Other`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "uniffi", uniffi::export(Display))]
pub enum PartKind {
    /// Main logic board (carries the IMEIs).
    Board,
    /// Display assembly.
    Screen,
    /// Battery.
    Battery,
    /// Rear camera module.
    RearCamera,
    /// Front camera module.
    FrontCamera,
    /// Biometric sensor (fingerprint or face).
    Biometric,
    /// Back glass / housing.
    Housing,
    /// Charging port assembly.
    ChargingPort,
    /// Loudspeaker or earpiece.
    Speaker,
    /// A kind this library does not name (its wire code).
    Other(u16),
}

impl PartKind {
    /// Every named kind.
    pub const NAMED: &'static [PartKind] = &[
        PartKind::Board,
        PartKind::Screen,
        PartKind::Battery,
        PartKind::RearCamera,
        PartKind::FrontCamera,
        PartKind::Biometric,
        PartKind::Housing,
        PartKind::ChargingPort,
        PartKind::Speaker,
    ];

    /// The stable wire code of the kind.
    pub fn code(self) -> u16 {
        match self {
            PartKind::Board => 1,
            PartKind::Screen => 2,
            PartKind::Battery => 3,
            PartKind::RearCamera => 4,
            PartKind::FrontCamera => 5,
            PartKind::Biometric => 6,
            PartKind::Housing => 7,
            PartKind::ChargingPort => 8,
            PartKind::Speaker => 9,
            PartKind::Other(code) => code,
        }
    }

    /// The kind for a wire code.
    pub fn from_code(code: u16) -> Self {
        PartKind::NAMED
            .iter()
            .copied()
            .find(|kind| kind.code() == code)
            .unwrap_or(PartKind::Other(code))
    }

    /// The kind's lower-case name, as used by the command-line tool and JSON.
    pub fn name(self) -> String {
        match self {
            PartKind::Board => "board".into(),
            PartKind::Screen => "screen".into(),
            PartKind::Battery => "battery".into(),
            PartKind::RearCamera => "rear-camera".into(),
            PartKind::FrontCamera => "front-camera".into(),
            PartKind::Biometric => "biometric".into(),
            PartKind::Housing => "housing".into(),
            PartKind::ChargingPort => "charging-port".into(),
            PartKind::Speaker => "speaker".into(),
            PartKind::Other(code) => format!("kind-{code}"),
        }
    }
}

impl fmt::Display for PartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for PartKind {
    type Err = Error;
    /// Parses a name (`screen`, `rear-camera`, also `camera` for the rear
    /// camera) or `kind-N` for a numeric code.
    fn from_str(text: &str) -> Result<Self, Error> {
        let lower = text.trim().to_ascii_lowercase();
        if lower == "camera" {
            return Ok(PartKind::RearCamera);
        }
        if let Some(kind) = PartKind::NAMED.iter().find(|k| k.name() == lower) {
            return Ok(*kind);
        }
        lower
            .strip_prefix("kind-")
            .and_then(|n| n.parse::<u16>().ok())
            .map(PartKind::from_code)
            .ok_or(Error::InvalidField("unknown part kind"))
    }
}

impl Serialize for PartKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            serializer.serialize_u16(self.code())
        }
    }
}

impl<'de> Deserialize<'de> for PartKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            String::deserialize(deserializer)?
                .parse()
                .map_err(D::Error::custom)
        } else {
            Ok(PartKind::from_code(u16::deserialize(deserializer)?))
        }
    }
}

macro_rules! digest_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; 32]);

        // Kotlin and Swift: 64 lower-case hex digits, checked as they cross.
        #[cfg(feature = "uniffi")]
        uniffi::custom_type!($name, String, {
            lower: |id| id.to_hex(),
            try_lift: |text| Ok($name::from_hex(&text)?),
        });

        impl $name {
            /// The raw 32 bytes.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// Lower-case hex of the 32 bytes.
            pub fn to_hex(&self) -> String {
                hex(&self.0)
            }

            /// Parses 64 hex digits.
            pub fn from_hex(text: &str) -> Result<Self, Error> {
                parse_hex32(text).map($name)
            }
        }

        impl fmt::Display for $name {
            /// The first 8 bytes in hex: enough for a person to compare.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if f.alternate() {
                    f.write_str(&self.to_hex())
                } else {
                    f.write_str(&hex(&self.0[..8]))
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.to_hex())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    serializer.collect_str(&format_args!("{:#}", self))
                } else {
                    self.0.serialize(serializer)
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                if deserializer.is_human_readable() {
                    let text = String::deserialize(deserializer)?;
                    $name::from_hex(&text).map_err(D::Error::custom)
                } else {
                    Ok($name(<[u8; 32]>::deserialize(deserializer)?))
                }
            }
        }
    };
}

digest_id! {
    /// Identifies a public key: SHA-256 of its 32 bytes.
    KeyId
}
digest_id! {
    /// Identifies one certificate: SHA-256 of its exact encoded bytes,
    /// signature included.
    Fingerprint
}
digest_id! {
    /// Identifies a physical part independently of its certificate:
    /// SHA-256 over the manufacturer root that certifies it, its
    /// manufacturer's name, kind and serial. Blocklists list parts by this
    /// digest, so re-issuing a certificate cannot launder a part, and two
    /// makers certifying the same contract maker's name and serial never
    /// collide.
    PartId
}
digest_id! {
    /// SHA-256 digest of a blocklist authority's state (see
    /// [`BlocklistSnapshot::state_digest`](crate::blocklist::BlocklistSnapshot::state_digest)).
    StateDigest
}

impl KeyId {
    /// The key id of a public key.
    pub fn of(key: &PublicKey) -> Self {
        KeyId(Sha256::digest(key.0).into())
    }
}

impl Fingerprint {
    /// The fingerprint of an object's exact bytes.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Fingerprint(Sha256::digest(bytes).into())
    }
}

impl PartId {
    /// The identity digest of a part certified under `root`.
    pub fn compute(root: &KeyId, manufacturer: &str, kind: PartKind, serial: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"partcert/part-id/v2\0");
        hasher.update(root.as_bytes());
        hasher.update(kind.code().to_be_bytes());
        hasher.update((manufacturer.len() as u64).to_be_bytes());
        hasher.update(manufacturer.as_bytes());
        hasher.update((serial.len() as u64).to_be_bytes());
        hasher.update(serial.as_bytes());
        PartId(hasher.finalize().into())
    }

    /// The identity a keyed part is listed under besides its own: a digest
    /// of the key its certificate names, apart from every part identity. A
    /// harvested keyed part answers challenges with its key wherever it is
    /// re-certified (another root, another serial), so listing the key
    /// makes every certificate naming it read blocked.
    pub fn of_part_key(key: &KeyId) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"partcert/part-key/v1\0");
        hasher.update(key.as_bytes());
        PartId(hasher.finalize().into())
    }
}

/// An Ed25519 public key as carried in certificates (32 bytes).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey(pub [u8; 32]);

// Kotlin and Swift: 64 lower-case hex digits, checked as they cross.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(PublicKey, String, {
    lower: |key| key.to_hex(),
    try_lift: |text| Ok(PublicKey::from_hex(&text)?),
});

impl PublicKey {
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// This key's id.
    pub fn key_id(&self) -> KeyId {
        KeyId::of(self)
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Checks that 32 bytes are a valid Ed25519 point.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Error> {
        let key = PublicKey(*bytes);
        key.verifying_key()?;
        Ok(key)
    }

    /// Parses 64 hex digits and checks the bytes are a valid point.
    pub fn from_hex(text: &str) -> Result<Self, Error> {
        let key = PublicKey(parse_hex32(text)?);
        key.verifying_key()?;
        Ok(key)
    }

    pub(crate) fn verifying_key(&self) -> Result<ed25519_dalek::VerifyingKey, Error> {
        ed25519_dalek::VerifyingKey::from_bytes(&self.0).map_err(|_| Error::InvalidPublicKey)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(&self.to_hex())
        } else {
            self.0.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            Ok(PublicKey(parse_hex32(&text).map_err(D::Error::custom)?))
        } else {
            Ok(PublicKey(<[u8; 32]>::deserialize(deserializer)?))
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            out.extend(char::from_digit(u32::from(nibble), 16));
        }
    }
    out
}

/// Exactly 64 hex digits (either case), nothing else: no sign, no
/// whitespace, no prefix.
fn parse_hex32(text: &str) -> Result<[u8; 32], Error> {
    if text.len() != 64 {
        return Err(Error::InvalidField("expected 64 hex digits"));
    }
    let digit = |byte: u8| {
        char::from(byte)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
            .ok_or(Error::InvalidField("expected 64 hex digits"))
    };
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        if let [high, low] = pair {
            *slot = (digit(*high)? << 4) | digit(*low)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imei_luhn() {
        assert!("490154203237518".parse::<Imei>().is_ok());
        assert!("356938035643809".parse::<Imei>().is_ok());
        for bad in [
            "490154203237517",
            "49015420323751",
            "4901542032375180",
            "49015420323751a",
            "",
        ] {
            let err = bad.parse::<Imei>().unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidImei, "{bad}");
        }
        let made = Imei::with_check_digit(35693803564380).unwrap();
        assert_eq!(made.to_string(), "356938035643809");
        assert_eq!(
            Imei::from_u64(1_000_000_000_000_000).unwrap_err().code(),
            crate::ErrorCode::InvalidImei
        );
    }

    #[test]
    fn kinds_round_trip_names_and_codes() {
        for kind in PartKind::NAMED {
            assert_eq!(kind.name().parse::<PartKind>().unwrap(), *kind);
            assert_eq!(PartKind::from_code(kind.code()), *kind);
        }
        assert_eq!(PartKind::from_code(77), PartKind::Other(77));
        assert_eq!("kind-77".parse::<PartKind>().unwrap(), PartKind::Other(77));
        assert!("toaster".parse::<PartKind>().is_err());
    }

    #[test]
    fn hex_round_trip() {
        let id = KeyId([0xab; 32]);
        assert_eq!(KeyId::from_hex(&id.to_hex()).unwrap(), id);
        assert!(KeyId::from_hex("zz").is_err());
        assert!(KeyId::from_hex(&"g".repeat(64)).is_err());
        // from_str_radix would take "+f" as 15: only hex digits are hex.
        assert!(KeyId::from_hex(&"+f".repeat(32)).is_err());
        assert!(KeyId::from_hex(&format!(" {}", &"a".repeat(63))).is_err());
        assert!(KeyId::from_hex(&"AB".repeat(32)).is_ok());
    }
}
