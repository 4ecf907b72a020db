//! `partcert_shard_check`: a device checks some keys against a register's
//! list it does not hold, fetching only the shards they lie in (the core's
//! `Blocklist::check_shards`, sans-I/O like `partcert_blocklist_update`).
//! The keys are the ones a verdict looks up (`Verifier::blocklist_keys`),
//! computed by the core from the evidence to check.

use std::sync::Arc;

use partcert::blocklist::{BlockKey, Blocklist, Head, ShardCheck, ShardFetch};
use partcert::{Imei, Shared, Verifier};

use crate::blocklist::{BlocklistData, partcert_blocklist};
use crate::blocklist_update::{Fetching, Session};
use crate::castable;
use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error};
use crate::handset_evidence::partcert_handset_evidence;
use crate::head::partcert_head;
use crate::panic::boundary;
use crate::part_evidence::partcert_part_evidence;
use crate::ptr::{self, Out};
use crate::str::{NulString, partcert_str};
use crate::trust_store::{TrustData, partcert_trust_store};
use crate::verify::{imeis_in, with_handset, with_part};

/// A check of the keys one verdict looks up against a register's shards,
/// in progress: the head it follows, the shard files still to fetch, and
/// those proven so far. For a device that cannot hold the register's whole
/// list (a phone at boot, a technician's phone): it fetches a few
/// kilobytes, and the server learns only which 1/2^bits of the key space
/// each key lies in (at most 2^20 shards). The loop:
///
/// 1. fetch the repository's `head.pchd` and begin with the evidence the
///    verdict will be asked of: `partcert_shard_check_begin_part` (one
///    part) or `partcert_shard_check_begin_handset` (the boot self-check;
///    from a holder: `partcert_blocklist_holder_begin_shard_check_part` /
///    `_handset`). The core computes the keys the verdict looks up (the
///    parts' identities, the IMEIs) and plans one shard per slice they lie
///    in;
/// 2. while `partcert_shard_check_next_fetch` names a shard, fetch that
///    path — no more than its `max_size` bytes — and offer the bytes with
///    `partcert_shard_check_offer`. No shard depends on another: a device
///    may instead fetch the whole plan at once (`partcert_shard_check_fetch_at`,
///    0 to `_remaining` - 1, in parallel) and then offer each in that order;
/// 3. finish: `partcert_shard_check_finish` (a new blocklist) or
///    `partcert_blocklist_holder_finish_shard_check` (published to the
///    holder);
/// 4. verify with that blocklist as usual (`partcert_verify_part`,
///    `partcert_verify_handset`, with the same evidence): the verdicts are
///    the ones the whole list gives, BLOCKED with the same reason, status
///    and date. A key whose shard was not fetched is never read as clean:
///    the verdict fails with 408 (SHARD_NOT_HELD).
///
/// The blocklist finished holds the register's list as the proven shards,
/// at the head's version, judged fresh or stale by the list's own times
/// and the head's expiry, under every rollback rule; a list the device
/// already holds whole at that version is kept whole. Whatever fails — a
/// refused head (as for `partcert_blocklist_update_begin`), a head that
/// names no shards (111), a shard cut, altered, of another slice, list or
/// register (206, 401) — the blocklist the check began from is untouched:
/// free the check. A check that failed, or finished, is spent (503 to any
/// further offer or finish).
///
/// Not synchronized: one thread at a time drives a check (it may move
/// between threads). Its reads (`_next_fetch`, `_fetch_at`, `_remaining`,
/// `_head`) may run concurrently with each other.
pub struct partcert_shard_check {
    _private: [u8; 0],
}

reader!(read: partcert_shard_check);

/// One shard file to fetch, borrowed from the check that names it.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_shard_fetch {
    /// Its path under the repository's root,
    /// `shards/<root, 64 hex digits>/<index, 5 hex digits>.pcsh`: append
    /// it to the repository's URL.
    pub path: partcert_str,
    /// The slice of the key space it covers.
    pub index: u32,
    /// Read no more than this many bytes (the head's largest shard file);
    /// any shard file is at most `PARTCERT_MAX_SHARD_LEN`.
    pub max_size: u64,
}

/// A `partcert_shard_fetch` with the path it points into.
#[derive(Debug)]
pub(crate) struct FetchView {
    c: partcert_shard_fetch,
    _path: NulString,
}

