//! Properties every object keeps: it round-trips byte for byte, any flipped
//! bit is caught, and no input whatsoever makes a decoder panic.

mod common;

use common::*;
use partcert::*;
use proptest::prelude::*;

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9 ._/é-]{{1,{max}}}"))
        .expect("regex")
        .prop_filter("within the byte bound", move |s| s.len() <= max)
}

fn imeis() -> impl Strategy<Value = Vec<Imei>> {
    proptest::collection::btree_set(
        10_000_000_000_000u64..99_999_999_999_999,
        1..=limits::MAX_IMEIS,
    )
    .prop_map(|bodies| {
        let mut imeis: Vec<Imei> = bodies.into_iter().map(imei).collect();
        imeis.sort();
        imeis.dedup();
        imeis
    })
}

fn validity() -> impl Strategy<Value = Validity> {
    (0u64..u64::MAX / 2, 0u64..u64::MAX / 2).prop_map(|(start, length)| Validity {
        not_before: start,
        not_after: start + length,
    })
}

fn part_kind() -> impl Strategy<Value = PartKind> {
    (2u16..u16::MAX).prop_map(PartKind::from_code)
}

fn part_subject() -> impl Strategy<Value = PartSubject> {
    (
        part_kind(),
        text(limits::MAX_NAME_LEN),
        text(limits::MAX_NAME_LEN),
        text(limits::MAX_SERIAL_LEN),
        proptest::option::of(any::<[u8; 32]>()),
        proptest::option::of(imeis()),
    )
        .prop_map(
            |(kind, manufacturer, model, serial, key_seed, board_imeis)| {
                let (kind, imeis) = match board_imeis {
                    Some(imeis) => (PartKind::Board, imeis),
                    None => (kind, vec![]),
                };
                PartSubject {
                    kind,
                    manufacturer,
                    model,
                    serial,
                    imeis,
                    key: key_seed.map(|seed| SecretKey::from_seed(&seed).public_key()),
                }
            },
        )
}

fn authority_subject() -> impl Strategy<Value = AuthoritySubject> {
    (
        prop_oneof![
            Just(AuthorityRole::PartIssuer),
            Just(AuthorityRole::PairingService),
            Just(AuthorityRole::BlocklistAuthority),
        ],
        text(limits::MAX_NAME_LEN),
        any::<[u8; 32]>(),
        proptest::collection::btree_set(part_kind(), 1..8),
    )
        .prop_map(|(role, name, seed, kinds)| AuthoritySubject {
            role,
            name,
            key: SecretKey::from_seed(&seed).public_key(),
            permitted_kinds: if role == AuthorityRole::PartIssuer {
                kinds.into_iter().collect()
            } else {
                vec![]
            },
        })
}

fn entry() -> impl Strategy<Value = BlocklistEntry> {
    (
        prop_oneof![
            (10_000_000_000_000u64..99_999_999_999_999).prop_map(|b| BlockKey::Imei(imei(b))),
            any::<[u8; 32]>().prop_map(|d| BlockKey::Part(PartId(d))),
        ],
        prop_oneof![
            Just(Reason::Stolen),
            Just(Reason::Lost),
            Just(Reason::Fraud)
        ],
        any::<u64>(),
        prop_oneof![Just(ListingStatus::Final), Just(ListingStatus::Suspended)],
        proptest::option::of((10_000_000_000_000u64..99_999_999_999_999).prop_map(imei)),
    )
        .prop_map(|(key, reason, listed_at, status, handset)| BlocklistEntry {
            key,
            reason,
            listed_at,
            status,
            handset,
        })
}

