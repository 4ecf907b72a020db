//! `partcert_handset_report`: the result of a handset self-check.

use std::sync::OnceLock;

use partcert::verify::HandsetReport;

use crate::blocklist_status::{StatusData, borrowed, partcert_blocklist_status};
use crate::castable;
use crate::enums::PARTCERT_DIGEST_LEN;
use crate::enums::partcert_result;
use crate::error::{ErrorData, Failure, partcert_error};
use crate::str::{NulString, partcert_imeis, partcert_str};
use crate::verdict::{VerdictData, imeis, partcert_verdict};

/// The result of a handset self-check: the handset's own standing, each
/// fitted part's verdict or error, and the parts its pairing record lists
/// that were not found fitted.
///
/// Immutable: every accessor may be called from any thread concurrently;
/// each is a plain read (0, false, empty or NULL for a NULL report), and
/// what it hands out is borrowed from the report. Free with
/// `partcert_handset_report_free`.
pub struct partcert_handset_report {
    _private: [u8; 0],
}

reader!(read: partcert_handset_report);

/// One fitted part's outcome in a handset report, borrowed from it.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_fitted_part {
    /// The 32-byte fingerprint of the part's certificate.
    pub fingerprint: [u8; PARTCERT_DIGEST_LEN],
    /// `PARTCERT_RESULT_OK` if the part verified (see `verdict`), else the
    /// code that says why its evidence cannot be trusted (see `error`).
    pub outcome: partcert_result,
    /// The part's verdict when `outcome` is OK, else NULL: borrowed from
    /// the report (`const`; never freed itself).
    pub verdict: *const partcert_verdict,
    /// The part's error when `outcome` is not OK, else NULL: its code and
    /// detailed message ("the part certificate expired at … (checked at
    /// …)"), borrowed from the report (`const`; never freed itself).
    pub error: *const partcert_error,
    /// Whether the handset's own pairing record lists this part (or an
    /// earlier certificate of it). False means the part was *replaced*: it
    /// is not in this handset's record (its verdict's relation then reads
    /// UNPAIRED because no record lists it — not because no record was
    /// presented; the report is never "all original").
    pub listed_in_record: bool,
}

// SAFETY: the pointers in a `partcert_fitted_part` point into the immutable
// report that holds it, which is `Send + Sync`.
unsafe impl Send for partcert_fitted_part {}
// SAFETY: as above.
unsafe impl Sync for partcert_fitted_part {}

/// A part the pairing record lists, borrowed from the report.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_paired_part {
    /// The part's kind code (see `partcert_part_kind`).
    pub kind: u16,
    /// The part's identity digest.
    pub part_id: [u8; PARTCERT_DIGEST_LEN],
    /// The fingerprint of the part's certificate at pairing time.
    pub certificate_fingerprint: [u8; PARTCERT_DIGEST_LEN],
    /// Whether the record names the key of a keyed part (since 1.3; see
    /// `key_id`).
    pub has_key: bool,
    /// For a keyed part: the key id of the key its certificate names (a
    /// register reporting the handset lists the part by it too); zeros
    /// otherwise.
    pub key_id: [u8; PARTCERT_DIGEST_LEN],
    /// When the record says the part was first paired by its maker's
    /// pairing services (since 1.3; seconds since the Unix epoch).
    pub first_paired: u64,
}

#[derive(Debug)]
struct FittedView {
    c: partcert_fitted_part,
    _verdict: Option<Box<VerdictData>>,
    _error: Option<Box<ErrorData>>,
}

/// The contents of a `partcert_handset_report`, with its C views built
/// once (the JSON on first use).
#[derive(Debug)]
pub(crate) struct ReportData {
    report: HandsetReport,
    imeis: Vec<u64>,
    mismatched_modem_imeis: Vec<u64>,
    status: StatusData,
    parts: Vec<FittedView>,
    missing: Vec<partcert_paired_part>,
    /// Boxed: a `const partcert_error *` to it stays valid wherever the
    /// report's data moves.
    pairing_refused: Option<Box<ErrorData>>,
    headline: NulString,
    advice: NulString,
    json: OnceLock<NulString>,
}

