//! `partcert_blocklist_update`: the core's sans-I/O updater in C. The
//! library touches no socket and reads no clock: the app fetches the head
//! and each file with its own HTTP stack (libcurl, its platform's), and
//! the core says what to fetch and checks every byte before it counts.

use std::sync::Arc;

use partcert::Shared;
use partcert::blocklist::{Blocklist, Head, Update};

use crate::blocklist::{BlocklistData, partcert_blocklist};
use crate::castable;
use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error};
use crate::head::{FileView, HeadData, partcert_file_ref, partcert_head};
use crate::panic::boundary;
use crate::ptr::{self, Out};
use crate::trust_store::partcert_trust_store;

/// An update of a blocklist from a register's repository, in progress: the
/// head it follows, the files still to fetch, and a working copy of the
/// blocklist they are applied to. The loop:
///
/// 1. fetch `head.pchd` and begin: `partcert_blocklist_update_begin` (or
///    `partcert_blocklist_holder_begin_update`);
/// 2. while `partcert_blocklist_update_next_fetch` names a file, fetch
///    that path — no more than its `size` bytes — and offer the bytes with
///    `partcert_blocklist_update_offer`;
/// 3. finish: `partcert_blocklist_update_finish` (a new blocklist) or
///    `partcert_blocklist_holder_finish_update` (published to a holder);
///    save the state (`partcert_blocklist_save_state`);
/// 4. free it with `partcert_blocklist_update_free`.
///
/// Whatever fails — a refused head, a file that is not the one the head
/// names, a list a rule refuses, a file that never arrives — the
/// blocklist the update began from is untouched: free the update and try
/// again later (from another mirror). An update that failed, or finished,
/// is spent (503 to any further offer or finish).
///
/// The update shares the blocklist it began from (so that one no longer
/// changes in place while the update lives: 503) and holds a working copy
/// that shares its lists: it costs about the files it applies.
///
/// Not synchronized: one thread at a time drives an update (it may move
/// between threads). Its reads (`_next_fetch`, `_remaining`, `_head`) may
/// run concurrently with each other.
pub struct partcert_blocklist_update {
    _private: [u8; 0],
}

reader!(read: partcert_blocklist_update);

/// The contents of a `partcert_blocklist_update`.
pub(crate) type UpdateData = Session<Update>;

/// A sans-I/O fetch loop over a register's repository, as the core drives
/// it (an [`Update`] of the whole list, a [`ShardCheck`] of some keys):
/// what the C handles driving one (`partcert_blocklist_update`,
/// `partcert_shard_check`) need of it.
pub(crate) trait Fetching: Sized {
    /// The C view of the next fetch.
    type View;
    /// What C calls it, in the error once it is spent.
    const NAME: &'static str;
    /// The head it follows.
    fn head(&self) -> &Head;
    /// The C view of the next fetch, if any is left.
    fn next_view(&self) -> Option<Self::View>;
    /// How many fetches are left.
    fn remaining(&self) -> usize;
    /// The device's blocklist once every fetch was offered.
    fn finish(self) -> Result<Blocklist, partcert::Error>;
}

impl Fetching for Update {
    type View = FileView;
    const NAME: &'static str = "update";

    fn head(&self) -> &Head {
        Update::head(self)
    }

    fn next_view(&self) -> Option<FileView> {
        self.next_fetch().map(FileView::of)
    }

    fn remaining(&self) -> usize {
        Update::remaining(self)
    }

    fn finish(self) -> Result<Blocklist, partcert::Error> {
        Update::finish(self)
    }
}

/// A fetch loop in progress behind a C handle: the blocklist it began
/// from, the head it follows, the core's loop and the C view of its next
/// fetch.
#[derive(Debug)]
pub(crate) struct Session<F: Fetching> {
    /// The blocklist it began from: kept, so that a holder publishes the
    /// result only if it still holds this very blocklist.
    base: Arc<BlocklistData>,
    pub(crate) head: HeadData,
    /// The core's loop; `None` once it failed or finished.
    live: Option<F>,
    /// The C view of the next fetch.
    pub(crate) next: Option<F::View>,
}

