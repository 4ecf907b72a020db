//! Keeping a device's lists current from a register's repository, sans
//! I/O: the core's updater ([`partcert::blocklist::Update`]) as an object.
//!
//! The app fetches with its own HTTP stack (OkHttp, `java.net.http`,
//! URLSession …): the head at `repositoryHeadPath()`, then each file
//! `nextFetch()` names, reading no more than its size; `offer` hands each
//! file to the core, which checks its size and SHA-256 before anything
//! decodes it; `finish` swaps the new state in. Kotlin's suspending
//! `Blocklist.sync` and Swift's async one run that loop over a fetch
//! function (`bindings/kotlin/`, `bindings/swift/Sources/Partcert/`).

use std::sync::{Arc, Mutex, MutexGuard};

use partcert as pc;
use pc::ErrorCode;
use pc::blocklist::{FileRef, ListVersion};
use pc::ids::KeyId;

use crate::device::{Blocklist, TrustStore};
use crate::error::{PartcertError, Result};
use crate::objects::RepositoryHead;

/// Where a repository serves its head, under its base URL: the one file
/// that changes in place.
const HEAD_PATH: &str = "head.pchd";

/// The path of a repository's head under its base URL ("head.pchd"):
/// what a sync fetches first.
#[uniffi::export]
pub fn repository_head_path() -> String {
    HEAD_PATH.to_owned()
}

/// The most bytes a repository head may take: read no more than this
/// (plus one, so that a longer one is refused) when fetching it.
#[uniffi::export]
pub fn max_head_len() -> u64 {
    pc::limits::MAX_HEAD_LEN as u64
}

/// What a finished update did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateOutcome {
    /// The register: its blocklist root's key id.
    pub authority: KeyId,
    /// The version held before (none: no list of the register was held).
    pub previous: Option<ListVersion>,
    /// The version held now: the head's.
    pub version: ListVersion,
    /// How many files were fetched and accepted (the head not counted).
    pub files_fetched: u32,
    /// How many bytes were fetched: the head and every file.
    pub bytes_fetched: u64,
    /// When the head expires: without a fresher head by then, the
    /// register's list reads stale (`StaleReason.NoFreshHead`), never
    /// clean.
    pub head_expires_at: u64,
}

/// An update in progress, from a fetched head: the files still to fetch,
/// applied one by one to a working copy of the device's lists. The
/// device's own lists change only at `finish`, and only if everything
/// succeeded. Once a file is refused, or the update has finished, it has
/// ended: begin another.
#[derive(uniffi::Object)]
pub struct BlocklistUpdate {
    device: Arc<Blocklist>,
    started_from: Arc<pc::Blocklist>,
    trust: Arc<pc::TrustStore>,
    head: Arc<RepositoryHead>,
    now: u64,
    progress: Mutex<Option<Progress>>,
}

impl std::fmt::Debug for BlocklistUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlocklistUpdate")
            .field("head", &self.head)
            .field("remaining", &self.remaining())
            .finish()
    }
}

/// The core's update and what it has fetched so far.
struct Progress {
    update: pc::blocklist::Update,
    files: u32,
    bytes: u64,
}

#[uniffi::export]
impl Blocklist {
    /// Begins an update from a repository head's bytes (fetched from
    /// `repositoryHeadPath()`), at `now` (this device's clock). Refused:
    /// a head older than one already seen or than the list held (400
    /// Rollback), from a key `trust` does not pin (201), altered (200),
    /// malformed (1xx). Nothing changes until `finish`.
    pub fn begin_update(
        self: Arc<Self>,
        trust: Arc<TrustStore>,
        head: Vec<u8>,
        now: u64,
    ) -> Result<Arc<BlocklistUpdate>> {
        let started_from = self.0.load();
        let trust = trust.0.load();
        let update = started_from.update(&trust, &head, now)?;
        Ok(Arc::new(BlocklistUpdate {
            head: RepositoryHead::wrap(update.head().clone()),
            device: self,
            started_from,
            trust,
            now,
            progress: Mutex::new(Some(Progress {
                update,
                files: 0,
                bytes: head.len() as u64,
            })),
        }))
    }
}

#[uniffi::export]
impl BlocklistUpdate {
    /// The head it follows.
    pub fn head(&self) -> Arc<RepositoryHead> {
        Arc::clone(&self.head)
    }

    /// The next file to fetch — its path under the repository's base URL,
    /// its exact size (read no more than that, plus one) and SHA-256 — or
    /// none when every file has been offered (then `finish`).
    pub fn next_fetch(&self) -> Option<FileRef> {
        let progress = self.progress();
        progress
            .as_ref()
            .and_then(|p| p.update.next_fetch().cloned())
    }