impl ReportData {
    /// `listed` says, for each fitted part in order, whether the
    /// handset's record lists it.
    pub(crate) fn new(report: HandsetReport, listed: &[bool]) -> Self {
        let parts = report
            .parts
            .iter()
            .enumerate()
            .map(|(index, part)| {
                let listed_in_record = listed.get(index).copied().unwrap_or(false);
                let (verdict, error) = match &part.outcome {
                    Ok(verdict) => (Some(Box::new(VerdictData::new(verdict.clone()))), None),
                    Err(error) => (
                        None,
                        Some(Box::new(ErrorData::new(&Failure::from(error.clone())))),
                    ),
                };
                FittedView {
                    c: partcert_fitted_part {
                        fingerprint: *part.fingerprint.as_bytes(),
                        outcome: match &part.outcome {
                            Ok(_) => partcert_result::OK,
                            Err(error) => partcert_result::from(error.code()),
                        },
                        verdict: verdict
                            .as_deref()
                            .map_or(std::ptr::null(), castable::to_const_ptr),
                        error: error
                            .as_deref()
                            .map_or(std::ptr::null(), castable::to_const_ptr),
                        listed_in_record,
                    },
                    _verdict: verdict,
                    _error: error,
                }
            })
            .collect();
        ReportData {
            imeis: imeis(&report.handset_imeis),
            mismatched_modem_imeis: imeis(&report.mismatched_modem_imeis),
            status: StatusData::new(&report.handset_blocklist),
            parts,
            missing: report
                .missing
                .iter()
                .map(|part| partcert_paired_part {
                    kind: part.kind.code(),
                    part_id: *part.part_id.as_bytes(),
                    certificate_fingerprint: *part.certificate.as_bytes(),
                    has_key: part.key.is_some(),
                    key_id: part
                        .key
                        .map_or([0; PARTCERT_DIGEST_LEN], |key| *key.as_bytes()),
                    first_paired: part.first_paired,
                })
                .collect(),
            pairing_refused: report
                .pairing_refused
                .as_ref()
                .map(|error| Box::new(ErrorData::new(&Failure::from(error.clone())))),
            headline: NulString::new(&report.headline()),
            advice: NulString::new(&report.advice()),
            json: OnceLock::new(),
            report,
        }
    }
}

/// Frees a handset report. NULL is a no-op. Everything borrowed from it
/// (standings, verdicts, errors, strings) is invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_free(report: *mut partcert_handset_report) {
    // SAFETY: NULL or a report from this library, freed once.
    unsafe { castable::free_box(report) }
}

/// The handset's IMEIs, borrowed: from its pairing record, or, when the
/// record was refused (see `partcert_handset_report_pairing_refused`), the
/// IMEIs signed into its fitted board's certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_imeis(
    report: *const partcert_handset_report,
) -> partcert_imeis {
    read(report, partcert_imeis::EMPTY, |r| {
        Some(partcert_imeis::of(&r.imeis))
    })
}

/// The pairing record's sequence.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_pairing_sequence(
    report: *const partcert_handset_report,
) -> u64 {
    read(report, 0, |r| Some(r.report.pairing_sequence))
}

/// The time the pairing record's certificates were checked at: the
/// caller's `now`, raised to the newest revocation list of the pairing
/// service's root.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_checked_at(
    report: *const partcert_handset_report,
) -> u64 {
    read(report, 0, |r| Some(r.report.checked_at))
}

/// The IMEIs the modem reports that the pairing record does not carry (in
/// ascending order), borrowed. Only ever non-empty when the handset is
/// blocked: a listed handset stays blocked whatever its modem says, while
/// a clean one with a mismatch fails the self-check with 305.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_mismatched_modem_imeis(
    report: *const partcert_handset_report,
) -> partcert_imeis {
    read(report, partcert_imeis::EMPTY, |r| {
        Some(partcert_imeis::of(&r.mismatched_modem_imeis))
    })
}

