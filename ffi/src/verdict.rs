//! `partcert_verdict`: what trusted evidence says about a part.

use std::sync::OnceLock;

use partcert::verify::Provenance;
use partcert::{Imei, Verdict};

use crate::blocklist_status::{StatusData, borrowed, partcert_blocklist_status};
use crate::castable;
use crate::enums::PARTCERT_DIGEST_LEN;
use crate::enums::{partcert_binding, partcert_pairing_event, partcert_relation};
use crate::error::{ErrorData, Failure, partcert_error};
use crate::panic::getter;
use crate::ptr::{self, Out};
use crate::str::{NulString, partcert_imeis, partcert_str};

/// What trusted evidence says about a part: the part, its issuer and root,
/// how it is bound, where it was paired, and its blocklist standing. It
/// reports; it never disables: what a device or shop does with it is the
/// owner's policy.
///
/// Immutable: every accessor may be called from any thread concurrently.
/// Every accessor is a plain read: on a NULL verdict it gives 0, false, an
/// empty string or NULL (as each says). Strings and arrays it hands out are
/// borrowed from it. A verdict from `partcert_verify_part` is the caller's
/// to free with `partcert_verdict_free`; one borrowed from a handset report
/// is `const` and is not freed.
pub struct partcert_verdict {
    _private: [u8; 0],
}

reader!(read: partcert_verdict);

/// The provenance of a verdict: the handset the part was paired to, from
/// the pairing record presented. Borrowed from the verdict.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_provenance {
    /// The record's per-handset sequence.
    pub pairing_sequence: u64,
    /// What made the record.
    pub event: partcert_pairing_event,
    /// When it was signed (seconds since the Unix epoch).
    pub paired_at: u64,
    /// The key id of the pairing service that signed it.
    pub service_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The name of that pairing service.
    pub service_name: partcert_str,
    /// The IMEIs of the handset the part was paired to.
    pub handset_imeis: partcert_imeis,
    /// Whether the record names an earlier certificate of the same part
    /// (the part was re-certified since it was paired): the same part,
    /// accepted and reported.
    pub certificate_renewed: bool,
    /// When the record says this part was first paired (since 1.3; seconds
    /// since the Unix epoch): carried from record to record across repairs
    /// by the pairing services of the part's own maker, at most
    /// `paired_at`. It is what places a part made before its line's key
    /// leaked, or before its line retired (see
    /// `partcert_verdict_issuer_revoked`, `partcert_verdict_issuer_retired`),
    /// when the service is of the part's own root.
    pub first_paired: u64,
}

#[derive(Debug)]
struct ProvenanceView {
    c: partcert_provenance,
    _name: NulString,
    _imeis: Vec<u64>,
}

impl ProvenanceView {
    fn of(provenance: &Provenance) -> Self {
        let name = NulString::new(&provenance.service.name);
        let imeis = imeis(&provenance.handset_imeis);
        ProvenanceView {
            c: partcert_provenance {
                pairing_sequence: provenance.pairing_sequence,
                event: provenance.event.into(),
                paired_at: provenance.paired_at,
                service_key_id: *provenance.service.key_id.as_bytes(),
                service_name: name.as_c(),
                handset_imeis: partcert_imeis::of(&imeis),
                certificate_renewed: provenance.certificate_renewed,
                first_paired: provenance.first_paired,
            },
            _name: name,
            _imeis: imeis,
        }
    }
}

pub(crate) fn imeis(imeis: &[Imei]) -> Vec<u64> {
    imeis.iter().map(|imei| imei.as_u64()).collect()
}

