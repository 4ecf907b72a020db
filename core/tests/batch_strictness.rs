//! The strict-preserving batch check of `core/benches/support/strict_batch.rs`
//! (bench code: the library does not batch) accepts a batch of signatures
//! under one key iff `verify_strict` accepts every one of them — for
//! honest, mixed-order and small-order keys, valid signatures, torsion in
//! `R`, small-order and non-canonical `R`, non-canonical `S`, bit flips,
//! and every Wycheproof Ed25519 case — while ed25519-dalek's plain
//! `verify_batch` does not.

#[path = "../benches/support/strict_batch.rs"]
mod strict_batch;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use ed25519_dalek::{Signature, VerifyingKey};
use proptest::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha512};
use strict_batch::{BatchKey, verify_batch_strict_dalek, verify_batch_strict_one_key};

/// A point of order 8 (the torsion subgroup is cyclic of order 8).
fn order_8_point() -> EdwardsPoint {
    (2u8..)
        .filter_map(|y| {
            let mut bytes = [0u8; 32];
            bytes[0] = y;
            CompressedEdwardsY(bytes).decompress()
        })
        // [l]P keeps only P's torsion component (times l mod 8 = 5).
        .map(|p| p * -Scalar::ONE + p)
        .find(|t| !(t + t + t + t).is_identity())
        .expect("some point has a torsion component of order 8")
}

/// `[i]T8`: the torsion point number `i` (0 is the identity).
fn torsion(i: u8) -> EdwardsPoint {
    order_8_point() * Scalar::from(i % 8)
}

fn scalar(bytes: [u8; 32]) -> Scalar {
    Scalar::from_bytes_mod_order(bytes)
}

/// A key `A = [a]B + T`, with its secret `a`.
struct TestKey {
    a: Scalar,
    public: [u8; 32],
}

impl TestKey {
    fn new(seed: [u8; 32], torsion_index: u8) -> Self {
        let a = scalar(seed);
        let point = EdwardsPoint::mul_base(&a) + torsion(torsion_index);
        TestKey {
            a,
            public: point.compress().to_bytes(),
        }
    }

    /// A small-order key `T` (its "secret" is 0).
    fn small_order(torsion_index: u8) -> Self {
        TestKey {
            a: Scalar::ZERO,
            public: torsion(torsion_index).compress().to_bytes(),
        }
    }

    fn k(&self, r: &[u8; 32], message: &[u8]) -> Scalar {
        let hram: [u8; 64] = Sha512::new()
            .chain_update(r)
            .chain_update(self.public)
            .chain_update(message)
            .finalize()
            .into();
        Scalar::from_bytes_mod_order_wide(&hram)
    }

    /// `(R, s = r + k a)` for a given `R = [r]B + extra`.
    fn sign_with(&self, r: Scalar, extra: EdwardsPoint, message: &[u8]) -> [u8; 64] {
        let big_r = (EdwardsPoint::mul_base(&r) + extra).compress().to_bytes();
        let s = r + self.k(&big_r, message) * self.a;
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(&big_r);
        signature[32..].copy_from_slice(s.as_bytes());
        signature
    }
}

/// How a signature in a generated batch is made.
#[derive(Debug, Clone)]
enum Kind {
    Valid,
    /// `R` with a torsion component `[i]T8`.
    TorsionInR(u8),
    /// `S + l`: the same signature, `S` not reduced.
    NonCanonicalS,
    /// `R` the identity, `s = k a` (passes the cofactorless equation).
    IdentityR,
    /// `R` a small-order point.
    SmallOrderR(u8),
    /// One bit of the signature flipped.
    FlipBit(u16),
    /// Signed over another message.
    WrongMessage,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        4 => Just(Kind::Valid),
        2 => (1u8..8).prop_map(Kind::TorsionInR),
        1 => Just(Kind::NonCanonicalS),
        1 => Just(Kind::IdentityR),
        1 => (1u8..8).prop_map(Kind::SmallOrderR),
        1 => (0u16..512).prop_map(Kind::FlipBit),
        1 => Just(Kind::WrongMessage),
    ]
}

