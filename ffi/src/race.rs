//! ThreadSanitizer, when the calling program is built with it: the
//! library is not instrumented, so it tells TSan of its own
//! synchronisation through TSan's public `__tsan_acquire` and
//! `__tsan_release`, found at run time (see `partcert::race`). A correct
//! program that shares a trust store or a blocklist between threads then
//! runs clean under TSan with no suppressions file, and a race in the
//! program's own code is still reported.

use std::sync::Once;

use partcert::race::{self, RaceDetector};

static FIND: Once = Once::new();

/// Looks for TSan in this process once; every exported function calls it
/// first (after the first call, one atomic load).
pub(crate) fn find_detector() {
    FIND.call_once(|| {
        if let Some(detector) = tsan() {
            race::install(detector);
        }
    });
}

#[cfg(target_os = "linux")]
mod entry {
    use std::ffi::{c_char, c_void};
    use std::sync::OnceLock;

    type Entry = unsafe extern "C" fn(address: *mut c_void);

    unsafe extern "C" {
        fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    }

    /// TSan's (acquire, release), when its runtime is in the process.
    pub(super) static ENTRIES: OnceLock<(Entry, Entry)> = OnceLock::new();

    /// The function the process exports as `name` (`RTLD_DEFAULT`: the
    /// global scope), if any.
    fn find(name: &std::ffi::CStr) -> Option<Entry> {
        // SAFETY: `dlsym` with RTLD_DEFAULT (a null handle on glibc and
        // musl) and a NUL-terminated name only looks the name up.
        let found = unsafe { dlsym(std::ptr::null_mut(), name.as_ptr()) };
        // SAFETY: TSan's interface declares both as
        // `void __tsan_acquire(void *addr)` / `void __tsan_release(void *addr)`,
        // the type `Entry` names; a non-null result is that function.
        (!found.is_null()).then(|| unsafe { std::mem::transmute::<*mut c_void, Entry>(found) })
    }

    pub(super) fn look_up() -> bool {
        match (find(c"__tsan_acquire"), find(c"__tsan_release")) {
            (Some(acquire), Some(release)) => ENTRIES.set((acquire, release)).is_ok(),
            _ => false,
        }
    }

    pub(super) fn acquire(address: usize) {
        if let Some((acquire, _)) = ENTRIES.get() {
            // SAFETY: TSan's entry point, given an address it only uses
            // as the name of a synchronisation object.
            unsafe { acquire(address as *mut c_void) }
        }
    }

    pub(super) fn release(address: usize) {
        if let Some((_, release)) = ENTRIES.get() {
            // SAFETY: as for `acquire`.
            unsafe { release(address as *mut c_void) }
        }
    }
}

#[cfg(target_os = "linux")]
fn tsan() -> Option<RaceDetector> {
    entry::look_up().then_some(RaceDetector {
        acquire: entry::acquire,
        release: entry::release,
    })
}

/// Elsewhere the library gives TSan no hints (its own synchronisation
/// stays invisible to it, as for any uninstrumented library).
#[cfg(not(target_os = "linux"))]
fn tsan() -> Option<RaceDetector> {
    None
}
