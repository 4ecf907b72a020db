//! The library version, IMEIs and object types. (No C type.)

use std::ffi::c_char;

use partcert::{Imei, ObjectType};

use crate::enums::{
    LIBRARY_VERSION, LIBRARY_VERSION_NUMBER, partcert_object_type, partcert_result,
};
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::ptr::{self, Out};

/// The version of the library actually loaded, e.g. "1.0.0": static,
/// NUL-terminated, never freed. Compare with `PARTCERT_VERSION_STRING`, the
/// version of the header a program was compiled with.
#[unsafe(no_mangle)]
pub extern "C" fn partcert_version() -> *const c_char {
    LIBRARY_VERSION.as_ptr()
}

/// The version of the library actually loaded as one number,
/// `MAJOR << 16 | MINOR << 8 | PATCH`: compare with
/// `PARTCERT_VERSION_NUMBER`. A program built against header version
/// M.N.x runs with any loaded library M.N'.y where N' >= N (same soname,
/// `libpartcert.so.M`).
#[unsafe(no_mangle)]
pub extern "C" fn partcert_version_number() -> u32 {
    LIBRARY_VERSION_NUMBER
}

/// Parses an IMEI given as text (15 decimal digits, pointer and length, no
/// NUL needed) and writes it as an integer. 107 if it is not 15 digits
/// ending in a valid Luhn check digit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_imei_parse(
    text: *const c_char, text_len: usize, imei_out: *mut u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let text = arg!(ptr::str_in: text, text_len);
        let out = arg!(Out::new: imei_out);
        out.write(text.parse::<Imei>()?.as_u64())
    })
}

/// Computes the Luhn check digit for a 14-digit IMEI body and writes the
/// full 15-digit IMEI: what a factory does when it allocates one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_imei_with_check_digit(
    body: u64, imei_out: *mut u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let out = arg!(Out::new: imei_out);
        out.write(Imei::with_check_digit(body)?.as_u64())
    })
}

/// Reads the type of an encoded object from its header, without decoding
/// or verifying the rest (to route a file to the right function).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_object_type_of(
    data: *const u8, len: usize, type_out: *mut partcert_object_type,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let bytes = arg!(ptr::bytes_in: data, len);
        let out = arg!(Out::new: type_out);
        out.write(ObjectType::of(bytes)?.into())
    })
}
