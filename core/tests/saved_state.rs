//! A shop's device keeps the national list on disk: a small state file and
//! the list in a file of its own beside it, used in place. These stories
//! hold what that promises: the state saved and loaded answers as the
//! device did; a list file swapped for another register's or another
//! day's is refused at load; one cut short or altered never answers; a
//! save is crash-safe and keeps the previous state's files for a reader
//! that loaded it a moment ago.

// A counting allocator (below) needs `unsafe`; the library forbids it.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};

use common::*;

// Allocation counting, per thread (tests run in parallel threads).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
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

/// Allocations this thread makes while `f` runs.
fn allocations_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = f();
    (result, ALLOCATIONS.with(Cell::get) - before)
}

fn reported(world: &World, owner: &Handset) -> Vec<BlocklistEntry> {
    let _ = world;
    BlocklistEntry::for_reported_handset(
        &owner.pairing,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    )
}

/// The register's national list, compact, applied on a shop's device.
fn shop_with_national_list(world: &World) -> (Blocklist, CompactSnapshot) {
    let compact = world
        .register
        .publish_compact_snapshot(
            seq(1),
            T0 + 2 * DAY,
            T0 + 30 * DAY,
            &reported(world, &world.alice),
        )
        .expect("compact list");
    let mut device = Blocklist::new();
    device
        .apply_compact_snapshot(&world.trust(), &compact, T0 + 2 * DAY)
        .expect("accepted");
    (device, compact)
}

fn list_files(state: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(lists_folder(state))
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn is_blocked(world: &World, device: &Blocklist, part: &Certificate) -> Result<bool, Error> {
    let trust = world.trust();
    let chain = world.chain();
    Verifier::new(&trust)
        .with_blocklist(device)
        .verify_part(&PartEvidence::new(part, &chain), T0 + 3 * DAY)
        .map(|verdict| verdict.is_blocked())
}

#[test]
fn a_shop_saves_the_national_list_beside_its_state_and_loads_it_in_place() {
    let world = world();
    let (device, compact) = shop_with_national_list(&world);
    let folder = tempfile::tempdir().expect("folder");
    let state = folder.path().join("shop.pcbs");
    device.save(&state).expect("saved");

    // One list file, the snapshot as received, beside a small state.
    let files = list_files(&state);
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::read(&files[0]).expect("read"), compact.as_bytes());
    assert!(files[0].extension().is_some_and(|ext| ext == "pccs"));
    assert_eq!(lists_folder(&state), folder.path().join("shop.lists"));

    let loaded = Blocklist::load(&state, &world.trust()).expect("loads");
    assert!(loaded.dropped.is_empty());
    let shop = loaded.blocklist;
    assert_eq!(shop, device, "the same lists, marks and digests");
    // Alice's harvested screen reads blocked, Bob's clean screen does not.
    assert_eq!(is_blocked(&world, &shop, &world.alice.screen), Ok(true));
    assert_eq!(is_blocked(&world, &shop, &world.bob.screen), Ok(false));
    assert_eq!(
        shop.lookup(&[BlockKey::Imei(world.alice.imei)])
            .expect("reads")
            .len(),
        1
    );
}