/// The contents of a `partcert_verdict`: the core's verdict and every C
/// view of it, built once (the JSON on first use).
#[derive(Debug)]
pub(crate) struct VerdictData {
    pub(crate) verdict: Verdict,
    kind_name: NulString,
    manufacturer: NulString,
    model: NulString,
    serial: NulString,
    issuer_name: NulString,
    root_name: NulString,
    summary: NulString,
    headline: NulString,
    advice: NulString,
    imeis: Vec<u64>,
    mismatched_imeis: Vec<u64>,
    provenance: Option<ProvenanceView>,
    /// Boxed: a `const partcert_error *` to it stays valid wherever the
    /// verdict's data moves.
    pairing_refused: Option<Box<ErrorData>>,
    status: StatusData,
    json: OnceLock<NulString>,
}

impl VerdictData {
    pub(crate) fn new(verdict: Verdict) -> Self {
        VerdictData {
            kind_name: NulString::new(&verdict.part.kind.name()),
            manufacturer: NulString::new(&verdict.part.manufacturer),
            model: NulString::new(&verdict.part.model),
            serial: NulString::new(&verdict.part.serial),
            issuer_name: NulString::new(&verdict.issuer.name),
            root_name: NulString::new(&verdict.root.name),
            summary: NulString::new(&verdict.summary()),
            headline: NulString::new(&verdict.headline()),
            advice: NulString::new(&verdict.advice()),
            imeis: imeis(&verdict.part.imeis),
            mismatched_imeis: imeis(&verdict.mismatched_imeis),
            provenance: verdict.provenance.as_ref().map(ProvenanceView::of),
            pairing_refused: verdict
                .pairing_refused
                .as_ref()
                .map(|error| Box::new(ErrorData::new(&Failure::from(error.clone())))),
            status: StatusData::new(&verdict.blocklist),
            json: OnceLock::new(),
            verdict,
        }
    }
}

/// Frees a verdict made by `partcert_verify_part`. NULL is a no-op.
/// Everything borrowed from it is invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_free(verdict: *mut partcert_verdict) {
    // SAFETY: NULL or a verdict from this library, freed once.
    unsafe { castable::free_box(verdict) }
}

/// The part's kind code (see `partcert_part_kind`; 0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_part_kind(verdict: *const partcert_verdict) -> u16 {
    read(verdict, 0, |v| Some(v.verdict.part.kind.code()))
}

/// The part kind's name: "screen", "rear-camera", "kind-77" for a code this
/// library does not name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_part_kind_name(
    verdict: *const partcert_verdict,
) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.kind_name.as_c()))
}

/// The part's manufacturer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_manufacturer(
    verdict: *const partcert_verdict,
) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| {
        Some(v.manufacturer.as_c())
    })
}

/// The part's model.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_model(verdict: *const partcert_verdict) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.model.as_c()))
}

/// The part's serial.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_serial(verdict: *const partcert_verdict) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.serial.as_c()))
}

/// The part's 32-byte identity digest (what blocklists list), borrowed
/// (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_part_id(verdict: *const partcert_verdict) -> *const u8 {
    read(verdict, std::ptr::null(), |v| {
        Some(v.verdict.part.part_id.as_bytes().as_ptr())
    })
}

/// The 32-byte fingerprint of the part's certificate, borrowed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_fingerprint(
    verdict: *const partcert_verdict,
) -> *const u8 {
    read(verdict, std::ptr::null(), |v| {
        Some(v.verdict.part.fingerprint.as_bytes().as_ptr())
    })
}

/// The IMEIs signed into the part's certificate (boards only; empty for
/// other parts), borrowed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_imeis(
    verdict: *const partcert_verdict,
) -> partcert_imeis {
    read(verdict, partcert_imeis::EMPTY, |v| {
        Some(partcert_imeis::of(&v.imeis))
    })
}

/// The name of the part issuer (factory line) that certified the part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_issuer_name(
    verdict: *const partcert_verdict,
) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.issuer_name.as_c()))
}

/// The 32-byte key id of the part issuer, borrowed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_issuer_key_id(
    verdict: *const partcert_verdict,
) -> *const u8 {
    read(verdict, std::ptr::null(), |v| {
        Some(v.verdict.issuer.key_id.as_bytes().as_ptr())
    })
}

