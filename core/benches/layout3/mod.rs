//! Layout version 3 (issue 17) beside version 2, `HashSet<u64>`, a sorted
//! `Vec<u64>` and sucds's Elias-Fano, on the same entries in one run:
//! build time, bits against the information content, lookup medians
//! (every structure timed round-robin, so load falls on all alike), and
//! the structure check against one SHA-256 pass. Also the cachegrind
//! driver: `compact --cachegrind-prepare DIR [N]` writes a list's files,
//! `compact --cachegrind MODE DIR COUNT` loads them and runs COUNT
//! lookups (see BENCHMARKS.md, "Compact lists, layout 3").

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use partcert::Imei;
use partcert::blocklist::{BlockKey, BlocklistEntry, CompactList, ListingStatus, Reason};
use partcert::ids::PartId;
use sucds::Serializable;
use sucds::mii_sequences::{EliasFano, EliasFanoBuilder};

#[allow(dead_code)]
#[path = "../../src/blocklist/compact/blocked.rs"]
mod blocked;

use blocked::{Key, PartRow, View};

/// 2000-01-01T00:00:00Z.
const DAY_ZERO: u64 = 946_684_800;
const DAY: u64 = 86_400;
const BATCH: usize = 1000;

/// A copy of `bytes` starting on a 64-byte boundary (what a memory map
/// gives), so the list's lines are cache lines.
pub struct Aligned {
    buffer: Vec<u8>,
    start: usize,
    len: usize,
}

impl Aligned {
    pub fn of(bytes: &[u8]) -> Self {
        let mut buffer = vec![0u8; bytes.len() + 64];
        let start = (64 - buffer.as_ptr() as usize % 64) % 64;
        buffer[start..start + bytes.len()].copy_from_slice(bytes);
        Aligned {
            buffer,
            start,
            len: bytes.len(),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buffer[self.start..self.start + self.len]
    }
}

fn meta_of(entry: &BlocklistEntry) -> u64 {
    let reason = match entry.reason {
        Reason::Stolen => 0,
        Reason::Lost => 1,
        Reason::Fraud => 2,
    };
    let status = match entry.status {
        ListingStatus::Final => 0,
        ListingStatus::Suspended => 1,
    };
    reason | status << 2 | ((entry.listed_at - DAY_ZERO) / DAY) << 3
}

/// The rows today's builder makes: (IMEI body, meta), and parts by digest.
pub fn rows_of(entries: &[BlocklistEntry]) -> (Vec<(u64, u64)>, Vec<PartRow>) {
    let mut imeis = Vec::new();
    let mut parts = Vec::new();
    for entry in entries {
        match entry.key {
            BlockKey::Imei(imei) => imeis.push((imei.as_u64() / 10, meta_of(entry))),
            BlockKey::Part(part) => parts.push(PartRow {
                id: *part.as_bytes(),
                meta: meta_of(entry),
                handset: entry
                    .handset
                    .map_or(blocked::NO_HANDSET, |imei| imei.as_u64() / 10),
            }),
        }
    }
    imeis.sort_unstable();
    parts.sort_unstable_by_key(|row| row.id);
    (imeis, parts)
}

/// log2 C(u, n) by Stirling's series, stable for n much smaller than u.
pub fn log2_binomial(u: f64, n: f64) -> f64 {
    if n == 0.0 {
        return 0.0;
    }
    let ln_factorial =
        |x: f64| x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x);
    let falling = n * u.ln() - (u - n) * (-n / u).ln_1p() - n - 0.5 * (-n / u).ln_1p();
    (falling - ln_factorial(n)) / std::f64::consts::LN_2
}

/// The empirical entropy, in bits, of reason, status and day together,
/// times the number of entries.
fn metadata_information(metas: impl Iterator<Item = u64>) -> f64 {
    let mut counts: HashMap<u64, u64> = HashMap::new();
    let mut total = 0u64;
    for meta in metas {
        *counts.entry(meta).or_default() += 1;
        total += 1;
    }
    let n = total as f64;
    counts
        .values()
        .map(|c| {
            let p = *c as f64 / n;
            -(*c as f64) * p.log2()
        })
        .sum()
}

/// The information content of a list's keys and metadata, in bits:
/// keys `log2 C(universe, n)` per sequence, metadata the empirical entropy
/// of (reason, status, day) per sequence, and `log2(#listed IMEIs)` for
/// a part whose handset is a listed IMEI (`log2(10^14)` for an unlisted
/// one, nothing for none).
pub struct Information {
    pub imei_keys: f64,
    pub part_keys: f64,
    pub imei_meta: f64,
    pub part_meta: f64,
    pub handsets: f64,
}

