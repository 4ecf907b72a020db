//! Every bound the decoders enforce. Hostile input can never make a decoder
//! allocate more than a small multiple of these.
//!
//! Each limit is declared once, in the table below: the constant, and its
//! row in [`ALL`] (name, value, documentation) that other fronts publish
//! (the C header's `PARTCERT_*` macros are generated from it).

/// One limit, as published to other languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Its name, e.g. `"MAX_NAME_LEN"`.
    pub name: &'static str,
    /// Its value.
    pub value: u64,
    /// Its documentation.
    pub doc: &'static str,
}

macro_rules! limits {
    ($( $(#[doc = $doc:literal])+ $name:ident: $ty:ty = $value:expr; )*) => {
        $( $(#[doc = $doc])+ pub const $name: $ty = $value; )*

        /// Every limit, in declaration order.
        pub const ALL: &[Limit] = &[$(
            Limit {
                name: stringify!($name),
                value: $name as u64,
                doc: concat!($($doc, "\n"),+),
            },
        )*];
    };
}

limits! {
    /// Largest encoded certificate.
    MAX_CERTIFICATE_LEN: usize = 2 * 1024;
    /// Largest encoded pairing record (embeds the pairing service certificate).
    MAX_PAIRING_RECORD_LEN: usize = 16 * 1024;
    /// Largest encoded blocklist snapshot or delta (64 MiB).
    MAX_BLOCKLIST_LEN: usize = 64 * 1024 * 1024;
    /// Largest encoded compact blocklist snapshot (64 GiB: room for 2^32 IMEIs
    /// and 2^32 parts at under 80 bits an entry). Its keys are never parsed
    /// one by one: the list is used in place.
    MAX_COMPACT_SNAPSHOT_LEN: u64 = 1 << 36;
    /// Largest encoded revocation list.
    MAX_REVOCATION_LIST_LEN: usize = 256 * 1024;
    /// Largest encoded challenge response.
    MAX_CHALLENGE_RESPONSE_LEN: usize = 256;
    /// Longest name (authority name, manufacturer, model), in bytes.
    MAX_NAME_LEN: usize = 128;
    /// Longest part serial, in bytes.
    MAX_SERIAL_LEN: usize = 64;
    /// Most IMEIs one board or handset carries (dual and eSIM handsets).
    MAX_IMEIS: usize = 4;
    /// Most part kinds one issuer certificate may permit.
    MAX_PERMITTED_KINDS: usize = 64;
    /// Most parts one pairing record lists.
    MAX_PAIRED_PARTS: usize = 64;
    /// Most entries one blocklist snapshot (or one delta) carries.
    MAX_BLOCKLIST_ENTRIES: usize = 1 << 21;
    /// Most keys one revocation list carries.
    MAX_REVOKED_KEYS: usize = 4096;
    /// Largest encoded anti-rollback state (`RollbackState::encode`): a header,
    /// per authority two key ids, a digest and four varints, and a checksum.
    MAX_ROLLBACK_STATE_LEN: usize = 16 + MAX_AUTHORITIES * (3 * 32 + 4 * 10) + 32;
    /// Largest blocklist epoch or sequence number accepted (2^53 - 1: exact in
    /// JSON too). There is no limit on the step between two lists: a root
    /// recovers from a stolen delegated key by opening a new epoch, which no
    /// delegated key can sign for.
    MAX_SEQUENCE: u64 = (1 << 53) - 1;
    /// Most manufacturer names one root or part issuer may certify.
    MAX_MANUFACTURERS: usize = 16;
    /// Most certificates a caller may pass as a chain.
    MAX_CHAIN_LEN: usize = 8;
    /// Most blocklist authorities one blocklist tracks.
    MAX_AUTHORITIES: usize = 64;
    /// Longest path a repository head names, in bytes.
    MAX_PATH_LEN: usize = 256;
    /// Most deltas one repository head names.
    MAX_HEAD_DELTAS: usize = 4096;
    /// Largest encoded repository head.
    MAX_HEAD_LEN: usize = 2 * 1024 * 1024;
    /// Most bits of a key's position that name its shard: at most 2^20
    /// shards, so a server that serves one learns at most which 1/2^20 of
    /// the key space a device's key lies in.
    MAX_SHARD_BITS: u32 = 20;
    /// Largest shard file (a slice of a list and its proof), in bytes.
    MAX_SHARD_LEN: usize = 1024 * 1024;
    /// Most entries (listings and changes) one shard carries.
    MAX_SHARD_ENTRIES: usize = 1 << 16;
    /// How far past the verifying clock a time written by someone else (a
    /// list's or revocation list's issue time, a pairing record's time) may lie
    /// and still count, in seconds: one day, enough for a device clock in the
    /// wrong time zone. A later time raises no clock floor, flags only its own
    /// list, and dates no record (see the crate's rule for times).
    CLOCK_TOLERANCE: u64 = 86_400;
    /// Most listings one verdict reports: a lookup stops there and says it was
    /// capped (parts sharing one fingerprint in a compact list could otherwise
    /// make one lookup read millions of records).
    MAX_LISTINGS: usize = 64;
}

/// Refuses an epoch or sequence past [`MAX_SEQUENCE`].
pub(crate) fn check_sequence(number: u64) -> Result<(), crate::Error> {
    if number > MAX_SEQUENCE {
        return Err(crate::Error::SequenceLeap {
            offered: number,
            max: MAX_SEQUENCE,
        });
    }
    Ok(())
}

pub(crate) fn check_len(
    field: &'static str,
    length: usize,
    max: usize,
) -> Result<(), crate::Error> {
    if length > max {
        return Err(crate::Error::LengthOverBound { field, length, max });
    }
    Ok(())
}
