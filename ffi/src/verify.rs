//! Verifying one part, and the boot-time self-check of a handset.

use partcert::verify::{FittedPart, HandsetEvidence};
use partcert::{Imei, PartEvidence, Verifier};

use crate::blocklist::partcert_blocklist;
use crate::castable::{self, to_box};
use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error};
use crate::handset_evidence::{HandsetEvidenceData, partcert_handset_evidence};
use crate::handset_report::{ReportData, partcert_handset_report};
use crate::panic::boundary;
use crate::part_evidence::{PartEvidenceData, partcert_part_evidence};
use crate::ptr::{self, Out};
use crate::trust_store::{TrustData, partcert_trust_store};
use crate::verdict::{VerdictData, partcert_verdict};

pub(crate) fn imeis_in(imeis: &[u64]) -> Result<Vec<Imei>, Failure> {
    imeis
        .iter()
        .map(|imei| Imei::from_u64(*imei).map_err(Failure::from))
        .collect()
}

/// Runs `check` on the core's view of one part's evidence, its chain
/// completed from `trust`'s pool: what a verdict, and the keys a verdict
/// looks up (`partcert_shard_check_begin_part`), are computed from.
pub(crate) fn with_part<R>(
    trust: &TrustData, evidence: &PartEvidenceData, check: impl FnOnce(&PartEvidence<'_>) -> R,
) -> R {
    let chain = trust.chain_for(&evidence.certificate, &evidence.chain);
    let mut core = PartEvidence::new(&evidence.certificate, &chain)
        .with_presented_imeis(&evidence.presented_imeis);
    if let Some(record) = &evidence.pairing {
        core = core.with_pairing(record);
    }
    if let Some((challenge, response)) = &evidence.challenge {
        core = core.with_challenge(challenge, response);
    }
    check(&core)
}

/// Runs `check` on the core's view of a handset's evidence, each fitted
/// part's chain completed from `trust`'s pool.
pub(crate) fn with_handset<R>(
    trust: &TrustData, evidence: &HandsetEvidenceData,
    check: impl FnOnce(&HandsetEvidence<'_>) -> R,
) -> R {
    let chains: Vec<_> = evidence
        .fitted
        .iter()
        .map(|part| trust.chain_for(&part.certificate, &part.chain))
        .collect();
    let fitted: Vec<FittedPart<'_>> = evidence
        .fitted
        .iter()
        .zip(&chains)
        .map(|(part, chain)| FittedPart {
            certificate: &part.certificate,
            chain,
            challenge: part.challenge.as_ref().map(|(c, r)| (c, r)),
        })
        .collect();
    check(&HandsetEvidence {
        pairing: &evidence.pairing,
        modem_imeis: &evidence.modem_imeis,
        fitted: &fitted,
    })
}

/// Verifies one part at time `now` (seconds since the Unix epoch; the
/// library never reads a clock) and, when the evidence can be trusted,
/// writes a new verdict to `verdict_out` (free it with
/// `partcert_verdict_free`).
///
/// - `trust`: the pinned roots (and the chain pool that completes the
///   part's chain).
/// - `blocklist`: the blocklists to consult, or NULL to consult none (the
///   verdict's standing is then NOT_CHECKED).
/// - `host_imeis`, `host_imei_count`: the IMEIs of the handset doing the
///   verifying, so the verdict says whether the part is paired here or
///   elsewhere; NULL and 0 for a repair bench that is no handset.
///
/// An error means the evidence cannot be read or trusted: 1xx malformed,
/// 2xx untrusted (counterfeit issuer, bad signature, wrong challenge
/// response), 3xx policy (expired, kind or maker not permitted, revoked,
/// IMEI mismatch, not in the pairing record presented, another root than
/// its issuer's, a board paired by another maker's service). A blocked
/// part is *not* an error: it is a verdict whose standing is BLOCKED.
/// Blocked wins over an IMEI mismatch: a listed board whose modem presents
/// an IMEI not signed into it is a BLOCKED verdict naming the mismatched
/// IMEIs (`partcert_verdict_mismatched_imeis`); a clean one is refused
/// with 305. Blocked wins over a refused pairing record too: a listed part
/// shown with a record that cannot be trusted (307 for another maker's
/// service, 300 for a record dated after `now` plus
/// `PARTCERT_CLOCK_TOLERANCE` or outside its service's validity, ...) is a
/// BLOCKED verdict with the refusal in `partcert_verdict_pairing_refused`;
/// a clean one is refused with that code.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verify_part(
    trust: *const partcert_trust_store, blocklist: *const partcert_blocklist,
    host_imeis: *const u64, host_imei_count: usize, evidence: *const partcert_part_evidence,
    now: u64, verdict_out: *mut *mut partcert_verdict, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: live objects (the blocklist may be NULL), `host_imei_count`
        // readable IMEIs, and a writable handle slot.
        let (trust, blocklist, hosts, evidence, out) = unsafe {
            (
                castable::borrow(trust, "trust")?,
                castable::try_ref(blocklist),
                ptr::array_in(host_imeis, host_imei_count, "host_imeis")?,
                castable::borrow(evidence, "evidence")?,
                Out::new(verdict_out, "verdict_out")?,
            )
        };
        let hosts = imeis_in(hosts)?;
        let mut verifier = Verifier::new(&trust.store).on_handset(&hosts);
        if let Some(blocklist) = blocklist {
            verifier = verifier.with_blocklist(&blocklist.blocklist);
        }
        let verdict = with_part(trust, evidence, |core| verifier.verify_part(core, now))?;
        out.write(to_box(VerdictData::new(verdict)))
    })
}

