//! Hostile input cannot make a decoder allocate without bound: the peak
//! memory a decode holds is a small multiple of the input's own size.
//!
//! This file is its own test binary with one test, so the counting
//! allocator sees no other test's allocations.

// A global allocator cannot be written without `unsafe`; the library itself forbids it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use partcert::blocklist::RollbackState;
use partcert::internal::MAGIC;
use partcert::{Blocklist, FORMAT_VERSION, Object, ObjectType, TrustStore};
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

/// `body` framed as a saved local state: magic, format version, body and
/// the SHA-256 checksum the state decoders check before decoding.
fn local_state(magic: &[u8; 4], body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut bytes = magic.to_vec();
    bytes.push(FORMAT_VERSION);
    bytes.extend_from_slice(body);
    let checksum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&checksum);
    bytes
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    // Saved states end in a checksum, so hostile bodies only reach their
    // decoders framed with a correct one.
    let body = bytes.get(6..).unwrap_or_default();
    let state = local_state(b"PCBS", body);
    let marks = local_state(b"PCRB", body);
    let trust = TrustStore::new();
    let peak = peak_during(|| {
        let _ = std::hint::black_box(Object::decode(bytes));
        let _ = std::hint::black_box(RollbackState::decode(bytes));
        let _ = std::hint::black_box(RollbackState::decode(&marks));
        let _ = std::hint::black_box(Blocklist::decode_state(bytes, &trust));
        let _ = std::hint::black_box(Blocklist::decode_state(&state, &trust));
    });
    let longest = bytes.len().max(state.len());
    prop_assert!(
        peak <= bound(longest),
        "{} bytes of input held {} bytes at peak",
        longest,
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
        (1u8..=8, proptest::collection::vec(any::<u8>(), 0..4096)).prop_map(|(tag, body)| {
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
        ObjectType::RepositoryHead,
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
