//! Small helpers: the version, IMEIs, part kind names and object types.

use std::ffi::{CStr, c_char};

use partcert::{Imei, ObjectType, PartKind};

use crate::panic::boundary;
use crate::ptr::{self, Out, OutString};
use crate::result::partcert_result;
use crate::types::partcert_object_type;

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => c"unknown",
    };

/// The library's version, e.g. "0.1.0": a static NUL-terminated string,
/// never freed.
#[unsafe(no_mangle)]
pub extern "C" fn partcert_version() -> *const c_char {
    // Nothing here can panic, but the rule is kept without exceptions.
    std::panic::catch_unwind(|| VERSION.as_ptr()).unwrap_or(c"unknown".as_ptr())
}

/// Parses an IMEI given as text (15 decimal digits, pointer and length, no
/// NUL needed) and writes it as an integer. 107 if it is not 15 digits
/// ending in a valid Luhn check digit.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_imei_parse(
    text: *const c_char,
    text_len: usize,
    imei_out: *mut u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: `text_len` readable bytes and a writable u64.
        let (text, out) = unsafe { (ptr::str_in(text, text_len)?, Out::new(imei_out)?) };
        out.write(text.parse::<Imei>()?.as_u64())
    })
}

/// Computes the Luhn check digit for a 14-digit IMEI body and writes the
/// full 15-digit IMEI: what a factory does when it allocates one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_imei_with_check_digit(
    body: u64,
    imei_out: *mut u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a writable u64.
        let out = unsafe { Out::new(imei_out) }?;
        out.write(Imei::with_check_digit(body)?.as_u64())
    })
}

/// Writes the name of a part kind code ("screen", "rear-camera"; "kind-N"
/// for a code this library does not name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_kind_name(
    kind: u16,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: the documented buffer contract.
        let out = unsafe { OutString::new(buf, len, out_len) }?;
        out.write(&PartKind::from_code(kind).name())
    })
}

/// Reads the type of an encoded object from its header, without decoding
/// or verifying the rest (to route a file to the right function).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_object_type_of(
    data: *const u8,
    len: usize,
    type_out: *mut partcert_object_type,
) -> partcert_result {
    boundary(|| {
        // SAFETY: `len` readable bytes and a writable enum.
        let (bytes, out) = unsafe { (ptr::bytes_in(data, len)?, Out::new(type_out)?) };
        out.write(partcert_object_type::from_core(ObjectType::of(bytes)?)?)
    })
}
