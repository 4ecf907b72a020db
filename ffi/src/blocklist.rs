//! `partcert_blocklist`: accepted blocklists and their anti-rollback state
//! — reference-counted, immutable once shared.

use std::ffi::c_char;

use partcert::blocklist::{AuthorityList, ListVersion, RollbackState, SignedList};
use partcert::ids::KeyId;
use partcert::{Blocklist, Shared, TrustStore};

use crate::bytes::{partcert_bytes, to_bytes};
use crate::castable;
use crate::enums::{PARTCERT_DIGEST_LEN, partcert_result};
use crate::error::{Failure, partcert_error};
use crate::list_version::partcert_list_version;
use crate::panic::{boundary, getter};
use crate::ptr::{self, Out};
use crate::shared;
use crate::str::{NulString, partcert_str};
use crate::trust_store::partcert_trust_store;

/// The blocklists accepted from every trusted blocklist authority, with
/// the anti-rollback state that guards them.
///
/// Updates are all-or-nothing: a snapshot or delta that fails any check
/// leaves the blocklist exactly as it was.
///
/// Reference-counted and immutable once shared, like
/// `partcert_trust_store`: `partcert_blocklist_new` (and the other
/// constructors) make one with a single reference, which
/// `partcert_blocklist_apply` (any list, told by its content),
/// `_unfollow` and `_unfollow_unpinned` change in place;
/// once `partcert_blocklist_share` has handed out another reference it no
/// longer changes (503). A device whose readers verify while an updater
/// applies lists keeps the current blocklist in a
/// `partcert_blocklist_holder`, which publishes each update in O(1).
///
/// Anti-rollback marks: persist `partcert_blocklist_rollback_state` (or the
/// whole state: `partcert_blocklist_save` to a path, since 1.6, or
/// `partcert_blocklist_save_state` to bytes) after each update and restore
/// it at the next start, so an older list is still refused after a reboot,
/// and a list withheld after the reboot reads as missing (stale), never
/// clean. The saved bytes end in a SHA-256 checksum that detects
/// corruption (112), not tampering: they are not signed. Keep them where
/// the device keeps its other trusted state — storage only the trusted
/// software that verifies can write (e.g. an integrity-protected,
/// rollback-protected partition, or the secure element's storage). An
/// attacker who can write them can restore older marks, and thereby
/// re-open rollback to any list not older than those marks.
///
/// Thread safety: the functions taking a `const partcert_blocklist *` only
/// read it and may run concurrently from any number of threads.
pub struct partcert_blocklist {
    _private: [u8; 0],
}

reader!(read: partcert_blocklist);

/// One authority's list as held by a `partcert_blocklist`, borrowed from
/// it (see `partcert_blocklist_list`).
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_list_info {
    /// The authority's root key id.
    pub authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The authority's name (from its root certificate).
    pub authority_name: partcert_str,
    /// The accepted version.
    pub version: partcert_list_version,
    /// When that list was signed (seconds since the Unix epoch).
    pub issued_at: u64,
    /// When it goes stale.
    pub expires_at: u64,
    /// How many entries it holds.
    pub entry_count: usize,
    /// Its state digest (what the next delta must start from).
    pub state_digest: [u8; PARTCERT_DIGEST_LEN],
    /// The key id of the key that signed it (the root's own, or a delegated
    /// blocklist authority's).
    pub signer_key_id: [u8; PARTCERT_DIGEST_LEN],
}

/// A `partcert_list_info` with the name it points into.
#[derive(Debug)]
struct ListView {
    info: partcert_list_info,
    _name: NulString,
}

impl ListView {
    fn of(list: &AuthorityList) -> Self {
        let name = NulString::new(&list.authority_name);
        ListView {
            info: partcert_list_info {
                authority_key_id: *list.authority.as_bytes(),
                authority_name: name.as_c(),
                version: list.version.into(),
                issued_at: list.issued_at,
                expires_at: list.expires_at,
                entry_count: usize::try_from(list.len()).unwrap_or(usize::MAX),
                state_digest: *list.digest.as_bytes(),
                signer_key_id: *list.signer.as_bytes(),
            },
            _name: name,
        }
    }
}

/// The contents of a `partcert_blocklist`: the core's blocklist and the C
/// views of its lists, rebuilt after every change.
#[derive(Debug)]
pub(crate) struct BlocklistData {
    pub(crate) blocklist: Blocklist,
    lists: Vec<ListView>,
}

