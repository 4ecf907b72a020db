//! The trust store: pinned roots and what they have revoked.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use ed25519_dalek::VerifyingKey;

use crate::certificate::{AuthorityRole, Certificate};
use crate::error::Error;
use crate::ids::{Fingerprint, KeyId};
use crate::revocation::RevocationList;

/// Most authority certificates the verified-authority cache remembers;
/// when full it starts again (a device sees a handful of lines).
const MAX_CACHED_AUTHORITIES: usize = 4096;

/// Authority (and root) certificates whose signature under a pinned root
/// has been checked once, with their subject key decompressed once. Only
/// the signature — a fact about bytes that never changes — is remembered:
/// validity, revocation and roles are checked on every use. Not part of
/// the store's identity: two stores pinning the same roots are equal
/// whatever each has cached, and a clone starts with an empty cache.
#[derive(Debug, Default)]
struct VerifiedAuthorities(RwLock<HashMap<Fingerprint, VerifiedKey>>);

#[derive(Debug, Clone, Copy)]
struct VerifiedKey {
    /// The root whose key checked the certificate's signature.
    root: KeyId,
    /// The certificate's subject key, decompressed.
    key: VerifyingKey,
}

impl VerifiedAuthorities {
    fn get(&self, certificate: &Certificate, root: &KeyId) -> Option<VerifyingKey> {
        let entries = self.0.read().ok()?;
        crate::race::acquired(&self.0);
        let key = entries
            .get(&certificate.fingerprint())
            .filter(|verified| verified.root == *root)
            .map(|verified| verified.key);
        crate::race::releasing(&self.0);
        key
    }

    fn insert(&self, certificate: &Certificate, root: KeyId, key: VerifyingKey) {
        if let Ok(mut entries) = self.0.write() {
            crate::race::acquired(&self.0);
            if entries.len() >= MAX_CACHED_AUTHORITIES {
                entries.clear();
            }
            entries.insert(certificate.fingerprint(), VerifiedKey { root, key });
            crate::race::releasing(&self.0);
        }
    }
}

impl Clone for VerifiedAuthorities {
    fn clone(&self) -> Self {
        VerifiedAuthorities::default()
    }
}

impl PartialEq for VerifiedAuthorities {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for VerifiedAuthorities {}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RevocationState {
    sequence: u64,
    /// The floor its issue time sets for the root's clock: capped at the
    /// clock it was accepted at plus the tolerance (the rule for times).
    clock_floor: u64,
    fingerprint: crate::ids::Fingerprint,
    /// Revoked key → since when.
    revoked: BTreeMap<KeyId, u64>,
}

/// The roots a verifier pins — manufacturer roots for parts and pairing
/// records, blocklist roots (pinned separately) for blocklists — and the
/// revocation lists those roots have signed.
///
/// Each root governs only its own: its revocation list revokes keys it
/// certified, and its list's issue time is a floor for the clock against
/// which *its* certificates are checked, never another root's.
///
/// ```
/// use partcert::{SecretKey, TrustStore, Validity, issue::Authority};
/// let root = Authority::new_manufacturer_root(SecretKey::from_seed(&[1; 32]),
///     "Acme root", &["Acme"], Validity::days_from(0, 36500)).unwrap();
/// let mut trust = TrustStore::new();
/// trust.add_manufacturer_root(root.certificate().clone()).unwrap();
/// assert_eq!(trust.manufacturer_roots().count(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustStore {
    manufacturer_roots: BTreeMap<KeyId, Certificate>,
    blocklist_roots: BTreeMap<KeyId, Certificate>,
    revocations: BTreeMap<KeyId, RevocationState>,
    verified: VerifiedAuthorities,
}

/// An authority certificate that passed every check, with the root it
/// chains to and the time it was checked at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedAuthority<'a> {
    pub root: &'a Certificate,
    /// The authority's own key, decompressed.
    pub key: VerifyingKey,
    /// When its root revoked it, if it did and what it signed was placed
    /// before that time.
    pub revoked_since: Option<u64>,
    /// When its certificate ended (a retired line or service), if it has
    /// and what it signed was placed before that time.
    pub retired_at: Option<u64>,
}

