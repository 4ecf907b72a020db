//! The one signed envelope every object shares, and the signature check.
//!
//! ```text
//! magic "PCRT" | version (1 byte) | type (1 byte) | postcard body | Ed25519 signature (64 bytes)
//! ```
//!
//! The signature covers every byte before it, so a signature made for one
//! object type can never be replayed as another.

use ed25519_dalek::{Signature, Signer};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use crate::coded::ObjectType;
use crate::error::Error;
use crate::ids::PublicKey;

/// The four bytes every partcert object starts with.
pub const MAGIC: [u8; 4] = *b"PCRT";
/// The format version this library writes and reads. Version 2 added
/// blocklist epochs, revocation "since" times, identities bound to their
/// manufacturer root and canonical names; version 3 (the rule for times)
/// added each paired part's key id and first-paired time to pairing
/// records and each authority's clock floor to the anti-rollback state.
/// Other versions are refused.
pub const FORMAT_VERSION: u8 = 3;
/// Length of the fixed header: magic, version, type.
pub const HEADER_LEN: usize = 6;
/// Length of the trailing signature.
pub const SIGNATURE_LEN: usize = 64;

impl ObjectType {
    /// The type for a tag byte; an unassigned one is
    /// [`Error::UnknownObjectType`].
    pub fn from_tag(tag: u8) -> Result<Self, Error> {
        Self::from_code(tag).ok_or(Error::UnknownObjectType(tag))
    }

    /// The largest encoded object of this type that decoders accept.
    pub fn max_len(self) -> usize {
        match self {
            ObjectType::Certificate => crate::limits::MAX_CERTIFICATE_LEN,
            ObjectType::PairingRecord => crate::limits::MAX_PAIRING_RECORD_LEN,
            ObjectType::BlocklistSnapshot | ObjectType::BlocklistDelta => {
                crate::limits::MAX_BLOCKLIST_LEN
            }
            ObjectType::RevocationList => crate::limits::MAX_REVOCATION_LIST_LEN,
            ObjectType::ChallengeResponse => crate::limits::MAX_CHALLENGE_RESPONSE_LEN,
            ObjectType::RepositoryHead => crate::limits::MAX_HEAD_LEN,
            ObjectType::CompactSnapshot => {
                usize::try_from(crate::limits::MAX_COMPACT_SNAPSHOT_LEN).unwrap_or(usize::MAX)
            }
        }
    }
}

/// Reads the type of an object from its header without decoding the body.
pub(crate) fn peek_type(bytes: &[u8]) -> Result<ObjectType, Error> {
    let rest = check_header(bytes, MAGIC)?;
    ObjectType::from_tag(*rest.first().ok_or(Error::Truncated)?)
}

/// Checks a four-byte magic and the format version; returns what follows.
/// Signed objects and the device's own saved states share this header.
pub(crate) fn check_header(bytes: &[u8], magic: [u8; 4]) -> Result<&[u8], Error> {
    let found = bytes.get(..magic.len()).ok_or(Error::Truncated)?;
    if found != magic {
        return Err(Error::BadMagic);
    }
    let version = *bytes.get(4).ok_or(Error::Truncated)?;
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    Ok(bytes.get(5..).unwrap_or_default())
}

/// Decodes a postcard value that must fill `bytes` exactly and be in its
/// one canonical encoding.
pub(crate) fn decode_exact<T: DeserializeOwned + Serialize>(
    bytes: &[u8],
    what: &'static str,
) -> Result<T, Error> {
    crate::bounded::reset();
    let (value, rest) = postcard::take_from_bytes::<T>(bytes).map_err(map_postcard)?;
    if !rest.is_empty() {
        return Err(Error::TrailingBytes(rest.len()));
    }
    if !is_canonical(&value, bytes) {
        return Err(Error::NotCanonical(what));
    }
    Ok(value)
}

