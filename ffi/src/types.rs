//! C enums for the core's enums, and the conversions between them.
//!
//! Enums the library *returns* are typed as these enums. Enums the caller
//! *passes in* are taken as `uint32_t` (or `uint16_t` for part kinds) and
//! checked, since an out-of-range value in a Rust enum would be undefined
//! behaviour: an unknown value yields `PARTCERT_RESULT_INVALID_ARGUMENT`.

use partcert::{
    AuthorityRole, Binding, BlocklistStatus, ListVersion, ListingStatus, ObjectType, PairingEvent,
    Reason, Relation, StaleReason,
};

use crate::result::Failure;

/// Length of a key id, a fingerprint, a part id or a state digest (SHA-256).
pub const PARTCERT_DIGEST_LEN: usize = 32;
/// Length of an Ed25519 public key.
pub const PARTCERT_PUBLIC_KEY_LEN: usize = 32;
/// Length of an Ed25519 secret key seed.
pub const PARTCERT_SEED_LEN: usize = 32;
/// Length of a challenge nonce.
pub const PARTCERT_NONCE_LEN: usize = 32;
/// Largest encoded certificate, in bytes.
pub const PARTCERT_MAX_CERTIFICATE_LEN: usize = 2048;
/// Largest encoded pairing record, in bytes.
pub const PARTCERT_MAX_PAIRING_RECORD_LEN: usize = 16384;
/// Largest encoded challenge response, in bytes.
pub const PARTCERT_MAX_CHALLENGE_RESPONSE_LEN: usize = 256;
/// Longest authority name, manufacturer or model, in bytes (a string buffer
/// needs one more for the NUL).
pub const PARTCERT_MAX_NAME_LEN: usize = 128;
/// Longest part serial, in bytes (a string buffer needs one more for the NUL).
pub const PARTCERT_MAX_SERIAL_LEN: usize = 64;
/// Largest anti-rollback state `partcert_blocklist_rollback_state` writes.
pub const PARTCERT_MAX_ROLLBACK_STATE_LEN: usize = 8752;
/// Most manufacturer names one manufacturer root or part issuer may name.
pub const PARTCERT_MAX_MANUFACTURERS: usize = 16;
/// Largest blocklist epoch or sequence number accepted (2^53 - 1); a
/// larger one is refused with 405.
pub const PARTCERT_MAX_SEQUENCE: u64 = 9_007_199_254_740_991;

/// A blocklist version: lists are ordered by epoch first, then sequence.
/// A blocklist root may publish in any epoch; a delegated blocklist
/// authority only in the epoch its certificate names, so a root supersedes
/// a stolen delegated key by publishing in a later epoch.
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

/// Named part kinds. A part kind travels as its `uint16_t` wire code: a
/// newer issuer may use a code this enum does not name yet, so treat any
/// other value as "another kind" (its name is "kind-N").
#[repr(u16)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_part_kind {
    /// Main logic board (carries the IMEIs).
    Board = 1,
    /// Display assembly.
    Screen = 2,
    /// Battery.
    Battery = 3,
    /// Rear camera module.
    RearCamera = 4,
    /// Front camera module.
    FrontCamera = 5,
    /// Biometric sensor (fingerprint or face).
    Biometric = 6,
    /// Back glass / housing.
    Housing = 7,
    /// Charging port assembly.
    ChargingPort = 8,
    /// Loudspeaker or earpiece.
    Speaker = 9,
}

/// How strongly a part is bound to its certificate.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_binding {
    /// The part proved it holds the key its certificate names.
    KeyProven = 1,
    /// The part has a key, but no challenge response was checked.
    KeyNotChallenged = 2,
    /// The part has no secure element: its certificate binds only its serial
    /// and could have been copied.
    SerialOnly = 3,
}

impl From<Binding> for partcert_binding {
    fn from(binding: Binding) -> Self {
        match binding {
            Binding::KeyProven => partcert_binding::KeyProven,
            Binding::KeyNotChallenged => partcert_binding::KeyNotChallenged,
            Binding::SerialOnly => partcert_binding::SerialOnly,
        }
    }
}

/// A part's relation to the handset doing the verifying.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_relation {
    /// Paired to this handset.
    PairedHere = 1,
    /// Paired to another handset (a used part).
    PairedElsewhere = 2,
    /// No pairing record was presented.
    Unpaired = 3,
}

impl From<Relation> for partcert_relation {
    fn from(relation: Relation) -> Self {
        match relation {
            Relation::PairedHere => partcert_relation::PairedHere,
            Relation::PairedElsewhere => partcert_relation::PairedElsewhere,
            Relation::Unpaired => partcert_relation::Unpaired,
        }
    }
}

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

/// Why a followed list may be out of date (`partcert_list_checked`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_stale_reason {
    /// The list is current.
    None = 0,
    /// It expired before the verification time (at its authority's clock).
    Expired = 1,
    /// Its authority's root has since revoked the key that signed it.
    SignerRevoked = 2,
    /// The device follows this authority (its anti-rollback state has a
    /// mark for it) but holds no list from it: withheld, or not loaded
    /// again after a restart.
    Missing = 3,
    /// Another authority's list was issued after this one expired: the
    /// device's clock may be behind. The other authority is named in the
    /// `outdated_by_` fields.
    OutdatedBy = 4,
}

impl From<Option<&StaleReason>> for partcert_stale_reason {
    fn from(reason: Option<&StaleReason>) -> Self {
        match reason {
            None => partcert_stale_reason::None,
            Some(StaleReason::Expired) => partcert_stale_reason::Expired,
            Some(StaleReason::SignerRevoked) => partcert_stale_reason::SignerRevoked,
            Some(StaleReason::Missing) => partcert_stale_reason::Missing,
            Some(StaleReason::OutdatedBy { .. }) => partcert_stale_reason::OutdatedBy,
        }
    }
}

