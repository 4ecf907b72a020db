//! Verifying: verdicts, blocklist standings and handset self-check reports.

use std::ffi::c_char;

use partcert::{
    AuthorityInfo, BlockKey, BlocklistStatus, FittedPart, HandsetEvidence, HandsetReport, Imei,
    Provenance, StaleReason, Verdict, Verifier,
};

use crate::blocklist::partcert_blocklist;
use crate::evidence::{partcert_handset_evidence, partcert_part_evidence};
use crate::panic::{boundary, boundary_void};
use crate::ptr::{self, Opaque, Out, OutFixed, OutString, nth, read_field};
use crate::result::{Failure, partcert_result};
use crate::trust::partcert_trust_store;
use crate::types::{
    PARTCERT_DIGEST_LEN, partcert_binding, partcert_block_key_kind, partcert_blocklist_state,
    partcert_listing_status, partcert_pairing_event, partcert_reason, partcert_relation,
    partcert_stale_reason,
};

/// What trusted evidence says about a part: the part, its issuer and root,
/// how it is bound, where it was paired, and its blocklist standing. It
/// reports; it never disables: what a device or shop does with it is the
/// owner's policy.
///
/// Immutable: every accessor may be called from any thread concurrently.
/// Free with `partcert_verdict_free`.
pub struct partcert_verdict {
    _private: [u8; 0],
}

impl Opaque for partcert_verdict {
    type Inner = Verdict;
}

/// A blocklist standing, borrowed from the `partcert_verdict` or
/// `partcert_handset_report` it came from: valid until that object is
/// freed, and never freed itself.
pub struct partcert_blocklist_status {
    _private: [u8; 0],
}

impl Opaque for partcert_blocklist_status {
    type Inner = BlocklistStatus;
}

/// The result of a handset self-check: the handset's own standing, each
/// fitted part's verdict or error, and the parts its pairing record lists
/// that were not found fitted.
///
/// Immutable: every accessor may be called from any thread concurrently.
/// Free with `partcert_handset_report_free`.
pub struct partcert_handset_report {
    _private: [u8; 0],
}

impl Opaque for partcert_handset_report {
    type Inner = HandsetReport;
}

/// The fixed-size fields of a verdict's provenance: the handset the part
/// was paired to, from the pairing record presented.
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
    /// How many IMEIs the handset has (read them with
    /// `partcert_verdict_provenance_imei`).
    pub handset_imei_count: usize,
    /// Whether the record names an earlier certificate of the same part
    /// (the part was re-certified since it was paired): the same part,
    /// accepted and reported.
    pub certificate_renewed: bool,
}

/// One blocklist listing that matched.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_listing {
    /// Whether an IMEI or a part identity matched.
    pub matched_kind: partcert_block_key_kind,
    /// The IMEI that matched (when `matched_kind` is IMEI), else 0.
    pub matched_imei: u64,
    /// The part identity digest that matched (when `matched_kind` is PART),
    /// else zeros.
    pub matched_part_id: [u8; PARTCERT_DIGEST_LEN],
    /// The listing authority's root key id.
    pub authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The epoch of the list that carries the entry.
    pub epoch: u64,
    /// The sequence of the list that carries the entry.
    pub sequence: u64,
    /// Why it was listed.
    pub reason: partcert_reason,
    /// When (seconds since the Unix epoch).
    pub listed_at: u64,
    /// Final or suspended.
    pub status: partcert_listing_status,
    /// Whether `handset_imei` is set (part listings name the handset the
    /// part was paired to when listed).
    pub has_handset: bool,
    /// That handset's IMEI, or 0.
    pub handset_imei: u64,
}

/// One followed authority's list as consulted for a standing.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_list_checked {
    /// The authority's root key id.
    pub authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The epoch consulted (the anti-rollback mark's, if the list is missing).
    pub epoch: u64,
    /// The sequence consulted (the mark's, if the list is missing).
    pub sequence: u64,
    /// When that list goes stale.
    pub expires_at: u64,
    /// Whether it may be out of date (`stale_reason` is not NONE).
    pub stale: bool,
    /// Why it may be out of date.
    pub stale_reason: partcert_stale_reason,
    /// For OUTDATED_BY: the root key id of the authority whose newer list
    /// outdates this one (its name: `partcert_blocklist_status_list_outdated_by_name`);
    /// zeros otherwise.
    pub outdated_by_authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// For OUTDATED_BY: the issue time that authority's list carries; 0
    /// otherwise.
    pub outdated_by_issued_at: u64,
}

