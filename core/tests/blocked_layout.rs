//! Compact list layout version 3 ("blocked", issue 17), on its own: for any
//! list — IMEIs, parts with colliding fingerprints, empty, one entry, all
//! in one bucket, one TAC's serials — every key is answered as a sorted
//! list would answer it, iteration gives back every entry, the structure
//! check accepts every built list and refuses altered ones with a typed
//! error, and no bytes make a lookup panic or allocate.
//!
//! `CompactList` is this layout; its module is compiled in here by path to
//! reach what the public API keeps inside (sections, records, the IMEI
//! bijection, the hook told of every read). `tests/compact.rs` tells the
//! same stories through the public API.

// The allocation counter below needs a global allocator, which cannot be
// written without `unsafe`; the library itself forbids it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;

use proptest::prelude::*;

#[allow(dead_code)]
#[path = "../src/blocklist/compact/blocked.rs"]
mod blocked;

use blocked::{Error, Hit, Key, NO_HANDSET, PartRow, View};

/// Builds from borrowed rows (the layout takes its IMEI rows by value).
fn build(imeis: &[(u64, u64)], parts: &[PartRow]) -> Result<Vec<u8>, Error> {
    blocked::build(imeis.to_vec(), parts)
}

// ---------------------------------------------------------------------
// Allocation counting, per thread.

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

fn allocated_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATED.with(Cell::get);
    let result = f();
    (result, ALLOCATED.with(Cell::get) - before)
}

// ---------------------------------------------------------------------
// Lists of every shape.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn digest(&mut self) -> [u8; 32] {
        let mut digest = [0u8; 32];
        for chunk in digest.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        digest
    }
}

const BODIES: u64 = blocked::IMEI_BODIES;

/// What a list is built from.
#[derive(Debug, Clone)]
struct Rows {
    imeis: Vec<(u64, u64)>,
    parts: Vec<PartRow>,
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Uniform IMEIs, parts with random handsets.
    Random,
    /// One TAC's consecutive serials.
    OneTac,
    /// Every key in one directory bucket (IMEIs chosen by their mixed key).
    OneBucket,
    /// Parts in runs sharing a fingerprint, some longer than a line.
    Collisions,
    /// Every entry alike: one day, suspended, no handsets.
    Uniform,
}

fn meta(rng: &mut Rng, shape: Shape) -> u64 {
    match shape {
        Shape::Uniform => 2 | 1 << 2 | 7_000 << 3,
        _ => {
            let day = match rng.below(4) {
                0 => 0,
                1 => 65_535,
                _ => 8_000 + rng.below(3_650),
            };
            rng.below(3) | rng.below(2) << 2 | day << 3
        }
    }
}

fn rows(seed: u64, n_imeis: usize, n_parts: usize, shape: Shape) -> Rows {
    let mut rng = Rng(seed | 1);
    let mut bodies: Vec<u64> = match shape {
        Shape::OneTac => {
            let start = 35_693_803_000_000 + rng.below(900_000);
            (0..n_imeis as u64).map(|i| start + i).collect()
        }
        Shape::OneBucket => {
            // Keys close together, so their bodies are anything.
            let base = rng.below(BODIES - 1_000_000);
            (0..n_imeis)
                .map(|_| blocked::unmix_imei(base + rng.below(1_000_000)).unwrap())
                .collect()
        }
        _ => (0..n_imeis).map(|_| rng.below(BODIES)).collect(),
    };
    bodies.sort_unstable();
    bodies.dedup();
    let imeis: Vec<(u64, u64)> = bodies
        .iter()
        .map(|body| (*body, meta(&mut rng, shape)))
        .collect();
    let mut parts: Vec<PartRow> = Vec::new();
    while parts.len() < n_parts {
        let mut id = rng.digest();
        if let Shape::OneBucket = shape {
            id[..5].copy_from_slice(&[0x5a, 0x11, 0x33, 0x77, 0x01]);
        }
        let run = match shape {
            Shape::Collisions => match rng.below(8) {
                0 => 12 + rng.below(30) as usize,
                1..=3 => 2 + rng.below(4) as usize,
                _ => 1,
            },
            _ => 1,
        };
        for _ in 0..run.min(n_parts - parts.len()) {
            // Equal first 16 bytes: an equal fingerprint at any width.
            id[16..].copy_from_slice(&rng.digest()[16..]);
            let handset = match (shape, rng.below(4)) {
                (Shape::Uniform, _) => NO_HANDSET,
                (_, 0 | 1) if !bodies.is_empty() => bodies[rng.below(bodies.len() as u64) as usize],
                (_, 2) => rng.below(BODIES),
                _ => NO_HANDSET,
            };
            parts.push(PartRow {
                id,
                meta: meta(&mut rng, shape),
                handset,
            });
        }
    }
    parts.sort_unstable_by_key(|row| row.id);
    parts.dedup_by_key(|row| row.id);
    Rows { imeis, parts }
}

