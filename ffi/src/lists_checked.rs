//! `partcert_lists_checked`: the standing of every list a blocklist
//! follows at a time, without a part to look up — what a device shows
//! after a sync ("current", "stale: no fresh head since …").

use crate::blocklist::partcert_blocklist;
use crate::blocklist_status::{ListCheckedView, list_view, partcert_list_checked};
use crate::castable;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::ptr::Out;
use crate::trust_store::partcert_trust_store;

/// Every authority a blocklist follows, with its list's standing at a
/// time: the core's `lists_checked`, the same lists a verdict's
/// `partcert_blocklist_status_list` names. Owned: free it with
/// `partcert_lists_checked_free`. Immutable.
pub struct partcert_lists_checked {
    _private: [u8; 0],
}

reader!(read: partcert_lists_checked);

/// Checks every list `blocklist` follows against `trust` at `now` and
/// writes their standings to `lists_out` (in the order of the
/// authorities' key ids; none if it follows none): each says whether its
/// list may be out of date and why — expired, signer revoked, missing,
/// outdated by another authority's list, dated in the future, or no fresh
/// head from its repository since the time in `no_fresh_head_since` (a
/// frozen mirror, a withheld network). A stale list never reads current.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_lists_checked(
    blocklist: *const partcert_blocklist, trust: *const partcert_trust_store, now: u64,
    lists_out: *mut *mut partcert_lists_checked, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let blocklist = arg!(castable::borrow: blocklist);
        let trust = arg!(castable::borrow: trust);
        let out = arg!(Out::new: lists_out);
        let lists = blocklist.blocklist.lists_checked(&trust.store, now);
        let views: Vec<ListCheckedView> = lists.iter().map(list_view).collect();
        out.write(castable::to_box(views))
    })
}

/// How many lists (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_lists_checked_count(
    lists: *const partcert_lists_checked,
) -> usize {
    read(lists, 0, |l| Some(l.len()))
}

/// List `index`'s standing, borrowed (valid while `lists` lives); NULL
/// past the end or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_lists_checked_get(
    lists: *const partcert_lists_checked, index: usize,
) -> *const partcert_list_checked {
    read(lists, std::ptr::null(), |l| {
        l.get(index).map(|view| std::ptr::from_ref(&view.c))
    })
}

/// Frees the standings. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_lists_checked_free(lists: *mut partcert_lists_checked) {
    // SAFETY: NULL or standings from this library, freed once.
    unsafe { castable::free_box(lists) }
}
