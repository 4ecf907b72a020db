//! Evidence builders: what is presented about a part, or a handset.

use partcert::{Certificate, Challenge, ChallengeResponse, Imei, PairingRecord};

use crate::panic::{boundary, boundary_void};
use crate::ptr::{self, Opaque, Out};
use crate::result::partcert_result;
use crate::types::PARTCERT_NONCE_LEN;

/// Everything presented about one part: its certificate, the certificates
/// that complete its chain, and optionally the pairing record of the
/// handset it comes from, a challenge response, and (for boards) the IMEIs
/// the modem reports.
///
/// Build it with `partcert_part_evidence_new` and the `_add_`/`_set_`
/// functions (which need exclusive access); verifying only reads it. Free
/// with `partcert_part_evidence_free`.
pub struct partcert_part_evidence {
    _private: [u8; 0],
}

/// The decoded contents of a `partcert_part_evidence`.
#[derive(Debug, Clone)]
pub(crate) struct PartEvidenceData {
    pub(crate) certificate: Certificate,
    pub(crate) chain: Vec<Certificate>,
    pub(crate) pairing: Option<PairingRecord>,
    pub(crate) challenge: Option<(Challenge, ChallengeResponse)>,
    pub(crate) presented_imeis: Vec<Imei>,
}

impl PartEvidenceData {
    pub(crate) fn as_core(&self) -> partcert::PartEvidence<'_> {
        let mut evidence = partcert::PartEvidence::new(&self.certificate, &self.chain)
            .with_presented_imeis(&self.presented_imeis);
        if let Some(record) = &self.pairing {
            evidence = evidence.with_pairing(record);
        }
        if let Some((challenge, response)) = &self.challenge {
            evidence = evidence.with_challenge(challenge, response);
        }
        evidence
    }
}

impl Opaque for partcert_part_evidence {
    type Inner = PartEvidenceData;
}

/// Starts part evidence from the part's encoded certificate (as read from
/// the part). Fails with a 1xx code if the bytes are malformed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_new(
    certificate: *const u8,
    certificate_len: usize,
    evidence_out: *mut *mut partcert_part_evidence,
) -> partcert_result {
    boundary(|| {
        // SAFETY: `certificate_len` readable bytes; a writable handle slot.
        let (bytes, out) = unsafe {
            (
                ptr::bytes_in(certificate, certificate_len)?,
                Out::new(evidence_out)?,
            )
        };
        let certificate = Certificate::decode(bytes)?;
        out.write(ptr::into_raw(PartEvidenceData {
            certificate,
            chain: Vec::new(),
            pairing: None,
            challenge: None,
            presented_imeis: Vec::new(),
        }))
    })
}

/// Frees part evidence. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_free(evidence: *mut partcert_part_evidence) {
    // SAFETY: NULL or evidence from this library, freed once.
    boundary_void(|| unsafe { ptr::free(evidence) })
}

/// Adds a certificate that may complete the part's chain (its part
/// issuer's certificate). The verifier picks the one that issued the part;
/// more than `8` chain certificates are refused when verifying (106).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_add_chain_certificate(
    evidence: *mut partcert_part_evidence,
    certificate: *const u8,
    certificate_len: usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live evidence (exclusive) and readable bytes.
        let (evidence, bytes) = unsafe {
            (
                ptr::borrow_mut(evidence)?,
                ptr::bytes_in(certificate, certificate_len)?,
            )
        };
        evidence.chain.push(Certificate::decode(bytes)?);
        Ok(())
    })
}

/// Sets the pairing record of the handset the part comes from (replacing
/// any set before). The verdict then names that handset (provenance) and
/// whether it is the verifying handset.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_set_pairing_record(
    evidence: *mut partcert_part_evidence,
    record: *const u8,
    record_len: usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live evidence (exclusive) and readable bytes.
        let (evidence, bytes) = unsafe {
            (
                ptr::borrow_mut(evidence)?,
                ptr::bytes_in(record, record_len)?,
            )
        };
        evidence.pairing = Some(PairingRecord::decode(bytes)?);
        Ok(())
    })
}

/// Sets the challenge sent to a keyed part (`nonce`: `PARTCERT_NONCE_LEN`
/// bytes, from `partcert_challenge_generate`) and the part's encoded
/// response (replacing any set before). Verification then proves the part
/// holds the key its certificate names.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_set_challenge(
    evidence: *mut partcert_part_evidence,
    nonce: *const u8,
    response: *const u8,
    response_len: usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live evidence (exclusive), 32 readable nonce bytes and
        // `response_len` readable response bytes.
        let (evidence, nonce, bytes) = unsafe {
            (
                ptr::borrow_mut(evidence)?,
                ptr::fixed_in::<PARTCERT_NONCE_LEN>(nonce)?,
                ptr::bytes_in(response, response_len)?,
            )
        };
        let response = ChallengeResponse::decode(bytes)?;
        evidence.challenge = Some((Challenge::new(nonce), response));
        Ok(())
    })
}

/// Adds an IMEI the handset's modem reports (for a board: it must be one
/// signed into the board's certificate, else 305 — unless the board is
/// blocked: then the verdict is BLOCKED and names the mismatched IMEIs).
/// It is also looked up on the blocklists. The IMEI is the 15-digit number
/// as an integer; 107 if it is not a valid IMEI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_add_presented_imei(
    evidence: *mut partcert_part_evidence,
    imei: u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live evidence, exclusive.
        let evidence = unsafe { ptr::borrow_mut(evidence) }?;
        evidence.presented_imeis.push(Imei::from_u64(imei)?);
        Ok(())
    })
}

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

impl Opaque for partcert_handset_evidence {
    type Inner = HandsetEvidenceData;
}

/// Starts handset evidence from the handset's own encoded pairing record.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_new(
    record: *const u8,
    record_len: usize,
    evidence_out: *mut *mut partcert_handset_evidence,
) -> partcert_result {
    boundary(|| {
        // SAFETY: readable bytes and a writable handle slot.
        let (bytes, out) = unsafe { (ptr::bytes_in(record, record_len)?, Out::new(evidence_out)?) };
        let pairing = PairingRecord::decode(bytes)?;
        out.write(ptr::into_raw(HandsetEvidenceData {
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
    boundary_void(|| unsafe { ptr::free(evidence) })
}

/// Adds an IMEI the modem reports (it must be in the pairing record, else
/// the self-check fails with 305 — unless the handset is blocked: then the
/// report says so and names the mismatched IMEIs). 107 if it is not a
/// valid IMEI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_add_modem_imei(
    evidence: *mut partcert_handset_evidence,
    imei: u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live evidence, exclusive.
        let evidence = unsafe { ptr::borrow_mut(evidence) }?;
        evidence.modem_imeis.push(Imei::from_u64(imei)?);
        Ok(())
    })
}

/// Adds a part found fitted: its certificate, chain and challenge response
/// are copied from `part` (which the caller still owns and frees). The
/// pairing record and presented IMEIs of `part` are not used: the
/// self-check uses the handset's own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_handset_evidence_add_part(
    evidence: *mut partcert_handset_evidence,
    part: *const partcert_part_evidence,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live handset evidence (exclusive) and live part evidence;
        // they are distinct objects of different types.
        let (evidence, part) = unsafe { (ptr::borrow_mut(evidence)?, ptr::borrow(part)?) };
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