// ---------------------------------------------------------------------
// The sorted list the layout must answer like.

struct Model {
    width: u32,
    imeis: BTreeMap<u64, u64>,
    /// Parts by fingerprint, each run in digest order: (meta, handset).
    parts: BTreeMap<u128, Vec<(u64, u64)>>,
}

impl Model {
    fn of(rows: &Rows) -> Self {
        let width = blocked::fingerprint_width(rows.parts.len() as u64);
        let mut parts: BTreeMap<u128, Vec<(u64, u64)>> = BTreeMap::new();
        for row in &rows.parts {
            parts
                .entry(blocked::fingerprint_of(&row.id, width))
                .or_default()
                .push((row.meta, row.handset));
        }
        Model {
            width,
            imeis: rows.imeis.iter().copied().collect(),
            parts,
        }
    }

    fn hit(key: Key, meta: u64, handset: u64) -> Hit {
        Hit {
            key,
            reason: (meta & 3) as u8,
            suspended: (meta >> 2) & 1 == 1,
            day: (meta >> 3) as u16,
            handset: (handset != NO_HANDSET).then_some(handset),
        }
    }

    fn all(&self, key: Key) -> Vec<Hit> {
        match key {
            Key::Imei(body) => self
                .imeis
                .get(&body)
                .map(|meta| Model::hit(key, *meta, NO_HANDSET))
                .into_iter()
                .collect(),
            Key::Part(print) => self
                .parts
                .get(&print)
                .map(|run| {
                    run.iter()
                        .map(|(meta, handset)| Model::hit(key, *meta, *handset))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Every entry, in the layout's order: IMEIs by mixed key, then parts.
    fn entries(&self) -> Vec<Hit> {
        let mut imeis: Vec<(u64, Hit)> = self
            .imeis
            .iter()
            .map(|(body, meta)| {
                let hit = Model::hit(Key::Imei(*body), *meta, NO_HANDSET);
                (blocked::mix_imei(*body).unwrap(), hit)
            })
            .collect();
        imeis.sort_unstable_by_key(|(key, _)| *key);
        let parts = self.parts.iter().flat_map(|(print, run)| {
            run.iter()
                .map(|(meta, handset)| Model::hit(Key::Part(*print), *meta, *handset))
        });
        imeis.into_iter().map(|(_, hit)| hit).chain(parts).collect()
    }
}

/// Asserts the view answers every listed key, its neighbours and random
/// keys as the model does, and iterates the model's entries.
fn answers_like(view: &View<'_>, model: &Model, rng: &mut Rng) {
    assert_eq!(view.fingerprint_width(), model.width);
    let mut probes: Vec<Key> = Vec::new();
    for body in model.imeis.keys() {
        let key = blocked::mix_imei(*body).unwrap();
        probes.push(Key::Imei(*body));
        // Neighbours in key space: the likeliest misses to go wrong.
        for near in [key.wrapping_sub(1), key + 1] {
            if let Some(body) = blocked::unmix_imei(near) {
                probes.push(Key::Imei(body));
            }
        }
    }
    let top = 1u128 << model.width;
    for print in model.parts.keys() {
        probes.push(Key::Part(*print));
        probes.push(Key::Part(print.wrapping_sub(1) % top));
        probes.push(Key::Part((print + 1) % top));
    }
    for _ in 0..200 {
        probes.push(Key::Imei(rng.below(BODIES)));
        probes.push(Key::Part(
            (u128::from(rng.next()) << 64 | u128::from(rng.next())) % top,
        ));
    }
    for key in probes {
        let expected = model.all(key);
        assert_eq!(
            view.lookup(key),
            expected.first().copied(),
            "lookup {key:?}"
        );
        let all: Vec<Hit> = view.lookup_all(key).collect();
        assert_eq!(all, expected, "lookup_all {key:?}");
    }
    assert_eq!(view.iter().collect::<Vec<_>>(), model.entries());
}

fn shape_of(index: u8) -> Shape {
    match index % 5 {
        0 => Shape::Random,
        1 => Shape::OneTac,
        2 => Shape::OneBucket,
        3 => Shape::Collisions,
        _ => Shape::Uniform,
    }
}

// ---------------------------------------------------------------------
// Alterations.

fn line_range(view: &View<'_>, part: bool, line: usize) -> std::ops::Range<usize> {
    let sections = view.sections();
    let lines = if part {
        sections.part_lines
    } else {
        sections.imei_lines
    };
    let start = lines.start + 64 * line;
    start..start + 64
}

fn line_count(view: &View<'_>, part: bool) -> usize {
    let sections = view.sections();
    let lines = if part {
        sections.part_lines
    } else {
        sections.imei_lines
    };
    lines.len() / 64
}

// ---------------------------------------------------------------------
// Properties.

proptest! {
    // 96 cases a property unless PROPTEST_CASES says otherwise.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(96),
    ))]

    /// Any list answers like the sorted list it came from.
    #[test]
    fn any_list_answers_like_a_sorted_list(
        seed in any::<u64>(),
        n_imeis in 0usize..400,
        n_parts in 0usize..400,
        shape in any::<u8>(),
    ) {
        let rows = rows(seed, n_imeis, n_parts, shape_of(shape));
        let bytes = build(&rows.imeis, &rows.parts).unwrap();
        let view = View::new(&bytes).unwrap();
        prop_assert_eq!(view.imei_count(), rows.imeis.len() as u64);
        prop_assert_eq!(view.part_count(), rows.parts.len() as u64);
        prop_assert_eq!(view.check_structure(), Ok(()));
        answers_like(&view, &Model::of(&rows), &mut Rng(seed ^ 0xabcd));
    }

    /// The check refuses swapped lines, a changed directory entry, and
    /// truncated or extended bytes, with a typed error.
    #[test]
    fn altered_lists_are_refused(
        seed in any::<u64>(),
        n_imeis in 0usize..300,
        n_parts in 0usize..300,
        shape in any::<u8>(),
        pick in any::<u64>(),
        flip in 1u32..,
    ) {
        let rows = rows(seed, n_imeis, n_parts, shape_of(shape));
        let bytes = build(&rows.imeis, &rows.parts).unwrap();
        let view = View::new(&bytes).unwrap();
        for part in [false, true] {
            let lines = line_count(&view, part);
            if lines >= 2 {
                let a = (pick % lines as u64) as usize;
                let b = (a + 1 + (pick >> 32) as usize % (lines - 1)) % lines;
                let (ra, rb) = (line_range(&view, part, a), line_range(&view, part, b));
                if bytes[ra.clone()] != bytes[rb.clone()] {
                    let mut swapped = bytes.clone();
                    swapped.copy_within(ra.clone(), rb.start);
                    swapped[ra.clone()].copy_from_slice(&bytes[rb.clone()]);
                    let altered = View::new(&swapped).unwrap();
                    prop_assert!(altered.check_structure().is_err(), "swapped lines {a} and {b}");
                }
            }
        }
        let sections = view.sections();
        let dir = sections.imei_directory.start..sections.part_directory.end;
        if !dir.is_empty() {
            let entry = dir.start + 4 * (pick as usize % (dir.len() / 4));
            let mut changed = bytes.clone();
            let value = u32::from_le_bytes(changed[entry..entry + 4].try_into().unwrap()) ^ flip;
            changed[entry..entry + 4].copy_from_slice(&value.to_le_bytes());
            let altered = View::new(&changed).unwrap();
            prop_assert!(altered.check_structure().is_err(), "changed directory entry at {entry}");
        }
        let cut = 1 + (pick as usize % bytes.len());
        prop_assert!(matches!(View::new(&bytes[..bytes.len() - cut]), Err(Error::Truncated)));
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 3]);
        prop_assert_eq!(View::new(&longer).unwrap_err(), Error::TrailingBytes(3));
    }

    /// Corrupted bytes after a valid header: lookups, iteration and the
    /// check never panic, and lookups allocate nothing.
    #[test]
    fn corrupted_bytes_never_panic(
        seed in any::<u64>(),
        n_imeis in 0usize..200,
        n_parts in 0usize..200,
        flips in proptest::collection::vec((any::<u64>(), any::<u8>()), 1..40),
    ) {
        let rows = rows(seed, n_imeis, n_parts, shape_of(seed as u8));
        let mut bytes = build(&rows.imeis, &rows.parts).unwrap();
        for (at, value) in flips {
            let at = 64 + (at as usize % (bytes.len() - 64).max(1));
            if at < bytes.len() {
                bytes[at] ^= value | 1;
            }
        }
        let view = View::new(&bytes).unwrap();
        let _ = view.check_structure();
        let _ = view.iter().count();
        let _ = view.sizes();
        let mut rng = Rng(seed);
        let keys: Vec<Key> = rows
            .imeis
            .iter()
            .map(|(body, _)| Key::Imei(*body))
            .chain(rows.parts.iter().map(|row| view.part_key(&row.id)))
            .chain((0..50).map(|_| Key::Imei(rng.below(BODIES))))
            .collect();
        let (_, allocated) = allocated_during(|| {
            for key in &keys {
                std::hint::black_box(view.lookup(*key));
                std::hint::black_box(view.lookup_all(*key).take(3).count());
            }
        });
        prop_assert_eq!(allocated, 0);
    }

    /// Random headers and bodies: `new` refuses or accepts, and whatever
    /// it accepts can be queried and checked without panicking.
    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600), header in any::<[u8; 16]>()) {
        let mut bytes = vec![0u8; 64];
        bytes[..4].copy_from_slice(b"PCCL");
        bytes[4] = 3;
        bytes[5] = 42;
        bytes[8] = header[0] % 8;
        bytes[16] = header[1] % 8;
        bytes[32] = header[2] % 4;
        bytes[36] = header[3] % 4;
        bytes[40] = header[4] % 16;
        bytes[42] = header[5] % 16;
        bytes[44..48].copy_from_slice(&header[6..10]);
        bytes[48..52].copy_from_slice(&header[10..14]);
        bytes[52] = header[14] % 4;
        bytes.extend_from_slice(&body);
        for len in [bytes.len(), 64 + 64 * usize::from(header[2] % 4 + header[3] % 4) + 16] {
            if let Ok(view) = View::new(&bytes[..len.min(bytes.len())]) {
                let _ = view.check_structure();
                let _ = view.iter().take(100).count();
                let _ = view.lookup(Key::Imei(u64::from(header[15]) << 40));
                let _ = view.lookup(Key::Part(u128::from(header[15]) << 34));
            }
        }
    }
}

