//! What a blocklist update costs a device: a delta against the list it
//! holds, next to taking the whole list again; and a delta over a compact
//! list at two sizes, to show its cost does not grow with the list.
//! Run: `cargo bench -p partcert --bench update`; results in BENCHMARKS.md.
//! Under `-- --test` (the CI smoke run) the list is small.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;

use common::*;
use criterion::{Criterion, criterion_group, criterion_main};

fn part(i: u64) -> BlocklistEntry {
    let mut digest = [0u8; 32];
    // Spread over the key space, as real part ids are.
    digest[..8].copy_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
    digest[8] = 0xa5;
    BlocklistEntry {
        key: BlockKey::Part(PartId(digest)),
        reason: Reason::Stolen,
        listed_at: T0,
        status: ListingStatus::Final,
        handset: None,
    }
}

fn snapshot(world: &World, sequence: u64, entries: Vec<BlocklistEntry>) -> BlocklistSnapshot {
    world
        .register
        .publish_snapshot(seq(sequence), T0 + DAY, T0 + 30 * DAY, entries)
        .unwrap()
}

fn benches(c: &mut Criterion) {
    let smoke = std::env::args().any(|arg| arg == "--test");
    let n: u64 = if smoke { 10_000 } else { 1_000_000 };
    let big_change: u64 = if smoke { 500 } else { 50_000 };
    let world = world();
    let trust = world.trust();
    let at = T0 + 2 * DAY;

    let base: Vec<BlocklistEntry> = (0..n).map(part).collect();
    let v1 = snapshot(&world, 1, base.clone());
    // A day's changes: ten parts delisted and ten listed.
    let mut small = base.clone();
    small.drain(..10);
    small.extend((n..n + 10).map(part));
    let v2_small = snapshot(&world, 2, small);
    // A national day's: `big_change` listed, a tenth as many delisted.
    let mut big = base;
    big.drain(..(big_change / 10) as usize);
    big.extend((n..n + big_change).map(part));
    let v2_big = snapshot(&world, 2, big);
    let small_delta = world.register.publish_delta(&v1, &v2_small).unwrap();
    let big_delta = world.register.publish_delta(&v1, &v2_big).unwrap();
    let small_bytes = small_delta.as_bytes().to_vec();
    let big_bytes = big_delta.as_bytes().to_vec();
    let whole_bytes = v2_small.as_bytes().to_vec();

    let mut held = Blocklist::new();
    held.apply_snapshot(&trust, &v1, at).unwrap();

    // Each update once, for criterion and for the comparison below.
    let apply_delta = |bytes: &[u8]| {
        let mut next = held.clone();
        let delta = BlocklistDelta::decode(black_box(bytes)).unwrap();
        next.apply_delta(&trust, &delta, at).unwrap();
        next
    };
    let apply_whole = || {
        let mut next = Blocklist::new();
        let snapshot = BlocklistSnapshot::decode(black_box(&whole_bytes)).unwrap();
        next.apply_snapshot(&trust, &snapshot, at).unwrap();
        next
    };
    let big_label = format!("{}-change delta", big_change + big_change / 10);
    let label = |what: &str| format!("{what}, {}k-entry list", n / 1000);
    let mut group = c.benchmark_group("blocklist update");
    group.sample_size(10);
    group.bench_function(label("clone + decode + apply a 20-change delta"), |b| {
        b.iter(|| apply_delta(&small_bytes))
    });
    group.bench_function(
        label(&format!("clone + decode + apply a {big_label}")),
        |b| b.iter(|| apply_delta(&big_bytes)),
    );
    group.bench_function(label("decode + apply the whole next snapshot"), |b| {
        b.iter(apply_whole)
    });
    group.finish();

    // The comparison, from one run, timed round-robin.
    let runs = if smoke { 3 } else { 11 };
    let [small, big, whole] = timing::interleaved_medians(
        runs,
        1,
        1,
        &mut [
            &mut || drop(black_box(apply_delta(&small_bytes))),
            &mut || drop(black_box(apply_delta(&big_bytes))),
            &mut || drop(black_box(apply_whole())),
        ],
    )[..] else {
        unreachable!("three cases, three medians")
    };
    eprintln!(
        "update of a {n}-entry list (medians of {runs}): 20-change delta ({} B) {small:?}; \
         {big_label} ({} B) {big:?}; whole snapshot ({} B) {whole:?}; \
         whole ÷ small delta {:.0}×, whole ÷ big delta {:.1}×",
        small_bytes.len(),
        big_bytes.len(),
        whole_bytes.len(),
        timing::ratio(whole, small),
        timing::ratio(whole, big),
    );
}

