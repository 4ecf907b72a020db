//! One error type for the whole library, each variant with a stable code.

use core::fmt;

use crate::ids::KeyId;

/// Why evidence could not be read or trusted.
///
/// Every variant has a stable numeric [`ErrorCode`] (see [`Error::code`]):
/// the C, Kotlin, Swift and command-line fronts report the same numbers.
/// Codes are grouped in families by their hundreds digit ([`ErrorFamily`]),
/// so a caller can branch on the family without knowing every code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before the object was complete.
    #[error("the data is truncated: it ends before the object is complete")]
    Truncated,
    /// Bytes follow the end of a complete object.
    #[error("the data has {0} unexpected bytes after the end of the object")]
    TrailingBytes(usize),
    /// The input does not start with the partcert magic.
    #[error("this is not a partcert object (wrong magic bytes)")]
    BadMagic,
    /// The format version is not one this library reads.
    #[error("unsupported partcert format version {0}; this library reads version {v}", v = crate::FORMAT_VERSION)]
    UnsupportedVersion(u8),
    /// The object type tag is unknown.
    #[error("unknown partcert object type {0}")]
    UnknownObjectType(u8),
    /// The object is of another type than the one expected here.
    #[error("expected a {expected}, but this is a {found}")]
    WrongObjectType {
        /// What the caller asked for.
        expected: &'static str,
        /// What the bytes are.
        found: &'static str,
    },
    /// A length (of the object, a name, a list …) exceeds its bound.
    #[error("{field} is too long: {length} exceeds the limit of {max}")]
    LengthOverBound {
        /// Which field.
        field: &'static str,
        /// Its length.
        length: usize,
        /// The bound.
        max: usize,
    },
    /// A list in the object declares more elements than its bound allows.
    #[error("a list in the object declares more elements than the format allows")]
    DeclaredLengthOverBound,
    /// An IMEI is not 15 digits with a valid Luhn check digit.
    #[error("invalid IMEI {0:?}: an IMEI is 15 digits ending in a Luhn check digit")]
    InvalidImei(String),
    /// The object's body could not be decoded.
    #[error("the object is malformed: {0}")]
    MalformedBody(&'static str),
    /// A public key is not a valid Ed25519 point.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey,
    /// A list that must be sorted and free of duplicates is not.
    #[error("{0} must be sorted and free of duplicates")]
    NotCanonical(&'static str),
    /// A value given twice where each may appear once (an IMEI in a
    /// board's certificate, a key in one blocklist), named.
    #[error("{0} is given twice: each may appear only once")]
    Duplicate(String),
    /// A field holds a value that makes no sense (e.g. validity ending before it starts).
    #[error("invalid field: {0}")]
    InvalidField(&'static str),

    /// A signature does not verify.
    #[error("bad signature: the {0} was not signed by the key it names, or was altered")]
    BadSignature(&'static str),
    /// The issuer of a certificate is not a pinned root nor certified by one.
    #[error("unknown issuer {0}: the certificate does not chain to a trusted root (counterfeit?)")]
    UnknownIssuer(KeyId),
    /// A root certificate's self-signature does not verify or is not self-issued.
    #[error("not a valid self-signed root certificate")]
    NotSelfSigned,
    /// A challenge response answers another nonce or another certificate.
    #[error("the part's challenge response does not answer this challenge for this certificate")]
    WrongChallengeResponse,
    /// A challenge response was given for a part whose certificate names no key.
    #[error("a challenge response was given, but the part's certificate names no key")]
    NoPartKey,
    /// A key given to sign with does not match the certificate it is used with.
    #[error("the secret key does not match the certificate's subject key")]
    KeyMismatch,

    /// A certificate is not valid yet at the verification time.
    #[error("the {what} is not valid until {not_before} (checked at {now})")]
    NotYetValid {
        /// Which certificate.
        what: &'static str,
        /// Its start.
        not_before: u64,
        /// The time verified at.
        now: u64,
    },
    /// A certificate has expired at the verification time.
    #[error("the {what} expired at {not_after} (checked at {now})")]
    Expired {
        /// Which certificate.
        what: &'static str,
        /// Its end.
        not_after: u64,
        /// The time verified at.
        now: u64,
    },
    /// A part issuer certified a part kind its own certificate does not permit.
    #[error("the issuer is not permitted to certify {0} parts")]
    KindNotPermitted(crate::ids::PartKind),
    /// A certificate's role does not allow what it was used for.
    #[error("a {found} certificate cannot be used as {needed}")]
    RoleNotPermitted {
        /// The role needed.
        needed: &'static str,
        /// The role found.
        found: &'static str,
    },
    /// The issuer key has been revoked by its root.
    #[error("the issuer key {0} has been revoked by its manufacturer")]
    IssuerRevoked(KeyId),
    /// An IMEI presented does not match the one signed into the certificate or record.
    #[error("IMEI mismatch: {presented} is not signed into this {what}")]
    ImeiMismatch {
        /// The IMEI presented.
        presented: String,
        /// Where it should have appeared.
        what: &'static str,
    },
    /// A pairing record was presented that does not list this part.
    #[error("the pairing record does not list this part")]
    PartNotInPairingRecord,

    /// A list older than the one already accepted (anti-rollback): lists
    /// are ordered by epoch, then sequence.
    #[error("rollback refused: {offered} is not newer than the accepted {accepted}")]
    Rollback {
        /// Epoch and sequence offered.
        offered: crate::ListVersion,
        /// Epoch and sequence already accepted.
        accepted: crate::ListVersion,
    },
    /// A blocklist object belongs to another authority than the one it is applied to.
    #[error("the blocklist object is signed for another authority")]
    WrongAuthority,
    /// A delta does not start from the state held.
    #[error("the delta starts from sequence {delta_from}, but the state held is sequence {held}")]
    DeltaBaseMismatch {
        /// The delta's base sequence.
        delta_from: u64,
        /// The sequence held (0 if none).
        held: u64,
    },
    /// Applying a delta did not produce the state digest it promised.
    #[error("the delta does not lead to the state it promises (result digest mismatch)")]
    DeltaResultMismatch,
    /// Two different snapshots claim the same sequence.
    #[error("a different blocklist with the same sequence {0} was already accepted")]
    ConflictingSequence(u64),
    /// An epoch or sequence number past the largest allowed (2^53 - 1).
    #[error("blocklist epoch or sequence {offered} is past the largest allowed ({max})")]
    SequenceLeap {
        /// The number offered.
        offered: u64,
        /// The largest allowed.
        max: u64,
    },
    /// A delegated blocklist key signed a list outside the epoch its
    /// certificate permits: only the blocklist root may open a new epoch.
    #[error(
        "the blocklist signer is certified for epoch {permitted}, not epoch {offered}: only the root opens a new epoch"
    )]
    EpochNotPermitted {
        /// The list's epoch.
        offered: u64,
        /// The epoch the signer's certificate permits.
        permitted: u64,
    },

    /// A saved local state (anti-rollback marks or blocklist state) does
    /// not match its checksum: it was corrupted in storage.
    #[error("the saved {0} is corrupt: its checksum does not match its contents")]
    CorruptState(&'static str),
    /// A pairing record for a board was signed by another manufacturer's
    /// pairing service than the board's own.
    #[error(
        "the pairing record is signed by another manufacturer's pairing service than the board's: only the handset's maker vouches for it"
    )]
    ForeignPairingService,
    /// The part names a manufacturer its issuer or root is not permitted to certify.
    #[error("the {0} is not permitted to certify parts made by {1:?}")]
    ManufacturerNotPermitted(&'static str, String),
    /// A part certificate names another root than the chain it was presented with.
    #[error(
        "the part certificate names manufacturer root {0}, which is not the root of its issuer"
    )]
    RootMismatch(KeyId),
}

