//! The compact list at 1M and 10M keys (200M with `PARTCERT_BENCH_200M=1`,
//! which needs ~20 GB of memory), half IMEIs and half part digests, beside
//! `HashSet<u64>`, a sorted `Vec<u64>` and the bound log2 C(U, n): build
//! time, encoded bits per key, lookup medians. Every comparison is printed
//! from this run.
//!
//! Run: `cargo bench -p partcert --bench compact`.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Instant;

use partcert::blocklist::{
    BlockKey, BlocklistEntry, CompactList, CompactSnapshot, ListVersion, ListingStatus, Reason,
};
use partcert::ids::PartId;
use partcert::{Blocklist, Imei};

#[path = "../tests/common/mod.rs"]
mod common;

// Layout version 3 (issue 17), side by side, and its cachegrind driver.
#[path = "layout3/mod.rs"]
mod layout3;

use common::{ApplyLists, PublishLists};

/// 2026-01-01T00:00:00Z.
const T0: u64 = 1_767_225_600;
/// Lookups per timed batch, and batches per median.
const BATCH: usize = 1000;
const BATCHES: usize = 301;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn imei(&mut self) -> Imei {
        Imei::with_check_digit(self.below(100_000_000_000_000)).unwrap()
    }

    fn part(&mut self) -> PartId {
        let mut digest = [0u8; 32];
        for chunk in digest.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        PartId(digest)
    }
}

/// `n / 2` reported handsets and `n / 2` parts, each part paired to one of
/// the listed handsets (as `for_reported_handset` lists them).
fn entries(n: usize, rng: &mut Rng) -> Vec<BlocklistEntry> {
    let mut imeis: Vec<Imei> = (0..n / 2).map(|_| rng.imei()).collect();
    imeis.sort_unstable();
    imeis.dedup();
    while imeis.len() < n / 2 {
        imeis.push(rng.imei());
        imeis.sort_unstable();
        imeis.dedup();
    }
    let reasons = [Reason::Stolen, Reason::Lost, Reason::Fraud];
    let mut entries = Vec::with_capacity(n);
    for imei in &imeis {
        entries.push(BlocklistEntry {
            key: BlockKey::Imei(*imei),
            reason: reasons[rng.below(3) as usize],
            listed_at: T0 - rng.below(3650) * 86_400,
            status: ListingStatus::Final,
            handset: None,
        });
    }
    for _ in 0..n - n / 2 {
        entries.push(BlocklistEntry {
            key: BlockKey::Part(rng.part()),
            reason: reasons[rng.below(3) as usize],
            listed_at: T0 - rng.below(3650) * 86_400,
            status: ListingStatus::Final,
            handset: Some(imeis[rng.below(imeis.len() as u64) as usize]),
        });
    }
    entries
}

/// log2 C(u, n) by Stirling's series, stable for n much smaller than u.
fn log2_binomial(u: f64, n: f64) -> f64 {
    if n == 0.0 {
        return 0.0;
    }
    let ln_factorial =
        |x: f64| x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x);
    let falling = n * u.ln() - (u - n) * (-n / u).ln_1p() - n - 0.5 * (-n / u).ln_1p();
    (falling - ln_factorial(n)) / std::f64::consts::LN_2
}

/// The 64-bit key a `HashSet<u64>` or sorted `Vec<u64>` would hold.
fn key64(key: &BlockKey) -> u64 {
    match key {
        BlockKey::Imei(imei) => imei.as_u64(),
        BlockKey::Part(part) => {
            u64::from_be_bytes(part.as_bytes()[..8].try_into().unwrap()) | (1 << 63)
        }
    }
}

