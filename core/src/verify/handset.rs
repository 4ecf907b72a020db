//! The boot-time self-check of a whole handset against its own record.

use serde::Serialize;

use super::verdict::{BlocklistStatus, Relation, Verdict};
use super::{Checked, PartEvidence, Verifier};
use crate::blocklist::{BlockKey, Probe};
use crate::certificate::Certificate;
use crate::challenge::{Challenge, ChallengeResponse};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, PartKind};
use crate::limits;
use crate::pairing::{PairedPart, PairingRecord};

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
    /// The handset's IMEIs (from its pairing record; from its fitted
    /// board's certificate if the record was refused).
    pub handset_imeis: Vec<Imei>,
    /// The pairing record's sequence.
    pub pairing_sequence: u64,
    /// The handset's own blocklist standing (by IMEI).
    pub handset_blocklist: BlocklistStatus,
    /// Each fitted part's outcome, in the order given.
    pub parts: Vec<FittedPartReport>,
    /// Parts the record lists that were not found fitted.
    pub missing: Vec<PairedPart>,
    /// IMEIs the modem reports that the record does not carry. Only ever
    /// non-empty when the handset is blocked: a listed handset stays
    /// blocked whatever its modem says; otherwise a mismatch is an error.
    pub mismatched_modem_imeis: Vec<Imei>,
    /// Why the handset's pairing record was refused. Only ever set when
    /// the handset is blocked (otherwise the refusal is the error); the
    /// parts were then checked without it, and the handset's IMEIs are
    /// those signed into its fitted board.
    pub pairing_refused: Option<Error>,
    /// The time the record's certificates were checked at.
    pub checked_at: u64,
}

/// In JSON, the report also carries `all_original`,
/// `all_original_and_clean`, and the `headline` and `advice` a technician
/// reads.
impl Serialize for HandsetReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("HandsetReport", 12)?;
        out.serialize_field("handset_imeis", &self.handset_imeis)?;
        out.serialize_field("pairing_sequence", &self.pairing_sequence)?;
        out.serialize_field("handset_blocklist", &self.handset_blocklist)?;
        out.serialize_field("parts", &self.parts)?;
        out.serialize_field("missing", &self.missing)?;
        out.serialize_field("mismatched_modem_imeis", &self.mismatched_modem_imeis)?;
        out.serialize_field("pairing_refused", &self.pairing_refused)?;
        out.serialize_field("checked_at", &self.checked_at)?;
        out.serialize_field("all_original", &self.all_original())?;
        out.serialize_field("all_original_and_clean", &self.all_original_and_clean())?;
        out.serialize_field("headline", &self.headline())?;
        out.serialize_field("advice", &self.advice())?;
        out.end()
    }
}

impl HandsetReport {
    pub(super) fn verdicts(&self) -> impl Iterator<Item = &Verdict> {
        self.parts
            .iter()
            .filter_map(|report| report.outcome.as_ref().ok())
    }

    /// Whether the handset itself, or any fitted part, is on a list.
    pub fn is_blocked(&self) -> bool {
        self.handset_blocklist.is_blocked() || self.verdicts().any(Verdict::is_blocked)
    }

    /// Whether a list consulted for the handset or any part was stale.
    pub fn is_stale(&self) -> bool {
        self.handset_blocklist.is_stale() || self.verdicts().any(Verdict::is_stale)
    }

    /// Whether any fitted part's evidence could not be trusted.
    pub fn has_refused_parts(&self) -> bool {
        self.parts.iter().any(|report| report.outcome.is_err())
    }

