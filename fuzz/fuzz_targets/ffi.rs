//! Hostile bytes through the C entry points, as a C caller would pass them:
//! trust store (roots, revocation list at a receiving clock, chain pool),
//! blocklists of any format through the one apply call (and the 1.3
//! one-format calls) and stored rollback state or saved state (loaded
//! reporting what was dropped), unfollowing, through a blocklist holder
//! too, the one publish call over a hostile base (a snapshot's bytes, or
//! what the hostile state left held), part and handset evidence,
//! verification, every borrowed read of the verdict and report (a refused
//! record only beside a blocked one), JSON output. No call may reach the panic boundary (result
//! 900), every result is one of the published codes, and every failure
//! asked for its detail hands back an error with that code and a message.
#![no_main]
#![allow(unsafe_code)]

use std::ptr::{null, null_mut};

use libfuzzer_sys::fuzz_target;
use partcert::ErrorCode;
use partcert_ffi::*;

const ROOT: &[u8] = include_bytes!("../../core/tests/vectors/manufacturer_root.cert");
const BLOCKLIST_ROOT: &[u8] = include_bytes!("../../core/tests/vectors/blocklist_root.cert");
const ISSUER: &[u8] = include_bytes!("../../core/tests/vectors/part_issuer.cert");
const T0: u64 = 1_767_225_600;

/// Checks a result and the error that came with it, and frees the error.
fn check(result: partcert_result, error: *mut partcert_error) {
    let code = result.0;
    assert_ne!(
        code,
        ErrorCode::Panic.code(),
        "a call reached the panic boundary"
    );
    assert!(
        code == 0 || ErrorCode::from_code(code).is_some(),
        "unpublished result {code}"
    );
    // SAFETY: `error` is NULL or an error a failing call just made.
    unsafe {
        if code == 0 {
            assert!(error.is_null(), "a success wrote an error");
        } else {
            assert!(!error.is_null(), "a failure gave no detail");
            assert_eq!(partcert_error_code(error), result);
            assert!(partcert_error_message(error).len > 0);
        }
        partcert_error_free(error);
    }
}

/// Runs `call` with a fresh error out-parameter and checks both.
fn run(call: impl FnOnce(*mut *mut partcert_error) -> partcert_result) {
    let mut error = null_mut();
    let result = call(&mut error);
    check(result, error);
}

/// Reads a borrowed string the library handed out: NUL-terminated at its length.
fn read(text: partcert_str) {
    // SAFETY: the library promises `len + 1` readable bytes ending in NUL.
    let bytes = unsafe { std::slice::from_raw_parts(text.data.cast::<u8>(), text.len + 1) };
    assert_eq!(bytes[text.len], 0);
    assert!(!bytes[..text.len].contains(&0));
}

/// Checks an error a verdict or report lends: a published code other than
/// success and the panic boundary, and a message.
fn check_borrowed(error: *const partcert_error) {
    // SAFETY: `error` is non-NULL and borrowed from a live verdict or report.
    unsafe {
        let code = partcert_error_code(error).0;
        assert!(code != 0 && code != ErrorCode::Panic.code());
        assert!(
            ErrorCode::from_code(code).is_some(),
            "unpublished code {code}"
        );
        read(partcert_error_message(error));
    }
}

/// A 32-byte key id from a piece of the input (zero-padded).
fn key_id(piece: &[u8]) -> [u8; PARTCERT_DIGEST_LEN] {
    let mut id = [0u8; PARTCERT_DIGEST_LEN];
    let len = piece.len().min(PARTCERT_DIGEST_LEN);
    id[..len].copy_from_slice(&piece[..len]);
    id
}

