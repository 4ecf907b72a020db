//! Rust tests of the C ABI, calling the exported functions as C would:
//! error detail through `partcert_error **`, reads that return values,
//! shared snapshots and the holder under threads, the chain pool, a
//! verification from issued objects to a verdict and a handset report, and
//! the blocklist wing's two calls (publish, apply) beside the calls they
//! replaced. The C programs in `tests/c/` cover every function under
//! sanitizers; these run with `cargo test`.

// Test code: every unsafe call below passes pointers to live locals or to
// objects this library made, which is the contract of every function.
#![allow(clippy::undocumented_unsafe_blocks)]

use std::ptr::{null, null_mut};

use partcert::blocklist::{
    Base, BlocklistEntry, Format, ListVersion, ListingStatus, Publication, Reason,
};
use partcert::issue::{Authority, PartSpec};
use partcert::pairing::PairingEvent;
use partcert::{Imei, PartKind, SecretKey, Validity};

use partcert_ffi::*;

const T0: u64 = 1_700_000_000;
const NOW: u64 = T0 + 86_400;

fn text(s: partcert_str) -> String {
    let bytes = unsafe { std::slice::from_raw_parts(s.data.cast::<u8>(), s.len + 1) };
    assert_eq!(bytes[s.len], 0, "text handed out is NUL-terminated");
    String::from_utf8(bytes[..s.len].to_vec()).unwrap()
}

/// Runs a fallible call; on failure returns its code and detailed message.
fn call(f: impl FnOnce(*mut *mut partcert_error) -> partcert_result) -> Result<(), (u32, String)> {
    let mut error = null_mut();
    let result = f(&mut error);
    if result == partcert_result::OK {
        assert!(error.is_null());
        return Ok(());
    }
    unsafe {
        assert_eq!(partcert_error_code(error), result);
        let message = text(partcert_error_message(error));
        partcert_error_free(error);
        Err((result.0, message))
    }
}

struct World {
    root: Vec<u8>,
    line: Vec<u8>,
    registry: Vec<u8>,
    board: Vec<u8>,
    screen: Vec<u8>,
    record: Vec<u8>,
    lists: Vec<Vec<u8>>,
}

/// Issued with the core's Rust API; the bytes are what C would read from files.
fn world() -> World {
    let years = |n: u64| Validity::days_from(T0, 365 * n);
    let root = Authority::new_manufacturer_root(
        SecretKey::from_seed(&[1; 32]),
        "Acme root",
        &["Acme"],
        years(30),
    )
    .unwrap();
    let line_key = SecretKey::from_seed(&[2; 32]);
    let line = Authority::new(
        line_key.clone(),
        root.certify_part_issuer(
            "Acme line 3",
            line_key.public_key(),
            &[PartKind::Board, PartKind::Screen],
            &["Acme"],
            2,
            years(20),
        )
        .unwrap(),
    )
    .unwrap();
    let pairing_key = SecretKey::from_seed(&[3; 32]);
    let pairing = Authority::new(
        pairing_key.clone(),
        root.certify_pairing_service("Acme pairing", pairing_key.public_key(), 3, years(20))
            .unwrap(),
    )
    .unwrap();
    let imei: Imei = "356938035643809".parse().unwrap();
    let spec = |kind, serial: &str, imeis: Vec<Imei>| PartSpec {
        kind,
        manufacturer: "Acme".into(),
        model: "A1".into(),
        serial: serial.into(),
        imeis,
        key: None,
    };
    let board = line
        .certify_part(&spec(PartKind::Board, "BRD-1", vec![imei]), 10, years(30))
        .unwrap();
    let screen = line
        .certify_part(&spec(PartKind::Screen, "SCR-1", vec![]), 11, years(30))
        .unwrap();
    let record = pairing
        .pair(
            &board,
            std::slice::from_ref(&screen),
            1,
            PairingEvent::FactoryBuild,
            T0,
        )
        .unwrap();
    let registry =
        Authority::new_blocklist_root(SecretKey::from_seed(&[4; 32]), "Register", years(30))
            .unwrap();
    // Sequence k lists the handset when k is odd.
    let lists = (1..=20u64)
        .map(|k| {
            let entries = if k % 2 == 1 {
                BlocklistEntry::for_reported_handset(
                    &record,
                    Reason::Stolen,
                    T0,
                    ListingStatus::Final,
                )
            } else {
                vec![]
            };
            let publication = Publication {
                format: Format::Sorted,
                version: ListVersion::new(1, k),
                issued_at: T0 + k,
                expires_at: T0 + 30 * 86_400,
                base: Base::None,
                delisted: &[],
            };
            let published = registry.publish(&publication, entries).unwrap();
            published.list.as_bytes().to_vec()
        })
        .collect();
    World {
        root: root.certificate().as_bytes().to_vec(),
        line: line.certificate().as_bytes().to_vec(),
        registry: registry.certificate().as_bytes().to_vec(),
        board: board.as_bytes().to_vec(),
        screen: screen.as_bytes().to_vec(),
        record: record.as_bytes().to_vec(),
        lists,
    }
}

