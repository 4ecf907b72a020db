//! Stories of the compact list: a register's million-entry list answers
//! like the sorted list it came from, at near the entropy bound, and no
//! bytes — truncated, random, lying about their counts or corrupted after
//! the header — make it panic or allocate.

// The allocation counter below needs a global allocator, which cannot be
// written without `unsafe`; the library itself forbids it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashSet;

use partcert::blocklist::{
    BlockKey, BlocklistEntry, CompactHit, CompactKey, CompactList, CompactListView, ListingStatus,
    PartFingerprint, Reason,
};
use partcert::ids::PartId;
use partcert::{Error, Imei};

// ---------------------------------------------------------------------
// Allocation counting, per thread (tests run in parallel threads).

struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|total| total.set(total.get() + layout.size()));
        // SAFETY: same layout contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes this thread allocates while `f` runs.
fn allocated_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATED.with(Cell::get);
    let result = f();
    (result, ALLOCATED.with(Cell::get) - before)
}

// ---------------------------------------------------------------------
// Deterministic random lists.

/// 2000-01-01T00:00:00Z.
const DAY_ZERO: u64 = 946_684_800;
const DAY: u64 = 86_400;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
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

    fn reason(&mut self) -> Reason {
        [Reason::Stolen, Reason::Lost, Reason::Fraud][self.below(3) as usize]
    }

    fn status(&mut self) -> ListingStatus {
        [ListingStatus::Final, ListingStatus::Suspended][self.below(2) as usize]
    }

    fn time(&mut self) -> u64 {
        // 2000-01-01 to 2179-06-06, inclusive.
        DAY_ZERO + self.below(65_536 * DAY)
    }
}

/// `imeis` listed handsets and `parts` listed parts, a part's handset
/// being a listed IMEI (half), an unlisted one (a quarter) or none.
fn random_entries(seed: u64, imeis: usize, parts: usize) -> Vec<BlocklistEntry> {
    let mut rng = Rng(seed);
    let mut listed: Vec<Imei> = (0..imeis).map(|_| rng.imei()).collect();
    listed.sort_unstable();
    listed.dedup();
    let mut entries: Vec<BlocklistEntry> = listed
        .iter()
        .map(|imei| BlocklistEntry {
            key: BlockKey::Imei(*imei),
            reason: rng.reason(),
            listed_at: rng.time(),
            status: rng.status(),
            handset: None,
        })
        .collect();
    for _ in 0..parts {
        let handset = match rng.below(4) {
            0 | 1 if !listed.is_empty() => Some(listed[rng.below(listed.len() as u64) as usize]),
            2 => Some(rng.imei()),
            _ => None,
        };
        entries.push(BlocklistEntry {
            key: BlockKey::Part(rng.part()),
            reason: rng.reason(),
            listed_at: rng.time(),
            status: rng.status(),
            handset,
        });
    }
    // Builders take entries in any order.
    for i in (1..entries.len()).rev() {
        entries.swap(i, rng.below(i as u64 + 1) as usize);
    }
    entries
}

/// What the list must answer for `entry`.
fn expected(entry: &BlocklistEntry, width: u32) -> CompactHit {
    CompactHit {
        key: match entry.key {
            BlockKey::Imei(imei) => CompactKey::Imei(imei),
            BlockKey::Part(part) => CompactKey::Part(PartFingerprint::of(&part, width).unwrap()),
        },
        reason: entry.reason,
        status: entry.status,
        listed_at: entry.listed_at - (entry.listed_at - DAY_ZERO) % DAY,
        handset: entry.handset,
    }
}

/// Hits read from a list (IMEIs first, then parts by digest), with the
/// IMEIs put in numeric order: a list keeps them in the order of its
/// public bijection of IMEI bodies.
fn in_list_order(hits: impl Iterator<Item = CompactHit>) -> Vec<CompactHit> {
    let hits: Vec<CompactHit> = hits.collect();
    let imeis = hits
        .iter()
        .take_while(|hit| matches!(hit.key, CompactKey::Imei(_)))
        .count();
    let (mut listed, parts) = (hits[..imeis].to_vec(), &hits[imeis..]);
    assert!(
        parts
            .iter()
            .all(|hit| matches!(hit.key, CompactKey::Part(_))),
        "the IMEIs come first"
    );
    listed.sort_unstable_by_key(|hit| match hit.key {
        CompactKey::Imei(imei) => imei,
        CompactKey::Part(_) => unreachable!(),
    });
    listed.extend_from_slice(parts);
    listed
}

