//! `partcert_trust_store`: pinned roots and revocation lists.

use partcert::{Certificate, KeyId, RevocationList, TrustStore};

use crate::panic::{boundary, boundary_void};
use crate::ptr::{self, Opaque, Out, OutFixed};
use crate::result::partcert_result;
use crate::types::PARTCERT_DIGEST_LEN;

/// The roots a verifier pins: manufacturer roots (for parts and pairing
/// records) and blocklist roots (for blocklists), pinned separately, plus
/// the revocation lists those roots have signed.
///
/// Thread safety: the functions taking a `const partcert_trust_store *`
/// never modify it and may run concurrently from any number of threads;
/// the functions taking a non-const pointer (adding a root, applying a
/// revocation list) need exclusive access. Free with
/// `partcert_trust_store_free`.
pub struct partcert_trust_store {
    _private: [u8; 0],
}

impl Opaque for partcert_trust_store {
    type Inner = TrustStore;
}

/// Creates an empty trust store, which trusts nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_new(
    trust_out: *mut *mut partcert_trust_store,
) -> partcert_result {
    boundary(|| {
        // SAFETY: `trust_out` is NULL or a valid pointer to write to.
        let out = unsafe { Out::new(trust_out) }?;
        out.write(ptr::into_raw(TrustStore::new()))
    })
}

/// Writes a new, independent copy of a trust store to `copy_out` (to
/// update a copy while other threads keep reading the original).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_clone(
    trust: *const partcert_trust_store,
    copy_out: *mut *mut partcert_trust_store,
) -> partcert_result {
    ptr::read_field(trust, copy_out, |t| Ok(ptr::into_raw(t.clone())))
}

/// Frees a trust store. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_free(trust: *mut partcert_trust_store) {
    // SAFETY: `trust` is NULL or came from `partcert_trust_store_new` and is
    // freed once.
    boundary_void(|| unsafe { ptr::free(trust) })
}

fn add_root(
    trust: *mut partcert_trust_store,
    data: *const u8,
    len: usize,
    key_id_out: *mut u8,
    pin: fn(&mut TrustStore, Certificate) -> Result<partcert::KeyId, partcert::Error>,
) -> partcert_result {
    boundary(|| {
        // SAFETY: the header's contract: a live trust store, `len` readable
        // bytes at `data`, and 32 writable bytes at `key_id_out`.
        let (trust, bytes, out) = unsafe {
            (
                ptr::borrow_mut(trust)?,
                ptr::bytes_in(data, len)?,
                OutFixed::<PARTCERT_DIGEST_LEN>::new(key_id_out)?,
            )
        };
        let certificate = Certificate::decode(bytes)?;
        let key_id = pin(trust, certificate)?;
        out.write(key_id.as_bytes())
    })
}

/// Pins a manufacturer root: `data` holds its encoded self-signed
/// certificate. Writes the root's 32-byte key id to `key_id_out`.
///
/// Fails with a 1xx code if the bytes are malformed, 202 if the certificate
/// is not validly self-signed, 303 if it is not a manufacturer root.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_add_manufacturer_root(
    trust: *mut partcert_trust_store,
    data: *const u8,
    len: usize,
    key_id_out: *mut u8,
) -> partcert_result {
    add_root(
        trust,
        data,
        len,
        key_id_out,
        TrustStore::add_manufacturer_root,
    )
}

/// Pins a blocklist root (a national registry, an operator, a
/// manufacturer's blocklist service): `data` holds its encoded self-signed
/// certificate. Writes the root's 32-byte key id to `key_id_out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_add_blocklist_root(
    trust: *mut partcert_trust_store,
    data: *const u8,
    len: usize,
    key_id_out: *mut u8,
) -> partcert_result {
    add_root(trust, data, len, key_id_out, TrustStore::add_blocklist_root)
}

/// Accepts a revocation list signed by a pinned root and writes the
/// sequence now held for that root to `sequence_out`.
///
/// A list older than the one held is refused with 400 (rollback). Its issue
/// time becomes a floor for that root's clock (see
/// `partcert_trust_store_clock_for_root`); other roots' clocks are not
/// moved.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_apply_revocation_list(
    trust: *mut partcert_trust_store,
    data: *const u8,
    len: usize,
    sequence_out: *mut u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: the header's contract, as for adding a root.
        let (trust, bytes, out) = unsafe {
            (
                ptr::borrow_mut(trust)?,
                ptr::bytes_in(data, len)?,
                Out::new(sequence_out)?,
            )
        };
        let list = RevocationList::decode(bytes)?;
        out.write(trust.apply_revocation_list(&list)?)
    })
}

/// Writes the number of pinned manufacturer roots and blocklist roots.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_root_counts(
    trust: *const partcert_trust_store,
    manufacturer_roots_out: *mut usize,
    blocklist_roots_out: *mut usize,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live trust store and two writable counts.
        let (trust, manufacturers, blocklists) = unsafe {
            (
                ptr::borrow(trust)?,
                Out::new(manufacturer_roots_out)?,
                Out::new(blocklist_roots_out)?,
            )
        };
        manufacturers.write(trust.manufacturer_roots().count())?;
        blocklists.write(trust.blocklist_roots().count())
    })
}

/// Writes the clock at which the certificates of one manufacturer root
/// (given by its 32-byte key id) are checked for the caller's `now`: never
/// earlier than the issue time of that root's own newest revocation list,
/// so a clock set back cannot revive a certificate the root has moved
/// past. Another root's lists never move it. A verdict's `checked_at` is
/// this clock for the part's root.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_clock_for_root(
    trust: *const partcert_trust_store,
    root_key_id: *const u8,
    now: u64,
    clock_out: *mut u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live trust store, 32 readable bytes and a writable u64.
        let (trust, root, out) = unsafe {
            (
                ptr::borrow(trust)?,
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(root_key_id)?,
                Out::new(clock_out)?,
            )
        };
        out.write(trust.clock_for_root(&KeyId(root), now))
    })
}

/// Writes whether the root with key id `root_key_id` has revoked the key
/// with key id `key_id` (both 32 bytes) to `revoked_out`, and since when
/// to `since_out`: 0 when revoked from the beginning, and 0 when not
/// revoked at all (tell the two apart by `*revoked_out`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_revoked_since(
    trust: *const partcert_trust_store,
    root_key_id: *const u8,
    key_id: *const u8,
    revoked_out: *mut bool,
    since_out: *mut u64,
) -> partcert_result {
    boundary(|| {
        // SAFETY: a live trust store, two 32-byte ids, two writable values.
        let (trust, root, key, revoked, since) = unsafe {
            (
                ptr::borrow(trust)?,
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(root_key_id)?,
                ptr::fixed_in::<PARTCERT_DIGEST_LEN>(key_id)?,
                Out::new(revoked_out)?,
                Out::new(since_out)?,
            )
        };
        let found = trust.revoked_since(&KeyId(root), &KeyId(key));
        since.write(found.unwrap_or(0))?;
        revoked.write(found.is_some())
    })
}
