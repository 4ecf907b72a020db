//! The verifier, the evidence it is given and what it says.
//!
//! Evidence holds the binding objects (the core's borrows them); a
//! verdict and a handset report are the core's, read once in Rust with
//! their summary and flags, and a refused pairing record as an
//! [`ErrorInfo`] (the core's error type is not a value uniffi carries).

use std::sync::Arc;

use partcert as pc;
use pc::Imei;
use pc::blocklist::BlockKey;
use pc::ids::Fingerprint;
use pc::pairing::PairedPart;
use pc::verify::{AuthorityInfo, Binding, BlocklistStatus, PartInfo, Provenance, Relation};

use crate::device::{Blocklist, TrustStore};
use crate::error::{ErrorInfo, Result};
use crate::objects::{Certificate, Challenge, ChallengeResponse, PairingRecord};

/// A challenge sent to a keyed part and the part's response.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ChallengeAnswer {
    /// The challenge sent.
    pub challenge: Arc<Challenge>,
    /// The part's response.
    pub response: Arc<ChallengeResponse>,
}

/// Everything presented about one part.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PartEvidence {
    /// The part's certificate.
    pub certificate: Arc<Certificate>,
    /// Certificates that may complete its chain (its factory line's).
    pub chain: Vec<Arc<Certificate>>,
    /// The pairing record of the handset it comes from.
    #[uniffi(default)]
    pub pairing: Option<Arc<PairingRecord>>,
    /// For keyed parts: the challenge and the part's answer.
    #[uniffi(default)]
    pub challenge: Option<ChallengeAnswer>,
    /// For boards: the IMEIs the modem reports.
    #[uniffi(default)]
    pub presented_imeis: Vec<Imei>,
}

/// A part found fitted in the handset running a self-check.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FittedPart {
    /// The part's certificate (read from the part).
    pub certificate: Arc<Certificate>,
    /// Its factory line's certificate(s).
    pub chain: Vec<Arc<Certificate>>,
    /// For keyed parts: the challenge and the part's answer.
    #[uniffi(default = None)]
    pub challenge: Option<ChallengeAnswer>,
}

/// What a handset presents for its self-check.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HandsetEvidence {
    /// The handset's own pairing record.
    pub pairing: Arc<PairingRecord>,
    /// The IMEIs the modem reports.
    pub modem_imeis: Vec<Imei>,
    /// The parts found fitted.
    pub fitted: Vec<FittedPart>,
}

/// A certificate chain and a challenge answer, as the core borrows them.
struct Borrowed {
    chain: Vec<pc::Certificate>,
    answer: Option<(pc::challenge::Challenge, pc::challenge::ChallengeResponse)>,
}

impl Borrowed {
    fn new(chain: &[Arc<Certificate>], answer: &Option<ChallengeAnswer>) -> Self {
        Borrowed {
            chain: chain.iter().map(|c| c.0.clone()).collect(),
            answer: answer
                .as_ref()
                .map(|a| (a.challenge.0, a.response.0.clone())),
        }
    }

    fn challenge(&self) -> Option<(&pc::challenge::Challenge, &pc::challenge::ChallengeResponse)> {
        self.answer.as_ref().map(|(c, r)| (c, r))
    }
}

/// Checks evidence against a trust store and, if given, a blocklist.
/// Cheap to make; safe to share between threads. Each verification reads
/// the trust store and blocklist as they are when it starts.
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    trust: Arc<TrustStore>,
    blocklist: Option<Arc<Blocklist>>,
    handset_imeis: Vec<Imei>,
}

