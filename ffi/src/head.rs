//! `partcert_head`: a register's repository head — the small signed file
//! that names every list a device needs — and the files it names.
//!
//! A device never needs to decode a head itself: `partcert_blocklist_update_begin`
//! takes the fetched bytes, verifies them and lends the head it follows
//! (`partcert_blocklist_update_head`). A register written in C reads its
//! previous head with `partcert_head_decode`, signs the next with
//! `partcert_head_next` (the core's `Head::next`) and stores each list at
//! the path the head gives it (`partcert_head_file_for`).

use partcert::blocklist::{FileRef, Head, ShardsRef, SignedList};

use crate::authority::partcert_authority;
use crate::castable;
use crate::enums::{PARTCERT_DIGEST_LEN, partcert_result};
use crate::error::partcert_error;
use crate::list_version::partcert_list_version;
use crate::panic::{boundary, getter};
use crate::ptr::{self, Out};
use crate::shard_set::partcert_shard_set;
use crate::str::{NulString, partcert_slice, partcert_str};

/// A register's repository head (object type REPOSITORY_HEAD, file
/// `head.pchd`): the newest list's version and state digest, and the path,
/// size and SHA-256 of every file a device needs to reach it — the newest
/// snapshot, and the deltas that lead to it from any version still served.
/// The only file of a repository that changes in place; it expires within
/// hours, after which a device with no fresher one reads the register's
/// list as stale (NO_FRESH_HEAD).
///
/// Owned when made by `partcert_head_decode` or `partcert_head_next` (free
/// it with `partcert_head_free`); borrowed (`const`) when lent by an
/// update. Immutable: every read may run concurrently from any thread.
pub struct partcert_head {
    _private: [u8; 0],
}

reader!(read: partcert_head);

/// One file a head names, borrowed from the head or the update that lends
/// it: where it is under the repository's root, its exact size and its
/// SHA-256, and the version of the list it holds.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_file_ref {
    /// Its path under the repository's root, e.g. `lists/3fa0….pcbd`:
    /// lower-case letters, digits, `.`, `-`, `_` and `/`, relative, without
    /// `..` (the core refuses a head naming any other), at most
    /// `PARTCERT_MAX_PATH_LEN` bytes. Append it to the repository's URL.
    pub path: partcert_str,
    /// Its exact size in bytes: read no more (an endless download is cut
    /// here by the caller).
    pub size: u64,
    /// The SHA-256 of its bytes.
    pub sha256: [u8; PARTCERT_DIGEST_LEN],
    /// The version of the list it holds (for a delta: the version it leads
    /// to).
    pub version: partcert_list_version,
    /// When that list was signed.
    pub issued_at: u64,
}

/// What a head says, borrowed from it.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_head_info {
    /// The register's root key id (the authority whose lists it names).
    pub authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The newest list's version.
    pub version: partcert_list_version,
    /// The newest list's state digest.
    pub state_digest: [u8; PARTCERT_DIGEST_LEN],
    /// When the head was signed.
    pub issued_at: u64,
    /// When it expires: after that, a device with no fresher head reads
    /// the register's list as stale (NO_FRESH_HEAD).
    pub expires_at: u64,
    /// The key id of the key that signed it (the root's own, or a
    /// delegated blocklist authority's).
    pub signer_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The signer's name, from its certificate.
    pub signer_name: partcert_str,
    /// How many files it names (`partcert_head_file`): the snapshot, then
    /// the deltas.
    pub file_count: usize,
    /// How many shards it names of the newest list (since 1.9; 0: the
    /// repository serves none, and a device checks against the whole list
    /// only): a device that cannot hold the list checks its keys against
    /// them (`partcert_shard_check_begin_part`).
    pub shard_count: u32,
}

/// A `partcert_file_ref` with the path it points into.
#[derive(Debug)]
pub(crate) struct FileView {
    pub(crate) c: partcert_file_ref,
    _path: NulString,
}

impl FileView {
    pub(crate) fn of(file: &FileRef) -> Self {
        let path = NulString::new(&file.path);
        FileView {
            c: partcert_file_ref {
                path: path.as_c(),
                size: file.size,
                sha256: *file.sha256.as_bytes(),
                version: file.version.into(),
                issued_at: file.issued_at,
            },
            _path: path,
        }
    }
}

/// The contents of a `partcert_head`: the core's head and its C views,
/// built once.
#[derive(Debug)]
pub(crate) struct HeadData {
    head: Head,
    info: partcert_head_info,
    files: Vec<FileView>,
    _signer_name: NulString,
}

impl HeadData {
    pub(crate) fn new(head: Head) -> Self {
        let files: Vec<FileView> = head.files().map(FileView::of).collect();
        let signer = head.signer_certificate();
        let signer_name = NulString::new(signer.authority().map_or("", |a| a.name.as_str()));
        let info = partcert_head_info {
            authority_key_id: *head.authority().as_bytes(),
            version: head.version().into(),
            state_digest: *head.digest().as_bytes(),
            issued_at: head.issued_at(),
            expires_at: head.expires_at(),
            signer_key_id: signer
                .subject_key()
                .map_or([0; PARTCERT_DIGEST_LEN], |key| *key.key_id().as_bytes()),
            signer_name: signer_name.as_c(),
            file_count: files.len(),
            shard_count: head.shards().map_or(0, ShardsRef::count),
        };
        HeadData {
            head,
            info,
            files,
            _signer_name: signer_name,
        }
    }
}