/// A part the pairing record lists.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_paired_part {
    /// The part's kind code (see `partcert_part_kind`).
    pub kind: u16,
    /// The part's identity digest.
    pub part_id: [u8; PARTCERT_DIGEST_LEN],
    /// The fingerprint of the part's certificate at pairing time.
    pub certificate_fingerprint: [u8; PARTCERT_DIGEST_LEN],
}

fn imeis_in(imeis: &[u64]) -> Result<Vec<Imei>, Failure> {
    imeis
        .iter()
        .map(|imei| Imei::from_u64(*imei).map_err(Failure::from))
        .collect()
}

/// Verifies one part at time `now` (seconds since the Unix epoch; the core
/// never reads a clock) and, when the evidence can be trusted, writes a new
/// verdict to `verdict_out` (free it with `partcert_verdict_free`).
///
/// - `trust`: the pinned roots.
/// - `blocklist`: the blocklists to consult, or NULL to consult none (the
///   verdict's standing is then NOT_CHECKED).
/// - `host_imeis`, `host_imei_count`: the IMEIs of the handset doing the
///   verifying, so the verdict says whether the part is paired here or
///   elsewhere; NULL and 0 for a repair bench that is no handset.
///
/// An error means the evidence cannot be read or trusted: 1xx malformed,
/// 2xx untrusted (counterfeit issuer, bad signature, wrong challenge
/// response), 3xx policy (expired, kind or maker not permitted, revoked,
/// IMEI mismatch, another root than its issuer's, a board paired by
/// another maker's service). A blocked part is *not* an error: it is a
/// verdict whose standing is BLOCKED. Blocked wins over an IMEI mismatch:
/// a listed board whose modem presents an IMEI not signed into it is a
/// BLOCKED verdict naming the mismatched IMEIs
/// (`partcert_verdict_mismatched_imei`); a clean one is refused with 305.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verify_part(
    trust: *const partcert_trust_store,
    blocklist: *const partcert_blocklist,
    host_imeis: *const u64,
    host_imei_count: usize,
    evidence: *const partcert_part_evidence,
    now: u64,
    verdict_out: *mut *mut partcert_verdict,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live objects (the blocklist may be NULL), `host_imei_count`
        // readable IMEIs, and a writable handle slot.
        let (trust, hosts, evidence, out) = unsafe {
            (
                ptr::borrow(trust)?,
                ptr::array_in(host_imeis, host_imei_count)?,
                ptr::borrow(evidence)?,
                Out::new(verdict_out)?,
            )
        };
        // SAFETY: NULL (no blocklist) or a live blocklist.
        let blocklist = unsafe { ptr::borrow(blocklist) }.ok();
        let hosts = imeis_in(hosts)?;
        let mut verifier = Verifier::new(trust).on_handset(&hosts);
        if let Some(blocklist) = blocklist {
            verifier = verifier.with_blocklist(blocklist);
        }
        let verdict = verifier.verify_part(&evidence.as_core(), now)?;
        out.write(ptr::into_raw(verdict))
    })
}

