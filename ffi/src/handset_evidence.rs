//! `partcert_handset_evidence`: what a handset presents for its boot-time
//! self-check.

use partcert::{Certificate, Imei, PairingRecord};

use crate::castable;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::part_evidence::{PartEvidenceData, partcert_part_evidence};
use crate::ptr::{self, Out};

/// What a handset presents for its boot-time self-check: its own pairing
/// record, the IMEIs its modem reports, and the parts found fitted.
///
/// Build it with `partcert_handset_evidence_new` and the `_add_` functions
/// (exclusive access); verifying only reads it. Free with
/// `partcert_handset_evidence_free`.
pub struct partcert_handset_evidence {
    _private: [u8; 0],
}

/// The decoded contents of a `partcert_handset_evidence`.
#[derive(Debug, Clone)]
pub(crate) struct HandsetEvidenceData {
    pub(crate) pairing: PairingRecord,
    pub(crate) modem_imeis: Vec<Imei>,
    pub(crate) fitted: Vec<PartEvidenceData>,
}

/// Starts handset evidence from the handset's own encoded pairing record.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_new(
    record: *const u8, record_len: usize, evidence_out: *mut *mut partcert_handset_evidence,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let bytes = arg!(ptr::bytes_in: record, record_len);
        let out = arg!(Out::new: evidence_out);
        let pairing = PairingRecord::decode(bytes)?;
        out.write(castable::to_box(HandsetEvidenceData {
            pairing,
            modem_imeis: Vec::new(),
            fitted: Vec::new(),
        }))
    })
}

/// Frees handset evidence. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_free(evidence: *mut partcert_handset_evidence) {
    // SAFETY: NULL or evidence from this library, freed once.
    unsafe { castable::free_box(evidence) }
}

/// Adds an IMEI the modem reports (it must be in the pairing record, else
/// the self-check fails with 305 — unless the handset is blocked: then the
/// report says so and names the mismatched IMEIs). 107 if it is not a
/// valid IMEI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_add_modem_imei(
    evidence: *mut partcert_handset_evidence, imei: u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let evidence = arg!(castable::borrow_mut: evidence);
        evidence.modem_imeis.push(Imei::from_u64(imei)?);
        Ok(())
    })
}

/// Adds a part found fitted, by its encoded certificate alone: its chain
/// comes from the trust store's chain pool. The common case of a boot
/// self-check (for a keyed part whose challenge is checked, build a
/// `partcert_part_evidence` and use `partcert_handset_evidence_add_part`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_add_part_certificate(
    evidence: *mut partcert_handset_evidence, certificate: *const u8, certificate_len: usize,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let evidence = arg!(castable::borrow_mut: evidence);
        let bytes = arg!(ptr::bytes_in: certificate, certificate_len);
        let certificate = Certificate::decode(bytes)?;
        evidence.fitted.push(PartEvidenceData::new(certificate));
        Ok(())
    })
}

/// Adds a part found fitted: its certificate, chain and challenge response
/// are copied from `part` (which the caller still owns and frees). The
/// pairing record and presented IMEIs of `part` are not used: the
/// self-check uses the handset's own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_add_part(
    evidence: *mut partcert_handset_evidence, part: *const partcert_part_evidence,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let evidence = arg!(castable::borrow_mut: evidence);
        let part = arg!(castable::borrow: part);
        evidence.fitted.push(PartEvidenceData {
            certificate: part.certificate.clone(),
            chain: part.chain.clone(),
            pairing: None,
            challenge: part.challenge.clone(),
            presented_imeis: Vec::new(),
        });
        Ok(())
    })
}
