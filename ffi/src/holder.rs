//! The machinery behind the holders (`partcert_trust_store_holder`,
//! `partcert_blocklist_holder`): one current reference-counted value,
//! swapped in O(1).
//!
//! Readers take a reference to the current value under a read lock held
//! only for a reference-count increment; a writer swaps the pointer under
//! the write lock. Writers are serialized by a second lock, so an update
//! computed from the current value is never lost to a concurrent one. An
//! old value is freed by whoever drops its last reference — never while a
//! reader holds it, and never inside a lock.

use std::sync::{Arc, Mutex, RwLock};

use crate::error::Failure;

pub(crate) struct Holder<T> {
    current: RwLock<Arc<T>>,
    writer: Mutex<()>,
}

impl<T> Holder<T> {
    pub(crate) fn new(initial: Arc<T>) -> Self {
        Holder {
            current: RwLock::new(initial),
            writer: Mutex::new(()),
        }
    }

    /// A reference to the current value: O(1).
    pub(crate) fn load(&self) -> Arc<T> {
        // A poisoned lock only means a panic elsewhere while it was held;
        // the `Arc` inside is always whole (a swap cannot half-happen).
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(&current)
    }

    fn swap(&self, next: Arc<T>) -> Arc<T> {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *current, next)
    }

    /// Makes `next` the current value: O(1). The old value is released
    /// here (and freed if no reader holds it).
    pub(crate) fn publish(&self, next: Arc<T>) {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.swap(next);
        drop(_writer);
        drop(old);
    }

    /// Computes the next value from the current one and publishes it; on
    /// failure nothing changes. Writers run one at a time.
    pub(crate) fn update<R>(
        &self,
        next: impl FnOnce(&T) -> Result<(T, R), Failure>,
    ) -> Result<R, Failure> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let base = self.load();
        let (value, result) = next(&base)?;
        let old = self.swap(Arc::new(value));
        drop(writer);
        drop(base);
        drop(old);
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_keep_their_snapshot_while_writers_publish() {
        let holder = Arc::new(Holder::new(Arc::new(0u64)));
        let snapshot = holder.load();
        holder.publish(Arc::new(1));
        assert_eq!(*snapshot, 0);
        assert_eq!(*holder.load(), 1);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let holder = Arc::clone(&holder);
                std::thread::spawn(move || {
                    for _ in 0..100 {
                        holder.update(|n| Ok((n + 1, ()))).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*holder.load(), 401, "no update is lost");
        let failed = holder.update::<()>(|_| Err(Failure::argument("no")));
        assert!(failed.is_err());
        assert_eq!(*holder.load(), 401, "a failed update changes nothing");
    }
}
