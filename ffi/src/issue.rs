//! Issuing: what a factory tool, a pairing service or a registry written in
//! C calls to sign certificates, pairing records, blocklists and
//! revocation lists, and what a keyed part computes when challenged.

use std::ffi::c_char;

use partcert::issue::{Authority, PartSpec};
use partcert::{
    BlocklistEntry, BlocklistSnapshot, Certificate, Challenge, ChallengeResponse, Imei, KeyId,
    ListVersion, PairingRecord, PartId, PartKind, PublicKey, RevokedKey, SecretKey, Validity,
};
use rand_core::{OsRng, RngCore};

use crate::panic::{boundary, boundary_void};
use crate::ptr::{self, Opaque, Out, OutFixed};
use crate::result::{Failure, partcert_result};
use crate::types::{
    PARTCERT_DIGEST_LEN, PARTCERT_NONCE_LEN, PARTCERT_PUBLIC_KEY_LEN, PARTCERT_SEED_LEN,
    listing_status_in, pairing_event_in, partcert_role, reason_in,
};

/// An owned byte buffer the library made (an encoded certificate, record,
/// list or response). Read it with `partcert_bytes_data`; free it with
/// `partcert_bytes_free`. Immutable and safe to share between threads.
pub struct partcert_bytes {
    _private: [u8; 0],
}

impl Opaque for partcert_bytes {
    type Inner = Vec<u8>;
}

/// A borrowed byte buffer: `len` bytes at `data` (`data` may be NULL only
/// when `len` is 0). Used to pass lists of encoded objects.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_slice {
    /// The first byte.
    pub data: *const u8,
    /// How many bytes.
    pub len: usize,
}

/// A borrowed UTF-8 string: `len` bytes at `data` (no NUL needed; `data`
/// may be NULL only when `len` is 0). Used to pass lists of names.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_str {
    /// The first byte.
    pub data: *const c_char,
    /// How many bytes.
    pub len: usize,
}

/// Borrows `count` strings at `list` (NULL only when `count` is 0).
///
/// # Safety
/// `list` is NULL or points to `count` `partcert_str`, each following the
/// byte-buffer rules.
unsafe fn strs_in<'a>(list: *const partcert_str, count: usize) -> Result<Vec<&'a str>, Failure> {
    // SAFETY: forwarded contract.
    let list = unsafe { ptr::array_in(list, count) }?;
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        // SAFETY: each string follows the byte-buffer rules.
        out.push(unsafe { ptr::str_in(item.data, item.len) }?);
    }
    Ok(out)
}

/// One key a root revokes, and since when.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_revoked_key {
    /// The 32-byte key id revoked (see `partcert_public_key_id`).
    pub key_id: [u8; PARTCERT_DIGEST_LEN],
    /// Revoked from this time on (seconds since the Unix epoch); 0 revokes
    /// it from the beginning.
    pub since: u64,
}

/// What a part issuer writes into a part certificate. Every string is
/// UTF-8 given as pointer and length (no NUL needed).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct partcert_part_spec {
    /// The part's kind code (see `partcert_part_kind`).
    pub kind: u16,
    /// Who made it: one of the names the issuer's certificate permits.
    pub manufacturer: *const c_char,
    /// Length of `manufacturer` in bytes.
    pub manufacturer_len: usize,
    /// Its model.
    pub model: *const c_char,
    /// Length of `model` in bytes.
    pub model_len: usize,
    /// Its serial.
    pub serial: *const c_char,
    /// Length of `serial` in bytes.
    pub serial_len: usize,
    /// For boards: the IMEIs it carries, at least one (NULL when
    /// `imei_count` is 0).
    pub imeis: *const u64,
    /// How many IMEIs.
    pub imei_count: usize,
    /// For parts with a secure element: the `PARTCERT_PUBLIC_KEY_LEN`-byte
    /// public key the part holds; NULL for a part without one.
    pub public_key: *const u8,
}