impl FetchView {
    fn of(fetch: &ShardFetch) -> Self {
        let path = NulString::new(&fetch.path);
        FetchView {
            c: partcert_shard_fetch {
                path: path.as_c(),
                index: fetch.index,
                max_size: fetch.max_size,
            },
            _path: path,
        }
    }
}

/// The C view of the shards left to fetch, in the order they are offered
/// (never empty: a check with none left has no view).
#[derive(Debug)]
pub(crate) struct PlanView {
    fetches: Vec<FetchView>,
}

impl PlanView {
    fn of(check: &ShardCheck) -> Option<Self> {
        let fetches: Vec<FetchView> = check.fetches().iter().map(FetchView::of).collect();
        (!fetches.is_empty()).then_some(PlanView { fetches })
    }

    /// The `i`th shard left to fetch (the next one at 0).
    fn at(&self, i: usize) -> Option<*const partcert_shard_fetch> {
        self.fetches.get(i).map(|view| std::ptr::from_ref(&view.c))
    }
}

impl Fetching for ShardCheck {
    type View = PlanView;
    const NAME: &'static str = "shard check";

    fn head(&self) -> &Head {
        ShardCheck::head(self)
    }

    fn next_view(&self) -> Option<PlanView> {
        PlanView::of(self)
    }

    fn remaining(&self) -> usize {
        ShardCheck::remaining(self)
    }

    fn finish(self) -> Result<Blocklist, partcert::Error> {
        ShardCheck::finish(self)
    }
}

/// The contents of a `partcert_shard_check`.
pub(crate) type CheckData = Session<ShardCheck>;

/// The keys a verdict of one part looks up, on a handset with `hosts`.
///
/// # Safety
/// The header's contract for `partcert_shard_check_begin_part`.
unsafe fn part_keys(
    host_imeis: *const u64, host_imei_count: usize, evidence: *const partcert_part_evidence,
    now: u64,
) -> impl FnOnce(&TrustData) -> Result<Vec<BlockKey>, Failure> {
    move |trust| {
        let hosts = arg!(ptr::array_in: host_imeis, host_imei_count);
        let evidence = arg!(castable::borrow: evidence);
        let hosts: Vec<Imei> = imeis_in(hosts)?;
        let verifier = Verifier::new(&trust.store).on_handset(&hosts);
        Ok(with_part(trust, evidence, |core| {
            verifier.blocklist_keys(core, now)
        }))
    }
}

/// The keys a handset's self-check looks up.
///
/// # Safety
/// The header's contract for `partcert_shard_check_begin_handset`.
unsafe fn handset_keys(
    evidence: *const partcert_handset_evidence, now: u64,
) -> impl FnOnce(&TrustData) -> Result<Vec<BlockKey>, Failure> {
    move |trust| {
        let evidence = arg!(castable::borrow: evidence);
        let verifier = Verifier::new(&trust.store);
        Ok(with_handset(trust, evidence, |handset| {
            verifier.handset_blocklist_keys(handset, now)
        }))
    }
}

/// The body of every `_begin_` of a shard check: from `base`, for `keys`.
///
/// # Safety
/// The header's contract for `partcert_shard_check_begin_part`.
unsafe fn begin(
    base: impl FnOnce() -> Result<Arc<BlocklistData>, Failure>, trust: *const partcert_trust_store,
    head: *const u8, head_len: usize,
    keys: impl FnOnce(&TrustData) -> Result<Vec<BlockKey>, Failure>, now: u64,
    check_out: *mut *mut partcert_shard_check, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let base = base()?;
        let trust = arg!(castable::borrow: trust);
        let bytes = arg!(ptr::bytes_in: head, head_len);
        let out = arg!(Out::new: check_out);
        let keys = keys(trust)?;
        let check = base
            .blocklist
            .check_shards(&trust.store, bytes, &keys, now)?;
        out.write(castable::to_box(Session::new(base, check)))
    })
}

/// A blocklist argument as a base to begin from.
///
/// # Safety
/// NULL or a live blocklist.
unsafe fn from_blocklist(
    blocklist: *const partcert_blocklist,
) -> impl FnOnce() -> Result<Arc<BlocklistData>, Failure> {
    move || {
        // SAFETY: NULL or a live reference (the header's contract).
        unsafe { castable::clone_arc(blocklist) }.ok_or_else(|| Failure::null("blocklist"))
    }
}

