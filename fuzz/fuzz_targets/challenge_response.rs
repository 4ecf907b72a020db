//! Any bytes fed to the challenge response decoder: never a panic; what decodes
//! is exactly what was given (one encoding per object).
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::{ChallengeResponse, ErrorCode};

fuzz_target!(|data: &[u8]| {
    match ChallengeResponse::decode(data) {
        Ok(object) => assert_eq!(object.as_bytes(), data),
        Err(error) => assert!(ErrorCode::ALL.contains(&error.code())),
    }
});
