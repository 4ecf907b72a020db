//! The verifier: turns evidence into a verdict.
//!
//! Verification is a few small named checks, in the order a reviewer reads
//! them: find the issuer path (`Verifier::build_path`, which tries every
//! candidate and keeps the most specific error), check the part's own
//! signature and validity, its binding (challenge), its pairing record,
//! then its blocklist standing. Each check holds one rule.

mod handset;
mod verdict;
mod words;

pub use handset::{FittedPart, FittedPartReport, HandsetEvidence, HandsetReport};
pub use verdict::{
    AuthorityInfo, Binding, BlocklistStatus, PartInfo, Provenance, Relation, Verdict,
};
pub use words::Refusal;

use std::sync::Mutex;

use crate::blocklist::{BlockKey, Blocklist, Probe};
use crate::certificate::{AuthorityRole, Certificate, PartSubject};
use crate::challenge::{Challenge, ChallengeResponse};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, PartKind};
use crate::limits;
use crate::pairing::PairingRecord;
use crate::trust::{Signed, TrustStore};

/// Everything presented about one part.
#[derive(Debug, Clone, Copy)]
pub struct PartEvidence<'a> {
    /// The part's certificate.
    pub certificate: &'a Certificate,
    /// Certificates that may complete its chain (its issuer's; several for
    /// one key — a renewed or widened line — are all tried).
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

/// Checks part evidence against pinned roots and the blocklists held.
///
/// ```
/// # use partcert::*;
/// # use partcert::issue::{Authority, PartSpec};
/// # use partcert::verify::Binding;
/// # let root = Authority::new_manufacturer_root(SecretKey::from_seed(&[1; 32]),
/// #     "Acme root", &["Acme"], Validity::days_from(0, 36500)).unwrap();
/// # let line_key = SecretKey::from_seed(&[2; 32]);
/// # let line = Authority::new(line_key.clone(), root.certify_part_issuer("Acme line 3",
/// #     line_key.public_key(), &[PartKind::Screen], &["Acme"], 2,
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
/// // What a technician reads first, and what to do:
/// assert_eq!(
///     verdict.headline(),
///     "NOT CHECKED — genuine Acme screen SCR-1, but no blocklist was checked"
/// );
/// assert!(verdict.advice().starts_with("It could be stolen"));
/// # Ok::<(), partcert::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier<'a> {
    trust: &'a TrustStore,
    blocklist: Option<&'a Blocklist>,
    host_imeis: Vec<Imei>,
    /// Where the keys a verdict looks up are written instead of being
    /// looked up ([`Verifier::blocklist_keys`]).
    keys: Option<&'a Mutex<Vec<BlockKey>>>,
}

/// An issuer path that passed every check.
struct Path<'c> {
    issuer: &'c Certificate,
    /// The issuer's key, decompressed (once, by the trust store).
    key: ed25519_dalek::VerifyingKey,
    root: Certificate,
    revoked_since: Option<u64>,
    retired_at: Option<u64>,
}

/// Signature checks already passed within one self-check: the handset's
/// own pairing record. (Authority certificates are remembered by the
/// trust store across every verification.)
#[derive(Default)]
pub(crate) struct Checked {
    pairing: Option<(Fingerprint, AuthorityInfo)>,
}

impl<'a> Verifier<'a> {
    /// A verifier trusting what `trust` pins, consulting no blocklist.
    pub fn new(trust: &'a TrustStore) -> Self {
        Verifier {
            trust,
            blocklist: None,
            host_imeis: Vec::new(),
            keys: None,
        }
    }

    /// The keys a verdict on `evidence` at `now` looks up in the
    /// blocklists (the handset IMEIs the part, its record and the modem
    /// name, the part's identity and its key's), sorted: what a device that
    /// does not hold a register's list fetches shards for
    /// ([`Blocklist::check_shards`]). Evidence that fails before any lookup
    /// (a counterfeit, a damaged certificate) needs none.
    pub fn blocklist_keys(&self, evidence: &PartEvidence<'_>, now: u64) -> Vec<BlockKey> {
        self.collect_keys(|verifier| {
            let _ = verifier.verify_part(evidence, now);
        })
    }

