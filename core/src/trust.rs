//! The trust store: pinned roots and what they have revoked.

use std::collections::{BTreeMap, BTreeSet};

use crate::certificate::{AuthorityRole, Certificate};
use crate::error::Error;
use crate::ids::KeyId;
use crate::revocation::RevocationList;

#[derive(Debug, Clone, PartialEq, Eq)]
struct RevocationState {
    sequence: u64,
    issued_at: u64,
    fingerprint: crate::Fingerprint,
    revoked: BTreeSet<KeyId>,
}

/// The roots a verifier pins — manufacturer roots for parts and pairing
/// records, blocklist roots (pinned separately) for blocklists — and the
/// revocation lists those roots have signed.
///
/// ```
/// use partcert::{AuthorityRole, Certificate, SecretKey, TrustStore, Validity};
/// let root_key = SecretKey::from_seed(&[1; 32]);
/// let root = Certificate::self_signed(&root_key, AuthorityRole::ManufacturerRoot,
///     "Acme root", 1, Validity::days_from(0, 36500)).unwrap();
/// let mut trust = TrustStore::new();
/// trust.add_manufacturer_root(root).unwrap();
/// assert_eq!(trust.manufacturer_roots().count(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustStore {
    manufacturer_roots: BTreeMap<KeyId, Certificate>,
    blocklist_roots: BTreeMap<KeyId, Certificate>,
    revocations: BTreeMap<KeyId, RevocationState>,
}

impl TrustStore {
    /// An empty trust store: trusts nothing.
    pub fn new() -> Self {
        TrustStore::default()
    }

    /// Pins a manufacturer root. It must be a validly self-signed
    /// manufacturer-root certificate. Returns its key id.
    pub fn add_manufacturer_root(&mut self, root: Certificate) -> Result<KeyId, Error> {
        Self::pin(
            &mut self.manufacturer_roots,
            root,
            AuthorityRole::ManufacturerRoot,
        )
    }

    /// Pins a blocklist root (a registry, an operator, a manufacturer's
    /// blocklist service). Returns its key id.
    pub fn add_blocklist_root(&mut self, root: Certificate) -> Result<KeyId, Error> {
        Self::pin(
            &mut self.blocklist_roots,
            root,
            AuthorityRole::BlocklistRoot,
        )
    }

    fn pin(
        roots: &mut BTreeMap<KeyId, Certificate>,
        root: Certificate,
        role: AuthorityRole,
    ) -> Result<KeyId, Error> {
        let found = root.authority().map(|a| a.role);
        if found != Some(role) {
            return Err(Error::RoleNotPermitted {
                needed: role.name(),
                found: root.role_name(),
            });
        }
        root.verify_self_signed()?;
        let id = root.issuer();
        if !roots.contains_key(&id) && roots.len() >= crate::limits::MAX_AUTHORITIES {
            return Err(Error::LengthOverBound {
                field: "pinned roots",
                length: roots.len() + 1,
                max: crate::limits::MAX_AUTHORITIES,
            });
        }
        roots.insert(id, root);
        Ok(id)
    }

    /// The pinned manufacturer roots.
    pub fn manufacturer_roots(&self) -> impl Iterator<Item = &Certificate> {
        self.manufacturer_roots.values()
    }

    /// The pinned blocklist roots.
    pub fn blocklist_roots(&self) -> impl Iterator<Item = &Certificate> {
        self.blocklist_roots.values()
    }

    /// Accepts a revocation list signed by a pinned root. A list older than
    /// the one held for that root is refused. Returns the sequence held.
    pub fn apply_revocation_list(&mut self, list: &RevocationList) -> Result<u64, Error> {
        let body = list.body();
        let root = self
            .manufacturer_roots
            .get(&body.root)
            .or_else(|| self.blocklist_roots.get(&body.root))
            .ok_or(Error::UnknownIssuer(body.root))?;
        let key = root.subject_key().ok_or(Error::UnknownIssuer(body.root))?;
        list.verify_signature(&key)?;
        // Its issue time raises every verification clock: it must lie in
        // the root's own validity (a timestamp in milliseconds would not).
        root.validity().check(
            "root certificate, at the revocation list's issue time",
            body.issued_at,
        )?;
        let fingerprint = crate::Fingerprint::of_bytes(list.as_bytes());
        if let Some(held) = self.revocations.get(&body.root) {
            if body.sequence < held.sequence {
                return Err(Error::Rollback {
                    offered: body.sequence,
                    accepted: held.sequence,
                });
            }
            if body.sequence == held.sequence && fingerprint != held.fingerprint {
                return Err(Error::ConflictingSequence(body.sequence));
            }
        }
        self.revocations.insert(
            body.root,
            RevocationState {
                sequence: body.sequence,
                issued_at: body.issued_at,
                fingerprint,
                revoked: body.revoked.iter().copied().collect(),
            },
        );
        Ok(body.sequence)
    }