/// The error's shape in JSON, the same for every front:
/// `{"code": 201, "name": "UnknownIssuer", "family": "trust", "message": "..."}`.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let code = self.code();
        let mut out = serializer.serialize_struct("Error", 4)?;
        out.serialize_field("code", &code.as_u32())?;
        out.serialize_field("name", code.name())?;
        out.serialize_field("family", code.family().name())?;
        out.serialize_field("message", &self.to_string())?;
        out.end()
    }
}

/// The family of an error: its code's hundreds digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorFamily {
    /// 1xx: the input cannot be read.
    Malformed,
    /// 2xx: the input cannot be trusted cryptographically.
    Trust,
    /// 3xx: the input is trusted but breaks a policy rule.
    Policy,
    /// 4xx: a blocklist update conflicts with the state held.
    BlocklistState,
    /// 5xx: the caller misused an API (C ABI).
    Misuse,
    /// 9xx: a bug inside the library.
    Internal,
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $value:literal, )*) => {
        /// Stable numeric error codes shared by every front end.
        ///
        /// A code never changes meaning and is never reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name = $value, )*
        }

        impl ErrorCode {
            /// Every code, in numeric order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The code for a number, if the number is assigned.
            pub fn from_u32(value: u32) -> Option<Self> {
                match value {
                    $( $value => Some(ErrorCode::$name), )*
                    _ => None,
                }
            }

            /// The code's symbolic name, e.g. `"BadSignature"`.
            pub fn name(self) -> &'static str {
                match self {
                    $( ErrorCode::$name => stringify!($name), )*
                }
            }
        }
    };
}

