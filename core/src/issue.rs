//! Issuing: what roots, factories, pairing services and registries call.

use std::collections::BTreeMap;

use crate::blocklist::{
    BlockKey, BlocklistDelta, BlocklistEntry, BlocklistSnapshot, DeltaBody, ListingStatus, Reason,
    SnapshotBody,
};
use crate::certificate::{
    AuthorityRole, AuthoritySubject, Certificate, CertificateBody, PartSubject, Subject, Validity,
};
use crate::error::Error;
use crate::ids::{Imei, KeyId, PartId, PartKind, PublicKey};
use crate::keys::SecretKey;
use crate::pairing::{PairedPart, PairingBody, PairingEvent, PairingRecord};
use crate::revocation::{RevocationBody, RevocationList};

/// What a part issuer writes into a part certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartSpec {
    /// What the part is.
    pub kind: PartKind,
    /// Who made it.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial.
    pub serial: String,
    /// For boards: the IMEIs it carries.
    pub imeis: Vec<Imei>,
    /// For parts with a secure element: the key the part holds.
    pub key: Option<PublicKey>,
}

/// An authority able to sign: its secret key and its certificate.
///
/// ```
/// use partcert::{Authority, AuthorityRole, PartKind, PartSpec, SecretKey, Validity};
/// let root = Authority::new_root(SecretKey::from_seed(&[1; 32]),
///     AuthorityRole::ManufacturerRoot, "Acme root", Validity::days_from(0, 36500)).unwrap();
/// let line_key = SecretKey::from_seed(&[2; 32]);
/// let line_cert = root.certify_authority(AuthorityRole::PartIssuer, "Acme line 3",
///     line_key.public_key(), &[PartKind::Screen], 2, Validity::days_from(0, 7300)).unwrap();
/// let line = Authority::new(line_key, line_cert).unwrap();
/// let screen = line.certify_part(&PartSpec {
///     kind: PartKind::Screen, manufacturer: "Acme".into(), model: "A1 OLED".into(),
///     serial: "SCR-0001".into(), imeis: vec![], key: None,
/// }, 1, Validity::days_from(0, 10950)).unwrap();
/// assert_eq!(screen.part().unwrap().serial, "SCR-0001");
/// ```
#[derive(Debug, Clone)]
pub struct Authority {
    key: SecretKey,
    certificate: Certificate,
    subject: AuthoritySubject,
}

impl Authority {
    /// Pairs a key with its authority certificate; they must match.
    pub fn new(key: SecretKey, certificate: Certificate) -> Result<Self, Error> {
        let subject = certificate
            .authority()
            .ok_or(Error::RoleNotPermitted {
                needed: "an authority",
                found: "part",
            })?
            .clone();
        if subject.key != key.public_key() {
            return Err(Error::KeyMismatch);
        }
        Ok(Authority {
            key,
            certificate,
            subject,
        })
    }

    /// Creates a root (manufacturer or blocklist) with its self-signed
    /// certificate; its serial number is 1.
    pub fn new_root(
        key: SecretKey,
        role: AuthorityRole,
        name: &str,
        validity: Validity,
    ) -> Result<Self, Error> {
        let certificate = Certificate::self_signed(&key, role, name, 1, validity)?;
        Authority::new(key, certificate)
    }

    /// The authority's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The authority's secret key.
    pub fn key(&self) -> &SecretKey {
        &self.key
    }

    /// The authority's role.
    pub fn role(&self) -> AuthorityRole {
        self.subject().role
    }

    fn subject(&self) -> &AuthoritySubject {
        &self.subject
    }

    fn require(&self, role: AuthorityRole) -> Result<(), Error> {
        if self.role() != role {
            return Err(Error::RoleNotPermitted {
                needed: role.name(),
                found: self.role().name(),
            });
        }
        Ok(())
    }

    /// Certifies an authority: a root certifies part issuers and pairing
    /// services (manufacturer root) or blocklist authorities (blocklist root).
    pub fn certify_authority(
        &self,
        role: AuthorityRole,
        name: &str,
        subject_key: PublicKey,
        permitted_kinds: &[PartKind],
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        if role.is_root() {
            return Err(Error::RoleNotPermitted {
                needed: "a certified (non-root) role",
                found: role.name(),
            });
        }
        self.require(role.certified_by())?;
        let mut kinds = permitted_kinds.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        let body = CertificateBody {
            serial_number,
            issuer: self.key.key_id(),
            validity,
            subject: Subject::Authority(AuthoritySubject {
                role,
                name: name.to_owned(),
                key: subject_key,
                permitted_kinds: kinds,
            }),
        };
        Certificate::sign(body, &self.key)
    }

