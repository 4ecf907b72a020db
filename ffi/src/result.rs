//! The C result enum and error messages.

use std::ffi::c_char;

use partcert::ErrorCode;

use crate::panic::boundary;
use crate::ptr::OutString;

/// The result of every fallible partcert function: `PARTCERT_RESULT_OK`
/// (0) or an error code.
///
/// The codes are the core's stable error codes: they never change meaning
/// and are never reused. The hundreds digit is the family, so a caller can
/// branch on `code / 100` without knowing every code: 1 malformed input,
/// 2 cryptographic trust, 3 policy, 4 blocklist state, 5 caller misuse,
/// 9 internal.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_result {
    /// Success.
    Ok = 0,
    /// The input ended before the object was complete.
    Truncated = 100,
    /// Bytes follow the end of a complete object.
    TrailingBytes = 101,
    /// The input is not a partcert object (wrong magic bytes).
    BadMagic = 102,
    /// The format version is not one this library reads.
    UnsupportedVersion = 103,
    /// The object type tag is unknown.
    UnknownObjectType = 104,
    /// The object is of another type than the one expected here.
    WrongObjectType = 105,
    /// A length (of the object, a name, a list) exceeds its bound.
    LengthOverBound = 106,
    /// An IMEI is not 15 digits ending in a valid Luhn check digit.
    InvalidImei = 107,
    /// The object's body could not be decoded.
    MalformedBody = 108,
    /// A public key is not a valid Ed25519 point.
    InvalidPublicKey = 109,
    /// A list that must be sorted and free of duplicates is not.
    NotCanonical = 110,
    /// A field holds a value that makes no sense.
    InvalidField = 111,
    /// Saved state (anti-rollback marks, a saved blocklist) is corrupt: its
    /// checksum does not match. Refused whole, never half-loaded.
    CorruptState = 112,
    /// A signature does not verify: the object was altered or not signed by the key it names.
    BadSignature = 200,
    /// The issuer is not a pinned root nor certified by one (counterfeit?).
    UnknownIssuer = 201,
    /// A root certificate is not validly self-signed.
    NotSelfSigned = 202,
    /// The part's challenge response does not answer this challenge for this certificate.
    WrongChallengeResponse = 203,
    /// A challenge response was given for a part whose certificate names no key.
    NoPartKey = 204,
    /// A secret key does not match the certificate it is used with.
    KeyMismatch = 205,
    /// A certificate is not valid yet at the verification time.
    NotYetValid = 300,
    /// A certificate has expired at the verification time.
    Expired = 301,
    /// The issuer is not permitted to certify this part kind.
    KindNotPermitted = 302,
    /// A certificate's role does not allow what it was used for.
    RoleNotPermitted = 303,
    /// The issuer key has been revoked by its root.
    IssuerRevoked = 304,
    /// An IMEI presented is not the one signed into the certificate or record.
    ImeiMismatch = 305,
    /// The pairing record presented does not list this part.
    PartNotInPairingRecord = 306,
    /// The board was paired by another manufacturer's pairing service (a
    /// pairing service vouches only for boards certified under its own root).
    ForeignPairingService = 307,
    /// The issuer is not permitted to certify this manufacturer's parts.
    ManufacturerNotPermitted = 308,
    /// The part names another manufacturer root than its issuer's.
    RootMismatch = 309,
    /// A blocklist (or revocation list) older than the one already accepted (anti-rollback).
    Rollback = 400,
    /// A blocklist object belongs to another authority.
    WrongAuthority = 401,
    /// A blocklist delta does not start from the state held.
    DeltaBaseMismatch = 402,
    /// Applying a delta did not produce the state digest it promised.
    DeltaResultMismatch = 403,
    /// A different list with an already accepted sequence.
    ConflictingSequence = 404,
    /// A blocklist epoch or sequence is past the largest allowed (2^53 - 1).
    SequenceLeap = 405,
    /// A delegated blocklist signer signed outside the one epoch its
    /// certificate names.
    EpochNotPermitted = 406,
    /// A required pointer argument was NULL.
    NullArgument = 500,
    /// The caller's output buffer is too small; nothing was written to it.
    BufferTooSmall = 501,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 502,
    /// An argument is out of its accepted range (an unknown enum value, an index past the end, a length over `PTRDIFF_MAX`).
    InvalidArgument = 503,
    /// An internal panic was caught: a bug in partcert, please report it.
    Panic = 900,
}

impl partcert_result {
    /// Every result, in numeric order.
    pub const ALL: &'static [partcert_result] = &[
        partcert_result::Ok,
        partcert_result::Truncated,
        partcert_result::TrailingBytes,
        partcert_result::BadMagic,
        partcert_result::UnsupportedVersion,
        partcert_result::UnknownObjectType,
        partcert_result::WrongObjectType,
        partcert_result::LengthOverBound,
        partcert_result::InvalidImei,
        partcert_result::MalformedBody,
        partcert_result::InvalidPublicKey,
        partcert_result::NotCanonical,
        partcert_result::InvalidField,
        partcert_result::CorruptState,
        partcert_result::BadSignature,
        partcert_result::UnknownIssuer,
        partcert_result::NotSelfSigned,
        partcert_result::WrongChallengeResponse,
        partcert_result::NoPartKey,
        partcert_result::KeyMismatch,
        partcert_result::NotYetValid,
        partcert_result::Expired,
        partcert_result::KindNotPermitted,
        partcert_result::RoleNotPermitted,
        partcert_result::IssuerRevoked,
        partcert_result::ImeiMismatch,
        partcert_result::PartNotInPairingRecord,
        partcert_result::ForeignPairingService,
        partcert_result::ManufacturerNotPermitted,
        partcert_result::RootMismatch,
        partcert_result::Rollback,
        partcert_result::WrongAuthority,
        partcert_result::DeltaBaseMismatch,
        partcert_result::DeltaResultMismatch,
        partcert_result::ConflictingSequence,
        partcert_result::SequenceLeap,
        partcert_result::EpochNotPermitted,
        partcert_result::NullArgument,
        partcert_result::BufferTooSmall,
        partcert_result::InvalidUtf8,
        partcert_result::InvalidArgument,
        partcert_result::Panic,
    ];

    /// The result with this number, if there is one.
    pub fn from_u32(value: u32) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|result| *result as u32 == value)
    }

    /// The result for a core error code.
    pub fn from_code(code: ErrorCode) -> Self {
        // A code the C enum lacks is a bug in this crate (the tests below
        // catch it); report it as one rather than as a wrong code.
        Self::from_u32(code.as_u32()).unwrap_or(partcert_result::Panic)
    }
}

