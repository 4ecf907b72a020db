//! The verifier: turns evidence into a verdict.
//!
//! Verification is a few small named checks, in the order a reviewer reads
//! them: find the issuer path ([`Verifier::build_path`], which tries every
//! candidate and keeps the most specific error), check the part's own
//! signature and validity, its binding (challenge), its pairing record,
//! then its blocklist standing. Each check holds one rule.

mod handset;
mod verdict;

pub use handset::{FittedPart, FittedPartReport, HandsetEvidence, HandsetReport};
pub use verdict::{
    AuthorityInfo, Binding, BlocklistStatus, PartInfo, Provenance, Relation, Verdict,
};

use crate::blocklist::{BlockKey, Blocklist};
use crate::certificate::{AuthorityRole, Certificate, PartSubject};
use crate::challenge::{Challenge, ChallengeResponse};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, PartKind};
use crate::limits;
use crate::pairing::PairingRecord;
use crate::trust::TrustStore;

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
/// # Ok::<(), partcert::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier<'a> {
    trust: &'a TrustStore,
    blocklist: Option<&'a Blocklist>,
    host_imeis: Vec<Imei>,
}

/// An issuer path that passed every check.
struct Path<'c> {
    issuer: &'c Certificate,
    /// The issuer's key, decompressed (once, by the trust store).
    key: ed25519_dalek::VerifyingKey,
    root: Certificate,
    revoked_since: Option<u64>,
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
        let now = self.trust.clock_for_root(&part.root, now);
        let path = self.build_path(evidence, part, now)?;
        Self::check_part_signature(certificate, &path, now)?;
        let binding = Self::check_binding(evidence, part)?;
        let provenance = match evidence.pairing {
            Some(record) => {
                Some(self.check_pairing_of_part(record, certificate, part, now, checked)?)
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

        let part_id = part.part_id();
        let mut keys = vec![BlockKey::Part(part_id)];
        keys.extend(part.imeis.iter().map(|imei| BlockKey::Imei(*imei)));
        keys.extend(evidence.presented_imeis.iter().map(|i| BlockKey::Imei(*i)));
        if let Some(p) = &provenance {
            keys.extend(p.handset_imeis.iter().map(|imei| BlockKey::Imei(*imei)));
        }
        keys.sort_unstable();
        keys.dedup();
        let blocklist = self.blocklist_status(&keys, now);

        // Blocked wins: a listed board is reported blocked whatever its
        // modem says (the mismatch is reported too); a clean one with a
        // rewritten IMEI is refused.
        let mismatched_imeis = mismatched(evidence.presented_imeis, &part.imeis);
        if let Some(first) = mismatched_imeis.first() {
            if !blocklist.is_blocked() {
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
            provenance,
            relation,
            blocklist,
            mismatched_imeis,
            checked_at: now,
        })
    }

    /// Finds the issuer path: every certificate presented for the part's
    /// issuing key is a candidate (a renewed or widened line may be
    /// presented beside the old one), and the first that permits this part
    /// — signature, validity, revocation, root, kind and maker — is the
    /// path. If none does, the most specific error is reported.
    fn build_path<'c>(
        &self,
        evidence: &PartEvidence<'c>,
        part: &PartSubject,
        now: u64,
    ) -> Result<Path<'c>, Error> {
        let certificate = evidence.certificate;
        // A pairing record that names this very certificate is independent
        // evidence of when it existed (trusted only once the record itself
        // verifies, which `check_pairing_of_part` does before any verdict).
        let paired_at = evidence
            .pairing
            .filter(|record| {
                record
                    .find(&part.part_id())
                    .is_some_and(|paired| paired.certificate == certificate.fingerprint())
            })
            .map(PairingRecord::issued_at);
        let mut best: Option<Error> = None;
        let candidates = evidence.chain.iter().filter(|candidate| {
            candidate.subject_key().map(|key| key.key_id()) == Some(certificate.issuer())
        });
        for candidate in candidates {
            match self.check_issuer(candidate, part, now, paired_at) {
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

    /// One candidate issuer: a part issuer certified by a pinned root,
    /// valid, not revoked (or revoked only after `paired_at`), under the
    /// root the part names, permitted the part's kind and maker.
    fn check_issuer<'c>(
        &self,
        candidate: &'c Certificate,
        part: &PartSubject,
        now: u64,
        paired_at: Option<u64>,
    ) -> Result<Path<'c>, Error> {
        let authority =
            self.trust
                .check_authority(candidate, AuthorityRole::PartIssuer, now, paired_at)?;
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
    /// self-check. The service must be certified and unrevoked *now*: a
    /// record's own issue time is the signer's word, so a revoked or
    /// expired service key could otherwise backdate new records.
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
        let service = record.service_certificate();
        let now = self.trust.clock_for_root(&service.issuer(), now);
        let authority =
            self.trust
                .check_authority(service, AuthorityRole::PairingService, now, None)?;
        record.verify_signature_with(&authority.key)?;
        let info = AuthorityInfo::of(service);
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
            service,
            certificate_renewed: listed.certificate != certificate.fingerprint(),
        })
    }

    /// The standing of `keys` on every followed list. "Not checked" only
    /// when the device follows no list at all.
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
