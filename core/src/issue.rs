//! Issuing: what roots, factory lines, pairing services and registries
//! call. Every signing path goes through an [`Authority`], which checks
//! the signer's role and refuses to sign what a verifier would refuse.

use std::collections::BTreeMap;

use crate::blocklist::{
    BlockKey, BlocklistDelta, BlocklistEntry, BlocklistSnapshot, ByteString, CompactList,
    CompactSnapshot, CompactSnapshotBody, DeltaBody, ListVersion, ListingStatus, Reason,
    SnapshotBody,
};
use crate::certificate::{
    AuthorityRole, AuthoritySubject, Certificate, CertificateBody, PartSubject, Subject, Validity,
};
use crate::error::Error;
use crate::ids::{Imei, KeyId, PartId, PartKind, PublicKey};
use crate::keys::SecretKey;
use crate::pairing::{PairedPart, PairingBody, PairingEvent, PairingRecord};
use crate::revocation::{RevocationBody, RevocationList, RevokedKey};

/// What a part issuer writes into a part certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartSpec {
    /// What the part is.
    pub kind: PartKind,
    /// Who made it: one of the names the issuer's certificate permits.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial, in its one written form (see the crate's text rules).
    pub serial: String,
    /// For boards: the IMEIs it carries (at least one).
    pub imeis: Vec<Imei>,
    /// For parts with a secure element: the key the part holds.
    pub key: Option<PublicKey>,
}

