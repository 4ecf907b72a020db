//! One value shared between readers and updaters, swapped in O(1): the
//! copy-on-write holder every front uses for a device's trust store and
//! blocklist, so a reader never waits for an update.

use std::sync::{Arc, Mutex, RwLock};

use crate::race;

/// A value many threads read while one at a time updates it.
///
/// Readers take the current version ([`Shared::load`]) under a read lock
/// held only for a reference-count increment, and keep it as long as they
/// like; an update ([`Shared::update`]) computes the next version from the
/// current one — a national list's delta costs the delta, since
/// [`Blocklist`](crate::Blocklist) versions share their lists — and swaps
/// it in. Updates run one at a time, so none is lost to another; a failed
/// update changes nothing. An old version is freed by whoever drops it
/// last, never inside a lock. A race detector, if one is installed, is told
/// of each swap and load (see [`race`](crate::race)).
///
/// ```
/// use partcert::{Blocklist, Shared};
/// let device = Shared::new(Blocklist::new());
/// let reader = device.load();
/// device.update(|held| Ok::<_, partcert::Error>((held.clone(), ()))).unwrap();
/// assert_eq!(*reader, Blocklist::new());
/// ```
#[derive(Debug, Default)]
pub struct Shared<T> {
    current: RwLock<Arc<T>>,
    writer: Mutex<()>,
}

impl<T> Shared<T> {
    /// Holds `value` as the first version.
    pub fn new(value: T) -> Self {
        Self::from_arc(Arc::new(value))
    }

    /// Holds an already shared value as the first version.
    pub fn from_arc(value: Arc<T>) -> Self {
        Shared {
            current: RwLock::new(value),
            writer: Mutex::new(()),
        }
    }

    /// The current version: O(1), never waits for an update to compute.
    pub fn load(&self) -> Arc<T> {
        // A poisoned lock only means a panic elsewhere while it was held;
        // the `Arc` inside is always whole (a swap cannot half-happen).
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        race::acquired(&self.current);
        let value = Arc::clone(&current);
        race::releasing(&self.current);
        value
    }

    fn swap(&self, next: Arc<T>) -> Arc<T> {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        race::acquired(&self.current);
        let old = std::mem::replace(&mut *current, next);
        race::releasing(&self.current);
        old
    }

    /// Makes `next` the current version: O(1).
    pub fn publish(&self, next: Arc<T>) {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.swap(next);
        drop(writer);
        race::drop_shared(old);
    }

    /// Computes the next version from the current one and publishes it,
    /// returning what `next` returns beside it; on failure nothing
    /// changes. Updates run one at a time.
    pub fn update<R, E>(&self, next: impl FnOnce(&T) -> Result<(T, R), E>) -> Result<R, E> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let base = self.load();
        let (value, result) = next(&base)?;
        let old = self.swap(Arc::new(value));
        drop(writer);
        race::drop_shared(base);
        race::drop_shared(old);
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_keep_their_version_while_updaters_publish_and_no_update_is_lost() {
        let shared = Arc::new(Shared::new(0u64));
        let version = shared.load();
        shared.publish(Arc::new(1));
        assert_eq!(*version, 0);
        assert_eq!(*shared.load(), 1);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        shared.update(|n| Ok::<_, ()>((n + 1, ()))).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*shared.load(), 401, "no update is lost");
        assert_eq!(shared.update::<(), _>(|_| Err("no")), Err("no"));
        assert_eq!(*shared.load(), 401, "a failed update changes nothing");
    }
}