/// Median nanoseconds per call of `f` over `keys`, timed in batches.
fn median_ns<K>(keys: &[K], mut f: impl FnMut(&K) -> bool) -> f64 {
    let mut times = Vec::with_capacity(BATCHES);
    let mut found = 0usize;
    for batch in keys.chunks(BATCH).cycle().take(BATCHES) {
        let start = Instant::now();
        for key in batch {
            found += f(black_box(key)) as usize;
        }
        times.push(start.elapsed().as_nanos() as f64 / batch.len() as f64);
    }
    black_box(found);
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// HashSet<u64> memory: buckets × (8 bytes + 1 control byte), buckets the
/// power of two that keeps the load at or under 7/8.
fn hash_set_bytes(set: &HashSet<u64>) -> f64 {
    let buckets = (set.capacity() * 8 / 7).next_power_of_two();
    buckets as f64 * 9.0
}

fn run(n: usize) {
    let mut rng = Rng(0x5eed ^ n as u64);
    let entries = entries(n, &mut rng);

    let start = Instant::now();
    let list = CompactList::build(&entries).unwrap();
    let build = start.elapsed().as_secs_f64();
    load(&entries);
    layout3::compare(&entries, &list);
    let sizes = list.sizes();
    let imeis = list.imei_count() as f64;
    let parts = list.part_count() as f64;
    let width = list.fingerprint_width();
    let imei_bound = log2_binomial(1e14, imeis) / imeis;
    let imei_bound_15 = log2_binomial(1e15, imeis) / imeis;
    let part_bound = log2_binomial(2f64.powi(width as i32), parts) / parts;
    let imei_bits = sizes.imei_key_bits as f64 / imeis;
    let part_bits = sizes.part_key_bits as f64 / parts;
    let total_bits = sizes.total_bytes as f64 * 8.0 / n as f64;
    let meta_bits = sizes.metadata_bits as f64 / n as f64;

    // Lookups: hits are listed keys in random order, misses random keys.
    let hits: Vec<BlockKey> = (0..BATCH * 64)
        .map(|_| entries[rng.below(n as u64) as usize].key)
        .collect();
    let keys64: Vec<u64> = entries.iter().map(|entry| key64(&entry.key)).collect();
    drop(entries);
    let set: HashSet<u64> = keys64.iter().copied().collect();
    let mut sorted = keys64;
    sorted.sort_unstable();
    let set_bits = hash_set_bytes(&set) * 8.0 / n as f64;

    eprintln!(
        "compact n={n}: build {build:.2} s ({:.0} ns/entry); {:.1} MB encoded",
        build * 1e9 / n as f64,
        sizes.total_bytes as f64 / 1e6
    );
    eprintln!(
        "  IMEI keys  {imei_bits:6.2} bits/key  bound log2 C(10^14, n)/n {imei_bound:6.2}  ratio {:.3}  (vs C(10^15, n): {imei_bound_15:.2}, ratio {:.3})",
        imei_bits / imei_bound,
        imei_bits / imei_bound_15
    );
    eprintln!(
        "  part keys  {part_bits:6.2} bits/key  bound log2 C(2^{width}, n)/n {part_bound:6.2}  ratio {:.3}",
        part_bits / part_bound
    );
    eprintln!(
        "  total      {total_bits:6.2} bits/entry (metadata {meta_bits:.2}); HashSet<u64> {set_bits:.1} bits/key ({:.2}× compact); sorted Vec<u64> 64 bits/key ({:.2}× compact)",
        set_bits / total_bits,
        64.0 / total_bits
    );
    let key_bits = (sizes.imei_key_bits + sizes.part_key_bits) as f64 / n as f64;
    eprintln!(
        "  keys only  {key_bits:6.2} bits/key: HashSet<u64> {:.2}× larger, sorted Vec<u64> {:.2}× larger",
        set_bits / key_bits,
        64.0 / key_bits
    );

    let imei_hits: Vec<BlockKey> = hits
        .iter()
        .filter(|key| matches!(key, BlockKey::Imei(_)))
        .copied()
        .collect();
    let part_hits: Vec<BlockKey> = hits
        .iter()
        .filter(|key| matches!(key, BlockKey::Part(_)))
        .copied()
        .collect();
    let imei_misses: Vec<BlockKey> = (0..BATCH * 32)
        .map(|_| BlockKey::Imei(rng.imei()))
        .filter(|key| !set.contains(&key64(key)))
        .collect();
    let part_misses: Vec<BlockKey> = (0..BATCH * 32)
        .map(|_| BlockKey::Part(rng.part()))
        .collect();
    let hit64: Vec<u64> = hits.iter().map(key64).collect();
    let mut miss64: Vec<u64> = imei_misses.iter().chain(&part_misses).map(key64).collect();
    for i in (1..miss64.len()).rev() {
        miss64.swap(i, rng.below(i as u64 + 1) as usize);
    }

    let lookup = |key: &BlockKey| list.lookup(key).is_some();
    let compact_imei_hit = median_ns(&imei_hits, lookup);
    let compact_part_hit = median_ns(&part_hits, lookup);
    let compact_imei_miss = median_ns(&imei_misses, lookup);
    let compact_part_miss = median_ns(&part_misses, lookup);
    let set_hit = median_ns(&hit64, |key| set.contains(key));
    let set_miss = median_ns(&miss64, |key| set.contains(key));
    let vec_hit = median_ns(&hit64, |key| sorted.binary_search(key).is_ok());
    let vec_miss = median_ns(&miss64, |key| sorted.binary_search(key).is_ok());
    eprintln!(
        "  lookup median ns  compact: IMEI hit {compact_imei_hit:.0}, part hit {compact_part_hit:.0}, IMEI miss {compact_imei_miss:.0}, part miss {compact_part_miss:.0}"
    );
    eprintln!(
        "                    HashSet<u64>: hit {set_hit:.0}, miss {set_miss:.0};  sorted Vec<u64> binary search: hit {vec_hit:.0}, miss {vec_miss:.0}"
    );
}

/// A device loading the register's signed compact snapshot: decode (the
/// envelope, one copy, the list's header, the state digest: one SHA-256
/// pass over the list) and apply (signer checks, the Ed25519 signature:
/// one SHA-512 pass), against one SHA-512 pass over the same bytes.
fn load(entries: &[BlocklistEntry]) {
    use sha2::Digest;
    let world = common::world();
    let trust = world.trust();
    let snapshot = world
        .register
        .publish_compact_snapshot(
            ListVersion::new(0, 1),
            T0 + common::DAY,
            T0 + 30 * common::DAY,
            entries,
        )
        .unwrap();
    let bytes = snapshot.as_bytes().to_vec();
    drop(snapshot);
    // Load and hash runs alternate, so both medians see the same
    // background load on a shared machine.
    let mut decodes = Vec::new();
    let mut loads = Vec::new();
    let mut hashes = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let snapshot = CompactSnapshot::decode(black_box(&bytes)).unwrap();
        let decoded = start.elapsed().as_secs_f64();
        let mut blocklist = Blocklist::new();
        blocklist
            .apply_compact_snapshot(&trust, &snapshot, T0 + 2 * common::DAY)
            .unwrap();
        black_box(&blocklist);
        drop((snapshot, blocklist));
        loads.push(start.elapsed().as_secs_f64());
        decodes.push(decoded);
        let start = Instant::now();
        black_box(sha2::Sha512::digest(black_box(&bytes)));
        hashes.push(start.elapsed().as_secs_f64());
    }
    let median = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let (decode, load, hash) = (median(decodes), median(loads), median(hashes));
    // What a loaded list keeps resident: the device's blocklist after the
    // received bytes are gone. Only a buffer above glibc's largest mmap
    // threshold (32 MiB) is sure to be a fresh mapping, whose resident
    // pages are the list's; a smaller one may reuse freed pages.
    if bytes.len() < 64 << 20 {
        eprintln!("  resident   not measured below 64 MiB (freed pages may be reused)");
    } else {
        resident_after_load(&bytes, &trust);
    }
    eprintln!(
        "  load       signed snapshot {:.1} MB: decode + apply {:.1} ms (decode {:.1}); SHA-512 of its bytes {:.1} ms; ratio {:.2}",
        bytes.len() as f64 / 1e6,
        load * 1e3,
        decode * 1e3,
        hash * 1e3,
        load / hash
    );
}