fn trust_of(w: &World) -> *mut partcert_trust_store {
    let trust = partcert_trust_store_new();
    unsafe {
        call(|e| {
            partcert_trust_store_add_manufacturer_root(
                trust,
                w.root.as_ptr(),
                w.root.len(),
                null_mut(),
                e,
            )
        })
        .unwrap();
        call(|e| {
            partcert_trust_store_add_blocklist_root(
                trust,
                w.registry.as_ptr(),
                w.registry.len(),
                null_mut(),
                e,
            )
        })
        .unwrap();
        call(|e| {
            partcert_trust_store_add_chain_certificate(trust, w.line.as_ptr(), w.line.len(), e)
        })
        .unwrap();
    }
    trust
}

fn verify(
    trust: *const partcert_trust_store, blocklist: *const partcert_blocklist, part: &[u8],
) -> Result<*mut partcert_verdict, (u32, String)> {
    let mut evidence = null_mut();
    let mut verdict = null_mut();
    unsafe {
        call(|e| partcert_part_evidence_new(part.as_ptr(), part.len(), &mut evidence, e))?;
        let result = call(|e| {
            partcert_verify_part(trust, blocklist, null(), 0, evidence, NOW, &mut verdict, e)
        });
        partcert_part_evidence_free(evidence);
        result.map(|()| verdict)
    }
}

#[test]
fn a_verdict_reads_as_plain_values_and_failures_explain_themselves() {
    let w = world();
    let trust = trust_of(&w);
    unsafe {
        let verdict = verify(trust, null(), &w.screen).unwrap();
        assert_eq!(text(partcert_verdict_serial(verdict)), "SCR-1");
        assert_eq!(text(partcert_verdict_issuer_name(verdict)), "Acme line 3");
        assert_eq!(partcert_verdict_part_kind(verdict), 2);
        assert!(!partcert_verdict_is_blocked(verdict));
        assert!(partcert_verdict_provenance(verdict).is_null());
        assert!(text(partcert_verdict_json(verdict)).contains("\"serial\":\"SCR-1\""));
        partcert_verdict_free(verdict);

        // Too late: the detail says when it expired and when it was checked.
        let mut evidence = null_mut();
        let mut verdict = null_mut();
        call(|e| partcert_part_evidence_new(w.screen.as_ptr(), w.screen.len(), &mut evidence, e))
            .unwrap();
        let (code, message) = call(|e| {
            partcert_verify_part(
                trust,
                null(),
                null(),
                0,
                evidence,
                T0 + 40 * 365 * 86_400,
                &mut verdict,
                e,
            )
        })
        .unwrap_err();
        assert_eq!(code, 301);
        assert!(message.contains("expired at"), "{message}");
        assert!(
            verdict.is_null(),
            "out-parameters are written only on success"
        );
        // A NULL argument is named.
        let (code, message) = call(|e| {
            partcert_verify_part(null(), null(), null(), 0, evidence, NOW, &mut verdict, e)
        })
        .unwrap_err();
        assert_eq!((code, message.as_str()), (500, "argument `trust` is NULL"));
        partcert_part_evidence_free(evidence);
        // Reads of NULL give empty values.
        assert_eq!(text(partcert_verdict_summary(null())), "");
        assert!(!partcert_verdict_is_blocked(null()));
        partcert_trust_store_free(trust);
    }
}

