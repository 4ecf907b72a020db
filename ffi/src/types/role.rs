//! `partcert_role`: what an authority certificate lets its key do.

use partcert::AuthorityRole;

/// What an authority certificate lets its key do.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_role {
    /// A manufacturer's offline root: self-signed, pinned by verifiers;
    /// certifies part issuers and pairing services, signs revocation lists.
    ManufacturerRoot = 1,
    /// A factory line: certifies parts of the kinds it is permitted.
    PartIssuer = 2,
    /// Signs pairing records.
    PairingService = 3,
    /// A blocklist authority's root (registry, operator, manufacturer):
    /// self-signed, pinned separately from manufacturer roots.
    BlocklistRoot = 4,
    /// Signs blocklist snapshots and deltas for the root that certified it.
    BlocklistAuthority = 5,
}

impl From<AuthorityRole> for partcert_role {
    fn from(role: AuthorityRole) -> Self {
        match role {
            AuthorityRole::ManufacturerRoot => partcert_role::ManufacturerRoot,
            AuthorityRole::PartIssuer => partcert_role::PartIssuer,
            AuthorityRole::PairingService => partcert_role::PairingService,
            AuthorityRole::BlocklistRoot => partcert_role::BlocklistRoot,
            AuthorityRole::BlocklistAuthority => partcert_role::BlocklistAuthority,
        }
    }
}