/// An authority able to sign: its secret key and its certificate (a
/// manufacturer or blocklist root, a part issuer, a pairing service, a
/// blocklist authority). The secret key is zeroized when freed.
///
/// Immutable: signing functions may run concurrently from any thread.
/// Free with `partcert_authority_free`.
pub struct partcert_authority {
    _private: [u8; 0],
}

impl Opaque for partcert_authority {
    type Inner = Authority;
}

/// A list of blocklist entries being assembled for a snapshot. Adding
/// needs exclusive access. Free with `partcert_blocklist_entries_free`.
pub struct partcert_blocklist_entries {
    _private: [u8; 0],
}

impl Opaque for partcert_blocklist_entries {
    type Inner = Vec<BlocklistEntry>;
}

fn bytes_result(out: Out<*mut partcert_bytes>, bytes: &[u8]) -> Result<(), Failure> {
    out.write(ptr::into_raw(bytes.to_vec()))
}

fn validity(not_before: u64, not_after: u64) -> Validity {
    Validity {
        not_before,
        not_after,
    }
}

/// Borrows the bytes of a `partcert_bytes`: `*data_out` points into it and
/// stays valid until it is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_bytes_data(
    bytes: *const partcert_bytes,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live buffer and two writable out-parameters.
        let (bytes, data, len) =
            unsafe { (ptr::borrow(bytes)?, Out::new(data_out)?, Out::new(len_out)?) };
        data.write(bytes.as_ptr())?;
        len.write(bytes.len())
    })
}

/// Frees a byte buffer. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_bytes_free(bytes: *mut partcert_bytes) {
    // SAFETY: NULL or a buffer from this library, freed once.
    boundary_void(|| unsafe { ptr::free(bytes) })
}

/// Fills `seed_out` with `PARTCERT_SEED_LEN` bytes from the operating
/// system's cryptographic random source: a new secret key. Keep it secret.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_secret_key_generate(seed_out: *mut u8) -> partcert_result {
    boundary(|| {
        // SAFETY: 32 writable bytes.
        let out = unsafe { OutFixed::<PARTCERT_SEED_LEN>::new(seed_out) }?;
        let seed = zeroize::Zeroizing::new(SecretKey::generate(&mut OsRng).to_seed());
        out.write(&seed)
    })
}

/// Writes the `PARTCERT_PUBLIC_KEY_LEN`-byte public key of the secret key
/// with this seed (what a part's certificate or an authority certificate
/// names).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_public_key_from_seed(
    seed: *const u8,
    public_key_out: *mut u8,
) -> partcert_result {
    boundary(|| {
        // SAFETY: 32 readable and 32 writable bytes.
        let (seed, out) = unsafe {
            (
                ptr::secret_in(seed)?,
                OutFixed::<PARTCERT_PUBLIC_KEY_LEN>::new(public_key_out)?,
            )
        };
        out.write(SecretKey::from_seed(&seed).public_key().as_bytes())
    })
}

/// Writes the 32-byte key id (SHA-256) of a public key: how certificates,
/// blocklists and verdicts name keys. 109 if the bytes are not a valid
/// Ed25519 public key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_public_key_id(
    public_key: *const u8,
    key_id_out: *mut u8,
) -> partcert_result {
    boundary(|| {
        // SAFETY: 32 readable and 32 writable bytes.
        let (key, out) = unsafe {
            (
                ptr::fixed_in::<PARTCERT_PUBLIC_KEY_LEN>(public_key)?,
                OutFixed::<PARTCERT_DIGEST_LEN>::new(key_id_out)?,
            )
        };
        let key = PublicKey::from_bytes(&key)?;
        out.write(key.key_id().as_bytes())
    })
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
    seed: *const u8,
    name: *const c_char,
    name_len: usize,
    manufacturers: *const partcert_str,
    manufacturer_count: usize,
    not_before: u64,
    not_after: u64,
    authority_out: *mut *mut partcert_authority,
) -> partcert_result {
    boundary(|| {
        // SAFETY: 32 seed bytes, `name_len` name bytes, `manufacturer_count`
        // readable strings, a writable slot.
        let (seed, name, makers, out) = unsafe {
            (
                ptr::secret_in(seed)?,
                ptr::str_in(name, name_len)?,
                strs_in(manufacturers, manufacturer_count)?,
                Out::new(authority_out)?,
            )
        };
        let key = SecretKey::from_seed(&seed);
        let authority =
            Authority::new_manufacturer_root(key, name, &makers, validity(not_before, not_after))?;
        out.write(ptr::into_raw(authority))
    })
}