#[test]
fn a_replaced_part_is_reported_as_not_in_the_record() {
    let w = world();
    let trust = trust_of(&w);
    unsafe {
        let other = world_with_other_screen();
        let mut handset = null_mut();
        let mut report = null_mut();
        call(|e| partcert_handset_evidence_new(w.record.as_ptr(), w.record.len(), &mut handset, e))
            .unwrap();
        for part in [&w.board, &other] {
            call(|e| {
                partcert_handset_evidence_add_part_certificate(
                    handset,
                    part.as_ptr(),
                    part.len(),
                    e,
                )
            })
            .unwrap();
        }
        call(|e| partcert_verify_handset(trust, null(), handset, NOW, &mut report, e)).unwrap();
        let board = &*partcert_handset_report_part(report, 0);
        let replaced = &*partcert_handset_report_part(report, 1);
        assert!(board.listed_in_record);
        assert!(!replaced.listed_in_record);
        assert_eq!(replaced.outcome, partcert_result::OK);
        assert_eq!(partcert_handset_report_missing_count(report), 1);
        assert!(!partcert_handset_report_all_original(report));
        partcert_handset_report_free(report);
        partcert_handset_evidence_free(handset);
        partcert_trust_store_free(trust);
    }
}

/// A screen from the same line that handset 1's record does not list.
fn world_with_other_screen() -> Vec<u8> {
    let line_key = SecretKey::from_seed(&[2; 32]);
    let root = Authority::new_manufacturer_root(
        SecretKey::from_seed(&[1; 32]),
        "Acme root",
        &["Acme"],
        Validity::days_from(T0, 365 * 30),
    )
    .unwrap();
    let line = Authority::new(
        line_key.clone(),
        root.certify_part_issuer(
            "Acme line 3",
            line_key.public_key(),
            &[PartKind::Board, PartKind::Screen],
            &["Acme"],
            2,
            Validity::days_from(T0, 365 * 20),
        )
        .unwrap(),
    )
    .unwrap();
    let spec = PartSpec {
        kind: PartKind::Screen,
        manufacturer: "Acme".into(),
        model: "A1".into(),
        serial: "SCR-OTHER".into(),
        imeis: vec![],
        key: None,
    };
    line.certify_part(&spec, 99, Validity::days_from(T0, 365 * 30))
        .unwrap()
        .as_bytes()
        .to_vec()
}

#[test]
fn readers_keep_their_snapshot_while_a_holder_publishes_updates() {
    let w = world();
    let trust = trust_of(&w);
    unsafe {
        let first = partcert_blocklist_new();
        call(|e| {
            partcert_blocklist_apply(
                first,
                trust,
                w.lists[0].as_ptr(),
                w.lists[0].len(),
                NOW,
                null_mut(),
                e,
            )
        })
        .unwrap();
        let mut holder = null_mut();
        call(|e| partcert_blocklist_holder_new(first, &mut holder, e)).unwrap();
        // Shared now: the first reference may no longer change it.
        let (code, message) = call(|e| {
            partcert_blocklist_apply(
                first,
                trust,
                w.lists[1].as_ptr(),
                w.lists[1].len(),
                NOW,
                null_mut(),
                e,
            )
        })
        .unwrap_err();
        assert_eq!(code, 505, "SharedObject: not a bad argument (503)");
        assert!(message.contains("shared"), "{message}");
        partcert_blocklist_free(first);

        let holder_addr = holder as usize;
        let trust_addr = trust as usize;
        let screen = w.screen.clone();
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let screen = screen.clone();
                std::thread::spawn(move || {
                    let holder = holder_addr as *const partcert_blocklist_holder;
                    let trust = trust_addr as *const partcert_trust_store;
                    for _ in 0..30 {
                        let snapshot = partcert_blocklist_holder_load(holder);
                        let info = &*partcert_blocklist_list(snapshot, 0);
                        let sequence = info.version.sequence;
                        let verdict = verify(trust, snapshot, &screen).unwrap();
                        assert_eq!(partcert_verdict_is_blocked(verdict), sequence % 2 == 1);
                        partcert_verdict_free(verdict);
                        // The snapshot did not change under the reader.
                        assert_eq!(
                            (*partcert_blocklist_list(snapshot, 0)).version.sequence,
                            sequence
                        );
                        partcert_blocklist_free(snapshot);
                    }
                })
            })
            .collect();
        for list in &w.lists[1..] {
            let mut version = partcert_list_version {
                epoch: 0,
                sequence: 0,
            };
            call(|e| {
                partcert_blocklist_holder_apply(
                    holder,
                    trust,
                    list.as_ptr(),
                    list.len(),
                    NOW,
                    &mut version,
                    e,
                )
            })
            .unwrap();
        }
        for reader in readers {
            reader.join().unwrap();
        }
        let last = partcert_blocklist_holder_load(holder);
        assert_eq!((*partcert_blocklist_list(last, 0)).version.sequence, 20);
        partcert_blocklist_free(last);
        partcert_blocklist_holder_free(holder);
        partcert_trust_store_free(trust);
    }
}

