//! What every decoder target checks, written once.

use partcert::internal::{HEADER_LEN, SIGNATURE_LEN, reencoded_body};
use partcert::{Error, ErrorCode, Object};

/// Any bytes fed to one decoder: never a panic, only published error
/// codes, and whatever decodes has exactly one encoding: encoding its body
/// again gives the very bytes between the header and the signature.
pub fn check_decoder<T>(
    data: &[u8],
    decode: impl FnOnce(&[u8]) -> Result<T, Error>,
    as_object: impl FnOnce(T) -> Object,
) {
    match decode(data) {
        Ok(decoded) => {
            let body = &data[HEADER_LEN..data.len() - SIGNATURE_LEN];
            let encoded = reencoded_body(&as_object(decoded));
            assert_eq!(
                encoded, body,
                "a second encoding of the same body was accepted"
            );
        }
        Err(error) => assert!(ErrorCode::ALL.contains(&error.code())),
    }
}