/// Creates a blocklist root (a national registry, an operator) from a
/// `PARTCERT_SEED_LEN`-byte secret seed, with a self-signed certificate
/// valid from `not_before` to `not_after` inclusive. Its certificate's
/// serial number is 1.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_new_blocklist_root(
    seed: *const u8,
    name: *const c_char,
    name_len: usize,
    not_before: u64,
    not_after: u64,
    authority_out: *mut *mut partcert_authority,
) -> partcert_result {
    boundary(|| {
        // SAFETY: 32 seed bytes, `name_len` name bytes, a writable slot.
        let (seed, name, out) = unsafe {
            (
                ptr::secret_in(seed)?,
                ptr::str_in(name, name_len)?,
                Out::new(authority_out)?,
            )
        };
        let key = SecretKey::from_seed(&seed);
        let authority = Authority::new_blocklist_root(key, name, validity(not_before, not_after))?;
        out.write(ptr::into_raw(authority))
    })
}

/// Loads an authority from its secret seed and its encoded certificate
/// (e.g. a factory line's, issued earlier by its root). 205 if the key
/// does not match the certificate; 303 if it is a part's certificate.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_new(
    seed: *const u8,
    certificate: *const u8,
    certificate_len: usize,
    authority_out: *mut *mut partcert_authority,
) -> partcert_result {
    boundary(|| {
        // SAFETY: 32 seed bytes, readable certificate bytes, a writable slot.
        let (seed, bytes, out) = unsafe {
            (
                ptr::secret_in(seed)?,
                ptr::bytes_in(certificate, certificate_len)?,
                Out::new(authority_out)?,
            )
        };
        let certificate = Certificate::decode(bytes)?;
        let authority = Authority::new(SecretKey::from_seed(&seed), certificate)?;
        out.write(ptr::into_raw(authority))
    })
}

/// Frees an authority, zeroizing its secret key. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_free(authority: *mut partcert_authority) {
    // SAFETY: NULL or an authority from this library, freed once.
    boundary_void(|| unsafe { ptr::free(authority) })
}

/// Writes the authority's encoded certificate to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certificate(
    authority: *const partcert_authority,
    certificate_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority and a writable slot.
        let (authority, out) = unsafe { (ptr::borrow(authority)?, Out::new(certificate_out)?) };
        bytes_result(out, authority.certificate().as_bytes())
    })
}

/// Writes the authority's role.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_role(
    authority: *const partcert_authority,
    role_out: *mut partcert_role,
) -> partcert_result {
    ptr::read_field(authority, role_out, |a| Ok(a.role().into()))
}

/// Writes the authority's 32-byte key id.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_key_id(
    authority: *const partcert_authority,
    key_id_out: *mut u8,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority and 32 writable bytes.
        let (authority, out) = unsafe {
            (
                ptr::borrow(authority)?,
                OutFixed::<PARTCERT_DIGEST_LEN>::new(key_id_out)?,
            )
        };
        out.write(authority.key().key_id().as_bytes())
    })
}

