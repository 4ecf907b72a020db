//! The verifier: turns evidence into a verdict.

use serde::Serialize;

use crate::blocklist::{BlockKey, Blocklist, ListChecked, Listing};
use crate::certificate::{AuthorityRole, Certificate};
use crate::challenge::{Challenge, ChallengeResponse};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, PartKind};
use crate::limits;
use crate::pairing::{PairedPart, PairingEvent, PairingRecord};
use crate::trust::TrustStore;

/// Everything presented about one part.
#[derive(Debug, Clone, Copy)]
pub struct PartEvidence<'a> {
    /// The part's certificate.
    pub certificate: &'a Certificate,
    /// Certificates that may complete its chain (its issuer's).
    pub chain: &'a [Certificate],
    /// A pairing record naming the handset the part was fitted in.
    pub pairing: Option<&'a PairingRecord>,
    /// For keyed parts: the challenge sent and the part's response.
    pub challenge: Option<(&'a Challenge, &'a ChallengeResponse)>,
    /// For boards: the IMEIs the handset's modem reports, which must be the
    /// ones signed into the board's certificate.
    pub presented_imeis: &'a [Imei],
}

impl<'a> PartEvidence<'a> {
    /// Evidence made of a part certificate and its issuer chain.
    pub fn new(certificate: &'a Certificate, chain: &'a [Certificate]) -> Self {
        PartEvidence {
            certificate,
            chain,
            pairing: None,
            challenge: None,
            presented_imeis: &[],
        }
    }

    /// Adds the pairing record of the handset the part comes from.
    pub fn with_pairing(mut self, record: &'a PairingRecord) -> Self {
        self.pairing = Some(record);
        self
    }

    /// Adds a challenge and the part's response to it.
    pub fn with_challenge(
        mut self,
        challenge: &'a Challenge,
        response: &'a ChallengeResponse,
    ) -> Self {
        self.challenge = Some((challenge, response));
        self
    }

    /// Adds the IMEIs a board presents (what the modem reports).
    pub fn with_presented_imeis(mut self, imeis: &'a [Imei]) -> Self {
        self.presented_imeis = imeis;
        self
    }
}

/// A named authority in a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorityInfo {
    /// Its name.
    pub name: String,
    /// Its key id.
    pub key_id: KeyId,
}

impl AuthorityInfo {
    fn of(certificate: &Certificate) -> Self {
        let authority = certificate.authority();
        AuthorityInfo {
            name: authority.map(|a| a.name.clone()).unwrap_or_default(),
            key_id: authority
                .map(|a| a.key.key_id())
                .unwrap_or(certificate.issuer()),
        }
    }
}

/// The part a verdict is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartInfo {
    /// What it is.
    pub kind: PartKind,
    /// Who made it.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial.
    pub serial: String,
    /// Its identity digest.
    pub part_id: PartId,
    /// Its certificate's fingerprint.
    pub fingerprint: Fingerprint,
    /// For boards: the IMEIs signed into its certificate.
    pub imeis: Vec<Imei>,
}

/// How strongly the part is bound to its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Binding {
    /// The part proved it holds the key its certificate names.
    KeyProven,
    /// The part has a key but no challenge response was checked.
    KeyNotChallenged,
    /// The part has no secure element: its certificate binds only its
    /// serial and could have been copied.
    SerialOnly,
}

/// Which handset the part was last paired to, from a pairing record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The handset's IMEIs.
    pub handset_imeis: Vec<Imei>,
    /// The record's per-handset sequence.
    pub pairing_sequence: u64,
    /// What made the record.
    pub event: PairingEvent,
    /// When it was signed.
    pub paired_at: u64,
    /// The pairing service that signed it.
    pub service: AuthorityInfo,
}

/// The part's relation to the handset doing the verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// Paired to this handset.
    PairedHere,
    /// Paired to another handset (a used part).
    PairedElsewhere,
    /// No pairing record was presented.
    Unpaired,
}

