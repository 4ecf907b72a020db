//! What the unit tests share: a register pinned by a device's trust store.

use std::sync::Arc;

use partcert as pc;

use crate::device::TrustStore;
use crate::objects::Certificate;

/// 2026-01-01, the tests' first day.
pub(crate) const T0: u64 = 1_767_225_600;
/// A day in seconds.
pub(crate) const DAY: u64 = 86_400;

/// A national register (its blocklist root from key `seed`, valid from
/// the day before `T0` for ten years), and a trust store that pins it.
pub(crate) fn register(seed: u8) -> (pc::issue::Authority, Arc<TrustStore>) {
    let key = pc::SecretKey::from_seed(&[seed; 32]);
    let validity = pc::Validity::days_from(T0 - DAY, 3_650);
    let register =
        pc::issue::Authority::new_blocklist_root(key, "Register", validity).expect("register");
    let trust = TrustStore::new();
    trust
        .add_blocklist_root(Certificate::wrap(register.certificate().clone()))
        .expect("pinned");
    (register, trust)
}