impl Information {
    pub fn of(imeis: &[(u64, u64)], parts: &[PartRow]) -> Self {
        let width = blocked::fingerprint_width(parts.len() as u64);
        let listed: HashSet<u64> = imeis.iter().map(|(body, _)| *body).collect();
        let n_imeis = imeis.len() as f64;
        let handsets = parts
            .iter()
            .map(|row| {
                if row.handset == blocked::NO_HANDSET {
                    0.0
                } else if listed.contains(&row.handset) {
                    n_imeis.log2()
                } else {
                    1e14f64.log2()
                }
            })
            .sum();
        Information {
            imei_keys: log2_binomial(1e14, n_imeis),
            part_keys: log2_binomial(2f64.powi(width as i32), parts.len() as f64),
            imei_meta: metadata_information(imeis.iter().map(|(_, meta)| *meta)),
            part_meta: metadata_information(parts.iter().map(|row| row.meta)),
            handsets,
        }
    }

    pub fn total(&self) -> f64 {
        self.imei_keys + self.part_keys + self.imei_meta + self.part_meta + self.handsets
    }
}

/// The 64-bit key a `HashSet<u64>` or sorted `Vec<u64>` holds.
fn key64(key: &BlockKey) -> u64 {
    match key {
        BlockKey::Imei(imei) => imei.as_u64(),
        BlockKey::Part(part) => {
            u64::from_be_bytes(part.as_bytes()[..8].try_into().unwrap()) | (1 << 63)
        }
    }
}

/// The 63-bit key sucds's Elias-Fano holds for a part (its universe is a
/// u64, so the top fingerprint bits).
fn ef_part(part: &PartId) -> u64 {
    u64::from_be_bytes(part.as_bytes()[..8].try_into().unwrap()) >> 1
}

fn elias_fano(mut values: Vec<u64>, universe: u64) -> EliasFano {
    values.sort_unstable();
    let mut builder = EliasFanoBuilder::new(universe, values.len().max(1)).unwrap();
    builder.extend(values.iter().copied()).unwrap();
    if values.is_empty() {
        builder.push(0).unwrap();
    }
    builder.build().enable_rank()
}

fn ef_contains(ef: &EliasFano, value: u64) -> bool {
    ef.successor(value) == Some(value)
}

struct Case<'a> {
    name: &'static str,
    run: Box<dyn FnMut(usize) -> usize + 'a>,
    times: Vec<f64>,
}

fn case<'a, K: 'a>(
    name: &'static str,
    keys: &'a [K],
    mut f: impl FnMut(&K) -> bool + 'a,
) -> Case<'a> {
    let batches = (keys.len() / BATCH).max(1);
    Case {
        name,
        run: Box::new(move |round| {
            let start = (round % batches) * BATCH;
            let batch = &keys[start..(start + BATCH).min(keys.len())];
            batch.iter().filter(|key| f(black_box(key))).count()
        }),
        times: Vec::new(),
    }
}

