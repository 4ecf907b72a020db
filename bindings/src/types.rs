//! Value types: records and enums mirroring the core's, with the field
//! names of the core's JSON. Digests, key ids and public keys are lower-case
//! hex (64 digits), IMEIs their 15 digits, times seconds since the Unix
//! epoch.

use partcert as pc;

use crate::error::PartcertError;

pub(crate) type Result<T> = std::result::Result<T, PartcertError>;

/// Parses an IMEI (15 digits ending in a Luhn check digit): 107 otherwise.
pub(crate) fn imei(text: &str) -> Result<pc::Imei> {
    Ok(text.parse::<pc::Imei>()?)
}

pub(crate) fn imeis(texts: &[String]) -> Result<Vec<pc::Imei>> {
    texts.iter().map(|t| imei(t)).collect()
}

pub(crate) fn imei_texts(imeis: &[pc::Imei]) -> Vec<String> {
    imeis.iter().map(ToString::to_string).collect()
}

pub(crate) fn key_id(text: &str) -> Result<pc::KeyId> {
    Ok(pc::KeyId::from_hex(text)?)
}

pub(crate) fn part_id(text: &str) -> Result<pc::PartId> {
    Ok(pc::PartId::from_hex(text)?)
}

pub(crate) fn public_key(text: &str) -> Result<pc::PublicKey> {
    Ok(pc::PublicKey::from_hex(text)?)
}

pub(crate) fn bytes32(bytes: &[u8], what: &str) -> Result<[u8; 32]> {
    bytes.try_into().map_err(|_| {
        PartcertError::invalid_argument(format!("{what} must be 32 bytes, not {}", bytes.len()))
    })
}

/// Parses an IMEI given as text: 15 digits ending in a Luhn check digit.
/// Returns its canonical 15 digits; a bad one is error 107 InvalidImei.
#[uniffi::export]
pub fn parse_imei(text: String) -> Result<String> {
    Ok(imei(&text)?.to_string())
}

/// The IMEI made of a 14-digit body and its Luhn check digit (what a
/// factory allocates).
#[uniffi::export]
pub fn imei_with_check_digit(body: u64) -> Result<String> {
    Ok(pc::Imei::with_check_digit(body)?.to_string())
}

/// The wire-format version this library reads and writes.
#[uniffi::export]
pub fn format_version() -> u8 {
    pc::FORMAT_VERSION
}

/// How far past the verifying clock, in seconds, a time written by
/// someone else (a list's or revocation list's issue time, a pairing
/// record's time) may lie and still count: one day. A later time raises no
/// clock floor, flags only its own list (`StaleReason.FutureDated`) and
/// dates no record (300 NotYetValid).
#[uniffi::export]
pub fn clock_tolerance() -> u64 {
    pc::limits::CLOCK_TOLERANCE
}

/// The most listings one verdict or lookup reports; a blocked status says
/// when more matched (`BlocklistStatus.Blocked.capped`).
#[uniffi::export]
pub fn max_listings() -> u32 {
    u32::try_from(pc::limits::MAX_LISTINGS).unwrap_or(u32::MAX)
}

/// An epoch and a sequence: lists are ordered by epoch, then sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ListVersion {
    /// Raised only by a blocklist root, to supersede a delegated key.
    pub epoch: u64,
    /// Increases with every publication within an epoch.
    pub sequence: u64,
}

impl From<pc::ListVersion> for ListVersion {
    fn from(v: pc::ListVersion) -> Self {
        ListVersion {
            epoch: v.epoch,
            sequence: v.sequence,
        }
    }
}

impl From<ListVersion> for pc::ListVersion {
    fn from(v: ListVersion) -> Self {
        pc::ListVersion::new(v.epoch, v.sequence)
    }
}

/// When a certificate is valid (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Validity {
    /// Start.
    pub not_before: u64,
    /// End.
    pub not_after: u64,
}

impl From<pc::Validity> for Validity {
    fn from(v: pc::Validity) -> Self {
        Validity {
            not_before: v.not_before,
            not_after: v.not_after,
        }
    }
}

impl From<Validity> for pc::Validity {
    fn from(v: Validity) -> Self {
        pc::Validity {
            not_before: v.not_before,
            not_after: v.not_after,
        }
    }
}

/// A validity of `days` days from `not_before`.
#[uniffi::export]
pub fn validity_days_from(not_before: u64, days: u64) -> Validity {
    pc::Validity::days_from(not_before, days).into()
}

/// What a part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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
    /// Biometric sensor.
    Biometric,
    /// Back glass / housing.
    Housing,
    /// Charging port assembly.
    ChargingPort,
    /// Loudspeaker or earpiece.
    Speaker,
    /// A kind this library does not name, by its wire code.
    Other {
        /// The wire code.
        code: u16,
    },
}