    /// The keys a handset check of `evidence` at `now` looks up (every
    /// fitted part's, and the handset's IMEIs), sorted.
    pub fn handset_blocklist_keys(
        &self,
        evidence: &HandsetEvidence<'_>,
        now: u64,
    ) -> Vec<BlockKey> {
        self.collect_keys(|verifier| {
            let _ = verifier.verify_handset(evidence, now);
        })
    }

    /// Runs `check` with a verifier that writes down the keys each verdict
    /// would look up (and consults no list).
    fn collect_keys(&self, check: impl FnOnce(&Verifier<'_>)) -> Vec<BlockKey> {
        let log = Mutex::new(Vec::new());
        let collecting = Verifier {
            trust: self.trust,
            blocklist: None,
            host_imeis: self.host_imeis.clone(),
            keys: Some(&log),
        };
        check(&collecting);
        let mut keys = log.into_inner().unwrap_or_else(|e| e.into_inner());
        keys.sort_unstable();
        keys.dedup();
        keys
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

    /// Verifies one part. `now` is seconds since the Unix epoch.
    pub fn verify_part(&self, evidence: &PartEvidence<'_>, now: u64) -> Result<Verdict, Error> {
        self.verify_part_with(evidence, now, &mut Checked::default())
    }

    /// Verifies one part, skipping the signature checks `checked`
    /// remembers from earlier parts of the same self-check.
    pub(crate) fn verify_part_with(
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
        // The record first: only a record that verifies may place the part
        // in time, and one that does not is reported beside a blocked
        // verdict (blocked wins) or refuses the part otherwise.
        let (provenance, pairing_refused) = match evidence.pairing {
            Some(record) => {
                match self.check_pairing_of_part(record, certificate, part, now, checked) {
                    Ok(provenance) => (Some(provenance), None),
                    Err(error) => (None, Some(error)),
                }
            }
            None => (None, None),
        };
        let first_paired = evidence
            .pairing
            .filter(|_| provenance.is_some())
            .and_then(|record| first_paired_by_own_maker(record, certificate, part));
        let clock = self.trust.clock_for_root(&part.root, now);
        let path = self.build_path(evidence, part, clock, first_paired)?;
        Self::check_part_signature(certificate, &path, clock)?;
        let binding = Self::check_binding(evidence, part)?;
        let relation = match &provenance {
            None => Relation::Unpaired,
            Some(p) if p.handset_imeis.iter().any(|i| self.host_imeis.contains(i)) => {
                Relation::PairedHere
            }
            Some(_) => Relation::PairedElsewhere,
        };

        // The IMEIs (in order), then the part's identity, then its key: the
        // order listings are reported in.
        let part_id = part.part_id();
        let mut imeis: Vec<Imei> = part
            .imeis
            .iter()
            .chain(evidence.presented_imeis)
            .chain(provenance.iter().flat_map(|p| &p.handset_imeis))
            .copied()
            .collect();
        imeis.sort_unstable();
        imeis.dedup();
        let mut probes: Vec<Probe> = imeis
            .into_iter()
            .map(|imei| Probe::key(BlockKey::Imei(imei)))
            .collect();
        probes.push(Probe::key(BlockKey::Part(part_id)));
        probes.extend(part.key.map(|key| Probe::part_key(key.key_id())));
        // Every list at its own authority's clock: a maker's revocation
        // list moves only the maker's clock (the crate's rule for times).
        let blocklist = self.blocklist_status(&probes, now)?;

        // Blocked wins: a listed part is reported blocked whatever its
        // modem says or whatever record it comes with (the mismatch and
        // the refused record are reported too); a clean one is refused.
        let mismatched_imeis = mismatched(evidence.presented_imeis, &part.imeis);
        if !blocklist.is_blocked() {
            if let Some(error) = pairing_refused {
                return Err(error);
            }
            if let Some(first) = mismatched_imeis.first() {
                return Err(Error::ImeiMismatch {
                    presented: first.to_string(),
                    what: "board certificate",
                });
            }
        }

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
            issuer: AuthorityInfo::of(path.issuer),
            root: AuthorityInfo::of(&path.root),
            binding,
            issuer_revoked_since: path.revoked_since,
            issuer_retired_at: path.retired_at,
            provenance,
            relation,
            blocklist,
            mismatched_imeis,
            pairing_refused,
            checked_at: clock,
        })
    }