fn entries() -> impl Strategy<Value = Vec<BlocklistEntry>> {
    proptest::collection::btree_map(any::<u8>(), entry(), 0..40).prop_map(|map| {
        let mut by_key = std::collections::BTreeMap::new();
        for entry in map.into_values() {
            by_key.insert(entry.key, entry);
        }
        by_key.into_values().collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn certificates_round_trip(serial_number: u64, seed: [u8; 32], validity in validity(),
                               part in part_subject(), authority in authority_subject(), pick_part: bool) {
        let key = SecretKey::from_seed(&seed);
        let subject = if pick_part { Subject::Part(part) } else { Subject::Authority(authority) };
        let body = CertificateBody { serial_number, issuer: key.key_id(), validity, subject };
        let certificate = Certificate::sign(body.clone(), &key).unwrap();
        let decoded = Certificate::decode(certificate.as_bytes()).unwrap();
        prop_assert_eq!(decoded.body(), &body);
        prop_assert_eq!(decoded.as_bytes(), certificate.as_bytes());
        prop_assert!(decoded.verify_signed_by(&key.public_key()).is_ok());
        prop_assert!(certificate.as_bytes().len() <= limits::MAX_CERTIFICATE_LEN);
    }

    #[test]
    fn snapshots_and_deltas_round_trip_and_deltas_lead_to_the_new_state(
        old in entries(), new in entries(), sequence in 1u64..1_000_000, issued_at in T0..T0 + 5 * YEAR,
    ) {
        let world = world();
        let trust = world.trust();
        let from = world.register.publish_snapshot(sequence, issued_at, issued_at + DAY, old).unwrap();
        let to = world.register.publish_snapshot(sequence + 1, issued_at + 1, issued_at + 2 * DAY, new).unwrap();
        let decoded = BlocklistSnapshot::decode(to.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &to);

        let delta = world.register.publish_delta(&from, &to).unwrap();
        let decoded_delta = BlocklistDelta::decode(delta.as_bytes()).unwrap();
        prop_assert_eq!(&decoded_delta, &delta);

        let mut device = Blocklist::new();
        device.apply_snapshot(&trust, &from, issued_at).unwrap();
        device.apply_delta(&trust, &decoded_delta, issued_at).unwrap();
        let held = device.list(&world.register_root.key().key_id()).unwrap();
        prop_assert_eq!(held.digest, to.state_digest());
        prop_assert_eq!(held.entries(), to.body().entries.as_slice());
    }

    #[test]
    fn revocation_lists_and_challenge_responses_round_trip(
        sequence: u64, issued_at: u64, revoked in proptest::collection::vec(any::<[u8; 32]>(), 0..50), nonce: [u8; 32],
    ) {
        let world = world();
        let revoked: Vec<KeyId> = revoked.into_iter().map(KeyId).collect();
        let list = world.acme_root.revoke(sequence, issued_at, &revoked).unwrap();
        prop_assert_eq!(&RevocationList::decode(list.as_bytes()).unwrap(), &list);

        let response = ChallengeResponse::respond(&world.bob.camera_key, &Challenge::new(nonce), &world.bob.camera).unwrap();
        let decoded = ChallengeResponse::decode(response.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &response);
        prop_assert!(decoded.verify(&Challenge::new(nonce), &world.bob.camera).is_ok());
    }

    #[test]
    fn pairing_records_round_trip(sequence: u64, issued_at: u64, repair: bool, count in 0usize..6) {
        let world = world();
        let parts: Vec<Certificate> = (0..count)
            .map(|i| world.acme_line.certify_part(&spec(PartKind::Battery, &format!("BAT-{i}"), vec![], None), i as u64, years(30)).unwrap())
            .collect();
        let event = if repair { PairingEvent::Repair } else { PairingEvent::FactoryBuild };
        let record = world.acme_pairing.pair(&world.bob.board, &parts, sequence, event, issued_at).unwrap();
        let decoded = PairingRecord::decode(record.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &record);
        prop_assert_eq!(decoded.body().parts.len(), count);
    }

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = Object::decode(&bytes);
        let _ = RollbackState::decode(&bytes);
        let mut stored = b"PCBS\x01".to_vec();
        stored.extend(&bytes);
        let _ = Blocklist::decode_state(&stored, &world().trust());
    }

    #[test]
    fn any_header_with_arbitrary_body_never_panics(tag in 0u8..8, body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = MAGIC.to_vec();
        bytes.extend([FORMAT_VERSION, tag]);
        bytes.extend(body);
        if let Err(error) = Object::decode(&bytes) {
            prop_assert!(matches!(error.family(), ErrorFamily::Malformed | ErrorFamily::Trust), "{error:?}");
        }
    }

    #[test]
    fn mutated_objects_never_panic_and_never_pass_verification(
        pick in 0usize..6, edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(), mode in 0u8..3,
    ) {
        let world = world();
        let objects = signed_objects(&world);
        let original = objects[pick].1.clone();
        let mut bytes = original.clone();
        match mode {
            0 => for (index, value) in &edits { let i = index.index(bytes.len()); bytes[i] = *value; },
            1 => bytes.truncate(cut.index(bytes.len())),
            _ => { let i = cut.index(bytes.len()); bytes.insert(i, edits[0].1); }
        }
        if bytes != original {
            prop_assert!(verify_any(&world, &bytes).is_err());
        }
    }
}

/// One of each signed object, from the fixture world.
fn signed_objects(world: &World) -> Vec<(&'static str, Vec<u8>)> {
    let v1 = world
        .register
        .publish_snapshot(1, T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let v2 = world.alice_reported_stolen(2);
    let delta = world.register.publish_delta(&v1, &v2).unwrap();
    let revocation = world.acme_root.revoke(1, T0, &[KeyId([5; 32])]).unwrap();
    let response = ChallengeResponse::respond(
        &world.bob.camera_key,
        &Challenge::new([3; 32]),
        &world.bob.camera,
    )
    .unwrap();
    vec![
        ("part certificate", world.bob.screen.as_bytes().to_vec()),
        ("pairing record", world.bob.pairing.as_bytes().to_vec()),
        ("blocklist snapshot", v2.as_bytes().to_vec()),
        ("blocklist delta", delta.as_bytes().to_vec()),
        ("revocation list", revocation.as_bytes().to_vec()),
        ("challenge response", response.as_bytes().to_vec()),
    ]
}

/// Decodes and fully verifies any object the way its consumer would.
fn verify_any(world: &World, bytes: &[u8]) -> Result<(), Error> {
    let trust = world.trust();
    let chain = world.chain();
    let at = T0 + 3 * DAY;
    match Object::decode(bytes)? {
        Object::Certificate(certificate) => Verifier::new(&trust)
            .verify_part(&PartEvidence::new(&certificate, &chain), at)
            .map(drop),
        Object::PairingRecord(record) => Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&record),
                at,
            )
            .map(drop),
        Object::BlocklistSnapshot(snapshot) => Blocklist::new()
            .apply_snapshot(&trust, &snapshot, at)
            .map(drop),
        Object::BlocklistDelta(delta) => {
            let v1 = world
                .register
                .publish_snapshot(1, T0, T0 + 9 * DAY, vec![])
                .unwrap();
            let mut blocklist = Blocklist::new();
            blocklist.apply_snapshot(&trust, &v1, at).unwrap();
            blocklist.apply_delta(&trust, &delta, at).map(drop)
        }
        Object::RevocationList(list) => {
            let mut trust = trust.clone();
            trust.apply_revocation_list(&list)?;
            // The list verified: it must then be exactly the original one.
            (list.body().revoked == [KeyId([5; 32])])
                .then_some(())
                .ok_or(Error::BadSignature("revocation list"))
        }
        Object::ChallengeResponse(response) => Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&world.bob.camera, &chain)
                    .with_challenge(&Challenge::new([3; 32]), &response),
                at,
            )
            .map(drop),
        _ => Err(Error::MalformedBody("unexpected object")),
    }
}