/// Times every case once per round, round after round; per-case medians.
fn round_robin(cases: &mut [Case<'_>], rounds: usize) -> Vec<(&'static str, f64)> {
    for round in 0..rounds {
        for case in cases.iter_mut() {
            let start = Instant::now();
            black_box((case.run)(round));
            case.times
                .push(start.elapsed().as_nanos() as f64 / BATCH as f64);
        }
    }
    cases
        .iter_mut()
        .map(|case| {
            case.times.sort_by(f64::total_cmp);
            (case.name, case.times[case.times.len() / 2])
        })
        .collect()
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

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

    fn digest(&mut self) -> [u8; 32] {
        let mut digest = [0u8; 32];
        for chunk in digest.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        digest
    }
}

/// Layout 3 beside everything else, on `entries` (half IMEIs, half parts
/// whose handsets are listed IMEIs), printed.
pub fn compare(entries: &[BlocklistEntry], old: &CompactList) {
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let n = entries.len();
    if n > 20_000_000 {
        // Rows, a HashSet, a sorted Vec and two Elias-Fano sequences beside
        // the entries would not fit the machine.
        eprintln!("layout 3: not compared above 20M entries (memory)");
        return;
    }
    eprintln!("layout 3 beside version 2, n={n}:");
    let mut rng = Rng(0x1a7e ^ n as u64);
    let (imeis, parts) = rows_of(entries);

    let start = Instant::now();
    let built = blocked::build(imeis.clone(), &parts).unwrap();
    let build = start.elapsed().as_secs_f64();
    let start = Instant::now();
    black_box(CompactList::build(entries).unwrap());
    let old_build = start.elapsed().as_secs_f64();
    let aligned = Aligned::of(&built);
    drop(built);
    let view = View::new(aligned.bytes()).unwrap();
    assert!(view.lines_aligned());
    view.check_structure().unwrap();

    // Bits against the information content.
    let info = Information::of(&imeis, &parts);
    let sizes = view.sizes();
    let bits = sizes.total_bytes as f64 * 8.0;
    let old_bits = old.sizes().total_bytes as f64 * 8.0;
    let (n_i, n_p) = (imeis.len() as f64, parts.len() as f64);
    eprintln!(
        "  layout 3   build {build:.2} s ({:.0} ns/entry; version 2 {old_build:.2} s); {:.1} MB, {:.2} bits/entry (version 2: {:.2})",
        build * 1e9 / n as f64,
        bits / 8e6,
        bits / n as f64,
        old_bits / n as f64
    );
    eprintln!(
        "             information {:.2} bits/entry: IMEI keys {:.2}/IMEI, part keys {:.2}/part, metadata {:.2}/IMEI and {:.2}/part (handset {:.2})",
        info.total() / n as f64,
        info.imei_keys / n_i,
        info.part_keys / n_p,
        info.imei_meta / n_i,
        (info.part_meta + info.handsets) / n_p,
        info.handsets / n_p
    );
    eprintln!(
        "             spent: IMEI keys {:.2}/IMEI ({:.3}× bound), part keys {:.2}/part ({:.3}× bound), directories {:.2}/entry, metadata {:.2}/entry, padding {:.2}/entry",
        sizes.imei_key_bits as f64 / n_i,
        sizes.imei_key_bits as f64 / info.imei_keys,
        sizes.part_key_bits as f64 / n_p,
        sizes.part_key_bits as f64 / info.part_keys,
        sizes.directory_bits as f64 / n as f64,
        sizes.metadata_bits as f64 / n as f64,
        sizes.padding_bits as f64 / n as f64,
    );
    eprintln!(
        "             wire/information: layout 3 {:.3}× (target ≤ 1.10), version 2 {:.3}×",
        bits / info.total(),
        old_bits / info.total()
    );
    let imei_only = blocked::build(imeis.clone(), &[]).unwrap();
    let imei_info = info.imei_keys + info.imei_meta;
    eprintln!(
        "             IMEI-only list of the same {} IMEIs: {:.2} bits/IMEI against {:.2} (key bound {:.2} + metadata {:.2}): {:.3}× (target ≤ 1.15)",
        imeis.len(),
        imei_only.len() as f64 * 8.0 / n_i,
        imei_info / n_i,
        info.imei_keys / n_i,
        info.imei_meta / n_i,
        imei_only.len() as f64 * 8.0 / imei_info
    );
    drop(imei_only);

    // Keys: hits in random order, misses random.
    let listed: Vec<BlockKey> = entries.iter().map(|entry| entry.key).collect();
    let pick = |rng: &mut Rng, part: bool| loop {
        let key = listed[rng.below(n as u64) as usize];
        if matches!(key, BlockKey::Part(_)) == part {
            return key;
        }
    };
    let count = BATCH * 64;
    let imei_hits: Vec<BlockKey> = (0..count).map(|_| pick(&mut rng, false)).collect();
    let part_hits: Vec<BlockKey> = (0..count).map(|_| pick(&mut rng, true)).collect();
    // Its own keys: two cases on one structure with one key set would
    // find each other's lines in cache.
    let part_hits_2: Vec<BlockKey> = (0..count).map(|_| pick(&mut rng, true)).collect();
    let set: HashSet<u64> = listed.iter().map(key64).collect();
    let imei_misses: Vec<BlockKey> = (0..count * 2)
        .map(|_| BlockKey::Imei(Imei::with_check_digit(rng.below(100_000_000_000_000)).unwrap()))
        .filter(|key| !set.contains(&key64(key)))
        .take(count)
        .collect();
    let part_misses: Vec<BlockKey> = (0..count)
        .map(|_| BlockKey::Part(PartId(rng.digest())))
        .collect();
    let new_key = |key: &BlockKey| match key {
        BlockKey::Imei(imei) => Key::Imei(imei.as_u64() / 10),
        BlockKey::Part(part) => view.part_key(part.as_bytes()),
    };
    let new_keys = |keys: &[BlockKey]| keys.iter().map(new_key).collect::<Vec<Key>>();
    let (n_imei_hits, n_part_hits) = (new_keys(&imei_hits), new_keys(&part_hits));
    let n_part_hits_2 = new_keys(&part_hits_2);
    let (n_imei_misses, n_part_misses) = (new_keys(&imei_misses), new_keys(&part_misses));
    let mut sorted: Vec<u64> = set.iter().copied().collect();
    sorted.sort_unstable();
    let ef_imeis = elias_fano(
        imeis.iter().map(|(body, _)| *body).collect(),
        100_000_000_000_000,
    );
    let ef_parts = elias_fano(
        parts.iter().map(|row| ef_part(&PartId(row.id))).collect(),
        1 << 63,
    );
    let body = |key: &BlockKey| match key {
        BlockKey::Imei(imei) => imei.as_u64() / 10,
        BlockKey::Part(part) => ef_part(part),
    };
    let k64 = |keys: &[BlockKey]| keys.iter().map(key64).collect::<Vec<u64>>();
    let (s_imei_hits, s_part_hits) = (k64(&imei_hits), k64(&part_hits));
    let (s_imei_misses, s_part_misses) = (k64(&imei_misses), k64(&part_misses));
    let e = |keys: &[BlockKey]| keys.iter().map(body).collect::<Vec<u64>>();
    let (e_imei_hits, e_part_hits) = (e(&imei_hits), e(&part_hits));
    let (e_imei_misses, e_part_misses) = (e(&imei_misses), e(&part_misses));

    let lookup = |key: &Key| view.lookup(*key).is_some();
    let record = |key: &Key| view.lookup_record(*key).is_some();
    let old_lookup = |key: &BlockKey| old.lookup(key).is_some();
    let contains = |key: &u64| set.contains(key);
    let search = |key: &u64| sorted.binary_search(key).is_ok();
    let mut cases = vec![
        case("layout 3 IMEI hit", &n_imei_hits, lookup),
        case("layout 3 part hit", &n_part_hits, lookup),
        case(
            "layout 3 part hit, handset unresolved",
            &n_part_hits_2,
            record,
        ),
        case("layout 3 IMEI miss", &n_imei_misses, lookup),
        case("layout 3 part miss", &n_part_misses, lookup),
        case("version 2 IMEI hit", &imei_hits, old_lookup),
        case("version 2 part hit", &part_hits, old_lookup),
        case("version 2 IMEI miss", &imei_misses, old_lookup),
        case("version 2 part miss", &part_misses, old_lookup),
        case("HashSet<u64> IMEI hit", &s_imei_hits, contains),
        case("HashSet<u64> part hit", &s_part_hits, contains),
        case("HashSet<u64> IMEI miss", &s_imei_misses, contains),
        case("HashSet<u64> part miss", &s_part_misses, contains),
        case("sorted Vec<u64> IMEI hit", &s_imei_hits, search),
        case("sorted Vec<u64> IMEI miss", &s_imei_misses, search),
        case("sucds Elias-Fano IMEI hit", &e_imei_hits, |k: &u64| {
            ef_contains(&ef_imeis, *k)
        }),
        case("sucds Elias-Fano part hit", &e_part_hits, |k: &u64| {
            ef_contains(&ef_parts, *k)
        }),
        case("sucds Elias-Fano IMEI miss", &e_imei_misses, |k: &u64| {
            ef_contains(&ef_imeis, *k)
        }),
        case("sucds Elias-Fano part miss", &e_part_misses, |k: &u64| {
            ef_contains(&ef_parts, *k)
        }),
    ];
    let rounds = if smoke { 21 } else { 301 };
    let medians: HashMap<&str, f64> = round_robin(&mut cases, rounds).into_iter().collect();
    drop(cases);
    let m = |name: &str| medians[name];
    eprintln!("             lookups, median ns (round-robin, {rounds} rounds of {BATCH}):");
    for (what, names) in [
        (
            "IMEI hit",
            [
                "layout 3 IMEI hit",
                "version 2 IMEI hit",
                "HashSet<u64> IMEI hit",
                "sorted Vec<u64> IMEI hit",
                "sucds Elias-Fano IMEI hit",
            ],
        ),
        (
            "IMEI miss",
            [
                "layout 3 IMEI miss",
                "version 2 IMEI miss",
                "HashSet<u64> IMEI miss",
                "sorted Vec<u64> IMEI miss",
                "sucds Elias-Fano IMEI miss",
            ],
        ),
    ] {
        eprintln!(
            "               {what:9}  layout 3 {:5.0}  version 2 {:5.0}  HashSet<u64> {:5.0}  sorted Vec<u64> {:5.0}  sucds EF {:5.0}",
            m(names[0]),
            m(names[1]),
            m(names[2]),
            m(names[3]),
            m(names[4])
        );
    }
    for (what, names) in [
        (
            "part hit",
            [
                "layout 3 part hit",
                "version 2 part hit",
                "HashSet<u64> part hit",
                "sucds Elias-Fano part hit",
            ],
        ),
        (
            "part miss",
            [
                "layout 3 part miss",
                "version 2 part miss",
                "HashSet<u64> part miss",
                "sucds Elias-Fano part miss",
            ],
        ),
    ] {
        eprintln!(
            "               {what:9}  layout 3 {:5.0}  version 2 {:5.0}  HashSet<u64> {:5.0}                         sucds EF {:5.0}",
            m(names[0]),
            m(names[1]),
            m(names[2]),
            m(names[3])
        );
    }
    eprintln!(
        "               part hit with its handset unresolved: layout 3 {:.0}",
        m("layout 3 part hit, handset unresolved")
    );
    eprintln!(
        "             miss vs HashSet<u64> miss (target ≤ 1.5×): IMEI {:.2}×, part {:.2}×; hit vs HashSet<u64> hit: IMEI {:.2}×, part {:.2}×",
        m("layout 3 IMEI miss") / m("HashSet<u64> IMEI miss"),
        m("layout 3 part miss") / m("HashSet<u64> part miss"),
        m("layout 3 IMEI hit") / m("HashSet<u64> IMEI hit"),
        m("layout 3 part hit") / m("HashSet<u64> part hit"),
    );
    eprintln!(
        "             sizes: HashSet<u64> {:.1} bits/key (keys only), sorted Vec<u64> 64, sucds EF {:.2} bits/key (keys only)",
        (set.capacity() * 8 / 7).next_power_of_two() as f64 * 9.0 * 8.0 / n as f64,
        (ef_imeis.size_in_bytes() + ef_parts.size_in_bytes()) as f64 * 8.0 / n as f64
    );
    drop((set, sorted, ef_imeis, ef_parts));

    // Load: the O(1) header check, the structure check, one SHA-256.
    use sha2::Digest;
    let (mut checks, mut hashes, mut opens) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..if smoke { 3 } else { 7 } {
        let start = Instant::now();
        let view = View::new(black_box(aligned.bytes())).unwrap();
        opens.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        view.check_structure().unwrap();
        checks.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        black_box(sha2::Sha256::digest(black_box(aligned.bytes())));
        hashes.push(start.elapsed().as_secs_f64());
    }
    let (open, check, hash) = (median(opens), median(checks), median(hashes));
    eprintln!(
        "             load: View::new {:.0} ns; check_structure {:.1} ms; SHA-256 of the {:.1} MB {:.1} ms ({:.2} GB/s); check/SHA-256 {:.2}",
        open * 1e9,
        check * 1e3,
        aligned.len as f64 / 1e6,
        hash * 1e3,
        aligned.len as f64 / hash / 1e9,
        check / hash
    );
}

// ---------------------------------------------------------------------
// The cachegrind driver.

fn write_u64s(path: &Path, values: impl Iterator<Item = u64>) {
    let bytes: Vec<u8> = values.flat_map(u64::to_le_bytes).collect();
    std::fs::write(path, bytes).unwrap();
}

fn read_u64s(path: &Path) -> Vec<u64> {
    std::fs::read(path)
        .unwrap()
        .chunks_exact(8)
        .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap()))
        .collect()
}