/// log2 C(u, n), by Stirling's series for ln Γ, arranged to stay exact
/// for n much smaller than u.
fn log2_binomial(u: f64, n: f64) -> f64 {
    fn ln_factorial(x: f64) -> f64 {
        if x < 20.0 {
            (2..=x as u64).map(|k| (k as f64).ln()).sum()
        } else {
            x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x)
                - 1.0 / (360.0 * x * x * x)
        }
    }
    if n == 0.0 {
        return 0.0;
    }
    // ln u! - ln (u-n)!, with (u - n) ln(1 - n/u) through ln_1p.
    let falling = n * u.ln() - (u - n) * (-n / u).ln_1p() - n - 0.5 * (-n / u).ln_1p();
    (falling - ln_factorial(n)) / std::f64::consts::LN_2
}

const IMEI_UNIVERSE: f64 = 1e14; // 14-digit bodies: the check digit is implied

// ---------------------------------------------------------------------

#[test]
fn the_bound_is_computed_right() {
    // Against an exact sum of logs.
    for (u, n) in [(1000u64, 10u64), (1_000_000, 1000), (1 << 40, 5000)] {
        let exact: f64 = (0..n)
            .map(|i| ((u - i) as f64 / (n - i) as f64).log2())
            .sum();
        let stirling = log2_binomial(u as f64, n as f64);
        assert!(
            (exact - stirling).abs() < 1e-6 * exact,
            "{u} {n}: {exact} vs {stirling}"
        );
    }
}

#[test]
fn a_registers_million_entry_list_answers_like_the_sorted_list_it_came_from() {
    let entries = random_entries(11, 500_000, 500_000);
    let list = CompactList::build(&entries).unwrap();
    assert_eq!(list.len(), entries.len() as u64);
    let width = list.fingerprint_width();
    assert_eq!(width, 19 + 41); // ceil(log2 500 000) = 19

    // Every listed key hits, with its exact metadata (the time to the day).
    for entry in &entries {
        let want = expected(entry, width);
        let hit = list.lookup(&entry.key).expect("a listed key hits");
        if hit != want {
            // Only a fingerprint collision may report another listing first.
            assert!(list.lookup_all(&entry.key).any(|hit| hit == want));
        }
    }

    // A million random parts that are not listed: at most 2^-41 each.
    let mut rng = Rng(0xdead_beef);
    let false_positives = (0..1_000_000)
        .filter(|_| list.lookup(&BlockKey::Part(rng.part())).is_some())
        .count();
    assert_eq!(false_positives, 0);
    // IMEIs are exact.
    let listed: HashSet<BlockKey> = entries.iter().map(|entry| entry.key).collect();
    for _ in 0..200_000 {
        let key = BlockKey::Imei(rng.imei());
        assert_eq!(list.lookup(&key).is_some(), listed.contains(&key));
    }

    // Iterating gives every entry back: the IMEIs (in the list's key
    // order), then the parts by digest.
    let mut sorted = entries.clone();
    sorted.sort_unstable_by_key(|entry| entry.key);
    let want: Vec<CompactHit> = sorted.iter().map(|entry| expected(entry, width)).collect();
    assert!(
        in_list_order(list.iter()) == want,
        "iteration differs from the entries"
    );

    // Bytes round trip: owned and borrowed answer the same.
    let bytes = list.as_bytes().to_vec();
    let again = CompactList::from_bytes(bytes.clone()).unwrap();
    assert_eq!(again, list);
    let view = CompactListView::new(&bytes).unwrap();
    assert_eq!(view.len(), list.len());
    assert_eq!(view.sizes(), list.sizes());
    for entry in entries.iter().step_by(97) {
        assert_eq!(view.lookup(&entry.key), list.lookup(&entry.key));
        assert_eq!(again.lookup(&entry.key), list.lookup(&entry.key));
    }
    assert!(view.iter().eq(list.iter()));
    // The same entries in another order encode to the same bytes.
    assert_eq!(CompactList::build(&sorted).unwrap(), list);

    // Near the bound.
    let sizes = list.sizes();
    let imeis = list.imei_count() as f64;
    let parts = list.part_count() as f64;
    let imei_bound = log2_binomial(IMEI_UNIVERSE, imeis);
    let part_bound = log2_binomial(2f64.powi(width as i32), parts);
    assert!(sizes.imei_key_bits as f64 <= 1.10 * imei_bound);
    assert!(sizes.part_key_bits as f64 <= 1.10 * part_bound);
    assert!(sizes.total_bytes as f64 * 8.0 <= 80.0 * (imeis + parts));
}

