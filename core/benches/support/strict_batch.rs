//! Batch verification of Ed25519 signatures under one key that accepts
//! exactly what `verify_strict` accepts, one by one (bench and test code
//! only: `core/benches/batch.rs` times it, `core/tests/batch_strictness.rs`
//! checks the equivalence; the library does not use it).
//!
//! ed25519-dalek 2.2's `verify_batch` checks one random linear combination
//! of the *cofactorless* equations `R_i == [s_i]B - [k_i]A` (it does not
//! multiply by the cofactor), with 128-bit coefficients `z_i`. A difference
//! `D_i = R_i - [s_i]B + [k_i]A` that is a non-zero torsion point (a torsion
//! component in `R`, or a key `A` of mixed order) then vanishes from
//! `sum z_i D_i` whenever `z_i` is a multiple of its order: with probability
//! 1/2 to 1/8, and the coefficients are derived from the batch, so a
//! signer can grind for it. It also takes `R` encodings that `verify_strict`
//! refuses (non-canonical `y`, small-order points), and small-order keys.
//!
//! Agreeing with `verify_strict` therefore takes, beyond the batch:
//! - the key: not of small order (as `verify_strict`), and torsion-free —
//!   checked once per key; a key with a torsion component falls back to
//!   `verify_strict` one by one (`verify_strict` accepts some signatures
//!   under such a key, so refusing them would disagree too);
//! - each `R`: a canonical encoding (`y < p`), not of small order, and
//!   torsion-free (a full scalar multiplication by the group order: the
//!   cost that decides whether batching pays).
//!
//! With every `D_i` then in the prime-order subgroup, `sum z_i D_i == 0`
//! while some `D_i != 0` has probability about 2^-128 over the `z_i`.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha512};

/// A key prepared once (as the trust store keeps issuer keys).
#[derive(Debug, Clone, Copy)]
pub struct BatchKey {
    /// The key as `verify_strict` uses it.
    pub key: VerifyingKey,
    point: EdwardsPoint,
    small_order: bool,
    torsion_free: bool,
}

impl BatchKey {
    pub fn new(key: VerifyingKey) -> Self {
        let point = key.to_edwards();
        BatchKey {
            key,
            point,
            small_order: point.is_small_order(),
            torsion_free: is_torsion_free(&point),
        }
    }
}

/// `[l]P == 0`, computed as `[l - 1]P + P` with a variable-time
/// multiplication (the scalar `l - 1` is public): faster than
/// curve25519-dalek's constant-time `is_torsion_free`, same answer.
pub fn is_torsion_free(point: &EdwardsPoint) -> bool {
    let l_minus_one = -Scalar::ONE;
    (EdwardsPoint::vartime_multiscalar_mul([l_minus_one], [*point]) + point).is_identity()
}

/// `bytes` (sign bit cleared) encodes an integer below p = 2^255 - 19.
/// (The sign bit of an `x = 0` point is the other non-canonical case; such
/// points are of small order and refused anyway.)
pub fn canonical_y(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    y[31] &= 0x7f;
    // y >= p iff y is 2^255 - 19 ..= 2^255 - 1: bytes 1..=30 all 0xff, the
    // top byte 0x7f and the low byte >= 0xed.
    !(y[31] == 0x7f && y[1..31].iter().all(|&b| b == 0xff) && y[0] >= 0xed)
}

/// `R` as `verify_strict` would accept it, decompressed; `None` if it
/// would refuse it whatever the rest of the signature.
pub fn strict_r(signature: &Signature) -> Option<EdwardsPoint> {
    let bytes = signature.r_bytes();
    if !canonical_y(bytes) {
        return None;
    }
    let point = CompressedEdwardsY(*bytes).decompress()?;
    (!point.is_small_order() && is_torsion_free(&point)).then_some(point)
}

