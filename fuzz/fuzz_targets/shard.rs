//! Any bytes offered as a shard file: never a panic, only published error
//! codes, and nothing but the register's own shard proves itself. Every
//! slice the golden head names is tried: a decode that succeeds must be
//! the golden shard at its own slice (any other would be a second
//! preimage of SHA-256 under the head's root).
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::ErrorCode;
use partcert::blocklist::{Head, Shard};

const HEAD: &[u8] = include_bytes!("../../core/tests/vectors/repository_head.pchd");
const SCREEN_SHARD: &[u8] = include_bytes!("../../core/tests/vectors/screen_shard.pcsh");

fuzz_target!(|data: &[u8]| {
    let head = Head::decode(HEAD).expect("the golden head");
    let shards = head.shards().expect("the golden head names shards");
    if let Err(error) = Shard::check_structure(data) {
        assert!(ErrorCode::ALL.contains(&error.code()));
    }
    for index in 0..shards.count() {
        match Shard::decode(data, &head, index) {
            Ok(shard) => {
                assert_eq!(data, SCREEN_SHARD, "a shard the register never cut was proven");
                assert_eq!(shard.index(), index);
            }
            Err(error) => assert!(ErrorCode::ALL.contains(&error.code())),
        }
    }
});
