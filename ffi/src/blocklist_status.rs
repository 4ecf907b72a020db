//! `partcert_blocklist_status`: a blocklist standing, borrowed from a
//! verdict or a handset report.

use partcert::Imei;
use partcert::blocklist::{ListChecked, Listing, MatchedKey, StaleReason};
use partcert::verify::BlocklistStatus;

use crate::castable;
use crate::enums::PARTCERT_DIGEST_LEN;
use crate::enums::{
    partcert_block_key_kind, partcert_blocklist_state, partcert_listing_status,
    partcert_matched_kind, partcert_reason, partcert_stale_reason,
};
use crate::list_version::partcert_list_version;
use crate::str::{NulString, partcert_str};

/// A blocklist standing: not checked, clean, stale or blocked, with the
/// listings that matched and every list consulted. Borrowed from the
/// `partcert_verdict` or `partcert_handset_report` it came from (always a
/// `const` pointer): valid until that object is freed, and never freed
/// itself.
pub struct partcert_blocklist_status {
    _private: [u8; 0],
}

reader!(read: partcert_blocklist_status);

/// One blocklist listing that matched, borrowed from its standing.
///
/// What matched is `matched_key_kind` (since 1.3): an IMEI, the part's
/// identity, the key its certificate names, or a fingerprint in a compact
/// list. The older `matched_kind`, `matched_imei` and `matched_part_id`
/// stay filled for callers built against 1.2: an IMEI reads IMEI with the
/// IMEI; the part's identity reads PART with the identity; a part key or
/// a fingerprint reads PART with `matched_part_id` all zeros (neither is
/// the part's identity: read `matched_key_kind`).
///
/// Library-owned: read it through the pointer the library hands out, never
/// allocate one. Fields may be added at the end in a minor version.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_listing {
    /// Whether an IMEI or a part matched (a part key or a fingerprint
    /// reads PART; see `matched_key_kind` for which).
    pub matched_kind: partcert_block_key_kind,
    /// The IMEI that matched (when `matched_kind` is IMEI), else 0.
    pub matched_imei: u64,
    /// The part identity digest that matched (when `matched_key_kind` is
    /// PART), else zeros.
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
    /// What matched (since 1.3): IMEI, PART, PART_KEY or PART_FINGERPRINT.
    pub matched_key_kind: partcert_matched_kind,
    /// For PART_KEY: the 32-byte key id of the key the part's certificate
    /// names, listed; zeros otherwise.
    pub matched_key_id: [u8; PARTCERT_DIGEST_LEN],
    /// For PART_FINGERPRINT: the fingerprint that matched, as hex digits of
    /// the digest's first bits, a slash and their number ("3fa01c…0/61");
    /// empty otherwise.
    pub matched_fingerprint: partcert_str,
    /// Whether the match is on a fingerprint in a compact list rather than
    /// on an exact key (`matched_key_kind` is PART_FINGERPRINT): a part not
    /// listed matches one with probability at most 2^-41 per lookup, and
    /// the summary says "(by fingerprint)".
    pub by_fingerprint: bool,
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
    /// For OUTDATED_BY: the time that authority's list vouches for (its
    /// issue time, capped at the device's clock plus
    /// `PARTCERT_CLOCK_TOLERANCE` when it was received); 0 otherwise.
    pub outdated_by_issued_at: u64,
    /// For FUTURE_DATED (since 1.3): the issue time this list carries,
    /// after the device's clock plus `PARTCERT_CLOCK_TOLERANCE`; 0
    /// otherwise.
    pub future_dated_issued_at: u64,
    /// For NO_FRESH_HEAD (since 1.5): when the newest head the device
    /// accepted from the authority's repository was signed; 0 otherwise.
    pub no_fresh_head_since: u64,
}

#[derive(Debug)]
struct ListingView {
    c: partcert_listing,
    _name: NulString,
    _fingerprint: NulString,
}

/// A `partcert_list_checked` with the names it points into.
#[derive(Debug)]
pub(crate) struct ListCheckedView {
    pub(crate) c: partcert_list_checked,
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
    let zeros = [0; PARTCERT_DIGEST_LEN];
    // The 1.2 fields: an exact part identity is the only digest they name.
    let (matched_kind, matched_imei, matched_part_id) = match &listing.matched {
        MatchedKey::Imei(imei) => (partcert_block_key_kind::IMEI, imei.as_u64(), zeros),
        MatchedKey::Part(id) => (partcert_block_key_kind::PART, 0, *id.as_bytes()),
        MatchedKey::PartKey(_) | MatchedKey::PartFingerprint(_) => {
            (partcert_block_key_kind::PART, 0, zeros)
        }
    };
    let matched_key_id = match &listing.matched {
        MatchedKey::PartKey(key) => *key.as_bytes(),
        _ => zeros,
    };
    let fingerprint = match &listing.matched {
        MatchedKey::PartFingerprint(print) => NulString::new(&print.to_string()),
        _ => NulString::new(""),
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
            matched_key_kind: (&listing.matched).into(),
            matched_key_id,
            matched_fingerprint: fingerprint.as_c(),
            by_fingerprint: listing.by_fingerprint,
        },
        _name: name,
        _fingerprint: fingerprint,
    }
}

