//! Any bytes fed to the repository head decoder: never a panic, only
//! published error codes, and one encoding only (see
//! `partcert_fuzz::check_decoder`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use partcert::Object;
use partcert::blocklist::Head;
use partcert_fuzz::check_decoder;

fuzz_target!(|data: &[u8]| check_decoder(data, Head::decode, Object::RepositoryHead));
