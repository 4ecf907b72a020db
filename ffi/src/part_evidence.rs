//! `partcert_part_evidence`: what is presented about one part.

use partcert::challenge::{Challenge, ChallengeResponse};
use partcert::{Certificate, Imei, PairingRecord};

use crate::castable;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::ptr::{self, Out};

/// Everything presented about one part: its certificate, certificates that
/// complete its chain (unless the trust store's chain pool has them), and
/// optionally the pairing record of the handset it comes from, a
/// challenge response, and (for boards) the IMEIs the modem reports.
///
/// Build it with `partcert_part_evidence_new` and the `_add_`/`_set_`
/// functions (which need exclusive access); verifying only reads it. Every
/// function copies what it is given. Free with
/// `partcert_part_evidence_free`.
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
    pub(crate) fn new(certificate: Certificate) -> Self {
        PartEvidenceData {
            certificate,
            chain: Vec::new(),
            pairing: None,
            challenge: None,
            presented_imeis: Vec::new(),
        }
    }
}

/// Starts part evidence from the part's encoded certificate (as read from
/// the part). Fails with a 1xx code if the bytes are malformed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_new(
    certificate: *const u8, certificate_len: usize, evidence_out: *mut *mut partcert_part_evidence,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let bytes = arg!(ptr::bytes_in: certificate, certificate_len);
        let out = arg!(Out::new: evidence_out);
        let certificate = Certificate::decode(bytes)?;
        out.write(castable::to_box(PartEvidenceData::new(certificate)))
    })
}

/// Frees part evidence. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_free(evidence: *mut partcert_part_evidence) {
    // SAFETY: NULL or evidence from this library, freed once.
    unsafe { castable::free_box(evidence) }
}

/// Adds a certificate that may complete the part's chain (its part
/// issuer's certificate). The verifier picks the one that issued the part;
/// more than `PARTCERT_MAX_CHAIN_LEN` are refused when verifying (106).
/// Unneeded when the trust store's chain pool holds it
/// (`partcert_trust_store_add_chain_certificate`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_add_chain_certificate(
    evidence: *mut partcert_part_evidence, certificate: *const u8, certificate_len: usize,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let evidence = arg!(castable::borrow_mut: evidence);
        let bytes = arg!(ptr::bytes_in: certificate, certificate_len);
        evidence.chain.push(Certificate::decode(bytes)?);
        Ok(())
    })
}

/// Sets the pairing record of the handset the part comes from (replacing
/// any set before). The verdict then names that handset (provenance) and
/// whether it is the verifying handset. Verifying fails with 306 if the
/// record does not list the part (or an earlier certificate of it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_set_pairing_record(
    evidence: *mut partcert_part_evidence, record: *const u8, record_len: usize,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let evidence = arg!(castable::borrow_mut: evidence);
        let bytes = arg!(ptr::bytes_in: record, record_len);
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
    evidence: *mut partcert_part_evidence, nonce: *const u8, response: *const u8,
    response_len: usize, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let evidence = arg!(castable::borrow_mut: evidence);
        let nonce = arg!(ptr::bytes32_in: nonce);
        let bytes = arg!(ptr::bytes_in: response, response_len);
        let response = ChallengeResponse::decode(bytes)?;
        evidence.challenge = Some((Challenge::new(nonce), response));
        Ok(())
    })
}

/// Adds an IMEI the handset's modem reports (for a board: it must be one
/// signed into the board's certificate, else verifying fails with 305 —
/// unless the board is blocked: then the verdict is BLOCKED and names the
/// mismatched IMEIs). It is also looked up on the blocklists. The IMEI is
/// the 15-digit number as an integer; 107 if it is not a valid IMEI.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_evidence_add_presented_imei(
    evidence: *mut partcert_part_evidence, imei: u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let evidence = arg!(castable::borrow_mut: evidence);
        evidence.presented_imeis.push(Imei::from_u64(imei)?);
        Ok(())
    })
}