/// Writes, to `dir`, a list of `entries` in both layouts, its keys for a
/// `HashSet<u64>`, and 2^20 listed keys in random order.
pub fn prepare(dir: &Path, entries: &[BlocklistEntry]) {
    std::fs::create_dir_all(dir).unwrap();
    let (imeis, parts) = rows_of(entries);
    std::fs::write(
        dir.join("layout3.bin"),
        blocked::build(imeis.clone(), &parts).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("version2.bin"),
        CompactList::build(entries).unwrap().as_bytes(),
    )
    .unwrap();
    write_u64s(&dir.join("set.bin"), entries.iter().map(|e| key64(&e.key)));
    let mut rng = Rng(0xca11);
    let mut imei_hits = Vec::new();
    let mut part_hits = Vec::new();
    while imei_hits.len() < 1 << 20 || part_hits.len() < 1 << 20 {
        match entries[rng.below(entries.len() as u64) as usize].key {
            BlockKey::Imei(imei) if imei_hits.len() < 1 << 20 => imei_hits.push(imei.as_u64()),
            BlockKey::Part(part) if part_hits.len() < 1 << 20 => part_hits.push(part),
            _ => {}
        }
    }
    write_u64s(&dir.join("imei_hits.bin"), imei_hits.into_iter());
    let ids: Vec<u8> = part_hits.iter().flat_map(|part| *part.as_bytes()).collect();
    std::fs::write(dir.join("part_hits.bin"), ids).unwrap();
}

