//! `partcert_list_version`: a blocklist version (frozen value type).

use partcert::blocklist::ListVersion;

/// A blocklist version: lists are ordered by epoch first, then sequence.
/// A blocklist root may publish in any epoch; a delegated blocklist
/// authority only in the epoch its certificate names, so a root supersedes
/// a stolen delegated key by publishing in a later epoch.
///
/// Frozen: two fields, in this order, for the whole major version (the
/// caller allocates it for `version_out` parameters).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct partcert_list_version {
    /// The epoch.
    pub epoch: u64,
    /// The sequence within that epoch.
    pub sequence: u64,
}

impl From<ListVersion> for partcert_list_version {
    fn from(version: ListVersion) -> Self {
        partcert_list_version {
            epoch: version.epoch,
            sequence: version.sequence,
        }
    }
}