/// `n` listed handsets and `n` parts, each part paired to one of them (as
/// `for_reported_handset` lists them), their metadata as wide as any: any
/// day, either status.
fn reported_handsets(seed: u64, n: usize) -> Vec<BlocklistEntry> {
    let mut entries = random_entries(seed, n, 0);
    let mut rng = Rng(seed ^ 0x77);
    let handsets: Vec<Imei> = entries
        .iter()
        .filter_map(|entry| match entry.key {
            BlockKey::Imei(imei) => Some(imei),
            BlockKey::Part(_) => None,
        })
        .collect();
    for _ in 0..n {
        entries.push(BlocklistEntry {
            key: BlockKey::Part(rng.part()),
            reason: rng.reason(),
            listed_at: rng.time(),
            status: rng.status(),
            handset: Some(handsets[rng.below(handsets.len() as u64) as usize]),
        });
    }
    entries
}

#[test]
fn the_size_estimate_is_a_built_lists_size() {
    // `sizes_for` estimates a list whose metadata is as wide as any, as
    // these lists' is: within half a percent, keys and total alike.
    let near = |estimate: u64, built: u64| (estimate as f64 / built as f64 - 1.0).abs() < 0.005;
    for (seed, n) in [(1, 20_000), (2, 300_000)] {
        let list = CompactList::build(&reported_handsets(seed, n)).unwrap();
        let built = list.sizes();
        let estimate = CompactList::sizes_for(list.imei_count(), list.part_count()).unwrap();
        assert!(
            near(estimate.total_bytes, built.total_bytes),
            "{n}: {estimate:?} for {built:?}"
        );
        assert!(near(estimate.imei_key_bits, built.imei_key_bits), "{n}");
        assert!(near(estimate.part_key_bits, built.part_key_bits), "{n}");
        assert_eq!(estimate.metadata_bits, built.metadata_bits, "{n}");
        assert_eq!(estimate.directory_bits, built.directory_bits, "{n}");
    }
}

#[test]
fn at_national_scale_the_sizes_stay_near_the_bound() {
    // Estimated without building (see `sizes_for`; the test above holds the
    // estimate to built lists). Half IMEIs, half parts, every part's
    // handset listed (as `for_reported_handset` lists them).
    for total in [1_000_000u64, 10_000_000, 200_000_000, 1 << 33] {
        let half = total / 2;
        let sizes = CompactList::sizes_for(half, half).unwrap();
        let width = CompactList::fingerprint_width_for(half);
        let imei_ratio = sizes.imei_key_bits as f64 / log2_binomial(IMEI_UNIVERSE, half as f64);
        let part_ratio =
            sizes.part_key_bits as f64 / log2_binomial(2f64.powi(width as i32), half as f64);
        let per_entry = sizes.total_bytes as f64 * 8.0 / total as f64;
        assert!(
            imei_ratio <= 1.10,
            "{total}: IMEI keys at {imei_ratio:.3}× the bound"
        );
        assert!(
            part_ratio <= 1.10,
            "{total}: part keys at {part_ratio:.3}× the bound"
        );
        assert!(per_entry <= 80.0, "{total}: {per_entry:.1} bits per entry");
    }
    assert!(CompactList::sizes_for(1 << 32, 1 << 32).is_ok());
    assert!(CompactList::sizes_for((1 << 32) + 1, 0).is_err());
}

