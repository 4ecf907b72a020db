//! A handset's parts checked together (issue 11): 8 distinct part
//! signatures from one issuer, verified (a) one by one with `verify_strict`
//! (the key decompressed once, as the trust store keeps it), (b) with
//! ed25519-dalek's `verify_batch`, (c) `verify_batch` plus the checks that
//! make it accept exactly what `verify_strict` accepts, and (d) the same
//! checks with a single-key batch of its own (see `support/strict_batch.rs`).
//! Prints per-signature medians and the ratios to (a) from this run.
//!
//! Run: `cargo bench -p partcert --bench batch`. Instruction counts:
//! `PARTCERT_CALLGRIND=<a|b|c|d|r>:<n>` runs one variant `n` times (one
//! batch of 8 each; `r`: the `R` checks alone) after the setup and exits
//! before criterion; see `webpki.rs`.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/strict_batch.rs"]
#[allow(dead_code)]
mod strict_batch;
#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::Signature;
use strict_batch::BatchKey;

/// Parts in a handset's batch.
const N: usize = 8;

/// The signed bytes and signatures of `N` distinct part certificates of
/// Acme's line, and the line's key prepared once.
fn handset_parts() -> (BatchKey, Vec<Vec<u8>>, Vec<Signature>) {
    let world = world();
    let kinds = [PartKind::Screen, PartKind::Battery];
    let (messages, signatures) = (0..N)
        .map(|i| {
            let part = world
                .acme_line
                .certify_part(
                    &spec(kinds[i % 2], &format!("BATCH-{i:02}"), vec![], None),
                    20_000 + i as u64,
                    years(30),
                )
                .unwrap();
            let bytes = part.as_bytes();
            let (signed, signature) = bytes.split_at(bytes.len() - 64);
            (signed.to_vec(), Signature::from_slice(signature).unwrap())
        })
        .unzip();
    let key =
        ed25519_dalek::VerifyingKey::from_bytes(world.acme_line.key().public_key().as_bytes())
            .unwrap();
    (BatchKey::new(key), messages, signatures)
}

/// Run other than by `cargo bench` (`cargo test --benches`, CI's smoke
/// run) or with `-- --test`, criterion runs each benchmark once: then the
/// printed medians are skipped too.
fn smoke_test() -> bool {
    let mut args = std::env::args();
    !args.any(|arg| arg == "--bench") || std::env::args().any(|arg| arg == "--test")
}

fn benches(c: &mut Criterion) {
    let (key, messages, signatures) = handset_parts();
    let messages: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let keys = vec![key.key; N];

    let one_by_one = || {
        for (message, signature) in messages.iter().zip(&signatures) {
            key.key
                .verify_strict(black_box(message), black_box(signature))
                .unwrap();
        }
    };
    let dalek_batch = || {
        ed25519_dalek::verify_batch(black_box(&messages), black_box(&signatures), &keys).unwrap()
    };
    let strict_dalek = || {
        assert!(strict_batch::verify_batch_strict_dalek(
            &key,
            black_box(&messages),
            black_box(&signatures)
        ))
    };
    let strict_one_key = || {
        assert!(strict_batch::verify_batch_strict_one_key(
            &key,
            black_box(&messages),
            black_box(&signatures)
        ))
    };
    let torsion_checks = || {
        for signature in &signatures {
            assert!(strict_batch::strict_r(black_box(signature)).is_some());
        }
    };
    let dalek_torsion_checks = || {
        for signature in &signatures {
            let r = curve25519_dalek::edwards::CompressedEdwardsY(*signature.r_bytes())
                .decompress()
                .unwrap();
            assert!(black_box(r).is_torsion_free());
        }
    };

    // Every variant agrees on these (valid) signatures before any timing.
    one_by_one();
    dalek_batch();
    strict_dalek();
    strict_one_key();

    if let Ok(spec) = std::env::var("PARTCERT_CALLGRIND") {
        let (case, n) = spec.split_once(':').expect("PARTCERT_CALLGRIND=case:n");
        let n: usize = n.parse().expect("a count");
        let case: &dyn Fn() = match case {
            "a" => &one_by_one,
            "b" => &dalek_batch,
            "c" => &strict_dalek,
            "d" => &strict_one_key,
            "r" => &torsion_checks,
            other => panic!("unknown case {other}"),
        };
        (0..n).for_each(|_| case());
        std::process::exit(0);
    }

    if !smoke_test() {
        let runs = 201;
        let [a, b, cc, d, t, td] = timing::interleaved_medians(
            runs,
            1,
            N,
            &mut [
                &mut || one_by_one(),
                &mut || dalek_batch(),
                &mut || strict_dalek(),
                &mut || strict_one_key(),
                &mut || torsion_checks(),
                &mut || dalek_torsion_checks(),
            ],
        )[..] else {
            unreachable!()
        };
        let ratio = |x: Duration| timing::ratio(a, x);
        eprintln!(
            "{N} part signatures of one issuer, per signature (medians of {runs} rounds, cases interleaved):"
        );
        eprintln!("  (a) verify_strict one by one:                 {a:?}");
        eprintln!(
            "  (b) verify_batch:                             {b:?}  ({:.2}x the speed of (a))",
            ratio(b)
        );
        eprintln!(
            "  (c) verify_batch + strict checks:             {cc:?}  ({:.2}x the speed of (a))",
            ratio(cc)
        );
        eprintln!(
            "  (d) one-key batch + strict checks:            {d:?}  ({:.2}x the speed of (a))",
            ratio(d)
        );
        eprintln!(
            "  of which R checks (canonical, order, [l]R vartime): {t:?}; with dalek's constant-time is_torsion_free: {td:?}"
        );
    }

    let mut group = c.benchmark_group("8 part signatures of one issuer");
    group.bench_function("(a) verify_strict one by one", |b| b.iter(one_by_one));
    group.bench_function("(b) verify_batch", |b| b.iter(dalek_batch));
    group.bench_function("(c) verify_batch + strict checks", |b| b.iter(strict_dalek));
    group.bench_function("(d) one-key batch + strict checks", |b| {
        b.iter(strict_one_key)
    });
    group.bench_function("R checks only", |b| b.iter(torsion_checks));
    group.finish();
}

criterion_group! {
    name = batch;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(batch);