/// Certifies a factory line (manufacturer roots only; 303 otherwise):
/// `subject_key` is the `PARTCERT_PUBLIC_KEY_LEN`-byte public key
/// certified, `permitted_kinds` (part kind codes, NULL when
/// `permitted_kind_count` is 0) the kinds it may certify, and
/// `manufacturers` (`manufacturer_count` names, NULL when 0) the makers
/// whose parts it may certify, each one the root names (308 otherwise).
/// Writes the encoded certificate to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_part_issuer(
    authority: *const partcert_authority,
    name: *const c_char,
    name_len: usize,
    subject_key: *const u8,
    permitted_kinds: *const u16,
    permitted_kind_count: usize,
    manufacturers: *const partcert_str,
    manufacturer_count: usize,
    serial_number: u64,
    not_before: u64,
    not_after: u64,
    certificate_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority, readable name, key, kinds and names, and
        // a writable slot.
        let (authority, name, key, kinds, makers, out) = unsafe {
            (
                ptr::borrow(authority)?,
                ptr::str_in(name, name_len)?,
                ptr::fixed_in::<PARTCERT_PUBLIC_KEY_LEN>(subject_key)?,
                ptr::array_in(permitted_kinds, permitted_kind_count)?,
                strs_in(manufacturers, manufacturer_count)?,
                Out::new(certificate_out)?,
            )
        };
        let key = PublicKey::from_bytes(&key)?;
        let kinds: Vec<PartKind> = kinds
            .iter()
            .map(|code| PartKind::from_code(*code))
            .collect();
        let certificate = authority.certify_part_issuer(
            name,
            key,
            &kinds,
            &makers,
            serial_number,
            validity(not_before, not_after),
        )?;
        bytes_result(out, certificate.as_bytes())
    })
}

/// Certifies a pairing service (manufacturer roots only; 303 otherwise):
/// it may sign pairing records for handsets whose board this root
/// certified. Writes the encoded certificate to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_pairing_service(
    authority: *const partcert_authority,
    name: *const c_char,
    name_len: usize,
    subject_key: *const u8,
    serial_number: u64,
    not_before: u64,
    not_after: u64,
    certificate_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority, readable name and key, a writable slot.
        let (authority, name, key, out) = unsafe {
            (
                ptr::borrow(authority)?,
                ptr::str_in(name, name_len)?,
                ptr::fixed_in::<PARTCERT_PUBLIC_KEY_LEN>(subject_key)?,
                Out::new(certificate_out)?,
            )
        };
        let key = PublicKey::from_bytes(&key)?;
        let certificate = authority.certify_pairing_service(
            name,
            key,
            serial_number,
            validity(not_before, not_after),
        )?;
        bytes_result(out, certificate.as_bytes())
    })
}

/// Certifies a delegated blocklist signing key (blocklist roots only; 303
/// otherwise) for exactly one `epoch`: it may sign snapshots and deltas of
/// that epoch only (406 otherwise). To supersede a stolen delegated key,
/// the root publishes in a later epoch, itself or through a key certified
/// for it. Writes the encoded certificate to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_blocklist_authority(
    authority: *const partcert_authority,
    name: *const c_char,
    name_len: usize,
    subject_key: *const u8,
    epoch: u64,
    serial_number: u64,
    not_before: u64,
    not_after: u64,
    certificate_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority, readable name and key, a writable slot.
        let (authority, name, key, out) = unsafe {
            (
                ptr::borrow(authority)?,
                ptr::str_in(name, name_len)?,
                ptr::fixed_in::<PARTCERT_PUBLIC_KEY_LEN>(subject_key)?,
                Out::new(certificate_out)?,
            )
        };
        let key = PublicKey::from_bytes(&key)?;
        let certificate = authority.certify_blocklist_authority(
            name,
            key,
            epoch,
            serial_number,
            validity(not_before, not_after),
        )?;
        bytes_result(out, certificate.as_bytes())
    })
}