// ---------------------------------------------------------------------
// Stories.

#[test]
fn empty_and_single_entry_lists() {
    let bytes = build(&[], &[]).unwrap();
    assert_eq!(bytes.len(), 64);
    let view = View::new(&bytes).unwrap();
    assert!(view.is_empty());
    assert_eq!(view.check_structure(), Ok(()));
    assert_eq!(view.lookup(Key::Imei(35_693_803_564_380)), None);
    assert_eq!(view.iter().count(), 0);

    let imei = [(35_693_803_564_380, 1 | 9_000 << 3)];
    let bytes = build(&imei, &[]).unwrap();
    let view = View::new(&bytes).unwrap();
    assert_eq!(view.check_structure(), Ok(()));
    let hit = view.lookup(Key::Imei(35_693_803_564_380)).unwrap();
    assert_eq!(
        (hit.reason, hit.suspended, hit.day, hit.handset),
        (1, false, 9_000, None)
    );
    assert_eq!(view.lookup(Key::Imei(35_693_803_564_381)), None);
}

#[test]
fn a_part_names_its_handset_listed_or_not() {
    let imeis = [(35_693_803_564_380, 0), (1, 1 << 3)];
    let mut parts = [
        PartRow {
            id: [1; 32],
            meta: 2 | 100 << 3,
            handset: 35_693_803_564_380,
        },
        PartRow {
            id: [2; 32],
            meta: 4 | 200 << 3,
            handset: 99_999_999_999_999,
        },
        PartRow {
            id: [3; 32],
            meta: 300 << 3,
            handset: NO_HANDSET,
        },
    ];
    parts.sort_unstable_by_key(|row| row.id);
    let bytes = build(&imeis, &parts).unwrap();
    let view = View::new(&bytes).unwrap();
    assert_eq!(view.check_structure(), Ok(()));
    let handsets: Vec<Option<u64>> = parts
        .iter()
        .map(|row| view.lookup(view.part_key(&row.id)).unwrap().handset)
        .collect();
    assert_eq!(
        handsets,
        [Some(35_693_803_564_380), Some(99_999_999_999_999), None]
    );
    let suspended = view.lookup(view.part_key(&[2; 32])).unwrap();
    assert!(suspended.suspended);
}