impl<F: Fetching> Session<F> {
    pub(crate) fn new(base: Arc<BlocklistData>, fetching: F) -> Self {
        Session {
            head: HeadData::new(fetching.head().clone()),
            next: fetching.next_view(),
            live: Some(fetching),
            base,
        }
    }

    /// The loop in progress: 503 once it failed or finished.
    fn live(&mut self) -> Result<&mut F, Failure> {
        self.live.as_mut().ok_or_else(spent::<F>)
    }

    /// How many fetches are left (`None` once it failed or finished).
    pub(crate) fn remaining(&self) -> Option<usize> {
        self.live.as_ref().map(F::remaining)
    }

    /// Offers the next fetch's bytes with `offer`; any error spends the
    /// loop (the core's rule: a loop that failed cannot go on).
    pub(crate) fn offer(
        &mut self, offer: impl FnOnce(&mut F) -> Result<(), partcert::Error>,
    ) -> Result<(), Failure> {
        let fetching = self.live()?;
        let offered = offer(fetching);
        self.next = match offered {
            Ok(()) => fetching.next_view(),
            Err(_) => None,
        };
        if offered.is_err() {
            self.live = None;
        }
        Ok(offered?)
    }

    /// The blocklist the loop leads to; the loop is spent either way.
    pub(crate) fn finish(&mut self) -> Result<BlocklistData, Failure> {
        self.next = None;
        let fetching = self.live.take().ok_or_else(spent::<F>)?;
        Ok(BlocklistData::new(fetching.finish()?))
    }

    /// Publishes the finished loop's blocklist to `holder` if it still
    /// holds the blocklist the loop began from (else 503: begin again from
    /// the current one), in turn with the holder's other updates. The loop
    /// is spent either way.
    pub(crate) fn finish_into(&mut self, holder: &Shared<BlocklistData>) -> Result<(), Failure> {
        self.live()?;
        holder.update(|current| {
            if !std::ptr::eq(current, Arc::as_ptr(&self.base)) {
                self.live = None;
                self.next = None;
                return Err(Failure::argument(format!(
                    "the holder's blocklist changed since this {} began: nothing was \
                     published; begin a new {} from the current one",
                    F::NAME,
                    F::NAME
                )));
            }
            Ok((self.finish()?, ()))
        })
    }
}

/// The failure of a call on a loop that failed or finished (503).
fn spent<F: Fetching>() -> Failure {
    Failure::argument(format!(
        "this {} failed or finished: free it and begin a new one from the current blocklist",
        F::NAME
    ))
}

/// The body of `partcert_blocklist_update_begin` and
/// `partcert_blocklist_holder_begin_update`: begins from `base`.
///
/// # Safety
/// The header's contract for `partcert_blocklist_update_begin`.
pub(crate) unsafe fn begin(
    base: impl FnOnce() -> Result<Arc<BlocklistData>, Failure>, trust: *const partcert_trust_store,
    head: *const u8, head_len: usize, now: u64, update_out: *mut *mut partcert_blocklist_update,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let base = base()?;
        let trust = arg!(castable::borrow: trust);
        let bytes = arg!(ptr::bytes_in: head, head_len);
        let out = arg!(Out::new: update_out);
        let update = base.blocklist.update(&trust.store, bytes, now)?;
        out.write(castable::to_box(Session::new(base, update)))
    })
}

/// The body of `partcert_blocklist_holder_finish_update`.
///
/// # Safety
/// The header's contract for it.
pub(crate) unsafe fn finish_into(
    holder: &Shared<BlocklistData>, update: *mut partcert_blocklist_update,
) -> Result<(), Failure> {
    let update = arg!(castable::borrow_mut: update);
    update.finish_into(holder)
}