/// Runs the boot-time self-check an OS vendor runs: every fitted part
/// against the handset's own pairing record, at time `now`. Writes a new
/// report to `report_out` (free it with `partcert_handset_report_free`).
///
/// Fails only if the pairing record itself cannot be trusted, is not its
/// board's maker's (307: the board fitted is certified under another root
/// than the pairing service's), or does not belong to this handset (305
/// for the modem's IMEIs) — unless the handset is blocked: blocked wins,
/// and the report says so, with the refusal in
/// `partcert_handset_report_pairing_refused` or the mismatched IMEIs in
/// `partcert_handset_report_mismatched_modem_imeis`. Each part's own
/// outcome (a verdict or an error) is in the report; a part the record
/// does not list is verified without it and reported as not listed
/// (`partcert_fitted_part.listed_in_record`: replaced). `blocklist` may be
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verify_handset(
    trust: *const partcert_trust_store, blocklist: *const partcert_blocklist,
    evidence: *const partcert_handset_evidence, now: u64,
    report_out: *mut *mut partcert_handset_report, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: live objects (the blocklist may be NULL) and a writable
        // handle slot.
        let (trust, blocklist, evidence, out) = unsafe {
            (
                castable::borrow(trust, "trust")?,
                castable::try_ref(blocklist),
                castable::borrow(evidence, "evidence")?,
                Out::new(report_out, "report_out")?,
            )
        };
        let listed: Vec<bool> = evidence
            .fitted
            .iter()
            .map(|part| {
                part.certificate
                    .part()
                    .is_some_and(|p| evidence.pairing.find(&p.part_id()).is_some())
            })
            .collect();
        let mut verifier = Verifier::new(&trust.store);
        if let Some(blocklist) = blocklist {
            verifier = verifier.with_blocklist(&blocklist.blocklist);
        }
        let report = with_handset(trust, evidence, |handset| {
            verifier.verify_handset(handset, now)
        })?;
        // A refused record lists nothing: every part was checked without it.
        let listed = if report.pairing_refused.is_some() {
            vec![false; listed.len()]
        } else {
            listed
        };
        out.write(to_box(ReportData::new(report, &listed)))
    })
}