/// A holder's current blocklist as a base to begin from.
///
/// # Safety
/// NULL or a live holder.
unsafe fn from_holder(
    holder: *const crate::blocklist_holder::partcert_blocklist_holder,
) -> impl FnOnce() -> Result<Arc<BlocklistData>, Failure> {
    move || {
        // SAFETY: NULL or a live holder (the header's contract).
        let holder = unsafe { castable::borrow(holder, "holder") }?;
        Ok(holder.load())
    }
}

/// Begins a check of one part against a register's shards, for a device
/// that does not hold the register's list: `head`, `head_len` are the
/// bytes of the repository's `head.pchd` just fetched, `evidence` the part
/// to verify next (as given to `partcert_verify_part`, with the same
/// `host_imeis`, `host_imei_count`: NULL and 0 for a bench that is no
/// handset), `now` the caller's clock. The core computes the keys the
/// part's verdict looks up (its identity; the IMEIs signed into it or
/// presented; `trust`'s chain pool completes its chain) and checks the
/// head as `partcert_blocklist_update_begin` does (1xx, 2xx, 400 a head
/// older than one accepted, 401 a conflicting one, 406), and that it names
/// shards (111: the repository serves none; sync the whole list). Then it
/// plans the shards to fetch: one per slice the keys lie in, none already
/// held at the head's version.
///
/// Writes the check to `check_out`; free it with
/// `partcert_shard_check_free`. `blocklist` is unchanged by anything the
/// check does, and shared by it while it lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_begin_part(
    blocklist: *const partcert_blocklist, trust: *const partcert_trust_store, head: *const u8,
    head_len: usize, host_imeis: *const u64, host_imei_count: usize,
    evidence: *const partcert_part_evidence, now: u64, check_out: *mut *mut partcert_shard_check,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe {
        let keys = part_keys(host_imeis, host_imei_count, evidence, now);
        let base = from_blocklist(blocklist);
        begin(base, trust, head, head_len, keys, now, check_out, error_out)
    }
}

/// Begins a check of a handset's boot self-check against a register's
/// shards: as `partcert_shard_check_begin_part`, for the keys
/// `partcert_verify_handset` looks up with `evidence` (the handset's IMEIs
/// from its pairing record and modem, and every fitted part's identity).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_begin_handset(
    blocklist: *const partcert_blocklist, trust: *const partcert_trust_store, head: *const u8,
    head_len: usize, evidence: *const partcert_handset_evidence, now: u64,
    check_out: *mut *mut partcert_shard_check, error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe {
        let keys = handset_keys(evidence, now);
        let base = from_blocklist(blocklist);
        begin(base, trust, head, head_len, keys, now, check_out, error_out)
    }
}

/// Begins a check of one part from the holder's current blocklist (see
/// `partcert_shard_check_begin_part`): the same as loading the current
/// blocklist and beginning from it. Finish it with
/// `partcert_blocklist_holder_finish_shard_check`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_begin_shard_check_part(
    holder: *const crate::blocklist_holder::partcert_blocklist_holder,
    trust: *const partcert_trust_store, head: *const u8, head_len: usize, host_imeis: *const u64,
    host_imei_count: usize, evidence: *const partcert_part_evidence, now: u64,
    check_out: *mut *mut partcert_shard_check, error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe {
        let keys = part_keys(host_imeis, host_imei_count, evidence, now);
        let base = from_holder(holder);
        begin(base, trust, head, head_len, keys, now, check_out, error_out)
    }
}

/// Begins a check of a handset's boot self-check from the holder's
/// current blocklist (see `partcert_shard_check_begin_handset`). Finish it
/// with `partcert_blocklist_holder_finish_shard_check`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_holder_begin_shard_check_handset(
    holder: *const crate::blocklist_holder::partcert_blocklist_holder,
    trust: *const partcert_trust_store, head: *const u8, head_len: usize,
    evidence: *const partcert_handset_evidence, now: u64,
    check_out: *mut *mut partcert_shard_check, error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe {
        let keys = handset_keys(evidence, now);
        let base = from_holder(holder);
        begin(base, trust, head, head_len, keys, now, check_out, error_out)
    }
}

