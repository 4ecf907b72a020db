//! A device's stored state (anti-rollback marks and accepted lists) read
//! back from storage, by a device pinning no blocklist root and by one
//! pinning the golden register's: never a panic; what decodes re-encodes
//! identically unless an unpinned authority was dropped, and then what is
//! kept re-encodes to a state that loads again unchanged, dropping nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::blocklist::RollbackState;
use partcert::{Blocklist, ErrorCode, TrustStore};

const BLOCKLIST_ROOT: &[u8] = include_bytes!("../../core/tests/vectors/blocklist_root.cert");

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = RollbackState::decode(data) {
        assert_eq!(state.encode(), data);
    }
    let unpinned = TrustStore::new();
    let mut pinned = TrustStore::new();
    let root = partcert::Certificate::decode(BLOCKLIST_ROOT).expect("golden root decodes");
    pinned.add_blocklist_root(root).expect("golden root pins");
    for trust in [&unpinned, &pinned] {
        let loaded = match Blocklist::load_state(data, trust) {
            Ok(loaded) => loaded,
            Err(error) => {
                assert!(ErrorCode::ALL.contains(&error.code()));
                assert_eq!(Blocklist::decode_state(data, trust), Err(error));
                continue;
            }
        };
        assert_eq!(
            Blocklist::decode_state(data, trust).as_ref(),
            Ok(&loaded.blocklist)
        );
        assert!(
            loaded.dropped.windows(2).all(|pair| pair[0] < pair[1]),
            "dropped twice"
        );
        for authority in &loaded.dropped {
            assert!(
                trust.blocklist_root(authority).is_none(),
                "a pinned authority dropped"
            );
            assert!(
                loaded.blocklist.list(authority).is_none(),
                "a dropped list kept"
            );
            assert!(
                loaded
                    .blocklist
                    .rollback_state()
                    .marks()
                    .all(|mark| mark.authority != *authority),
                "a dropped mark kept"
            );
        }
        for mark in loaded.blocklist.rollback_state().marks() {
            assert!(
                trust.blocklist_root(&mark.authority).is_some(),
                "an unpinned mark kept"
            );
        }
        let encoded = loaded.blocklist.encode_state();
        if loaded.dropped.is_empty() {
            assert_eq!(encoded, data);
        } else {
            let again = Blocklist::load_state(&encoded, trust).expect("a kept state loads");
            assert!(again.dropped.is_empty());
            assert_eq!(again.blocklist, loaded.blocklist);
        }
    }
});