#[test]
fn the_chain_pool_finds_a_line_by_key_id() {
    let w = world();
    let bare = partcert_trust_store_new();
    unsafe {
        call(|e| {
            partcert_trust_store_add_manufacturer_root(
                bare,
                w.root.as_ptr(),
                w.root.len(),
                null_mut(),
                e,
            )
        })
        .unwrap();
        assert_eq!(verify(bare, null(), &w.screen).unwrap_err().0, 201);
        call(|e| {
            partcert_trust_store_add_chain_certificate(bare, w.line.as_ptr(), w.line.len(), e)
        })
        .unwrap();
        let verdict = verify(bare, null(), &w.screen).unwrap();
        partcert_verdict_free(verdict);
        assert_eq!(partcert_trust_store_chain_certificate_count(bare), 1);
        partcert_trust_store_free(bare);
    }
}

#[test]
fn a_state_loaded_under_fewer_roots_says_which_authority_it_dropped() {
    let w = world();
    let trust = trust_of(&w);
    let registry_id = *partcert::Certificate::decode(&w.registry)
        .unwrap()
        .issuer()
        .as_bytes();
    unsafe {
        let blocklist = partcert_blocklist_new();
        call(|e| {
            partcert_blocklist_apply(
                blocklist,
                trust,
                w.lists[0].as_ptr(),
                w.lists[0].len(),
                NOW,
                null_mut(),
                e,
            )
        })
        .unwrap();
        let mut saved = null_mut();
        call(|e| partcert_blocklist_save_state(blocklist, &mut saved, e)).unwrap();
        let bytes =
            std::slice::from_raw_parts(partcert_bytes_data(saved), partcert_bytes_len(saved));

        // The registry's root is no longer pinned: loaded, it is dropped and named.
        let makers_only = partcert_trust_store_new();
        call(|e| {
            partcert_trust_store_add_manufacturer_root(
                makers_only,
                w.root.as_ptr(),
                w.root.len(),
                null_mut(),
                e,
            )
        })
        .unwrap();
        let mut loaded = null_mut();
        let mut dropped = null_mut();
        call(|e| {
            partcert_blocklist_load_state(
                makers_only,
                bytes.as_ptr(),
                bytes.len(),
                &mut loaded,
                &mut dropped,
                e,
            )
        })
        .unwrap();
        let ids =
            std::slice::from_raw_parts(partcert_bytes_data(dropped), partcert_bytes_len(dropped));
        assert_eq!(ids, registry_id);
        assert!(!partcert_blocklist_follows_any(loaded));
        partcert_bytes_free(dropped);
        partcert_blocklist_free(loaded);

        // Unfollowed by id: followed once, then not.
        let mut followed = false;
        call(|e| partcert_blocklist_unfollow(blocklist, registry_id.as_ptr(), &mut followed, e))
            .unwrap();
        assert!(followed);
        call(|e| partcert_blocklist_unfollow(blocklist, registry_id.as_ptr(), &mut followed, e))
            .unwrap();
        assert!(!followed);
        assert!(!partcert_blocklist_follows_any(blocklist));

        partcert_bytes_free(saved);
        partcert_blocklist_free(blocklist);
        partcert_trust_store_free(makers_only);
        partcert_trust_store_free(trust);
    }
}

/// The register's own authority, loaded through the C ABI.
fn register(w: &World) -> *mut partcert_authority {
    let mut authority = null_mut();
    unsafe {
        call(|e| {
            partcert_authority_new(
                [4; 32].as_ptr(),
                w.registry.as_ptr(),
                w.registry.len(),
                &mut authority,
                e,
            )
        })
        .unwrap();
    }
    authority
}

/// The entries for the stolen handset (its IMEI, board and screen), `times`
/// times over.
fn stolen(w: &World, times: usize) -> *mut partcert_blocklist_entries {
    let entries = partcert_blocklist_entries_new();
    for _ in 0..times {
        unsafe {
            call(|e| {
                partcert_blocklist_entries_add_reported_handset(
                    entries,
                    w.record.as_ptr(),
                    w.record.len(),
                    partcert_reason::STOLEN.0,
                    T0,
                    partcert_listing_status::FINAL.0,
                    e,
                )
            })
            .unwrap();
        }
    }
    entries
}