#[test]
fn a_delta_over_the_saved_list_keeps_its_file_and_a_new_snapshot_replaces_it_a_save_later() {
    let world = world();
    let trust = world.trust();
    let (device, first) = shop_with_national_list(&world);
    let folder = tempfile::tempdir().expect("folder");
    let state = folder.path().join("shop.pcbs");
    device.save(&state).expect("saved");
    let first_file = list_files(&state);

    // Bob's handset reported today: a delta, kept in the state.
    let held = device
        .list(&world.register_root.key().key_id())
        .expect("held")
        .clone();
    let delta = world
        .register
        .publish_delta_over(
            &held,
            seq(2),
            T0 + 3 * DAY,
            T0 + 30 * DAY,
            &[],
            reported(&world, &world.bob),
        )
        .expect("delta");
    let mut shop = Blocklist::load(&state, &trust).expect("loads").blocklist;
    shop.apply_delta(&trust, &delta, T0 + 3 * DAY)
        .expect("applied over the list kept on disk");
    shop.save(&state).expect("saved");
    assert_eq!(
        list_files(&state),
        first_file,
        "the list file is kept as it is"
    );
    let shop = Blocklist::load(&state, &trust).expect("loads").blocklist;
    assert_eq!(is_blocked(&world, &shop, &world.bob.screen), Ok(true));
    assert_eq!(is_blocked(&world, &shop, &world.alice.screen), Ok(true));

    // The next national snapshot: its file joins; the first one stays for
    // a reader that loaded the previous state, and goes a save later.
    let mut both = reported(&world, &world.alice);
    both.extend(reported(&world, &world.bob));
    let next = world
        .register
        .publish_compact_snapshot(seq(3), T0 + 4 * DAY, T0 + 30 * DAY, &both)
        .expect("next");
    let mut shop = shop;
    shop.apply_compact_snapshot(&trust, &next, T0 + 4 * DAY)
        .expect("next snapshot");
    shop.save(&state).expect("saved");
    assert_eq!(list_files(&state).len(), 2);
    assert!(list_files(&state).contains(&first_file[0]));
    shop.save(&state).expect("saved again");
    assert_eq!(list_files(&state).len(), 1);
    assert!(!list_files(&state).contains(&first_file[0]));
    let reloaded = Blocklist::load(&state, &trust).expect("loads").blocklist;
    assert_eq!(reloaded, shop);
    let _ = first;
}

#[test]
fn a_list_file_swapped_for_another_registers_or_another_days_is_refused_at_load() {
    let world = world();
    let trust = world.trust();
    let folder = tempfile::tempdir().expect("folder");
    let state = folder.path().join("shop.pcbs");
    let (device, _) = shop_with_national_list(&world);
    device.save(&state).expect("saved");
    let file = list_files(&state).remove(0);
    let honest = std::fs::read(&file).expect("read");

    // The operator's list (another register), under the register's name.
    let operator = world
        .operator
        .publish_compact_snapshot(
            seq(1),
            T0 + 2 * DAY,
            T0 + 30 * DAY,
            &reported(&world, &world.alice),
        )
        .expect("operator's list");
    // The register's own list of another day (another version), and an
    // empty one of the same version, re-signed.
    let other_day = world
        .register
        .publish_compact_snapshot(seq(2), T0 + 3 * DAY, T0 + 30 * DAY, &[])
        .expect("another day");
    let emptied = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 30 * DAY, &[])
        .expect("an empty list");
    for (story, swapped) in [
        ("another register's list", operator.as_bytes()),
        ("another day's list", other_day.as_bytes()),
        ("an empty list of the same version", emptied.as_bytes()),
    ] {
        std::fs::write(&file, swapped).expect("swap");
        let refused = Blocklist::load(&state, &trust).map(|_| ());
        assert!(
            matches!(refused, Err(Error::FileMismatch { .. })),
            "{story}: {refused:?}"
        );
    }
    // Cut short: refused at load, by its size.
    std::fs::write(&file, &honest[..honest.len() - 1]).expect("cut");
    assert!(matches!(
        Blocklist::load(&state, &trust),
        Err(Error::FileMismatch { what: "size", .. })
    ));
    // Gone: an I/O error naming the file.
    std::fs::remove_file(&file).expect("remove");
    match Blocklist::load(&state, &trust) {
        Err(Error::Io { path, .. }) => assert!(path.ends_with(".pccs")),
        other => panic!("a missing list file: {other:?}"),
    }
    // Restored, it loads again.
    std::fs::write(&file, &honest).expect("restore");
    assert!(Blocklist::load(&state, &trust).is_ok());
}

/// Every IMEI of a national list of `count` stolen handsets (and Alice's).
fn national_entries(world: &World, count: u64) -> Vec<BlocklistEntry> {
    let mut entries = reported(world, &world.alice);
    entries.extend((0..count).map(|i| BlocklistEntry {
        key: BlockKey::Imei(Imei::with_check_digit(35_000_000_000_000 + i * 7_919).expect("imei")),
        reason: Reason::Stolen,
        listed_at: T0 + DAY,
        status: ListingStatus::Final,
        handset: None,
    }));
    entries
}

