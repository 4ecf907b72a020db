//! `partcert_trust_store`: pinned roots, revocation lists and the chain
//! pool — reference-counted, immutable once shared.

use partcert::certificate::AuthorityRole;
use partcert::ids::KeyId;
use partcert::revocation::RevocationList;
use partcert::{Certificate, TrustStore, limits};

use crate::castable;
use crate::enums::PARTCERT_DIGEST_LEN;
use crate::enums::partcert_result;
use crate::error::partcert_error;
use crate::panic::boundary;
use crate::ptr::{self, Out, OutFixed};

/// The roots a verifier pins — manufacturer roots (for parts and pairing
/// records) and blocklist roots (for blocklists), pinned separately — the
/// revocation lists those roots have signed, and a pool of factory-line
/// certificates that complete part chains.
///
/// Reference-counted and immutable once shared. `partcert_trust_store_new`
/// makes one with a single reference, which the `_add_` and `_apply_`
/// functions change in place; `partcert_trust_store_share` hands out
/// another reference (a reader's snapshot), after which it can no longer
/// change (503): update a copy from `partcert_trust_store_clone` and
/// publish it (see `partcert_trust_store_holder`). `partcert_trust_store_free`
/// releases one reference; the store is freed with the last.
///
/// Thread safety: the functions taking a `const partcert_trust_store *`
/// only read it and may run concurrently from any number of threads.
pub struct partcert_trust_store {
    _private: [u8; 0],
}

reader!(read: partcert_trust_store);

/// The contents of a `partcert_trust_store`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustData {
    pub(crate) store: TrustStore,
    /// Factory-line certificates, found by the key id of the key they
    /// certify (the issuer key id a part certificate names).
    pool: Vec<(KeyId, Certificate)>,
}

impl TrustData {
    /// The chain to verify `certificate` with: the evidence's own chain,
    /// then the pool's certificates for the key that issued it (those the
    /// evidence does not already carry), up to `PARTCERT_MAX_CHAIN_LEN`.
    pub(crate) fn chain_for<'a>(
        &'a self, certificate: &Certificate, own: &'a [Certificate],
    ) -> std::borrow::Cow<'a, [Certificate]> {
        let issuer = certificate.issuer();
        let mut extra = self
            .pool
            .iter()
            .filter(|(key_id, _)| *key_id == issuer)
            .map(|(_, pooled)| pooled)
            .filter(|pooled| !own.iter().any(|c| c.as_bytes() == pooled.as_bytes()))
            .peekable();
        if extra.peek().is_none() {
            return std::borrow::Cow::Borrowed(own);
        }
        let room = limits::MAX_CHAIN_LEN.saturating_sub(own.len());
        let mut chain = own.to_vec();
        chain.extend(extra.take(room).cloned());
        std::borrow::Cow::Owned(chain)
    }
}

/// Creates an empty trust store, which trusts nothing, with one reference
/// (the caller's). Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn partcert_trust_store_new() -> *mut partcert_trust_store {
    castable::to_arc(TrustData::default())
}

/// Hands out another reference to `trust` (NULL gives NULL): a snapshot a
/// reader may keep as long as it needs, released with
/// `partcert_trust_store_free`. Once shared, the store no longer changes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_share(
    trust: *const partcert_trust_store,
) -> *mut partcert_trust_store {
    // SAFETY: NULL or a live reference.
    unsafe { castable::share(trust) }
}

/// A new, unshared copy of `trust` (NULL gives NULL), to change and then
/// publish while readers keep the original.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_clone(
    trust: *const partcert_trust_store,
) -> *mut partcert_trust_store {
    // SAFETY: NULL or a live reference.
    unsafe { castable::clone_unshared(trust) }
}

/// Releases one reference to a trust store; the store is freed with the
/// last. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_free(trust: *mut partcert_trust_store) {
    // SAFETY: NULL or a reference from this library, released once.
    unsafe { castable::free_arc(trust) }
}

/// The body of the two calls that pin a root: the certificate at `data`,
/// pinned by `pin`, and its key id written to `key_id_out` (if wanted).
fn add_root(
    trust: *mut partcert_trust_store, data: *const u8, len: usize, key_id_out: *mut u8,
    error_out: *mut *mut partcert_error,
    pin: fn(&mut TrustStore, Certificate) -> Result<KeyId, partcert::Error>,
) -> partcert_result {
    boundary(error_out, || {
        let trust = arg!(castable::arc_get_mut: trust);
        let bytes = arg!(ptr::bytes_in: data, len);
        // SAFETY: NULL or 32 writable bytes (the header's contract).
        let out = unsafe { OutFixed::<PARTCERT_DIGEST_LEN>::optional(key_id_out) };
        let key_id = pin(&mut trust.store, Certificate::decode(bytes)?)?;
        out.map_or(Ok(()), |out| out.write(key_id.as_bytes()))
    })
}

/// Pins a manufacturer root: `data` holds its encoded self-signed
/// certificate. Writes the root's 32-byte key id to `key_id_out` (NULL if
/// not wanted).
///
/// Errors: 1xx if the bytes are malformed, 202 if the certificate is not
/// validly self-signed, 303 if it is not a manufacturer root, 503 if
/// `trust` is shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_add_manufacturer_root(
    trust: *mut partcert_trust_store, data: *const u8, len: usize, key_id_out: *mut u8,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    let pin = TrustStore::add_manufacturer_root;
    add_root(trust, data, len, key_id_out, error_out, pin)
}