/// Arguments of `partcert_authority_publish` but the authority, the lists
/// and the outputs.
struct Publish<'a> {
    format: partcert_list_format,
    sequence: u64,
    base_snapshot: &'a [u8],
    base_held: *const partcert_blocklist,
    delisted: *const partcert_blocklist_entries,
    listed: *const partcert_blocklist_entries,
}

fn publish(
    authority: *const partcert_authority, p: &Publish<'_>,
) -> Result<(Vec<u8>, partcert_list_changes), (u32, String)> {
    let mut list = null_mut();
    let mut changes = null_mut();
    unsafe {
        call(|e| {
            partcert_authority_publish(
                authority,
                p.format.0,
                1,
                p.sequence,
                NOW - 60,
                NOW + 86_400,
                p.base_snapshot.as_ptr(),
                p.base_snapshot.len(),
                p.base_held,
                p.delisted,
                p.listed,
                &mut list,
                &mut changes,
                e,
            )
        })?;
        let bytes = std::slice::from_raw_parts(partcert_bytes_data(list), partcert_bytes_len(list));
        let bytes = bytes.to_vec();
        let counted = *changes;
        partcert_bytes_free(list);
        partcert_list_changes_free(changes);
        Ok((bytes, counted))
    }
}

fn apply(
    blocklist: *mut partcert_blocklist, trust: *const partcert_trust_store, list: &[u8],
) -> Result<u64, (u32, String)> {
    let mut version = partcert_list_version {
        epoch: 0,
        sequence: 0,
    };
    unsafe {
        call(|e| {
            partcert_blocklist_apply(
                blocklist,
                trust,
                list.as_ptr(),
                list.len(),
                NOW,
                &mut version,
                e,
            )
        })?;
    }
    Ok(version.sequence)
}

fn changes(
    carried: u64, listed: u64, delisted: u64, given_twice: u64, total: u64,
) -> partcert_list_changes {
    partcert_list_changes {
        carried,
        listed,
        relisted: 0,
        delisted,
        not_listed: 0,
        given_twice,
        total,
    }
}

#[test]
fn one_call_publishes_every_format_and_one_applies_it_with_the_cores_counts() {
    let w = world();
    let trust = trust_of(&w);
    let authority = register(&w);
    let twice = stolen(&w, 2);
    let imei = partcert_blocklist_entries_new();
    let device = partcert_blocklist_new();
    let blank = Publish {
        format: partcert_list_format::SORTED,
        sequence: 21,
        base_snapshot: &[],
        base_held: null(),
        delisted: null(),
        listed: twice,
    };
    unsafe {
        call(|e| {
            partcert_blocklist_entries_add_handset(
                imei,
                356_938_035_643_809,
                partcert_reason::STOLEN.0,
                T0,
                partcert_listing_status::FINAL.0,
                e,
            )
        })
        .unwrap();
        // A first sorted list: three keys, each given twice alike.
        let (sorted, counted) = publish(authority, &blank).unwrap();
        assert_eq!(counted, changes(0, 3, 0, 3, 3));
        assert_eq!(apply(device, trust, &sorted), Ok(21));

        // A delta over what the device holds, delisting the IMEI.
        let delta = Publish {
            format: partcert_list_format::DELTA,
            sequence: 22,
            base_held: device,
            delisted: imei,
            listed: null(),
            ..blank
        };
        let (bytes, counted) = publish(authority, &delta).unwrap();
        // `carried` left out: over a held list the core counts only the keys
        // given again alike (reported to the core's engineer).
        let counted = partcert_list_changes {
            carried: 0,
            ..counted
        };
        assert_eq!(counted, changes(0, 0, 1, 0, 2));
        assert_eq!(apply(device, trust, &bytes), Ok(22));

        // The next whole list, compact, over the sorted master list: the
        // same entries again are carried.
        let compact = Publish {
            format: partcert_list_format::COMPACT,
            sequence: 23,
            base_snapshot: &sorted,
            ..blank
        };
        let (bytes, counted) = publish(authority, &compact).unwrap();
        assert_eq!(counted, changes(3, 0, 0, 3, 3));
        assert_eq!(apply(device, trust, &bytes), Ok(23));

        partcert_blocklist_free(device);
        partcert_blocklist_entries_free(imei);
        partcert_blocklist_entries_free(twice);
        partcert_authority_free(authority);
        partcert_trust_store_free(trust);
    }
}