/// How an update's bytes are read: as a list of any format (`SignedList`,
/// since 1.4) or, for the calls of 1.0–1.3, of one format only (any other
/// object is 105).
pub(crate) trait Decode {
    /// The list the bytes hold.
    fn list(bytes: &[u8]) -> Result<SignedList, partcert::Error>;
}

impl Decode for SignedList {
    fn list(bytes: &[u8]) -> Result<SignedList, partcert::Error> {
        SignedList::decode(bytes)
    }
}

impl BlocklistData {
    pub(crate) fn new(blocklist: Blocklist) -> Self {
        let lists = blocklist.lists().map(ListView::of).collect();
        BlocklistData { blocklist, lists }
    }

    fn refresh(&mut self) {
        self.lists = self.blocklist.lists().map(ListView::of).collect();
    }

    /// Applies an encoded list, read as `D` reads it (all-or-nothing; the
    /// core decides everything).
    fn apply<D: Decode>(
        &mut self, trust: &TrustStore, bytes: &[u8], now: u64,
    ) -> Result<ListVersion, Failure> {
        let version = self.blocklist.apply(trust, &D::list(bytes)?, now)?;
        self.refresh();
        Ok(version)
    }

    /// Stops following `authority`; whether it was followed.
    fn unfollow(&mut self, authority: &KeyId) -> bool {
        // Every list held has its mark: the mark says it was followed.
        let followed = self.blocklist.unfollow(authority).is_some();
        self.refresh();
        followed
    }

    /// Stops following every authority `trust` no longer pins; their root
    /// key ids, 32 bytes each.
    fn unfollow_unpinned(&mut self, trust: &TrustStore) -> Vec<u8> {
        let unfollowed = self.blocklist.unfollow_unpinned(trust);
        self.refresh();
        key_ids(&unfollowed)
    }
}

impl Clone for BlocklistData {
    fn clone(&self) -> Self {
        BlocklistData::new(self.blocklist.clone())
    }
}

/// Key ids one after another, 32 bytes each.
pub(crate) fn key_ids(ids: &[KeyId]) -> Vec<u8> {
    ids.iter().flat_map(|id| *id.as_bytes()).collect()
}

/// A handle a blocklist is changed through: a `partcert_blocklist`,
/// changed in place (505 once shared), or a `partcert_blocklist_holder`,
/// whose current blocklist is copied, changed and published. Either way a
/// refused change leaves everything as it was.
pub(crate) trait Handle {
    /// The handle's parameter name, for its errors.
    const NAME: &'static str;

    /// The blocklist behind the handle, borrowed for a change.
    ///
    /// # Safety
    /// The header's contract for the handle.
    unsafe fn borrow<'a>(self) -> Result<Change<'a>, Failure>;
}

impl Handle for *mut partcert_blocklist {
    const NAME: &'static str = "blocklist";

    unsafe fn borrow<'a>(self) -> Result<Change<'a>, Failure> {
        // SAFETY: forwarded contract.
        unsafe { castable::arc_get_mut(self, Self::NAME) }.map(Change::InPlace)
    }
}

/// A blocklist borrowed for a change, through a [`Handle`].
pub(crate) enum Change<'a> {
    /// An unshared blocklist, changed in place.
    InPlace(&'a mut BlocklistData),
    /// A holder, whose current blocklist is copied, changed and published.
    Holder(&'a Shared<BlocklistData>),
}

impl Change<'_> {
    /// Makes `change` and returns what it says; on failure nothing changes.
    fn make<R>(
        self, change: impl FnOnce(&mut BlocklistData) -> Result<R, Failure>,
    ) -> Result<R, Failure> {
        match self {
            Change::InPlace(blocklist) => change(blocklist),
            Change::Holder(holder) => shared::update(holder, change),
        }
    }
}

/// The body of every call that applies a list: `partcert_blocklist_apply`
/// and `partcert_blocklist_holder_apply` (`D`: [`SignedList`]), and the
/// 1.0–1.3 calls that read one format each.
///
/// # Safety
/// The header's contract for `partcert_blocklist_apply`.
pub(crate) unsafe fn apply<D: Decode>(
    handle: impl Handle, trust: *const partcert_trust_store, data: *const u8, len: usize, now: u64,
    version_out: *mut partcert_list_version, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: the header's contract for the handle.
        let change = unsafe { handle.borrow() }?;
        let trust = arg!(castable::borrow: trust);
        let bytes = arg!(ptr::bytes_in: data, len);
        let out = arg!(Out::optional: version_out);
        let version = change.make(|list| list.apply::<D>(&trust.store, bytes, now))?;
        ptr::write_optional(out, version.into())
    })
}