fn make(key: &TestKey, kind: &Kind, nonce: [u8; 32], message: &[u8]) -> [u8; 64] {
    let r = scalar(nonce);
    match kind {
        Kind::Valid => key.sign_with(r, EdwardsPoint::default(), message),
        Kind::TorsionInR(i) => key.sign_with(r, torsion(*i), message),
        Kind::NonCanonicalS => {
            let mut signature = key.sign_with(r, EdwardsPoint::default(), message);
            // s + l < 2^253 fits in 32 bytes.
            let mut s = [0u8; 32];
            let l: [u8; 32] = (-Scalar::ONE).to_bytes();
            let mut carry = 0u16;
            for i in 0..32 {
                let sum = signature[32 + i] as u16 + l[i] as u16 + carry + (i == 0) as u16;
                s[i] = sum as u8;
                carry = sum >> 8;
            }
            signature[32..].copy_from_slice(&s);
            signature
        }
        Kind::IdentityR => key.sign_with(Scalar::ZERO, EdwardsPoint::default(), message),
        Kind::SmallOrderR(i) => key.sign_with(Scalar::ZERO, torsion(*i), message),
        Kind::FlipBit(bit) => {
            let mut signature = key.sign_with(r, EdwardsPoint::default(), message);
            signature[*bit as usize / 8] ^= 1 << (bit % 8);
            signature
        }
        Kind::WrongMessage => {
            let mut other = message.to_vec();
            other.push(0);
            key.sign_with(r, EdwardsPoint::default(), &other)
        }
    }
}

/// Both strict batch functions against `verify_strict` one by one.
fn assert_agrees(public: &[u8; 32], messages: &[Vec<u8>], signatures: &[[u8; 64]]) {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return; // not a point: no check of either kind can start
    };
    let signatures: Vec<Signature> = signatures.iter().map(Signature::from_bytes).collect();
    let messages: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let strict = messages
        .iter()
        .zip(&signatures)
        .all(|(m, s)| key.verify_strict(m, s).is_ok());
    let prepared = BatchKey::new(key);
    assert_eq!(
        verify_batch_strict_dalek(&prepared, &messages, &signatures),
        strict,
        "verify_batch + strict checks"
    );
    assert_eq!(
        verify_batch_strict_one_key(&prepared, &messages, &signatures),
        strict,
        "one-key batch + strict checks"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_strict_batch_accepts_iff_verify_strict_accepts_each(
        seed in any::<[u8; 32]>(),
        // 0..=5: an honest key; 6: mixed order ([a]B + T); 7: small order.
        key_kind in 0u8..8,
        key_torsion in 1u8..8,
        batch in proptest::collection::vec(
            (kind(), any::<[u8; 32]>(), proptest::collection::vec(any::<u8>(), 0..48)),
            1..=8,
        ),
    ) {
        let key = match key_kind {
            0..=5 => TestKey::new(seed, 0),
            6 => TestKey::new(seed, key_torsion),
            _ => TestKey::small_order(key_torsion),
        };
        let (messages, signatures): (Vec<Vec<u8>>, Vec<[u8; 64]>) = batch
            .iter()
            .map(|(kind, nonce, message)| (message.clone(), make(&key, kind, *nonce, message)))
            .unzip();
        assert_agrees(&key.public, &messages, &signatures);
    }
}