/// Runs the boot-time self-check an OS vendor runs: every fitted part
/// against the handset's own pairing record, at time `now`. Writes a new
/// report to `report_out` (free it with `partcert_handset_report_free`).
///
/// Fails only if the pairing record itself cannot be trusted, is not its
/// board's maker's (307: the board fitted is certified under another root
/// than the pairing service's), or does not belong to this handset (305
/// for the modem's IMEIs, unless the handset is blocked: then the report
/// says so, with the mismatched IMEIs in
/// `partcert_handset_report_mismatched_modem_imei`). Each part's own
/// outcome (a verdict or an error) is in the report. `blocklist` may be
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verify_handset(
    trust: *const partcert_trust_store,
    blocklist: *const partcert_blocklist,
    evidence: *const partcert_handset_evidence,
    now: u64,
    report_out: *mut *mut partcert_handset_report,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live objects and a writable handle slot.
        let (trust, evidence, out) = unsafe {
            (
                ptr::borrow(trust)?,
                ptr::borrow(evidence)?,
                Out::new(report_out)?,
            )
        };
        // SAFETY: NULL (no blocklist) or a live blocklist.
        let blocklist = unsafe { ptr::borrow(blocklist) }.ok();
        let fitted: Vec<FittedPart<'_>> = evidence
            .fitted
            .iter()
            .map(|part| FittedPart {
                certificate: &part.certificate,
                chain: &part.chain,
                challenge: part.challenge.as_ref().map(|(c, r)| (c, r)),
            })
            .collect();
        let handset = HandsetEvidence {
            pairing: &evidence.pairing,
            modem_imeis: &evidence.modem_imeis,
            fitted: &fitted,
        };
        let mut verifier = Verifier::new(trust);
        if let Some(blocklist) = blocklist {
            verifier = verifier.with_blocklist(blocklist);
        }
        let report = verifier.verify_handset(&handset, now)?;
        out.write(ptr::into_raw(report))
    })
}

/// Frees a verdict. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_free(verdict: *mut partcert_verdict) {
    // SAFETY: NULL or a verdict from this library, freed once.
    boundary_void(|| unsafe { ptr::free(verdict) })
}

/// Writes one 32-byte field of a verdict.
fn read_digest(
    verdict: *const partcert_verdict,
    digest_out: *mut u8,
    field: impl FnOnce(&Verdict) -> Result<[u8; PARTCERT_DIGEST_LEN], Failure>,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live verdict and 32 writable bytes.
        let (verdict, out) = unsafe {
            (
                ptr::borrow(verdict)?,
                OutFixed::<PARTCERT_DIGEST_LEN>::new(digest_out)?,
            )
        };
        out.write(&field(verdict)?)
    })
}

/// Writes one string field of a verdict.
fn read_string(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    field: impl FnOnce(&Verdict) -> Result<String, Failure>,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live verdict and the documented buffer contract.
        let (verdict, out) = unsafe { (ptr::borrow(verdict)?, OutString::new(buf, len, out_len)?) };
        out.write(&field(verdict)?)
    })
}

fn provenance(verdict: &Verdict) -> Result<&Provenance, Failure> {
    verdict.provenance.as_ref().ok_or(Failure::ARGUMENT)
}

/// Writes the part's kind code (see `partcert_part_kind`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_part_kind(
    verdict: *const partcert_verdict,
    kind_out: *mut u16,
) -> partcert_result {
    read_field(verdict, kind_out, |v| Ok(v.part.kind.code()))
}

/// Writes the part kind's name ("screen", "rear-camera", "kind-77" …).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_part_kind_name(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| Ok(v.part.kind.name()))
}

/// Writes the part's manufacturer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_manufacturer(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| {
        Ok(v.part.manufacturer.clone())
    })
}

/// Writes the part's model.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_model(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| Ok(v.part.model.clone()))
}

/// Writes the part's serial.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_serial(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| Ok(v.part.serial.clone()))
}

/// Writes the part's 32-byte identity digest (what blocklists list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_part_id(
    verdict: *const partcert_verdict,
    part_id_out: *mut u8,
) -> partcert_result {
    read_digest(verdict, part_id_out, |v| Ok(*v.part.part_id.as_bytes()))
}

/// Writes the 32-byte fingerprint of the part's certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_fingerprint(
    verdict: *const partcert_verdict,
    fingerprint_out: *mut u8,
) -> partcert_result {
    read_digest(verdict, fingerprint_out, |v| {
        Ok(*v.part.fingerprint.as_bytes())
    })
}

/// Writes how many IMEIs are signed into the part's certificate (boards
/// only; 0 for other parts).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_imei_count(
    verdict: *const partcert_verdict,
    count_out: *mut usize,
) -> partcert_result {
    read_field(verdict, count_out, |v| Ok(v.part.imeis.len()))
}