/// The body of `partcert_blocklist_unfollow` and
/// `partcert_blocklist_holder_unfollow`.
///
/// # Safety
/// The header's contract for `partcert_blocklist_unfollow`.
pub(crate) unsafe fn unfollow(
    handle: impl Handle, authority_key_id: *const u8, was_followed: *mut bool,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: the header's contract for the handle.
        let change = unsafe { handle.borrow() }?;
        let authority = arg!(ptr::key_id_in: authority_key_id);
        let out = arg!(Out::optional: was_followed);
        ptr::write_optional(out, change.make(|list| Ok(list.unfollow(&authority)))?)
    })
}

/// The body of `partcert_blocklist_unfollow_unpinned` and
/// `partcert_blocklist_holder_unfollow_unpinned`.
///
/// # Safety
/// The header's contract for `partcert_blocklist_unfollow_unpinned`.
pub(crate) unsafe fn unfollow_unpinned(
    handle: impl Handle, trust: *const partcert_trust_store,
    unfollowed_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: the header's contract for the handle.
        let change = unsafe { handle.borrow() }?;
        let trust = arg!(castable::borrow: trust);
        let out = arg!(Out::optional: unfollowed_out);
        let unfollowed = change.make(|list| Ok(list.unfollow_unpinned(&trust.store)))?;
        ptr::write_bytes_optional(out, || unfollowed)
    })
}

/// Creates an empty blocklist with no anti-rollback history, with one
/// reference (the caller's). Never NULL. A blocklist that follows no
/// authority gives verdicts NOT_CHECKED.
#[unsafe(no_mangle)]
pub extern "C" fn partcert_blocklist_new() -> *mut partcert_blocklist {
    castable::to_arc(BlocklistData::new(Blocklist::new()))
}

/// Creates an empty blocklist that remembers what a previous run accepted:
/// `data` holds the bytes `partcert_blocklist_rollback_state` gave then.
/// Lists older than those are refused with 400. Every authority the state
/// has a mark for is followed: until its list is applied again, verdicts
/// are STALE with reason MISSING, naming it. Damaged bytes are refused
/// whole (1xx; 112 if the checksum does not match).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_new_with_rollback_state(
    data: *const u8, len: usize, blocklist_out: *mut *mut partcert_blocklist,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let bytes = arg!(ptr::bytes_in: data, len);
        let out = arg!(Out::new: blocklist_out);
        let state = RollbackState::decode(bytes)?;
        let blocklist = Blocklist::with_rollback_state(state);
        out.write(castable::to_arc(BlocklistData::new(blocklist)))
    })
}

/// Reads back a whole accepted state written by `partcert_blocklist_save_state`
/// (every authority's list and the anti-rollback marks) into a new
/// blocklist. Every list must agree with its anti-rollback mark; a damaged
/// file is refused whole (1xx; 112 if its checksum or a list's agreement
/// with its mark fails), never half-loaded. Marks without a list are
/// authorities followed whose list is not held: verdicts read stale until
/// it arrives. An authority whose blocklist root `trust` no longer pins
/// (unpinned, or re-pinned under a new key) is no longer followed: its
/// list and mark are dropped and every other authority's kept (since 1.3;
/// 1.2 refused the whole file with 201). `partcert_blocklist_load_state`
/// does the same and says which were dropped. The file is unsigned: keep
/// it as the anti-rollback marks are kept (see `partcert_blocklist`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_new_from_saved_state(
    trust: *const partcert_trust_store, data: *const u8, len: usize,
    blocklist_out: *mut *mut partcert_blocklist, error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded; no `dropped_out`.
    unsafe {
        partcert_blocklist_load_state(
            trust,
            data,
            len,
            blocklist_out,
            std::ptr::null_mut(),
            error_out,
        )
    }
}