/// Pins a blocklist root (a national registry, an operator, a
/// manufacturer's blocklist service): `data` holds its encoded self-signed
/// certificate. Writes the root's 32-byte key id to `key_id_out` (NULL if
/// not wanted). Errors as for `partcert_trust_store_add_manufacturer_root`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_add_blocklist_root(
    trust: *mut partcert_trust_store, data: *const u8, len: usize, key_id_out: *mut u8,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    let pin = TrustStore::add_blocklist_root;
    add_root(trust, data, len, key_id_out, error_out, pin)
}

/// Adds a factory line's (part issuer's) encoded certificate to the
/// store's chain pool, once: verification then finds it by the key id a
/// part certificate names as its issuer, so part evidence need not carry
/// it. Adding the same certificate again does nothing.
///
/// The pool only supplies candidates: a pooled certificate is checked
/// like one in the evidence (its signature by a pinned root, validity,
/// revocation) every time it is used. It completes a part's chain up to
/// `PARTCERT_MAX_CHAIN_LEN` certificates, after those in the evidence.
///
/// Errors: 1xx if the bytes are malformed, 303 if it is not a part
/// issuer's certificate, 505 if `trust` is shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_add_chain_certificate(
    trust: *mut partcert_trust_store, data: *const u8, len: usize,
    error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let trust = arg!(castable::arc_get_mut: trust);
        let bytes = arg!(ptr::bytes_in: data, len);
        let certificate = Certificate::decode(bytes)?;
        let key = match certificate.authority() {
            Some(subject) if subject.role == AuthorityRole::PartIssuer => subject.key.key_id(),
            _ => {
                return Err(partcert::Error::RoleNotPermitted {
                    needed: "part issuer certificate (for the chain pool)",
                    found: certificate.role_name(),
                }
                .into());
            }
        };
        if !trust
            .pool
            .iter()
            .any(|(_, pooled)| pooled.as_bytes() == certificate.as_bytes())
        {
            trust.pool.push((key, certificate));
        }
        Ok(())
    })
}

/// Accepts a revocation list signed by a pinned root, received at the
/// caller's clock `now`, and writes the sequence now held for that root to
/// `sequence_out` (NULL if not wanted).
///
/// A list older than the one held is refused with 400 (rollback); another
/// list with the same sequence with 404. Its issue time becomes a floor for
/// that root's clock (see `partcert_trust_store_clock_for_root`), but never
/// past `now` plus `PARTCERT_CLOCK_TOLERANCE`: a revocation list dated
/// years ahead (a careless root, or a thief holding its key) cannot expire
/// a maker's parts. Other roots' clocks are not moved. 503 if `trust` is
/// shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_apply_revocation_list_at(
    trust: *mut partcert_trust_store, data: *const u8, len: usize, now: u64,
    sequence_out: *mut u64, error_out: *mut *mut partcert_error,
) -> partcert_result {
    boundary(error_out, || {
        let trust = arg!(castable::arc_get_mut: trust);
        let bytes = arg!(ptr::bytes_in: data, len);
        let out = arg!(Out::optional: sequence_out);
        let list = RevocationList::decode(bytes)?;
        ptr::write_optional(out, trust.store.apply_revocation_list(&list, now)?)
    })
}

/// How many manufacturer roots are pinned (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_manufacturer_root_count(
    trust: *const partcert_trust_store,
) -> usize {
    read(trust, 0, |t| Some(t.store.manufacturer_roots().count()))
}

/// How many blocklist roots are pinned (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_blocklist_root_count(
    trust: *const partcert_trust_store,
) -> usize {
    read(trust, 0, |t| Some(t.store.blocklist_roots().count()))
}

/// How many certificates the chain pool holds (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_chain_certificate_count(
    trust: *const partcert_trust_store,
) -> usize {
    read(trust, 0, |t| Some(t.pool.len()))
}

/// The clock at which the certificates of one manufacturer root (given by
/// its 32-byte key id) are checked for the caller's `now`: never earlier
/// than the floor that root's own newest revocation list set (its issue
/// time, capped at the clock it was received at plus
/// `PARTCERT_CLOCK_TOLERANCE`), so a clock set back cannot revive a
/// certificate the root has moved past.
/// Another root's lists never move it. A verdict's `checked_at` is this
/// clock for the part's root. 0 if `trust` or `root_key_id` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_clock_for_root(
    trust: *const partcert_trust_store, root_key_id: *const u8, now: u64,
) -> u64 {
    read(trust, 0, |t| {
        // SAFETY: NULL or 32 readable bytes.
        let root = unsafe { ptr::key_id_in(root_key_id, "root_key_id") }.ok()?;
        Some(t.store.clock_for_root(&root, now))
    })
}

/// Whether the root with key id `root_key_id` has revoked the key with key
/// id `key_id` (both 32 bytes); if so, and `since_out` is not NULL, writes
/// since when (0: from the beginning). False if any argument but
/// `since_out` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn partcert_trust_store_is_revoked(
    trust: *const partcert_trust_store, root_key_id: *const u8, key_id: *const u8,
    since_out: *mut u64,
) -> bool {
    read(trust, false, |t| {
        // SAFETY: NULL or 32 readable bytes each; NULL or a writable u64.
        let (root, key, out) = unsafe {
            (
                ptr::key_id_in(root_key_id, "root_key_id").ok()?,
                ptr::key_id_in(key_id, "key_id").ok()?,
                Out::optional(since_out, "since_out"),
            )
        };
        let since = t.store.revoked_since(&root, &key)?;
        // A pointer that cannot be one (misaligned) is not written.
        if let Ok(out) = out {
            let _ = ptr::write_optional(out, since);
        }
        Some(true)
    })
}