impl From<pc::PartKind> for PartKind {
    fn from(k: pc::PartKind) -> Self {
        match k {
            pc::PartKind::Board => PartKind::Board,
            pc::PartKind::Screen => PartKind::Screen,
            pc::PartKind::Battery => PartKind::Battery,
            pc::PartKind::RearCamera => PartKind::RearCamera,
            pc::PartKind::FrontCamera => PartKind::FrontCamera,
            pc::PartKind::Biometric => PartKind::Biometric,
            pc::PartKind::Housing => PartKind::Housing,
            pc::PartKind::ChargingPort => PartKind::ChargingPort,
            pc::PartKind::Speaker => PartKind::Speaker,
            pc::PartKind::Other(code) => PartKind::Other { code },
        }
    }
}

impl From<PartKind> for pc::PartKind {
    fn from(k: PartKind) -> Self {
        match k {
            PartKind::Board => pc::PartKind::Board,
            PartKind::Screen => pc::PartKind::Screen,
            PartKind::Battery => pc::PartKind::Battery,
            PartKind::RearCamera => pc::PartKind::RearCamera,
            PartKind::FrontCamera => pc::PartKind::FrontCamera,
            PartKind::Biometric => pc::PartKind::Biometric,
            PartKind::Housing => pc::PartKind::Housing,
            PartKind::ChargingPort => pc::PartKind::ChargingPort,
            PartKind::Speaker => pc::PartKind::Speaker,
            PartKind::Other { code } => pc::PartKind::from_code(code),
        }
    }
}

/// The kind's lower-case name ("screen", "rear-camera", "kind-42").
#[uniffi::export]
pub fn part_kind_name(kind: PartKind) -> String {
    pc::PartKind::from(kind).name()
}

/// Parses a kind's name ("screen", "rear-camera", "camera", "kind-42").
#[uniffi::export]
pub fn parse_part_kind(text: String) -> Result<PartKind> {
    Ok(text.parse::<pc::PartKind>()?.into())
}

/// What an authority certificate lets its key do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum AuthorityRole {
    /// A manufacturer's offline root.
    ManufacturerRoot,
    /// A factory line: certifies parts.
    PartIssuer,
    /// Signs pairing records.
    PairingService,
    /// A blocklist authority's root (registry, operator).
    BlocklistRoot,
    /// Signs blocklists for its root, in one epoch.
    BlocklistAuthority,
}

impl From<pc::AuthorityRole> for AuthorityRole {
    fn from(r: pc::AuthorityRole) -> Self {
        match r {
            pc::AuthorityRole::ManufacturerRoot => AuthorityRole::ManufacturerRoot,
            pc::AuthorityRole::PartIssuer => AuthorityRole::PartIssuer,
            pc::AuthorityRole::PairingService => AuthorityRole::PairingService,
            pc::AuthorityRole::BlocklistRoot => AuthorityRole::BlocklistRoot,
            pc::AuthorityRole::BlocklistAuthority => AuthorityRole::BlocklistAuthority,
        }
    }
}

/// Why a pairing record was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum PairingEvent {
    /// Assembled at the factory.
    FactoryBuild,
    /// A repair fitted one or more parts.
    Repair,
}

impl From<pc::PairingEvent> for PairingEvent {
    fn from(e: pc::PairingEvent) -> Self {
        match e {
            pc::PairingEvent::FactoryBuild => PairingEvent::FactoryBuild,
            pc::PairingEvent::Repair => PairingEvent::Repair,
        }
    }
}

impl From<PairingEvent> for pc::PairingEvent {
    fn from(e: PairingEvent) -> Self {
        match e {
            PairingEvent::FactoryBuild => pc::PairingEvent::FactoryBuild,
            PairingEvent::Repair => pc::PairingEvent::Repair,
        }
    }
}

/// Why a handset was listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Reason {
    /// Reported stolen.
    Stolen,
    /// Reported lost.
    Lost,
    /// Obtained by fraud.
    Fraud,
}

impl From<pc::Reason> for Reason {
    fn from(r: pc::Reason) -> Self {
        match r {
            pc::Reason::Stolen => Reason::Stolen,
            pc::Reason::Lost => Reason::Lost,
            pc::Reason::Fraud => Reason::Fraud,
        }
    }
}

impl From<Reason> for pc::Reason {
    fn from(r: Reason) -> Self {
        match r {
            Reason::Stolen => pc::Reason::Stolen,
            Reason::Lost => pc::Reason::Lost,
            Reason::Fraud => pc::Reason::Fraud,
        }
    }
}

