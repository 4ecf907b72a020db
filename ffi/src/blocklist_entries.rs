//! `partcert_blocklist_entries`: the entries of a list being assembled.

use partcert::blocklist::{BlocklistEntry, ListingStatus, Reason};
use partcert::ids::{KeyId, PartId};
use partcert::{Imei, PairingRecord};

use crate::castable;
use crate::enums::{PARTCERT_DIGEST_LEN, enum_in, partcert_result};
use crate::error::{Failure, partcert_error};
use crate::panic::boundary;
use crate::ptr;

/// The entries of a blocklist being assembled: what a publication lists,
/// or, given as its `delisted`, the keys it delists (only the keys are
/// read). Adding needs exclusive access; publishing only reads it. A key
/// added twice alike counts once when publishing (`given_twice`); twice
/// differently makes publishing refuse the list (110, naming the key).
/// Free with `partcert_blocklist_entries_free`.
pub struct partcert_blocklist_entries {
    _private: [u8; 0],
}

reader!(read: partcert_blocklist_entries);

/// The contents of a `partcert_blocklist_entries`.
#[derive(Debug, Default)]
pub(crate) struct EntriesData {
    entries: Vec<BlocklistEntry>,
}

impl EntriesData {
    pub(crate) fn entries(&self) -> &[BlocklistEntry] {
        &self.entries
    }
}

/// A listing's reason and status, as C passes them.
fn listing(reason: u32, status: u32) -> Result<(Reason, ListingStatus), Failure> {
    Ok((
        enum_in(reason, "reason", Reason::from_code)?,
        enum_in(status, "status", ListingStatus::from_code)?,
    ))
}

/// The body of every `_add_` call: the entries `make` makes, added (the
/// core judges keys given twice when the list is published).
fn add(
    entries: *mut partcert_blocklist_entries, error_out: *mut *mut partcert_error,
    make: impl FnOnce() -> Result<Vec<BlocklistEntry>, Failure>,
) -> partcert_result {
    boundary(error_out, || {
        let entries = arg!(castable::borrow_mut: entries);
        entries.entries.extend(make()?);
        Ok(())
    })
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
    unsafe { castable::free_box(entries) }
}

/// Adds an entry listing a handset by IMEI. `reason` is a
/// `partcert_reason`, `status` a `partcert_listing_status`, `listed_at` in
/// seconds since the Unix epoch.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_handset(
    entries: *mut partcert_blocklist_entries, imei: u64, reason: u32, listed_at: u64, status: u32,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    add(entries, error_out, || {
        let (reason, status) = listing(reason, status)?;
        let imei = Imei::from_u64(imei)?;
        Ok(vec![BlocklistEntry::handset(
            imei, reason, listed_at, status,
        )])
    })
}

/// Adds every entry for a reported handset, from its latest pairing record:
/// its IMEIs, the identities of the parts paired to it *and* (since 1.3)
/// the keys of its keyed parts, so its parts stay blocked when harvested,
/// or re-certified around their key under another root or serial.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_reported_handset(
    entries: *mut partcert_blocklist_entries, record: *const u8, record_len: usize, reason: u32,
    listed_at: u64, status: u32, error_out: *mut *mut partcert_error,
) -> partcert_result {
    add(entries, error_out, || {
        let bytes = arg!(ptr::bytes_in: record, record_len);
        let (reason, status) = listing(reason, status)?;
        let record = PairingRecord::decode(bytes)?;
        Ok(BlocklistEntry::for_reported_handset(
            &record, reason, listed_at, status,
        ))
    })
}

/// How a part is listed: by its identity, or by its key.
type PartEntry = fn([u8; 32], Reason, u64, ListingStatus, Option<Imei>) -> BlocklistEntry;

/// The body of the two calls that list one part by a 32-byte digest.
fn add_part_by(
    entries: *mut partcert_blocklist_entries, (digest, what): (*const u8, &'static str),
    (reason, listed_at, status): (u32, u64, u32), handset_imei: *const u64,
    error_out: *mut *mut partcert_error, entry: PartEntry,
) -> partcert_result {
    add(entries, error_out, || {
        // SAFETY: 32 readable bytes, and a NULL or readable IMEI (the
        // header's contract for both callers).
        let (digest, handset) = unsafe {
            (
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(digest, what)?,
                ptr::array_in(
                    handset_imei,
                    usize::from(!handset_imei.is_null()),
                    "handset_imei",
                )?,
            )
        };
        let (reason, status) = listing(reason, status)?;
        let handset = handset
            .first()
            .map(|imei| Imei::from_u64(*imei))
            .transpose()?;
        Ok(vec![entry(digest, reason, listed_at, status, handset)])
    })
}

/// Adds an entry listing one part by its 32-byte identity digest (see
/// `partcert_verdict_part_id`). `handset_imei` points to the IMEI of the
/// handset the part was paired to, or is NULL if unknown.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_part(
    entries: *mut partcert_blocklist_entries, part_id: *const u8, reason: u32, listed_at: u64,
    status: u32, handset_imei: *const u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let listing = (reason, listed_at, status);
    add_part_by(
        entries,
        (part_id, "part_id"),
        listing,
        handset_imei,
        error_out,
        |id, r, t, s, h| BlocklistEntry::part(PartId(id), r, t, s, h),
    )
}

/// Adds an entry listing a keyed part by the key its certificate names,
/// given by its 32-byte key id (`partcert_public_key_id` of the part's
/// public key): every certificate naming that key, under any root or
/// serial, then reads blocked, the listing's `matched_key_kind` PART_KEY.
/// `handset_imei` points to the IMEI of the handset the part was paired
/// to, or is NULL if unknown.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_part_key(
    entries: *mut partcert_blocklist_entries, key_id: *const u8, reason: u32, listed_at: u64,
    status: u32, handset_imei: *const u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let listing = (reason, listed_at, status);
    add_part_by(
        entries,
        (key_id, "key_id"),
        listing,
        handset_imei,
        error_out,
        |id, r, t, s, h| BlocklistEntry::part_key(KeyId(id), r, t, s, h),
    )
}

/// How many entries the list holds (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_count(
    entries: *const partcert_blocklist_entries,
) -> usize {
    read(entries, 0, |e| Some(e.entries.len()))
}
