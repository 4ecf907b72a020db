//! Any bytes fed to the blocklist snapshot decoder: never a panic, only published
//! error codes, and whatever decodes has exactly one encoding: encoding its
//! body again gives the very bytes between the header and the signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::internal::{HEADER_LEN, SIGNATURE_LEN, reencoded_body};
use partcert::{BlocklistSnapshot, ErrorCode, Object};

fuzz_target!(|data: &[u8]| {
    match BlocklistSnapshot::decode(data) {
        Ok(object) => {
            let body = &data[HEADER_LEN..data.len() - SIGNATURE_LEN];
            let encoded = reencoded_body(&Object::BlocklistSnapshot(object));
            assert_eq!(
                encoded, body,
                "a second encoding of the same body was accepted"
            );
        }
        Err(error) => assert!(ErrorCode::ALL.contains(&error.code())),
    }
});