/// Whether a listing stands or is suspended pending inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ListingStatus {
    /// The listing stands.
    Final,
    /// Suspended pending inquiry: reported, not confirmed.
    Suspended,
}

impl From<pc::ListingStatus> for ListingStatus {
    fn from(s: pc::ListingStatus) -> Self {
        match s {
            pc::ListingStatus::Final => ListingStatus::Final,
            pc::ListingStatus::Suspended => ListingStatus::Suspended,
        }
    }
}

impl From<ListingStatus> for pc::ListingStatus {
    fn from(s: ListingStatus) -> Self {
        match s {
            ListingStatus::Final => pc::ListingStatus::Final,
            ListingStatus::Suspended => pc::ListingStatus::Suspended,
        }
    }
}

/// What a blocklist entry blocks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum BlockKey {
    /// A handset, by IMEI.
    Imei {
        /// 15 digits.
        imei: String,
    },
    /// A part, by identity digest.
    Part {
        /// 64 hex digits.
        part_id: String,
    },
}

impl From<pc::BlockKey> for BlockKey {
    fn from(k: pc::BlockKey) -> Self {
        match k {
            pc::BlockKey::Imei(i) => BlockKey::Imei {
                imei: i.to_string(),
            },
            pc::BlockKey::Part(p) => BlockKey::Part {
                part_id: p.to_hex(),
            },
        }
    }
}

impl TryFrom<&BlockKey> for pc::BlockKey {
    type Error = PartcertError;
    fn try_from(k: &BlockKey) -> Result<Self> {
        Ok(match k {
            BlockKey::Imei { imei: text } => pc::BlockKey::Imei(imei(text)?),
            BlockKey::Part { part_id: text } => pc::BlockKey::Part(part_id(text)?),
        })
    }
}

/// What a listing matched, as a verdict reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum MatchedKey {
    /// A listed IMEI: the board's, one its modem presented, or the IMEI of
    /// the handset a record pairs the part to.
    Imei {
        /// 15 digits.
        imei: String,
    },
    /// The part's identity, listed exactly.
    Part {
        /// 64 hex digits.
        part_id: String,
    },
    /// The key the part's certificate names, listed exactly (a reported
    /// handset's keyed parts are listed by key too).
    PartKey {
        /// The key's id (64 hex digits).
        key_id: String,
    },
    /// A fingerprint in a compact list (the first bits of a listed part's
    /// identity or key digest) that the part's digest starts with: not
    /// proof of this exact part.
    PartFingerprint {
        /// As the core prints it: the digest's hex prefix, a slash and the
        /// width in bits ("3fa01c…0/61").
        fingerprint: String,
    },
}

impl From<pc::MatchedKey> for MatchedKey {
    fn from(k: pc::MatchedKey) -> Self {
        match k {
            pc::MatchedKey::Imei(i) => MatchedKey::Imei {
                imei: i.to_string(),
            },
            pc::MatchedKey::Part(p) => MatchedKey::Part {
                part_id: p.to_hex(),
            },
            pc::MatchedKey::PartKey(k) => MatchedKey::PartKey { key_id: k.to_hex() },
            pc::MatchedKey::PartFingerprint(f) => MatchedKey::PartFingerprint {
                fingerprint: f.to_string(),
            },
        }
    }
}

/// The identity a keyed part is listed under besides its own: a digest of
/// the key id its certificate names (64 hex digits). A register lists it
/// as `BlockKey.Part` so that every certificate naming the key, under any
/// root or serial, reads blocked (`entriesForReportedHandset` does this for
/// every keyed part of the handset).
#[uniffi::export]
pub fn part_id_of_part_key(key: String) -> Result<String> {
    Ok(pc::PartId::of_part_key(&key_id(&key)?).to_hex())
}

/// One blocklist entry.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BlocklistEntry {
    /// What is blocked.
    pub key: BlockKey,
    /// Why.
    pub reason: Reason,
    /// When it was listed.
    pub listed_at: u64,
    /// Final or suspended.
    pub status: ListingStatus,
    /// For part entries: the handset the part was paired to when listed.
    #[uniffi(default = None)]
    pub handset: Option<String>,
}

impl From<&pc::BlocklistEntry> for BlocklistEntry {
    fn from(e: &pc::BlocklistEntry) -> Self {
        BlocklistEntry {
            key: e.key.into(),
            reason: e.reason.into(),
            listed_at: e.listed_at,
            status: e.status.into(),
            handset: e.handset.map(|i| i.to_string()),
        }
    }
}

impl TryFrom<&BlocklistEntry> for pc::BlocklistEntry {
    type Error = PartcertError;
    fn try_from(e: &BlocklistEntry) -> Result<Self> {
        Ok(pc::BlocklistEntry {
            key: (&e.key).try_into()?,
            reason: e.reason.into(),
            listed_at: e.listed_at,
            status: e.status.into(),
            handset: e.handset.as_deref().map(imei).transpose()?,
        })
    }
}