/// Writes IMEI `index` signed into the part's certificate (503 if `index`
/// is past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_imei(
    verdict: *const partcert_verdict,
    index: usize,
    imei_out: *mut u64,
) -> partcert_result {
    read_field(verdict, imei_out, |v| {
        Ok(nth(&v.part.imeis, index)?.as_u64())
    })
}

fn authority_name(info: &AuthorityInfo) -> String {
    info.name.clone()
}

/// Writes the name of the part issuer (factory line) that certified the part.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_issuer_name(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| {
        Ok(authority_name(&v.issuer))
    })
}

/// Writes the 32-byte key id of the part issuer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_issuer_key_id(
    verdict: *const partcert_verdict,
    key_id_out: *mut u8,
) -> partcert_result {
    read_digest(verdict, key_id_out, |v| Ok(*v.issuer.key_id.as_bytes()))
}

/// Writes the name of the manufacturer root the chain ends in.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_root_name(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| Ok(authority_name(&v.root)))
}

/// Writes the 32-byte key id of the manufacturer root.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_root_key_id(
    verdict: *const partcert_verdict,
    key_id_out: *mut u8,
) -> partcert_result {
    read_digest(verdict, key_id_out, |v| Ok(*v.root.key_id.as_bytes()))
}

/// Writes how strongly the part is bound to its certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_binding(
    verdict: *const partcert_verdict,
    binding_out: *mut partcert_binding,
) -> partcert_result {
    read_field(verdict, binding_out, |v| Ok(v.binding.into()))
}

/// Writes the part's relation to the verifying handset.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_relation(
    verdict: *const partcert_verdict,
    relation_out: *mut partcert_relation,
) -> partcert_result {
    read_field(verdict, relation_out, |v| Ok(v.relation.into()))
}

/// Writes whether the verdict has a provenance (a pairing record was
/// presented) and, if so, its fixed-size fields to `provenance_out`; if
/// not, every field of `provenance_out` is zero (or false) except `event`,
/// which is `PARTCERT_PAIRING_EVENT_FACTORY_BUILD` (read it only when
/// present).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_provenance(
    verdict: *const partcert_verdict,
    present_out: *mut bool,
    provenance_out: *mut partcert_provenance,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live verdict and two writable out-parameters.
        let (verdict, present, out) = unsafe {
            (
                ptr::borrow(verdict)?,
                Out::new(present_out)?,
                Out::new(provenance_out)?,
            )
        };
        let value = match &verdict.provenance {
            Some(p) => partcert_provenance {
                pairing_sequence: p.pairing_sequence,
                event: p.event.into(),
                paired_at: p.paired_at,
                service_key_id: *p.service.key_id.as_bytes(),
                handset_imei_count: p.handset_imeis.len(),
                certificate_renewed: p.certificate_renewed,
            },
            None => partcert_provenance {
                pairing_sequence: 0,
                event: partcert_pairing_event::FactoryBuild,
                paired_at: 0,
                service_key_id: [0; PARTCERT_DIGEST_LEN],
                handset_imei_count: 0,
                certificate_renewed: false,
            },
        };
        out.write(value)?;
        present.write(verdict.provenance.is_some())
    })
}

/// Writes IMEI `index` of the handset the part was paired to (503 if the
/// verdict has no provenance or `index` is past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_provenance_imei(
    verdict: *const partcert_verdict,
    index: usize,
    imei_out: *mut u64,
) -> partcert_result {
    read_field(verdict, imei_out, |v| {
        Ok(nth(&provenance(v)?.handset_imeis, index)?.as_u64())
    })
}

/// Writes the name of the pairing service that signed the provenance's
/// record (503 if the verdict has no provenance).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_provenance_service_name(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| {
        Ok(provenance(v)?.service.name.clone())
    })
}

