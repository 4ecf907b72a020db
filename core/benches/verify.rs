//! How fast partcert answers, and what a large blocklist costs.
//! Run: `cargo bench -p partcert --bench verify`; results in BENCHMARKS.md.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use common::*;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// A register snapshot of `n` listed parts plus Alice's reported handset.
fn big_snapshot(world: &World, n: u64) -> BlocklistSnapshot {
    let mut entries = BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Stolen,
        T0,
        ListingStatus::Final,
    );
    for i in 0..n {
        let mut digest = [0u8; 32];
        digest[..8].copy_from_slice(&i.to_be_bytes());
        digest[8] = 0xa5;
        entries.push(BlocklistEntry {
            key: BlockKey::Part(PartId(digest)),
            reason: Reason::Stolen,
            listed_at: T0,
            status: ListingStatus::Final,
            handset: None,
        });
    }
    world
        .register
        .publish_snapshot(seq(1), T0 + DAY, T0 + 30 * DAY, entries)
        .unwrap()
}

/// N parts of one issuer through a warm trust store (the line's
/// certificate verified once, its key decompressed once) against the floor:
/// N `verify_strict` calls on the parts' own signatures with the issuer key
/// already decompressed. Prints the ratio measured in this run.
fn one_issuer_many_parts(c: &mut Criterion, world: &World) {
    const N: usize = 100;
    let trust = world.trust();
    let chain = world.chain();
    let at = T0 + 2 * DAY;
    let parts: Vec<Certificate> = (0..N)
        .map(|i| {
            world
                .acme_line
                .certify_part(
                    &spec(PartKind::Screen, &format!("SCR-BENCH-{i:04}"), vec![], None),
                    10_000 + i as u64,
                    years(30),
                )
                .unwrap()
        })
        .collect();
    let issuer_key =
        ed25519_dalek::VerifyingKey::from_bytes(world.acme_line.key().public_key().as_bytes())
            .unwrap();
    let signatures: Vec<(Vec<u8>, ed25519_dalek::Signature)> = parts
        .iter()
        .map(|part| {
            let bytes = part.as_bytes();
            let (signed, signature) = bytes.split_at(bytes.len() - 64);
            (
                signed.to_vec(),
                ed25519_dalek::Signature::from_slice(signature).unwrap(),
            )
        })
        .collect();
    let verify_all = || {
        let verifier = Verifier::new(&trust);
        for part in &parts {
            black_box(
                verifier
                    .verify_part(&PartEvidence::new(part, &chain), at)
                    .unwrap(),
            );
        }
    };
    let floor = || {
        for (message, signature) in &signatures {
            issuer_key.verify_strict(message, signature).unwrap();
        }
    };
    verify_all(); // warm the trust store
    let median = |f: &dyn Fn()| {
        let mut times: Vec<std::time::Duration> = (0..9)
            .map(|_| {
                let start = std::time::Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        times.sort();
        times[4]
    };
    let (warm, raw) = (median(&verify_all), median(&floor));
    eprintln!(
        "{N} parts of one issuer, warm: {warm:?}; {N} verify_strict of their signatures: {raw:?}; ratio {:.3}",
        warm.as_secs_f64() / raw.as_secs_f64()
    );
    let mut group = c.benchmark_group("one issuer, 100 parts");
    group.sample_size(20);
    group.bench_function("verify 100 parts, warm trust store", |b| b.iter(verify_all));
    group.bench_function("100 verify_strict of the parts' signatures (floor)", |b| {
        b.iter(floor)
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let at = T0 + 2 * DAY;
    let screen_bytes = world.bob.screen.as_bytes().to_vec();

    c.bench_function("decode part certificate", |b| {
        b.iter(|| Certificate::decode(black_box(&screen_bytes)).unwrap())
    });

    // The floor under every verification: one Ed25519 verify_strict.
    let signer = SecretKey::from_seed(&[9; 32]);
    let signed = Authority::new_manufacturer_root(signer, "bench root", &[MAKER], years(10))
        .unwrap()
        .certificate()
        .clone();
    c.bench_function(
        "one signature check (verify_strict, key decompression)",
        |b| b.iter(|| black_box(&signed).verify_self_signed().unwrap()),
    );

    one_issuer_many_parts(c, &world);

    let verifier = Verifier::new(&trust);
    c.bench_function("verify part: serial-only screen, no blocklist", |b| {
        b.iter(|| {
            verifier
                .verify_part(&PartEvidence::new(black_box(&world.bob.screen), &chain), at)
                .unwrap()
        })
    });

    let snapshot = big_snapshot(&world, 1_000_000);
    let mut blocklist = Blocklist::new();
    blocklist.apply_snapshot(&trust, &snapshot, at).unwrap();
    let with_list = Verifier::new(&trust).with_blocklist(&blocklist);
    c.bench_function(
        "verify part: screen + pairing record, 1M-entry blocklist",
        |b| {
            b.iter(|| {
                with_list
                    .verify_part(
                        &PartEvidence::new(black_box(&world.bob.screen), &chain)
                            .with_pairing(&world.bob.pairing),
                        at,
                    )
                    .unwrap()
            })
        },
    );

    let challenge = Challenge::new([7; 32]);
    let response =
        ChallengeResponse::respond(&world.bob.camera_key, &challenge, &world.bob.camera).unwrap();
    c.bench_function("verify part: keyed camera with challenge response", |b| {
        b.iter(|| {
            verifier
                .verify_part(
                    &PartEvidence::new(black_box(&world.bob.camera), &chain)
                        .with_challenge(&challenge, &response),
                    at,
                )
                .unwrap()
        })
    });

    let keys = [
        BlockKey::Part(PartId([3; 32])),
        BlockKey::Imei(world.bob.imei),
    ];
    c.bench_function("blocklist lookup: 2 keys in 1M entries", |b| {
        b.iter(|| blocklist.lookup(black_box(&keys)))
    });

    let fitted: Vec<FittedPart> = [
        &world.alice.board,
        &world.alice.screen,
        &world.alice.battery,
        &world.alice.camera,
    ]
    .into_iter()
    .map(|certificate| FittedPart {
        certificate,
        chain: &chain,
        challenge: None,
    })
    .collect();
    let evidence = HandsetEvidence {
        pairing: &world.alice.pairing,
        modem_imeis: &[world.alice.imei],
        fitted: &fitted,
    };
    c.bench_function("handset self-check: 4 parts, 1M-entry blocklist", |b| {
        b.iter(|| with_list.verify_handset(black_box(&evidence), at).unwrap())
    });

    let small = big_snapshot(&world, 100_000);
    let small_bytes = small.as_bytes().to_vec();
    let mut group = c.benchmark_group("blocklist update");
    group.sample_size(10);
    group.bench_function("decode + verify + apply 100k-entry snapshot", |b| {
        b.iter_batched(
            Blocklist::new,
            |mut list| {
                let decoded = BlocklistSnapshot::decode(&small_bytes).unwrap();
                list.apply_snapshot(&trust, &decoded, at).unwrap();
                list
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
    eprintln!(
        "sizes: part certificate {} B, pairing record {} B, 100k-entry snapshot {} B ({:.1} B/entry), 1M-entry snapshot {} B",
        screen_bytes.len(),
        world.bob.pairing.as_bytes().len(),
        small_bytes.len(),
        small_bytes.len() as f64 / 100_000.0,
        snapshot.as_bytes().len()
    );
}

criterion_group! {
    name = verify;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = benches
}
criterion_main!(verify);