/// The part's standing on the blocklists held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum BlocklistStatus {
    /// No blocklist was consulted.
    NotChecked,
    /// No list carries it.
    Clean {
        /// The lists consulted (all current).
        lists: Vec<ListChecked>,
    },
    /// No list carries it, but at least one list has expired: the answer
    /// may be out of date.
    Stale {
        /// The lists consulted.
        lists: Vec<ListChecked>,
    },
    /// At least one list carries it.
    Blocked {
        /// Every matching listing.
        listings: Vec<Listing>,
        /// Whether any list consulted had expired.
        stale: bool,
        /// The lists consulted.
        lists: Vec<ListChecked>,
    },
}

impl BlocklistStatus {
    /// Whether a list consulted had expired (or its signer was revoked):
    /// true for `Stale`, and for `Blocked` when a list consulted was stale.
    pub fn is_stale(&self) -> bool {
        match self {
            BlocklistStatus::Stale { .. } => true,
            BlocklistStatus::Blocked { stale, .. } => *stale,
            BlocklistStatus::NotChecked | BlocklistStatus::Clean { .. } => false,
        }
    }

    /// Whether any list carries the key looked up.
    pub fn is_blocked(&self) -> bool {
        matches!(self, BlocklistStatus::Blocked { .. })
    }

    /// The matching listings (empty unless `Blocked`).
    pub fn listings(&self) -> &[Listing] {
        match self {
            BlocklistStatus::Blocked { listings, .. } => listings,
            _ => &[],
        }
    }

    /// The lists consulted (empty for `NotChecked`).
    pub fn lists(&self) -> &[ListChecked] {
        match self {
            BlocklistStatus::NotChecked => &[],
            BlocklistStatus::Clean { lists }
            | BlocklistStatus::Stale { lists }
            | BlocklistStatus::Blocked { lists, .. } => lists,
        }
    }
}

/// What trusted evidence says about a part. It reports; it never disables:
/// what a device or shop does with it is the owner's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The part.
    pub part: PartInfo,
    /// The part issuer (factory line) that certified it.
    pub issuer: AuthorityInfo,
    /// The manufacturer root the chain ends in.
    pub root: AuthorityInfo,
    /// Key-proven, key not challenged, or serial-only.
    pub binding: Binding,
    /// The handset it was paired to, if a pairing record was given.
    pub provenance: Option<Provenance>,
    /// Paired here, elsewhere, or unpaired.
    pub relation: Relation,
    /// Blocklist standing.
    pub blocklist: BlocklistStatus,
    /// The time verified at: the caller's clock, raised to the newest
    /// trusted blocklist or revocation list seen.
    pub checked_at: u64,
}

impl Verdict {
    /// Whether any list carries the part or its handset.
    pub fn is_blocked(&self) -> bool {
        self.blocklist.is_blocked()
    }

    /// Whether a list consulted had expired.
    pub fn is_stale(&self) -> bool {
        self.blocklist.is_stale()
    }

    /// A short summary a technician reads: "genuine, used, clean",
    /// "genuine (serial-only), unpaired, BLOCKED: stolen" …
    pub fn summary(&self) -> String {
        let genuine = match self.binding {
            Binding::KeyProven => "genuine (key-proven)",
            Binding::KeyNotChallenged => "genuine (key not challenged)",
            Binding::SerialOnly => "genuine (serial-only)",
        };
        let relation = match self.relation {
            Relation::PairedHere => "fitted in this handset",
            Relation::PairedElsewhere => "used",
            Relation::Unpaired => "unpaired",
        };
        let standing = match &self.blocklist {
            BlocklistStatus::NotChecked => "blocklist not checked".to_owned(),
            BlocklistStatus::Clean { .. } => "clean".to_owned(),
            BlocklistStatus::Stale { .. } => "clean but blocklist stale".to_owned(),
            BlocklistStatus::Blocked { listings, .. } => {
                let mut reasons: Vec<String> = listings
                    .iter()
                    .map(|l| match l.status {
                        crate::ListingStatus::Final => l.reason.name().to_owned(),
                        crate::ListingStatus::Suspended => {
                            format!("{} (suspended)", l.reason.name())
                        }
                    })
                    .collect();
                reasons.dedup();
                format!("BLOCKED: {}", reasons.join(", "))
            }
        };
        format!("{genuine}, {relation}, {standing}")
    }
}