#[test]
fn flipping_any_single_bit_of_any_signed_object_makes_it_fail() {
    let world = world();
    for (name, original) in signed_objects(&world) {
        assert!(
            verify_any(&world, &original).is_ok(),
            "{name} verifies untouched"
        );
        for bit in 0..original.len() * 8 {
            let mut bytes = original.clone();
            bytes[bit / 8] ^= 1 << (bit % 8);
            let outcome = verify_any(&world, &bytes);
            assert!(
                outcome.is_err(),
                "{name}: flipping bit {bit} went unnoticed"
            );
        }
    }
}

#[test]
fn hostile_envelopes_get_precise_errors() {
    let world = world();
    let good = world.alice.screen.as_bytes();
    let code = |bytes: &[u8]| Certificate::decode(bytes).unwrap_err().code();

    assert_eq!(code(&[]), ErrorCode::Truncated);
    assert_eq!(code(b"PC"), ErrorCode::Truncated);
    assert_eq!(code(b"JUNKJUNK"), ErrorCode::BadMagic);
    assert_eq!(
        code(&[b'P', b'C', b'R', b'T', 9, 1]),
        ErrorCode::UnsupportedVersion
    );
    assert_eq!(
        code(&[b'P', b'C', b'R', b'T', 1, 200]),
        ErrorCode::UnknownObjectType
    );
    assert_eq!(
        code(world.bob.pairing.as_bytes()),
        ErrorCode::WrongObjectType
    );
    assert_eq!(code(&good[..good.len() - 1]), ErrorCode::Truncated);
    assert_eq!(code(&good[..40]), ErrorCode::Truncated);
    let mut trailing = good.to_vec();
    trailing.extend([0; 3]);
    assert_eq!(code(&trailing), ErrorCode::TrailingBytes);
    let mut huge = good.to_vec();
    huge.resize(limits::MAX_CERTIFICATE_LEN + 1, 0);
    assert_eq!(code(&huge), ErrorCode::LengthOverBound);

    // An overlong integer (serial number 101 as two bytes) is one encoding too many.
    assert_eq!(good[6], 101);
    let mut overlong = good[..6].to_vec();
    overlong.extend([101 | 0x80, 0x00]);
    overlong.extend(&good[7..]);
    assert_eq!(code(&overlong), ErrorCode::NotCanonical);

    // A snapshot declaring four billion entries in a few bytes.
    let mut absurd = MAGIC.to_vec();
    absurd.extend([FORMAT_VERSION, ObjectType::BlocklistSnapshot as u8]);
    absurd.push(0); // empty signer certificate
    absurd.extend([0; 32]); // authority
    absurd.extend([1, 1, 1]); // sequence, issued_at, expires_at
    absurd.extend([0xff, 0xff, 0xff, 0xff, 0x0f]); // entry count: 2^32 - 1
    absurd.extend([0; 64]);
    // The decoder sees the input cannot hold them and stops without allocating for them.
    assert_eq!(
        BlocklistSnapshot::decode(&absurd).unwrap_err().code(),
        ErrorCode::Truncated
    );

    // A revocation list declaring (and carrying) more keys than the format allows.
    let too_many = limits::MAX_REVOKED_KEYS + 1;
    let mut over = MAGIC.to_vec();
    over.extend([FORMAT_VERSION, ObjectType::RevocationList as u8]);
    over.extend([0; 32]); // root
    over.extend([1, 1]); // sequence, issued_at
    over.extend([(too_many as u8) | 0x80, (too_many >> 7) as u8]); // count, as a varint
    over.extend(vec![0; too_many * 32 + 64]);
    assert_eq!(
        RevocationList::decode(&over).unwrap_err(),
        Error::DeclaredLengthOverBound
    );

    // An IMEI whose check digit is wrong, inside a correctly framed record.
    let mut body = world.bob.pairing.body().clone();
    body.imeis = vec![Imei::from_u64(world.bob.imei.as_u64()).unwrap()];
    let mut bytes = world.bob.pairing.as_bytes().to_vec();
    let imei_bytes = {
        let mut v = Vec::new();
        let mut n = world.bob.imei.as_u64();
        while n >= 0x80 {
            v.push((n as u8) | 0x80);
            n >>= 7;
        }
        v.push(n as u8);
        v
    };
    let at = bytes
        .windows(imei_bytes.len())
        .position(|w| w == imei_bytes.as_slice())
        .unwrap();
    bytes[at] ^= 1; // the IMEI's lowest bit: the Luhn digit no longer checks
    assert_eq!(
        PairingRecord::decode(&bytes).unwrap_err().code(),
        ErrorCode::InvalidImei
    );
}
