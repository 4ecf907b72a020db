//! The few values a caller makes or reads by itself: IMEIs and part kinds
//! from text, validities, and the limits a caller sees in answers. Every
//! other value is the core's own type, crossing as it is.

use partcert::blocklist::{RollbackMark, RollbackState};
use partcert::ids::{KeyId, PartId};
use partcert::{Imei, PartKind, Validity};

use crate::error::Result;

/// Parses an IMEI given as text: 15 digits ending in a Luhn check digit
/// (107 InvalidImei otherwise). Parse what a modem or a person says before
/// putting it in a record: an IMEI in a record that is not one is refused
/// before any call, as uniffi's internal error.
#[uniffi::export]
pub fn parse_imei(text: String) -> Result<Imei> {
    Ok(text.parse()?)
}

/// The IMEI made of a 14-digit body and its Luhn check digit (what a
/// factory allocates).
#[uniffi::export]
pub fn imei_with_check_digit(body: u64) -> Result<Imei> {
    Ok(Imei::with_check_digit(body)?)
}

/// The kind's lower-case name ("screen", "rear-camera", "kind-42").
#[uniffi::export]
pub fn part_kind_name(kind: PartKind) -> String {
    kind.name()
}

/// Parses a kind's name ("screen", "rear-camera", "camera", "kind-42").
#[uniffi::export]
pub fn parse_part_kind(text: String) -> Result<PartKind> {
    Ok(text.parse()?)
}

/// The identity a keyed part is listed under besides its own: a digest of
/// the key id its certificate names (`key`, 64 hex digits; 111 otherwise).
/// A register lists it as `BlockKey.Part` so that every certificate naming
/// the key, under any root or serial, reads blocked
/// (`entriesForReportedHandset` does this for every keyed part).
#[uniffi::export]
pub fn part_id_of_part_key(key: String) -> Result<PartId> {
    Ok(PartId::of_part_key(&KeyId::from_hex(&key)?))
}

/// A validity of `days` days from `not_before`.
#[uniffi::export]
pub fn validity_days_from(not_before: u64, days: u64) -> Validity {
    Validity::days_from(not_before, days)
}

/// Decodes a saved anti-rollback state (what `Blocklist.rollbackState()`
/// returns) into its marks; a corrupted one is error 112 CorruptState.
#[uniffi::export]
pub fn decode_rollback_state(bytes: Vec<u8>) -> Result<Vec<RollbackMark>> {
    Ok(RollbackState::decode(&bytes)?.marks().copied().collect())
}

/// The wire-format version this library reads and writes.
#[uniffi::export]
pub fn format_version() -> u8 {
    partcert::FORMAT_VERSION
}

/// How far past the verifying clock, in seconds, a time written by
/// someone else (a list's or revocation list's issue time, a pairing
/// record's time) may lie and still count: one day. A later time raises no
/// clock floor, flags only its own list (`StaleReason.FutureDated`) and
/// dates no record (300 NotYetValid).
#[uniffi::export]
pub fn clock_tolerance() -> u64 {
    partcert::limits::CLOCK_TOLERANCE
}

/// The most listings one verdict or lookup reports; a blocked status says
/// when more matched (`BlocklistStatus.Blocked.capped`).
#[uniffi::export]
pub fn max_listings() -> u32 {
    u32::try_from(partcert::limits::MAX_LISTINGS).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values made from text are the core's, and text that is not one
    /// is refused with the core's code.
    #[test]
    fn values_from_text_are_the_cores() {
        let key = partcert::SecretKey::from_seed(&[7; 32]).key_id();
        assert_eq!(
            part_id_of_part_key(key.to_hex()),
            Ok(PartId::of_part_key(&key))
        );
        let code = |r: Result<PartId>| r.map_err(|e| e.info().code);
        assert_eq!(code(part_id_of_part_key("not hex".into())), Err(111));
        assert_eq!(
            parse_imei("356938035643809".into()).map(|i| i.to_string()),
            Ok("356938035643809".into())
        );
        assert_eq!(
            parse_imei("356938035643808".into()).map_err(|e| e.info().code),
            Err(107)
        );
        assert_eq!(parse_part_kind("camera".into()), Ok(PartKind::RearCamera));
        assert_eq!(part_kind_name(PartKind::Other(42)), "kind-42");
        assert_eq!(clock_tolerance(), 86_400);
        assert_eq!(max_listings(), 64);
    }
}
