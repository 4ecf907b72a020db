//! `partcert_authority`: what a factory tool, a pairing service or a
//! registry written in C signs with.

use std::ffi::c_char;

use partcert::ids::{KeyId, PublicKey};
use partcert::issue::Authority;
use partcert::pairing::PairingEvent;
use partcert::revocation::RevokedKey;
use partcert::{Certificate, PairingRecord, PartKind, SecretKey, Validity, limits};

use crate::bytes::{partcert_bytes, to_bytes};
use crate::castable;
use crate::enums::{
    PARTCERT_DIGEST_LEN, PARTCERT_PUBLIC_KEY_LEN, enum_in, partcert_result, partcert_role,
};
use crate::error::{Failure, partcert_error};
use crate::panic::boundary;
use crate::part_spec::partcert_part_spec;
use crate::ptr::{self, Out};
use crate::str::{partcert_slice, partcert_str};
use crate::trust_store::partcert_trust_store;

/// An authority able to sign: its secret key and its certificate (a
/// manufacturer or blocklist root, a part issuer, a pairing service, a
/// blocklist authority). The secret key is zeroized when freed.
///
/// Every signing function checks, before signing, what a verifier would
/// check of the signer at the time the object carries: a blocklist or
/// revocation list is refused at signing (301/300) if the signer's
/// certificate is not valid at its `issued_at`. Certificates and pairing
/// records carry no signing time the core checks against (see each).
///
/// Immutable: signing functions may run concurrently from any thread.
/// Free with `partcert_authority_free`.
pub struct partcert_authority {
    _private: [u8; 0],
}

reader!(read: partcert_authority);

/// The contents of a `partcert_authority`.
pub(crate) struct AuthorityData {
    pub(crate) authority: Authority,
    key_id: [u8; PARTCERT_DIGEST_LEN],
}

impl AuthorityData {
    fn new(authority: Authority) -> Self {
        AuthorityData {
            key_id: *authority.key().key_id().as_bytes(),
            authority,
        }
    }
}

fn validity(not_before: u64, not_after: u64) -> Validity {
    Validity {
        not_before,
        not_after,
    }
}

/// The body of every constructor: the authority `make` makes, written to
/// `authority_out` (checked first).
fn made(
    authority_out: *mut *mut partcert_authority, error_out: *mut *mut partcert_error,
    make: impl FnOnce() -> Result<Authority, Failure>,
) -> partcert_result {
    boundary(error_out, || {
        let out = arg!(Out::new: authority_out);
        out.write(castable::to_box(AuthorityData::new(make()?)))
    })
}

/// The body of every signing call: what `sign` makes with the authority,
/// encoded, written to a new `partcert_bytes` at `bytes_out` (named `what`
/// in its error). The authority and the slot are checked first.
pub(crate) fn signing(
    authority: *const partcert_authority,
    (bytes_out, what): (*mut *mut partcert_bytes, &'static str),
    error_out: *mut *mut partcert_error, sign: impl FnOnce(&Authority) -> Result<Vec<u8>, Failure>,
) -> partcert_result {
    boundary(error_out, || {
        // SAFETY: NULL or a live authority, and NULL or a writable slot (the
        // header's contract for every caller).
        let (authority, out) = unsafe {
            (
                castable::borrow(authority, "authority")?,
                Out::new(bytes_out, what)?,
            )
        };
        out.write(to_bytes(sign(&authority.authority)?))
    })
}

/// The body of every certifying call: the certificate `certify` makes with
/// the authority, encoded, written to a new `partcert_bytes` at
/// `certificate_out`.
fn certifying(
    authority: *const partcert_authority, certificate_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
    certify: impl FnOnce(&Authority) -> Result<Certificate, Failure>,
) -> partcert_result {
    let out = (certificate_out, "certificate_out");
    signing(authority, out, error_out, |authority| {
        Ok(certify(authority)?.as_bytes().to_vec())
    })
}

/// A subject's name and public key, as the certifying calls take them.
///
/// # Safety
/// `name_len` readable bytes at `name`; NULL or 32 readable bytes at `key`.
unsafe fn subject<'a>(
    (name, name_len): (*const c_char, usize), key: *const u8,
) -> Result<(&'a str, PublicKey), Failure> {
    // SAFETY: this function's contract.
    let (name, key) = unsafe {
        (
            ptr::str_in(name, name_len, "name")?,
            ptr::fixed_in::<PARTCERT_PUBLIC_KEY_LEN>(key, "subject_key")?,
        )
    };
    Ok((name, PublicKey::from_bytes(&key)?))
}

