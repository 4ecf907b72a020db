//! Rust tests of the C ABI, calling the exported functions as C would: the
//! out-parameter and buffer contracts, NULL handling, and a verification
//! from issued objects to a verdict. The C programs in `tests/c/` cover
//! every function under sanitizers; these run with `cargo test`.

// Test code: every unsafe call below passes pointers to live locals or to
// objects this library made, which is the contract of every function.
#![allow(clippy::undocumented_unsafe_blocks)]

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use crate::*;

const T0: u64 = 1_700_000_000;
const YEAR: u64 = 365 * 86_400;

fn ok(result: partcert_result) {
    assert_eq!(result, partcert_result::Ok);
}

/// Copies a `partcert_bytes` out and frees it.
fn take(bytes: *mut partcert_bytes) -> Vec<u8> {
    let mut data = null();
    let mut len = 0;
    unsafe {
        ok(partcert_bytes_data(bytes, &mut data, &mut len));
        let copy = std::slice::from_raw_parts(data, len).to_vec();
        partcert_bytes_free(bytes);
        copy
    }
}

fn string(read: impl Fn(*mut c_char, usize, *mut usize) -> partcert_result) -> String {
    let mut len = 0;
    assert_eq!(
        read(null_mut(), 0, &mut len),
        partcert_result::BufferTooSmall
    );
    let mut buf = vec![0u8; len + 1];
    ok(read(buf.as_mut_ptr().cast(), buf.len(), &mut len));
    assert_eq!(buf[len], 0, "NUL-terminated");
    String::from_utf8(buf[..len].to_vec()).unwrap()
}

struct Issued {
    root: Vec<u8>,
    line: Vec<u8>,
    screen: Vec<u8>,
    registry: Vec<u8>,
    snapshot: Vec<u8>,
}

fn str_of(text: &'static str) -> partcert_str {
    partcert_str {
        data: text.as_ptr().cast(),
        len: text.len(),
    }
}