/// Checks part evidence against pinned roots and the blocklists held.
///
/// ```
/// # use partcert::*;
/// # let root = Authority::new_root(SecretKey::from_seed(&[1; 32]),
/// #     AuthorityRole::ManufacturerRoot, "Acme root", Validity::days_from(0, 36500)).unwrap();
/// # let line_key = SecretKey::from_seed(&[2; 32]);
/// # let line = Authority::new(line_key.clone(), root.certify_authority(AuthorityRole::PartIssuer,
/// #     "Acme line 3", line_key.public_key(), &[PartKind::Screen], 2,
/// #     Validity::days_from(0, 7300)).unwrap()).unwrap();
/// # let screen = line.certify_part(&PartSpec { kind: PartKind::Screen,
/// #     manufacturer: "Acme".into(), model: "A1".into(), serial: "SCR-1".into(),
/// #     imeis: vec![], key: None }, 1, Validity::days_from(0, 10950)).unwrap();
/// let mut trust = TrustStore::new();
/// trust.add_manufacturer_root(root.certificate().clone())?;
/// let chain = [line.certificate().clone()];
/// let verdict = Verifier::new(&trust).verify_part(&PartEvidence::new(&screen, &chain), 1_000)?;
/// assert_eq!(verdict.binding, Binding::SerialOnly);
/// assert_eq!(verdict.summary(), "genuine (serial-only), unpaired, blocklist not checked");
/// # Ok::<(), partcert::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier<'a> {
    trust: &'a TrustStore,
    blocklist: Option<&'a Blocklist>,
    host_imeis: Vec<Imei>,
}

impl<'a> Verifier<'a> {
    /// A verifier trusting what `trust` pins, consulting no blocklist.
    pub fn new(trust: &'a TrustStore) -> Self {
        Verifier {
            trust,
            blocklist: None,
            host_imeis: Vec::new(),
        }
    }

    /// Consults `blocklist` for every verdict.
    pub fn with_blocklist(mut self, blocklist: &'a Blocklist) -> Self {
        self.blocklist = Some(blocklist);
        self
    }

    /// Verifies on behalf of the handset with these IMEIs, so verdicts say
    /// whether a part is paired here or elsewhere.
    pub fn on_handset(mut self, imeis: &[Imei]) -> Self {
        self.host_imeis = imeis.to_vec();
        self
    }

    /// The verification time for a caller's `now`: never earlier than the
    /// newest trusted blocklist or revocation list, so a device clock set
    /// back cannot revive an expired certificate.
    pub fn effective_now(&self, now: u64) -> u64 {
        let floor = match self.blocklist {
            Some(blocklist) => blocklist.trusted_time_floor(self.trust),
            None => self.trust.time_floor(),
        };
        now.max(floor)
    }

    /// Verifies one part. `now` is seconds since the Unix epoch.
    pub fn verify_part(&self, evidence: &PartEvidence<'_>, now: u64) -> Result<Verdict, Error> {
        self.verify_part_with(evidence, self.effective_now(now), &mut Checked::default())
    }