/// A handset's board, its other parts and why they are paired, decoded.
///
/// # Safety
/// Readable bytes and slices, as the pairing calls take them.
unsafe fn handset(
    (board, board_len): (*const u8, usize), (parts, part_count): (*const partcert_slice, usize),
    event: u32,
) -> Result<(Certificate, Vec<Certificate>, PairingEvent), Failure> {
    let board = arg!(ptr::bytes_in: board, board_len);
    let parts = arg!(ptr::slices_in: parts, part_count);
    let event = enum_in(event, "event", PairingEvent::from_code)?;
    let board = Certificate::decode(board)?;
    let parts = parts
        .into_iter()
        .map(|bytes| Certificate::decode(bytes).map_err(Failure::from))
        .collect::<Result<_, _>>()?;
    Ok((board, parts, event))
}

/// Creates a manufacturer root from a `PARTCERT_SEED_LEN`-byte secret
/// seed, with a self-signed certificate valid from `not_before` to
/// `not_after` inclusive (seconds since the Unix epoch), naming the
/// manufacturers whose parts its factory lines may certify
/// (`manufacturers`: `manufacturer_count` names, NULL when 0; at most
/// `PARTCERT_MAX_MANUFACTURERS`). Its certificate's serial number is 1.
/// A name that breaks the text rules gives 111.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_new_manufacturer_root(
    seed: *const u8, name: *const c_char, name_len: usize, manufacturers: *const partcert_str,
    manufacturer_count: usize, not_before: u64, not_after: u64,
    authority_out: *mut *mut partcert_authority, error_out: *mut *mut partcert_error,
) -> partcert_result {
    made(authority_out, error_out, || {
        let seed = arg!(ptr::secret_in: seed);
        let name = arg!(ptr::str_in: name, name_len);
        let makers = arg!(ptr::strs_in: manufacturers, manufacturer_count);
        let validity = validity(not_before, not_after);
        let key = SecretKey::from_seed(&seed);
        Ok(Authority::new_manufacturer_root(
            key, name, &makers, validity,
        )?)
    })
}

/// Creates a blocklist root (a national registry, an operator) from a
/// `PARTCERT_SEED_LEN`-byte secret seed, with a self-signed certificate
/// valid from `not_before` to `not_after` inclusive. Its certificate's
/// serial number is 1.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_new_blocklist_root(
    seed: *const u8, name: *const c_char, name_len: usize, not_before: u64, not_after: u64,
    authority_out: *mut *mut partcert_authority, error_out: *mut *mut partcert_error,
) -> partcert_result {
    made(authority_out, error_out, || {
        let seed = arg!(ptr::secret_in: seed);
        let name = arg!(ptr::str_in: name, name_len);
        let key = SecretKey::from_seed(&seed);
        Ok(Authority::new_blocklist_root(
            key,
            name,
            validity(not_before, not_after),
        )?)
    })
}

/// Loads an authority from its secret seed and its encoded certificate
/// (e.g. a factory line's, issued earlier by its root). 205 if the key
/// does not match the certificate; 303 if it is a part's certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_new(
    seed: *const u8, certificate: *const u8, certificate_len: usize,
    authority_out: *mut *mut partcert_authority, error_out: *mut *mut partcert_error,
) -> partcert_result {
    made(authority_out, error_out, || {
        let seed = arg!(ptr::secret_in: seed);
        let bytes = arg!(ptr::bytes_in: certificate, certificate_len);
        let certificate = Certificate::decode(bytes)?;
        Ok(Authority::new(SecretKey::from_seed(&seed), certificate)?)
    })
}

/// Frees an authority, zeroizing its secret key. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_free(authority: *mut partcert_authority) {
    // SAFETY: NULL or an authority from this library, freed once.
    unsafe { castable::free_box(authority) }
}

/// The authority's encoded certificate, borrowed: valid while the authority
/// lives (empty for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certificate(
    authority: *const partcert_authority,
) -> partcert_slice {
    read(authority, partcert_slice::EMPTY, |a| {
        Some(partcert_slice::of(a.authority.certificate().as_bytes()))
    })
}

/// The authority's role; `PARTCERT_ROLE_NONE` (0, the role of no
/// certificate) for NULL. (Before 1.7, NULL read MANUFACTURER_ROOT.)
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_role(
    authority: *const partcert_authority,
) -> partcert_role {
    read(authority, partcert_role::NONE, |a| {
        Some(a.authority.role().into())
    })
}