#[test]
fn a_list_file_altered_on_disk_never_answers_wrongly() {
    let world = world();
    let trust = world.trust();
    // A list of several 64 KiB blocks.
    let entries = national_entries(&world, 30_000);
    let compact = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 30 * DAY, &entries)
        .expect("national list");
    assert!(
        compact.list().as_bytes().len() > 2 * 65_536,
        "several blocks"
    );
    let mut device = Blocklist::new();
    device
        .apply_compact_snapshot(&trust, &compact, T0 + 2 * DAY)
        .expect("accepted");
    let folder = tempfile::tempdir().expect("folder");
    let state = folder.path().join("shop.pcbs");
    device.save(&state).expect("saved");
    let file = list_files(&state).remove(0);
    let honest = std::fs::read(&file).expect("read");
    let list_start = honest.len() - compact.list().as_bytes().len();
    // Probes: listed IMEIs across the list, IMEIs not listed, Alice's parts.
    let probes: Vec<BlockKey> = entries
        .iter()
        .step_by(997)
        .map(|entry| entry.key)
        .chain((0..30).map(|i| {
            BlockKey::Imei(
                Imei::with_check_digit(35_000_000_000_001 + i * 7_919 * 1_000).expect("imei"),
            )
        }))
        .collect();
    let truth: Vec<Vec<Listing>> = probes
        .iter()
        .map(|key| device.lookup(&[*key]).expect("in memory"))
        .collect();
    // Bytes across the list altered in turn: the load refuses the file
    // (the damage is in the block holding the list's header), or a lookup
    // that reads the damage fails; any answer given is the honest one.
    let (mut refused_at_load, mut refused_lookups, mut answers) = (0, 0, 0);
    let step = (honest.len() - list_start) / 101;
    for at in (list_start..honest.len()).step_by(step.max(1)) {
        let mut altered = honest.clone();
        altered[at] ^= 0x20;
        std::fs::write(&file, &altered).expect("alter");
        let shop = match Blocklist::load(&state, &trust) {
            Err(Error::FileMismatch { .. }) => {
                refused_at_load += 1;
                continue;
            }
            Err(other) => panic!("byte {at}: {other:?}"),
            Ok(loaded) => loaded.blocklist,
        };
        for (key, truth) in probes.iter().zip(&truth) {
            match shop.lookup(&[*key]) {
                Err(Error::FileMismatch { path, .. }) => {
                    assert!(path.ends_with(".pccs"));
                    refused_lookups += 1;
                }
                Err(other) => panic!("byte {at}, {key}: {other:?}"),
                Ok(answer) => {
                    assert_eq!(
                        &answer, truth,
                        "byte {at} altered answered wrongly for {key}"
                    );
                    answers += 1;
                }
            }
        }
    }
    assert!(
        refused_at_load > 0 && refused_lookups > 0,
        "{refused_at_load} {refused_lookups} {answers}"
    );
    // Restored, every lookup answers.
    std::fs::write(&file, &honest).expect("restore");
    let shop = Blocklist::load(&state, &trust).expect("loads").blocklist;
    for (key, truth) in probes.iter().zip(&truth) {
        assert_eq!(&shop.lookup(&[*key]).expect("answers"), truth);
    }
}

