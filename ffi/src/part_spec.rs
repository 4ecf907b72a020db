//! `partcert_part_spec`: what a part issuer writes into a part certificate.

use std::ffi::c_char;

use partcert::ids::PublicKey;
use partcert::issue::PartSpec;
use partcert::{Imei, PartKind};

use crate::castable;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::ptr::{self, Out};

/// What a part issuer writes into a part certificate, built by the
/// library so that adding a field never breaks a compiled caller:
/// `partcert_part_spec_new` with the kind, manufacturer, model and serial,
/// then `partcert_part_spec_add_imei` for each IMEI of a board and
/// `partcert_part_spec_set_public_key` for a part with a secure element.
/// Pass it to `partcert_authority_certify_part`, which only reads it (one
/// spec may certify many parts in turn). Free with
/// `partcert_part_spec_free`.
pub struct partcert_part_spec {
    _private: [u8; 0],
}

/// Starts a part spec: the part's kind code (see `partcert_part_kind`), its
/// manufacturer (one of the names the issuer's certificate permits), model
/// and serial, each UTF-8 as pointer and length (no NUL needed). The text
/// rules (serials of `A-Z 0-9 - . _ / : # +`, names without control
/// characters …) are checked when certifying (111).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_spec_new(
    kind: u16, manufacturer: *const c_char, manufacturer_len: usize, model: *const c_char,
    model_len: usize, serial: *const c_char, serial_len: usize,
    spec_out: *mut *mut partcert_part_spec, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let manufacturer = arg!(ptr::str_in: manufacturer, manufacturer_len);
        let model = arg!(ptr::str_in: model, model_len);
        let serial = arg!(ptr::str_in: serial, serial_len);
        let out = arg!(Out::new: spec_out);
        out.write(castable::to_box(PartSpec {
            kind: PartKind::from_code(kind),
            manufacturer: manufacturer.to_owned(),
            model: model.to_owned(),
            serial: serial.to_owned(),
            imeis: Vec::new(),
            key: None,
        }))
    })
}

/// Adds an IMEI the part (a board) carries: 107 if it is not a valid IMEI,
/// 106 past `PARTCERT_MAX_IMEIS`. (An IMEI added twice is refused when
/// certifying: 110, naming it.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_spec_add_imei(
    spec: *mut partcert_part_spec, imei: u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let spec = arg!(castable::borrow_mut: spec);
        let imei = Imei::from_u64(imei)?;
        if spec.imeis.len() >= partcert::limits::MAX_IMEIS {
            return Err(partcert::Error::LengthOverBound {
                field: "IMEIs of a board",
                length: spec.imeis.len() + 1,
                max: partcert::limits::MAX_IMEIS,
            }
            .into());
        }
        spec.imeis.push(imei);
        Ok(())
    })
}

/// Sets the `PARTCERT_PUBLIC_KEY_LEN`-byte public key the part's secure
/// element holds (replacing any set before); 109 if it is not a valid
/// Ed25519 public key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_spec_set_public_key(
    spec: *mut partcert_part_spec, public_key: *const u8, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let spec = arg!(castable::borrow_mut: spec);
        let key = arg!(ptr::bytes32_in: public_key);
        spec.key = Some(PublicKey::from_bytes(&key)?);
        Ok(())
    })
}

/// Frees a part spec. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_part_spec_free(spec: *mut partcert_part_spec) {
    // SAFETY: NULL or a spec from this library, freed once.
    unsafe { castable::free_box(spec) }
}