/// Writes whether the part's issuer (factory line) key was revoked by its
/// root from some time T on, while a pairing record (signed by an unrevoked
/// service) places this certificate before T: genuine, made before the
/// leak. If so, `*revoked_out` is true and `*since_out` is T; if not,
/// `*revoked_out` is false and `*since_out` is 0. (A part whose issuer is
/// revoked without such a record is refused with 304 instead.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_issuer_revoked_since(
    verdict: *const partcert_verdict,
    revoked_out: *mut bool,
    since_out: *mut u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live verdict and two writable out-parameters.
        let (verdict, revoked, since) = unsafe {
            (
                ptr::borrow(verdict)?,
                Out::new(revoked_out)?,
                Out::new(since_out)?,
            )
        };
        since.write(verdict.issuer_revoked_since.unwrap_or(0))?;
        revoked.write(verdict.issuer_revoked_since.is_some())
    })
}

/// Writes how many IMEIs the modem presented that are not signed into this
/// board. Only ever non-zero on a BLOCKED verdict: a listed board stays
/// blocked whatever its modem says, while a clean board with a mismatch is
/// refused with 305.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_mismatched_imei_count(
    verdict: *const partcert_verdict,
    count_out: *mut usize,
) -> partcert_result {
    read_field(verdict, count_out, |v| Ok(v.mismatched_imeis.len()))
}

/// Writes mismatched IMEI `index` (in ascending order; 503 if `index` is
/// past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_mismatched_imei(
    verdict: *const partcert_verdict,
    index: usize,
    imei_out: *mut u64,
) -> partcert_result {
    read_field(verdict, imei_out, |v| {
        Ok(nth(&v.mismatched_imeis, index)?.as_u64())
    })
}

/// Borrows the verdict's blocklist standing into `status_out`: valid until
/// the verdict is freed; do not free it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_blocklist(
    verdict: *const partcert_verdict,
    status_out: *mut *const partcert_blocklist_status,
) -> partcert_result {
    read_field(verdict, status_out, |v| {
        Ok((&v.blocklist as *const BlocklistStatus).cast())
    })
}

/// Writes whether any blocklist carries the part, its board's IMEI or the
/// handset it is paired to.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_is_blocked(
    verdict: *const partcert_verdict,
    blocked_out: *mut bool,
) -> partcert_result {
    read_field(verdict, blocked_out, |v| Ok(v.is_blocked()))
}

/// Writes whether a followed blocklist is stale (expired, signed by a
/// since-revoked key, missing, or outdated by another authority's list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_is_stale(
    verdict: *const partcert_verdict,
    stale_out: *mut bool,
) -> partcert_result {
    read_field(verdict, stale_out, |v| Ok(v.is_stale()))
}

/// Writes the time the certificates were checked at: the caller's `now`,
/// raised to the issue time of the newest revocation list of the part's own
/// manufacturer root (see `partcert_trust_store_clock_for_root`).
/// Blocklists keep their own clocks and never move it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_checked_at(
    verdict: *const partcert_verdict,
    checked_at_out: *mut u64,
) -> partcert_result {
    read_field(verdict, checked_at_out, |v| Ok(v.checked_at))
}

/// Writes a one-line summary a technician reads, e.g. "genuine
/// (serial-only), used, clean" or "genuine (serial-only), unpaired,
/// BLOCKED: stolen".
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_summary(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| Ok(v.summary()))
}

/// Writes the verdict as JSON: the same shape the command-line tool prints
/// and every other front (Rust, Kotlin, Swift) shares.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_verdict_json(
    verdict: *const partcert_verdict,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    read_string(verdict, buf, len, out_len, |v| {
        serde_json::to_string(v).map_err(|_| Failure(partcert::ErrorCode::Panic))
    })
}

/// Writes the standing's state: not checked, clean, stale or blocked.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_state(
    status: *const partcert_blocklist_status,
    state_out: *mut partcert_blocklist_state,
) -> partcert_result {
    read_field(status, state_out, |s| Ok(s.into()))
}

/// Writes whether any followed list is stale (true for STALE, and for
/// BLOCKED when a list consulted was stale).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_is_stale(
    status: *const partcert_blocklist_status,
    stale_out: *mut bool,
) -> partcert_result {
    read_field(status, stale_out, |s| Ok(s.is_stale()))
}