#[test]
fn small_lists_and_edge_cases() {
    // Empty.
    let empty = CompactList::build(&[]).unwrap();
    assert!(empty.is_empty());
    assert_eq!(empty.as_bytes().len(), 64);
    let mut rng = Rng(5);
    assert_eq!(empty.lookup(&BlockKey::Imei(rng.imei())), None);
    assert_eq!(empty.lookup(&BlockKey::Part(rng.part())), None);
    assert_eq!(empty.iter().count(), 0);

    // Every small size answers exactly.
    for n in 1..40 {
        let entries = random_entries(n as u64, n, n);
        let list = CompactList::build(&entries).unwrap();
        for entry in &entries {
            assert_eq!(
                list.lookup(&entry.key),
                Some(expected(entry, list.fingerprint_width()))
            );
        }
        assert_eq!(list.iter().count(), entries.len());
    }

    // Extremes of the IMEI universe, reasons and dates.
    let lowest = Imei::with_check_digit(0).unwrap();
    let highest = Imei::with_check_digit(99_999_999_999_999).unwrap();
    let entry = |key, reason, listed_at, handset| BlocklistEntry {
        key,
        reason,
        listed_at,
        status: ListingStatus::Suspended,
        handset,
    };
    let part = rng.part();
    let entries = [
        entry(BlockKey::Imei(lowest), Reason::Fraud, DAY_ZERO, None),
        entry(
            BlockKey::Imei(highest),
            Reason::Lost,
            DAY_ZERO + 65_536 * DAY - 1,
            None,
        ),
        entry(
            BlockKey::Part(part),
            Reason::Stolen,
            DAY_ZERO + 3,
            Some(highest),
        ),
    ];
    let list = CompactList::build(&entries).unwrap();
    for entry in &entries {
        assert_eq!(list.lookup(&entry.key), Some(expected(entry, 42)));
    }
    assert_eq!(
        list.lookup(&BlockKey::Part(part)).unwrap().handset,
        Some(highest)
    );

    // An IMEI with a wrong check digit (decoded unchecked) never matches.
    let wrong: Imei =
        postcard::from_bytes(&postcard::to_allocvec(&(lowest.as_u64() + 1)).unwrap()).unwrap();
    assert_eq!(list.lookup(&BlockKey::Imei(wrong)), None);
    let absurd: Imei = postcard::from_bytes(&postcard::to_allocvec(&u64::MAX).unwrap()).unwrap();
    assert_eq!(list.lookup(&BlockKey::Imei(absurd)), None);
}

#[test]
fn colliding_fingerprints_keep_both_listings() {
    // Two parts whose digests share their first 16 bytes.
    let mut first = [7u8; 32];
    let mut second = [7u8; 32];
    first[31] = 1;
    second[31] = 2;
    let (first, second) = (PartId(first), PartId(second));
    let listing = |part, reason| BlocklistEntry {
        key: BlockKey::Part(part),
        reason,
        listed_at: DAY_ZERO,
        status: ListingStatus::Final,
        handset: None,
    };
    let list = CompactList::build(&[listing(second, Reason::Lost), listing(first, Reason::Fraud)])
        .unwrap();
    assert_eq!(list.len(), 2);
    // The first by full digest answers `lookup`; both answer `lookup_all`.
    for part in [first, second] {
        assert_eq!(
            list.lookup(&BlockKey::Part(part)).unwrap().reason,
            Reason::Fraud
        );
        let reasons: Vec<Reason> = list
            .lookup_all(&BlockKey::Part(part))
            .map(|hit| hit.reason)
            .collect();
        assert_eq!(reasons, [Reason::Fraud, Reason::Lost]);
    }
    let hit = list.lookup(&BlockKey::Part(first)).unwrap();
    let CompactKey::Part(fingerprint) = hit.key else {
        panic!("a part hit");
    };
    assert!(fingerprint.matches(&first) && fingerprint.matches(&second));
}

