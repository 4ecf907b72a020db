//! `partcert_blocklist_state`: a blocklist standing's state.

use partcert::BlocklistStatus;

/// A part's (or handset's) standing on the blocklists held.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_blocklist_state {
    /// No blocklist was consulted.
    NotChecked = 0,
    /// No list carries it, and every list consulted is current.
    Clean = 1,
    /// No list carries it, but a list the device follows is stale (expired,
    /// signed by a since-revoked key, missing, or outdated by another
    /// authority's newer list): the answer may be out of date.
    Stale = 2,
    /// At least one list carries it.
    Blocked = 3,
}

impl From<&BlocklistStatus> for partcert_blocklist_state {
    fn from(status: &BlocklistStatus) -> Self {
        match status {
            BlocklistStatus::NotChecked => partcert_blocklist_state::NotChecked,
            BlocklistStatus::Clean { .. } => partcert_blocklist_state::Clean,
            BlocklistStatus::Stale { .. } => partcert_blocklist_state::Stale,
            BlocklistStatus::Blocked { .. } => partcert_blocklist_state::Blocked,
        }
    }
}