/// Writes how many listings matched (0 unless BLOCKED).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_listing_count(
    status: *const partcert_blocklist_status,
    count_out: *mut usize,
) -> partcert_result {
    read_field(status, count_out, |s| Ok(s.listings().len()))
}

/// Describes listing `index` (503 if past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_listing(
    status: *const partcert_blocklist_status,
    index: usize,
    listing_out: *mut partcert_listing,
) -> partcert_result {
    read_field(status, listing_out, |s| {
        let listing = nth(s.listings(), index)?;
        let (matched_kind, matched_imei, matched_part_id) = match listing.matched {
            BlockKey::Imei(imei) => (partcert_block_key_kind::Imei, imei.as_u64(), [0; 32]),
            BlockKey::Part(id) => (partcert_block_key_kind::Part, 0, *id.as_bytes()),
        };
        Ok(partcert_listing {
            matched_kind,
            matched_imei,
            matched_part_id,
            authority_key_id: *listing.authority.as_bytes(),
            epoch: listing.epoch,
            sequence: listing.sequence,
            reason: listing.reason.into(),
            listed_at: listing.listed_at,
            status: listing.status.into(),
            has_handset: listing.handset.is_some(),
            handset_imei: listing.handset.map(Imei::as_u64).unwrap_or(0),
        })
    })
}

/// Writes the name of the authority that made listing `index`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_listing_authority_name(
    status: *const partcert_blocklist_status,
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a borrowed standing and the documented buffer contract.
        let (status, out) = unsafe { (ptr::borrow(status)?, OutString::new(buf, len, out_len)?) };
        out.write(&nth(status.listings(), index)?.authority_name)
    })
}

/// Writes how many lists were consulted: one per authority the blocklist
/// follows, held or missing (0 when NOT_CHECKED).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_list_count(
    status: *const partcert_blocklist_status,
    count_out: *mut usize,
) -> partcert_result {
    read_field(status, count_out, |s| Ok(s.lists().len()))
}

/// Describes consulted list `index` (503 if past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_list(
    status: *const partcert_blocklist_status,
    index: usize,
    list_out: *mut partcert_list_checked,
) -> partcert_result {
    read_field(status, list_out, |s| {
        let list = nth(s.lists(), index)?;
        let (outdated_by_authority_key_id, outdated_by_issued_at) = match &list.stale_reason {
            Some(StaleReason::OutdatedBy {
                authority,
                issued_at,
                ..
            }) => (*authority.as_bytes(), *issued_at),
            _ => ([0; PARTCERT_DIGEST_LEN], 0),
        };
        Ok(partcert_list_checked {
            authority_key_id: *list.authority.as_bytes(),
            epoch: list.epoch,
            sequence: list.sequence,
            expires_at: list.expires_at,
            stale: list.stale,
            stale_reason: list.stale_reason.as_ref().into(),
            outdated_by_authority_key_id,
            outdated_by_issued_at,
        })
    })
}

/// Writes the name of consulted list `index`'s authority.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_list_authority_name(
    status: *const partcert_blocklist_status,
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a borrowed standing and the documented buffer contract.
        let (status, out) = unsafe { (ptr::borrow(status)?, OutString::new(buf, len, out_len)?) };
        out.write(&nth(status.lists(), index)?.authority_name)
    })
}

/// Writes, for consulted list `index` whose stale reason is OUTDATED_BY,
/// the name of the authority whose newer list outdates it. 503 if `index`
/// is past the end or that list's reason is another one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_list_outdated_by_name(
    status: *const partcert_blocklist_status,
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a borrowed standing and the documented buffer contract.
        let (status, out) = unsafe { (ptr::borrow(status)?, OutString::new(buf, len, out_len)?) };
        match &nth(status.lists(), index)?.stale_reason {
            Some(StaleReason::OutdatedBy { authority_name, .. }) => out.write(authority_name),
            _ => Err(Failure::ARGUMENT),
        }
    })
}

