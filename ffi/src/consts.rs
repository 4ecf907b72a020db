//! The fixed lengths the Rust side of the ABI works with. The C header's
//! `#define`s for these and for every limit are written by `build.rs` from
//! the core (these items are excluded from cbindgen, see `cbindgen.toml`).

/// Length of a key id, a fingerprint, a part id or a state digest (SHA-256).
pub const PARTCERT_DIGEST_LEN: usize = 32;
/// Length of an Ed25519 public key.
pub const PARTCERT_PUBLIC_KEY_LEN: usize = 32;
/// Length of an Ed25519 secret key seed.
pub const PARTCERT_SEED_LEN: usize = 32;
/// Length of a challenge nonce.
pub const PARTCERT_NONCE_LEN: usize = 32;

// The lengths are the core's types' own.
const _: () = {
    assert!(size_of::<partcert::KeyId>() == PARTCERT_DIGEST_LEN);
    assert!(size_of::<partcert::PartId>() == PARTCERT_DIGEST_LEN);
    assert!(size_of::<partcert::Fingerprint>() == PARTCERT_DIGEST_LEN);
    assert!(size_of::<partcert::PublicKey>() == PARTCERT_PUBLIC_KEY_LEN);
};

#[cfg(test)]
mod tests {
    /// Every `PARTCERT_MAX_*` the header publishes, evaluated by build.rs
    /// from the core's source, equals the compiled core's constant.
    #[test]
    fn limits_match_the_core() {
        include!(concat!(env!("OUT_DIR"), "/limits_check.rs"));
    }
}
