//! `partcert_blocklist_entries`: the entries of a snapshot being assembled.

use std::collections::BTreeSet;

use partcert::{BlockKey, BlocklistEntry, ErrorCode, Imei, PairingRecord, PartId};

use crate::castable::{self, Castable, OwnershipBox};
use crate::consts::PARTCERT_DIGEST_LEN;
use crate::error::{Failure, partcert_error};
use crate::panic::{boundary, boundary_void, getter};
use crate::ptr;
use crate::result::partcert_result;
use crate::types::{listing_status_in, reason_in};

/// The entries of a blocklist snapshot being assembled. Adding needs
/// exclusive access; publishing only reads it. One entry per key: adding a
/// key already there is refused (110), naming it. Free with
/// `partcert_blocklist_entries_free`.
pub struct partcert_blocklist_entries {
    _private: [u8; 0],
}

/// The contents of a `partcert_blocklist_entries`.
#[derive(Debug, Default)]
pub(crate) struct EntriesData {
    entries: Vec<BlocklistEntry>,
    keys: BTreeSet<BlockKey>,
}

impl EntriesData {
    pub(crate) fn entries(&self) -> &[BlocklistEntry] {
        &self.entries
    }

    /// Adds `new` whole, or nothing if a key is already there (or twice in
    /// `new`).
    fn add(&mut self, new: Vec<BlocklistEntry>) -> Result<(), Failure> {
        for (index, entry) in new.iter().enumerate() {
            let twice = new[..index].iter().any(|e| e.key == entry.key);
            if twice || self.keys.contains(&entry.key) {
                return Err(Failure::new(
                    ErrorCode::NotCanonical,
                    format!(
                        "{} is already listed in these entries: a snapshot lists each key once",
                        describe(&entry.key)
                    ),
                ));
            }
        }
        self.keys.extend(new.iter().map(|entry| entry.key));
        self.entries.extend(new);
        Ok(())
    }
}

fn describe(key: &BlockKey) -> String {
    match key {
        BlockKey::Imei(imei) => format!("handset IMEI {imei}"),
        BlockKey::Part(id) => format!("part {}", id.to_hex()),
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
/// seconds since the Unix epoch. 110 if the IMEI is already listed here.
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
/// its IMEIs *and* the identities of the parts paired to it, so its parts
/// stay blocked when harvested. All or nothing: 110 (naming the key) if any
/// of them is already listed here, e.g. the same handset reported twice.
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
/// handset the part was paired to, or is NULL if unknown. 110 if the part
/// is already listed here.
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
                ptr::array_in(
                    handset_imei,
                    usize::from(!handset_imei.is_null()),
                    "handset_imei",
                )?
                .first()
                .copied(),
            )
        };
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        let handset = handset.map(Imei::from_u64).transpose()?;
        let entry = BlocklistEntry::part(PartId(part_id), reason, listed_at, status, handset);
        entries.add(vec![entry])
    })
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
