//! Hostile input cannot make a decoder allocate without bound: the peak
//! memory a decode holds is a small multiple of the input's own size.
//!
//! This file is its own test binary with one test, so the counting
//! allocator sees no other test's allocations.

// A global allocator cannot be written without `unsafe`; the library itself forbids it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use partcert::{Blocklist, FORMAT_VERSION, MAGIC, Object, ObjectType, RollbackState, TrustStore};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

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
fn peak_during(f: impl FnOnce()) -> usize {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    f();
    PEAK.load(Ordering::SeqCst).saturating_sub(base)
}

/// The documented bound: 16 bytes held per input byte, plus 8 KiB.
fn bound(input_len: usize) -> usize {
    16 * input_len + 8 * 1024
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let peak = peak_during(|| {
        let _ = std::hint::black_box(Object::decode(bytes));
        let _ = std::hint::black_box(RollbackState::decode(bytes));
        let _ = std::hint::black_box(Blocklist::decode_state(bytes, &TrustStore::new()));
    });
    prop_assert!(
        peak <= bound(bytes.len()),
        "{} bytes of input held {} bytes at peak",
        bytes.len(),
        peak
    );
    Ok(())
}

#[test]
fn decoding_hostile_input_allocates_within_a_small_multiple_of_the_input() {
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        ..Config::default()
    });
    let framed =
        (1u8..=6, proptest::collection::vec(any::<u8>(), 0..4096)).prop_map(|(tag, body)| {
            let mut bytes = MAGIC.to_vec();
            bytes.extend([FORMAT_VERSION, tag]);
            bytes.extend(body);
            bytes
        });
    runner.run(&framed, |bytes| check(&bytes)).unwrap();

    // Lists that declare enormous lengths in a few bytes, for every object type.
    for tag in [
        ObjectType::Certificate,
        ObjectType::PairingRecord,
        ObjectType::BlocklistSnapshot,
        ObjectType::BlocklistDelta,
        ObjectType::RevocationList,
        ObjectType::ChallengeResponse,
    ] {
        for prefix in 0..48 {
            let mut bytes = MAGIC.to_vec();
            bytes.extend([FORMAT_VERSION, tag as u8]);
            bytes.extend(vec![1u8; prefix]);
            bytes.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
            bytes.extend(vec![0u8; 96]);
            check(&bytes).unwrap();
        }
    }
}