/// The name of the manufacturer root the chain ends in.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_root_name(
    verdict: *const partcert_verdict,
) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.root_name.as_c()))
}

/// The 32-byte key id of the manufacturer root, borrowed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_root_key_id(
    verdict: *const partcert_verdict,
) -> *const u8 {
    read(verdict, std::ptr::null(), |v| {
        Some(v.verdict.root.key_id.as_bytes().as_ptr())
    })
}

/// How strongly the part is bound to its certificate (SERIAL_ONLY, the
/// weakest, for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_binding(
    verdict: *const partcert_verdict,
) -> partcert_binding {
    read(verdict, partcert_binding::SERIAL_ONLY, |v| {
        Some(v.verdict.binding.into())
    })
}

/// The part's relation to the verifying handset: PAIRED_HERE (the record
/// presented lists it and names this handset's IMEI), PAIRED_ELSEWHERE (it
/// names another handset), UNPAIRED (no record was presented; UNPAIRED for
/// NULL). In a handset self-check, a fitted part the handset's own record
/// does not list is reported by `partcert_fitted_part.listed_in_record`
/// (false): replaced, not in this handset's record.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_relation(
    verdict: *const partcert_verdict,
) -> partcert_relation {
    read(verdict, partcert_relation::UNPAIRED, |v| {
        Some(v.verdict.relation.into())
    })
}

/// The verdict's provenance, borrowed: NULL when no pairing record was
/// presented (and for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_provenance(
    verdict: *const partcert_verdict,
) -> *const partcert_provenance {
    read(verdict, std::ptr::null(), |v| {
        v.provenance.as_ref().map(|p| std::ptr::from_ref(&p.c))
    })
}

/// Whether the part's issuer (factory line) key was revoked by its root
/// from some time T on, while its own maker places this certificate before
/// T (a record of one of its pairing services says when the part was first
/// paired): genuine, made before the leak. If so, writes T to `since_out`
/// (unless it is NULL). (A part whose issuer is revoked without such a
/// record is refused with 304 instead; another maker's record, or one
/// dated outside its service's validity, places nothing.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_issuer_revoked(
    verdict: *const partcert_verdict, since_out: *mut u64,
) -> bool {
    // SAFETY: NULL or a live verdict; NULL or a writable u64.
    unsafe { time_of(verdict, since_out, |v| v.issuer_revoked_since) }
}

/// Whether the part's issuer (factory line) certificate has ended — the
/// line retired — while its own maker places this certificate before then
/// (a record of one of its pairing services says when the part was first
/// paired): genuine, made while its line was certified. If so, writes when
/// the line's certificate ended to `at_out` (unless it is NULL). False for
/// NULL. (A part of a retired line without such a record is refused as
/// expired, 301.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_issuer_retired(
    verdict: *const partcert_verdict, at_out: *mut u64,
) -> bool {
    // SAFETY: NULL or a live verdict; NULL or a writable u64.
    unsafe { time_of(verdict, at_out, |v| v.issuer_retired_at) }
}

/// Whether the verdict has the time `pick` reads; if so, writes it to
/// `out` (unless it is NULL).
///
/// # Safety
/// `verdict` is NULL or live; `out` is NULL or valid for a write of one
/// `u64`.
unsafe fn time_of(
    verdict: *const partcert_verdict, out: *mut u64, pick: fn(&Verdict) -> Option<u64>,
) -> bool {
    getter(false, || {
        // SAFETY: this function's contract.
        let (verdict, out) = unsafe { (castable::try_ref(verdict)?, Out::optional(out, "out")) };
        let time = pick(&verdict.verdict)?;
        // A pointer that cannot be one (misaligned) is not written.
        if let Ok(out) = out {
            let _ = ptr::write_optional(out, time);
        }
        Some(true)
    })
}

