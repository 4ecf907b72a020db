//! Revocation lists: authority keys a root has revoked.

use serde::{Deserialize, Serialize};

use crate::certificate::strictly_sorted;
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::{KeyId, PublicKey};
use crate::limits::{self, check_len};

/// The signed content of a revocation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationBody {
    /// The root that signs it (and certified the revoked keys).
    pub root: KeyId,
    /// Increases with every publication.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: u64,
    /// The revoked authority key ids (sorted, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_REVOKED_KEYS}>")]
    pub revoked: Vec<KeyId>,
}

/// A root's signed list of revoked authority keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationList {
    signed: Signed<RevocationBody>,
}

impl RevocationList {
    /// Decodes a revocation list, enforcing every structural rule.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let signed = Signed::<RevocationBody>::decode(bytes, ObjectType::RevocationList)?;
        validate(&signed.body)?;
        Ok(RevocationList { signed })
    }

    pub(crate) fn seal(body: RevocationBody, key: &crate::SecretKey) -> Result<Self, Error> {
        validate(&body)?;
        Ok(RevocationList {
            signed: Signed::seal(ObjectType::RevocationList, body, key)?,
        })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    /// The decoded body.
    pub fn body(&self) -> &RevocationBody {
        &self.signed.body
    }

    pub(crate) fn verify_signature(&self, root_key: &PublicKey) -> Result<(), Error> {
        self.signed.verify(root_key, "revocation list")
    }
}

fn validate(body: &RevocationBody) -> Result<(), Error> {
    check_len("revoked keys", body.revoked.len(), limits::MAX_REVOKED_KEYS)?;
    if !strictly_sorted(&body.revoked) {
        return Err(Error::NotCanonical("revoked keys"));
    }
    Ok(())
}
