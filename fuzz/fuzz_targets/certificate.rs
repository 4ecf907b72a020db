//! Any bytes fed to the certificate decoder: never a panic, only published
//! error codes, and one encoding only (see `partcert_fuzz::check_decoder`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::Certificate;
use partcert::Object;
use partcert_fuzz::check_decoder;

fuzz_target!(|data: &[u8]| check_decoder(data, Certificate::decode, Object::Certificate));