pub(crate) fn list_view(list: &ListChecked) -> ListCheckedView {
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
    let future_dated_issued_at = match &list.stale_reason {
        Some(StaleReason::FutureDated { issued_at }) => *issued_at,
        _ => 0,
    };
    let no_fresh_head_since = match &list.stale_reason {
        Some(StaleReason::NoFreshHead { since }) => *since,
        _ => 0,
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
            future_dated_issued_at,
            no_fresh_head_since,
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

/// The standing's state: not checked, clean, stale or blocked
/// (NOT_CHECKED for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_state(
    status: *const partcert_blocklist_status,
) -> partcert_blocklist_state {
    read(status, partcert_blocklist_state::NOT_CHECKED, |s| {
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

/// Whether more listings matched than the standing reports: a lookup
/// stops at `PARTCERT_MAX_LISTINGS` listings (parts sharing one
/// fingerprint in a compact list could otherwise make one lookup read
/// millions of records) and the rest were not read. Only ever true when
/// BLOCKED; false for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_capped(
    status: *const partcert_blocklist_status,
) -> bool {
    read(status, false, |s| {
        Some(matches!(
            s.status,
            BlocklistStatus::Blocked { capped: true, .. }
        ))
    })
}

/// How many listings matched (0 unless BLOCKED; at most
/// `PARTCERT_MAX_LISTINGS`, see `partcert_blocklist_status_capped`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_listing_count(
    status: *const partcert_blocklist_status,
) -> usize {
    read(status, 0, |s| Some(s.listings.len()))
}

/// Listing `index`, borrowed from the standing (NULL past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_status_listing(
    status: *const partcert_blocklist_status, index: usize,
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
    status: *const partcert_blocklist_status, index: usize,
) -> *const partcert_list_checked {
    read(status, std::ptr::null(), |s| {
        s.lists.get(index).map(|view| std::ptr::from_ref(&view.c))
    })
}

/// A short description of the standing: "clean", "BLOCKED: stolen",
/// "BLOCKED: stolen (by fingerprint)",
/// "clean but blocklist stale (UK National Register: missing)",
/// "clean but blocklist stale (Operator: dated after this device's clock)",
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

#[cfg(test)]
mod tests {
    use super::*;
    use partcert::blocklist::{ListingStatus, PartFingerprint, Reason};
    use partcert::ids::{KeyId, PartId};

    fn listing(matched: MatchedKey) -> Listing {
        Listing {
            matched,
            authority: KeyId([1; 32]),
            authority_name: "Register".into(),
            by_fingerprint: matches!(matched, MatchedKey::PartFingerprint(_)),
            epoch: 1,
            sequence: 2,
            reason: Reason::Stolen,
            listed_at: 3,
            status: ListingStatus::Final,
            handset: None,
        }
    }

    fn text(s: partcert_str) -> String {
        // SAFETY: text the view owns, `len` bytes.
        let bytes = unsafe { std::slice::from_raw_parts(s.data.cast::<u8>(), s.len) };
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn a_listing_says_what_matched_and_old_callers_read_a_part_without_an_identity() {
        let imei = "356938035643809".parse::<Imei>().unwrap();
        let part = PartId([7; 32]);
        let key = KeyId([8; 32]);
        let print = PartFingerprint::of(&part, 61).unwrap();
        let zeros = [0; PARTCERT_DIGEST_LEN];

        let view = listing_view(&listing(MatchedKey::Imei(imei)));
        assert_eq!(view.c.matched_kind, partcert_block_key_kind::IMEI);
        assert_eq!(view.c.matched_key_kind, partcert_matched_kind::IMEI);
        assert_eq!(view.c.matched_imei, imei.as_u64());

        let view = listing_view(&listing(MatchedKey::Part(part)));
        assert_eq!(view.c.matched_kind, partcert_block_key_kind::PART);
        assert_eq!(view.c.matched_key_kind, partcert_matched_kind::PART);
        assert_eq!(view.c.matched_part_id, [7; 32]);
        assert_eq!(view.c.matched_key_id, zeros);

        let view = listing_view(&listing(MatchedKey::PartKey(key)));
        assert_eq!(view.c.matched_kind, partcert_block_key_kind::PART);
        assert_eq!(view.c.matched_key_kind, partcert_matched_kind::PART_KEY);
        assert_eq!(
            view.c.matched_part_id, zeros,
            "a key is not the part's identity"
        );
        assert_eq!(view.c.matched_key_id, [8; 32]);
        assert!(!view.c.by_fingerprint);

        let view = listing_view(&listing(MatchedKey::PartFingerprint(print)));
        assert_eq!(view.c.matched_kind, partcert_block_key_kind::PART);
        assert_eq!(
            view.c.matched_key_kind,
            partcert_matched_kind::PART_FINGERPRINT
        );
        assert_eq!(
            view.c.matched_part_id, zeros,
            "a fingerprint is not an identity"
        );
        assert!(view.c.by_fingerprint);
        assert_eq!(text(view.c.matched_fingerprint), print.to_string());
        assert!(text(view.c.matched_fingerprint).ends_with("/61"));
    }

    #[test]
    fn a_future_dated_list_carries_its_date_and_names_nobody() {
        let list = ListChecked {
            authority: KeyId([2; 32]),
            authority_name: "Operator".into(),
            epoch: 0,
            sequence: 1,
            expires_at: 10,
            stale: true,
            stale_reason: Some(StaleReason::FutureDated { issued_at: 99 }),
        };
        let view = list_view(&list);
        assert_eq!(view.c.stale_reason, partcert_stale_reason::FUTURE_DATED);
        assert_eq!(view.c.future_dated_issued_at, 99);
        assert_eq!(view.c.outdated_by_issued_at, 0);
        assert_eq!(text(view.c.outdated_by_name), "");
    }
}