/// The authority's 32-byte key id, borrowed (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_key_id(
    authority: *const partcert_authority,
) -> *const u8 {
    read(authority, std::ptr::null(), |a| Some(a.key_id.as_ptr()))
}

/// Certifies a factory line (manufacturer roots only; 303 otherwise):
/// `subject_key` is the `PARTCERT_PUBLIC_KEY_LEN`-byte public key
/// certified, `permitted_kinds` (part kind codes, NULL when
/// `permitted_kind_count` is 0) the kinds it may certify, and
/// `manufacturers` (`manufacturer_count` names, NULL when 0) the makers
/// whose parts it may certify, each one the root names (308 otherwise).
/// Writes the encoded certificate to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_part_issuer(
    authority: *const partcert_authority, name: *const c_char, name_len: usize,
    subject_key: *const u8, permitted_kinds: *const u16, permitted_kind_count: usize,
    manufacturers: *const partcert_str, manufacturer_count: usize, serial_number: u64,
    not_before: u64, not_after: u64, certificate_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    let validity = validity(not_before, not_after);
    certifying(authority, certificate_out, error_out, |authority| {
        // SAFETY: readable name, key, kinds and names.
        let ((name, key), kinds, makers) = unsafe {
            (
                subject((name, name_len), subject_key)?,
                ptr::array_in(permitted_kinds, permitted_kind_count, "permitted_kinds")?,
                ptr::strs_in(manufacturers, manufacturer_count, "manufacturers")?,
            )
        };
        let kinds: Vec<PartKind> = kinds.iter().map(|c| PartKind::from_code(*c)).collect();
        Ok(authority.certify_part_issuer(name, key, &kinds, &makers, serial_number, validity)?)
    })
}

/// Certifies a pairing service (manufacturer roots only; 303 otherwise):
/// it may sign pairing records for handsets whose board this root
/// certified. Writes the encoded certificate to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_pairing_service(
    authority: *const partcert_authority, name: *const c_char, name_len: usize,
    subject_key: *const u8, serial_number: u64, not_before: u64, not_after: u64,
    certificate_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let validity = validity(not_before, not_after);
    certifying(authority, certificate_out, error_out, |authority| {
        // SAFETY: a readable name and key.
        let (name, key) = unsafe { subject((name, name_len), subject_key) }?;
        Ok(authority.certify_pairing_service(name, key, serial_number, validity)?)
    })
}

/// Certifies a delegated blocklist signing key (blocklist roots only; 303
/// otherwise) for exactly one `epoch`: it may sign snapshots and deltas of
/// that epoch only (406 otherwise). To supersede a stolen delegated key,
/// the root publishes in a later epoch, itself or through a key certified
/// for it. Writes the encoded certificate to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_blocklist_authority(
    authority: *const partcert_authority, name: *const c_char, name_len: usize,
    subject_key: *const u8, epoch: u64, serial_number: u64, not_before: u64, not_after: u64,
    certificate_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let validity = validity(not_before, not_after);
    certifying(authority, certificate_out, error_out, |authority| {
        // SAFETY: a readable name and key.
        let (name, key) = unsafe { subject((name, name_len), subject_key) }?;
        Ok(authority.certify_blocklist_authority(name, key, epoch, serial_number, validity)?)
    })
}

/// Certifies a part described by `spec` (part issuers only, for the kinds
/// their certificate permits: 302 otherwise; for a manufacturer it names:
/// 308 otherwise). A board must carry at least one IMEI. Serials are 1 to
/// 64 characters of `A-Z 0-9 - . _ / : # +`; manufacturer names and models
/// follow the text rules (111 otherwise). Writes the encoded certificate
/// to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_part(
    authority: *const partcert_authority, spec: *const partcert_part_spec, serial_number: u64,
    not_before: u64, not_after: u64, certificate_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    let validity = validity(not_before, not_after);
    certifying(authority, certificate_out, error_out, |authority| {
        let spec = arg!(castable::borrow: spec);
        Ok(authority.certify_part(spec, serial_number, validity)?)
    })
}