    /// Verifies one part at an already effective `now`, skipping the
    /// signature checks `checked` remembers from earlier parts of the same
    /// self-check (the same issuer, the same pairing record).
    fn verify_part_with(
        &self,
        evidence: &PartEvidence<'_>,
        now: u64,
        checked: &mut Checked,
    ) -> Result<Verdict, Error> {
        let certificate = evidence.certificate;
        limits::check_len(
            "certificate chain",
            evidence.chain.len(),
            limits::MAX_CHAIN_LEN,
        )?;
        let part = certificate.part().ok_or(Error::RoleNotPermitted {
            needed: "part certificate",
            found: certificate.role_name(),
        })?;

        // Chain: pinned manufacturer root -> part issuer -> part.
        // Every certificate for the issuing key is a candidate (an expired
        // one and its renewal may both be presented): the first that checks
        // out is the path; if none does, the first one's error explains why.
        let mut path = None;
        let mut first_error = None;
        let candidates = evidence.chain.iter().filter(|candidate| {
            candidate.subject_key().map(|key| key.key_id()) == Some(certificate.issuer())
        });
        for candidate in candidates {
            if let Some((_, root)) = checked
                .issuers
                .iter()
                .find(|(f, _)| *f == candidate.fingerprint())
            {
                path = Some((candidate, root.clone()));
                break;
            }
            match self
                .trust
                .check_authority(candidate, AuthorityRole::PartIssuer, now)
            {
                Ok(root) => {
                    checked
                        .issuers
                        .push((candidate.fingerprint(), root.clone()));
                    path = Some((candidate, root.clone()));
                    break;
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        let (issuer, root) = match (path, first_error) {
            (Some(path), _) => path,
            (None, Some(error)) => return Err(error),
            (None, None) => return Err(Error::UnknownIssuer(certificate.issuer())),
        };
        let issuer_key = issuer
            .subject_key()
            .ok_or(Error::UnknownIssuer(certificate.issuer()))?;
        certificate.verify_signed_by(&issuer_key)?;
        certificate.validity().check("part certificate", now)?;
        let permitted = issuer
            .authority()
            .is_some_and(|authority| authority.permitted_kinds.contains(&part.kind));
        if !permitted {
            return Err(Error::KindNotPermitted(part.kind));
        }

        let binding = match (evidence.challenge, part.key) {
            (Some((challenge, response)), _) => {
                response.verify(challenge, certificate)?;
                Binding::KeyProven
            }
            (None, Some(_)) => Binding::KeyNotChallenged,
            (None, None) => Binding::SerialOnly,
        };

        for presented in evidence.presented_imeis {
            if !part.imeis.contains(presented) {
                return Err(Error::ImeiMismatch {
                    presented: presented.to_string(),
                    what: "board certificate",
                });
            }
        }

        let part_id = part.part_id();
        let provenance = match evidence.pairing {
            Some(record) => {
                let service = match &checked.pairing {
                    Some((fingerprint, service)) if *fingerprint == record.fingerprint() => {
                        service.clone()
                    }
                    _ => self.check_pairing(record, now)?,
                };
                // The record must name this very certificate: a second
                // certificate for the same part (another line, another
                // manufacturer's root) is not the part that was paired.
                let listed = record.find(&part_id);
                if listed.is_none_or(|paired| paired.certificate != certificate.fingerprint()) {
                    return Err(Error::PartNotInPairingRecord);
                }
                if part.kind == PartKind::Board && record.imeis() != part.imeis.as_slice() {
                    let presented = record
                        .imeis()
                        .first()
                        .map(Imei::to_string)
                        .unwrap_or_default();
                    return Err(Error::ImeiMismatch {
                        presented,
                        what: "board certificate",
                    });
                }
                Some(Provenance {
                    handset_imeis: record.imeis().to_vec(),
                    pairing_sequence: record.body().sequence,
                    event: record.body().event,
                    paired_at: record.body().issued_at,
                    service,
                })
            }
            None => None,
        };
        let relation = match &provenance {
            None => Relation::Unpaired,
            Some(p) if p.handset_imeis.iter().any(|i| self.host_imeis.contains(i)) => {
                Relation::PairedHere
            }
            Some(_) => Relation::PairedElsewhere,
        };

        let mut keys = vec![BlockKey::Part(part_id)];
        keys.extend(part.imeis.iter().map(|imei| BlockKey::Imei(*imei)));
        keys.extend(
            evidence
                .presented_imeis
                .iter()
                .map(|imei| BlockKey::Imei(*imei)),
        );
        if let Some(p) = &provenance {
            keys.extend(p.handset_imeis.iter().map(|imei| BlockKey::Imei(*imei)));
        }
        keys.sort_unstable();
        keys.dedup();

        Ok(Verdict {
            part: PartInfo {
                kind: part.kind,
                manufacturer: part.manufacturer.clone(),
                model: part.model.clone(),
                serial: part.serial.clone(),
                part_id,
                fingerprint: certificate.fingerprint(),
                imeis: part.imeis.clone(),
            },
            issuer: AuthorityInfo::of(issuer),
            root: AuthorityInfo::of(&root),
            binding,
            provenance,
            relation,
            blocklist: self.blocklist_status(&keys, now),
            checked_at: now,
        })
    }

    /// Checks a pairing record's service chain and signature. The service
    /// must be certified *now*: a record's own issue time is the signer's
    /// word, so an expired service key could otherwise backdate new records.
    /// Manufacturers certify pairing services for their handsets' service life.
    fn check_pairing(&self, record: &PairingRecord, now: u64) -> Result<AuthorityInfo, Error> {
        let service = record.service_certificate();
        self.trust
            .check_authority(service, AuthorityRole::PairingService, now)?;
        record.verify_signature()?;
        Ok(AuthorityInfo::of(service))
    }

    fn blocklist_status(&self, keys: &[BlockKey], now: u64) -> BlocklistStatus {
        let Some(blocklist) = self.blocklist else {
            return BlocklistStatus::NotChecked;
        };
        let lists = blocklist.lists_checked(self.trust, now);
        if lists.is_empty() {
            return BlocklistStatus::NotChecked;
        }
        let stale = lists.iter().any(|list| list.stale);
        let listings = blocklist.lookup(keys);
        if !listings.is_empty() {
            BlocklistStatus::Blocked {
                listings,
                stale,
                lists,
            }
        } else if stale {
            BlocklistStatus::Stale { lists }
        } else {
            BlocklistStatus::Clean { lists }
        }
    }

    /// The boot-time self-check an OS vendor runs: every fitted part
    /// against the handset's own pairing record.
    ///
    /// Fails only if the pairing record itself cannot be trusted or does
    /// not belong to this handset; each part's own outcome (a verdict or
    /// an error) is in the report.
    pub fn verify_handset(
        &self,
        evidence: &HandsetEvidence<'_>,
        now: u64,
    ) -> Result<HandsetReport, Error> {
        let effective = self.effective_now(now);
        let record = evidence.pairing;
        let service = self.check_pairing(record, effective)?;
        let mut checked = Checked {
            issuers: Vec::new(),
            pairing: Some((record.fingerprint(), service)),
        };
        for imei in evidence.modem_imeis {
            if !record.imeis().contains(imei) {
                return Err(Error::ImeiMismatch {
                    presented: imei.to_string(),
                    what: "pairing record",
                });
            }
        }
        limits::check_len(
            "fitted parts",
            evidence.fitted.len(),
            limits::MAX_PAIRED_PARTS,
        )?;
        let here = self.clone().on_handset(record.imeis());
        let mut fitted_ids = Vec::with_capacity(evidence.fitted.len());
        let parts = evidence
            .fitted
            .iter()
            .map(|fitted| {
                let part = fitted.certificate.part();
                if let Some(part) = part {
                    fitted_ids.push(part.part_id());
                }
                let listed = part.is_some_and(|p| record.find(&p.part_id()).is_some());
                let is_board = part.is_some_and(|p| p.kind == PartKind::Board);
                let mut part_evidence = PartEvidence::new(fitted.certificate, fitted.chain);
                if listed {
                    part_evidence = part_evidence.with_pairing(record);
                }
                if let Some((challenge, response)) = fitted.challenge {
                    part_evidence = part_evidence.with_challenge(challenge, response);
                }
                if is_board {
                    part_evidence = part_evidence.with_presented_imeis(evidence.modem_imeis);
                }
                FittedPartReport {
                    fingerprint: fitted.certificate.fingerprint(),
                    outcome: here.verify_part_with(&part_evidence, effective, &mut checked),
                }
            })
            .collect();
        let missing = record
            .all_parts()
            .filter(|paired| !fitted_ids.contains(&paired.part_id))
            .copied()
            .collect();
        let handset_keys: Vec<BlockKey> =
            record.imeis().iter().map(|i| BlockKey::Imei(*i)).collect();
        Ok(HandsetReport {
            handset_imeis: record.imeis().to_vec(),
            pairing_sequence: record.body().sequence,
            handset_blocklist: self.blocklist_status(&handset_keys, effective),
            parts,
            missing,
            checked_at: effective,
        })
    }
}

/// Signature checks already passed within one self-check.
#[derive(Default)]
struct Checked {
    issuers: Vec<(Fingerprint, Certificate)>,
    pairing: Option<(Fingerprint, AuthorityInfo)>,
}

/// A part fitted in the handset running a self-check.
#[derive(Debug, Clone, Copy)]
pub struct FittedPart<'a> {
    /// The part's certificate (read from the part).
    pub certificate: &'a Certificate,
    /// Its issuer chain.
    pub chain: &'a [Certificate],
    /// For keyed parts: the challenge sent and the part's response.
    pub challenge: Option<(&'a Challenge, &'a ChallengeResponse)>,
}

/// What a handset presents for its self-check.
#[derive(Debug, Clone, Copy)]
pub struct HandsetEvidence<'a> {
    /// The handset's own pairing record.
    pub pairing: &'a PairingRecord,
    /// The IMEIs the modem reports.
    pub modem_imeis: &'a [Imei],
    /// The parts found fitted.
    pub fitted: &'a [FittedPart<'a>],
}