/// Publishes with a register of its own over hostile bases — `snapshot` as a
/// snapshot base, then what `held` holds — in a format the input picks
/// (0 or 4..: not a format), listing or delisting an IMEI the input picks:
/// the list and the counts come together or not at all.
///
/// # Safety
/// `held` is a live blocklist.
unsafe fn publish_over(held: *const partcert_blocklist, snapshot: &[u8], data: &[u8]) {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let mut signer = null_mut();
    let name = b"Fuzz register";
    // SAFETY: a 32-byte seed, a name of its length, writable slots; every
    // object made here is freed here, once.
    unsafe {
        run(|e| {
            partcert_authority_new_blocklist_root(
                [9; 32].as_ptr(),
                name.as_ptr().cast(),
                name.len(),
                T0,
                T0 + 365 * 86_400,
                &mut signer,
                e,
            )
        });
        let entries = partcert_blocklist_entries_new();
        let imei = 356_938_035_643_809 + 10 * u64::from(byte(1));
        run(|e| partcert_blocklist_entries_add_handset(entries, imei, 1, T0, 1, e));
        let format = u32::from(byte(0) % 5);
        let listing: *const partcert_blocklist_entries = entries;
        let sides = [(listing, null()), (null(), listing)];
        let bases = [(snapshot, null()), (&[][..], held)];
        for ((listed, delisted), (base, held)) in sides.into_iter().zip(bases) {
            let mut list = null_mut();
            let mut changes = null_mut();
            let mut error = null_mut();
            let result = partcert_authority_publish(
                signer,
                format,
                1,
                u64::from(byte(2)),
                T0,
                T0 + 86_400,
                base.as_ptr(),
                base.len(),
                held,
                delisted,
                listed,
                &mut list,
                &mut changes,
                &mut error,
            );
            assert_eq!(result.0 == 0, !list.is_null(), "the list only on success");
            assert_eq!(
                list.is_null(),
                changes.is_null(),
                "the counts with the list"
            );
            check(result, error);
            partcert_bytes_free(list);
            partcert_list_changes_free(changes);
        }
        partcert_blocklist_entries_free(entries);
        partcert_authority_free(signer);
    }
}

/// Splits the input into pieces, each prefixed by a 2-byte length.
fn pieces(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while data.len() >= 2 && out.len() < 8 {
        let len = usize::from(u16::from_le_bytes([data[0], data[1]])).min(data.len() - 2);
        out.push(&data[2..2 + len]);
        data = &data[2 + len..];
    }
    out.push(data);
    out
}