impl Verifier {
    /// Runs `check` with the core's verifier over the current trust store
    /// and blocklist.
    fn with_core<R>(&self, check: impl FnOnce(pc::Verifier<'_>) -> R) -> R {
        let trust = self.trust.0.load();
        let blocklist = self.blocklist.as_ref().map(|b| b.0.load());
        let mut verifier = pc::Verifier::new(&trust).on_handset(&self.handset_imeis);
        if let Some(blocklist) = &blocklist {
            verifier = verifier.with_blocklist(blocklist);
        }
        check(verifier)
    }

    /// Runs `check` with the core's verifier and `evidence` as the core
    /// borrows it.
    fn with_part<R>(
        &self,
        evidence: &PartEvidence,
        check: impl FnOnce(&pc::Verifier<'_>, &pc::PartEvidence<'_>) -> R,
    ) -> R {
        let borrowed = Borrowed::new(&evidence.chain, &evidence.challenge);
        let mut part = pc::PartEvidence::new(&evidence.certificate.0, &borrowed.chain)
            .with_presented_imeis(&evidence.presented_imeis);
        if let Some(record) = &evidence.pairing {
            part = part.with_pairing(&record.0);
        }
        part.challenge = borrowed.challenge();
        self.with_core(|verifier| check(&verifier, &part))
    }

    fn part_verdict(&self, evidence: &PartEvidence, now: u64) -> Result<pc::Verdict> {
        Ok(self.with_part(evidence, |verifier, part| verifier.verify_part(part, now))?)
    }

    /// Runs `check` with the core's verifier and `evidence` as the core
    /// borrows it.
    fn with_handset<R>(
        &self,
        evidence: &HandsetEvidence,
        check: impl FnOnce(&pc::Verifier<'_>, &pc::verify::HandsetEvidence<'_>) -> R,
    ) -> R {
        let borrowed: Vec<Borrowed> = evidence
            .fitted
            .iter()
            .map(|fitted| Borrowed::new(&fitted.chain, &fitted.challenge))
            .collect();
        let fitted: Vec<pc::verify::FittedPart<'_>> = evidence
            .fitted
            .iter()
            .zip(&borrowed)
            .map(|(fitted, borrowed)| pc::verify::FittedPart {
                certificate: &fitted.certificate.0,
                chain: &borrowed.chain,
                challenge: borrowed.challenge(),
            })
            .collect();
        let handset = pc::verify::HandsetEvidence {
            pairing: &evidence.pairing.0,
            modem_imeis: &evidence.modem_imeis,
            fitted: &fitted,
        };
        self.with_core(|verifier| check(&verifier, &handset))
    }

    fn handset_report(
        &self,
        evidence: &HandsetEvidence,
        now: u64,
    ) -> Result<pc::verify::HandsetReport> {
        // The core checks the handset its record names, whatever handset
        // this verifier was made for.
        Ok(self.with_handset(evidence, |verifier, handset| {
            verifier.verify_handset(handset, now)
        })?)
    }
}

#[uniffi::export]
impl Verifier {
    /// A verifier trusting `trust`, consulting `blocklist` if given, and
    /// verifying on behalf of the handset with `handset_imeis` (so verdicts
    /// say "paired here" or "used"; empty for a shop's bench). Throws only
    /// when an IMEI is not one (it is checked as it crosses).
    #[uniffi::constructor(default(blocklist = None, handset_imeis = []))]
    pub fn new(
        trust: Arc<TrustStore>,
        blocklist: Option<Arc<Blocklist>>,
        handset_imeis: Vec<Imei>,
    ) -> Result<Arc<Self>> {
        Ok(Arc::new(Verifier {
            trust,
            blocklist,
            handset_imeis,
        }))
    }

    /// Verifies one part at `now` (seconds since the Unix epoch). Throws
    /// when the evidence cannot be read or trusted (a counterfeit: 201);
    /// a blocked part is a verdict, not an error.
    pub fn verify_part(&self, evidence: PartEvidence, now: u64) -> Result<Verdict> {
        Ok(Verdict::from(self.part_verdict(&evidence, now)?))
    }

    /// `verifyPart`, as the core's JSON (the shape every front prints).
    pub fn verify_part_json(&self, evidence: PartEvidence, now: u64) -> Result<String> {
        let verdict = self.part_verdict(&evidence, now)?;
        Ok(serde_json::to_string(&verdict).unwrap_or_default())
    }