#[test]
fn the_builder_refuses_what_it_cannot_keep() {
    let mut rng = Rng(9);
    let imei = rng.imei();
    let part = rng.part();
    let entry = |key, listed_at, handset| BlocklistEntry {
        key,
        reason: Reason::Stolen,
        listed_at,
        status: ListingStatus::Final,
        handset,
    };
    let fine = DAY_ZERO + 100 * DAY;
    let cases = [
        vec![
            entry(BlockKey::Imei(imei), fine, None),
            entry(BlockKey::Imei(imei), fine + 1, None),
        ],
        vec![
            entry(BlockKey::Part(part), fine, None),
            entry(BlockKey::Part(part), fine, None),
        ],
    ];
    for entries in cases {
        assert_eq!(
            CompactList::build(&entries),
            Err(Error::NotCanonical("compact list entries"))
        );
    }
    for entries in [
        [entry(BlockKey::Imei(imei), DAY_ZERO - 1, None)],
        [entry(BlockKey::Part(part), DAY_ZERO + 65_536 * DAY, None)],
        [entry(BlockKey::Imei(imei), fine, Some(imei))],
    ] {
        assert!(matches!(
            CompactList::build(&entries),
            Err(Error::InvalidField(_))
        ));
    }
    let invalid: Imei =
        postcard::from_bytes(&postcard::to_allocvec(&(imei.as_u64() ^ 1)).unwrap()).unwrap();
    assert!(matches!(
        CompactList::build(&[entry(BlockKey::Imei(invalid), fine, None)]),
        Err(Error::InvalidImei(_))
    ));
    assert!(matches!(
        CompactList::build(&[entry(BlockKey::Part(part), fine, Some(invalid))]),
        Err(Error::InvalidImei(_))
    ));
}

/// A layout version 3 header claiming these counts, with the derived
/// width and line counts that could hold them (so only the lengths can be
/// wrong), followed by `body`.
fn header(imeis: u64, parts: u64, body: &[u8]) -> Vec<u8> {
    let mut bytes = b"PCCL".to_vec();
    bytes.push(3);
    bytes.push(CompactList::fingerprint_width_for(parts) as u8);
    bytes.extend_from_slice(&[0, 0]);
    for count in [imeis, parts, 0] {
        bytes.extend_from_slice(&count.to_le_bytes());
    }
    // Lines of at most 16 entries; the fullest holds 16 (or all).
    for count in [imeis, parts] {
        bytes.extend_from_slice(&(count.div_ceil(16) as u32).to_le_bytes());
    }
    for count in [imeis, parts] {
        bytes.extend_from_slice(&(count.min(16) as u16).to_le_bytes());
    }
    // One day (day 0) each, nothing suspended, reserved bytes zero.
    bytes.resize(64, 0);
    bytes.extend_from_slice(body);
    bytes
}

/// Loads `bytes` both ways, checking neither allocates more than a copy.
fn load(bytes: &[u8]) -> Result<CompactList, Error> {
    let (view, allocated) = allocated_during(|| CompactListView::new(bytes).map(|_| ()));
    assert_eq!(allocated, 0, "a view allocates nothing");
    let (owned, allocated) = allocated_during(|| CompactList::from_bytes(bytes));
    // A copy, room to put its first line on a cache line, and the shared
    // handle to it.
    assert!(
        allocated <= bytes.len() + 64 + 64,
        "{allocated} bytes for {}",
        bytes.len()
    );
    assert_eq!(view.is_ok(), owned.is_ok());
    owned
}