/// Certifies a part (part issuers only, for the kinds their certificate
/// permits: 302 otherwise; for a `spec.manufacturer` it names: 308
/// otherwise). A board must carry at least one IMEI. Serials are 1 to 64
/// characters of `A-Z 0-9 - . _ / : # +`; manufacturer names and models
/// follow the text rules (111 otherwise). Writes the encoded certificate to
/// a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_certify_part(
    authority: *const partcert_authority,
    spec: *const partcert_part_spec,
    serial_number: u64,
    not_before: u64,
    not_after: u64,
    certificate_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority, a readable spec, and a writable slot.
        let (authority, spec, out) = unsafe {
            (
                ptr::borrow(authority)?,
                spec.as_ref().ok_or(Failure::NULL)?,
                Out::new(certificate_out)?,
            )
        };
        // SAFETY: the spec's pointers follow the same rules as arguments.
        let (manufacturer, model, serial, imeis) = unsafe {
            (
                ptr::str_in(spec.manufacturer, spec.manufacturer_len)?,
                ptr::str_in(spec.model, spec.model_len)?,
                ptr::str_in(spec.serial, spec.serial_len)?,
                ptr::array_in(spec.imeis, spec.imei_count)?,
            )
        };
        let key = if spec.public_key.is_null() {
            None
        } else {
            // SAFETY: a non-NULL key points to 32 readable bytes.
            let bytes = unsafe { ptr::fixed_in::<PARTCERT_PUBLIC_KEY_LEN>(spec.public_key) }?;
            Some(PublicKey::from_bytes(&bytes)?)
        };
        let imeis = imeis
            .iter()
            .map(|imei| Imei::from_u64(*imei))
            .collect::<Result<Vec<_>, _>>()?;
        let spec = PartSpec {
            kind: PartKind::from_code(spec.kind),
            manufacturer: manufacturer.to_owned(),
            model: model.to_owned(),
            serial: serial.to_owned(),
            imeis,
            key,
        };
        let certificate =
            authority.certify_part(&spec, serial_number, validity(not_before, not_after))?;
        bytes_result(out, certificate.as_bytes())
    })
}

/// Signs a pairing record (pairing services only, for a board certified
/// under the service's own root: 307 otherwise): the handset's board
/// certificate and the other parts fitted (`parts`: `part_count` encoded
/// part certificates; NULL when 0), the per-handset `sequence`, the
/// `event` (a `partcert_pairing_event`) and the signing time. The
/// handset's IMEIs come from the board's certificate. Writes the encoded
/// record to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_pair(
    authority: *const partcert_authority,
    board: *const u8,
    board_len: usize,
    parts: *const partcert_slice,
    part_count: usize,
    sequence: u64,
    event: u32,
    issued_at: u64,
    record_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority, readable board bytes and slices, and a
        // writable slot.
        let (authority, board, parts, out) = unsafe {
            (
                ptr::borrow(authority)?,
                ptr::bytes_in(board, board_len)?,
                ptr::array_in(parts, part_count)?,
                Out::new(record_out)?,
            )
        };
        let event = pairing_event_in(event)?;
        let board = Certificate::decode(board)?;
        let parts = parts
            .iter()
            .map(|slice| {
                // SAFETY: each slice follows the byte-buffer rules.
                let bytes = unsafe { ptr::bytes_in(slice.data, slice.len) }?;
                Certificate::decode(bytes).map_err(Failure::from)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let record = authority.pair(&board, &parts, sequence, event, issued_at)?;
        bytes_result(out, record.as_bytes())
    })
}

/// Creates an empty list of blocklist entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_new(
    entries_out: *mut *mut partcert_blocklist_entries,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a writable slot.
        let out = unsafe { Out::new(entries_out) }?;
        out.write(ptr::into_raw(Vec::new()))
    })
}

/// Frees a list of blocklist entries. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_free(entries: *mut partcert_blocklist_entries) {
    // SAFETY: NULL or a list from this library, freed once.
    boundary_void(|| unsafe { ptr::free(entries) })
}