    /// Whether the handset is as its record says: every fitted part
    /// verified and is paired here, none is missing, and the modem agrees.
    /// Says nothing about blocklists.
    pub fn all_original(&self) -> bool {
        self.missing.is_empty()
            && self.mismatched_modem_imeis.is_empty()
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

impl Verifier<'_> {
    /// The boot-time self-check an OS vendor runs: every fitted part
    /// against the handset's own pairing record.
    ///
    /// Fails only if the pairing record itself cannot be trusted, is not
    /// its board's maker's ([`Error::ForeignPairingService`]), or is not
    /// this handset's ([`Error::ImeiMismatch`] for the modem's IMEIs) —
    /// unless the handset is blocked: blocked wins, and the report says so
    /// with the refusal or the mismatch beside it. Each part's own outcome
    /// is in the report.
    pub fn verify_handset(
        &self,
        evidence: &HandsetEvidence<'_>,
        now: u64,
    ) -> Result<HandsetReport, Error> {
        let record = evidence.pairing;
        limits::check_len(
            "fitted parts",
            evidence.fitted.len(),
            limits::MAX_PAIRED_PARTS,
        )?;
        limits::check_len("modem IMEIs", evidence.modem_imeis.len(), limits::MAX_IMEIS)?;
        let mut checked = Checked::default();
        // Only the handset's own maker vouches for it: the board the
        // record names must be certified under the service's root.
        let service_root = record.service_certificate().issuer();
        let foreign_board = evidence.fitted.iter().any(|fitted| {
            fitted.certificate.part().is_some_and(|part| {
                part.kind == PartKind::Board
                    && part.part_id() == record.board().part_id
                    && part.root != service_root
            })
        });
        let refused = match self.check_pairing_record(record, now, &mut checked) {
            Err(error) => Some(error),
            Ok(_) if foreign_board => Some(Error::ForeignPairingService),
            Ok(_) => None,
        };
        // A refused record says nothing: each part is then checked on its
        // own, and the handset by what its fitted board's certificate and
        // its modem say.
        let trusted = refused.is_none().then_some(record);
        let here = self
            .clone()
            .on_handset(trusted.map_or(&[][..], |record| record.imeis()));
        let mut fitted_ids = Vec::with_capacity(evidence.fitted.len());
        let parts: Vec<FittedPartReport> = evidence
            .fitted
            .iter()
            .map(|fitted| {
                let part = fitted.certificate.part();
                if let Some(part) = part {
                    fitted_ids.push(part.part_id());
                }
                let is_board = part.is_some_and(|p| p.kind == PartKind::Board);
                let mut part_evidence = PartEvidence::new(fitted.certificate, fitted.chain);
                if let Some(record) = trusted {
                    if part.is_some_and(|p| record.find(&p.part_id()).is_some()) {
                        part_evidence = part_evidence.with_pairing(record);
                    }
                }
                if let Some((challenge, response)) = fitted.challenge {
                    part_evidence = part_evidence.with_challenge(challenge, response);
                }
                if is_board {
                    part_evidence = part_evidence.with_presented_imeis(evidence.modem_imeis);
                }
                FittedPartReport {
                    fingerprint: fitted.certificate.fingerprint(),
                    outcome: here.verify_part_with(&part_evidence, now, &mut checked),
                }
            })
            .collect();
        let handset_imeis: Vec<Imei> = match trusted {
            Some(record) => record.imeis().to_vec(),
            None => {
                let mut imeis: Vec<Imei> = parts
                    .iter()
                    .filter_map(|report| report.outcome.as_ref().ok())
                    .filter(|verdict| verdict.part.kind == PartKind::Board)
                    .flat_map(|verdict| verdict.part.imeis.iter().copied())
                    .collect();
                imeis.sort_unstable();
                imeis.dedup();
                imeis
            }
        };
        let missing = trusted
            .into_iter()
            .flat_map(|record| record.all_parts())
            .filter(|paired| !fitted_ids.contains(&paired.part_id))
            .copied()
            .collect();
        let mut probes: Vec<Probe> = handset_imeis
            .iter()
            .chain(evidence.modem_imeis)
            .map(|imei| Probe::key(BlockKey::Imei(*imei)))
            .collect();
        probes.sort_unstable();
        probes.dedup();
        let mut mismatched_modem_imeis: Vec<Imei> = evidence
            .modem_imeis
            .iter()
            .filter(|imei| !handset_imeis.contains(imei))
            .copied()
            .collect();
        mismatched_modem_imeis.sort_unstable();
        mismatched_modem_imeis.dedup();
        let report = HandsetReport {
            handset_imeis,
            pairing_sequence: record.sequence(),
            handset_blocklist: self.blocklist_status(&probes, now)?,
            parts,
            missing,
            mismatched_modem_imeis,
            pairing_refused: refused,
            checked_at: self.trust.clock_for_root(&service_root, now),
        };
        // Blocked wins; otherwise a refused record is the error, and a
        // handset whose modem disagrees with its record is not this
        // record's handset.
        if !report.is_blocked() {
            if let Some(error) = report.pairing_refused {
                return Err(error);
            }
            if let Some(first) = report.mismatched_modem_imeis.first() {
                return Err(Error::ImeiMismatch {
                    presented: first.to_string(),
                    what: "pairing record",
                });
            }
        }
        Ok(report)
    }
}
