//! The C enums for the core's enums (and the one small value struct,
//! `partcert_list_version`), one C type per file, with the conversions
//! between them.
//!
//! Enums the library *returns* are typed as these enums. Enums the caller
//! *passes in* are taken as `uint32_t` (or `uint16_t` for part kinds) and
//! checked, since an out-of-range value in a Rust enum would be undefined
//! behaviour: an unknown value yields `PARTCERT_RESULT_INVALID_ARGUMENT`.

mod binding;
mod block_key_kind;
mod blocklist_state;
mod list_version;
mod listing_status;
mod matched_kind;
mod object_type;
mod pairing_event;
mod reason;
mod relation;
mod role;
mod stale_reason;

pub use binding::*;
pub use block_key_kind::*;
pub use blocklist_state::*;
pub use list_version::*;
pub use listing_status::*;
pub use matched_kind::*;
pub use object_type::*;
pub use pairing_event::*;
pub use reason::*;
pub use relation::*;
pub use role::*;
pub use stale_reason::*;

#[cfg(test)]
mod tests {
    use super::*;
    use partcert::{
        AuthorityRole, ListVersion, ListingStatus, ObjectType, PairingEvent, Reason, StaleReason,
    };

    #[test]
    fn stale_reasons_translate() {
        use partcert::KeyId;
        let outdated = StaleReason::OutdatedBy {
            authority: KeyId([7; 32]),
            authority_name: "Other".into(),
            issued_at: 5,
        };
        let cases = [
            (None, partcert_stale_reason::None),
            (Some(StaleReason::Expired), partcert_stale_reason::Expired),
            (
                Some(StaleReason::SignerRevoked),
                partcert_stale_reason::SignerRevoked,
            ),
            (Some(StaleReason::Missing), partcert_stale_reason::Missing),
            (Some(outdated), partcert_stale_reason::OutdatedBy),
            (
                Some(StaleReason::FutureDated { issued_at: 9 }),
                partcert_stale_reason::FutureDated,
            ),
        ];
        for (core, c) in cases {
            assert_eq!(partcert_stale_reason::from(core.as_ref()), c);
        }
        let version = partcert_list_version::from(ListVersion::new(3, 9));
        assert_eq!((version.epoch, version.sequence), (3, 9));
    }

    #[test]
    fn input_enums_round_trip() {
        for reason in [Reason::Stolen, Reason::Lost, Reason::Fraud] {
            assert_eq!(reason_in(partcert_reason::from(reason) as u32), Ok(reason));
        }
        for status in [ListingStatus::Final, ListingStatus::Suspended] {
            assert_eq!(
                listing_status_in(partcert_listing_status::from(status) as u32),
                Ok(status)
            );
        }
        for event in [PairingEvent::FactoryBuild, PairingEvent::Repair] {
            assert_eq!(
                pairing_event_in(partcert_pairing_event::from(event) as u32),
                Ok(event)
            );
        }
        let roles = [
            AuthorityRole::ManufacturerRoot,
            AuthorityRole::PartIssuer,
            AuthorityRole::PairingService,
            AuthorityRole::BlocklistRoot,
            AuthorityRole::BlocklistAuthority,
        ];
        for (value, role) in (1..=5).zip(roles) {
            assert_eq!(partcert_role::from(role) as u32, value);
        }
        assert!(reason_in(0).is_err());
        assert!(listing_status_in(3).is_err());
        assert!(pairing_event_in(9).is_err());
    }

    #[test]
    fn object_types_match_the_core_tags() {
        for tag in 0..=255u8 {
            if let Ok(object_type) = ObjectType::from_tag(tag) {
                let c = partcert_object_type::from_core(object_type).unwrap();
                assert_eq!(format!("{c:?}"), format!("{object_type:?}"));
            }
        }
    }
}