/// Adds an entry listing a handset by IMEI. `reason` is a
/// `partcert_reason`, `status` a `partcert_listing_status`, `listed_at` in
/// seconds since the Unix epoch.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_handset(
    entries: *mut partcert_blocklist_entries,
    imei: u64,
    reason: u32,
    listed_at: u64,
    status: u32,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live list, exclusive.
        let entries = unsafe { ptr::borrow_mut(entries) }?;
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        entries.push(BlocklistEntry::handset(
            Imei::from_u64(imei)?,
            reason,
            listed_at,
            status,
        ));
        Ok(())
    })
}

/// Adds every entry for a reported handset, from its latest pairing record:
/// its IMEIs *and* the identities of the parts paired to it, so its parts
/// stay blocked when harvested.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_reported_handset(
    entries: *mut partcert_blocklist_entries,
    record: *const u8,
    record_len: usize,
    reason: u32,
    listed_at: u64,
    status: u32,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live list (exclusive) and readable record bytes.
        let (entries, bytes) = unsafe {
            (
                ptr::borrow_mut(entries)?,
                ptr::bytes_in(record, record_len)?,
            )
        };
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        let record = PairingRecord::decode(bytes)?;
        entries.extend(BlocklistEntry::for_reported_handset(
            &record, reason, listed_at, status,
        ));
        Ok(())
    })
}

/// Adds an entry listing one part by its 32-byte identity digest (see
/// `partcert_verdict_part_id`). `handset_imei` points to the IMEI of the
/// handset the part was paired to, or is NULL if unknown.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_add_part(
    entries: *mut partcert_blocklist_entries,
    part_id: *const u8,
    reason: u32,
    listed_at: u64,
    status: u32,
    handset_imei: *const u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live list (exclusive), 32 readable bytes, and a NULL or
        // readable IMEI.
        let (entries, part_id, handset) = unsafe {
            (
                ptr::borrow_mut(entries)?,
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(part_id)?,
                handset_imei.as_ref().copied(),
            )
        };
        let (reason, status) = (reason_in(reason)?, listing_status_in(status)?);
        let handset = handset.map(Imei::from_u64).transpose()?;
        entries.push(BlocklistEntry::part(
            PartId(part_id),
            reason,
            listed_at,
            status,
            handset,
        ));
        Ok(())
    })
}

/// Writes how many entries the list holds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_blocklist_entries_count(
    entries: *const partcert_blocklist_entries,
    count_out: *mut usize,
) -> partcert_result {
    ptr::read_field(entries, count_out, |e| Ok(e.len()))
}

/// Publishes a full blocklist snapshot (blocklist roots in any epoch;
/// delegated blocklist authorities only in the epoch their certificate
/// names: 406 otherwise) holding `entries` (not consumed: free it
/// yourself), with its version (`epoch`, then `sequence`, increasing with
/// every publication; each at most `PARTCERT_MAX_SEQUENCE`, 405 otherwise),
/// issue and expiry times. The signer must be valid at `issued_at`. Two
/// entries for the same key are refused (110). Writes the encoded snapshot
/// to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_publish_snapshot(
    authority: *const partcert_authority,
    epoch: u64,
    sequence: u64,
    issued_at: u64,
    expires_at: u64,
    entries: *const partcert_blocklist_entries,
    snapshot_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: live objects and a writable slot.
        let (authority, entries, out) = unsafe {
            (
                ptr::borrow(authority)?,
                ptr::borrow(entries)?,
                Out::new(snapshot_out)?,
            )
        };
        let snapshot = authority.publish_snapshot(
            ListVersion::new(epoch, sequence),
            issued_at,
            expires_at,
            entries.clone(),
        )?;
        bytes_result(out, snapshot.as_bytes())
    })
}

