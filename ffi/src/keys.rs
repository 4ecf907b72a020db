//! Keys: generating a secret key, and public keys and key ids. (No C type.)

use partcert::SecretKey;
use partcert::ids::PublicKey;
use rand_core::OsRng;

use crate::enums::partcert_result;
use crate::enums::{PARTCERT_DIGEST_LEN, PARTCERT_PUBLIC_KEY_LEN, PARTCERT_SEED_LEN};
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::ptr::{self, OutFixed};

/// Fills `seed_out` with `PARTCERT_SEED_LEN` bytes from the operating
/// system's cryptographic random source: a new secret key. Keep it secret.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_secret_key_generate(
    seed_out: *mut u8, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: 32 writable bytes.
        let out = unsafe { OutFixed::<PARTCERT_SEED_LEN>::new(seed_out, "seed_out") }?;
        let seed = zeroize::Zeroizing::new(SecretKey::generate(&mut OsRng).to_seed());
        out.write(&seed)
    })
}

/// Writes the `PARTCERT_PUBLIC_KEY_LEN`-byte public key of the secret key
/// with this seed (what a part's certificate or an authority certificate
/// names).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_public_key_from_seed(
    seed: *const u8, public_key_out: *mut u8, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: 32 readable and 32 writable bytes.
        let (seed, out) = unsafe {
            (
                ptr::secret_in(seed, "seed")?,
                OutFixed::<PARTCERT_PUBLIC_KEY_LEN>::new(public_key_out, "public_key_out")?,
            )
        };
        out.write(SecretKey::from_seed(&seed).public_key().as_bytes())
    })
}

/// Writes the 32-byte key id (SHA-256) of a public key: how certificates,
/// blocklists and verdicts name keys. 109 if the bytes are not a valid
/// Ed25519 public key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_public_key_id(
    public_key: *const u8, key_id_out: *mut u8, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: 32 readable and 32 writable bytes.
        let (key, out) = unsafe {
            (
                ptr::fixed_in::<PARTCERT_PUBLIC_KEY_LEN>(public_key, "public_key")?,
                OutFixed::<PARTCERT_DIGEST_LEN>::new(key_id_out, "key_id_out")?,
            )
        };
        let key = PublicKey::from_bytes(&key)?;
        out.write(key.key_id().as_bytes())
    })
}
