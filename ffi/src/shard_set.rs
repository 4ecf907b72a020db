//! `partcert_shard_set`: a register's list cut into shards (the core's
//! `ShardSet`), for a register written in C to publish beside its list —
//! each shard file at its path, and the head re-signed to name them
//! (`partcert_head_with_shards`).

use std::ffi::c_char;

use partcert::blocklist::{ShardSet, ShardsRef};
use partcert::limits::MAX_PATH_LEN;

use crate::blocklist::partcert_blocklist;
use crate::bytes::{partcert_bytes, to_bytes};
use crate::castable;
use crate::enums::partcert_result;
use crate::error::{Failure, partcert_error};
use crate::panic::boundary;
use crate::ptr::{self, Out};

/// Let the list's size choose how finely it is cut
/// (`partcert_shard_set_build`): about 128 entries a shard, at most 2^20
/// shards.
pub const PARTCERT_SHARD_BITS_AUTO: u32 = u32::MAX;

/// A register's list cut into `2^bits` shards by key, with the Merkle tree
/// over them: shard `i` holds every listing (and, for a compact list, every
/// change since its snapshot) whose key lies in slice `i`, and a proof
/// that it is exactly that slice of the list signed. Made by
/// `partcert_shard_set_build`; each shard's file and path from
/// `partcert_shard_set_file`; the head that names them from
/// `partcert_head_with_shards`. A root names one cut of one list, so no
/// shard file ever changes once published: store them first, then the
/// head, as for lists.
///
/// Immutable: every read may run concurrently from any thread. Free with
/// `partcert_shard_set_free`.
pub struct partcert_shard_set {
    _private: [u8; 0],
}

reader!(read: partcert_shard_set);

/// The contents of a `partcert_shard_set`: the core's set, and what a head
/// says of it (computed once: it reads every shard's size).
#[derive(Debug)]
pub(crate) struct ShardSetData {
    pub(crate) set: ShardSet,
    reference: ShardsRef,
}

/// Cuts the list `blocklist` holds of the register whose root key id is
/// `authority_key_id` (32 bytes) — the register's own replay of what it
/// published (`partcert_blocklist_apply`), at the version its newest head
/// names — into shards: `2^bits` of them (`bits` at most
/// `PARTCERT_MAX_SHARD_BITS`, 20), or with `PARTCERT_SHARD_BITS_AUTO` as
/// many as the list's size asks (about 128 entries a shard). A compact
/// list is never cut finer than its fingerprints. Writes the set to
/// `set_out`. 503 if `blocklist` holds no list of that register; 111 for
/// more than 20 bits or a list held as shards (cut the whole list); 110 if
/// a shard would be over `PARTCERT_MAX_SHARD_LEN` bytes or
/// `PARTCERT_MAX_SHARD_ENTRIES` entries (cut it finer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_set_build(
    blocklist: *const partcert_blocklist, authority_key_id: *const u8, bits: u32,
    set_out: *mut *mut partcert_shard_set, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let blocklist = arg!(castable::borrow: blocklist);
        let authority = arg!(ptr::key_id_in: authority_key_id);
        let out = arg!(Out::new: set_out);
        let list = blocklist.blocklist.list(&authority).ok_or_else(|| {
            Failure::argument("the blocklist holds no list of the authority `authority_key_id`")
        })?;
        let bits = (bits != PARTCERT_SHARD_BITS_AUTO).then_some(bits);
        let set = ShardSet::build(list, bits)?;
        let reference = set.reference();
        out.write(castable::to_box(ShardSetData { set, reference }))
    })
}

/// How many shards (`2^bits`; 0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_set_count(set: *const partcert_shard_set) -> u32 {
    read(set, 0, |s| Some(s.set.count()))
}

/// How many leading bits of a key's position name its shard (0 for NULL,
/// and for a list in one shard).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_set_bits(set: *const partcert_shard_set) -> u32 {
    read(set, 0, |s| Some(s.set.bits()))
}

/// Shard `index`'s file (0 ≤ index < `partcert_shard_set_count`): writes
/// its path under the repository's root,
/// `shards/<root, 64 hex digits>/<index, 5 hex digits>.pcsh`, NUL-terminated,
/// to `path_out`, a buffer of at least `PARTCERT_MAX_PATH_LEN + 1` chars,
/// and its bytes (the slice and its proof) to `data_out` (free them with
/// `partcert_bytes_free`). 503 past the last shard. Store each file at its
/// path before the head that names them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_set_file(
    set: *const partcert_shard_set, index: u32, path_out: *mut c_char,
    data_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let set = arg!(castable::borrow: set);
        if path_out.is_null() {
            return Err(Failure::null("path_out"));
        }
        let out = arg!(Out::new: data_out);
        let data = set.set.file(index).ok_or_else(|| {
            Failure::argument(format!(
                "`index` {index} is past the last of {} shards",
                set.set.count()
            ))
        })?;
        let path = set.reference.path(index);
        if path.len() > MAX_PATH_LEN {
            return Err(Failure::argument(
                "a shard's path is over PARTCERT_MAX_PATH_LEN",
            ));
        }
        // SAFETY: `path_out` is not NULL and holds at least
        // PARTCERT_MAX_PATH_LEN + 1 chars (the header's contract); the path
        // and its NUL fit (checked above); the source is a Rust string, not
        // overlapping the caller's buffer.
        unsafe {
            std::ptr::copy_nonoverlapping(path.as_ptr(), path_out.cast::<u8>(), path.len());
            path_out.add(path.len()).write(0);
        }
        out.write(to_bytes(data))
    })
}

/// Frees a shard set. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_shard_set_free(set: *mut partcert_shard_set) {
    // SAFETY: NULL or a set from this library, freed once.
    unsafe { castable::free_box(set) }
}