/// A compact list of `n` keys (half IMEIs, half parts) as a device holds
/// it, and a day's delta over it: `change` listings and a tenth as many
/// delistings.
fn compact_with_delta(world: &World, n: u64, change: u64) -> (Blocklist, Vec<u8>) {
    let imei = |i: u64| {
        BlockKey::Imei(Imei::with_check_digit(35_000_000_000_000 + i * 7).expect("valid IMEI"))
    };
    let entry = |i: u64| {
        let mut e = part(i);
        if i % 2 == 0 {
            e.key = imei(i);
        }
        e
    };
    let entries: Vec<BlocklistEntry> = (0..n).map(entry).collect();
    let compact = world
        .register
        .publish_compact_snapshot(seq(1), T0 + DAY, T0 + 30 * DAY, &entries)
        .unwrap();
    let mut held = Blocklist::new();
    held.apply_compact_snapshot(&world.trust(), &compact, T0 + 2 * DAY)
        .unwrap();
    let list = held
        .list(&world.register_root.key().key_id())
        .unwrap()
        .clone();
    let delisted: Vec<BlockKey> = (0..change / 10).map(|i| entry(i * 3).key).collect();
    let listed: Vec<BlocklistEntry> = (n..n + change).map(entry).collect();
    let delta = world
        .register
        .publish_delta_over(
            &list,
            seq(2),
            T0 + 2 * DAY,
            T0 + 30 * DAY,
            &delisted,
            listed,
        )
        .unwrap();
    (held, delta.as_bytes().to_vec())
}

/// A delta over a compact list costs the delta, whatever the list's size.
fn compact_deltas(c: &mut Criterion) {
    let smoke = std::env::args().any(|arg| arg == "--test");
    let sizes: &[u64] = if smoke {
        &[10_000]
    } else {
        &[1_000_000, 10_000_000]
    };
    let change: u64 = if smoke { 500 } else { 50_000 };
    let world = world();
    let trust = world.trust();
    let at = T0 + 2 * DAY;
    let runs = if smoke { 3 } else { 11 };
    let mut group = c.benchmark_group("compact list update");
    group.sample_size(10);
    let mut medians = Vec::new();
    for &n in sizes {
        let (held, delta) = compact_with_delta(&world, n, change);
        let apply = || {
            let mut next = held.clone();
            let decoded = BlocklistDelta::decode(black_box(&delta)).unwrap();
            next.apply_delta(&trust, &decoded, at).unwrap();
            next
        };
        group.bench_function(
            format!(
                "clone + decode + apply a {}-change delta, {}k-key compact list",
                change + change / 10,
                n / 1000
            ),
            |b| b.iter(apply),
        );
        let [time] =
            timing::interleaved_medians(runs, 1, 1, &mut [&mut || drop(black_box(apply()))])[..]
        else {
            unreachable!("one case, one median")
        };
        medians.push((n, delta.len(), time));
    }
    group.finish();
    for (n, bytes, time) in &medians {
        eprintln!(
            "compact list of {n} keys: a {}-change delta ({bytes} B) applied in {time:?} (median of {runs})",
            change + change / 10
        );
    }
    if let [(small_n, _, small), .., (big_n, _, big)] = medians.as_slice() {
        eprintln!(
            "{}x the keys, {:.2}x the time: the cost is the delta's",
            big_n / small_n,
            big.as_secs_f64() / small.as_secs_f64()
        );
    }
}

criterion_group! {
    name = update;
    config = Criterion::default();
    targets = benches, compact_deltas
}
criterion_main!(update);