/// Why the handset's pairing record was refused, borrowed from the report:
/// read it with `partcert_error_code` and `partcert_error_message` (e.g.
/// 307 for a record signed by another maker's pairing service); valid
/// until the report is freed, and never freed itself. Only ever set when
/// the handset is blocked — blocked wins, and the refusal is reported
/// beside it; the parts were then checked without the record (none reads
/// `listed_in_record`, nothing is reported missing) — otherwise the
/// refusal is `partcert_verify_handset`'s error. NULL when the record was
/// accepted, and for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_pairing_refused(
    report: *const partcert_handset_report,
) -> *const partcert_error {
    read(report, std::ptr::null(), |r| {
        r.pairing_refused.as_deref().map(castable::to_const_ptr)
    })
}

/// The handset's own blocklist standing (by IMEI), borrowed: valid until
/// the report is freed; never freed itself.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_blocklist(
    report: *const partcert_handset_report,
) -> *const partcert_blocklist_status {
    read(report, std::ptr::null(), |r| Some(borrowed(&r.status)))
}

/// Whether the handset is as its record says: every fitted part verified
/// and is paired here (listed in this handset's record), none is missing,
/// and the modem agrees. Says nothing about blocklists.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_all_original(
    report: *const partcert_handset_report,
) -> bool {
    read(report, false, |r| Some(r.report.all_original()))
}

/// Whether the handset is as its record says
/// (`partcert_handset_report_all_original`) *and* the handset and every part
/// were checked against current blocklists and found clean: false when no
/// blocklist was consulted, a list was stale, or anything is blocked. The
/// one answer a boot self-check needs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_all_original_and_clean(
    report: *const partcert_handset_report,
) -> bool {
    read(report, false, |r| Some(r.report.all_original_and_clean()))
}

/// Whether the handset itself, or any fitted part, is on a list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_is_blocked(
    report: *const partcert_handset_report,
) -> bool {
    read(report, false, |r| Some(r.report.is_blocked()))
}

/// Whether a list consulted for the handset or any part was stale.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_is_stale(
    report: *const partcert_handset_report,
) -> bool {
    read(report, false, |r| Some(r.report.is_stale()))
}

/// Whether any fitted part's evidence could not be trusted (its outcome is
/// an error).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_has_refused_parts(
    report: *const partcert_handset_report,
) -> bool {
    read(report, false, |r| Some(r.report.has_refused_parts()))
}

/// How many fitted parts the report covers (in the order added).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_part_count(
    report: *const partcert_handset_report,
) -> usize {
    read(report, 0, |r| Some(r.parts.len()))
}

/// Fitted part `index`'s outcome, borrowed (NULL past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_part(
    report: *const partcert_handset_report, index: usize,
) -> *const partcert_fitted_part {
    read(report, std::ptr::null(), |r| {
        r.parts.get(index).map(|view| std::ptr::from_ref(&view.c))
    })
}

/// How many parts the pairing record lists that were not found fitted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_missing_count(
    report: *const partcert_handset_report,
) -> usize {
    read(report, 0, |r| Some(r.missing.len()))
}

/// Missing part `index`, borrowed (NULL past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_missing(
    report: *const partcert_handset_report, index: usize,
) -> *const partcert_paired_part {
    read(report, std::ptr::null(), |r| {
        r.missing.get(index).map(std::ptr::from_ref)
    })
}

/// The handset's first line in plain words (since 1.8): "OK — every part
/// is this handset's own, and nothing is reported stolen or lost",
/// "BLOCKED — this handset is listed as stolen", "REPAIRED — …". Decided
/// by the core, the same words in every front.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_headline(
    report: *const partcert_handset_report,
) -> partcert_str {
    read(report, partcert_str::EMPTY, |r| Some(r.headline.as_c()))
}

/// What to do about the handset, in one line (since 1.8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_advice(
    report: *const partcert_handset_report,
) -> partcert_str {
    read(report, partcert_str::EMPTY, |r| Some(r.advice.as_c()))
}

/// The report as JSON: the shape every front (Rust, the command-line tool,
/// Kotlin, Swift) shares, with each fitted part's verdict or error
/// (`{"code", "name", "family", "message"}`, the detailed message
/// included) and `all_original_and_clean`. Made on the first call and kept
/// with the report (borrowed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_json(
    report: *const partcert_handset_report,
) -> partcert_str {
    read(report, partcert_str::EMPTY, |r| {
        let json = r
            .json
            .get_or_init(|| NulString::new(&serde_json::to_string(&r.report).unwrap_or_default()));
        Some(json.as_c())
    })
}
