//! `partcert_matched_kind`: what a blocklist listing matched, as the core
//! reports it.

use partcert::MatchedKey;

/// What a blocklist listing matched (`partcert_listing.matched_key_kind`).
/// Its first two values are those of `partcert_block_key_kind`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_matched_kind {
    /// A listed IMEI: the board's, one its modem presented, or the IMEI of
    /// the handset a record pairs the part to (`matched_imei`).
    Imei = 1,
    /// The part's identity, listed exactly (`matched_part_id`).
    Part = 2,
    /// The key the part's certificate names, listed exactly
    /// (`matched_key_id`): a reported handset's keyed parts are listed by
    /// key too, so a harvested keyed part reads blocked whatever root or
    /// serial it is re-certified under.
    PartKey = 3,
    /// A fingerprint in a compact list — the first bits of a listed part's
    /// identity (or key) digest — that this part's digest starts with
    /// (`matched_fingerprint`). Not proof of this exact part: a part not
    /// listed matches one with probability at most 2^-41 per lookup.
    PartFingerprint = 4,
}

impl From<&MatchedKey> for partcert_matched_kind {
    fn from(matched: &MatchedKey) -> Self {
        match matched {
            MatchedKey::Imei(_) => partcert_matched_kind::Imei,
            MatchedKey::Part(_) => partcert_matched_kind::Part,
            MatchedKey::PartKey(_) => partcert_matched_kind::PartKey,
            MatchedKey::PartFingerprint(_) => partcert_matched_kind::PartFingerprint,
        }
    }
}
