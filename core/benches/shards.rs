//! Private shard checks, beside the whole compact list they are cut from:
//! what a register pays to cut a national list into shards (time, bytes),
//! and what a phone fetches and spends to check one identity.
//! Run: `cargo bench -p partcert --bench shards` (1M listings; set
//! `PARTCERT_BENCH_LISTINGS` for another size, and
//! `PARTCERT_BENCH_SHARD_BITS` to cut it other than its size says);
//! results in BENCHMARKS.md.
//! Under `-- --test` (the CI smoke run) the list is small.

#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::time::Instant;

use common::*;
use criterion::{Criterion, criterion_group, criterion_main};

/// A national list's listing `i`: stolen handsets by IMEI (GSMA-style), or,
/// with `parts`, every fourth a harvested part paired to a handset.
fn listing(i: u64, parts: bool) -> BlocklistEntry {
    let day = T0 - (i % 2_000) * DAY;
    if parts && i % 4 == 3 {
        let mut digest = [0u8; 32];
        digest[..8].copy_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
        return BlocklistEntry::part(
            PartId(digest),
            Reason::Stolen,
            day,
            ListingStatus::Final,
            Some(imei(35_000_000_000_000 + (i / 4) * 13)),
        );
    }
    BlocklistEntry::handset(
        imei(35_000_000_000_000 + i * 13),
        Reason::Stolen,
        day,
        ListingStatus::Final,
    )
}

fn benches(c: &mut Criterion) {
    let smoke = std::env::args().any(|arg| arg == "--test");
    let n: u64 = if smoke {
        20_000
    } else {
        std::env::var("PARTCERT_BENCH_LISTINGS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000)
    };
    let world = world();
    let trust = world.trust();
    let register = world
        .register_root
        .certificate()
        .subject_key()
        .unwrap()
        .key_id();
    let at = T0 + 2 * DAY;

    for parts in [false, true] {
        let entries: Vec<BlocklistEntry> = (0..n).map(|i| listing(i, parts)).collect();
        let start = Instant::now();
        let compact = world
            .register
            .publish_compact_snapshot(seq(1), T0 + DAY, T0 + 9 * DAY, &entries)
            .unwrap();
        let publish_time = start.elapsed();
        let mut whole = Blocklist::new();
        whole.apply(&trust, &compact, at).unwrap();
        let start = Instant::now();
        let bits = std::env::var("PARTCERT_BENCH_SHARD_BITS")
            .ok()
            .and_then(|v| v.parse().ok());
        let shards = ShardSet::build(whole.list(&register).unwrap(), bits).unwrap();
        let cut_time = start.elapsed();
        let list = SignedList::Compact(Box::new(compact));
        let head = Head::next(
            &world.register,
            None,
            std::slice::from_ref(&list),
            30 * DAY,
            at,
            at + DAY,
        )
        .unwrap()
        .with_shards(&world.register, &shards)
        .unwrap();
        let sizes: Vec<usize> = shards.sizes().collect();
        let total: usize = sizes.iter().sum();
        let largest = sizes.iter().copied().max().unwrap_or(0);
        let mean = total as f64 / sizes.len() as f64;
        let list_bytes = list.as_bytes().len();
        eprintln!(
            "shards of a {n}-listing compact list ({}): {} shards ({} bits), {:.0} listings a \
             shard; shard files {mean:.0} B on average, {largest} B at most (proof {} B); all \
             {total} B = {:.2}× the compact snapshot's {list_bytes} B; head {} B; cut in {:?} \
             against {publish_time:?} to publish the compact snapshot ({:.2}×)",
            if parts {
                "¾ IMEIs, ¼ parts with handsets"
            } else {
                "IMEIs"
            },
            shards.count(),
            shards.bits(),
            n as f64 / f64::from(shards.count()),
            shards.bits() * 32,
            total as f64 / list_bytes as f64,
            head.as_bytes().len(),
            cut_time,
            cut_time.as_secs_f64() / publish_time.as_secs_f64(),
        );

        // A phone checks one identity: the head (one signature), then its
        // shard (decode and prove), then the lookup.
        let key = entries[entries.len() / 2].key;
        let index = shard_of(&key, shards.bits());
        let file = shards.file(index).unwrap();
        let head_bytes = head.as_bytes().to_vec();
        let phone = Blocklist::new();
        let check_one = || {
            let mut check = phone.check_shards(&trust, &head_bytes, &[key], at).unwrap();
            check.offer(black_box(&file)).unwrap();
            let held = check.finish().unwrap();
            assert_eq!(held.lookup(&[key]).unwrap().len(), 1);
        };
        let prove_one = || Shard::decode(black_box(&file), &head, index).unwrap();
        let lookup_whole = || assert_eq!(whole.lookup(&[black_box(key)]).unwrap().len(), 1);
        let label = |what: &str| {
            format!(
                "{what}, {}k listings{}",
                n / 1000,
                if parts { " with parts" } else { "" }
            )
        };
        let mut group = c.benchmark_group("shard check");
        group.sample_size(20);
        group.bench_function(label("prove one shard"), |b| b.iter(prove_one));
        group.bench_function(label("head + one shard + lookup"), |b| b.iter(check_one));
        group.finish();
        let runs = if smoke { 3 } else { 51 };
        let [prove, check, lookup] = timing::interleaved_medians(
            runs,
            10,
            1,
            &mut [
                &mut || drop(black_box(prove_one())),
                &mut || check_one(),
                &mut || lookup_whole(),
            ],
        )[..] else {
            unreachable!("three cases, three medians")
        };
        eprintln!(
            "one identity through shards (medians of {runs}): prove its shard {prove:?}; head \
             (one signature) + shard + lookup {check:?}; the same lookup in the whole list \
             {lookup:?} (head + shard ÷ whole-list lookup: {:.0}×)",
            timing::ratio(check, lookup)
        );
    }
}

criterion_group!(shard_benches, benches);
criterion_main!(shard_benches);
