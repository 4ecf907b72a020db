//! Every bound the decoders enforce. Hostile input can never make a decoder
//! allocate more than a small multiple of these.

/// Largest encoded certificate.
pub const MAX_CERTIFICATE_LEN: usize = 2 * 1024;
/// Largest encoded pairing record (embeds the pairing service certificate).
pub const MAX_PAIRING_RECORD_LEN: usize = 16 * 1024;
/// Largest encoded blocklist snapshot or delta (64 MiB).
pub const MAX_BLOCKLIST_LEN: usize = 64 * 1024 * 1024;
/// Largest encoded compact blocklist snapshot (64 GiB: room for 2^32 IMEIs
/// and 2^32 parts at under 80 bits an entry). Its keys are never parsed
/// one by one: the list is used in place.
pub const MAX_COMPACT_SNAPSHOT_LEN: u64 = 1 << 36;
/// Largest encoded revocation list.
pub const MAX_REVOCATION_LIST_LEN: usize = 256 * 1024;
/// Largest encoded challenge response.
pub const MAX_CHALLENGE_RESPONSE_LEN: usize = 256;
/// Longest name (authority name, manufacturer, model), in bytes.
pub const MAX_NAME_LEN: usize = 128;
/// Longest part serial, in bytes.
pub const MAX_SERIAL_LEN: usize = 64;
/// Most IMEIs one board or handset carries (dual and eSIM handsets).
pub const MAX_IMEIS: usize = 4;
/// Most part kinds one issuer certificate may permit.
pub const MAX_PERMITTED_KINDS: usize = 64;
/// Most parts one pairing record lists.
pub const MAX_PAIRED_PARTS: usize = 64;
/// Most entries one blocklist snapshot (or one delta) carries.
pub const MAX_BLOCKLIST_ENTRIES: usize = 1 << 21;
/// Most keys one revocation list carries.
pub const MAX_REVOKED_KEYS: usize = 4096;
/// Largest encoded anti-rollback state (`RollbackState::encode`): a header,
/// per authority two key ids, a digest and four varints, and a checksum.
pub const MAX_ROLLBACK_STATE_LEN: usize = 16 + MAX_AUTHORITIES * (3 * 32 + 4 * 10) + 32;
/// Largest blocklist epoch or sequence number accepted (2^53 - 1: exact in
/// JSON too). There is no limit on the step between two lists: a root
/// recovers from a stolen delegated key by opening a new epoch, which no
/// delegated key can sign for.
pub const MAX_SEQUENCE: u64 = (1 << 53) - 1;
/// Most manufacturer names one root or part issuer may certify.
pub const MAX_MANUFACTURERS: usize = 16;
/// Most certificates a caller may pass as a chain.
pub const MAX_CHAIN_LEN: usize = 8;
/// Most blocklist authorities one blocklist tracks.
pub const MAX_AUTHORITIES: usize = 64;
/// How far past the verifying clock a time written by someone else (a
/// list's or revocation list's issue time, a pairing record's time) may lie
/// and still count, in seconds: one day, enough for a device clock in the
/// wrong time zone. A later time raises no clock floor, flags only its own
/// list, and dates no record (see the crate's rule for times).
pub const CLOCK_TOLERANCE: u64 = 86_400;
/// Most listings one verdict reports: a lookup stops there and says it was
/// capped (parts sharing one fingerprint in a compact list could otherwise
/// make one lookup read millions of records).
pub const MAX_LISTINGS: usize = 64;

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