#[test]
fn the_builder_refuses_what_it_cannot_keep() {
    let part = |id: u8, handset: u64| PartRow {
        id: [id; 32],
        meta: 0,
        handset,
    };
    assert!(matches!(
        build(&[(5, 0), (5, 8)], &[]),
        Err(Error::NotCanonical(_))
    ));
    assert!(matches!(
        build(&[(BODIES, 0)], &[]),
        Err(Error::InvalidField(_))
    ));
    assert!(matches!(build(&[(5, 3)], &[]), Err(Error::InvalidField(_))));
    assert!(matches!(
        build(&[(5, 1 << 19)], &[]),
        Err(Error::InvalidField(_))
    ));
    assert!(matches!(
        build(&[], &[part(2, 0), part(1, 0)]),
        Err(Error::NotCanonical(_))
    ));
    assert!(matches!(
        build(&[], &[part(1, BODIES)]),
        Err(Error::InvalidField(_))
    ));
}

#[test]
fn the_mix_is_a_bijection_that_spreads_one_tac() {
    let mut rng = Rng(7);
    for _ in 0..100_000 {
        let body = rng.below(BODIES);
        let key = blocked::mix_imei(body).unwrap();
        assert!(key < BODIES);
        assert_eq!(blocked::unmix_imei(key), Some(body));
    }
    for edge in [0, 1, BODIES - 1] {
        assert_eq!(
            blocked::unmix_imei(blocked::mix_imei(edge).unwrap()),
            Some(edge)
        );
    }
    assert_eq!(blocked::mix_imei(BODIES), None);
    // A million consecutive serials of one TAC over 1024 equal ranges of
    // the key space: chi-square near its 1023 degrees of freedom.
    let mut counts = [0u64; 1024];
    for serial in 0..1_000_000u64 {
        let key = blocked::mix_imei(35_693_803_000_000 + serial).unwrap();
        counts[(key as u128 * 1024 / BODIES as u128) as usize] += 1;
    }
    let expected = 1_000_000.0 / 1024.0;
    let chi: f64 = counts
        .iter()
        .map(|c| (*c as f64 - expected).powi(2) / expected)
        .sum();
    assert!(chi < 1250.0, "chi-square {chi}");
}

