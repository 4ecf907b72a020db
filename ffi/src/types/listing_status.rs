//! `partcert_listing_status`: final or suspended.

use partcert::ListingStatus;

use crate::error::Failure;

/// Whether a listing stands for good or is suspended pending inquiry.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_listing_status {
    /// The listing stands.
    Final = 1,
    /// The listing is suspended (a lost phone that may be found).
    Suspended = 2,
}

impl From<ListingStatus> for partcert_listing_status {
    fn from(status: ListingStatus) -> Self {
        match status {
            ListingStatus::Final => partcert_listing_status::Final,
            ListingStatus::Suspended => partcert_listing_status::Suspended,
        }
    }
}

pub(crate) fn listing_status_in(value: u32) -> Result<ListingStatus, Failure> {
    crate::ptr::enum_in(value, "status", |value| match value {
        1 => Some(ListingStatus::Final),
        2 => Some(ListingStatus::Suspended),
        _ => None,
    })
}