    /// Whether the root that certified `key` has revoked it.
    pub fn is_revoked(&self, root: &KeyId, key: &KeyId) -> bool {
        self.revocations
            .get(root)
            .is_some_and(|state| state.revoked.contains(key))
    }

    /// The newest issue time of any accepted revocation list: a floor for
    /// the verification clock.
    pub fn time_floor(&self) -> u64 {
        self.revocations
            .values()
            .map(|state| state.issued_at)
            .max()
            .unwrap_or(0)
    }

    fn roots_for(&self, role: AuthorityRole) -> &BTreeMap<KeyId, Certificate> {
        match role.certified_by() {
            AuthorityRole::BlocklistRoot => &self.blocklist_roots,
            _ => &self.manufacturer_roots,
        }
    }

    /// Checks that `certificate` is an authority of role `needed`,
    /// certified by a pinned root of the matching kind, valid at `now`, and
    /// not revoked. Returns the root.
    pub(crate) fn check_authority(
        &self,
        certificate: &Certificate,
        needed: AuthorityRole,
        now: u64,
    ) -> Result<&Certificate, Error> {
        let authority = certificate.authority();
        if authority.map(|a| a.role) != Some(needed) {
            return Err(Error::RoleNotPermitted {
                needed: needed.name(),
                found: certificate.role_name(),
            });
        }
        let root = self
            .roots_for(needed)
            .get(&certificate.issuer())
            .ok_or(Error::UnknownIssuer(certificate.issuer()))?;
        let root_key = root
            .subject_key()
            .ok_or(Error::UnknownIssuer(certificate.issuer()))?;
        certificate.verify_signed_by(&root_key)?;
        root.validity().check("root certificate", now)?;
        certificate
            .validity()
            .check(certificate_label(needed), now)?;
        let key_id = authority
            .map(|a| a.key.key_id())
            .ok_or(Error::UnknownIssuer(certificate.issuer()))?;
        if self.is_revoked(&root.issuer(), &key_id) {
            return Err(Error::IssuerRevoked(key_id));
        }
        Ok(root)
    }

    /// Checks the signer of a blocklist object for `authority`, issued at
    /// `issued_at`, and returns the authority's name and the signer's key
    /// id. The signer is the pinned blocklist root itself or a blocklist
    /// authority it certified, valid now *and* when the list says it was
    /// issued: a list cannot claim an issue time (which becomes a floor for
    /// every verification clock) beyond its signer's validity.
    pub(crate) fn check_blocklist_signer(
        &self,
        signer: &Certificate,
        authority: &KeyId,
        issued_at: u64,
        now: u64,
    ) -> Result<(String, KeyId), Error> {
        let pinned_root = signer
            .subject_key()
            .and_then(|key| self.blocklist_roots.get(&key.key_id()))
            .filter(|root| *root == signer);
        let signer_role = signer.authority().map(|a| a.role);
        let root = match pinned_root {
            Some(root) => {
                root.validity().check("blocklist root certificate", now)?;
                root
            }
            // A blocklist root nobody pinned: a rogue or unknown registry.
            None if signer_role == Some(AuthorityRole::BlocklistRoot) => {
                return Err(Error::UnknownIssuer(signer.issuer()));
            }
            None => self.check_authority(signer, AuthorityRole::BlocklistAuthority, now)?,
        };
        if root.issuer() != *authority {
            return Err(Error::WrongAuthority);
        }
        let what = "blocklist signer certificate, at the list's issue time";
        signer.validity().check(what, issued_at)?;
        root.validity().check(what, issued_at)?;
        let signer_id = signer
            .subject_key()
            .map(|key| key.key_id())
            .ok_or(Error::UnknownIssuer(signer.issuer()))?;
        let name = root.authority().map(|a| a.name.clone()).unwrap_or_default();
        Ok((name, signer_id))
    }

    /// The pinned blocklist root with this key id.
    pub fn blocklist_root(&self, id: &KeyId) -> Option<&Certificate> {
        self.blocklist_roots.get(id)
    }

    /// The pinned manufacturer root with this key id.
    pub fn manufacturer_root(&self, id: &KeyId) -> Option<&Certificate> {
        self.manufacturer_roots.get(id)
    }
}

fn certificate_label(role: AuthorityRole) -> &'static str {
    match role {
        AuthorityRole::ManufacturerRoot => "manufacturer root certificate",
        AuthorityRole::PartIssuer => "part issuer certificate",
        AuthorityRole::PairingService => "pairing service certificate",
        AuthorityRole::BlocklistRoot => "blocklist root certificate",
        AuthorityRole::BlocklistAuthority => "blocklist authority certificate",
    }
}