/// A 200,000-entry list: answers like the sorted list, and sits near its
/// information content (bits per entry within the 1.10×).
#[test]
fn a_large_list_answers_and_is_small() {
    let rows = rows(0x5eed, 100_000, 100_000, Shape::Random);
    let bytes = build(&rows.imeis, &rows.parts).unwrap();
    let view = View::new(&bytes).unwrap();
    assert_eq!(view.check_structure(), Ok(()));
    let model = Model::of(&rows);
    let mut rng = Rng(99);
    for _ in 0..20_000 {
        let key = match rng.below(4) {
            0 => Key::Imei(rows.imeis[rng.below(rows.imeis.len() as u64) as usize].0),
            1 => view.part_key(&rows.parts[rng.below(rows.parts.len() as u64) as usize].id),
            2 => Key::Imei(rng.below(BODIES)),
            _ => view.part_key(&rng.digest()),
        };
        assert_eq!(view.lookup(key), model.all(key).first().copied());
    }
    assert_eq!(view.iter().count(), 200_000);
    let sizes = view.sizes();
    assert_eq!(sizes.total_bytes, bytes.len() as u64);
    assert_eq!(
        sizes.imei_key_bits
            + sizes.part_key_bits
            + sizes.directory_bits
            + sizes.metadata_bits
            + sizes.side_table_bits
            + sizes.padding_bits
            + sizes.header_bits,
        8 * sizes.total_bytes
    );
}