/// The next shard to fetch, borrowed — its path under the repository's
/// root, its slice, the most bytes to read — or NULL when every shard has
/// been offered (finish), when the check failed or finished, or for NULL.
/// Valid until the next offer or finish, or until the check is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_next_fetch(
    check: *const partcert_shard_check,
) -> *const partcert_shard_fetch {
    read(check, std::ptr::null(), |c| c.next.as_ref()?.at(0))
}

/// The `i`th shard left to fetch, borrowed, in the order they are offered:
/// `i` from 0 (the one `partcert_shard_check_next_fetch` names) to
/// `partcert_shard_check_remaining(check) - 1`. This is the whole plan at
/// once: no shard depends on another, so a device fetches them all
/// together (in parallel: one round trip after the head's), then offers
/// each in this order. NULL past the end, when the check failed or
/// finished, or for NULL. Valid until the next offer or finish, or until
/// the check is freed; after an offer the plan is what is left of it (the
/// shard that was at 1 is at 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_fetch_at(
    check: *const partcert_shard_check, i: usize,
) -> *const partcert_shard_fetch {
    read(check, std::ptr::null(), |c| c.next.as_ref()?.at(i))
}

/// How many shards are left to fetch (0 when none is, when the check
/// failed or finished, or for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_remaining(
    check: *const partcert_shard_check,
) -> usize {
    read(check, 0, CheckData::remaining)
}

/// The head the check follows, verified when it began, borrowed (valid
/// while the check lives; never freed): its version and times through
/// `partcert_head_details` (`shard_count` there: how the list is cut).
/// NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_head(
    check: *const partcert_shard_check,
) -> *const partcert_head {
    read(check, std::ptr::null(), |c| {
        Some(castable::to_const_ptr(&c.head))
    })
}

/// Offers the bytes fetched for the shard `partcert_shard_check_next_fetch`
/// named. They are proven before anything is kept: their size against the
/// head's largest shard, then their structure (1xx: 100 cut short, 101
/// trailing bytes, 102 not a shard file, 111/104 a key outside its slice
/// or out of order), the list they cut (401 another register's; 206
/// FILE_MISMATCH, naming the path and what differs: another version or
/// cut, another slice, a proof that does not lead to the head's root — an
/// entry dropped, added or altered). 111 if no shard is left to offer. On
/// any error the check is spent (free it; the blocklist it began from is
/// untouched); 503 if it was spent already.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_offer(
    check: *mut partcert_shard_check, data: *const u8, len: usize,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let check = arg!(castable::borrow_mut: check);
        let bytes = arg!(ptr::bytes_in: data, len);
        check.offer(|check| check.offer(bytes))
    })
}

/// Finishes the check once every shard was offered, and writes the
/// blocklist it leads to — the register's list held as the shards proven,
/// at the head's version, the head recorded so the list reads fresh until
/// the head expires — to `blocklist_out`, a new blocklist with one
/// reference (the caller's). Verify with it as usual; a key outside the
/// shards held gives 408 (SHARD_NOT_HELD), never a clean verdict. 206 if a
/// shard was not offered, 400 if the device accepted a newer list
/// meanwhile; 503 if the check failed or finished. The check is spent
/// either way; the blocklist it began from is never changed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_finish(
    check: *mut partcert_shard_check, blocklist_out: *mut *mut partcert_blocklist,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let check = arg!(castable::borrow_mut: check);
        let out = arg!(Out::new: blocklist_out);
        out.write(castable::to_arc(check.finish()?))
    })
}

/// The body of `partcert_blocklist_holder_finish_shard_check`.
///
/// # Safety
/// The header's contract for it.
pub(crate) unsafe fn finish_into(
    holder: &Shared<BlocklistData>, check: *mut partcert_shard_check,
) -> Result<(), Failure> {
    let check = arg!(castable::borrow_mut: check);
    check.finish_into(holder)
}

/// Frees a shard check (releasing the blocklist it began from). NULL is a
/// no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_check_free(check: *mut partcert_shard_check) {
    // SAFETY: NULL or a check from this library, freed once.
    unsafe { castable::free_box(check) }
}