/// Runs `count` lookups of one kind on the prepared list. `mode` is
/// `STRUCTURE-KIND-OUTCOME`: structure `layout3`, `layout3record` (a part
/// hit's handset left unresolved), `version2`, `hashset` or `none` (keys
/// made, nothing looked up: the baseline), kind `imei` or `part`,
/// outcome `hit` or `miss`. Prints what it found.
pub fn cachegrind(mode: &str, dir: &Path, count: usize) {
    if mode == "check" {
        let aligned = Aligned::of(&std::fs::read(dir.join("layout3.bin")).unwrap());
        let view = View::new(aligned.bytes()).unwrap();
        for _ in 0..count {
            view.check_structure().unwrap();
        }
        println!("check: {count} passes over {} entries", view.len());
        return;
    }
    let parts: Vec<&str> = mode.split('-').collect();
    let [structure, kind, outcome] = parts[..] else {
        panic!("mode: STRUCTURE-KIND-OUTCOME");
    };
    let part = kind == "part";
    let hit = outcome == "hit";
    // Keys: hits from the prepared files, misses from a generator (no
    // memory traffic).
    let imei_hits = if hit && !part {
        read_u64s(&dir.join("imei_hits.bin"))
    } else {
        Vec::new()
    };
    let part_hits: Vec<[u8; 32]> = if hit && part {
        std::fs::read(dir.join("part_hits.bin"))
            .unwrap()
            .chunks_exact(32)
            .map(|chunk| chunk.try_into().unwrap())
            .collect()
    } else {
        Vec::new()
    };
    let mut rng = Rng(0x5eed_cafe);
    let mut next = |i: usize| -> BlockKey {
        match (part, hit) {
            (false, true) => {
                BlockKey::Imei(Imei::from_u64(imei_hits[i % imei_hits.len()]).unwrap())
            }
            (true, true) => BlockKey::Part(PartId(part_hits[i % part_hits.len()])),
            (false, false) => {
                BlockKey::Imei(Imei::with_check_digit(rng.below(100_000_000_000_000)).unwrap())
            }
            (true, false) => BlockKey::Part(PartId(rng.digest())),
        }
    };
    let mut found = 0usize;
    match structure {
        "layout3" | "layout3record" => {
            let aligned = Aligned::of(&std::fs::read(dir.join("layout3.bin")).unwrap());
            let view = View::new(aligned.bytes()).unwrap();
            assert!(view.lines_aligned());
            for i in 0..count {
                let key = match next(i) {
                    BlockKey::Imei(imei) => Key::Imei(imei.as_u64() / 10),
                    BlockKey::Part(part) => view.part_key(part.as_bytes()),
                };
                found += if structure == "layout3" {
                    view.lookup(black_box(key)).is_some() as usize
                } else {
                    view.lookup_record(black_box(key)).is_some() as usize
                };
            }
        }
        "version2" => {
            let list =
                CompactList::from_bytes(std::fs::read(dir.join("version2.bin")).unwrap()).unwrap();
            for i in 0..count {
                found += list.lookup(black_box(&next(i))).is_some() as usize;
            }
        }
        "hashset" => {
            let keys = read_u64s(&dir.join("set.bin"));
            let mut set = HashSet::with_capacity(keys.len());
            set.extend(keys);
            for i in 0..count {
                found += set.contains(&black_box(key64(&next(i)))) as usize;
            }
        }
        "none" => {
            for i in 0..count {
                found += black_box(key64(&next(i))) as usize & 1;
            }
        }
        _ => panic!("structure: layout3, layout3record, version2, hashset or none"),
    }
    println!("{mode}: {count} lookups, {found} found");
}