/// Begins an update of `blocklist` from a register's head: `head`,
/// `head_len` are the bytes of the `head.pchd` just fetched, `now` the
/// caller's clock. The core checks, before anything is fetched: that the
/// head decodes (1xx: 100 truncated, 101 trailing bytes, 102 not partcert
/// bytes, 105 another object), that its signer chains to a blocklist root
/// `trust` pins (2xx; a delegated signer only in its epoch: 406), its
/// signature (200), that it is not older than the list held or a head
/// already accepted (400: a mirror replaying an old head), and that its
/// files lead to its newest list (111). Then it plans the files to fetch:
/// the deltas from the version held where they reach, else the newest
/// snapshot and the deltas after it; nothing for a head at the version
/// held (finishing then only records that the list is fresh until the
/// head expires).
///
/// Writes the update to `update_out`; free it with
/// `partcert_blocklist_update_free`. `blocklist` is unchanged by anything
/// the update does, and shared by it while it lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_update_begin(
    blocklist: *const partcert_blocklist, trust: *const partcert_trust_store, head: *const u8,
    head_len: usize, now: u64, update_out: *mut *mut partcert_blocklist_update,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    let base = || {
        // SAFETY: NULL or a live reference (the header's contract).
        unsafe { castable::clone_arc(blocklist) }.ok_or_else(|| Failure::null("blocklist"))
    };
    // SAFETY: the header's contract, forwarded.
    unsafe { begin(base, trust, head, head_len, now, update_out, error_out) }
}

/// The next file to fetch, borrowed — its path under the repository's
/// root, its exact size and SHA-256 — or NULL when every file has been
/// offered (finish), when the update failed or finished, or for NULL.
/// Valid until the next offer or finish, or until the update is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_update_next_fetch(
    update: *const partcert_blocklist_update,
) -> *const partcert_file_ref {
    read(update, std::ptr::null(), |u| {
        u.next.as_ref().map(|view| std::ptr::from_ref(&view.c))
    })
}

/// How many files are left to fetch (0 when none is, when the update
/// failed or finished, or for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_update_remaining(
    update: *const partcert_blocklist_update,
) -> usize {
    read(update, 0, Session::remaining)
}

/// The head the update follows, verified when the update began, borrowed
/// (valid while the update lives; never freed): its version, times and
/// files through `partcert_head_details` and `partcert_head_file`. NULL for
/// NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_update_head(
    update: *const partcert_blocklist_update,
) -> *const partcert_head {
    read(update, std::ptr::null(), |u| {
        Some(castable::to_const_ptr(&u.head))
    })
}

/// Offers the bytes fetched for the file `partcert_blocklist_update_next_fetch`
/// named. Their size, then their SHA-256, are checked against the head
/// before anything decodes them (206 FILE_MISMATCH, naming the path and
/// what differs: a file cut short, too long, of another day); then the
/// list is checked to be the version the head names (206) and applied to
/// the update's working copy under every rule of `partcert_blocklist_apply`
/// (2xx, 4xx); 111 if no file is left to offer. On any error the update is
/// spent (free it; the blocklist it began from is untouched); 503 if it was
/// spent already.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_update_offer(
    update: *mut partcert_blocklist_update, trust: *const partcert_trust_store, data: *const u8,
    len: usize, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let update = arg!(castable::borrow_mut: update);
        let trust = arg!(castable::borrow: trust);
        let bytes = arg!(ptr::bytes_in: data, len);
        update.offer(|update| update.offer(&trust.store, bytes))
    })
}

/// Finishes the update once every file was offered, and writes the
/// blocklist it leads to — the register's list at the head's version and
/// digest, the head recorded so the list reads fresh until the head
/// expires — to `blocklist_out`, a new blocklist with one reference (the
/// caller's; save it with `partcert_blocklist_save_state`, and release the
/// old one). 206 if a file was not offered, 403 if the files did not lead
/// to the head's digest; 503 if the update failed or finished. The update
/// is spent either way; the blocklist it began from is never changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_update_finish(
    update: *mut partcert_blocklist_update, blocklist_out: *mut *mut partcert_blocklist,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let update = arg!(castable::borrow_mut: update);
        let out = arg!(Out::new: blocklist_out);
        out.write(castable::to_arc(update.finish()?))
    })
}

/// Frees an update (releasing the blocklist it began from). NULL is a
/// no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_update_free(update: *mut partcert_blocklist_update) {
    // SAFETY: NULL or an update from this library, freed once.
    unsafe { castable::free_box(update) }
}
