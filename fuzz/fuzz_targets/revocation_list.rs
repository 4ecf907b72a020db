//! Any bytes fed to the revocation list decoder: never a panic; what decodes
//! is exactly what was given (one encoding per object).
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::{RevocationList, ErrorCode};

fuzz_target!(|data: &[u8]| {
    match RevocationList::decode(data) {
        Ok(object) => assert_eq!(object.as_bytes(), data),
        Err(error) => assert!(ErrorCode::ALL.contains(&error.code())),
    }
});