fn manufacturer_root(seed: u8, name: &str, makers: &[&'static str]) -> *mut partcert_authority {
    let makers: Vec<partcert_str> = makers.iter().map(|m| str_of(m)).collect();
    let mut authority = null_mut();
    unsafe {
        ok(partcert_authority_new_manufacturer_root(
            [seed; 32].as_ptr(),
            name.as_ptr().cast(),
            name.len(),
            makers.as_ptr(),
            makers.len(),
            T0,
            T0 + 30 * YEAR,
            &mut authority,
        ));
    }
    authority
}

fn blocklist_root(seed: u8, name: &str) -> *mut partcert_authority {
    let mut authority = null_mut();
    unsafe {
        ok(partcert_authority_new_blocklist_root(
            [seed; 32].as_ptr(),
            name.as_ptr().cast(),
            name.len(),
            T0,
            T0 + 30 * YEAR,
            &mut authority,
        ));
    }
    authority
}

fn issue() -> Issued {
    unsafe {
        let acme = manufacturer_root(1, "Acme root", &["Acme"]);
        let mut key = [0u8; 32];
        ok(partcert_public_key_from_seed(
            [2; 32].as_ptr(),
            key.as_mut_ptr(),
        ));
        let kinds = [partcert_part_kind::Screen as u16];
        let makers = [str_of("Acme")];
        let mut line_cert = null_mut();
        ok(partcert_authority_certify_part_issuer(
            acme,
            "Acme line 3".as_ptr().cast(),
            11,
            key.as_ptr(),
            kinds.as_ptr(),
            kinds.len(),
            makers.as_ptr(),
            makers.len(),
            2,
            T0,
            T0 + 20 * YEAR,
            &mut line_cert,
        ));
        let line_cert = take(line_cert);
        let mut line = null_mut();
        ok(partcert_authority_new(
            [2; 32].as_ptr(),
            line_cert.as_ptr(),
            line_cert.len(),
            &mut line,
        ));
        let spec = partcert_part_spec {
            kind: partcert_part_kind::Screen as u16,
            manufacturer: c"Acme".as_ptr(),
            manufacturer_len: 4,
            model: c"A1".as_ptr(),
            model_len: 2,
            serial: c"SCR-1".as_ptr(),
            serial_len: 5,
            imeis: null(),
            imei_count: 0,
            public_key: null(),
        };
        let mut screen = null_mut();
        ok(partcert_authority_certify_part(
            line,
            &spec,
            10,
            T0,
            T0 + 30 * YEAR,
            &mut screen,
        ));
        let screen = take(screen);

        let registry = blocklist_root(4, "National register");
        let mut entries = null_mut();
        ok(partcert_blocklist_entries_new(&mut entries));
        let mut verdict_part_id = [0u8; 32];
        {
            // The screen's part id, read from an unchecked verdict.
            let mut trust = null_mut();
            ok(partcert_trust_store_new(&mut trust));
            let mut id = [0u8; 32];
            let mut acme_cert = null_mut();
            ok(partcert_authority_certificate(acme, &mut acme_cert));
            let acme_cert = take(acme_cert);
            ok(partcert_trust_store_add_manufacturer_root(
                trust,
                acme_cert.as_ptr(),
                acme_cert.len(),
                id.as_mut_ptr(),
            ));
            let mut evidence = null_mut();
            ok(partcert_part_evidence_new(
                screen.as_ptr(),
                screen.len(),
                &mut evidence,
            ));
            ok(partcert_part_evidence_add_chain_certificate(
                evidence,
                line_cert.as_ptr(),
                line_cert.len(),
            ));
            let mut verdict = null_mut();
            ok(partcert_verify_part(
                trust,
                null(),
                null(),
                0,
                evidence,
                T0 + 10,
                &mut verdict,
            ));
            ok(partcert_verdict_part_id(
                verdict,
                verdict_part_id.as_mut_ptr(),
            ));
            partcert_verdict_free(verdict);
            partcert_part_evidence_free(evidence);
            partcert_trust_store_free(trust);
        }
        ok(partcert_blocklist_entries_add_part(
            entries,
            verdict_part_id.as_ptr(),
            partcert_reason::Stolen as u32,
            T0 + 50,
            partcert_listing_status::Final as u32,
            null(),
        ));
        let mut snapshot = null_mut();
        ok(partcert_authority_publish_snapshot(
            registry,
            0,
            1,
            T0 + 100,
            T0 + 100 + 86_400,
            entries,
            &mut snapshot,
        ));
        partcert_blocklist_entries_free(entries);

        let mut root_cert = null_mut();
        ok(partcert_authority_certificate(acme, &mut root_cert));
        let mut registry_cert = null_mut();
        ok(partcert_authority_certificate(registry, &mut registry_cert));
        let issued = Issued {
            root: take(root_cert),
            line: line_cert,
            screen,
            registry: take(registry_cert),
            snapshot: take(snapshot),
        };
        partcert_authority_free(line);
        partcert_authority_free(acme);
        partcert_authority_free(registry);
        issued
    }
}

#[test]
fn a_stolen_screen_is_blocked_through_the_c_abi() {
    let issued = issue();
    unsafe {
        let mut trust = null_mut();
        ok(partcert_trust_store_new(&mut trust));
        let mut id = [0u8; 32];
        ok(partcert_trust_store_add_manufacturer_root(
            trust,
            issued.root.as_ptr(),
            issued.root.len(),
            id.as_mut_ptr(),
        ));
        ok(partcert_trust_store_add_blocklist_root(
            trust,
            issued.registry.as_ptr(),
            issued.registry.len(),
            id.as_mut_ptr(),
        ));
        let mut blocklist = null_mut();
        ok(partcert_blocklist_new(&mut blocklist));
        let mut version = partcert_list_version {
            epoch: 9,
            sequence: 9,
        };
        ok(partcert_blocklist_apply_snapshot(
            blocklist,
            trust,
            issued.snapshot.as_ptr(),
            issued.snapshot.len(),
            T0 + 200,
            &mut version,
        ));
        assert_eq!(
            version,
            partcert_list_version {
                epoch: 0,
                sequence: 1
            }
        );
        let mut evidence = null_mut();
        ok(partcert_part_evidence_new(
            issued.screen.as_ptr(),
            issued.screen.len(),
            &mut evidence,
        ));
        ok(partcert_part_evidence_add_chain_certificate(
            evidence,
            issued.line.as_ptr(),
            issued.line.len(),
        ));
        let mut verdict = null_mut();
        ok(partcert_verify_part(
            trust,
            blocklist,
            null(),
            0,
            evidence,
            T0 + 300,
            &mut verdict,
        ));
        let summary = string(|b, l, o| partcert_verdict_summary(verdict, b, l, o));
        assert_eq!(summary, "genuine (serial-only), unpaired, BLOCKED: stolen");
        let json = string(|b, l, o| partcert_verdict_json(verdict, b, l, o));
        assert!(json.contains("\"state\":\"blocked\""), "{json}");
        let mut status = null();
        ok(partcert_verdict_blocklist(verdict, &mut status));
        let mut state = partcert_blocklist_state::NotChecked;
        ok(partcert_blocklist_status_state(status, &mut state));
        assert_eq!(state, partcert_blocklist_state::Blocked);
        let name =
            string(|b, l, o| partcert_blocklist_status_listing_authority_name(status, 0, b, l, o));
        assert_eq!(name, "National register");
        partcert_verdict_free(verdict);
        partcert_part_evidence_free(evidence);
        partcert_blocklist_free(blocklist);
        partcert_trust_store_free(trust);
    }
}

#[test]
fn out_parameters_are_untouched_on_failure() {
    let issued = issue();
    unsafe {
        let sentinel = 0x5a5a_usize as *mut partcert_part_evidence;
        let mut evidence = sentinel;
        let truncated = &issued.screen[..issued.screen.len() - 1];
        assert_eq!(
            partcert_part_evidence_new(truncated.as_ptr(), truncated.len(), &mut evidence),
            partcert_result::Truncated
        );
        let mut trailing = issued.screen.clone();
        trailing.push(0);
        assert_eq!(
            partcert_part_evidence_new(trailing.as_ptr(), trailing.len(), &mut evidence),
            partcert_result::TrailingBytes
        );
        assert_eq!(evidence, sentinel);
        assert_eq!(
            partcert_part_evidence_new(null(), 5, &mut evidence),
            partcert_result::NullArgument
        );
        assert_eq!(
            partcert_part_evidence_new(issued.screen.as_ptr(), issued.screen.len(), null_mut()),
            partcert_result::NullArgument
        );
        assert_eq!(evidence, sentinel);
    }
}

#[test]
fn strings_out_follow_the_buffer_contract() {
    unsafe {
        let mut len = 0;
        let mut buf = [b'X' as c_char; 32];
        // Too small by the NUL: nothing written, length reported.
        assert_eq!(
            partcert_result_name(400, buf.as_mut_ptr(), 8, &mut len),
            partcert_result::BufferTooSmall
        );
        assert_eq!(len, "Rollback".len());
        assert!(buf.iter().all(|c| *c == b'X' as c_char));
        ok(partcert_result_name(400, buf.as_mut_ptr(), 9, &mut len));
        assert_eq!(&buf[..9], b"Rollback\0".map(|b| b as c_char).as_slice());
        assert_eq!(buf[9], b'X' as c_char);
        // A NULL buffer is allowed only with length 0.
        assert_eq!(
            partcert_result_name(400, null_mut(), 9, &mut len),
            partcert_result::NullArgument
        );
        assert_eq!(
            partcert_result_name(400, buf.as_mut_ptr(), 9, null_mut()),
            partcert_result::NullArgument
        );
    }
}

#[test]
fn input_validation() {
    unsafe {
        let mut imei = 0;
        ok(partcert_imei_parse(
            c"356938035643809".as_ptr(),
            15,
            &mut imei,
        ));
        assert_eq!(imei, 356_938_035_643_809);
        assert_eq!(
            partcert_imei_parse(c"356938035643808".as_ptr(), 15, &mut imei),
            partcert_result::InvalidImei
        );
        assert_eq!(
            partcert_imei_parse(b"\xff".as_ptr().cast(), 1, &mut imei),
            partcert_result::InvalidUtf8
        );
        let mut entries = null_mut();
        ok(partcert_blocklist_entries_new(&mut entries));
        assert_eq!(
            partcert_blocklist_entries_add_handset(entries, imei, 99, 0, 1),
            partcert_result::InvalidArgument
        );
        partcert_blocklist_entries_free(entries);
        // A list of names with a NULL entry, and one that is not UTF-8.
        let mut authority = null_mut();
        let names = [partcert_str {
            data: null(),
            len: 4,
        }];
        assert_eq!(
            partcert_authority_new_manufacturer_root(
                [1; 32].as_ptr(),
                c"R".as_ptr(),
                1,
                names.as_ptr(),
                1,
                0,
                1,
                &mut authority
            ),
            partcert_result::NullArgument
        );
        let names = [partcert_str {
            data: c"\xff".as_ptr(),
            len: 1,
        }];
        assert_eq!(
            partcert_authority_new_manufacturer_root(
                [1; 32].as_ptr(),
                c"R".as_ptr(),
                1,
                names.as_ptr(),
                1,
                0,
                1,
                &mut authority
            ),
            partcert_result::InvalidUtf8
        );
        assert!(authority.is_null());
        // A length no buffer can have.
        let mut kind = partcert_object_type::Certificate;
        assert_eq!(
            partcert_object_type_of([0u8; 4].as_ptr(), usize::MAX, &mut kind),
            partcert_result::InvalidArgument
        );
    }
}

#[test]
fn free_null_is_a_no_op() {
    unsafe {
        partcert_trust_store_free(null_mut());
        partcert_blocklist_free(null_mut());
        partcert_part_evidence_free(null_mut());
        partcert_handset_evidence_free(null_mut());
        partcert_verdict_free(null_mut());
        partcert_handset_report_free(null_mut());
        partcert_authority_free(null_mut());
        partcert_bytes_free(null_mut());
        partcert_blocklist_entries_free(null_mut());
    }
}

#[test]
fn version_is_the_crate_version() {
    let version = unsafe { std::ffi::CStr::from_ptr(partcert_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn rollback_state_round_trips() {
    unsafe {
        let mut blocklist = null_mut();
        ok(partcert_blocklist_new(&mut blocklist));
        let mut buf = [0u8; PARTCERT_MAX_ROLLBACK_STATE_LEN];
        let mut len = 0;
        ok(partcert_blocklist_rollback_state(
            blocklist,
            buf.as_mut_ptr(),
            buf.len(),
            &mut len,
        ));
        let mut restored = null_mut();
        ok(partcert_blocklist_new_with_rollback_state(
            buf.as_ptr(),
            len,
            &mut restored,
        ));
        // Cut short, the checksum no longer matches: corrupt, refused whole.
        let mut other = null_mut();
        assert_eq!(
            partcert_blocklist_new_with_rollback_state(buf.as_ptr(), len - 1, &mut other),
            partcert_result::CorruptState
        );
        buf[len - 1] ^= 1;
        assert_eq!(
            partcert_blocklist_new_with_rollback_state(buf.as_ptr(), len, &mut other),
            partcert_result::CorruptState
        );
        assert!(other.is_null());
        partcert_blocklist_free(restored);
        partcert_blocklist_free(blocklist);
    }
}

/// A small deterministic generator (xorshift), so the test needs no crate.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `bytes` with one random change: a bit flipped, a cut, bytes added.
    fn mutate(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let at = (self.next() as usize) % out.len().max(1);
        match self.next() % 4 {
            0 if !out.is_empty() => out[at] ^= 1 << (self.next() % 8),
            1 => out.truncate(at),
            2 => out.extend((0..=(self.next() % 8)).map(|_| self.next() as u8)),
            _ if !out.is_empty() => out[at] = self.next() as u8,
            _ => {}
        }
        out
    }
}

/// Hostile bytes at every decoding entry point give an error code or a
/// result, never a panic (900) and never a crash.
#[test]
fn mutated_inputs_never_panic() {
    let issued = issue();
    let mut rng = Mutator(0x9e37_79b9_7f4a_7c15);
    unsafe {
        let mut trust = null_mut();
        ok(partcert_trust_store_new(&mut trust));
        let mut id = [0u8; 32];
        ok(partcert_trust_store_add_manufacturer_root(
            trust,
            issued.root.as_ptr(),
            issued.root.len(),
            id.as_mut_ptr(),
        ));
        ok(partcert_trust_store_add_blocklist_root(
            trust,
            issued.registry.as_ptr(),
            issued.registry.len(),
            id.as_mut_ptr(),
        ));
        let mut state = [0u8; PARTCERT_MAX_ROLLBACK_STATE_LEN];
        let state_len = {
            let mut blocklist = null_mut();
            ok(partcert_blocklist_new(&mut blocklist));
            let mut version = partcert_list_version {
                epoch: 0,
                sequence: 0,
            };
            ok(partcert_blocklist_apply_snapshot(
                blocklist,
                trust,
                issued.snapshot.as_ptr(),
                issued.snapshot.len(),
                T0 + 200,
                &mut version,
            ));
            let mut len = 0;
            ok(partcert_blocklist_rollback_state(
                blocklist,
                state.as_mut_ptr(),
                state.len(),
                &mut len,
            ));
            partcert_blocklist_free(blocklist);
            len
        };
        let inputs: [&[u8]; 6] = [
            &issued.root,
            &issued.line,
            &issued.screen,
            &issued.registry,
            &issued.snapshot,
            &state[..state_len],
        ];
        let mut outcomes = std::collections::BTreeSet::new();
        for round in 0..2000 {
            let input = rng.mutate(inputs[round % inputs.len()]);
            let (data, len) = (input.as_ptr(), input.len());
            let mut results = Vec::new();

            let mut evidence = null_mut();
            results.push(partcert_part_evidence_new(data, len, &mut evidence));
            if !evidence.is_null() {
                results.push(partcert_part_evidence_add_chain_certificate(
                    evidence,
                    issued.line.as_ptr(),
                    issued.line.len(),
                ));
                results.push(partcert_part_evidence_add_chain_certificate(
                    evidence, data, len,
                ));
                results.push(partcert_part_evidence_set_pairing_record(
                    evidence, data, len,
                ));
                results.push(partcert_part_evidence_set_challenge(
                    evidence,
                    [7; 32].as_ptr(),
                    data,
                    len,
                ));
                let mut verdict = null_mut();
                results.push(partcert_verify_part(
                    trust,
                    null(),
                    null(),
                    0,
                    evidence,
                    T0 + 300,
                    &mut verdict,
                ));
                if !verdict.is_null() {
                    let mut json_len = 0;
                    results.push(partcert_verdict_json(verdict, null_mut(), 0, &mut json_len));
                }
                partcert_verdict_free(verdict);
                partcert_part_evidence_free(evidence);
            }
            let mut copy = null_mut();
            ok(partcert_trust_store_clone(trust, &mut copy));
            results.push(partcert_trust_store_add_manufacturer_root(
                copy,
                data,
                len,
                id.as_mut_ptr(),
            ));
            results.push(partcert_trust_store_add_blocklist_root(
                copy,
                data,
                len,
                id.as_mut_ptr(),
            ));
            let mut sequence = 0;
            let mut version = partcert_list_version {
                epoch: 0,
                sequence: 0,
            };
            results.push(partcert_trust_store_apply_revocation_list(
                copy,
                data,
                len,
                &mut sequence,
            ));
            let mut blocklist = null_mut();
            results.push(partcert_blocklist_new_with_rollback_state(
                data,
                len,
                &mut blocklist,
            ));
            if blocklist.is_null() {
                ok(partcert_blocklist_new(&mut blocklist));
            }
            results.push(partcert_blocklist_apply_snapshot(
                blocklist,
                copy,
                data,
                len,
                T0 + 200,
                &mut version,
            ));
            results.push(partcert_blocklist_apply_delta(
                blocklist,
                copy,
                data,
                len,
                T0 + 200,
                &mut version,
            ));
            partcert_blocklist_free(blocklist);
            partcert_trust_store_free(copy);
            let mut handset = null_mut();
            results.push(partcert_handset_evidence_new(data, len, &mut handset));
            partcert_handset_evidence_free(handset);
            let mut kind = partcert_object_type::Certificate;
            results.push(partcert_object_type_of(data, len, &mut kind));

            for result in results {
                assert_ne!(
                    result,
                    partcert_result::Panic,
                    "round {round}: {input:02x?}"
                );
                outcomes.insert(result as u32);
            }
        }
        // The mutations reached past the first checks.
        assert!(outcomes.contains(&0), "{outcomes:?}");
        assert!(outcomes.iter().any(|code| *code / 100 == 1), "{outcomes:?}");
        assert!(outcomes.iter().any(|code| *code / 100 == 2), "{outcomes:?}");
        partcert_trust_store_free(trust);
    }
}
