//! Challenges: proving a keyed part holds its key. (No C type.)

use partcert::challenge::{Challenge, ChallengeResponse};
use partcert::{Certificate, SecretKey};
use rand_core::{OsRng, RngCore};

use crate::bytes::{partcert_bytes, to_bytes};
use crate::enums::PARTCERT_NONCE_LEN;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::ptr::OutFixed;
use crate::ptr::{self, Out};

/// Fills `nonce_out` with a fresh `PARTCERT_NONCE_LEN`-byte challenge from
/// the operating system's cryptographic random source. Use a new one for
/// every check, so a recorded answer cannot be replayed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_challenge_generate(
    nonce_out: *mut u8, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: 32 writable bytes.
        let out = unsafe { OutFixed::<PARTCERT_NONCE_LEN>::new(nonce_out, "nonce_out") }?;
        let mut nonce = [0u8; PARTCERT_NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        out.write(Challenge::new(nonce).nonce())
    })
}

/// What a keyed part computes when challenged: signs the `nonce` and its
/// own certificate's fingerprint with its secret key (`part_seed`, the
/// part's `PARTCERT_SEED_LEN`-byte seed). For part firmware, simulators and
/// tests. 204 if the certificate names no part key, 205 if the seed is not
/// that key's. Writes the encoded response to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_challenge_respond(
    part_seed: *const u8, nonce: *const u8, certificate: *const u8, certificate_len: usize,
    response_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let seed = arg!(ptr::secret_in: part_seed);
        let nonce = arg!(ptr::bytes32_in: nonce);
        let bytes = arg!(ptr::bytes_in: certificate, certificate_len);
        let out = arg!(Out::new: response_out);
        let certificate = Certificate::decode(bytes)?;
        let response = ChallengeResponse::respond(
            &SecretKey::from_seed(&seed),
            &Challenge::new(nonce),
            &certificate,
        )?;
        out.write(to_bytes(response.as_bytes().to_vec()))
    })
}