fn one_by_one(key: &BatchKey, messages: &[&[u8]], signatures: &[Signature]) -> bool {
    messages
        .iter()
        .zip(signatures)
        .all(|(message, signature)| key.key.verify_strict(message, signature).is_ok())
}

/// What the key alone decides: `verify_strict` refuses every signature
/// under a small-order key, and a key with a torsion component is checked
/// one by one (a batch could not agree with `verify_strict` on it).
fn decided_by_key(key: &BatchKey, messages: &[&[u8]], signatures: &[Signature]) -> Option<bool> {
    assert_eq!(messages.len(), signatures.len());
    if key.small_order {
        return Some(signatures.is_empty());
    }
    (!key.torsion_free).then(|| one_by_one(key, messages, signatures))
}

/// (c): ed25519-dalek's `verify_batch`, made to agree with `verify_strict`
/// by the checks above (so `R` is decompressed twice: once here, once in
/// `verify_batch`).
pub fn verify_batch_strict_dalek(
    key: &BatchKey,
    messages: &[&[u8]],
    signatures: &[Signature],
) -> bool {
    if let Some(verdict) = decided_by_key(key, messages, signatures) {
        return verdict;
    }
    if !signatures.iter().all(|s| strict_r(s).is_some()) {
        return false;
    }
    let keys = vec![key.key; signatures.len()];
    ed25519_dalek::verify_batch(messages, signatures, &keys).is_ok()
}

/// (d): the same checks with one multiscalar multiplication of its own,
/// which decompresses each `R` once and, since every signature is under
/// one key, folds the `n` key terms into one: `[sum z_i k_i]A`, so
/// `n + 2` points instead of `2n + 1`.
pub fn verify_batch_strict_one_key(
    key: &BatchKey,
    messages: &[&[u8]],
    signatures: &[Signature],
) -> bool {
    if let Some(verdict) = decided_by_key(key, messages, signatures) {
        return verdict;
    }
    let n = signatures.len();
    let mut rs = Vec::with_capacity(n);
    let mut ss = Vec::with_capacity(n);
    let mut ks = Vec::with_capacity(n);
    // The coefficients are derived from everything in the batch, as
    // ed25519-dalek derives its own (its transcript is merlin's).
    let mut transcript = Sha512::new();
    transcript.update(b"partcert strict batch");
    transcript.update(key.key.as_bytes());
    for (message, signature) in messages.iter().zip(signatures) {
        let Some(r) = strict_r(signature) else {
            return false;
        };
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(*signature.s_bytes()))
        else {
            return false;
        };
        let mut h = Sha512::new();
        h.update(signature.r_bytes());
        h.update(key.key.as_bytes());
        h.update(message);
        let hram: [u8; 64] = h.finalize().into();
        transcript.update(hram);
        transcript.update(signature.s_bytes());
        rs.push(r);
        ss.push(s);
        ks.push(Scalar::from_bytes_mod_order_wide(&hram));
    }
    let seed: [u8; 64] = transcript.finalize().into();
    let zs: Vec<Scalar> = (0..n as u64)
        .map(|i| {
            let block: [u8; 64] = Sha512::new()
                .chain_update(seed)
                .chain_update(i.to_le_bytes())
                .finalize()
                .into();
            let mut z = [0u8; 32];
            z[..16].copy_from_slice(&block[..16]);
            Scalar::from_bytes_mod_order(z)
        })
        .collect();
    let b_coefficient: Scalar = zs.iter().zip(&ss).map(|(z, s)| z * s).sum();
    let a_coefficient: Scalar = zs.iter().zip(&ks).map(|(z, k)| z * k).sum();
    // sum z_i (R_i - [s_i]B + [k_i]A) == 0
    let scalars = std::iter::once(-b_coefficient)
        .chain(zs.iter().copied())
        .chain(std::iter::once(a_coefficient));
    let points = std::iter::once(ED25519_BASEPOINT_POINT)
        .chain(rs)
        .chain(std::iter::once(key.point));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).is_identity()
}