/// Decodes a head (e.g. the `head.pchd` a register served last), checking
/// its structure only — every path safe, the deltas in order, nothing past
/// the end (1xx otherwise: 100 truncated, 101 trailing bytes, 102 not
/// partcert bytes, 105 another object, 111 an unsafe path) — and writes it
/// to `head_out`. Its signature and signer are NOT checked here: a device
/// gives the fetched bytes to `partcert_blocklist_update_begin`, which
/// verifies them against its trust store, and reads the head it lends.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_decode(
    data: *const u8, len: usize, head_out: *mut *mut partcert_head,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let bytes = arg!(ptr::bytes_in: data, len);
        let out = arg!(Out::new: head_out);
        out.write(castable::to_box(HeadData::new(Head::decode(bytes)?)))
    })
}

/// Signs the head a repository serves once the lists in `added` (encoded
/// lists of this register, any format, in any order; `added_count` of
/// them) join what `previous` served (NULL for a first head): the newest
/// snapshot, and the deltas issued no more than `window` seconds before
/// `issued_at` that still lead to the newest list (a device further behind
/// fetches the snapshot). It expires at `expires_at` (hours after
/// `issued_at`). The core's `Head::next`: refused are a signer that may not
/// sign this register's lists at the newest version (3xx, 406), lists of
/// another register (401), no snapshot at all (111), and bytes that do not
/// decode (1xx). Writes the new head to `head_out`; store each added list
/// at `partcert_head_file_for`'s path first, and the head's bytes
/// (`partcert_head_bytes`) last, replacing `head.pchd` atomically.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_next(
    authority: *const partcert_authority, previous: *const partcert_head,
    added: *const partcert_slice, added_count: usize, window: u64, issued_at: u64, expires_at: u64,
    head_out: *mut *mut partcert_head, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let authority = arg!(castable::borrow: authority);
        let previous = arg!(castable::optional: previous);
        let added = arg!(ptr::slices_in: added, added_count);
        let out = arg!(Out::new: head_out);
        let lists = added
            .into_iter()
            .map(SignedList::decode)
            .collect::<Result<Vec<_>, _>>()?;
        let head = Head::next(
            &authority.authority,
            previous.map(|p| &p.head),
            &lists,
            window,
            issued_at,
            expires_at,
        )?;
        out.write(castable::to_box(HeadData::new(head)))
    })
}

/// Re-signs `head` (this register's newest, from `partcert_head_next`)
/// naming the shards of its newest list, `set` (from
/// `partcert_shard_set_build`, cut from that very list), so that a device
/// that cannot hold the list checks its keys against them
/// (`partcert_shard_check_begin_part`). The core's `Head::with_shards`:
/// 401 for a signer or set of another register, 111 for shards of another
/// list than the head's newest (version or digest); the signer's rights
/// as for `partcert_head_next` (3xx, 406). Writes the new head to
/// `head_out` (its times and files are `head`'s); store every shard file
/// (`partcert_shard_set_file`) first, and this head's bytes last.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_with_shards(
    authority: *const partcert_authority, head: *const partcert_head,
    set: *const partcert_shard_set, head_out: *mut *mut partcert_head,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let authority = arg!(castable::borrow: authority);
        let head = arg!(castable::borrow: head);
        let set = arg!(castable::borrow: set);
        let out = arg!(Out::new: head_out);
        let signed = head.head.with_shards(&authority.authority, &set.set)?;
        out.write(castable::to_box(HeadData::new(signed)))
    })
}

/// What the head says (NULL for NULL), borrowed: valid while the head
/// lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_details(
    head: *const partcert_head,
) -> *const partcert_head_info {
    read(head, std::ptr::null(), |h| {
        Some(std::ptr::from_ref(&h.info))
    })
}

/// File `index` the head names (0 ≤ index < `file_count`; the snapshot
/// first, then the deltas by the sequence they apply to), borrowed. NULL
/// past the end or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_file(
    head: *const partcert_head, index: usize,
) -> *const partcert_file_ref {
    read(head, std::ptr::null(), |h| {
        h.files.get(index).map(|view| std::ptr::from_ref(&view.c))
    })
}

/// The file the head names whose bytes are exactly `data` (its size and
/// SHA-256), borrowed: where a register stores a list it published (its
/// content-addressed path). NULL when the head names no such file (a delta
/// outside the window need not be served), or for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_file_for(
    head: *const partcert_head, data: *const u8, len: usize,
) -> *const partcert_file_ref {
    getter(std::ptr::null(), || {
        // SAFETY: NULL or a live head; NULL or `len` readable bytes.
        let (head, bytes) = unsafe {
            (
                castable::try_ref(head)?,
                ptr::bytes_in(data, len, "data").ok()?,
            )
        };
        let files = head.head.files().zip(&head.files);
        files
            .filter(|(file, _)| file.check_bytes(bytes).is_ok())
            .map(|(_, view)| std::ptr::from_ref(&view.c))
            .next()
    })
}

/// The head's exact encoded bytes (what `head.pchd` holds), borrowed:
/// valid while the head lives. Empty for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_bytes(head: *const partcert_head) -> partcert_slice {
    read(head, partcert_slice::EMPTY, |h| {
        Some(partcert_slice::of(h.head.as_bytes()))
    })
}

/// Frees a head made by `partcert_head_decode` or `partcert_head_next`.
/// NULL is a no-op. (A head lent by an update is `const` and is not freed.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_head_free(head: *mut partcert_head) {
    // SAFETY: NULL or a head from this library, freed once.
    unsafe { castable::free_box(head) }
}