/// Publishes the delta that turns snapshot `from` into the later snapshot
/// `to` (both this authority's, encoded, in the same epoch: a new epoch
/// starts with a snapshot, 111 otherwise). Writes the encoded delta to a
/// new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_publish_delta(
    authority: *const partcert_authority,
    from: *const u8,
    from_len: usize,
    to: *const u8,
    to_len: usize,
    delta_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority, readable bytes, a writable slot.
        let (authority, from, to, out) = unsafe {
            (
                ptr::borrow(authority)?,
                ptr::bytes_in(from, from_len)?,
                ptr::bytes_in(to, to_len)?,
                Out::new(delta_out)?,
            )
        };
        let from = BlocklistSnapshot::decode(from)?;
        let to = BlocklistSnapshot::decode(to)?;
        let delta = authority.publish_delta(&from, &to)?;
        bytes_result(out, delta.as_bytes())
    })
}

/// Signs a revocation list (roots only; 303 otherwise) of the keys this
/// root certified that it now revokes: `revoked` holds `revoked_count`
/// (key id, since) pairs (NULL when 0), each key revoked from its `since`
/// time (0: from the beginning). A part certified before `since` still
/// verifies when a pairing record places it before that time (see
/// `partcert_verdict_issuer_revoked_since`). A key listed twice gives 111.
/// Writes the encoded list to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_authority_revoke(
    authority: *const partcert_authority,
    sequence: u64,
    issued_at: u64,
    revoked: *const partcert_revoked_key,
    revoked_count: usize,
    list_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live authority, `revoked_count` readable pairs, and a
        // writable slot.
        let (authority, revoked, out) = unsafe {
            (
                ptr::borrow(authority)?,
                ptr::array_in(revoked, revoked_count)?,
                Out::new(list_out)?,
            )
        };
        let revoked: Vec<RevokedKey> = revoked
            .iter()
            .map(|pair| RevokedKey {
                key: KeyId(pair.key_id),
                since: pair.since,
            })
            .collect();
        let list = authority.revoke(sequence, issued_at, &revoked)?;
        bytes_result(out, list.as_bytes())
    })
}

/// Fills `nonce_out` with a fresh `PARTCERT_NONCE_LEN`-byte challenge from
/// the operating system's cryptographic random source. Use a new one for
/// every check, so a recorded answer cannot be replayed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_challenge_generate(nonce_out: *mut u8) -> partcert_result {
    boundary(|| {
        // SAFETY: 32 writable bytes.
        let out = unsafe { OutFixed::<PARTCERT_NONCE_LEN>::new(nonce_out) }?;
        let mut nonce = [0u8; PARTCERT_NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        out.write(Challenge::new(nonce).nonce())
    })
}

/// What a keyed part computes when challenged: signs the `nonce` and its
/// own certificate's fingerprint with its secret key (`part_seed`, the
/// part's `PARTCERT_SEED_LEN`-byte seed). For part firmware, simulators and
/// tests. 204 if the certificate names no part key, 205 if the seed is not
/// that key's. Writes the encoded response to a new buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_challenge_respond(
    part_seed: *const u8,
    nonce: *const u8,
    certificate: *const u8,
    certificate_len: usize,
    response_out: *mut *mut partcert_bytes,
) -> partcert_result {
    boundary(|| {
        // SAFETY: 32-byte seed and nonce, readable certificate bytes, a
        // writable slot.
        let (seed, nonce, bytes, out) = unsafe {
            (
                ptr::secret_in(part_seed)?,
                ptr::fixed_in::<PARTCERT_NONCE_LEN>(nonce)?,
                ptr::bytes_in(certificate, certificate_len)?,
                Out::new(response_out)?,
            )
        };
        let certificate = Certificate::decode(bytes)?;
        let response = ChallengeResponse::respond(
            &SecretKey::from_seed(&seed),
            &Challenge::new(nonce),
            &certificate,
        )?;
        bytes_result(out, response.as_bytes())
    })
}