/// When what an authority signed was signed, as far as the verifier knows.
///
/// An authority certificate vouches for what its key signs inside its
/// *window*: from its start to the earlier of its end and its revocation
/// "since" (revoked since 0: never). Once the window has closed — the
/// certificate expired because its line or service was retired, or its key
/// was revoked after a leak — only what evidence places inside the window
/// stands; a key stolen later cannot sign into the past unseen, because
/// evidence comes from someone else (the part's own maker's pairing
/// service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signed {
    /// Nothing places it: the window must be open at the verifying clock
    /// (blocklist signers).
    Unplaced,
    /// Evidence from the part's own maker may place it (part issuers): the
    /// window must be open now, or contain this time.
    PlacedBy(Option<u64>),
    /// It carries its own time (a pairing record's): the window must
    /// contain that time, whatever the time now.
    At(u64),
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

    /// The pinned blocklist root with this key id.
    pub fn blocklist_root(&self, id: &KeyId) -> Option<&Certificate> {
        self.blocklist_roots.get(id)
    }

    /// The pinned manufacturer root with this key id.
    pub fn manufacturer_root(&self, id: &KeyId) -> Option<&Certificate> {
        self.manufacturer_roots.get(id)
    }

    /// Accepts a revocation list signed by a pinned root, received at the
    /// caller's clock `now`. A list older than the one held for that root
    /// is refused. Its issue time raises the clock for that root's
    /// certificates, but never past `now` plus
    /// [`CLOCK_TOLERANCE`](crate::limits::CLOCK_TOLERANCE): a revocation
    /// list dated years ahead cannot expire a maker's parts. Returns the
    /// sequence held.
    pub fn apply_revocation_list(&mut self, list: &RevocationList, now: u64) -> Result<u64, Error> {
        let root_id = list.root();
        let root = self
            .manufacturer_roots
            .get(&root_id)
            .or_else(|| self.blocklist_roots.get(&root_id))
            .ok_or(Error::UnknownIssuer(root_id))?;
        let key = root.subject_key().ok_or(Error::UnknownIssuer(root_id))?;
        list.verify_signature(&key)?;
        // Its issue time raises the clock for this root's certificates: it
        // must lie in the root's own validity (milliseconds would not).
        root.validity().check(
            "root certificate, at the revocation list's issue time",
            list.issued_at(),
        )?;
        let fingerprint = crate::ids::Fingerprint::of_bytes(list.as_bytes());
        let mut clock_floor = crate::time::floor_of(list.issued_at(), now);
        if let Some(held) = self.revocations.get(&root_id) {
            if list.sequence() < held.sequence {
                return Err(Error::Rollback {
                    offered: crate::blocklist::ListVersion::new(0, list.sequence()),
                    accepted: crate::blocklist::ListVersion::new(0, held.sequence),
                });
            }
            if list.sequence() == held.sequence && fingerprint != held.fingerprint {
                return Err(Error::ConflictingSequence(list.sequence()));
            }
            if list.sequence() == held.sequence {
                // The same list again: never lower the floor it set.
                clock_floor = clock_floor.max(held.clock_floor);
            }
        }
        self.revocations.insert(
            root_id,
            RevocationState {
                sequence: list.sequence(),
                clock_floor,
                fingerprint,
                revoked: list
                    .revoked()
                    .iter()
                    .map(|revoked| (revoked.key, revoked.since))
                    .collect(),
            },
        );
        Ok(list.sequence())
    }

    /// Since when the root `root` has revoked `key`, if it has.
    pub fn revoked_since(&self, root: &KeyId, key: &KeyId) -> Option<u64> {
        self.revocations
            .get(root)
            .and_then(|state| state.revoked.get(key).copied())
    }

    /// Whether the root `root` has revoked `key` (from any time).
    pub fn is_revoked(&self, root: &KeyId, key: &KeyId) -> bool {
        self.revoked_since(root, key).is_some()
    }

    /// The time at which `root`'s certificates are checked for a caller's
    /// `now`: never earlier than the floor that root's own newest
    /// revocation list set (its issue time, capped at the clock it was
    /// accepted at plus the tolerance), so a clock set back cannot revive a
    /// certificate the root has moved past. Another root's lists never
    /// move it.
    pub fn clock_for_root(&self, root: &KeyId, now: u64) -> u64 {
        self.revocations
            .get(root)
            .map_or(now, |state| now.max(state.clock_floor))
    }

    fn roots_for(&self, role: AuthorityRole) -> &BTreeMap<KeyId, Certificate> {
        match role.certified_by() {
            AuthorityRole::BlocklistRoot => &self.blocklist_roots,
            _ => &self.manufacturer_roots,
        }
    }

    /// Checks that `certificate` is an authority of role `needed`,
    /// certified by a pinned root of the matching kind (valid at that
    /// root's clock for `now`), whose window holds what it signed as
    /// `signed` places it (see [`Signed`]).
    pub(crate) fn check_authority(
        &self,
        certificate: &Certificate,
        needed: AuthorityRole,
        now: u64,
        signed: Signed,
    ) -> Result<CheckedAuthority<'_>, Error> {
        let authority = certificate
            .authority()
            .filter(|authority| authority.role == needed)
            .ok_or(Error::RoleNotPermitted {
                needed: needed.name(),
                found: certificate.role_name(),
            })?;
        let root = self
            .roots_for(needed)
            .get(&certificate.issuer())
            .ok_or(Error::UnknownIssuer(certificate.issuer()))?;
        let key = self.verified_key(certificate, root)?;
        let now = self.clock_for_root(&root.issuer(), now);
        root.validity().check("root certificate", now)?;
        let key_id = authority.key.key_id();
        let revoked_since = self.revoked_since(&root.issuer(), &key_id);
        // Whether the window holds `at`: valid then, and before any "since".
        let in_window = |at: u64, what: &'static str| -> Result<(), Error> {
            certificate.validity().check(what, at)?;
            match revoked_since {
                Some(since) if at >= since => Err(Error::IssuerRevoked(key_id)),
                _ => Ok(()),
            }
        };
        // Whether it may sign now: valid, and not revoked at all.
        let open_now = || -> Result<(), Error> {
            certificate
                .validity()
                .check(certificate_label(needed, false), now)?;
            match revoked_since {
                Some(_) => Err(Error::IssuerRevoked(key_id)),
                None => Ok(()),
            }
        };
        let placed = match signed {
            Signed::Unplaced | Signed::PlacedBy(None) => {
                open_now()?;
                false
            }
            Signed::At(at) => {
                in_window(at, certificate_label(needed, true))?;
                true
            }
            Signed::PlacedBy(Some(at)) => match open_now() {
                Ok(()) => false,
                Err(closed) => {
                    in_window(at, certificate_label(needed, true)).map_err(|_| closed)?;
                    true
                }
            },
        };
        let not_after = certificate.validity().not_after;
        Ok(CheckedAuthority {
            root,
            key,
            revoked_since: revoked_since.filter(|_| placed),
            retired_at: Some(not_after).filter(|end| placed && now > *end),
        })
    }

    /// The subject key of `certificate`, once its signature under `root`
    /// has been checked — by this call, or by an earlier one.
    fn verified_key(
        &self,
        certificate: &Certificate,
        root: &Certificate,
    ) -> Result<VerifyingKey, Error> {
        if let Some(key) = self.verified.get(certificate, &root.issuer()) {
            return Ok(key);
        }
        let root_key = match self.verified.get(root, &root.issuer()) {
            Some(key) => key,
            None => {
                let key = root
                    .subject_key()
                    .ok_or(Error::UnknownIssuer(certificate.issuer()))?
                    .verifying_key()?;
                self.verified.insert(root, root.issuer(), key);
                key
            }
        };
        if certificate.issuer() != root.issuer() {
            return Err(Error::UnknownIssuer(certificate.issuer()));
        }
        certificate.verify_signed_with(&root_key)?;
        let key = certificate
            .subject_key()
            .ok_or(Error::UnknownIssuer(certificate.issuer()))?
            .verifying_key()?;
        self.verified.insert(certificate, root.issuer(), key);
        Ok(key)
    }

    /// Checks the signer of a blocklist object for `authority` at `epoch`,
    /// issued at `issued_at`, and returns the authority's name and the
    /// signer's key id. The signer is the pinned blocklist root itself
    /// (any epoch) or a blocklist authority it certified for exactly this
    /// epoch, valid at `now` *and* when the list says it was issued.
    pub(crate) fn check_blocklist_signer(
        &self,
        signer: &Certificate,
        authority: &KeyId,
        epoch: u64,
        issued_at: u64,
        now: u64,
    ) -> Result<(String, KeyId), Error> {
        let pinned_root = signer
            .subject_key()
            .and_then(|key| self.blocklist_roots.get(&key.key_id()))
            .filter(|root| *root == signer);
        let signer_subject = signer.authority();
        let root = match pinned_root {
            Some(root) => {
                let now = self.clock_for_root(&root.issuer(), now);
                root.validity().check("blocklist root certificate", now)?;
                root
            }
            // A blocklist root nobody pinned: a rogue or unknown registry.
            None if signer_subject.map(|s| s.role) == Some(AuthorityRole::BlocklistRoot) => {
                return Err(Error::UnknownIssuer(signer.issuer()));
            }
            None => {
                let checked = self.check_authority(
                    signer,
                    AuthorityRole::BlocklistAuthority,
                    now,
                    Signed::Unplaced,
                )?;
                let permitted = signer_subject.map_or(0, |s| s.epoch);
                if permitted != epoch {
                    return Err(Error::EpochNotPermitted {
                        offered: epoch,
                        permitted,
                    });
                }
                checked.root
            }
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
}

/// The certificate's name in errors; `at_signing` when it is checked at
/// the time what it signed was placed rather than now.
fn certificate_label(role: AuthorityRole, at_signing: bool) -> &'static str {
    match (role, at_signing) {
        (AuthorityRole::ManufacturerRoot, _) => "manufacturer root certificate",
        (AuthorityRole::PartIssuer, false) => "part issuer certificate",
        (AuthorityRole::PartIssuer, true) => {
            "part issuer certificate, when the part was first paired"
        }
        (AuthorityRole::PairingService, false) => "pairing service certificate",
        (AuthorityRole::PairingService, true) => {
            "pairing service certificate, at the record's issue time"
        }
        (AuthorityRole::BlocklistRoot, _) => "blocklist root certificate",
        (AuthorityRole::BlocklistAuthority, _) => "blocklist authority certificate",
    }
}