fn resident_after_load(bytes: &[u8], trust: &partcert::TrustStore) {
    let before = resident_bytes();
    let received = bytes.to_vec();
    let mut blocklist = Blocklist::new();
    let snapshot = CompactSnapshot::decode(&received).unwrap();
    blocklist
        .apply_compact_snapshot(trust, &snapshot, T0 + 2 * common::DAY)
        .unwrap();
    drop((snapshot, received));
    let resident = resident_bytes().saturating_sub(before);
    black_box(&blocklist);
    eprintln!(
        "  resident   after load, the received bytes dropped: {:.1} MB, {:.3}x the signed snapshot",
        resident as f64 / 1e6,
        resident as f64 / bytes.len() as f64
    );
}

/// This process's resident memory (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn main() {
    // The cachegrind driver (see BENCHMARKS.md, "Compact lists, layout 3").
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--cachegrind-prepare") {
        let n = args.get(at + 2).map_or(10_000_000, |n| n.parse().unwrap());
        let entries = entries(n, &mut Rng(0x5eed ^ n as u64));
        layout3::prepare(std::path::Path::new(&args[at + 1]), &entries);
        return;
    }
    if let Some(at) = args.iter().position(|arg| arg == "--cachegrind") {
        let dir = std::path::Path::new(&args[at + 2]);
        layout3::cachegrind(&args[at + 1], dir, args[at + 3].parse().unwrap());
        return;
    }
    // `cargo bench` passes `--bench`; run any other way (`cargo test
    // --benches`, CI's smoke run) one small size only.
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let sizes: &[usize] = if smoke {
        &[100_000]
    } else if std::env::var("PARTCERT_BENCH_200M").is_ok_and(|v| v == "1") {
        &[1_000_000, 10_000_000, 200_000_000]
    } else {
        &[1_000_000, 10_000_000]
    };
    for &n in sizes {
        run(n);
    }
    // The layout is a function of the counts: the national-scale size,
    // computed exactly without building.
    let half = 100_000_000u64;
    let sizes = CompactList::sizes_for(half, half).unwrap();
    let width = CompactList::fingerprint_width_for(half);
    let imei = sizes.imei_key_bits as f64 / log2_binomial(1e14, half as f64);
    let part = sizes.part_key_bits as f64 / log2_binomial(2f64.powi(width as i32), half as f64);
    eprintln!(
        "computed n=200000000 (half IMEIs, half parts): {:.2} GB, {:.2} bits/entry; IMEI keys {:.3}× bound, part keys (w={width}) {:.3}× bound",
        sizes.total_bytes as f64 / 1e9,
        sizes.total_bytes as f64 * 8.0 / (2 * half) as f64,
        imei,
        part
    );
}