    /// How many files are left to fetch.
    pub fn remaining(&self) -> u32 {
        let progress = self.progress();
        progress.as_ref().map_or(0, |p| {
            u32::try_from(p.update.remaining()).unwrap_or(u32::MAX)
        })
    }

    /// Offers the bytes fetched for `nextFetch()`: their size and SHA-256
    /// are checked before anything decodes them (206 FileMismatch: another
    /// day's file, cut short, too long), then the list is applied to the
    /// working copy under every rule of `Blocklist.apply`. A refused file
    /// ends the update; the device's lists are untouched.
    pub fn offer(&self, bytes: Vec<u8>) -> Result<()> {
        let mut progress = self.progress();
        let current = progress.as_mut().ok_or_else(ended)?;
        match current.update.offer(&self.trust, &bytes) {
            Ok(()) => {
                current.files += 1;
                current.bytes += bytes.len() as u64;
                Ok(())
            }
            Err(error) => {
                *progress = None;
                Err(error.into())
            }
        }
    }

    /// Swaps the updated lists in, once every file was offered: the
    /// register's list at the head's version, and the head recorded (the
    /// list reads fresh until the head expires). Refused (206) while a
    /// file is still to fetch; the device's lists are then untouched.
    pub fn finish(&self) -> Result<UpdateOutcome> {
        let Progress {
            update,
            files,
            bytes,
        } = self.progress().take().ok_or_else(ended)?;
        let head = &self.head.0;
        let authority = head.authority();
        let updated = update.finish()?;
        self.device.0.update(|current| {
            // Another update or apply may have finished meanwhile: what
            // replaces the lists is decided again from what they are now.
            let next = if std::ptr::eq(current, &*self.started_from) {
                updated
            } else {
                self.finish_onto(current)?
            };
            Ok::<_, PartcertError>((next, ()))
        })?;
        Ok(UpdateOutcome {
            authority,
            previous: self.started_from.list(&authority).map(|list| list.version),
            version: head.version(),
            files_fetched: files,
            bytes_fetched: bytes,
            head_expires_at: head.expires_at(),
        })
    }
}

impl BlocklistUpdate {
    fn progress(&self) -> MutexGuard<'_, Option<Progress>> {
        // Poisoned only by a panic elsewhere; the update inside is whole.
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lists `current` (changed since this update began) become under
    /// the same head: the core decides again, and if that needs files
    /// this update did not fetch for it, the update starts over.
    fn finish_onto(&self, current: &pc::Blocklist) -> Result<pc::Blocklist> {
        let again = current.update(&self.trust, self.head.0.as_bytes(), self.now)?;
        if again.remaining() > 0 {
            return Err(PartcertError::from_code(
                ErrorCode::DeltaBaseMismatch,
                "the blocklist changed while this update ran: begin the update again".into(),
            ));
        }
        Ok(again.finish()?)
    }
}