/// Reads back a whole accepted state as
/// `partcert_blocklist_new_from_saved_state` does — keeping every
/// authority whose blocklist root `trust` still pins, with its list and
/// mark — and reports, apart, the authorities the state followed whose
/// roots `trust` no longer pins (a rogue operator unpinned, a root
/// re-pinned under a new key after its key was stolen): they are no longer
/// followed, so their missing lists no longer make verdicts stale.
///
/// Writes the new blocklist to `blocklist_out`, and, if `dropped_out` is
/// not NULL, a new `partcert_bytes` holding the dropped authorities' root
/// key ids, `PARTCERT_DIGEST_LEN` bytes each, one after another, in
/// ascending order (`partcert_bytes_len / PARTCERT_DIGEST_LEN` of them;
/// empty when none was dropped); free it with `partcert_bytes_free`. Both
/// are written only on success. Errors as for
/// `partcert_blocklist_new_from_saved_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_load_state(
    trust: *const partcert_trust_store, data: *const u8, len: usize,
    blocklist_out: *mut *mut partcert_blocklist, dropped_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let trust = arg!(castable::borrow: trust);
        let bytes = arg!(ptr::bytes_in: data, len);
        let out = arg!(Out::new: blocklist_out);
        let dropped_out = arg!(Out::optional: dropped_out);
        let loaded = Blocklist::load_state(bytes, &trust.store)?;
        ptr::write_bytes_optional(dropped_out, || key_ids(&loaded.dropped))?;
        out.write(castable::to_arc(BlocklistData::new(loaded.blocklist)))
    })
}

/// Writes what `encode` makes of a blocklist to a new `partcert_bytes`.
fn encoded(
    blocklist: *const partcert_blocklist, state_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error, encode: fn(&Blocklist) -> Vec<u8>,
) -> partcert_result {
    boundary(error_out, || {
        let blocklist = arg!(castable::borrow: blocklist);
        let out = arg!(Out::new: state_out);
        out.write(to_bytes(encode(&blocklist.blocklist)))
    })
}

/// Writes the whole accepted state — every authority's list and the
/// anti-rollback marks — to a new `partcert_bytes`, for
/// `partcert_blocklist_new_from_saved_state` after a restart: a device that
/// applied a snapshot and deltas keeps what they led to. About 40 bytes per
/// entry; encoded once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_save_state(
    blocklist: *const partcert_blocklist, state_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    encoded(blocklist, state_out, error_out, Blocklist::encode_state)
}

/// Saves the whole accepted state — every authority's list and the
/// anti-rollback marks — to the file at `path` (a NUL-terminated path, as
/// `fopen` takes it), for `partcert_blocklist_load` after a restart (since
/// 1.6; the core's `Blocklist::save`, the same files the `partcert` tool
/// and the Kotlin and Swift bindings write). The state file is small:
/// each compact list (a national list) is kept in a file of its own,
/// `<path without its extension>.lists/<sha256>.pccs` (`device.pcbs`
/// keeps its lists in `device.lists/`), as it was received, and is not
/// written again while it is the one held.
///
/// Crash-safe: new list files are written first (each to a temporary file,
/// flushed and renamed), then the state file replaces the old one
/// atomically, then the list files neither the new nor the previous state
/// names are removed; a power cut at any point leaves the old state or the
/// new one, each with its list files. Save a path from one thread at a
/// time. Errors: 504 (`PARTCERT_RESULT_IO`) naming the file or folder that
/// could not be written — the state at `path` is then the one saved
/// before. Keep the files where the device keeps its other trusted state
/// (see `partcert_blocklist`): they are unsigned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_save(
    blocklist: *const partcert_blocklist, path: *const c_char, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let blocklist = arg!(castable::borrow: blocklist);
        let path = arg!(ptr::path_in: path);
        Ok(blocklist.blocklist.save(path)?)
    })
}