/// An authority able to sign: its secret key and its certificate.
///
/// ```
/// use partcert::{PartKind, SecretKey, Validity};
/// use partcert::issue::{Authority, PartSpec};
/// let root = Authority::new_manufacturer_root(SecretKey::from_seed(&[1; 32]),
///     "Acme root", &["Acme"], Validity::days_from(0, 36500)).unwrap();
/// let line_key = SecretKey::from_seed(&[2; 32]);
/// let line_cert = root.certify_part_issuer("Acme line 3", line_key.public_key(),
///     &[PartKind::Screen], &["Acme"], 2, Validity::days_from(0, 7300)).unwrap();
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

    /// Creates a manufacturer root with its self-signed certificate, naming
    /// the manufacturers whose parts it (through its lines) may certify.
    pub fn new_manufacturer_root(
        key: SecretKey,
        name: &str,
        manufacturers: &[&str],
        validity: Validity,
    ) -> Result<Self, Error> {
        let names = manufacturers.iter().map(|n| (*n).to_owned()).collect();
        let certificate =
            Certificate::self_signed(&key, AuthorityRole::ManufacturerRoot, name, names, validity)?;
        Authority::new(key, certificate)
    }

    /// Creates a blocklist root (a registry, an operator) with its
    /// self-signed certificate.
    pub fn new_blocklist_root(
        key: SecretKey,
        name: &str,
        validity: Validity,
    ) -> Result<Self, Error> {
        let certificate = Certificate::self_signed(
            &key,
            AuthorityRole::BlocklistRoot,
            name,
            Vec::new(),
            validity,
        )?;
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
        self.subject.role
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

    /// What every verifier checks of a certificate's issuer, checked
    /// before signing: a verifier accepts a certificate only while both it
    /// and its signer's certificate are valid, so a window that never
    /// overlaps the signer's (a signer already expired, or not yet valid
    /// when the new certificate ends) is refused.
    fn check_signer_overlaps(&self, validity: &Validity) -> Result<(), Error> {
        let signer = self.certificate.validity();
        let what = "signer's certificate, during the new certificate's validity";
        if validity.not_before > signer.not_after {
            return Err(Error::Expired {
                what,
                not_after: signer.not_after,
                now: validity.not_before,
            });
        }
        if validity.not_after < signer.not_before {
            return Err(Error::NotYetValid {
                what,
                not_before: signer.not_before,
                now: validity.not_after,
            });
        }
        Ok(())
    }

    fn certify(
        &self,
        subject: AuthoritySubject,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.require(subject.role.certified_by())?;
        self.check_signer_overlaps(&validity)?;
        let body = CertificateBody {
            serial_number,
            issuer: self.key.key_id(),
            validity,
            subject: Subject::Authority(subject),
        };
        Certificate::sign(body, &self.key)
    }

    /// Certifies a factory line (manufacturer roots only) for part kinds
    /// and manufacturer names, which must be among the root's own.
    pub fn certify_part_issuer(
        &self,
        name: &str,
        subject_key: PublicKey,
        permitted_kinds: &[PartKind],
        manufacturers: &[&str],
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.require(AuthorityRole::ManufacturerRoot)?;
        for maker in manufacturers {
            if !self.subject.manufacturers.iter().any(|m| m == maker) {
                return Err(Error::ManufacturerNotPermitted(
                    "manufacturer root",
                    (*maker).to_owned(),
                ));
            }
        }
        let mut kinds = permitted_kinds.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        let mut names: Vec<String> = manufacturers.iter().map(|n| (*n).to_owned()).collect();
        names.sort_unstable();
        names.dedup();
        self.certify(
            AuthoritySubject {
                role: AuthorityRole::PartIssuer,
                name: name.to_owned(),
                key: subject_key,
                permitted_kinds: kinds,
                manufacturers: names,
                epoch: 0,
            },
            serial_number,
            validity,
        )
    }

    /// Certifies a pairing service (manufacturer roots only): it vouches
    /// for handsets whose board this root certified.
    pub fn certify_pairing_service(
        &self,
        name: &str,
        subject_key: PublicKey,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.certify(
            AuthoritySubject {
                role: AuthorityRole::PairingService,
                name: name.to_owned(),
                key: subject_key,
                permitted_kinds: Vec::new(),
                manufacturers: Vec::new(),
                epoch: 0,
            },
            serial_number,
            validity,
        )
    }

    /// Certifies a delegated blocklist signing key (blocklist roots only)
    /// for exactly one epoch. To supersede a stolen delegated key, the
    /// root publishes in a later epoch (itself, or through a key certified
    /// for that epoch).
    pub fn certify_blocklist_authority(
        &self,
        name: &str,
        subject_key: PublicKey,
        epoch: u64,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.certify(
            AuthoritySubject {
                role: AuthorityRole::BlocklistAuthority,
                name: name.to_owned(),
                key: subject_key,
                permitted_kinds: Vec::new(),
                manufacturers: Vec::new(),
                epoch,
            },
            serial_number,
            validity,
        )
    }

    /// Certifies a part (part issuers only, for the kinds and manufacturer
    /// names they may certify), under this issuer's root.
    pub fn certify_part(
        &self,
        spec: &PartSpec,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.require(AuthorityRole::PartIssuer)?;
        self.check_signer_overlaps(&validity)?;
        if !self.subject.permitted_kinds.contains(&spec.kind) {
            return Err(Error::KindNotPermitted(spec.kind));
        }
        if !self.subject.manufacturers.contains(&spec.manufacturer) {
            return Err(Error::ManufacturerNotPermitted(
                "part issuer",
                spec.manufacturer.clone(),
            ));
        }
        let mut imeis = spec.imeis.clone();
        imeis.sort_unstable();
        if let Some([twice, _]) = imeis
            .windows(2)
            .find(|pair| matches!(pair, [a, b] if a == b))
        {
            return Err(Error::Duplicate(format!("IMEI {twice}")));
        }
        let body = CertificateBody {
            serial_number,
            issuer: self.key.key_id(),
            validity,
            subject: Subject::Part(PartSubject {
                root: self.certificate.issuer(),
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

    /// Signs a pairing record (pairing services only, for boards certified
    /// under the service's own root): the handset's IMEIs come from its
    /// board's certificate. Every part is first paired now; after a repair,
    /// use [`Authority::pair_after`] so the parts keep their past.
    pub fn pair(
        &self,
        board: &Certificate,
        parts: &[Certificate],
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
    ) -> Result<PairingRecord, Error> {
        self.pair_with(board, parts, sequence, event, issued_at, |_| None)
    }

    /// Signs the record of a handset after a repair (or any later pairing):
    /// as [`Authority::pair`], and each part keeps the time a pairing
    /// service of this root first paired its certificate, as the `earlier`
    /// records say (the handset's previous record, a donor handset's
    /// record). So "made before its line's key leaked" survives any number
    /// of repairs.
    ///
    /// Every earlier record must verify against `trust` at `issued_at` and
    /// be no later than it; only those of this service's own root (the
    /// part's maker) carry a first-paired time, so another maker's record
    /// can place a part in a handset but never vouch for its past.
    #[allow(clippy::too_many_arguments)] // the record's fields, each needed
    pub fn pair_after(
        &self,
        trust: &crate::TrustStore,
        earlier: &[PairingRecord],
        board: &Certificate,
        parts: &[Certificate],
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
    ) -> Result<PairingRecord, Error> {
        crate::limits::check_len(
            "earlier pairing records",
            earlier.len(),
            crate::limits::MAX_CHAIN_LEN,
        )?;
        let root = self.certificate.issuer();
        for record in earlier {
            crate::verify::check_record(trust, record, issued_at)?;
            if record.issued_at() > issued_at {
                return Err(Error::InvalidField(
                    "an earlier pairing record is dated after the new one",
                ));
            }
        }
        let own: Vec<&PairingRecord> = earlier
            .iter()
            .filter(|record| record.service_certificate().issuer() == root)
            .collect();
        self.pair_with(board, parts, sequence, event, issued_at, |part| {
            own.iter()
                .filter_map(|record| record.find(&part.part_id))
                .filter(|paired| paired.certificate == part.certificate)
                .map(|paired| paired.first_paired)
                .min()
        })
    }

    /// Signs a pairing record whose parts were first paired when
    /// `first_paired` says (now, if it says nothing).
    fn pair_with(
        &self,
        board: &Certificate,
        parts: &[Certificate],
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
        first_paired: impl Fn(&PairedPart) -> Option<u64>,
    ) -> Result<PairingRecord, Error> {
        self.require(AuthorityRole::PairingService)?;
        self.certificate.validity().check(
            "pairing service certificate, at the record's issue time",
            issued_at,
        )?;
        if sequence > crate::limits::MAX_SEQUENCE {
            return Err(Error::SequenceLeap {
                offered: sequence,
                max: crate::limits::MAX_SEQUENCE,
            });
        }
        let board_subject = board
            .part()
            .filter(|part| part.kind == PartKind::Board)
            .ok_or(Error::InvalidField(
                "the board certificate is not a board's",
            ))?;
        if board_subject.root != self.certificate.issuer() {
            return Err(Error::ForeignPairingService);
        }
        let entry = |certificate: &Certificate, what: &'static str| {
            let mut paired =
                PairedPart::of(certificate, issued_at).ok_or(Error::InvalidField(what))?;
            if let Some(earlier) = first_paired(&paired) {
                paired.first_paired = paired.first_paired.min(earlier);
            }
            Ok::<_, Error>(paired)
        };
        let board_entry = entry(board, "the board certificate is not a board's")?;
        let mut listed = Vec::with_capacity(parts.len());
        for part in parts {
            listed.push(entry(part, "a paired certificate is not a part's")?);
        }
        listed.sort_unstable_by_key(|part| part.part_id);
        if listed
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.part_id == b.part_id))
        {
            return Err(Error::InvalidField("a part is listed twice"));
        }
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

    /// What every verifier checks of a list's signer, checked before
    /// signing: the role, the epoch a delegated key is certified for, and
    /// the signer's validity at the issue time.
    fn check_list_signer(&self, version: ListVersion, issued_at: u64) -> Result<KeyId, Error> {
        let authority = self.blocklist_authority()?;
        version.check_bounds()?;
        if self.role() == AuthorityRole::BlocklistAuthority && self.subject.epoch != version.epoch {
            return Err(Error::EpochNotPermitted {
                offered: version.epoch,
                permitted: self.subject.epoch,
            });
        }
        self.certificate.validity().check(
            "blocklist signer certificate, at the list's issue time",
            issued_at,
        )?;
        Ok(authority)
    }

    /// Publishes a full blocklist snapshot (blocklist roots, or a delegated
    /// authority within its epoch). Entries may come in any order; two
    /// entries for the same key are refused.
    pub fn publish_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        mut entries: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error> {
        let authority = self.check_list_signer(version, issued_at)?;
        if expires_at <= issued_at {
            return Err(Error::InvalidField(
                "a list must expire after it is issued (it would be stale at once)",
            ));
        }
        sort_unique(&mut entries)?;
        let body = SnapshotBody {
            signer_certificate: self.certificate.as_bytes().to_vec(),
            authority,
            epoch: version.epoch,
            sequence: version.sequence,
            issued_at,
            expires_at,
            entries,
        };
        BlocklistSnapshot::seal(body, &self.key)
    }

    /// Publishes a full list in the compact format (national scale): the
    /// same signer, epoch and time rules as [`Authority::publish_snapshot`];
    /// entries may come in any order, two for the same key are refused.
    /// Listing times are kept to the day.
    pub fn publish_compact_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: &[BlocklistEntry],
    ) -> Result<CompactSnapshot, Error> {
        self.publish_compact_snapshot_from(version, issued_at, expires_at, entries.iter().copied())
    }

    /// [`Authority::publish_compact_snapshot`] over the entries an iterator
    /// yields ([`CompactList::build_from`]): a register need not hold a
    /// national list's entries to sign it.
    pub fn publish_compact_snapshot_from(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: impl IntoIterator<Item = BlocklistEntry>,
    ) -> Result<CompactSnapshot, Error> {
        let authority = self.check_list_signer(version, issued_at)?;
        if expires_at <= issued_at {
            return Err(Error::InvalidField(
                "a list must expire after it is issued (it would be stale at once)",
            ));
        }
        let list = CompactList::build_from(entries)?;
        let body = CompactSnapshotBody {
            signer_certificate: self.certificate.as_bytes().to_vec(),
            authority,
            epoch: version.epoch,
            sequence: version.sequence,
            issued_at,
            expires_at,
            list: ByteString(list.as_bytes().to_vec()),
        };
        CompactSnapshot::seal(body, &self.key)
    }

    /// Publishes the snapshot that follows `base` (an earlier snapshot of
    /// this authority, or none for a first list): `base`'s entries, less
    /// any under a `delisted` key, plus `listed` (a listed entry replaces
    /// an earlier one for the same key). The version must be later than
    /// `base`'s ([`Error::Rollback`] otherwise); a base of another
    /// authority is [`Error::WrongAuthority`].
    pub fn publish_next_snapshot(
        &self,
        base: Option<&BlocklistSnapshot>,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error> {
        let entries = self.next_entries(base, version, delisted, listed)?;
        self.publish_snapshot(version, issued_at, expires_at, entries)
    }

    /// [`Authority::publish_next_snapshot`] in the compact format: the same
    /// base, delisting and listing rules, signed as a [`CompactSnapshot`].
    pub fn publish_next_compact_snapshot(
        &self,
        base: Option<&BlocklistSnapshot>,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<CompactSnapshot, Error> {
        let entries = self.next_entries(base, version, delisted, listed)?;
        self.publish_compact_snapshot(version, issued_at, expires_at, &entries)
    }

    /// The entries of the list that follows `base`: its entries, less the
    /// delisted keys, plus the listed entries (replacing the base's for the
    /// same key). The base must be this authority's and older.
    fn next_entries(
        &self,
        base: Option<&BlocklistSnapshot>,
        version: ListVersion,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<Vec<BlocklistEntry>, Error> {
        let authority = self.blocklist_authority()?;
        let mut entries: BTreeMap<BlockKey, BlocklistEntry> = BTreeMap::new();
        if let Some(base) = base {
            if base.authority() != authority {
                return Err(Error::WrongAuthority);
            }
            if version <= base.version() {
                return Err(Error::Rollback {
                    offered: version,
                    accepted: base.version(),
                });
            }
            entries.extend(base.entries().iter().map(|entry| (entry.key, *entry)));
        }
        for key in delisted {
            entries.remove(key);
        }
        entries.extend(listed.into_iter().map(|entry| (entry.key, entry)));
        Ok(entries.into_values().collect())
    }

    /// Publishes the delta that turns `from` into `to` (two snapshots of
    /// this authority in the same epoch: a new epoch starts with a
    /// snapshot).
    pub fn publish_delta(
        &self,
        from: &BlocklistSnapshot,
        to: &BlocklistSnapshot,
    ) -> Result<BlocklistDelta, Error> {
        let authority = self.check_list_signer(to.version(), to.issued_at())?;
        if from.authority() != authority || to.authority() != authority {
            return Err(Error::WrongAuthority);
        }
        if from.version().epoch != to.version().epoch {
            return Err(Error::InvalidField(
                "a delta stays within one epoch: a new epoch starts with a snapshot",
            ));
        }
        if to.version() <= from.version() {
            return Err(Error::Rollback {
                offered: to.version(),
                accepted: from.version(),
            });
        }
        let old: BTreeMap<BlockKey, &BlocklistEntry> =
            from.entries().iter().map(|e| (e.key, e)).collect();
        let new: BTreeMap<BlockKey, &BlocklistEntry> =
            to.entries().iter().map(|e| (e.key, e)).collect();
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
            epoch: to.version().epoch,
            from_sequence: from.version().sequence,
            from_digest: from.state_digest(),
            to_sequence: to.version().sequence,
            issued_at: to.issued_at(),
            expires_at: to.expires_at(),
            upserts,
            removals,
            result_digest: to.state_digest(),
        };
        BlocklistDelta::seal(body, &self.key)
    }

    /// Publishes the delta that takes `held` — this authority's list as
    /// devices hold it (what a [`Blocklist`](crate::Blocklist) that
    /// applied this authority's snapshot and deltas reports for it) — to
    /// `version`: `delisted` keys removed, `listed` entries added or
    /// replacing the held entry for their key (any order; two for one key
    /// are refused, naming it).
    ///
    /// It works over both formats, and is how a compact list is kept
    /// current between compact snapshots: devices keep the changes beside
    /// the compact list's bytes, at the cost of the delta, and the state
    /// digest the delta promises is computed here by the same rule the
    /// device applies. The version must be later than `held`'s and in the
    /// same epoch (a new epoch starts with a snapshot).
    pub fn publish_delta_over(
        &self,
        held: &crate::AuthorityList,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        mut listed: Vec<BlocklistEntry>,
    ) -> Result<BlocklistDelta, Error> {
        let authority = self.check_list_signer(version, issued_at)?;
        if held.authority != authority {
            return Err(Error::WrongAuthority);
        }
        if version.epoch != held.version.epoch {
            return Err(Error::InvalidField(
                "a delta stays within one epoch: a new epoch starts with a snapshot",
            ));
        }
        if version <= held.version {
            return Err(Error::Rollback {
                offered: version,
                accepted: held.version,
            });
        }
        if expires_at <= issued_at {
            return Err(Error::InvalidField(
                "a list must expire after it is issued (it would be stale at once)",
            ));
        }
        sort_unique(&mut listed)?;
        let mut removals = delisted.to_vec();
        removals.sort_unstable();
        removals.dedup();
        let (_, result_digest) = held.held.after(&authority, version, &removals, &listed)?;
        let body = DeltaBody {
            signer_certificate: self.certificate.as_bytes().to_vec(),
            authority,
            epoch: version.epoch,
            from_sequence: held.version.sequence,
            from_digest: held.digest,
            to_sequence: version.sequence,
            issued_at,
            expires_at,
            upserts: listed,
            removals,
            result_digest,
        };
        BlocklistDelta::seal(body, &self.key)
    }

    /// Signs a revocation list (roots only) of keys this root certified,
    /// each revoked from its `since` time.
    pub fn revoke(
        &self,
        sequence: u64,
        issued_at: u64,
        revoked: &[RevokedKey],
    ) -> Result<RevocationList, Error> {
        if !self.role().is_root() {
            return Err(Error::RoleNotPermitted {
                needed: "a root",
                found: self.role().name(),
            });
        }
        self.certificate.validity().check(
            "root certificate, at the revocation list's issue time",
            issued_at,
        )?;
        if sequence > crate::limits::MAX_SEQUENCE {
            return Err(Error::SequenceLeap {
                offered: sequence,
                max: crate::limits::MAX_SEQUENCE,
            });
        }
        let mut revoked = revoked.to_vec();
        revoked.sort_unstable();
        if revoked
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.key == b.key))
        {
            return Err(Error::InvalidField("a key is revoked twice"));
        }
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

    /// The entry listing a keyed part by the key its certificate names
    /// ([`PartId::of_part_key`]): any certificate naming that key, under
    /// any root or serial, then reads blocked.
    pub fn part_key(
        key: KeyId,
        reason: Reason,
        listed_at: u64,
        status: ListingStatus,
        handset: Option<Imei>,
    ) -> Self {
        BlocklistEntry::part(
            PartId::of_part_key(&key),
            reason,
            listed_at,
            status,
            handset,
        )
    }

    /// Every entry for a reported handset: its IMEIs, the identities of the
    /// parts paired to it *and* the keys of its keyed parts, so its parts
    /// stay blocked when harvested and shown with an older pairing record
    /// from another handset, or re-certified around their key.
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
        let keys = record.all_parts().filter_map(|part| {
            part.key
                .map(|key| BlocklistEntry::part_key(key, reason, listed_at, status, first_imei))
        });
        handsets.chain(parts).chain(keys).collect()
    }
}

/// Sorts entries by key, refusing a key given twice (naming it).
fn sort_unique(entries: &mut [BlocklistEntry]) -> Result<(), Error> {
    entries.sort_unstable_by_key(|entry| entry.key);
    let repeated = entries
        .windows(2)
        .find(|pair| matches!(pair, [a, b] if a.key == b.key));
    match repeated {
        Some([twice, _]) => Err(Error::Duplicate(twice.key.to_string())),
        _ => Ok(()),
    }
}