/// One fitted part's outcome in a self-check. In JSON:
/// `{"fingerprint": "...", "verdict": {...}}` or
/// `{"fingerprint": "...", "error": {"code": ..., "name": ..., "family": ..., "message": ...}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FittedPartReport {
    /// The part certificate's fingerprint.
    pub fingerprint: Fingerprint,
    /// Its verdict, or why its evidence cannot be trusted.
    pub outcome: Result<Verdict, Error>,
}

impl Serialize for FittedPartReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("FittedPartReport", 2)?;
        out.serialize_field("fingerprint", &self.fingerprint)?;
        match &self.outcome {
            Ok(verdict) => out.serialize_field("verdict", verdict)?,
            Err(error) => out.serialize_field("error", error)?,
        }
        out.end()
    }
}

/// The result of a handset self-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandsetReport {
    /// The handset's IMEIs (from its pairing record).
    pub handset_imeis: Vec<Imei>,
    /// The pairing record's sequence.
    pub pairing_sequence: u64,
    /// The handset's own blocklist standing (by IMEI).
    pub handset_blocklist: BlocklistStatus,
    /// Each fitted part's outcome, in the order given.
    pub parts: Vec<FittedPartReport>,
    /// Parts the record lists that were not found fitted.
    pub missing: Vec<PairedPart>,
    /// The time verified at.
    pub checked_at: u64,
}