/// Decodes a postcard value at the start of `bytes` in its one canonical
/// encoding; returns it and the bytes after it.
pub(crate) fn take_canonical<'a, T: DeserializeOwned + Serialize>(
    bytes: &'a [u8],
    what: &'static str,
) -> Result<(T, &'a [u8]), Error> {
    crate::bounded::reset();
    let (value, rest) = postcard::take_from_bytes::<T>(bytes).map_err(map_postcard)?;
    let used = bytes.get(..bytes.len() - rest.len()).unwrap_or_default();
    if !is_canonical(&value, used) {
        return Err(Error::NotCanonical(what));
    }
    Ok((value, rest))
}

/// The bytes after a body must be none.
pub(crate) fn expect_end(rest: &[u8]) -> Result<(), Error> {
    match rest.len() {
        0 => Ok(()),
        extra => Err(Error::TrailingBytes(extra)),
    }
}

/// Checks an envelope of the expected type (type, size bound, room for
/// the signature) and returns its body's bytes, undecoded.
pub(crate) fn body_of(bytes: &[u8], expected: ObjectType) -> Result<&[u8], Error> {
    let found = peek_type(bytes)?;
    if found != expected {
        return Err(Error::WrongObjectType {
            expected: expected.name(),
            found: found.name(),
        });
    }
    if bytes.len() > expected.max_len() {
        return Err(Error::LengthOverBound {
            field: "object",
            length: bytes.len(),
            max: expected.max_len(),
        });
    }
    let body_end = bytes
        .len()
        .checked_sub(SIGNATURE_LEN)
        .filter(|end| *end >= HEADER_LEN)
        .ok_or(Error::Truncated)?;
    bytes.get(HEADER_LEN..body_end).ok_or(Error::Truncated)
}

/// Decodes the body of an envelope of the expected type. Does not verify
/// the signature (the signer is only known from the body).
pub(crate) fn open<B: DeserializeOwned + Serialize>(
    bytes: &[u8],
    expected: ObjectType,
) -> Result<B, Error> {
    decode_exact::<B>(body_of(bytes, expected)?, "body encoding")
}

/// Checks the signature that ends `bytes` against the subject key of
/// `signer`, the certificate the object embeds.
pub(crate) fn verify_signed_by(
    bytes: &[u8],
    signer: &crate::certificate::Certificate,
    what: &'static str,
) -> Result<(), Error> {
    let key = signer.subject_key().ok_or(Error::BadSignature(what))?;
    let signed = signed_part(bytes);
    let signature = bytes.get(signed.len()..).unwrap_or_default();
    verify_signature(&key, signed, signature, what)
}

/// Whether encoding `body` gives exactly `bytes`: each object has one
/// encoding (no overlong integers), so equal content means equal bytes and
/// equal fingerprints. Compares as it encodes, without allocating.
pub(crate) fn is_canonical<B: Serialize>(body: &B, bytes: &[u8]) -> bool {
    struct Compare<'a> {
        expected: &'a [u8],
        position: usize,
    }
    impl postcard::ser_flavors::Flavor for Compare<'_> {
        type Output = bool;
        fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
            match self.expected.get(self.position) {
                Some(expected) if *expected == byte => {
                    self.position += 1;
                    Ok(())
                }
                _ => Err(postcard::Error::SerializeBufferFull),
            }
        }
        fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
            let end = self.position.saturating_add(data.len());
            match self.expected.get(self.position..end) {
                Some(expected) if expected == data => {
                    self.position = end;
                    Ok(())
                }
                _ => Err(postcard::Error::SerializeBufferFull),
            }
        }
        fn finalize(self) -> postcard::Result<bool> {
            Ok(self.position == self.expected.len())
        }
    }
    postcard::serialize_with_flavor(
        body,
        Compare {
            expected: bytes,
            position: 0,
        },
    )
    .unwrap_or(false)
}

/// The bytes a signature covers: everything but the last 64.
pub(crate) fn signed_part(bytes: &[u8]) -> &[u8] {
    bytes
        .get(..bytes.len().saturating_sub(SIGNATURE_LEN))
        .unwrap_or_default()
}