/// Loads a state saved by `partcert_blocklist_save` at `path` (a
/// NUL-terminated path) into a new blocklist, under the rules of
/// `partcert_blocklist_load_state` — every list must agree with its
/// anti-rollback mark, an authority whose blocklist root `trust` no longer
/// pins is dropped (and reported in `dropped_out` as that call reports it),
/// every other one kept — since 1.6 (the core's `Blocklist::load`). A
/// file written by `partcert_blocklist_save_state`, its lists kept in it,
/// loads too.
///
/// Each compact list's file is mapped, not read: loading reads the state
/// file and each list's signed header, and checks the saved block digests
/// against the root the list's signature covers (a few milliseconds for a
/// national list). Each 64 KiB block of the list is checked the first time
/// a lookup reads it, so a verify against a national list reads a handful
/// of blocks. A list file replaced by another (another register's, another
/// version's) or cut short is refused here with 206
/// (`PARTCERT_RESULT_FILE_MISMATCH`, naming the file); one altered in place
/// is refused with 206 by the call whose lookup reads the damage
/// (`partcert_verify_part`, `partcert_verify_handset`, ...), here if the
/// damage is in the block holding the list's header — never an answer from
/// altered bytes. The list files must not be changed while the blocklist
/// (or a reference to it) is in use: one cut short under a reader ends the
/// process that reads past its new end (SIGBUS), as with any mapped file;
/// `partcert_blocklist_save` never changes a file in place.
///
/// Writes the new blocklist to `blocklist_out` and, if `dropped_out` is not
/// NULL, the dropped authorities' root key ids as
/// `partcert_blocklist_load_state` does; both only on success. Errors: 504
/// (`PARTCERT_RESULT_IO`) for a state or list file that cannot be read —
/// nothing saved at `path` yet is 504 too (test whether the file exists to
/// tell a first start); 206 as above; 1xx for a damaged state file (112 if
/// its checksum fails).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_load(
    trust: *const partcert_trust_store, path: *const c_char,
    blocklist_out: *mut *mut partcert_blocklist, dropped_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let trust = arg!(castable::borrow: trust);
        let path = arg!(ptr::path_in: path);
        let out = arg!(Out::new: blocklist_out);
        let dropped_out = arg!(Out::optional: dropped_out);
        let loaded = Blocklist::load(path, &trust.store)?;
        ptr::write_bytes_optional(dropped_out, || key_ids(&loaded.dropped))?;
        out.write(castable::to_arc(BlocklistData::new(loaded.blocklist)))
    })
}

/// Writes the anti-rollback state to persist (at most
/// `PARTCERT_MAX_ROLLBACK_STATE_LEN` bytes) to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_rollback_state(
    blocklist: *const partcert_blocklist, state_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    encoded(blocklist, state_out, error_out, |b| {
        b.rollback_state().encode()
    })
}

/// Hands out another reference to `blocklist` (NULL gives NULL): a
/// snapshot a reader may keep as long as it needs, released with
/// `partcert_blocklist_free`. Once shared, the blocklist no longer changes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_share(
    blocklist: *const partcert_blocklist,
) -> *mut partcert_blocklist {
    // SAFETY: NULL or a live reference.
    unsafe { castable::share(blocklist) }
}

/// A new, unshared copy of `blocklist` (lists and anti-rollback state;
/// NULL gives NULL), to update and publish while readers keep the
/// original. The copy shares the lists themselves until an update
/// changes them: it costs a reference count per authority, not per entry,
/// and an update then costs about its own size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_clone(
    blocklist: *const partcert_blocklist,
) -> *mut partcert_blocklist {
    // SAFETY: NULL or a live reference.
    unsafe { castable::clone_unshared(blocklist) }
}

/// Releases one reference to a blocklist; it is freed with the last. NULL
/// is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_free(blocklist: *mut partcert_blocklist) {
    // SAFETY: NULL or a reference from this library, released once.
    unsafe { castable::free_arc(blocklist) }
}

/// Applies a blocklist of any format, told by its content — the one call
/// a device needs for every update:
///
/// - a sorted snapshot (`PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT`) or a
///   compact snapshot (`PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT`, the
///   national-scale format) replaces its authority's list whole, after
///   checking that its signer chains to a blocklist root pinned in `trust`
///   (2xx otherwise; a delegated signer only in the epoch its certificate
///   names: 406), its signature, and that it is not older than what was
///   accepted before (400; lists are ordered by epoch, then sequence, with
///   no limit on the step between two: 405 only past
///   `PARTCERT_MAX_SEQUENCE`). The same list again is accepted and changes
///   nothing; a different one with the same version is 404;
/// - a delta (`PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA`), over a sorted or a
///   compact list, must start from exactly the state held (402 otherwise;
///   400 if it leads to a version not newer than the one held) and lead to
///   exactly the digest it promises (403).
///
/// The core tells which from the bytes, so an updater needs no file name
/// or flag. Any other partcert object (a certificate, a pairing record, a
/// revocation list, ...) is 105 (`PARTCERT_RESULT_WRONG_OBJECT_TYPE`),
/// naming what it is; bytes that do not decode give the decoder's code
/// (100 if truncated, 102 if not partcert bytes, other 1xx). `now` is the
/// caller's clock, raised to this authority's floor (see
/// `partcert_blocklist_clock_for`) — except that a list of a later epoch
/// is judged at `now` itself, never at a floor an older epoch raised
/// (which a thief's list may have raised). The list raises the floor to
/// its issue time, at most `now` plus `PARTCERT_CLOCK_TOLERANCE`.
/// All-or-nothing: on any error the blocklist is unchanged. Writes the
/// version now held to `version_out` (NULL if not wanted). 503 if
/// `blocklist` is shared (apply on a copy from `partcert_blocklist_clone`,
/// or use `partcert_blocklist_holder_apply`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_apply(
    blocklist: *mut partcert_blocklist, trust: *const partcert_trust_store, data: *const u8,
    len: usize, now: u64, version_out: *mut partcert_list_version,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { apply::<SignedList>(blocklist, trust, data, len, now, version_out, error_out) }
}

