//! Hostile bytes through the C entry points, as a C caller would pass them:
//! trust store, revocation list, blocklist snapshot, delta and stored
//! rollback state, part and handset evidence, verification, JSON output.
//! No call may reach the panic boundary (result 900), and every result is
//! one of the published codes.
#![no_main]
#![allow(unsafe_code)]

use std::ptr::null_mut;

use libfuzzer_sys::fuzz_target;
use partcert::ErrorCode;
use partcert_ffi::*;

const ROOT: &[u8] = include_bytes!("../../core/tests/vectors/manufacturer_root.cert");
const BLOCKLIST_ROOT: &[u8] = include_bytes!("../../core/tests/vectors/blocklist_root.cert");
const ISSUER: &[u8] = include_bytes!("../../core/tests/vectors/part_issuer.cert");
const T0: u64 = 1_767_225_600;

fn check(result: partcert_result) {
    let code = result as u32;
    assert_ne!(code, ErrorCode::Panic.as_u32(), "a call reached the panic boundary");
    assert!(code == 0 || ErrorCode::from_u32(code).is_some(), "unpublished result {code}");
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
    let mut key_id = [0u8; 32];
    let mut sequence = 0u64;
    let mut version = partcert_list_version { epoch: 0, sequence: 0 };
    // SAFETY: every pointer passed is valid for the length given, every
    // out-pointer is writable, and every object is freed exactly once.
    unsafe {
        let mut trust = null_mut();
        check(partcert_trust_store_new(&mut trust));
        check(partcert_trust_store_add_manufacturer_root(trust, ROOT.as_ptr(), ROOT.len(), key_id.as_mut_ptr()));
        check(partcert_trust_store_add_blocklist_root(trust, BLOCKLIST_ROOT.as_ptr(), BLOCKLIST_ROOT.len(), key_id.as_mut_ptr()));
        let hostile_root = piece(6);
        check(partcert_trust_store_add_manufacturer_root(trust, hostile_root.as_ptr(), hostile_root.len(), key_id.as_mut_ptr()));
        let revocation = piece(5);
        check(partcert_trust_store_apply_revocation_list(trust, revocation.as_ptr(), revocation.len(), &mut sequence));

        let mut blocklist = null_mut();
        let state = piece(4);
        let result = partcert_blocklist_new_with_rollback_state(state.as_ptr(), state.len(), &mut blocklist);
        check(result);
        if blocklist.is_null() {
            check(partcert_blocklist_new(&mut blocklist));
        }
        let snapshot = piece(2);
        check(partcert_blocklist_apply_snapshot(blocklist, trust, snapshot.as_ptr(), snapshot.len(), T0, &mut version));
        let delta = piece(3);
        check(partcert_blocklist_apply_delta(blocklist, trust, delta.as_ptr(), delta.len(), T0, &mut version));

        let certificate = piece(0);
        let mut evidence = null_mut();
        check(partcert_part_evidence_new(certificate.as_ptr(), certificate.len(), &mut evidence));
        if !evidence.is_null() {
            check(partcert_part_evidence_add_chain_certificate(evidence, ISSUER.as_ptr(), ISSUER.len()));
            let record = piece(1);
            check(partcert_part_evidence_set_pairing_record(evidence, record.as_ptr(), record.len()));
            let response = piece(7);
            let nonce = [0x42u8; 32];
            check(partcert_part_evidence_set_challenge(evidence, nonce.as_ptr(), response.as_ptr(), response.len()));
            let mut verdict = null_mut();
            check(partcert_verify_part(trust, blocklist, std::ptr::null(), 0, evidence, T0 + 86_400, &mut verdict));
            if !verdict.is_null() {
                let mut buf = [0 as std::ffi::c_char; 64];
                let mut len = 0usize;
                check(partcert_verdict_json(verdict, buf.as_mut_ptr(), buf.len(), &mut len));
                let (mut flag, mut since, mut count) = (false, 0u64, 0usize);
                check(partcert_verdict_issuer_revoked_since(verdict, &mut flag, &mut since));
                check(partcert_verdict_mismatched_imei_count(verdict, &mut count));
                let mut status = std::ptr::null();
                check(partcert_verdict_blocklist(verdict, &mut status));
                check(partcert_blocklist_status_list_count(status, &mut count));
                for index in 0..count {
                    let mut list = std::mem::MaybeUninit::uninit();
                    check(partcert_blocklist_status_list(status, index, list.as_mut_ptr()));
                    let result = partcert_blocklist_status_list_outdated_by_name(
                        status, index, buf.as_mut_ptr(), buf.len(), &mut len,
                    );
                    check(result);
                }
                check(partcert_blocklist_status_summary(status, buf.as_mut_ptr(), buf.len(), &mut len));
                partcert_verdict_free(verdict);
            }

            let record = piece(1);
            let mut handset = null_mut();
            check(partcert_handset_evidence_new(record.as_ptr(), record.len(), &mut handset));
            if !handset.is_null() {
                check(partcert_handset_evidence_add_part(handset, evidence));
                let mut report = null_mut();
                check(partcert_verify_handset(trust, blocklist, handset, T0, &mut report));
                partcert_handset_report_free(report);
                partcert_handset_evidence_free(handset);
            }
            partcert_part_evidence_free(evidence);
        }

        let mut object_type = std::mem::MaybeUninit::uninit();
        check(partcert_object_type_of(data.as_ptr(), data.len(), object_type.as_mut_ptr()));
        let mut imei = 0u64;
        check(partcert_imei_parse(data.as_ptr().cast(), data.len(), &mut imei));

        partcert_blocklist_free(blocklist);
        partcert_trust_store_free(trust);
    }
});