error_codes! {
    /// Input ended early.
    Truncated = 100,
    /// Bytes after the end of the object.
    TrailingBytes = 101,
    /// Not a partcert object.
    BadMagic = 102,
    /// Unknown format version.
    UnsupportedVersion = 103,
    /// Unknown object type tag.
    UnknownObjectType = 104,
    /// Object of another type than expected.
    WrongObjectType = 105,
    /// A length over its bound.
    LengthOverBound = 106,
    /// IMEI not 15 digits with a Luhn check digit.
    InvalidImei = 107,
    /// Body could not be decoded.
    MalformedBody = 108,
    /// Public key not a valid point.
    InvalidPublicKey = 109,
    /// List not sorted or with duplicates.
    NotCanonical = 110,
    /// Nonsensical field value.
    InvalidField = 111,
    /// Saved local state does not match its checksum.
    CorruptState = 112,
    /// Signature does not verify.
    BadSignature = 200,
    /// Issuer not trusted.
    UnknownIssuer = 201,
    /// Root not validly self-signed.
    NotSelfSigned = 202,
    /// Challenge response for another nonce or certificate.
    WrongChallengeResponse = 203,
    /// Challenge response for a part without a key.
    NoPartKey = 204,
    /// Secret key does not match certificate.
    KeyMismatch = 205,
    /// Certificate not valid yet.
    NotYetValid = 300,
    /// Certificate expired.
    Expired = 301,
    /// Issuer may not certify this part kind.
    KindNotPermitted = 302,
    /// Certificate's role does not allow this use.
    RoleNotPermitted = 303,
    /// Issuer revoked.
    IssuerRevoked = 304,
    /// IMEI not the one signed in.
    ImeiMismatch = 305,
    /// Pairing record does not list the part.
    PartNotInPairingRecord = 306,
    /// Board paired by another manufacturer's pairing service.
    ForeignPairingService = 307,
    /// Issuer or root may not certify this manufacturer name.
    ManufacturerNotPermitted = 308,
    /// Part certificate names another root than its chain's.
    RootMismatch = 309,
    /// Older blocklist than already accepted.
    Rollback = 400,
    /// Blocklist object of another authority.
    WrongAuthority = 401,
    /// Delta base is not the state held.
    DeltaBaseMismatch = 402,
    /// Delta result digest mismatch.
    DeltaResultMismatch = 403,
    /// Different blocklist with an already accepted sequence.
    ConflictingSequence = 404,
    /// Epoch or sequence past the largest allowed.
    SequenceLeap = 405,
    /// Delegated blocklist signer outside its certified epoch.
    EpochNotPermitted = 406,
    /// A required pointer argument was NULL (C ABI).
    NullArgument = 500,
    /// The caller's output buffer is too small (C ABI).
    BufferTooSmall = 501,
    /// A string argument is not valid UTF-8 (C ABI).
    InvalidUtf8 = 502,
    /// An argument is out of its accepted range (C ABI).
    InvalidArgument = 503,
    /// An internal panic was caught: a bug, please report it.
    Panic = 900,
}