#[test]
fn the_one_publish_call_refuses_what_the_core_refuses_and_names_bad_arguments() {
    let w = world();
    let authority = register(&w);
    let listed = stolen(&w, 1);
    let imei = partcert_blocklist_entries_new();
    let device = partcert_blocklist_new();
    let blank = Publish {
        format: partcert_list_format::SORTED,
        sequence: 21,
        base_snapshot: &[],
        base_held: null(),
        delisted: null(),
        listed,
    };
    unsafe {
        call(|e| {
            partcert_blocklist_entries_add_handset(
                imei,
                356_938_035_643_809,
                partcert_reason::LOST.0,
                T0,
                partcert_listing_status::FINAL.0,
                e,
            )
        })
        .unwrap();
        let (sorted, _) = publish(authority, &blank).unwrap();
        let both = Publish {
            format: partcert_list_format::DELTA,
            sequence: 22,
            base_snapshot: &sorted,
            base_held: device,
            ..blank
        };
        let (code, message) = publish(authority, &both).unwrap_err();
        assert_eq!((code, message.contains("give one base")), (503, true));
        let unknown = Publish {
            format: partcert_list_format(9),
            ..blank
        };
        assert_eq!(publish(authority, &unknown).unwrap_err().0, 503);
        let no_base = Publish {
            format: partcert_list_format::DELTA,
            sequence: 24,
            ..blank
        };
        assert_eq!(publish(authority, &no_base).unwrap_err().0, 111);
        let contradiction = Publish {
            sequence: 24,
            delisted: imei,
            ..blank
        };
        assert_eq!(publish(authority, &contradiction).unwrap_err().0, 113);
        let (code, message) = publish(null(), &blank).unwrap_err();
        assert_eq!(
            (code, message.as_str()),
            (500, "argument `authority` is NULL")
        );
        // The stolen handset's IMEI, listed lost too: given twice differently.
        let conflicting = stolen(&w, 1);
        call(|e| {
            partcert_blocklist_entries_add_handset(
                conflicting,
                356_938_035_643_809,
                partcert_reason::LOST.0,
                T0,
                partcert_listing_status::FINAL.0,
                e,
            )
        })
        .unwrap();
        let twice_differently = Publish {
            listed: conflicting,
            ..blank
        };
        let (code, message) = publish(authority, &twice_differently).unwrap_err();
        assert_eq!((code, message.contains("given twice")), (110, true));

        partcert_blocklist_free(device);
        partcert_blocklist_entries_free(conflicting);
        partcert_blocklist_entries_free(imei);
        partcert_blocklist_entries_free(listed);
        partcert_authority_free(authority);
    }
}

#[test]
fn the_calls_1_4_replaced_behave_as_before() {
    let w = world();
    let trust = trust_of(&w);
    let authority = register(&w);
    let entries = stolen(&w, 1);
    let blank = Publish {
        format: partcert_list_format::SORTED,
        sequence: 21,
        base_snapshot: &[],
        base_held: null(),
        delisted: null(),
        listed: entries,
    };
    unsafe {
        // The old call signs exactly what the new one does.
        let mut old = null_mut();
        call(|e| {
            partcert_authority_publish_snapshot(
                authority,
                1,
                21,
                NOW - 60,
                NOW + 86_400,
                entries,
                &mut old,
                e,
            )
        })
        .unwrap();
        let old_bytes =
            std::slice::from_raw_parts(partcert_bytes_data(old), partcert_bytes_len(old));
        let (new_bytes, _) = publish(authority, &blank).unwrap();
        assert_eq!(old_bytes, new_bytes.as_slice());
        partcert_bytes_free(old);

        // The one-format calls still take their format only.
        let device = partcert_blocklist_new();
        let (compact, _) = publish(
            authority,
            &Publish {
                format: partcert_list_format::COMPACT,
                ..blank
            },
        )
        .unwrap();
        let (code, message) = call(|e| {
            partcert_blocklist_apply_snapshot(
                device,
                trust,
                compact.as_ptr(),
                compact.len(),
                NOW,
                null_mut(),
                e,
            )
        })
        .unwrap_err();
        assert_eq!(code, 105, "{message}");
        assert_eq!(apply(device, trust, &compact), Ok(21));
        let (code, _) = call(|e| {
            partcert_blocklist_apply_delta(
                device,
                trust,
                new_bytes.as_ptr(),
                new_bytes.len(),
                NOW,
                null_mut(),
                e,
            )
        })
        .unwrap_err();
        assert_eq!(code, 105);

        partcert_blocklist_free(device);
        partcert_blocklist_entries_free(entries);
        partcert_authority_free(authority);
        partcert_trust_store_free(trust);
    }
}
