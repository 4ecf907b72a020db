//! `partcert_stale_reason`: why a followed list may be out of date.

use partcert::StaleReason;

/// Why a followed list may be out of date (`partcert_list_checked`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_stale_reason {
    /// The list is current.
    None = 0,
    /// It expired before the verification time (at its authority's clock).
    Expired = 1,
    /// Its authority's root has since revoked the key that signed it.
    SignerRevoked = 2,
    /// The device follows this authority (its anti-rollback state has a
    /// mark for it) but holds no list from it: withheld, or not loaded
    /// again after a restart.
    Missing = 3,
    /// Another authority's list vouches for a time after this one expired:
    /// the device's clock may be behind. The other authority is named in the
    /// `outdated_by_` fields. Only a time the other list's clock floor
    /// vouches for counts (its issue time, capped at the device's clock plus
    /// `PARTCERT_CLOCK_TOLERANCE` when it was received): a date from the
    /// future flags nobody else.
    OutdatedBy = 4,
    /// The list is dated after this device's clock plus
    /// `PARTCERT_CLOCK_TOLERANCE`: a careless or stolen key wrote a date
    /// from the future, or this device's clock is behind. Such a list flags
    /// only itself; its issue time is in `future_dated_issued_at`.
    FutureDated = 5,
}

impl From<Option<&StaleReason>> for partcert_stale_reason {
    fn from(reason: Option<&StaleReason>) -> Self {
        match reason {
            None => partcert_stale_reason::None,
            Some(StaleReason::Expired) => partcert_stale_reason::Expired,
            Some(StaleReason::SignerRevoked) => partcert_stale_reason::SignerRevoked,
            Some(StaleReason::Missing) => partcert_stale_reason::Missing,
            Some(StaleReason::OutdatedBy { .. }) => partcert_stale_reason::OutdatedBy,
            Some(StaleReason::FutureDated { .. }) => partcert_stale_reason::FutureDated,
        }
    }
}