#[test]
fn a_mixed_order_key_signs_what_verify_strict_accepts_and_the_batch_agrees() {
    // Under A = [a]B + T2 (T2 of order 2), a signature verifies strictly
    // iff k is even: the batch must then accept it too (it falls back to
    // verify_strict for such keys), and refuse the odd ones.
    let key = TestKey::new([7; 32], 4);
    let (mut accepted, mut refused) = (0, 0);
    for i in 0u8..32 {
        let message = vec![i; 5];
        let signature = key.sign_with(scalar([i + 1; 32]), EdwardsPoint::default(), &message);
        let verifying = VerifyingKey::from_bytes(&key.public).unwrap();
        match verifying.verify_strict(&message, &Signature::from_bytes(&signature)) {
            Ok(()) => accepted += 1,
            Err(_) => refused += 1,
        }
        assert_agrees(&key.public, &[message], &[signature]);
    }
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn plain_verify_batch_accepts_signatures_verify_strict_refuses() {
    // Torsion of order 2 in R: verify_batch's coefficient z cancels it
    // whenever z is even, about every other batch.
    let key = TestKey::new([9; 32], 0);
    let verifying = VerifyingKey::from_bytes(&key.public).unwrap();
    let prepared = BatchKey::new(verifying);
    let slipped_through = (0u8..64)
        .filter(|&i| {
            let message = vec![i; 3];
            let signature =
                Signature::from_bytes(&key.sign_with(scalar([i; 32]), torsion(4), &message));
            assert!(verifying.verify_strict(&message, &signature).is_err());
            assert!(!verify_batch_strict_dalek(
                &prepared,
                &[&message],
                &[signature]
            ));
            ed25519_dalek::verify_batch(&[&message], &[signature], &[verifying]).is_ok()
        })
        .count();
    assert!(slipped_through > 0, "plain verify_batch refused all 64");
}

#[test]
fn the_variable_time_torsion_check_agrees_with_curve25519_dalek() {
    for i in 0u8..8 {
        for r in 0u8..4 {
            let point = EdwardsPoint::mul_base(&scalar([r; 32])) + torsion(i);
            assert_eq!(
                strict_batch::is_torsion_free(&point),
                point.is_torsion_free(),
                "torsion {i}, r {r}"
            );
        }
    }
    assert!(strict_batch::is_torsion_free(&ED25519_BASEPOINT_POINT));
}

#[test]
fn canonical_y_refuses_exactly_the_encodings_at_or_above_p() {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    assert!(!strict_batch::canonical_y(&p));
    let mut below = p;
    below[0] = 0xec;
    assert!(strict_batch::canonical_y(&below));
    let mut top = [0xffu8; 32];
    assert!(!strict_batch::canonical_y(&top));
    top[31] = 0xff; // sign bit set, y = 2^255 - 1
    assert!(!strict_batch::canonical_y(&top));
    assert!(strict_batch::canonical_y(&[0; 32]));
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn wycheproof_cases_alone_and_in_their_groups() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/wycheproof/ed25519_test.json"
    );
    let text = std::fs::read_to_string(path).expect("the Wycheproof vectors");
    let suite: Value = serde_json::from_str(&text).expect("valid JSON");
    let mut cases = 0;
    for group in suite["testGroups"].as_array().expect("groups") {
        let public: [u8; 32] = unhex(group["publicKey"]["pk"].as_str().expect("pk"))
            .try_into()
            .expect("32-byte key");
        let mut messages = Vec::new();
        let mut signatures = Vec::new();
        let mut valid = (Vec::new(), Vec::new());
        for case in group["tests"].as_array().expect("tests") {
            let message = unhex(case["msg"].as_str().expect("msg"));
            let Ok(signature) = <[u8; 64]>::try_from(unhex(case["sig"].as_str().expect("sig")))
            else {
                continue; // wrong length: no Signature to batch
            };
            assert_agrees(&public, std::slice::from_ref(&message), &[signature]);
            if case["result"] == "valid" {
                valid.0.push(message.clone());
                valid.1.push(signature);
            }
            messages.push(message);
            signatures.push(signature);
            cases += 1;
        }
        // Batches of up to 8: every case of the group, and its valid ones.
        for (m, s) in messages.chunks(8).zip(signatures.chunks(8)) {
            assert_agrees(&public, m, s);
        }
        for (m, s) in valid.0.chunks(8).zip(valid.1.chunks(8)) {
            assert_agrees(&public, m, s);
        }
    }
    assert!(cases > 100, "{cases} cases of 64-byte signatures");
}
