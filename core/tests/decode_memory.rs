//! Memory before a signature is checked stays bounded: a national list
//! nobody has vouched for costs little more than its own bytes, however
//! many entries it declares.
//!
//! Its own test binary with one test, so the counting allocator sees no
//! other test's allocations.

// A global allocator cannot be written without `unsafe`; the library itself forbids it.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(live, Ordering::SeqCst);
        // SAFETY: same layout contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes held while `f` runs, above what was live before.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst).saturating_sub(base))
}

#[test]
fn an_unvouched_national_list_costs_at_most_four_times_its_bytes_before_its_signature_is_checked() {
    let world = world();
    let trust = world.trust();
    // A register nobody pinned signs 300,000 listings (about 5 MB).
    let rogue = Authority::new_blocklist_root(key(99), "Rogue register", years(40)).expect("root");
    let entries: Vec<BlocklistEntry> = (0..300_000u64)
        .map(|n| {
            BlocklistEntry::handset(
                imei(35_000_000_000_000 + 7 * n),
                Reason::Stolen,
                T0,
                ListingStatus::Final,
            )
        })
        .collect();
    let signed = rogue
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, entries.clone())
        .expect("list");
    let bytes = signed.as_bytes().to_vec();
    drop(signed);
    let bound = 4 * bytes.len();

    // Decoding checks every entry and keeps none.
    let (decoded, peak) = peak_during(|| BlocklistSnapshot::decode(&bytes).expect("decodes"));
    assert!(
        peak <= bound,
        "decode held {peak} bytes for {} of input",
        bytes.len()
    );
    eprintln!(
        "decode: {peak} bytes held for {} bytes of input",
        bytes.len()
    );
    // Applying it: the unpinned signer is refused before any entry is read.
    let (refused, peak) = peak_during(|| Blocklist::new().apply_snapshot(&trust, &decoded, T0));
    assert!(matches!(refused, Err(Error::UnknownIssuer(_))));
    assert!(
        peak <= bound,
        "apply held {peak} bytes for {} of input",
        bytes.len()
    );
    // Signed by the register's own publisher but altered in transit: the
    // signature fails before any entry is read.
    let mut altered = world
        .register
        .publish_snapshot(seq(1), T0 + DAY, T0 + 9 * DAY, entries)
        .expect("list")
        .as_bytes()
        .to_vec();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    let (refused, peak) = peak_during(|| {
        let decoded = BlocklistSnapshot::decode(&altered).expect("decodes");
        Blocklist::new().apply_snapshot(&trust, &decoded, T0 + DAY)
    });
    assert!(matches!(refused, Err(Error::BadSignature(_))));
    assert!(
        peak <= 4 * altered.len(),
        "held {peak} bytes for {} of input",
        altered.len()
    );
}