    /// The boot-time self-check of every fitted part against the
    /// handset's own pairing record. Throws only if the record cannot be
    /// trusted or is not this handset's; each part's outcome is in the
    /// report (a part swapped in by a repair is reported, never failed).
    pub fn verify_handset(&self, evidence: HandsetEvidence, now: u64) -> Result<HandsetReport> {
        Ok(HandsetReport::from(self.handset_report(&evidence, now)?))
    }

    /// `verifyHandset`, as the core's JSON.
    pub fn verify_handset_json(&self, evidence: HandsetEvidence, now: u64) -> Result<String> {
        let report = self.handset_report(&evidence, now)?;
        Ok(serde_json::to_string(&report).unwrap_or_default())
    }

    /// The keys a verdict on `evidence` at `now` looks up in the
    /// blocklists (the handset IMEIs of the part and its record, the
    /// part's identity and its key's), sorted: what a device that does not
    /// hold a register's list checks through its shards
    /// (`Blocklist.beginShardCheck`). Evidence refused before any lookup
    /// (a counterfeit) needs none.
    pub fn blocklist_keys(&self, evidence: PartEvidence, now: u64) -> Vec<BlockKey> {
        self.with_part(&evidence, |verifier, part| {
            verifier.blocklist_keys(part, now)
        })
    }

    /// The keys a handset check of `evidence` at `now` looks up (the
    /// handset's IMEIs and every fitted part's), sorted.
    pub fn handset_blocklist_keys(&self, evidence: HandsetEvidence, now: u64) -> Vec<BlockKey> {
        self.with_handset(&evidence, |verifier, handset| {
            verifier.handset_blocklist_keys(handset, now)
        })
    }
}

/// What trusted evidence says about a part: the core's verdict, with its
/// one-line summary and flags. It reports; it never disables: what to do
/// with it is the owner's policy.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verdict {
    /// The core's summary: "genuine (serial-only), used, clean".
    pub summary: String,
    /// The first line a technician reads, in the core's plain words (the
    /// same in the CLI, C, Kotlin and Swift): "BLOCKED — Acme screen
    /// SCR-0001 is listed as stolen", "OK — genuine Acme screen …".
    pub headline: String,
    /// What to do, in one line: "Do not fit it. …", "Fine to fit.".
    pub advice: String,
    /// Whether any list carries the part or its handset.
    pub is_blocked: bool,
    /// Whether a list consulted was stale.
    pub is_stale: bool,
    /// The part.
    pub part: PartInfo,
    /// The factory line that certified it.
    pub issuer: AuthorityInfo,
    /// The manufacturer root the chain ends in.
    pub root: AuthorityInfo,
    /// Key-proven, key not challenged, or serial-only.
    pub binding: Binding,
    /// Paired here, elsewhere, or unpaired.
    pub relation: Relation,
    /// The handset it was paired to, if a pairing record was given.
    pub provenance: Option<Provenance>,
    /// Blocklist standing.
    pub blocklist: BlocklistStatus,
    /// Why the pairing record presented with the part was refused (e.g.
    /// 307 ForeignPairingService). Only on a blocked verdict: a listed
    /// part stays blocked whatever record it comes with; otherwise the
    /// refusal is thrown.
    pub pairing_refused: Option<ErrorInfo>,
    /// The time the certificates were checked at.
    pub checked_at: u64,
    /// Modem IMEIs not signed into this board (only on a blocked verdict).
    pub mismatched_imeis: Vec<Imei>,
    /// When its line's key was revoked from, if a pairing record places
    /// the part before that time.
    pub issuer_revoked_since: Option<u64>,
    /// When its line's certificate ended, if it has (a retired line) and
    /// the part's own maker places the part before then.
    pub issuer_retired_at: Option<u64>,
}