/// Signs a pairing record (pairing services only, for a board certified
/// under the service's own root: 307 otherwise): the handset's board
/// certificate and the other parts fitted (`parts`: `part_count` encoded
/// part certificates; NULL when 0; a part listed twice is 111), the
/// per-handset `sequence`, the `event` (a `partcert_pairing_event`) and
/// the signing time. The handset's IMEIs come from the board's certificate.
/// The service's certificate must be valid at `issued_at` (301/300
/// otherwise: verifiers refuse a record dated outside its service's
/// validity). Every part is first paired at `issued_at`: after a repair,
/// sign with `partcert_authority_pair_after` so the parts keep their past.
/// Writes the encoded record to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_pair(
    authority: *const partcert_authority, board: *const u8, board_len: usize,
    parts: *const partcert_slice, part_count: usize, sequence: u64, event: u32, issued_at: u64,
    record_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let out = (record_out, "record_out");
    signing(authority, out, error_out, |authority| {
        // SAFETY: readable board bytes and slices.
        let (board, parts, event) =
            unsafe { handset((board, board_len), (parts, part_count), event) }?;
        let record = authority.pair(&board, &parts, sequence, event, issued_at)?;
        Ok(record.as_bytes().to_vec())
    })
}

/// Signs the pairing record of a handset after a repair (or any later
/// pairing) as `partcert_authority_pair` does, and each part keeps the
/// time a pairing service of this service's own root first paired its
/// certificate, as the `earlier` records say: the handset's previous
/// record, a donor handset's record (`earlier`: `earlier_count` encoded
/// pairing records, NULL when 0, at most `PARTCERT_MAX_CHAIN_LEN`: 106
/// otherwise). So a part made before its line's key leaked, or before its
/// line retired, stays genuine across any number of repairs.
///
/// Every earlier record must verify against `trust` at `issued_at` (2xx,
/// 3xx otherwise, naming why) and be dated no later than it (111); only
/// those of this service's own root carry a first-paired time: another
/// maker's record can place a part in a handset but never vouch for its
/// past. Writes the encoded record to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_pair_after(
    authority: *const partcert_authority, trust: *const partcert_trust_store,
    earlier: *const partcert_slice, earlier_count: usize, board: *const u8, board_len: usize,
    parts: *const partcert_slice, part_count: usize, sequence: u64, event: u32, issued_at: u64,
    record_out: *mut *mut partcert_bytes, error_out: *mut *mut partcert_error,
) -> partcert_result {
    let out = (record_out, "record_out");
    signing(authority, out, error_out, |authority| {
        let trust = arg!(castable::borrow: trust);
        let earlier = arg!(ptr::slices_in: earlier, earlier_count);
        // The core's bound, checked before anything is decoded.
        if earlier.len() > limits::MAX_CHAIN_LEN {
            return Err(partcert::Error::LengthOverBound {
                field: "earlier pairing records",
                length: earlier.len(),
                max: limits::MAX_CHAIN_LEN,
            }
            .into());
        }
        // SAFETY: readable board bytes and slices.
        let (board, parts, event) =
            unsafe { handset((board, board_len), (parts, part_count), event) }?;
        let earlier = earlier
            .into_iter()
            .map(|bytes| PairingRecord::decode(bytes).map_err(Failure::from))
            .collect::<Result<Vec<_>, _>>()?;
        let record = authority.pair_after(
            &trust.store,
            &earlier,
            &board,
            &parts,
            sequence,
            event,
            issued_at,
        )?;
        Ok(record.as_bytes().to_vec())
    })
}

/// Signs a revocation list (roots only; 303 otherwise) of the keys this
/// root certified that it now revokes: `count` keys, key `i` given by the
/// 32 bytes at `key_ids + 32 * i` and revoked from `since[i]` (0: from the
/// beginning); both NULL when `count` is 0. A part certified before
/// `since` still verifies when a pairing record places it before that time
/// (see `partcert_verdict_issuer_revoked`). A key listed twice is 111. The
/// root's certificate must be valid at `issued_at` (301/300 otherwise).
/// Writes the encoded list to a new `partcert_bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_revoke(
    authority: *const partcert_authority, sequence: u64, issued_at: u64, key_ids: *const u8,
    since: *const u64, count: usize, list_out: *mut *mut partcert_bytes,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    signing(authority, (list_out, "list_out"), error_out, |authority| {
        let key_len = count
            .checked_mul(PARTCERT_DIGEST_LEN)
            .ok_or_else(|| Failure::argument(format!("`count` ({count}) is out of range")))?;
        let key_ids = arg!(ptr::bytes_in: key_ids, key_len);
        let since = arg!(ptr::array_in: since, count);
        let revoked: Vec<RevokedKey> = key_ids
            .chunks_exact(PARTCERT_DIGEST_LEN)
            .zip(since)
            .map(|(key, since)| RevokedKey {
                key: KeyId(key.try_into().unwrap_or([0; PARTCERT_DIGEST_LEN])),
                since: *since,
            })
            .collect();
        let list = authority.revoke(sequence, issued_at, &revoked)?;
        Ok(list.as_bytes().to_vec())
    })
}
