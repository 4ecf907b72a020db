//! Revocation lists: authority keys a root has revoked, each since a time.

use serde::{Deserialize, Serialize};

use crate::certificate::strictly_sorted;
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::{KeyId, PublicKey};
use crate::limits::{self, check_len};

/// One revoked key and the time from which it is no longer trusted: a
/// leaked factory line's key condemns what it signed after the leak, not
/// the genuine parts that independent evidence places before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RevokedKey {
    /// The revoked authority key.
    pub key: KeyId,
    /// From when (seconds since the Unix epoch); 0 revokes everything it
    /// ever signed.
    pub since: u64,
}

/// The signed content of a revocation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RevocationBody {
    /// The root that signs it (and certified the revoked keys).
    pub root: KeyId,
    /// Increases with every publication.
    pub sequence: u64,
    /// When it was signed.
    pub issued_at: u64,
    /// The revoked keys (sorted by key id, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_REVOKED_KEYS}>")]
    pub revoked: Vec<RevokedKey>,
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

    pub(crate) fn body(&self) -> &RevocationBody {
        &self.signed.body
    }

    /// The key id of the root that signed it.
    pub fn root(&self) -> KeyId {
        self.signed.body.root
    }

    /// Its sequence: a later list replaces an earlier one.
    pub fn sequence(&self) -> u64 {
        self.signed.body.sequence
    }

    /// When it was signed.
    pub fn issued_at(&self) -> u64 {
        self.signed.body.issued_at
    }

    /// The revoked keys, sorted by key id.
    pub fn revoked(&self) -> &[RevokedKey] {
        &self.signed.body.revoked
    }

    pub(crate) fn verify_signature(&self, root_key: &PublicKey) -> Result<(), Error> {
        self.signed.verify(root_key, "revocation list")
    }
}

fn validate(body: &RevocationBody) -> Result<(), Error> {
    check_len("revoked keys", body.revoked.len(), limits::MAX_REVOKED_KEYS)?;
    limits::check_sequence(body.sequence)?;
    let keys: Vec<KeyId> = body.revoked.iter().map(|revoked| revoked.key).collect();
    if !strictly_sorted(&keys) {
        return Err(Error::NotCanonical("revoked keys"));
    }
    Ok(())
}