#[test]
fn hostile_bytes_give_typed_errors_without_allocating() {
    let list = CompactList::build(&random_entries(3, 60, 60)).unwrap();
    let bytes = list.as_bytes();

    // Truncated at every length.
    for len in 0..bytes.len() {
        assert_eq!(load(&bytes[..len]), Err(Error::Truncated), "at {len}");
    }
    // Trailing bytes.
    let mut longer = bytes.to_vec();
    longer.extend_from_slice(&[0; 9]);
    assert_eq!(load(&longer), Err(Error::TrailingBytes(9)));

    // Absurd counts: refused by bound, or by length, never allocated for.
    for (imeis, parts) in [
        (u64::MAX, 0),
        (0, u64::MAX),
        ((1 << 32) + 1, 0),
        (0, (1 << 32) + 1),
    ] {
        assert!(
            matches!(
                load(&header(imeis, parts, &[])),
                Err(Error::LengthOverBound { .. })
            ),
            "{imeis} {parts}"
        );
    }
    for (imeis, parts) in [(1 << 32, 1 << 32), (1 << 32, 0), (0, 3)] {
        assert_eq!(load(&header(imeis, parts, &[0; 56])), Err(Error::Truncated));
    }
    // A line count past what the list may have, or that cannot hold its
    // entries.
    let mut lines = header(1 << 32, 0, &[]);
    lines[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(load(&lines), Err(Error::LengthOverBound { .. })));
    lines[32..36].copy_from_slice(&1u32.to_le_bytes());
    assert!(matches!(load(&lines), Err(Error::InvalidField(_))));

    // Header fields that must hold their one value.
    let field = |at: usize, value: u8| {
        let mut bad = bytes.to_vec();
        bad[at] = value;
        load(&bad)
    };
    assert_eq!(field(0, b'X'), Err(Error::BadMagic));
    // Layout version 2 (issue 11's Elias-Fano lists) is read no more.
    assert!(matches!(field(4, 2), Err(Error::InvalidField(_))));
    assert!(matches!(field(4, 4), Err(Error::InvalidField(_))));
    assert!(matches!(
        field(5, bytes[5] + 1),
        Err(Error::InvalidField(_))
    ));
    for reserved in [6, 7, 53, 63] {
        assert!(matches!(field(reserved, 1), Err(Error::InvalidField(_))));
    }
    assert!(matches!(field(52, 4), Err(Error::InvalidField(_)))); // flags

    // Random bytes.
    let mut rng = Rng(77);
    for len in 0..2000 {
        let random: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert!(load(&random).is_err());
        let framed = header(rng.below(50), rng.below(50), &random);
        let _ = load(&framed);
    }
}

/// Every query on `list`, for `keys`, run to the end.
fn exercise(list: &CompactListView<'_>, keys: &[BlockKey]) -> usize {
    let mut answers = 0;
    for key in keys {
        answers += list.lookup(key).is_some() as usize;
        answers += list.lookup_all(key).count();
    }
    answers + list.iter().count()
}

#[test]
fn corrupted_lists_that_pass_the_length_checks_never_panic() {
    let entries = random_entries(21, 3000, 3000);
    let list = CompactList::build(&entries).unwrap();
    let mut rng = Rng(4);
    let mut keys: Vec<BlockKey> = entries.iter().step_by(7).map(|entry| entry.key).collect();
    keys.extend((0..300).map(|_| BlockKey::Part(rng.part())));
    keys.extend((0..300).map(|_| BlockKey::Imei(rng.imei())));

    // Bytes flipped after the header.
    for round in 0..200 {
        let mut bytes = list.as_bytes().to_vec();
        for _ in 0..1 + round % 50 {
            let at = 64 + rng.below(bytes.len() as u64 - 64) as usize;
            bytes[at] ^= 1 << rng.below(8);
        }
        let view = CompactListView::new(&bytes).unwrap();
        exercise(&view, &keys);
    }
    // Every byte after the header random, or all ones, or all zeros.
    for fill in 0..3 {
        let mut bytes = list.as_bytes().to_vec();
        for byte in &mut bytes[64..] {
            *byte = match fill {
                0 => rng.next() as u8,
                1 => 0xff,
                _ => 0,
            };
        }
        let view = CompactListView::new(&bytes).unwrap();
        exercise(&view, &keys);
    }
    // Random bodies for random counts.
    for _ in 0..300 {
        let (imeis, parts) = (rng.below(3000), rng.below(3000));
        let probe = header(imeis, parts, &[]);
        let Err(Error::Truncated) = CompactListView::new(&probe) else {
            continue;
        };
        // Grow the body until the length is right.
        let mut body = Vec::new();
        loop {
            let bytes = header(imeis, parts, &body);
            match CompactListView::new(&bytes) {
                Ok(view) => {
                    exercise(&view, &keys);
                    break;
                }
                Err(Error::Truncated) => body.extend((0..4).map(|_| rng.next() as u8)),
                Err(other) => panic!("{other:?}"),
            }
        }
    }
}