fuzz_target!(|data: &[u8]| {
    let parts = pieces(data);
    let piece = |i: usize| parts.get(i).copied().unwrap_or(&[]);
    let mut version = partcert_list_version {
        epoch: 0,
        sequence: 0,
    };
    // SAFETY: every pointer passed is valid for the length given, every
    // out-pointer is writable, and every object is freed exactly once.
    unsafe {
        let trust = partcert_trust_store_new();
        run(|e| {
            partcert_trust_store_add_manufacturer_root(
                trust,
                ROOT.as_ptr(),
                ROOT.len(),
                null_mut(),
                e,
            )
        });
        run(|e| {
            partcert_trust_store_add_blocklist_root(
                trust,
                BLOCKLIST_ROOT.as_ptr(),
                BLOCKLIST_ROOT.len(),
                null_mut(),
                e,
            )
        });
        run(|e| {
            partcert_trust_store_add_chain_certificate(trust, ISSUER.as_ptr(), ISSUER.len(), e)
        });
        let hostile_root = piece(6);
        run(|e| {
            partcert_trust_store_add_manufacturer_root(
                trust,
                hostile_root.as_ptr(),
                hostile_root.len(),
                null_mut(),
                e,
            )
        });
        run(|e| {
            partcert_trust_store_add_chain_certificate(
                trust,
                hostile_root.as_ptr(),
                hostile_root.len(),
                e,
            )
        });
        let revocation = piece(5);
        run(|e| {
            partcert_trust_store_apply_revocation_list_at(
                trust,
                revocation.as_ptr(),
                revocation.len(),
                T0,
                null_mut(),
                e,
            )
        });
        // The 1.2 call (received at clock 0) on the same bytes.
        run(|e| {
            partcert_trust_store_apply_revocation_list(
                trust,
                revocation.as_ptr(),
                revocation.len(),
                null_mut(),
                e,
            )
        });

        let mut blocklist = null_mut();
        let state = piece(4);
        run(|e| {
            partcert_blocklist_new_with_rollback_state(
                state.as_ptr(),
                state.len(),
                &mut blocklist,
                e,
            )
        });
        if blocklist.is_null() {
            run(|e| {
                partcert_blocklist_new_from_saved_state(
                    trust,
                    state.as_ptr(),
                    state.len(),
                    &mut blocklist,
                    e,
                )
            });
        }
        if blocklist.is_null() {
            blocklist = partcert_blocklist_new();
        }
        // The same state through load_state: both out-parameters or neither,
        // and the dropped authorities' key ids whole.
        let mut loaded = null_mut();
        let mut dropped = null_mut();
        run(|e| {
            partcert_blocklist_load_state(
                trust,
                state.as_ptr(),
                state.len(),
                &mut loaded,
                &mut dropped,
                e,
            )
        });
        assert_eq!(
            loaded.is_null(),
            dropped.is_null(),
            "one out-parameter written"
        );
        if !dropped.is_null() {
            assert_eq!(partcert_bytes_len(dropped) % PARTCERT_DIGEST_LEN, 0);
        }
        partcert_bytes_free(dropped);
        partcert_blocklist_free(loaded);
        // Marks restored for a root the store does not pin are unfollowed
        // (on half the inputs: the others verify with them missing).
        if data.len() % 2 == 1 {
            let mut unfollowed = null_mut();
            run(|e| partcert_blocklist_unfollow_unpinned(blocklist, trust, &mut unfollowed, e));
            assert!(!unfollowed.is_null(), "a success gave no key ids");
            assert_eq!(partcert_bytes_len(unfollowed) % PARTCERT_DIGEST_LEN, 0);
            partcert_bytes_free(unfollowed);
        }
        // Two updates of any format through the one apply call; the 1.3
        // one-format call on the first too (it takes a sorted snapshot only).
        let (snapshot, delta) = (piece(2), piece(3));
        for update in [snapshot, delta] {
            run(|e| {
                partcert_blocklist_apply(
                    blocklist,
                    trust,
                    update.as_ptr(),
                    update.len(),
                    T0,
                    &mut version,
                    e,
                )
            });
        }
        run(|e| {
            partcert_blocklist_apply_snapshot(
                blocklist,
                trust,
                snapshot.as_ptr(),
                snapshot.len(),
                T0,
                null_mut(),
                e,
            )
        });
        publish_over(blocklist, snapshot, data);
        // The same updates through a holder, on a copy.
        let mut holder = null_mut();
        run(|e| partcert_blocklist_holder_new(blocklist, &mut holder, e));
        for update in [delta, snapshot] {
            run(|e| {
                partcert_blocklist_holder_apply(
                    holder,
                    trust,
                    update.as_ptr(),
                    update.len(),
                    T0,
                    null_mut(),
                    e,
                )
            });
        }
        // Unfollowing through the holder: a hostile key id, then every
        // authority the store does not pin.
        let authority = key_id(piece(6));
        run(|e| partcert_blocklist_holder_unfollow(holder, authority.as_ptr(), null_mut(), e));
        let mut unfollowed = null_mut();
        run(|e| partcert_blocklist_holder_unfollow_unpinned(holder, trust, &mut unfollowed, e));
        if !unfollowed.is_null() {
            assert_eq!(partcert_bytes_len(unfollowed) % PARTCERT_DIGEST_LEN, 0);
        }
        partcert_bytes_free(unfollowed);
        let current = partcert_blocklist_holder_load(holder);
        for index in 0..partcert_blocklist_list_count(current) {
            read((*partcert_blocklist_list(current, index)).authority_name);
        }
        partcert_blocklist_free(current);
        partcert_blocklist_holder_free(holder);

        let certificate = piece(0);
        let mut evidence = null_mut();
        run(|e| {
            partcert_part_evidence_new(certificate.as_ptr(), certificate.len(), &mut evidence, e)
        });
        if !evidence.is_null() {
            let record = piece(1);
            run(|e| {
                partcert_part_evidence_set_pairing_record(
                    evidence,
                    record.as_ptr(),
                    record.len(),
                    e,
                )
            });
            let response = piece(7);
            let nonce = [0x42u8; 32];
            run(|e| {
                partcert_part_evidence_set_challenge(
                    evidence,
                    nonce.as_ptr(),
                    response.as_ptr(),
                    response.len(),
                    e,
                )
            });
            let mut verdict = null_mut();
            run(|e| {
                partcert_verify_part(
                    trust,
                    blocklist,
                    null(),
                    0,
                    evidence,
                    T0 + 86_400,
                    &mut verdict,
                    e,
                )
            });
            if !verdict.is_null() {
                read(partcert_verdict_json(verdict));
                read(partcert_verdict_summary(verdict));
                read(partcert_verdict_serial(verdict));
                read(partcert_verdict_part_kind_name(verdict));
                let mut since = 0u64;
                let _ = partcert_verdict_issuer_revoked(verdict, &mut since);
                let _ = partcert_verdict_issuer_retired(verdict, &mut since);
                let refused = partcert_verdict_pairing_refused(verdict);
                if !refused.is_null() {
                    assert!(
                        partcert_verdict_is_blocked(verdict),
                        "a refused record beside a verdict not blocked"
                    );
                    check_borrowed(refused);
                }
                let _ = partcert_verdict_mismatched_imeis(verdict);
                let provenance = partcert_verdict_provenance(verdict);
                if !provenance.is_null() {
                    read((*provenance).service_name);
                }
                let status = partcert_verdict_blocklist(verdict);
                for index in 0..partcert_blocklist_status_list_count(status) {
                    let list = &*partcert_blocklist_status_list(status, index);
                    read(list.authority_name);
                    read(list.outdated_by_name);
                }
                for index in 0..partcert_blocklist_status_listing_count(status) {
                    read((*partcert_blocklist_status_listing(status, index)).authority_name);
                }
                read(partcert_blocklist_status_summary(status));
                if partcert_blocklist_status_capped(status) {
                    assert_eq!(
                        partcert_blocklist_status_state(status),
                        partcert_blocklist_state::BLOCKED
                    );
                }
                partcert_verdict_free(verdict);
            }

            let mut handset = null_mut();
            run(|e| partcert_handset_evidence_new(record.as_ptr(), record.len(), &mut handset, e));
            if !handset.is_null() {
                run(|e| partcert_handset_evidence_add_part(handset, evidence, e));
                run(|e| {
                    partcert_handset_evidence_add_part_certificate(
                        handset,
                        certificate.as_ptr(),
                        certificate.len(),
                        e,
                    )
                });
                let mut report = null_mut();
                run(|e| partcert_verify_handset(trust, blocklist, handset, T0, &mut report, e));
                if !report.is_null() {
                    read(partcert_handset_report_json(report));
                    let refused = partcert_handset_report_pairing_refused(report);
                    if !refused.is_null() {
                        assert!(
                            partcert_handset_report_is_blocked(report),
                            "a refused record beside a report not blocked"
                        );
                        check_borrowed(refused);
                    }
                    for index in 0..partcert_handset_report_part_count(report) {
                        let part = &*partcert_handset_report_part(report, index);
                        if part.verdict.is_null() {
                            assert_eq!(partcert_error_code(part.error), part.outcome);
                            read(partcert_error_message(part.error));
                        } else {
                            read(partcert_verdict_summary(part.verdict));
                        }
                    }
                }
                partcert_handset_report_free(report);
                partcert_handset_evidence_free(handset);
            }
            partcert_part_evidence_free(evidence);
        }

        let mut object_type = std::mem::MaybeUninit::uninit();
        run(|e| partcert_object_type_of(data.as_ptr(), data.len(), object_type.as_mut_ptr(), e));
        let mut imei = 0u64;
        run(|e| partcert_imei_parse(data.as_ptr().cast(), data.len(), &mut imei, e));

        partcert_blocklist_free(blocklist);
        partcert_trust_store_free(trust);
    }
});