    /// Certifies a part (part issuers only, for the kinds they may certify).
    pub fn certify_part(
        &self,
        spec: &PartSpec,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.require(AuthorityRole::PartIssuer)?;
        if !self.subject().permitted_kinds.contains(&spec.kind) {
            return Err(Error::KindNotPermitted(spec.kind));
        }
        let mut imeis = spec.imeis.clone();
        imeis.sort_unstable();
        imeis.dedup();
        let body = CertificateBody {
            serial_number,
            issuer: self.key.key_id(),
            validity,
            subject: Subject::Part(PartSubject {
                kind: spec.kind,
                manufacturer: spec.manufacturer.clone(),
                model: spec.model.clone(),
                serial: spec.serial.clone(),
                imeis,
                key: spec.key,
            }),
        };
        Certificate::sign(body, &self.key)
    }

    /// Signs a pairing record (pairing services only): the handset's
    /// IMEIs come from its board's certificate.
    pub fn pair(
        &self,
        board: &Certificate,
        parts: &[Certificate],
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
    ) -> Result<PairingRecord, Error> {
        self.require(AuthorityRole::PairingService)?;
        let board_subject = board
            .part()
            .filter(|part| part.kind == PartKind::Board)
            .ok_or(Error::InvalidField(
                "the board certificate is not a board's",
            ))?;
        if board_subject.imeis.is_empty() {
            return Err(Error::InvalidField("the board certificate carries no IMEI"));
        }
        let board_entry = PairedPart::of(board).ok_or(Error::InvalidField(
            "the board certificate is not a board's",
        ))?;
        let mut listed = Vec::with_capacity(parts.len());
        for part in parts {
            listed.push(
                PairedPart::of(part)
                    .ok_or(Error::InvalidField("a paired certificate is not a part's"))?,
            );
        }
        listed.sort_unstable_by_key(|part| part.part_id);
        listed.dedup_by_key(|part| part.part_id);
        let body = PairingBody {
            service_certificate: self.certificate.as_bytes().to_vec(),
            imeis: board_subject.imeis.clone(),
            board: board_entry,
            parts: listed,
            sequence,
            event,
            issued_at,
        };
        PairingRecord::seal(body, &self.key)
    }

    /// The authority a blocklist signed by this key belongs to: the key id
    /// of its blocklist root (its own, for a root). Other roles may not
    /// sign blocklists.
    pub fn blocklist_authority(&self) -> Result<KeyId, Error> {
        match self.role() {
            AuthorityRole::BlocklistRoot => Ok(self.key.key_id()),
            AuthorityRole::BlocklistAuthority => Ok(self.certificate.issuer()),
            other => Err(Error::RoleNotPermitted {
                needed: AuthorityRole::BlocklistAuthority.name(),
                found: other.name(),
            }),
        }
    }