    /// Finds the issuer path: every certificate presented for the part's
    /// issuing key is a candidate (a renewed or widened line may be
    /// presented beside the old one), and the first that permits this part
    /// — signature, validity, revocation, root, kind and maker — is the
    /// path. If none does, the most specific error is reported.
    ///
    /// `first_paired` is when the part's own maker first paired this
    /// certificate (from a record that verified): it keeps the part
    /// genuine once its line's window has closed, if it lies inside it.
    fn build_path<'c>(
        &self,
        evidence: &PartEvidence<'c>,
        part: &PartSubject,
        now: u64,
        first_paired: Option<u64>,
    ) -> Result<Path<'c>, Error> {
        let certificate = evidence.certificate;
        let mut best: Option<Error> = None;
        let candidates = evidence.chain.iter().filter(|candidate| {
            candidate.subject_key().map(|key| key.key_id()) == Some(certificate.issuer())
        });
        for candidate in candidates {
            match self.check_issuer(candidate, part, now, first_paired) {
                Ok(path) => return Ok(path),
                Err(error) => {
                    if best
                        .as_ref()
                        .is_none_or(|b| error.specificity() > b.specificity())
                    {
                        best = Some(error);
                    }
                }
            }
        }
        Err(best.unwrap_or(Error::UnknownIssuer(certificate.issuer())))
    }

    /// One candidate issuer: a part issuer certified by a pinned root whose
    /// window holds the part (open now, or containing `first_paired`),
    /// under the root the part names, permitted the part's kind and maker.
    fn check_issuer<'c>(
        &self,
        candidate: &'c Certificate,
        part: &PartSubject,
        now: u64,
        first_paired: Option<u64>,
    ) -> Result<Path<'c>, Error> {
        let authority = self.trust.check_authority(
            candidate,
            AuthorityRole::PartIssuer,
            now,
            Signed::PlacedBy(first_paired),
        )?;
        let root = authority.root.clone();
        if root.issuer() != part.root {
            return Err(Error::RootMismatch(part.root));
        }
        let issuer = candidate.authority().ok_or(Error::RoleNotPermitted {
            needed: AuthorityRole::PartIssuer.name(),
            found: candidate.role_name(),
        })?;
        if !issuer.permitted_kinds.contains(&part.kind) {
            return Err(Error::KindNotPermitted(part.kind));
        }
        if !issuer.manufacturers.contains(&part.manufacturer) {
            return Err(Error::ManufacturerNotPermitted(
                "part issuer",
                part.manufacturer.clone(),
            ));
        }
        let root_names_maker = root
            .authority()
            .is_some_and(|r| r.manufacturers.contains(&part.manufacturer));
        if !root_names_maker {
            return Err(Error::ManufacturerNotPermitted(
                "manufacturer root",
                part.manufacturer.clone(),
            ));
        }
        Ok(Path {
            issuer: candidate,
            key: authority.key,
            root,
            revoked_since: authority.revoked_since,
            retired_at: authority.retired_at,
        })
    }

    /// The part certificate's own signature (by the path's issuer) and
    /// validity.
    fn check_part_signature(
        certificate: &Certificate,
        path: &Path<'_>,
        now: u64,
    ) -> Result<(), Error> {
        // The path's issuer is a candidate for this certificate's issuer key
        // id (`build_path`), so its key is the one that must have signed.
        certificate.verify_signed_with(&path.key)?;
        certificate.validity().check("part certificate", now)
    }

    /// Key-proven (a challenge answered), key not challenged, or
    /// serial-only.
    fn check_binding(evidence: &PartEvidence<'_>, part: &PartSubject) -> Result<Binding, Error> {
        Ok(match (evidence.challenge, part.key) {
            (Some((challenge, response)), _) => {
                response.verify(challenge, evidence.certificate)?;
                Binding::KeyProven
            }
            (None, Some(_)) => Binding::KeyNotChallenged,
            (None, None) => Binding::SerialOnly,
        })
    }

    /// Checks a pairing record's service chain and signature, once per
    /// self-check (see [`check_record`]).
    fn check_pairing_record(
        &self,
        record: &PairingRecord,
        now: u64,
        checked: &mut Checked,
    ) -> Result<AuthorityInfo, Error> {
        if let Some((fingerprint, service)) = &checked.pairing {
            if *fingerprint == record.fingerprint() {
                return Ok(service.clone());
            }
        }
        check_record(self.trust, record, now)?;
        let info = AuthorityInfo::of(record.service_certificate());
        checked.pairing = Some((record.fingerprint(), info.clone()));
        Ok(info)
    }

    /// The record must list this part (a renewed certificate of the same
    /// part is the same part, reported as renewed); a board's record must
    /// carry exactly its IMEIs and come from its own maker's service.
    fn check_pairing_of_part(
        &self,
        record: &PairingRecord,
        certificate: &Certificate,
        part: &PartSubject,
        now: u64,
        checked: &mut Checked,
    ) -> Result<Provenance, Error> {
        let service = self.check_pairing_record(record, now, checked)?;
        let listed = record
            .find(&part.part_id())
            .ok_or(Error::PartNotInPairingRecord)?;
        if part.kind == PartKind::Board {
            if record.service_certificate().issuer() != part.root {
                return Err(Error::ForeignPairingService);
            }
            if record.imeis() != part.imeis.as_slice() {
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
        }
        Ok(Provenance {
            handset_imeis: record.imeis().to_vec(),
            pairing_sequence: record.sequence(),
            event: record.event(),
            paired_at: record.issued_at(),
            first_paired: listed.first_paired,
            service,
            certificate_renewed: listed.certificate != certificate.fingerprint(),
        })
    }

    /// The standing of `probes` on every followed list, each judged at its
    /// own authority's clock for `now`. "Not checked" only when the device
    /// follows no list at all.
    fn blocklist_status(&self, probes: &[Probe], now: u64) -> Result<BlocklistStatus, Error> {
        if let Some(keys) = self.keys {
            let mut keys = keys.lock().unwrap_or_else(|e| e.into_inner());
            keys.extend(probes.iter().map(|probe| probe.key));
        }
        let Some(blocklist) = self.blocklist else {
            return Ok(BlocklistStatus::NotChecked);
        };
        let lists = blocklist.lists_checked(self.trust, now);
        if lists.is_empty() {
            return Ok(BlocklistStatus::NotChecked);
        }
        let stale = lists.iter().any(|list| list.stale);
        let found = blocklist.find(probes)?;
        Ok(if !found.listings.is_empty() {
            BlocklistStatus::Blocked {
                listings: found.listings,
                capped: found.capped,
                stale,
                lists,
            }
        } else if stale {
            BlocklistStatus::Stale { lists }
        } else {
            BlocklistStatus::Clean { lists }
        })
    }
}