/// Writes a short description of the standing: "clean", "BLOCKED: stolen",
/// "clean but blocklist stale (UK National Register: missing)",
/// "blocklist not checked" …
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_summary(
    status: *const partcert_blocklist_status,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a borrowed standing and the documented buffer contract.
        let (status, out) = unsafe { (ptr::borrow(status)?, OutString::new(buf, len, out_len)?) };
        out.write(&status.summary())
    })
}

/// Frees a handset report. NULL is a no-op. Standings borrowed from it are
/// invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_free(report: *mut partcert_handset_report) {
    // SAFETY: NULL or a report from this library, freed once.
    boundary_void(|| unsafe { ptr::free(report) })
}

/// Writes how many IMEIs the handset has (from its pairing record).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_imei_count(
    report: *const partcert_handset_report,
    count_out: *mut usize,
) -> partcert_result {
    read_field(report, count_out, |r| Ok(r.handset_imeis.len()))
}

/// Writes the handset's IMEI `index` (503 if past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_imei(
    report: *const partcert_handset_report,
    index: usize,
    imei_out: *mut u64,
) -> partcert_result {
    read_field(report, imei_out, |r| {
        Ok(nth(&r.handset_imeis, index)?.as_u64())
    })
}

/// Writes the pairing record's sequence.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_pairing_sequence(
    report: *const partcert_handset_report,
    sequence_out: *mut u64,
) -> partcert_result {
    read_field(report, sequence_out, |r| Ok(r.pairing_sequence))
}

/// Writes the time the pairing record's certificates were checked at: the
/// caller's `now`, raised to the newest revocation list of the pairing
/// service's root.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_checked_at(
    report: *const partcert_handset_report,
    checked_at_out: *mut u64,
) -> partcert_result {
    read_field(report, checked_at_out, |r| Ok(r.checked_at))
}

/// Writes how many IMEIs the modem reports that the pairing record does
/// not carry. Only ever non-zero when the handset is blocked: a listed
/// handset stays blocked whatever its modem says, while a clean one with a
/// mismatch fails the self-check with 305.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_mismatched_modem_imei_count(
    report: *const partcert_handset_report,
    count_out: *mut usize,
) -> partcert_result {
    read_field(report, count_out, |r| Ok(r.mismatched_modem_imeis.len()))
}

/// Writes mismatched modem IMEI `index` (in ascending order; 503 if `index`
/// is past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_mismatched_modem_imei(
    report: *const partcert_handset_report,
    index: usize,
    imei_out: *mut u64,
) -> partcert_result {
    read_field(report, imei_out, |r| {
        Ok(nth(&r.mismatched_modem_imeis, index)?.as_u64())
    })
}

/// Borrows the handset's own blocklist standing (by IMEI) into
/// `status_out`: valid until the report is freed; do not free it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_blocklist(
    report: *const partcert_handset_report,
    status_out: *mut *const partcert_blocklist_status,
) -> partcert_result {
    read_field(report, status_out, |r| {
        Ok((&r.handset_blocklist as *const BlocklistStatus).cast())
    })
}

/// Writes whether the handset is as its record says: every fitted part
/// verified and is paired here, none is missing, and the modem agrees.
/// Says nothing about blocklists.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_all_original(
    report: *const partcert_handset_report,
    all_original_out: *mut bool,
) -> partcert_result {
    read_field(report, all_original_out, |r| Ok(r.all_original()))
}

/// Writes whether the handset is as its record says
/// (`partcert_handset_report_all_original`) *and* the handset and every part
/// were checked against current blocklists and found clean: false when no
/// blocklist was consulted, a list was stale, or anything is blocked.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_all_original_and_clean(
    report: *const partcert_handset_report,
    all_clean_out: *mut bool,
) -> partcert_result {
    read_field(report, all_clean_out, |r| Ok(r.all_original_and_clean()))
}

/// Writes whether the handset itself, or any fitted part, is on a list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_is_blocked(
    report: *const partcert_handset_report,
    blocked_out: *mut bool,
) -> partcert_result {
    read_field(report, blocked_out, |r| Ok(r.is_blocked()))
}

/// Writes whether a list consulted for the handset or any part had expired.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_is_stale(
    report: *const partcert_handset_report,
    stale_out: *mut bool,
) -> partcert_result {
    read_field(report, stale_out, |r| Ok(r.is_stale()))
}