/// A small list whose bytes pin layout version 3: any change to the
/// encoding must change this vector, and the version with it.
fn golden_list() -> CompactList {
    let imei = |body| Imei::with_check_digit(body).unwrap();
    let at = DAY_ZERO + 9_500 * DAY + 3_600; // 2026-01-04, 01:00 UTC
    let entry = |key, reason, status, handset| BlocklistEntry {
        key,
        reason,
        listed_at: at,
        status,
        handset,
    };
    CompactList::build(&[
        entry(
            BlockKey::Imei(imei(35_693_803_564_380)),
            Reason::Stolen,
            ListingStatus::Final,
            None,
        ),
        entry(
            BlockKey::Imei(imei(49_015_420_323_751)),
            Reason::Lost,
            ListingStatus::Suspended,
            None,
        ),
        entry(
            BlockKey::Part(PartId([0x11; 32])),
            Reason::Stolen,
            ListingStatus::Final,
            Some(imei(35_693_803_564_380)),
        ),
        entry(
            BlockKey::Part(PartId([0xee; 32])),
            Reason::Fraud,
            ListingStatus::Final,
            Some(imei(35_345_678_901_234)),
        ),
        entry(
            BlockKey::Part(PartId([0x80; 32])),
            Reason::Lost,
            ListingStatus::Final,
            None,
        ),
    ])
    .unwrap()
}

const GOLDEN: &str = concat!(
    "5043434c032b0000020000000000000003000000000000000100000000000000",
    "0100000001000000020003001c2500001c250000010000000000000000000000",
    "099dd06842c4d877a89967240100000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000010",
    "8888888888107c7b7b7b7bdfdddddddd49000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "00000000080000000000000008000000130b000000000000f29fa28e25200000",
);

#[test]
fn the_layout_is_pinned_by_a_golden_vector() {
    let list = golden_list();
    let hex: String = list
        .as_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(hex, GOLDEN, "layout version 3 changed");
    let bytes: Vec<u8> = (0..GOLDEN.len() / 2)
        .map(|i| u8::from_str_radix(&GOLDEN[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let view = CompactListView::new(&bytes).unwrap();
    assert_eq!(&bytes[..8], b"PCCL\x03\x2b\x00\x00"); // magic, version, w = 43, reserved
    // Two IMEIs, three parts, one handset (35345678901234) in the side
    // table; one line each, holding 2 and 3 entries; both sequences'
    // days start at day 9500 (2026-01-04) and span one day; some IMEI is
    // suspended (flag bit 0).
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    assert_eq!((u64_at(8), u64_at(16), u64_at(24)), (2, 3, 1));
    assert_eq!((u16_at(40), u16_at(42)), (2, 3));
    assert_eq!(
        (u16_at(44), u16_at(46), u16_at(48), u16_at(50)),
        (9_500, 0, 9_500, 0)
    );
    assert_eq!(bytes[52], 1);
    assert!(view.iter().eq(list.iter()));
    assert_eq!(view.len(), 5);
    let unlisted = Imei::with_check_digit(35_345_678_901_234).unwrap();
    let hit = view.lookup(&BlockKey::Part(PartId([0xee; 32]))).unwrap();
    assert_eq!((hit.reason, hit.handset), (Reason::Fraud, Some(unlisted)));
    assert_eq!(hit.listed_at, DAY_ZERO + 9_500 * DAY);
    let CompactKey::Part(fingerprint) = hit.key else {
        panic!("a part hit");
    };
    assert_eq!(fingerprint.to_string(), "eeeeeeeeeee/43");
    assert_eq!(
        view.lookup(&BlockKey::Part(PartId([0x80; 32])))
            .unwrap()
            .handset,
        None
    );
    assert_eq!(view.lookup(&BlockKey::Imei(unlisted)), None);
}