/// A key a root revokes, from `since` (0: from the beginning).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RevokedKey {
    /// The revoked key's id (64 hex digits).
    pub key: String,
    /// Revoked from this time.
    pub since: u64,
}

impl From<&pc::RevokedKey> for RevokedKey {
    fn from(r: &pc::RevokedKey) -> Self {
        RevokedKey {
            key: r.key.to_hex(),
            since: r.since,
        }
    }
}

/// One part listed in a pairing record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PairedPart {
    /// What the part is.
    pub kind: PartKind,
    /// Its identity digest.
    pub part_id: String,
    /// Its certificate's fingerprint at pairing time.
    pub certificate: String,
    /// For a keyed part: the key id of the key its certificate names.
    pub key: Option<String>,
    /// When a pairing service of the part's own maker first paired this
    /// certificate, carried from record to record across repairs (at most
    /// the record's time).
    pub first_paired: u64,
}

impl From<&pc::PairedPart> for PairedPart {
    fn from(p: &pc::PairedPart) -> Self {
        PairedPart {
            kind: p.kind.into(),
            part_id: p.part_id.to_hex(),
            certificate: p.certificate.to_hex(),
            key: p.key.map(|k| k.to_hex()),
            first_paired: p.first_paired,
        }
    }
}

/// One authority's anti-rollback mark: the newest list accepted from it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RollbackMark {
    /// The authority's root key id.
    pub authority: String,
    /// The accepted epoch.
    pub epoch: u64,
    /// The accepted sequence.
    pub sequence: u64,
    /// When that list was signed.
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// Its state digest.
    pub digest: String,
    /// The key id that signed it.
    pub signer: String,
    /// The floor that list sets for the authority's clock: its issue time,
    /// capped at the device's clock plus `clockTolerance()` when it was
    /// accepted (at most `issuedAt`).
    pub clock_floor: u64,
}

impl From<&pc::RollbackMark> for RollbackMark {
    fn from(m: &pc::RollbackMark) -> Self {
        RollbackMark {
            authority: m.authority.to_hex(),
            epoch: m.epoch,
            sequence: m.sequence,
            issued_at: m.issued_at,
            expires_at: m.expires_at,
            digest: m.digest.to_hex(),
            signer: m.signer.to_hex(),
            clock_floor: m.clock_floor,
        }
    }
}

/// Decodes a saved anti-rollback state (what
/// `Blocklist.rollbackState()` returns) into its marks; a corrupted one is
/// error 112 CorruptState.
#[uniffi::export]
pub fn decode_rollback_state(bytes: Vec<u8>) -> Result<Vec<RollbackMark>> {
    let state = pc::RollbackState::decode(&bytes)?;
    Ok(state.marks().map(RollbackMark::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way a listing can match crosses with the text the core prints
    /// for it; a fingerprint keeps its width.
    #[test]
    fn matched_keys_cross_as_the_core_prints_them() {
        let key = pc::SecretKey::from_seed(&[7; 32]).key_id();
        let listed = pc::PartId::of_part_key(&key);
        let imei = pc::Imei::with_check_digit(35_693_803_564_380).expect("imei");
        let fingerprint = pc::PartFingerprint::of(&listed, 61).expect("width");
        assert_eq!(
            MatchedKey::from(pc::MatchedKey::Imei(imei)),
            MatchedKey::Imei {
                imei: imei.to_string()
            }
        );
        assert_eq!(
            MatchedKey::from(pc::MatchedKey::Part(listed)),
            MatchedKey::Part {
                part_id: listed.to_hex()
            }
        );
        assert_eq!(
            MatchedKey::from(pc::MatchedKey::PartKey(key)),
            MatchedKey::PartKey {
                key_id: key.to_hex()
            }
        );
        let MatchedKey::PartFingerprint { fingerprint: text } =
            MatchedKey::from(pc::MatchedKey::PartFingerprint(fingerprint))
        else {
            panic!("a fingerprint crosses as a fingerprint");
        };
        assert_eq!(text, fingerprint.to_string());
        assert!(text.ends_with("/61") && listed.to_hex().starts_with(&text[..15]));
        // The listing id of a key is the core's, and a bad key id is 111.
        assert_eq!(part_id_of_part_key(key.to_hex()), Ok(listed.to_hex()));
        assert_eq!(
            part_id_of_part_key("not hex".into()).map_err(|e| e.code()),
            Err(111)
        );
        assert_eq!(clock_tolerance(), 86_400);
        assert_eq!(max_listings(), 64);
    }
}
