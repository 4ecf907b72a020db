//! `partcert_reason`: why a handset was listed.

use partcert::Reason;

use crate::error::Failure;

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
    crate::ptr::enum_in(value, "reason", |value| match value {
        1 => Some(Reason::Stolen),
        2 => Some(Reason::Lost),
        3 => Some(Reason::Fraud),
        _ => None,
    })
}
