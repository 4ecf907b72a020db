//! `partcert_blocklist_status`: a blocklist standing, borrowed from a
//! verdict or a handset report.

use partcert::{BlockKey, BlocklistStatus, Imei, ListChecked, Listing, StaleReason};

use crate::castable::{self, Castable, OwnershipRef};
use crate::consts::PARTCERT_DIGEST_LEN;
use crate::panic::getter;
use crate::str::{NulString, partcert_str};
use crate::types::{
    partcert_block_key_kind, partcert_blocklist_state, partcert_list_version,
    partcert_listing_status, partcert_reason, partcert_stale_reason,
};

/// A blocklist standing: not checked, clean, stale or blocked, with the
/// listings that matched and every list consulted. Borrowed from the
/// `partcert_verdict` or `partcert_handset_report` it came from (always a
/// `const` pointer): valid until that object is freed, and never freed
/// itself.
pub struct partcert_blocklist_status {
    _private: [u8; 0],
}

/// One blocklist listing that matched, borrowed from its standing.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_listing {
    /// Whether an IMEI or a part identity matched.
    pub matched_kind: partcert_block_key_kind,
    /// The IMEI that matched (when `matched_kind` is IMEI), else 0.
    pub matched_imei: u64,
    /// The part identity digest that matched (when `matched_kind` is PART),
    /// else zeros.
    pub matched_part_id: [u8; PARTCERT_DIGEST_LEN],
    /// The listing authority's root key id.
    pub authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The listing authority's name.
    pub authority_name: partcert_str,
    /// The version of the list that carries the entry.
    pub version: partcert_list_version,
    /// Why it was listed.
    pub reason: partcert_reason,
    /// When (seconds since the Unix epoch).
    pub listed_at: u64,
    /// Final or suspended.
    pub status: partcert_listing_status,
    /// Whether `handset_imei` is set (part listings name the handset the
    /// part was paired to when listed).
    pub has_handset: bool,
    /// That handset's IMEI, or 0.
    pub handset_imei: u64,
}

/// One followed authority's list as consulted for a standing, borrowed
/// from it.
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_list_checked {
    /// The authority's root key id.
    pub authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// The authority's name.
    pub authority_name: partcert_str,
    /// The version consulted (the anti-rollback mark's, if the list is
    /// missing).
    pub version: partcert_list_version,
    /// When that list goes stale.
    pub expires_at: u64,
    /// Whether it may be out of date (`stale_reason` is not NONE).
    pub stale: bool,
    /// Why it may be out of date.
    pub stale_reason: partcert_stale_reason,
    /// For OUTDATED_BY: the root key id of the authority whose newer list
    /// outdates this one; zeros otherwise.
    pub outdated_by_authority_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// For OUTDATED_BY: that authority's name; empty otherwise.
    pub outdated_by_name: partcert_str,
    /// For OUTDATED_BY: the issue time that authority's list carries; 0
    /// otherwise.
    pub outdated_by_issued_at: u64,
}

#[derive(Debug)]
struct ListingView {
    c: partcert_listing,
    _name: NulString,
}

#[derive(Debug)]
struct ListCheckedView {
    c: partcert_list_checked,
    _name: NulString,
    _outdated_by: NulString,
}

/// The contents behind a `partcert_blocklist_status`: the core's standing
/// and its C views, built once.
#[derive(Debug)]
pub(crate) struct StatusData {
    status: BlocklistStatus,
    summary: NulString,
    listings: Vec<ListingView>,
    lists: Vec<ListCheckedView>,
}

fn listing_view(listing: &Listing) -> ListingView {
    let name = NulString::new(&listing.authority_name);
    let (matched_kind, matched_imei, matched_part_id) = match listing.matched {
        BlockKey::Imei(imei) => (
            partcert_block_key_kind::Imei,
            imei.as_u64(),
            [0; PARTCERT_DIGEST_LEN],
        ),
        BlockKey::Part(id) => (partcert_block_key_kind::Part, 0, *id.as_bytes()),
    };
    ListingView {
        c: partcert_listing {
            matched_kind,
            matched_imei,
            matched_part_id,
            authority_key_id: *listing.authority.as_bytes(),
            authority_name: name.as_c(),
            version: partcert_list_version {
                epoch: listing.epoch,
                sequence: listing.sequence,
            },
            reason: listing.reason.into(),
            listed_at: listing.listed_at,
            status: listing.status.into(),
            has_handset: listing.handset.is_some(),
            handset_imei: listing.handset.map(Imei::as_u64).unwrap_or(0),
        },
        _name: name,
    }
}

