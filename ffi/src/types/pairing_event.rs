//! `partcert_pairing_event`: why a pairing record was made.

use partcert::PairingEvent;

use crate::error::Failure;

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
    crate::ptr::enum_in(value, "event", |value| match value {
        1 => Some(PairingEvent::FactoryBuild),
        2 => Some(PairingEvent::Repair),
        _ => None,
    })
}
