//! Happens-before hints for a thread-race detector the library is not
//! built with.
//!
//! A C, Kotlin or Swift program that shares a trust store or a blocklist
//! between threads may be run under ThreadSanitizer while this library is
//! not instrumented: the detector then sees the library's memory accesses
//! only where they pass through the C library (`malloc`, `free`, `memcpy`,
//! `memcmp`) and never sees the futex-based locks and atomic reference
//! counts that order them, so a correct program gets false reports of
//! races on memory the library allocated.
//!
//! A front end that finds a detector in its process installs its
//! acquire/release entry points here once ([`install`]); the library then
//! tells it, at each point where it synchronises threads, what the
//! synchronisation already guarantees:
//!
//! - a lock taken and released (the copy-on-write holder's swap and load,
//!   the trust store's cache of checked authorities) acquires and releases
//!   the lock's own address;
//! - a shared value released by a front end ([`drop_shared`]) is dropped
//!   one at a time, each drop acquiring and releasing one address, so
//!   whatever a drop frees is seen to come after every earlier user's
//!   accesses (the free of a list shared between versions comes after the
//!   readers of every version that held it).
//!
//! With no detector installed each hint is one atomic load, and
//! [`drop_shared`] is a plain drop.

use std::sync::{Mutex, OnceLock};

/// A race detector's entry points: each takes the address of a
/// synchronisation object (TSan's `__tsan_acquire` and `__tsan_release`).
#[derive(Debug, Clone, Copy)]
pub struct RaceDetector {
    /// The calling thread has acquired what was released at `address`.
    pub acquire: fn(address: usize),
    /// The calling thread releases, at `address`, what it has done so far.
    pub release: fn(address: usize),
}

static DETECTOR: OnceLock<RaceDetector> = OnceLock::new();

/// Where every [`drop_shared`] acquires and releases, and the lock that
/// makes those drops one at a time.
static DROPS: Mutex<()> = Mutex::new(());

/// Installs the detector the library reports its synchronisation to;
/// `false` if one was installed before (the first stays).
pub fn install(detector: RaceDetector) -> bool {
    DETECTOR.set(detector).is_ok()
}

/// The installed detector, if any.
pub fn detector() -> Option<&'static RaceDetector> {
    DETECTOR.get()
}

fn address<T: ?Sized>(at: &T) -> usize {
    (at as *const T).cast::<u8>() as usize
}

/// Tells the detector that the calling thread has just taken the lock (or
/// other synchronisation object) `at`.
pub(crate) fn acquired<T: ?Sized>(at: &T) {
    if let Some(detector) = DETECTOR.get() {
        (detector.acquire)(address(at));
    }
}

/// Tells the detector that the calling thread is about to release `at`.
pub(crate) fn releasing<T: ?Sized>(at: &T) {
    if let Some(detector) = DETECTOR.get() {
        (detector.release)(address(at));
    }
}

/// Drops `value`, a value other threads may hold parts of (an `Arc`, or
/// anything holding one), so that a detector sees whatever it frees come
/// after every earlier [`drop_shared`] and whatever preceded it in its
/// thread. Without a detector, a plain drop.
pub fn drop_shared<T>(value: T) {
    let Some(detector) = DETECTOR.get() else {
        drop(value);
        return;
    };
    // A panic elsewhere while a drop held this lock leaves nothing to
    // repair: the lock guards no data.
    let one_at_a_time = DROPS.lock().unwrap_or_else(|e| e.into_inner());
    (detector.acquire)(address(&DROPS));
    drop(value);
    (detector.release)(address(&DROPS));
    drop(one_at_a_time);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::sync::Arc;

    thread_local! {
        /// This thread's (acquires, releases) at the shared drops' address:
        /// per thread, so other tests hinting at once cannot count here.
        static DROP_HINTS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    }

    fn count(acquire: bool, at: usize) {
        if at == address(&DROPS) {
            DROP_HINTS.with(|hints| {
                let (a, r) = hints.get();
                hints.set(if acquire { (a + 1, r) } else { (a, r + 1) });
            });
        }
    }

    #[test]
    fn an_installed_detector_hears_of_each_shared_drop_as_one_acquire_and_one_release() {
        // The one detector this test process installs (the first stays).
        assert!(install(RaceDetector {
            acquire: |at| count(true, at),
            release: |at| count(false, at),
        }));
        assert!(!install(RaceDetector {
            acquire: |_| {},
            release: |_| {}
        }));
        assert!(detector().is_some());

        let value = Arc::new(vec![1u8; 64]);
        let reader = Arc::clone(&value);
        let elsewhere = std::thread::spawn(move || {
            drop_shared(reader);
            DROP_HINTS.with(Cell::get)
        })
        .join()
        .unwrap();
        assert_eq!(elsewhere, (1, 1), "the reader's drop, in its own thread");
        let before = DROP_HINTS.with(Cell::get);
        drop_shared(value);
        let after = DROP_HINTS.with(Cell::get);
        assert_eq!((after.0 - before.0, after.1 - before.1), (1, 1));
    }
}
