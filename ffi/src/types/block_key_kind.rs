//! `partcert_block_key_kind`: what a blocklist listing matched.

/// What a blocklist listing matched.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_block_key_kind {
    /// A handset, by IMEI.
    Imei = 1,
    /// A part, by identity digest.
    Part = 2,
}