impl From<pc::Verdict> for Verdict {
    fn from(verdict: pc::Verdict) -> Self {
        Verdict {
            summary: verdict.summary(),
            headline: verdict.headline(),
            advice: verdict.advice(),
            is_blocked: verdict.is_blocked(),
            is_stale: verdict.is_stale(),
            pairing_refused: verdict.pairing_refused.as_ref().map(ErrorInfo::from),
            blocklist: verdict.blocklist,
            part: verdict.part,
            binding: verdict.binding,
            relation: verdict.relation,
            provenance: verdict.provenance,
            issuer: verdict.issuer,
            root: verdict.root,
            issuer_revoked_since: verdict.issuer_revoked_since,
            issuer_retired_at: verdict.issuer_retired_at,
            mismatched_imeis: verdict.mismatched_imeis,
            checked_at: verdict.checked_at,
        }
    }
}

/// One fitted part's outcome in a handset self-check.
// Crosses the FFI by value, serialised: boxing would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PartOutcome {
    /// Its evidence verified.
    Verified {
        /// The verdict.
        verdict: Verdict,
    },
    /// Its evidence could not be trusted.
    Refused {
        /// Why.
        error: ErrorInfo,
    },
}

/// One fitted part in a handset report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FittedPartReport {
    /// Its certificate's fingerprint.
    pub fingerprint: Fingerprint,
    /// Its verdict, or why it was refused.
    pub outcome: PartOutcome,
}

/// The result of a handset self-check, with the core's flags.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HandsetReport {
    /// The handset's first line, in the core's plain words: "OK — every
    /// part is this handset's own, …", "BLOCKED — this handset is listed
    /// as stolen".
    pub headline: String,
    /// What to do about the handset, in one line.
    pub advice: String,
    /// Every fitted part verified and is paired here, none is missing,
    /// the modem agrees (says nothing about blocklists).
    pub all_original: bool,
    /// `all_original`, and everything checked against current lists and
    /// clean.
    pub all_original_and_clean: bool,
    /// The handset or any fitted part is on a list.
    pub is_blocked: bool,
    /// A list consulted was stale.
    pub is_stale: bool,
    /// A fitted part's evidence was refused.
    pub has_refused_parts: bool,
    /// The handset's IMEIs (from its pairing record).
    pub handset_imeis: Vec<Imei>,
    /// The pairing record's sequence.
    pub pairing_sequence: u64,
    /// The handset's own blocklist standing.
    pub handset_blocklist: BlocklistStatus,
    /// Each fitted part's outcome, in the order given.
    pub parts: Vec<FittedPartReport>,
    /// Parts the record lists that were not found fitted.
    pub missing: Vec<PairedPart>,
    /// The time the record's certificates were checked at.
    pub checked_at: u64,
    /// Modem IMEIs the record does not carry (only when blocked).
    pub mismatched_modem_imeis: Vec<Imei>,
    /// Why the handset's pairing record was refused. Only when the
    /// handset is blocked (blocked wins; the parts were then checked
    /// without the record); otherwise the refusal is thrown.
    pub pairing_refused: Option<ErrorInfo>,
}

impl From<pc::verify::FittedPartReport> for FittedPartReport {
    fn from(report: pc::verify::FittedPartReport) -> Self {
        FittedPartReport {
            fingerprint: report.fingerprint,
            outcome: match report.outcome {
                Ok(verdict) => PartOutcome::Verified {
                    verdict: verdict.into(),
                },
                Err(error) => PartOutcome::Refused {
                    error: (&error).into(),
                },
            },
        }
    }
}

impl From<pc::verify::HandsetReport> for HandsetReport {
    fn from(report: pc::verify::HandsetReport) -> Self {
        HandsetReport {
            headline: report.headline(),
            advice: report.advice(),
            all_original: report.all_original(),
            all_original_and_clean: report.all_original_and_clean(),
            is_blocked: report.is_blocked(),
            is_stale: report.is_stale(),
            has_refused_parts: report.has_refused_parts(),
            pairing_refused: report.pairing_refused.as_ref().map(ErrorInfo::from),
            handset_imeis: report.handset_imeis,
            pairing_sequence: report.pairing_sequence,
            handset_blocklist: report.handset_blocklist,
            parts: report
                .parts
                .into_iter()
                .map(FittedPartReport::from)
                .collect(),
            missing: report.missing,
            mismatched_modem_imeis: report.mismatched_modem_imeis,
            checked_at: report.checked_at,
        }
    }
}
