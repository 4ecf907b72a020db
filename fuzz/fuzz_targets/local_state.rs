//! A device's stored state (anti-rollback marks and accepted lists) read
//! back from storage: never a panic; what decodes re-encodes identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::{Blocklist, RollbackState, TrustStore};

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = RollbackState::decode(data) {
        assert_eq!(state.encode(), data);
    }
    let trust = TrustStore::new();
    if let Ok(blocklist) = Blocklist::decode_state(data, &trust) {
        assert_eq!(blocklist.encode_state(), data);
    }
});