pub(crate) fn map_postcard(error: postcard::Error) -> Error {
    use postcard::Error as P;
    match error {
        P::DeserializeUnexpectedEnd => Error::Truncated,
        P::DeserializeBadBool => Error::MalformedBody("invalid boolean"),
        P::DeserializeBadUtf8 => Error::MalformedBody("text is not valid UTF-8"),
        P::DeserializeBadVarint => Error::MalformedBody("invalid integer encoding"),
        P::DeserializeBadEnum => Error::MalformedBody("unknown variant tag"),
        P::DeserializeBadOption => Error::MalformedBody("invalid optional field"),
        P::DeserializeBadChar => Error::MalformedBody("invalid character"),
        // Serde reports both a list longer than its bound and an unknown
        // enum variant (from a newer writer) this way; the bounded decoder
        // remembers which it was.
        P::SerdeDeCustom if crate::bounded::take_over_bound() => Error::DeclaredLengthOverBound,
        P::SerdeDeCustom => Error::MalformedBody("unknown variant or invalid value"),
        _ => Error::MalformedBody("undecodable body"),
    }
}

/// Encodes a body and signs the whole envelope.
pub(crate) fn seal<B: Serialize>(
    object_type: ObjectType,
    body: &B,
    key: &crate::SecretKey,
) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::with_capacity(256);
    bytes.extend_from_slice(&MAGIC);
    bytes.push(FORMAT_VERSION);
    bytes.push(object_type.code());
    let bytes = postcard::to_extend(body, bytes)
        .map_err(|_| Error::MalformedBody("body could not be encoded"))?;
    let mut bytes = bytes;
    let signature = key.inner().sign(&bytes);
    bytes.extend_from_slice(&signature.to_bytes());
    if bytes.len() > object_type.max_len() {
        return Err(Error::LengthOverBound {
            field: "object",
            length: bytes.len(),
            max: object_type.max_len(),
        });
    }
    Ok(bytes)
}

/// Checks an Ed25519 signature with `verify_strict` semantics: the check
/// every object in this library goes through.
///
/// `verify_strict` rejects non-canonical `S` values and small-order keys
/// and `R` points, so a signature cannot be mauled into a second valid one
/// and a weak key cannot sign for every message.
pub fn verify_signature(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
    what: &'static str,
) -> Result<(), Error> {
    verify_with_key(&key.verifying_key()?, message, signature, what)
}

/// [`verify_signature`] with a key already decompressed (the trust store
/// keeps verified authorities' keys decompressed).
pub(crate) fn verify_with_key(
    verifying_key: &ed25519_dalek::VerifyingKey,
    message: &[u8],
    signature: &[u8],
    what: &'static str,
) -> Result<(), Error> {
    let signature: [u8; SIGNATURE_LEN] = signature
        .try_into()
        .map_err(|_| Error::BadSignature(what))?;
    let signature = Signature::from_bytes(&signature);
    verifying_key
        .verify_strict(message, &signature)
        .map_err(|_| Error::BadSignature(what))
}

/// A decoded object that keeps the exact bytes its signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signed<B> {
    pub bytes: Vec<u8>,
    pub body: B,
}

impl<B: Serialize + DeserializeOwned> Signed<B> {
    pub(crate) fn decode(bytes: &[u8], object_type: ObjectType) -> Result<Self, Error> {
        Ok(Signed {
            body: open::<B>(bytes, object_type)?,
            bytes: bytes.to_vec(),
        })
    }

    pub(crate) fn seal(
        object_type: ObjectType,
        body: B,
        key: &crate::SecretKey,
    ) -> Result<Self, Error> {
        let bytes = seal(object_type, &body, key)?;
        Ok(Signed { bytes, body })
    }

    pub(crate) fn verify(&self, key: &PublicKey, what: &'static str) -> Result<(), Error> {
        self.verify_with(&key.verifying_key()?, what)
    }

    pub(crate) fn verify_with(
        &self,
        key: &ed25519_dalek::VerifyingKey,
        what: &'static str,
    ) -> Result<(), Error> {
        let signed = signed_part(&self.bytes);
        let signature = self.bytes.get(signed.len()..).unwrap_or_default();
        verify_with_key(key, signed, signature, what)
    }
}