/// Checks a pairing record on its own: dated no later than the verifying
/// clock plus the tolerance (a record from the future dates nothing), by a
/// pairing service certified by a pinned manufacturer root whose window
/// holds the record's time — so a retired service's records live on, and
/// one dated outside its service's validity is refused — and signed by it.
///
/// A record's time is its service's word: a service key stolen after its
/// retirement could backdate records, which place parts in handsets but
/// cannot make a part genuine or clean (parts are listed by identity, and
/// a line's past is vouched for only by the part's own maker).
pub(crate) fn check_record(
    trust: &TrustStore,
    record: &PairingRecord,
    now: u64,
) -> Result<(), Error> {
    let service = record.service_certificate();
    let clock = trust.clock_for_root(&service.issuer(), now);
    if crate::time::is_from_the_future(record.issued_at(), clock) {
        return Err(Error::NotYetValid {
            what: "pairing record (dated after this device's clock)",
            not_before: record.issued_at(),
            now: clock,
        });
    }
    let authority = trust.check_authority(
        service,
        AuthorityRole::PairingService,
        now,
        Signed::At(record.issued_at()),
    )?;
    record.verify_signature_with(&authority.key)
}

/// When the part's own maker first paired this very certificate, as a
/// record of a pairing service of the part's own root says: the only
/// evidence that places a part before its line's key leaked or its line
/// retired. A record from another maker's service places the part in a
/// handset, never in time.
fn first_paired_by_own_maker(
    record: &PairingRecord,
    certificate: &Certificate,
    part: &PartSubject,
) -> Option<u64> {
    if record.service_certificate().issuer() != part.root {
        return None;
    }
    record
        .find(&part.part_id())
        .filter(|paired| paired.certificate == certificate.fingerprint())
        .map(|paired| paired.first_paired)
}

/// The presented IMEIs not among the signed ones.
fn mismatched(presented: &[Imei], signed: &[Imei]) -> Vec<Imei> {
    let mut out: Vec<Imei> = presented
        .iter()
        .filter(|imei| !signed.contains(imei))
        .copied()
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
