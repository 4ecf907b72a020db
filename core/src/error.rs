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
    /// A key both listed and delisted in one publication, named.
    #[error("{0} is both listed and delisted: give it to one side only")]
    Contradiction(String),
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
    /// A file is not the one a repository head or a saved state names:
    /// another size, another hash, or another list (a mirror mixing files
    /// of two days, a truncated or endless download, a saved list file
    /// altered or replaced since it was applied).
    #[error(
        "{path} is not the file expected (as a repository head or a saved state names it): its {what} differs"
    )]
    FileMismatch {
        /// The path the head names.
        path: String,
        /// What differs.
        what: &'static str,
    },
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
    #[error("the key {0} has been revoked by its root")]
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
        offered: crate::blocklist::ListVersion,
        /// Epoch and sequence already accepted.
        accepted: crate::blocklist::ListVersion,
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

    /// A list would drop more of the list devices hold than a register
    /// drops by accident's margin, and the count was not confirmed.
    #[error(
        "the list would delist {dropped} of the {held} keys devices hold (more than 1 %): refused unless that count is confirmed"
    )]
    MassDelisting {
        /// Keys it would drop.
        dropped: u64,
        /// Keys the list it replaces carries.
        held: u64,
    },
    /// A key was looked up in a list the device holds as shards, and the
    /// shard its key lies in was not fetched: never read as clean.
    #[error("{key} lies in shard {index}, which was not fetched")]
    ShardNotHeld {
        /// The key, in words.
        key: String,
        /// Its shard.
        index: u32,
    },
    /// A file the library was asked to read or write (a saved state and
    /// the list files beside it) could not be.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        message: String,
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
        out.serialize_field("code", &code.code())?;
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
    /// 5xx: the caller misused an API (C ABI), or a file it named could
    /// not be read or written.
    Misuse,
    /// 9xx: a bug inside the library.
    Internal,
}

/// The one table of error codes: each code's name, number, description
/// and hint live here and nowhere else; every front (C, Kotlin, Swift, the
/// command-line tool, the README) reads them from [`ErrorCode`].
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $value:literal {
        description: $description:literal,
        hint: $hint:literal $(,)?
    } )*) => {
        /// Stable numeric error codes shared by every front end.
        ///
        /// A code never changes meaning and is never reused. Its family is
        /// its hundreds digit ([`ErrorCode::family`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name = $value, )*
        }

        impl ErrorCode {
            /// Every code, in numeric order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The code's number.
            pub const fn code(self) -> u32 {
                self as u32
            }

            /// The code for a number, if the number is assigned.
            pub const fn from_code(value: u32) -> Option<Self> {
                match value {
                    $( $value => Some(ErrorCode::$name), )*
                    _ => None,
                }
            }

            /// The code's symbolic name, e.g. `"BadSignature"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $( ErrorCode::$name => stringify!($name), )*
                }
            }

            /// A generic message for the code, for fronts that only hold a
            /// number.
            pub const fn description(self) -> &'static str {
                match self {
                    $( ErrorCode::$name => $description, )*
                }
            }

            /// What to do about it, in a line a technician or an integrator
            /// acts on.
            pub const fn hint(self) -> &'static str {
                match self {
                    $( ErrorCode::$name => $hint, )*
                }
            }
        }
    };
}