/// The clock for one blocklist authority's lists (given by its 32-byte
/// root key id) at the caller's `now`: never earlier than the floor that
/// authority's newest accepted list set — its issue time, capped at the
/// clock it was received at plus `PARTCERT_CLOCK_TOLERANCE`, so a date
/// from the future raises no floor — unless `trust` has since revoked the
/// key that signed it. Other authorities' lists never move it.
/// An authority this blocklist does not follow gets `now` unchanged. 0 if
/// an argument is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_clock_for(
    blocklist: *const partcert_blocklist, trust: *const partcert_trust_store,
    authority_key_id: *const u8, now: u64,
) -> u64 {
    getter(0, || {
        // SAFETY: NULL or live objects; NULL or 32 readable bytes.
        let (blocklist, trust, authority) = unsafe {
            (
                castable::try_ref(blocklist)?,
                castable::try_ref(trust)?,
                ptr::key_id_in(authority_key_id, "authority_key_id").ok()?,
            )
        };
        Some(blocklist.blocklist.clock_for(&trust.store, &authority, now))
    })
}

/// Whether the blocklist follows any authority: true once a list was
/// accepted, or when restored from an anti-rollback state with a mark.
/// False for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_follows_any(
    blocklist: *const partcert_blocklist,
) -> bool {
    read(blocklist, false, |b| Some(b.blocklist.follows_any()))
}

/// Stops following one blocklist authority, given by its 32-byte root key
/// id (after unpinning a rogue operator, or a root re-pinned under a new
/// key): drops its list and its anti-rollback mark, so its missing list no
/// longer makes verdicts stale; every other authority's list and mark is
/// kept. Writes to `was_followed` (NULL if not wanted) whether the
/// blocklist followed it (false: nothing changed). Save the state
/// afterwards, or a restart from the old state follows it again. 503 if
/// `blocklist` is shared (unfollow on a copy from `partcert_blocklist_clone`
/// and publish it, or use `partcert_blocklist_holder_unfollow`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_unfollow(
    blocklist: *mut partcert_blocklist, authority_key_id: *const u8, was_followed: *mut bool,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { unfollow(blocklist, authority_key_id, was_followed, error_out) }
}

/// Stops following every authority whose blocklist root `trust` no longer
/// pins (see `partcert_blocklist_unfollow`): what a device does after
/// changing the roots it pins. If `unfollowed_out` is not NULL, writes a
/// new `partcert_bytes` holding their root key ids, `PARTCERT_DIGEST_LEN`
/// bytes each, in ascending order (empty when none); free it with
/// `partcert_bytes_free`. 505 if `blocklist` is shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_unfollow_unpinned(
    blocklist: *mut partcert_blocklist, trust: *const partcert_trust_store,
    unfollowed_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    // SAFETY: the header's contract, forwarded.
    unsafe { unfollow_unpinned(blocklist, trust, unfollowed_out, error_out) }
}

/// How many authorities' lists are held (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_list_count(
    blocklist: *const partcert_blocklist,
) -> usize {
    read(blocklist, 0, |b| Some(b.lists.len()))
}

/// List `index` (0 ≤ index < count, in the order of the authorities' key
/// ids), borrowed: valid until the blocklist is changed or released. NULL
/// if `index` is past the end or `blocklist` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_list(
    blocklist: *const partcert_blocklist, index: usize,
) -> *const partcert_list_info {
    read(blocklist, std::ptr::null(), |b| {
        b.lists
            .get(index)
            .map(|view| std::ptr::from_ref(&view.info))
    })
}