/// Why a handset was listed.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_reason {
    /// Reported stolen.
    Stolen = 1,
    /// Reported lost.
    Lost = 2,
    /// Obtained by fraud (e.g. an unpaid contract).
    Fraud = 3,
}

impl From<Reason> for partcert_reason {
    fn from(reason: Reason) -> Self {
        match reason {
            Reason::Stolen => partcert_reason::Stolen,
            Reason::Lost => partcert_reason::Lost,
            Reason::Fraud => partcert_reason::Fraud,
        }
    }
}

pub(crate) fn reason_in(value: u32) -> Result<Reason, Failure> {
    match value {
        1 => Ok(Reason::Stolen),
        2 => Ok(Reason::Lost),
        3 => Ok(Reason::Fraud),
        _ => Err(Failure::ARGUMENT),
    }
}

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
    match value {
        1 => Ok(ListingStatus::Final),
        2 => Ok(ListingStatus::Suspended),
        _ => Err(Failure::ARGUMENT),
    }
}

/// Why a pairing record was made.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_pairing_event {
    /// The handset was assembled at the factory.
    FactoryBuild = 1,
    /// A repair fitted one or more parts.
    Repair = 2,
}

impl From<PairingEvent> for partcert_pairing_event {
    fn from(event: PairingEvent) -> Self {
        match event {
            PairingEvent::FactoryBuild => partcert_pairing_event::FactoryBuild,
            PairingEvent::Repair => partcert_pairing_event::Repair,
        }
    }
}

pub(crate) fn pairing_event_in(value: u32) -> Result<PairingEvent, Failure> {
    match value {
        1 => Ok(PairingEvent::FactoryBuild),
        2 => Ok(PairingEvent::Repair),
        _ => Err(Failure::ARGUMENT),
    }
}

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

/// The type of an encoded partcert object.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum partcert_object_type {
    /// A certificate (root, authority or part).
    Certificate = 1,
    /// A pairing record.
    PairingRecord = 2,
    /// A blocklist snapshot.
    BlocklistSnapshot = 3,
    /// A blocklist delta.
    BlocklistDelta = 4,
    /// A revocation list.
    RevocationList = 5,
    /// A challenge response.
    ChallengeResponse = 6,
}

impl partcert_object_type {
    pub(crate) fn from_core(object_type: ObjectType) -> Result<Self, Failure> {
        Ok(match object_type {
            ObjectType::Certificate => partcert_object_type::Certificate,
            ObjectType::PairingRecord => partcert_object_type::PairingRecord,
            ObjectType::BlocklistSnapshot => partcert_object_type::BlocklistSnapshot,
            ObjectType::BlocklistDelta => partcert_object_type::BlocklistDelta,
            ObjectType::RevocationList => partcert_object_type::RevocationList,
            ObjectType::ChallengeResponse => partcert_object_type::ChallengeResponse,
            // A type the core learnt after this crate: surface it as a bug
            // (the exhaustive test below fails first).
            #[allow(unreachable_patterns)]
            _ => return Err(Failure(partcert::ErrorCode::Panic)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partcert::PartKind;

    /// The header spells the limits as literals (cbindgen cannot evaluate
    /// paths); they must stay the core's.
    #[test]
    fn limits_match_the_core() {
        use partcert::limits;
        assert_eq!(PARTCERT_MAX_CERTIFICATE_LEN, limits::MAX_CERTIFICATE_LEN);
        assert_eq!(PARTCERT_MAX_NAME_LEN, limits::MAX_NAME_LEN);
        assert_eq!(PARTCERT_MAX_SERIAL_LEN, limits::MAX_SERIAL_LEN);
        assert_eq!(
            PARTCERT_MAX_PAIRING_RECORD_LEN,
            limits::MAX_PAIRING_RECORD_LEN
        );
        assert_eq!(
            PARTCERT_MAX_CHALLENGE_RESPONSE_LEN,
            limits::MAX_CHALLENGE_RESPONSE_LEN
        );
        assert_eq!(
            PARTCERT_MAX_ROLLBACK_STATE_LEN,
            limits::MAX_ROLLBACK_STATE_LEN
        );
        assert_eq!(PARTCERT_MAX_MANUFACTURERS, limits::MAX_MANUFACTURERS);
        assert_eq!(PARTCERT_MAX_SEQUENCE, limits::MAX_SEQUENCE);
    }

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
        ];
        for (core, c) in cases {
            assert_eq!(partcert_stale_reason::from(core.as_ref()), c);
        }
        let version = partcert_list_version::from(ListVersion::new(3, 9));
        assert_eq!((version.epoch, version.sequence), (3, 9));
    }

    #[test]
    fn part_kind_codes_match_the_core() {
        let named = [
            partcert_part_kind::Board,
            partcert_part_kind::Screen,
            partcert_part_kind::Battery,
            partcert_part_kind::RearCamera,
            partcert_part_kind::FrontCamera,
            partcert_part_kind::Biometric,
            partcert_part_kind::Housing,
            partcert_part_kind::ChargingPort,
            partcert_part_kind::Speaker,
        ];
        assert_eq!(named.len(), PartKind::NAMED.len());
        for (c, core) in named.iter().zip(PartKind::NAMED) {
            assert_eq!(*c as u16, core.code());
            assert_eq!(format!("{c:?}"), format!("{core:?}"));
        }
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
        assert_eq!(reason_in(0), Err(Failure::ARGUMENT));
        assert_eq!(listing_status_in(3), Err(Failure::ARGUMENT));
        assert_eq!(pairing_event_in(9), Err(Failure::ARGUMENT));
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