error_codes! {
    /// Input ended early.
    Truncated = 100 {
        description: "the data is truncated",
        hint: "the file is damaged or cut short: get a fresh copy from whoever issued it",
    }
    /// Bytes after the end of the object.
    TrailingBytes = 101 {
        description: "unexpected bytes after the end of the object",
        hint: "the file is damaged or not a partcert file: get a fresh copy from whoever issued it",
    }
    /// Not a partcert object.
    BadMagic = 102 {
        description: "not a partcert object",
        hint: "the file is damaged or not a partcert file: get a fresh copy from whoever issued it",
    }
    /// Unknown format version.
    UnsupportedVersion = 103 {
        description: "unsupported partcert format version",
        hint: "written by another version of partcert: use a matching partcert, or have it reissued",
    }
    /// Unknown object type tag.
    UnknownObjectType = 104 {
        description: "unknown partcert object type",
        hint: "written by a newer partcert: upgrade",
    }
    /// Object of another type than expected.
    WrongObjectType = 105 {
        description: "the object is of another type than expected",
        hint: "give the kind of file asked for (`partcert show FILE` says what a file is)",
    }
    /// A length over its bound.
    LengthOverBound = 106 {
        description: "a length exceeds its limit",
        hint: "correct the value: it is over the documented limit",
    }
    /// IMEI not 15 digits with a Luhn check digit.
    InvalidImei = 107 {
        description: "invalid IMEI",
        hint: "correct the IMEI: 15 digits ending in its Luhn check digit",
    }
    /// Body could not be decoded.
    MalformedBody = 108 {
        description: "the object is malformed",
        hint: "the file is damaged or not a partcert file: get a fresh copy from whoever issued it",
    }
    /// Public key not a valid point.
    InvalidPublicKey = 109 {
        description: "invalid Ed25519 public key",
        hint: "the key is damaged: get a fresh copy",
    }
    /// List not sorted or with duplicates.
    NotCanonical = 110 {
        description: "a list is not sorted or has duplicates",
        hint: "the file is damaged or was not written by partcert: get a fresh copy from whoever issued it",
    }
    /// Nonsensical field value.
    InvalidField = 111 {
        description: "a field holds an invalid value",
        hint: "correct the value",
    }
    /// Saved local state does not match its checksum.
    CorruptState = 112 {
        description: "saved state is corrupt (checksum mismatch)",
        hint: "the saved state was damaged in storage: restore it from a backup, or start again (losing its anti-rollback protection)",
    }
    /// A key both listed and delisted in one publication.
    Contradiction = 113 {
        description: "a key is both listed and delisted",
        hint: "give each key to one side only: list it, or delist it",
    }
    /// Signature does not verify.
    BadSignature = 200 {
        description: "bad signature",
        hint: "it was altered or not signed by the key it names: do not trust it; get a fresh copy from its issuer",
    }
    /// Issuer not trusted.
    UnknownIssuer = 201 {
        description: "the issuer is not trusted",
        hint: "it does not chain to a root this device trusts: treat it as counterfeit, unless its issuer's certificate was not given",
    }
    /// Root not validly self-signed.
    NotSelfSigned = 202 {
        description: "not a valid self-signed root certificate",
        hint: "a root must be self-signed: this is not a genuine root certificate",
    }
    /// Challenge response for another nonce or certificate.
    WrongChallengeResponse = 203 {
        description: "wrong challenge response",
        hint: "send a fresh challenge: an answer to another challenge may be a replay by a cloned part",
    }
    /// Challenge response for a part without a key.
    NoPartKey = 204 {
        description: "the part's certificate names no key",
        hint: "only a part with a secure element answers a challenge: check it without one",
    }
    /// Secret key does not match certificate.
    KeyMismatch = 205 {
        description: "the secret key does not match the certificate",
        hint: "give the secret key that belongs to this certificate",
    }
    /// A fetched file is not the one the repository head names.
    FileMismatch = 206 {
        description: "a fetched file is not the one the repository head names",
        hint: "the mirror served another file (of another day, cut short or too long): fetch again, or from another mirror",
    }
    /// Certificate not valid yet.
    NotYetValid = 300 {
        description: "certificate not valid yet",
        hint: "check this device's clock; something dated in the future is not yet valid",
    }
    /// Certificate expired.
    Expired = 301 {
        description: "certificate expired",
        hint: "check this device's clock; an expired certificate must be renewed by its issuer",
    }
    /// Issuer may not certify this part kind.
    KindNotPermitted = 302 {
        description: "issuer not permitted to certify this part kind",
        hint: "the certificate does not permit this: treat the part as counterfeit",
    }
    /// Certificate's role does not allow this use.
    RoleNotPermitted = 303 {
        description: "certificate role not permitted for this use",
        hint: "the certificate does not permit this use: give the right certificate",
    }
    /// Issuer revoked.
    IssuerRevoked = 304 {
        description: "issuer revoked",
        hint: "its signer's key was revoked by its root: do not trust what that key signed",
    }
    /// IMEI not the one signed in.
    ImeiMismatch = 305 {
        description: "IMEI mismatch",
        hint: "the IMEI is not the one signed in: this is not the handset's own board or record, or its IMEI was rewritten",
    }
    /// Pairing record does not list the part.
    PartNotInPairingRecord = 306 {
        description: "the pairing record does not list this part",
        hint: "give the pairing record of the handset the part comes from",
    }
    /// Board paired by another manufacturer's pairing service.
    ForeignPairingService = 307 {
        description: "the board was paired by another manufacturer's pairing service",
        hint: "only the board's own maker pairs it: do not trust this pairing record",
    }
    /// Issuer or root may not certify this manufacturer name.
    ManufacturerNotPermitted = 308 {
        description: "issuer not permitted to certify this manufacturer's parts",
        hint: "the part claims a maker its issuer may not certify: treat it as counterfeit",
    }
    /// Part certificate names another root than its chain's.
    RootMismatch = 309 {
        description: "the part names another root than its issuer's",
        hint: "treat the part as counterfeit",
    }
    /// Older blocklist than already accepted.
    Rollback = 400 {
        description: "blocklist rollback refused",
        hint: "an older list than one already accepted: fetch the newest one",
    }
    /// Blocklist object of another authority.
    WrongAuthority = 401 {
        description: "blocklist object of another authority",
        hint: "give lists of one register, and pin each register's root",
    }
    /// Delta base is not the state held.
    DeltaBaseMismatch = 402 {
        description: "delta does not start from the state held",
        hint: "apply the deltas in order, or the register's newest snapshot",
    }
    /// Delta result digest mismatch.
    DeltaResultMismatch = 403 {
        description: "delta result digest mismatch",
        hint: "the register's lists disagree: fetch its newest snapshot and tell the register",
    }
    /// Different blocklist with an already accepted sequence.
    ConflictingSequence = 404 {
        description: "conflicting blocklist for an accepted sequence",
        hint: "the register's lists disagree: fetch its newest snapshot and tell the register",
    }
    /// Epoch or sequence past the largest allowed.
    SequenceLeap = 405 {
        description: "blocklist epoch or sequence past the largest allowed",
        hint: "give an epoch and sequence up to 2^53-1",
    }
    /// Delegated blocklist signer outside its certified epoch.
    EpochNotPermitted = 406 {
        description: "blocklist signer not permitted to sign this epoch",
        hint: "a publisher signs only its certified epoch; the register's root opens a new one",
    }
    /// A list would drop more than 1 % of the list it replaces.
    MassDelisting = 407 {
        description: "the list would delist more than 1 % of the list devices hold",
        hint: "an export cut short or empty? check it; if the delisting is meant, confirm the count",
    }
    /// A key's shard was not fetched.
    ShardNotHeld = 408 {
        description: "the shard a key lies in was not fetched",
        hint: "fetch the shards for every key checked (the updater plans them from the keys) and check again",
    }
    /// A required pointer argument was NULL (C ABI).
    NullArgument = 500 {
        description: "a required argument was NULL",
        hint: "pass a valid pointer: the header says which arguments may be NULL",
    }
    /// The caller's output buffer is too small (C ABI).
    BufferTooSmall = 501 {
        description: "the output buffer is too small",
        hint: "call again with a buffer of the size reported",
    }
    /// A string argument is not valid UTF-8 (C ABI).
    InvalidUtf8 = 502 {
        description: "a string argument is not valid UTF-8",
        hint: "pass UTF-8 text",
    }
    /// An argument is out of its accepted range (C ABI).
    InvalidArgument = 503 {
        description: "an argument is out of range",
        hint: "pass a value the header documents for this argument",
    }
    /// A file could not be read or written.
    Io = 504 {
        description: "a file could not be read or written",
        hint: "check the path, that the file exists and that this process may read and write it",
    }
    /// An attempt to change an object that is shared, and so immutable
    /// (C ABI: a reference-counted handle with more than one reference).
    SharedObject = 505 {
        description: "the object is shared, so it cannot be changed",
        hint: "change a copy of it (its _clone function), then share the copy",
    }
    /// An internal panic was caught: a bug, please report it.
    Panic = 900 {
        description: "internal error (a bug): please report it",
        hint: "this is a bug in partcert: please report it with the input that caused it",
    }
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
    /// The family of the code: its hundreds digit.
    pub fn family(self) -> ErrorFamily {
        match self.code() / 100 {
            1 => ErrorFamily::Malformed,
            2 => ErrorFamily::Trust,
            3 => ErrorFamily::Policy,
            4 => ErrorFamily::BlocklistState,
            5 => ErrorFamily::Misuse,
            _ => ErrorFamily::Internal,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.name())
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
            Error::Contradiction(_) => ErrorCode::Contradiction,
            Error::BadSignature(_) => ErrorCode::BadSignature,
            Error::UnknownIssuer(_) => ErrorCode::UnknownIssuer,
            Error::NotSelfSigned => ErrorCode::NotSelfSigned,
            Error::WrongChallengeResponse => ErrorCode::WrongChallengeResponse,
            Error::NoPartKey => ErrorCode::NoPartKey,
            Error::KeyMismatch => ErrorCode::KeyMismatch,
            Error::FileMismatch { .. } => ErrorCode::FileMismatch,
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
            Error::MassDelisting { .. } => ErrorCode::MassDelisting,
            Error::ShardNotHeld { .. } => ErrorCode::ShardNotHeld,
            Error::CorruptState(_) => ErrorCode::CorruptState,
            Error::Io { .. } => ErrorCode::Io,
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
        let numbers: Vec<u32> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(numbers, sorted, "codes must be unique and listed in order");
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.code()), Some(*code));
        }
        assert_eq!(ErrorCode::from_code(0), None);
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
            (113, "Contradiction"),
            (200, "BadSignature"),
            (201, "UnknownIssuer"),
            (202, "NotSelfSigned"),
            (203, "WrongChallengeResponse"),
            (204, "NoPartKey"),
            (205, "KeyMismatch"),
            (206, "FileMismatch"),
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
            (407, "MassDelisting"),
            (408, "ShardNotHeld"),
            (500, "NullArgument"),
            (501, "BufferTooSmall"),
            (502, "InvalidUtf8"),
            (503, "InvalidArgument"),
            (504, "Io"),
            (505, "SharedObject"),
            (900, "Panic"),
        ];
        for (number, name) in published {
            let code = ErrorCode::from_code(*number).expect("published code missing");
            assert_eq!(code.name(), *name);
        }
    }
}