/// A call on an update that has ended.
fn ended() -> PartcertError {
    PartcertError::invalid_argument(
        "this update has ended (finished, or a file was refused): begin another",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{DAY, T0, register};
    use pc::blocklist::{
        Base, BlocklistEntry, Format, Head, ListingStatus, Publication, Reason, SignedList,
    };

    /// A register's first two days: day 1's snapshot and day 2's delta,
    /// with the head after each.
    fn two_days() -> (Arc<TrustStore>, [(Vec<u8>, SignedList); 2]) {
        let (register, trust) = register(4);
        let stolen = |day: u64| {
            let imei = pc::Imei::with_check_digit(35_000_000_000_000 + day).expect("imei");
            let at = T0 + day * DAY;
            vec![BlocklistEntry::handset(
                imei,
                Reason::Stolen,
                at,
                ListingStatus::Final,
            )]
        };
        let publication = |format, day: u64, base| Publication {
            format,
            version: ListVersion::new(0, day),
            issued_at: T0 + day * DAY,
            expires_at: T0 + (day + 2) * DAY,
            base,
            delisted: &[],
        };
        let day1 = register
            .publish(&publication(Format::Sorted, 1, Base::None), stolen(1))
            .expect("day 1")
            .list;
        let SignedList::Sorted(master) = &day1 else {
            panic!("a sorted list")
        };
        let day2 = register
            .publish(
                &publication(Format::Delta, 2, Base::Snapshot(master)),
                stolen(2),
            )
            .expect("day 2")
            .list;
        let head = |previous: Option<&Head>, list: &SignedList, day: u64| {
            let at = T0 + day * DAY;
            Head::next(
                &register,
                previous,
                std::slice::from_ref(list),
                30 * DAY,
                at,
                at + DAY,
            )
            .expect("head")
        };
        let head1 = head(None, &day1, 1);
        let head2 = head(Some(&head1), &day2, 2);
        let days = [
            (head1.as_bytes().to_vec(), day1),
            (head2.as_bytes().to_vec(), day2),
        ];
        (trust, days)
    }

    /// An update that fetched every file it asked for; `finish` left to
    /// the caller.
    fn fetched(
        device: &Arc<Blocklist>,
        trust: &Arc<TrustStore>,
        (head, list): &(Vec<u8>, SignedList),
    ) -> Arc<BlocklistUpdate> {
        let update = Arc::clone(device)
            .begin_update(Arc::clone(trust), head.clone(), T0 + 3 * DAY)
            .expect("a head");
        while let Some(file) = update.next_fetch() {
            assert_eq!(file, FileRef::of(list));
            update.offer(list.as_bytes().to_vec()).expect("offered");
        }
        update
    }

    /// An update counts what it fetched; a device that another update
    /// brought to the same head meanwhile is finished onto; one older
    /// head finished after a newer one is refused as a rollback.
    #[test]
    fn updates_finish_onto_what_the_device_holds_then() {
        let (trust, [day1, day2]) = two_days();
        let device = Blocklist::new();
        let outcome = fetched(&device, &trust, &day1).finish().expect("day 1");
        assert_eq!(
            (outcome.previous, outcome.version, outcome.files_fetched),
            (None, ListVersion::new(0, 1), 1)
        );
        let head_and_file = day1.0.len() + day1.1.as_bytes().len();
        assert_eq!(outcome.bytes_fetched, head_and_file as u64);
        // Two syncs of day 2 at once: the second finds the first's result.
        let first = fetched(&device, &trust, &day2);
        let second = fetched(&device, &trust, &day2);
        assert_eq!(first.finish().map(|o| o.files_fetched), Ok(1));
        assert_eq!(
            second.finish().map(|o| o.version),
            Ok(ListVersion::new(0, 2))
        );
        // Day 1's head, begun before day 2's finished: refused at finish.
        let device = Blocklist::new();
        fetched(&device, &trust, &day1).finish().expect("day 1");
        let stale = fetched(&device, &trust, &day1);
        fetched(&device, &trust, &day2).finish().expect("day 2");
        assert_eq!(stale.finish().map_err(|e| e.info().code), Err(400));
        assert_eq!(device.lists()[0].version, ListVersion::new(0, 2));
        // Day 2's head over a device that got to day 1 by another path
        // meanwhile: the update's files no longer lead there.
        let device = Blocklist::new();
        let late = Arc::clone(&device)
            .begin_update(Arc::clone(&trust), day2.0.clone(), T0 + 3 * DAY)
            .expect("a head");
        device
            .apply(Arc::clone(&trust), day1.1.as_bytes().to_vec(), T0 + 3 * DAY)
            .expect("day 1 applied");
        assert_eq!(late.remaining(), 2);
        late.offer(day1.1.as_bytes().to_vec()).expect("snapshot");
        late.offer(day2.1.as_bytes().to_vec()).expect("delta");
        assert_eq!(late.finish().map_err(|e| e.info().code), Err(402));
        assert_eq!(device.lists()[0].version, ListVersion::new(0, 1));
    }

    /// A refused file ends the update and leaves the device as it was; so
    /// does finishing early; an ended update refuses every call (503).
    #[test]
    fn a_refused_file_ends_the_update_and_changes_nothing() {
        let (trust, [day1, day2]) = two_days();
        let device = Blocklist::new();
        fetched(&device, &trust, &day1).finish().expect("day 1");
        let before = device.save_state();
        let update = Arc::clone(&device)
            .begin_update(Arc::clone(&trust), day2.0.clone(), T0 + 3 * DAY)
            .expect("day 2's head");
        assert_eq!(update.head().0.version(), ListVersion::new(0, 2));
        let mixed = update.offer(day1.1.as_bytes().to_vec());
        assert_eq!(mixed.map_err(|e| e.info().code), Err(206));
        assert_eq!((update.next_fetch(), update.remaining()), (None, 0));
        assert_eq!(update.finish().map_err(|e| e.info().code), Err(503));
        let early = Arc::clone(&device)
            .begin_update(Arc::clone(&trust), day2.0.clone(), T0 + 3 * DAY)
            .expect("day 2's head");
        assert_eq!(early.finish().map_err(|e| e.info().code), Err(206));
        assert_eq!(device.save_state(), before);
    }
}