/// Why an FFI call failed: a core error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure(pub(crate) ErrorCode);

impl Failure {
    pub(crate) const NULL: Failure = Failure(ErrorCode::NullArgument);
    pub(crate) const TOO_SMALL: Failure = Failure(ErrorCode::BufferTooSmall);
    pub(crate) const UTF8: Failure = Failure(ErrorCode::InvalidUtf8);
    pub(crate) const ARGUMENT: Failure = Failure(ErrorCode::InvalidArgument);

    pub(crate) fn result(&self) -> partcert_result {
        partcert_result::from_code(self.0)
    }
}

impl From<partcert::Error> for Failure {
    fn from(error: partcert::Error) -> Self {
        Failure(error.code())
    }
}

impl From<ErrorCode> for Failure {
    fn from(code: ErrorCode) -> Self {
        Failure(code)
    }
}

fn message(code: u32) -> &'static str {
    if code == 0 {
        return "ok";
    }
    ErrorCode::from_u32(code)
        .map(ErrorCode::description)
        .unwrap_or("unknown partcert result code")
}

fn name(code: u32) -> &'static str {
    if code == 0 {
        return "Ok";
    }
    ErrorCode::from_u32(code)
        .map(ErrorCode::name)
        .unwrap_or("Unknown")
}

/// Writes a one-line English message for a result code into `buf`,
/// NUL-terminated, e.g. "blocklist rollback refused" for 400.
///
/// An unknown code gets the message "unknown partcert result code".
/// See "Strings out" in the header's introduction for `buf`, `len` and
/// `out_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_result_message(
    result: u32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: the caller passes a buffer of `len` bytes (or NULL, 0) and a
        // valid `out_len`, as the header documents.
        let out = unsafe { OutString::new(buf, len, out_len) }?;
        out.write(message(result))
    })
}

/// Writes the symbolic name of a result code into `buf`, NUL-terminated,
/// e.g. "Rollback" for 400 ("Unknown" for an unknown code).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_result_name(
    result: u32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: as in `partcert_result_message`.
        let out = unsafe { OutString::new(buf, len, out_len) }?;
        out.write(name(result))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_a_c_result_with_the_same_number() {
        for code in ErrorCode::ALL {
            let result = partcert_result::from_u32(code.as_u32())
                .unwrap_or_else(|| panic!("no C result for core code {code}"));
            assert_eq!(result as u32, code.as_u32());
            assert_eq!(format!("{result:?}"), code.name(), "names must match too");
            assert_eq!(partcert_result::from_code(*code), result);
            assert_eq!(message(code.as_u32()), code.description());
            assert_eq!(name(code.as_u32()), code.name());
        }
    }

    /// The codes format version 2 added, by number, name and message.
    #[test]
    fn the_version_2_codes_are_there() {
        let added = [
            (partcert_result::CorruptState, 112, "CorruptState"),
            (
                partcert_result::ForeignPairingService,
                307,
                "ForeignPairingService",
            ),
            (
                partcert_result::ManufacturerNotPermitted,
                308,
                "ManufacturerNotPermitted",
            ),
            (partcert_result::RootMismatch, 309, "RootMismatch"),
            (partcert_result::EpochNotPermitted, 406, "EpochNotPermitted"),
        ];
        for (result, number, symbol) in added {
            assert_eq!(result as u32, number);
            let code = ErrorCode::from_u32(number).expect("a core code");
            assert_eq!(partcert_result::from_code(code), result);
            assert_eq!(name(number), symbol);
            assert_eq!(message(number), code.description());
        }
        assert_eq!(
            message(406),
            "blocklist signer not permitted to sign this epoch"
        );
        assert_eq!(message(112), "saved state is corrupt (checksum mismatch)");
    }

    #[test]
    fn the_c_enum_is_in_numeric_order() {
        assert!(
            partcert_result::ALL
                .windows(2)
                .all(|w| (w[0] as u32) < (w[1] as u32))
        );
    }

    #[test]
    fn every_c_result_but_ok_is_a_core_code() {
        for result in partcert_result::ALL {
            if *result == partcert_result::Ok {
                assert_eq!(*result as u32, 0);
                continue;
            }
            let code = ErrorCode::from_u32(*result as u32)
                .unwrap_or_else(|| panic!("C result {result:?} is not a core code"));
            assert_eq!(code.name(), format!("{result:?}"));
        }
        assert_eq!(partcert_result::ALL.len(), ErrorCode::ALL.len() + 1);
    }

    #[test]
    fn messages_and_names() {
        assert_eq!(message(0), "ok");
        assert_eq!(message(400), "blocklist rollback refused");
        assert_eq!(message(7), "unknown partcert result code");
        assert_eq!(name(501), "BufferTooSmall");
        assert_eq!(name(0), "Ok");
        assert_eq!(name(7), "Unknown");
    }
}