impl ErrorFamily {
    /// The family's stable lower-case name, as every front prints it:
    /// `malformed`, `trust`, `policy`, `blocklist-state`, `misuse`, `internal`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorFamily::Malformed => "malformed",
            ErrorFamily::Trust => "trust",
            ErrorFamily::Policy => "policy",
            ErrorFamily::BlocklistState => "blocklist-state",
            ErrorFamily::Misuse => "misuse",
            ErrorFamily::Internal => "internal",
        }
    }
}

impl ErrorCode {
    /// The code's number.
    pub fn as_u32(self) -> u32 {
        self as u32
    }

    /// The family of the code.
    pub fn family(self) -> ErrorFamily {
        match self.as_u32() / 100 {
            1 => ErrorFamily::Malformed,
            2 => ErrorFamily::Trust,
            3 => ErrorFamily::Policy,
            4 => ErrorFamily::BlocklistState,
            5 => ErrorFamily::Misuse,
            _ => ErrorFamily::Internal,
        }
    }

    /// A generic message for the code, for fronts that only hold a number.
    pub fn description(self) -> &'static str {
        match self {
            ErrorCode::Truncated => "the data is truncated",
            ErrorCode::TrailingBytes => "unexpected bytes after the end of the object",
            ErrorCode::BadMagic => "not a partcert object",
            ErrorCode::UnsupportedVersion => "unsupported partcert format version",
            ErrorCode::UnknownObjectType => "unknown partcert object type",
            ErrorCode::WrongObjectType => "the object is of another type than expected",
            ErrorCode::LengthOverBound => "a length exceeds its limit",
            ErrorCode::InvalidImei => "invalid IMEI",
            ErrorCode::MalformedBody => "the object is malformed",
            ErrorCode::InvalidPublicKey => "invalid Ed25519 public key",
            ErrorCode::NotCanonical => "a list is not sorted or has duplicates",
            ErrorCode::InvalidField => "a field holds an invalid value",
            ErrorCode::CorruptState => "saved state is corrupt (checksum mismatch)",
            ErrorCode::BadSignature => "bad signature",
            ErrorCode::UnknownIssuer => "the issuer is not trusted",
            ErrorCode::NotSelfSigned => "not a valid self-signed root certificate",
            ErrorCode::WrongChallengeResponse => "wrong challenge response",
            ErrorCode::NoPartKey => "the part's certificate names no key",
            ErrorCode::KeyMismatch => "the secret key does not match the certificate",
            ErrorCode::NotYetValid => "certificate not valid yet",
            ErrorCode::Expired => "certificate expired",
            ErrorCode::KindNotPermitted => "issuer not permitted to certify this part kind",
            ErrorCode::RoleNotPermitted => "certificate role not permitted for this use",
            ErrorCode::IssuerRevoked => "issuer revoked",
            ErrorCode::ImeiMismatch => "IMEI mismatch",
            ErrorCode::PartNotInPairingRecord => "the pairing record does not list this part",
            ErrorCode::ForeignPairingService => {
                "the board was paired by another manufacturer's pairing service"
            }
            ErrorCode::ManufacturerNotPermitted => {
                "issuer not permitted to certify this manufacturer's parts"
            }
            ErrorCode::RootMismatch => "the part names another root than its issuer's",
            ErrorCode::Rollback => "blocklist rollback refused",
            ErrorCode::WrongAuthority => "blocklist object of another authority",
            ErrorCode::DeltaBaseMismatch => "delta does not start from the state held",
            ErrorCode::DeltaResultMismatch => "delta result digest mismatch",
            ErrorCode::ConflictingSequence => "conflicting blocklist for an accepted sequence",
            ErrorCode::SequenceLeap => "blocklist epoch or sequence past the largest allowed",
            ErrorCode::EpochNotPermitted => "blocklist signer not permitted to sign this epoch",
            ErrorCode::NullArgument => "a required argument was NULL",
            ErrorCode::BufferTooSmall => "the output buffer is too small",
            ErrorCode::InvalidUtf8 => "a string argument is not valid UTF-8",
            ErrorCode::InvalidArgument => "an argument is out of range",
            ErrorCode::Panic => "internal error (a bug): please report it",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.as_u32(), self.name())
    }
}