/// Writes whether any fitted part's evidence could not be trusted (its
/// outcome is an error code).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_has_refused_parts(
    report: *const partcert_handset_report,
    refused_out: *mut bool,
) -> partcert_result {
    read_field(report, refused_out, |r| Ok(r.has_refused_parts()))
}

/// Writes how many fitted parts the report covers (in the order added).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_part_count(
    report: *const partcert_handset_report,
    count_out: *mut usize,
) -> partcert_result {
    read_field(report, count_out, |r| Ok(r.parts.len()))
}

/// Writes fitted part `index`'s outcome: `PARTCERT_RESULT_OK` if it has a
/// verdict, else the error code that says why its evidence cannot be
/// trusted. The call itself returns 503 if `index` is past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_part_outcome(
    report: *const partcert_handset_report,
    index: usize,
    outcome_out: *mut partcert_result,
) -> partcert_result {
    read_field(report, outcome_out, |r| {
        Ok(match &nth(&r.parts, index)?.outcome {
            Ok(_) => partcert_result::Ok,
            Err(error) => partcert_result::from_code(error.code()),
        })
    })
}

/// Writes the detailed message of fitted part `index`'s error (e.g. "the
/// part certificate expired at … (checked at …)"), or "ok" if it verified.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_part_message(
    report: *const partcert_handset_report,
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live report and the documented buffer contract.
        let (report, out) = unsafe { (ptr::borrow(report)?, OutString::new(buf, len, out_len)?) };
        match &nth(&report.parts, index)?.outcome {
            Ok(_) => out.write("ok"),
            Err(error) => out.write(&error.to_string()),
        }
    })
}

/// Writes the 32-byte certificate fingerprint of fitted part `index`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_part_fingerprint(
    report: *const partcert_handset_report,
    index: usize,
    fingerprint_out: *mut u8,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live report and 32 writable bytes.
        let (report, out) = unsafe {
            (
                ptr::borrow(report)?,
                OutFixed::<PARTCERT_DIGEST_LEN>::new(fingerprint_out)?,
            )
        };
        out.write(nth(&report.parts, index)?.fingerprint.as_bytes())
    })
}

/// Writes a new copy of fitted part `index`'s verdict to `verdict_out`
/// (free it with `partcert_verdict_free`). If the part has no verdict, the
/// call returns the part's error code and writes nothing; 503 if `index`
/// is past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_part_verdict(
    report: *const partcert_handset_report,
    index: usize,
    verdict_out: *mut *mut partcert_verdict,
) -> partcert_result {
    read_field(report, verdict_out, |r| {
        let verdict = nth(&r.parts, index)?.outcome.clone()?;
        Ok(ptr::into_raw(verdict))
    })
}

/// Writes the report as JSON: the shape every front (Rust, the
/// command-line tool, Kotlin, Swift) shares, with each fitted part's
/// verdict or error (`{"code", "name", "family", "message"}`, the detailed
/// message included) and `all_original_and_clean`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_json(
    report: *const partcert_handset_report,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live report and the documented buffer contract.
        let (report, out) = unsafe { (ptr::borrow(report)?, OutString::new(buf, len, out_len)?) };
        let json =
            serde_json::to_string(report).map_err(|_| Failure(partcert::ErrorCode::Panic))?;
        out.write(&json)
    })
}

/// Writes how many parts the pairing record lists that were not found fitted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_missing_count(
    report: *const partcert_handset_report,
    count_out: *mut usize,
) -> partcert_result {
    read_field(report, count_out, |r| Ok(r.missing.len()))
}

/// Describes missing part `index` (503 if past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_report_missing(
    report: *const partcert_handset_report,
    index: usize,
    part_out: *mut partcert_paired_part,
) -> partcert_result {
    read_field(report, part_out, |r| {
        let part = nth(&r.missing, index)?;
        Ok(partcert_paired_part {
            kind: part.kind.code(),
            part_id: *part.part_id.as_bytes(),
            certificate_fingerprint: *part.certificate.as_bytes(),
        })
    })
}