fn list_view(list: &ListChecked) -> ListCheckedView {
    let name = NulString::new(&list.authority_name);
    let (outdated_by_authority_key_id, outdated_by, outdated_by_issued_at) =
        match &list.stale_reason {
            Some(StaleReason::OutdatedBy {
                authority,
                authority_name,
                issued_at,
            }) => (
                *authority.as_bytes(),
                NulString::new(authority_name),
                *issued_at,
            ),
            _ => ([0; PARTCERT_DIGEST_LEN], NulString::new(""), 0),
        };
    ListCheckedView {
        c: partcert_list_checked {
            authority_key_id: *list.authority.as_bytes(),
            authority_name: name.as_c(),
            version: partcert_list_version {
                epoch: list.epoch,
                sequence: list.sequence,
            },
            expires_at: list.expires_at,
            stale: list.stale,
            stale_reason: list.stale_reason.as_ref().into(),
            outdated_by_authority_key_id,
            outdated_by_name: outdated_by.as_c(),
            outdated_by_issued_at,
        },
        _name: name,
        _outdated_by: outdated_by,
    }
}

impl StatusData {
    pub(crate) fn new(status: &BlocklistStatus) -> Self {
        StatusData {
            summary: NulString::new(&status.summary()),
            listings: status.listings().iter().map(listing_view).collect(),
            lists: status.lists().iter().map(list_view).collect(),
            status: status.clone(),
        }
    }
}

impl Castable for partcert_blocklist_status {
    type Ownership = OwnershipRef;
    type RustType = StatusData;
}

/// Runs `read` on a borrowed standing, or gives `default` for NULL.
fn read<T>(
    status: *const partcert_blocklist_status,
    default: T,
    read: impl FnOnce(&StatusData) -> Option<T>,
) -> T {
    // SAFETY: NULL or a standing borrowed from a live verdict or report.
    getter(default, || read(unsafe { castable::try_ref(status) }?))
}

/// The standing's state: not checked, clean, stale or blocked
/// (NOT_CHECKED for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_state(
    status: *const partcert_blocklist_status,
) -> partcert_blocklist_state {
    read(status, partcert_blocklist_state::NotChecked, |s| {
        Some((&s.status).into())
    })
}

/// Whether any followed list is stale (true for STALE, and for BLOCKED
/// when a list consulted was stale; false for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_is_stale(
    status: *const partcert_blocklist_status,
) -> bool {
    read(status, false, |s| Some(s.status.is_stale()))
}

/// How many listings matched (0 unless BLOCKED).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_listing_count(
    status: *const partcert_blocklist_status,
) -> usize {
    read(status, 0, |s| Some(s.listings.len()))
}

/// Listing `index`, borrowed from the standing (NULL past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_listing(
    status: *const partcert_blocklist_status,
    index: usize,
) -> *const partcert_listing {
    read(status, std::ptr::null(), |s| {
        s.listings
            .get(index)
            .map(|view| std::ptr::from_ref(&view.c))
    })
}

/// How many lists were consulted: one per authority the blocklist
/// follows, held or missing (0 when NOT_CHECKED).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_list_count(
    status: *const partcert_blocklist_status,
) -> usize {
    read(status, 0, |s| Some(s.lists.len()))
}

/// Consulted list `index`, borrowed from the standing (NULL past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_list(
    status: *const partcert_blocklist_status,
    index: usize,
) -> *const partcert_list_checked {
    read(status, std::ptr::null(), |s| {
        s.lists.get(index).map(|view| std::ptr::from_ref(&view.c))
    })
}

/// A short description of the standing: "clean", "BLOCKED: stolen",
/// "clean but blocklist stale (UK National Register: missing)",
/// "blocklist not checked" … (borrowed; empty for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_summary(
    status: *const partcert_blocklist_status,
) -> partcert_str {
    read(status, partcert_str::EMPTY, |s| Some(s.summary.as_c()))
}

/// The pointer C borrows for a standing.
pub(crate) fn borrowed(status: &StatusData) -> *const partcert_blocklist_status {
    castable::to_const_ptr::<partcert_blocklist_status>(status)
}