#[test]
fn a_state_saved_whole_still_loads_and_a_missing_state_is_an_io_error() {
    let world = world();
    let trust = world.trust();
    let (device, _) = shop_with_national_list(&world);
    let folder = tempfile::tempdir().expect("folder");
    // The one-buffer encoding, written by hand: Blocklist::load reads it.
    let whole = folder.path().join("whole.pcbs");
    std::fs::write(&whole, device.encode_state()).expect("write");
    assert_eq!(
        Blocklist::load(&whole, &trust).expect("loads").blocklist,
        device
    );
    // A state saved with its lists in files is not a one-buffer state.
    let state = folder.path().join("shop.pcbs");
    device.save(&state).expect("saved");
    let bytes = std::fs::read(&state).expect("read");
    assert!(matches!(
        Blocklist::load_state(&bytes, &trust),
        Err(Error::InvalidField(_))
    ));
    assert!(
        bytes.len() < 2_000,
        "the state file is small: {} bytes",
        bytes.len()
    );
    // A typo in the path.
    assert!(matches!(
        Blocklist::load(&folder.path().join("shpo.pcbs"), &trust),
        Err(Error::Io { .. })
    ));
    assert_eq!(
        Error::Io {
            path: "x".into(),
            message: "y".into()
        }
        .code(),
        ErrorCode::Io
    );
}

#[test]
fn a_save_that_cannot_write_leaves_the_saved_state_as_it_was() {
    let world = world();
    let trust = world.trust();
    let (device, _) = shop_with_national_list(&world);
    let folder = tempfile::tempdir().expect("folder");
    let state = folder.path().join("shop.pcbs");
    Blocklist::new().save(&state).expect("an empty state");
    let before = std::fs::read(&state).expect("read");
    // The lists folder's name is taken by a file: the list cannot be
    // written, and the state is not replaced.
    std::fs::write(lists_folder(&state), b"in the way").expect("block");
    assert!(matches!(device.save(&state), Err(Error::Io { .. })));
    assert_eq!(std::fs::read(&state).expect("read"), before);
    assert_eq!(
        Blocklist::load(&state, &trust).expect("loads").blocklist,
        Blocklist::new()
    );
}

#[test]
fn a_list_file_read_from_a_path_is_mapped_and_applies_as_the_bytes_do() {
    let world = world();
    let trust = world.trust();
    let (device, compact) = shop_with_national_list(&world);
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().join("national.pccs");
    std::fs::write(&path, compact.as_bytes()).expect("write");
    let read = SignedList::read(&path).expect("reads");
    assert_eq!(read.as_bytes(), compact.as_bytes());
    let mut shop = Blocklist::new();
    shop.apply(&trust, &read, T0 + 2 * DAY).expect("applies");
    assert_eq!(shop, device);
    // Any other list reads too; a typo is an I/O error.
    let sorted = world.alice_reported_stolen(1);
    let sorted_path = folder.path().join("sorted.pcbl");
    std::fs::write(&sorted_path, sorted.as_bytes()).expect("write");
    assert!(matches!(
        SignedList::read(&sorted_path),
        Ok(SignedList::Sorted(_))
    ));
    assert!(matches!(
        SignedList::read(&folder.path().join("nationl.pccs")),
        Err(Error::Io { .. })
    ));
}

/// Every clean part and phone is a miss: the shop's lookup of one, against
/// the national list loaded from disk, allocates nothing (its blocks are
/// checked in place as they are read); a hit allocates only its answer.
#[test]
fn a_clean_part_is_looked_up_in_the_saved_list_without_allocating() {
    let world = world();
    let (device, _) = shop_with_national_list(&world);
    let folder = tempfile::tempdir().expect("folder");
    let state = folder.path().join("shop.pcbs");
    device.save(&state).expect("saved");
    let shop = Blocklist::load(&state, &world.trust())
        .expect("loads")
        .blocklist;

    let bob = [
        BlockKey::Imei(world.bob.imei),
        BlockKey::Part(world.bob.screen.part().expect("a part").part_id()),
    ];
    // The first lookup checks the blocks it reads; the next reads them
    // checked. Neither allocates.
    for _ in 0..2 {
        let (listings, allocations) = allocations_during(|| shop.lookup(&bob));
        assert_eq!(listings, Ok(vec![]));
        assert_eq!(allocations, 0, "a miss allocated");
    }
    let alice = [BlockKey::Imei(world.alice.imei)];
    let (listings, allocations) = allocations_during(|| shop.lookup(&alice));
    assert_eq!(listings.map(|l| l.len()), Ok(1));
    assert!(allocations <= 2, "a hit allocated {allocations} times");
}