/// In JSON, the report also carries `all_original_and_clean`.
impl Serialize for HandsetReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("HandsetReport", 8)?;
        out.serialize_field("handset_imeis", &self.handset_imeis)?;
        out.serialize_field("pairing_sequence", &self.pairing_sequence)?;
        out.serialize_field("handset_blocklist", &self.handset_blocklist)?;
        out.serialize_field("parts", &self.parts)?;
        out.serialize_field("missing", &self.missing)?;
        out.serialize_field("checked_at", &self.checked_at)?;
        out.serialize_field("all_original", &self.all_original())?;
        out.serialize_field("all_original_and_clean", &self.all_original_and_clean())?;
        out.end()
    }
}

impl HandsetReport {
    fn verdicts(&self) -> impl Iterator<Item = &Verdict> {
        self.parts
            .iter()
            .filter_map(|report| report.outcome.as_ref().ok())
    }

    /// Whether the handset itself, or any fitted part, is on a list.
    pub fn is_blocked(&self) -> bool {
        self.handset_blocklist.is_blocked() || self.verdicts().any(Verdict::is_blocked)
    }

    /// Whether a list consulted for the handset or any part had expired.
    pub fn is_stale(&self) -> bool {
        self.handset_blocklist.is_stale() || self.verdicts().any(Verdict::is_stale)
    }

    /// Whether any fitted part's evidence could not be trusted.
    pub fn has_refused_parts(&self) -> bool {
        self.parts.iter().any(|report| report.outcome.is_err())
    }

    /// Whether the handset is as its record says: every fitted part
    /// verified and is paired here, and none is missing. Says nothing about
    /// blocklists.
    pub fn all_original(&self) -> bool {
        self.missing.is_empty()
            && self.parts.iter().all(|report| {
                report
                    .outcome
                    .as_ref()
                    .is_ok_and(|verdict| verdict.relation == Relation::PairedHere)
            })
    }

    /// [`HandsetReport::all_original`], and the handset and every part were
    /// checked against current blocklists and found clean (not blocked, not
    /// stale, not unchecked).
    pub fn all_original_and_clean(&self) -> bool {
        let clean = |status: &BlocklistStatus| matches!(status, BlocklistStatus::Clean { .. });
        self.all_original()
            && clean(&self.handset_blocklist)
            && self.verdicts().all(|verdict| clean(&verdict.blocklist))
    }
}
