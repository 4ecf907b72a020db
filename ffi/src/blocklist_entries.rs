//! `partcert_blocklist_entries`: the entries of a snapshot being assembled.

use partcert::{BlocklistEntry, Imei, KeyId, PairingRecord, PartId};

use crate::castable::{self, Castable, OwnershipBox};
use crate::consts::PARTCERT_DIGEST_LEN;
use crate::error::{Failure, partcert_error};
use crate::panic::{boundary, boundary_void, getter};
use crate::ptr;
use crate::result::partcert_result;
use crate::types::{listing_status_in, reason_in};

/// The entries of a blocklist snapshot being assembled. Adding needs
/// exclusive access; publishing only reads it. One entry per key: a key
/// added twice makes publishing refuse the snapshot (110, naming the key).
/// Free with
/// `partcert_blocklist_entries_free`.
pub struct partcert_blocklist_entries {
    _private: [u8; 0],
}

/// The contents of a `partcert_blocklist_entries`.
#[derive(Debug, Default)]
pub(crate) struct EntriesData {
    entries: Vec<BlocklistEntry>,
}

impl EntriesData {
    pub(crate) fn entries(&self) -> &[BlocklistEntry] {
        &self.entries
    }

    /// Adds `new`. A key listed twice is refused when the snapshot is
    /// published (the core's rule: one entry per key, named).
    fn add(&mut self, new: Vec<BlocklistEntry>) -> Result<(), Failure> {
        self.entries.extend(new);
        Ok(())
    }
}

impl Castable for partcert_blocklist_entries {
    type Ownership = OwnershipBox;
    type RustType = EntriesData;
}

/// Creates an empty list of blocklist entries. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn partcert_blocklist_entries_new() -> *mut partcert_blocklist_entries {
    castable::to_box(EntriesData::default())
}

/// Frees a list of blocklist entries. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_free(entries: *mut partcert_blocklist_entries) {
    // SAFETY: NULL or a list from this library, freed once.
    boundary_void(|| unsafe { castable::free_box(entries) })
}

/// Adds an entry listing a handset by IMEI. `reason` is a
/// `partcert_reason`, `status` a `partcert_listing_status`, `listed_at` in
/// seconds since the Unix epoch. (An IMEI added twice is refused when
/// publishing: 110, naming it.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_handset(
    entries: *mut partcert_blocklist_entries,
    imei: u64,
    reason: u32,
    listed_at: u64,
    status: u32,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: a live list, exclusive.
        let entries = unsafe { castable::borrow_mut(entries, "entries") }?;
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        let entry = BlocklistEntry::handset(Imei::from_u64(imei)?, reason, listed_at, status);
        entries.add(vec![entry])
    })
}

/// Adds every entry for a reported handset, from its latest pairing record:
/// its IMEIs, the identities of the parts paired to it *and* (since 1.3)
/// the keys of its keyed parts, so its parts stay blocked when harvested,
/// or re-certified around their key under another root or serial. (The
/// same handset reported twice is refused when publishing: 110, naming
/// the key.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_reported_handset(
    entries: *mut partcert_blocklist_entries,
    record: *const u8,
    record_len: usize,
    reason: u32,
    listed_at: u64,
    status: u32,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: a live list (exclusive) and readable record bytes.
        let (entries, bytes) = unsafe {
            (
                castable::borrow_mut(entries, "entries")?,
                ptr::bytes_in(record, record_len, "record")?,
            )
        };
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        let record = PairingRecord::decode(bytes)?;
        entries.add(BlocklistEntry::for_reported_handset(
            &record, reason, listed_at, status,
        ))
    })
}

/// Adds an entry listing one part by its 32-byte identity digest (see
/// `partcert_verdict_part_id`). `handset_imei` points to the IMEI of the
/// handset the part was paired to, or is NULL if unknown. (A part added
/// twice is refused when publishing: 110, naming it.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_part(
    entries: *mut partcert_blocklist_entries,
    part_id: *const u8,
    reason: u32,
    listed_at: u64,
    status: u32,
    handset_imei: *const u64,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: a live list (exclusive), 32 readable bytes, and a NULL or
        // readable IMEI.
        let (entries, part_id, handset) = unsafe {
            (
                castable::borrow_mut(entries, "entries")?,
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(part_id, "part_id")?,
                optional_imei(handset_imei)?,
            )
        };
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        let handset = handset.map(Imei::from_u64).transpose()?;
        let entry = BlocklistEntry::part(PartId(part_id), reason, listed_at, status, handset);
        entries.add(vec![entry])
    })
}

/// Adds an entry listing a keyed part by the key its certificate names,
/// given by its 32-byte key id (`partcert_public_key_id` of the part's
/// public key): every certificate naming that key, under any root or
/// serial, then reads blocked, the listing's `matched_key_kind` PART_KEY.
/// `handset_imei` points to the IMEI of the handset the part was paired
/// to, or is NULL if unknown. (A key added twice is refused when
/// publishing: 110.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_part_key(
    entries: *mut partcert_blocklist_entries,
    key_id: *const u8,
    reason: u32,
    listed_at: u64,
    status: u32,
    handset_imei: *const u64,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: a live list (exclusive), 32 readable bytes, and a NULL or
        // readable IMEI.
        let (entries, key_id, handset) = unsafe {
            (
                castable::borrow_mut(entries, "entries")?,
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(key_id, "key_id")?,
                optional_imei(handset_imei)?,
            )
        };
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        let handset = handset.map(Imei::from_u64).transpose()?;
        let entry = BlocklistEntry::part_key(KeyId(key_id), reason, listed_at, status, handset);
        entries.add(vec![entry])
    })
}

/// Reads an optional IMEI argument.
///
/// # Safety
/// `imei` is NULL or points to a readable `u64`.
unsafe fn optional_imei(imei: *const u64) -> Result<Option<u64>, Failure> {
    // SAFETY: NULL (read as no value) or one readable u64.
    let imeis = unsafe { ptr::array_in(imei, usize::from(!imei.is_null()), "handset_imei") }?;
    Ok(imeis.first().copied())
}

/// How many entries the list holds (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_count(
    entries: *const partcert_blocklist_entries,
) -> usize {
    getter(0, || {
        // SAFETY: NULL or a live list.
        unsafe { castable::try_ref(entries) }.map(|e| e.entries.len())
    })
}