/// Why the pairing record presented with the part was refused, borrowed
/// from the verdict: read it with `partcert_error_code` and
/// `partcert_error_message` (e.g. 307, "the board was paired by another
/// manufacturer's pairing service"); valid until the verdict is freed, and
/// never freed itself. Only ever set on a BLOCKED verdict — a listed part
/// stays blocked whatever record it comes with, and the record's refusal
/// is reported beside it — otherwise the refusal is the verification's
/// error. NULL when the record was not refused, none was presented, or for
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_pairing_refused(
    verdict: *const partcert_verdict,
) -> *const partcert_error {
    read(verdict, std::ptr::null(), |v| {
        v.pairing_refused.as_deref().map(castable::to_const_ptr)
    })
}

/// The IMEIs the modem presented that are not signed into this board (in
/// ascending order), borrowed. Only ever non-empty on a BLOCKED verdict: a
/// listed board stays blocked whatever its modem says, while a clean board
/// with a mismatch is refused with 305.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_mismatched_imeis(
    verdict: *const partcert_verdict,
) -> partcert_imeis {
    read(verdict, partcert_imeis::EMPTY, |v| {
        Some(partcert_imeis::of(&v.mismatched_imeis))
    })
}

/// The verdict's blocklist standing, borrowed: valid until the verdict is
/// freed; never freed itself (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_blocklist(
    verdict: *const partcert_verdict,
) -> *const partcert_blocklist_status {
    read(verdict, std::ptr::null(), |v| Some(borrowed(&v.status)))
}

/// Whether any blocklist carries the part, its board's IMEI or the handset
/// it is paired to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_is_blocked(verdict: *const partcert_verdict) -> bool {
    read(verdict, false, |v| Some(v.verdict.is_blocked()))
}

/// Whether a followed blocklist is stale (expired, signed by a
/// since-revoked key, missing, or outdated by another authority's list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_is_stale(verdict: *const partcert_verdict) -> bool {
    read(verdict, false, |v| Some(v.verdict.is_stale()))
}

/// The time the certificates were checked at: the caller's `now`, raised
/// to the floor the newest revocation list of the part's own manufacturer
/// root set (see `partcert_trust_store_clock_for_root`).
/// Blocklists keep their own clocks and never move it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_checked_at(verdict: *const partcert_verdict) -> u64 {
    read(verdict, 0, |v| Some(v.verdict.checked_at))
}

/// A one-line summary a technician reads, e.g. "genuine (serial-only),
/// used, clean" or "genuine (serial-only), unpaired, BLOCKED: stolen".
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_summary(
    verdict: *const partcert_verdict,
) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.summary.as_c()))
}

/// The first line a technician reads, in plain words (since 1.8): "OK —
/// genuine Acme screen SCR-0002, not reported stolen or lost; …",
/// "BLOCKED — Acme screen SCR-0001 is listed as stolen", "NOT CHECKED — …".
/// The core decides it: the command-line tool, Kotlin and Swift show the
/// same words. No hex ids, no protocol details (those are in the JSON).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_headline(
    verdict: *const partcert_verdict,
) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.headline.as_c()))
}

/// What to do, in one line (since 1.8): "Fine to fit.", "Do not fit it.
/// Keep it aside and tell the customer; …", "It could be stolen: check it
/// again with the register's blocklist before fitting it."
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_advice(verdict: *const partcert_verdict) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| Some(v.advice.as_c()))
}

/// The verdict as JSON: the same shape the command-line tool prints and
/// every other front (Rust, Kotlin, Swift) shares. Made on the first call
/// and kept with the verdict (borrowed, like every string).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_json(verdict: *const partcert_verdict) -> partcert_str {
    read(verdict, partcert_str::EMPTY, |v| {
        let json = v
            .json
            .get_or_init(|| NulString::new(&serde_json::to_string(&v.verdict).unwrap_or_default()));
        Some(json.as_c())
    })
}