    /// Publishes a full blocklist snapshot (blocklist roots and
    /// authorities). Entries may come in any order; two entries for the
    /// same key are refused.
    pub fn publish_snapshot(
        &self,
        sequence: u64,
        issued_at: u64,
        expires_at: u64,
        mut entries: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error> {
        let authority = self.blocklist_authority()?;
        entries.sort_unstable_by_key(|entry| entry.key);
        let body = SnapshotBody {
            signer_certificate: self.certificate.as_bytes().to_vec(),
            authority,
            sequence,
            issued_at,
            expires_at,
            entries,
        };
        BlocklistSnapshot::seal(body, &self.key)
    }

    /// Publishes the snapshot that follows `base` (an earlier snapshot of
    /// this authority, or none for a first list): `base`'s entries, less
    /// any under a `delisted` key, plus `listed` (a listed entry replaces
    /// an earlier one for the same key). The sequence must be later than
    /// `base`'s ([`Error::Rollback`] otherwise); a base of another
    /// authority is [`Error::WrongAuthority`].
    pub fn publish_next_snapshot(
        &self,
        base: Option<&BlocklistSnapshot>,
        sequence: u64,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error> {
        let authority = self.blocklist_authority()?;
        let mut entries: BTreeMap<BlockKey, BlocklistEntry> = BTreeMap::new();
        if let Some(base) = base {
            if base.body().authority != authority {
                return Err(Error::WrongAuthority);
            }
            if sequence <= base.body().sequence {
                return Err(Error::Rollback {
                    offered: sequence,
                    accepted: base.body().sequence,
                });
            }
            entries.extend(base.body().entries.iter().map(|entry| (entry.key, *entry)));
        }
        for key in delisted {
            entries.remove(key);
        }
        entries.extend(listed.into_iter().map(|entry| (entry.key, entry)));
        self.publish_snapshot(
            sequence,
            issued_at,
            expires_at,
            entries.into_values().collect(),
        )
    }

    /// Publishes the delta that turns `from` into `to` (two snapshots of
    /// this authority).
    pub fn publish_delta(
        &self,
        from: &BlocklistSnapshot,
        to: &BlocklistSnapshot,
    ) -> Result<BlocklistDelta, Error> {
        let authority = self.blocklist_authority()?;
        if from.body().authority != authority || to.body().authority != authority {
            return Err(Error::WrongAuthority);
        }
        let old: BTreeMap<BlockKey, &BlocklistEntry> =
            from.body().entries.iter().map(|e| (e.key, e)).collect();
        let new: BTreeMap<BlockKey, &BlocklistEntry> =
            to.body().entries.iter().map(|e| (e.key, e)).collect();
        let upserts = new
            .iter()
            .filter(|(key, entry)| old.get(*key) != Some(*entry))
            .map(|(_, entry)| **entry)
            .collect();
        let removals = old
            .keys()
            .filter(|key| !new.contains_key(*key))
            .copied()
            .collect();
        let body = DeltaBody {
            signer_certificate: self.certificate.as_bytes().to_vec(),
            authority,
            from_sequence: from.body().sequence,
            from_digest: from.state_digest(),
            to_sequence: to.body().sequence,
            issued_at: to.body().issued_at,
            expires_at: to.body().expires_at,
            upserts,
            removals,
            result_digest: to.state_digest(),
        };
        BlocklistDelta::seal(body, &self.key)
    }

    /// Signs a revocation list (roots only) of keys this root certified.
    pub fn revoke(
        &self,
        sequence: u64,
        issued_at: u64,
        revoked: &[KeyId],
    ) -> Result<RevocationList, Error> {
        if !self.role().is_root() {
            return Err(Error::RoleNotPermitted {
                needed: "a root",
                found: self.role().name(),
            });
        }
        let mut revoked = revoked.to_vec();
        revoked.sort_unstable();
        revoked.dedup();
        let body = RevocationBody {
            root: self.key.key_id(),
            sequence,
            issued_at,
            revoked,
        };
        RevocationList::seal(body, &self.key)
    }
}

impl BlocklistEntry {
    /// The entry listing a handset by IMEI.
    pub fn handset(imei: Imei, reason: Reason, listed_at: u64, status: ListingStatus) -> Self {
        BlocklistEntry {
            key: BlockKey::Imei(imei),
            reason,
            listed_at,
            status,
            handset: None,
        }
    }

    /// The entry listing a part by identity; `handset` is the handset it
    /// was paired to when listed, if known.
    pub fn part(
        part_id: PartId,
        reason: Reason,
        listed_at: u64,
        status: ListingStatus,
        handset: Option<Imei>,
    ) -> Self {
        BlocklistEntry {
            key: BlockKey::Part(part_id),
            reason,
            listed_at,
            status,
            handset,
        }
    }

    /// Every entry for a reported handset: its IMEIs *and* the identities of
    /// the parts paired to it, so its parts stay blocked when harvested and
    /// shown with an older pairing record from another handset.
    pub fn for_reported_handset(
        record: &PairingRecord,
        reason: Reason,
        listed_at: u64,
        status: ListingStatus,
    ) -> Vec<BlocklistEntry> {
        let first_imei = record.imeis().first().copied();
        let handsets = record
            .imeis()
            .iter()
            .map(|imei| BlocklistEntry::handset(*imei, reason, listed_at, status));
        let parts = record
            .all_parts()
            .map(|part| BlocklistEntry::part(part.part_id, reason, listed_at, status, first_imei));
        handsets.chain(parts).collect()
    }
}