impl Error {
    /// The stable numeric code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Truncated => ErrorCode::Truncated,
            Error::TrailingBytes(_) => ErrorCode::TrailingBytes,
            Error::BadMagic => ErrorCode::BadMagic,
            Error::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            Error::UnknownObjectType(_) => ErrorCode::UnknownObjectType,
            Error::WrongObjectType { .. } => ErrorCode::WrongObjectType,
            Error::LengthOverBound { .. } | Error::DeclaredLengthOverBound => {
                ErrorCode::LengthOverBound
            }
            Error::InvalidImei(_) => ErrorCode::InvalidImei,
            Error::MalformedBody(_) => ErrorCode::MalformedBody,
            Error::InvalidPublicKey => ErrorCode::InvalidPublicKey,
            Error::NotCanonical(_) | Error::Duplicate(_) => ErrorCode::NotCanonical,
            Error::InvalidField(_) => ErrorCode::InvalidField,
            Error::BadSignature(_) => ErrorCode::BadSignature,
            Error::UnknownIssuer(_) => ErrorCode::UnknownIssuer,
            Error::NotSelfSigned => ErrorCode::NotSelfSigned,
            Error::WrongChallengeResponse => ErrorCode::WrongChallengeResponse,
            Error::NoPartKey => ErrorCode::NoPartKey,
            Error::KeyMismatch => ErrorCode::KeyMismatch,
            Error::NotYetValid { .. } => ErrorCode::NotYetValid,
            Error::Expired { .. } => ErrorCode::Expired,
            Error::KindNotPermitted(_) => ErrorCode::KindNotPermitted,
            Error::RoleNotPermitted { .. } => ErrorCode::RoleNotPermitted,
            Error::IssuerRevoked(_) => ErrorCode::IssuerRevoked,
            Error::ImeiMismatch { .. } => ErrorCode::ImeiMismatch,
            Error::PartNotInPairingRecord => ErrorCode::PartNotInPairingRecord,
            Error::Rollback { .. } => ErrorCode::Rollback,
            Error::WrongAuthority => ErrorCode::WrongAuthority,
            Error::DeltaBaseMismatch { .. } => ErrorCode::DeltaBaseMismatch,
            Error::DeltaResultMismatch => ErrorCode::DeltaResultMismatch,
            Error::ConflictingSequence(_) => ErrorCode::ConflictingSequence,
            Error::SequenceLeap { .. } => ErrorCode::SequenceLeap,
            Error::EpochNotPermitted { .. } => ErrorCode::EpochNotPermitted,
            Error::CorruptState(_) => ErrorCode::CorruptState,
            Error::ForeignPairingService => ErrorCode::ForeignPairingService,
            Error::ManufacturerNotPermitted(..) => ErrorCode::ManufacturerNotPermitted,
            Error::RootMismatch(_) => ErrorCode::RootMismatch,
        }
    }

    /// The family of this error.
    pub fn family(&self) -> ErrorFamily {
        self.code().family()
    }

    /// How specific this error is about why a candidate issuer failed:
    /// when every candidate for a chain fails, the most specific error is
    /// reported (an expired or revoked issuer says more than an unknown one).
    pub(crate) fn specificity(&self) -> u8 {
        match self {
            Error::UnknownIssuer(_) => 0,
            Error::RoleNotPermitted { .. } => 1,
            Error::BadSignature(_) => 2,
            Error::NotYetValid { .. } | Error::Expired { .. } => 3,
            Error::RootMismatch(_) => 4,
            Error::KindNotPermitted(_) | Error::ManufacturerNotPermitted(..) => 5,
            Error::IssuerRevoked(_) => 6,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_in_their_family() {
        let numbers: Vec<u32> = ErrorCode::ALL.iter().map(|c| c.as_u32()).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(numbers, sorted, "codes must be unique and listed in order");
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_u32(code.as_u32()), Some(*code));
        }
        assert_eq!(ErrorCode::from_u32(0), None);
        assert_eq!(ErrorCode::Truncated.family(), ErrorFamily::Malformed);
        assert_eq!(ErrorCode::BadSignature.family(), ErrorFamily::Trust);
        assert_eq!(ErrorCode::Expired.family(), ErrorFamily::Policy);
        assert_eq!(ErrorCode::Rollback.family(), ErrorFamily::BlocklistState);
        assert_eq!(ErrorCode::NullArgument.family(), ErrorFamily::Misuse);
        assert_eq!(ErrorCode::Panic.family(), ErrorFamily::Internal);
        assert_eq!(ErrorFamily::BlocklistState.name(), "blocklist-state");
    }

    /// The numbers are a published contract: this list may only grow.
    #[test]
    fn published_codes_never_change() {
        let published: &[(u32, &str)] = &[
            (100, "Truncated"),
            (101, "TrailingBytes"),
            (102, "BadMagic"),
            (103, "UnsupportedVersion"),
            (104, "UnknownObjectType"),
            (105, "WrongObjectType"),
            (106, "LengthOverBound"),
            (107, "InvalidImei"),
            (108, "MalformedBody"),
            (109, "InvalidPublicKey"),
            (110, "NotCanonical"),
            (111, "InvalidField"),
            (112, "CorruptState"),
            (200, "BadSignature"),
            (201, "UnknownIssuer"),
            (202, "NotSelfSigned"),
            (203, "WrongChallengeResponse"),
            (204, "NoPartKey"),
            (205, "KeyMismatch"),
            (300, "NotYetValid"),
            (301, "Expired"),
            (302, "KindNotPermitted"),
            (303, "RoleNotPermitted"),
            (304, "IssuerRevoked"),
            (305, "ImeiMismatch"),
            (306, "PartNotInPairingRecord"),
            (307, "ForeignPairingService"),
            (308, "ManufacturerNotPermitted"),
            (309, "RootMismatch"),
            (400, "Rollback"),
            (401, "WrongAuthority"),
            (402, "DeltaBaseMismatch"),
            (403, "DeltaResultMismatch"),
            (404, "ConflictingSequence"),
            (405, "SequenceLeap"),
            (406, "EpochNotPermitted"),
            (500, "NullArgument"),
            (501, "BufferTooSmall"),
            (502, "InvalidUtf8"),
            (503, "InvalidArgument"),
            (900, "Panic"),
        ];
        for (number, name) in published {
            let code = ErrorCode::from_u32(*number).expect("published code missing");
            assert_eq!(code.name(), *name);
        }
    }
}
