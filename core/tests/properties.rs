//! Properties every object keeps: it round-trips byte for byte, any flipped
//! bit is caught, and no input whatsoever makes a decoder panic.

mod common;

use common::*;
use proptest::prelude::*;

/// Display text (models, authority names): visible characters, single
/// interior spaces, within the byte bound.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9._/é-]( ?[A-Za-z0-9._/é-]){0,41}")
        .expect("regex")
        .prop_filter("within the byte bound", move |s| s.len() <= max)
}

/// A serial in its one written form: upper case, no spaces.
fn serial() -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Z0-9._/:#+-]{{1,{}}}", limits::MAX_SERIAL_LEN))
        .expect("regex")
}

/// A manufacturer name in its one written form: ASCII letters and digits at
/// both ends, single interior spaces, `-.&',()+`.
fn manufacturer() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9](( ?[A-Za-z0-9.&',()+-]){0,60}[A-Za-z0-9])?")
        .expect("regex")
        .prop_filter("within the byte bound", |s| s.len() <= limits::MAX_NAME_LEN)
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
        any::<[u8; 32]>(),
        part_kind(),
        manufacturer(),
        text(limits::MAX_NAME_LEN),
        serial(),
        proptest::option::of(any::<[u8; 32]>()),
        proptest::option::of(imeis()),
    )
        .prop_map(
            |(root, kind, manufacturer, model, serial, key_seed, board_imeis)| {
                let (kind, imeis) = match board_imeis {
                    Some(imeis) => (PartKind::Board, imeis),
                    None => (kind, vec![]),
                };
                PartSubject {
                    root: KeyId(root),
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
        proptest::collection::btree_set(manufacturer(), 1..4),
        0..=limits::MAX_SEQUENCE,
    )
        .prop_map(|(role, name, seed, kinds, makers, epoch)| {
            let issuer = role == AuthorityRole::PartIssuer;
            AuthoritySubject {
                role,
                name,
                key: SecretKey::from_seed(&seed).public_key(),
                permitted_kinds: if issuer {
                    kinds.into_iter().collect()
                } else {
                    vec![]
                },
                manufacturers: if issuer {
                    makers.into_iter().collect()
                } else {
                    vec![]
                },
                epoch: if role == AuthorityRole::BlocklistAuthority {
                    epoch
                } else {
                    0
                },
            }
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
        // Authorities sign only what they may; a body of any subject is
        // signed by hand (`forge`), the way another implementation would.
        let key = SecretKey::from_seed(&seed);
        let subject = if pick_part { Subject::Part(part) } else { Subject::Authority(authority) };
        let body = forge::CertificateBody { serial_number, issuer: key.key_id(), validity, subject };
        let bytes = body.sign_bytes(&key);
        let decoded = Certificate::decode(&bytes).unwrap();
        prop_assert_eq!(&forge::CertificateBody::of(&decoded), &body);
        prop_assert_eq!(decoded.as_bytes(), bytes.as_slice());
        prop_assert_eq!(decoded.subject(), &body.subject);
        prop_assert!(decoded.verify_signed_by(&key.public_key()).is_ok());
        prop_assert!(bytes.len() <= limits::MAX_CERTIFICATE_LEN);
        if let Some(part) = decoded.part() {
            prop_assert_eq!(
                part.part_id(),
                PartId::compute(&part.root, &part.manufacturer, part.kind, &part.serial)
            );
        }
    }

    #[test]
    fn snapshots_and_deltas_round_trip_and_deltas_lead_to_the_new_state(
        old in entries(), new in entries(), epoch in 0u64..4, sequence in 1u64..1_000_000,
        issued_at in T0..T0 + 5 * YEAR,
    ) {
        let world = world();
        let trust = world.trust();
        // The delegated key signs epoch 0 (the one its certificate names);
        // later epochs only the root opens.
        let signer = if epoch == 0 { &world.register } else { &world.register_root };
        let version = |sequence| ListVersion::new(epoch, sequence);
        let from = signer.publish_snapshot(version(sequence), issued_at, issued_at + DAY, old).unwrap();
        let to = signer.publish_snapshot(version(sequence + 1), issued_at + 1, issued_at + 2 * DAY, new).unwrap();
        let decoded = BlocklistSnapshot::decode(to.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &to);

        let delta = signer.publish_delta(&from, &to).unwrap();
        let decoded_delta = BlocklistDelta::decode(delta.as_bytes()).unwrap();
        prop_assert_eq!(&decoded_delta, &delta);

        let mut device = Blocklist::new();
        prop_assert_eq!(device.apply_snapshot(&trust, &from, issued_at).unwrap(), version(sequence));
        prop_assert_eq!(device.apply_delta(&trust, &decoded_delta, issued_at).unwrap(), version(sequence + 1));
        let held = device.list(&world.register_root.key().key_id()).unwrap();
        prop_assert_eq!(held.digest, to.state_digest());
        prop_assert_eq!(held.version, to.version());
        prop_assert_eq!(held.entries(), to.entries());
    }

    /// A device that follows a register's deltas day after day holds the
    /// list, and the state digest, the register gets by building the list
    /// whole, however the changes fall among the chunks the device shares
    /// between versions (lists of thousands of entries, so they span many).
    #[test]
    fn a_device_following_deltas_holds_what_the_register_built_whole(
        size in 500usize..5_000, days in proptest::collection::vec(
            (proptest::collection::vec(any::<proptest::sample::Index>(), 0..60),
             proptest::collection::vec(entry(), 0..60), any::<bool>()), 1..4),
    ) {
        let world = world();
        let trust = world.trust();
        let part = |i: usize| {
            let mut digest = [0u8; 32];
            digest[..8].copy_from_slice(&(i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
            BlocklistEntry {
                key: BlockKey::Part(PartId(digest)),
                reason: Reason::Stolen,
                listed_at: T0,
                status: ListingStatus::Final,
                handset: None,
            }
        };
        let mut list: std::collections::BTreeMap<BlockKey, BlocklistEntry> =
            (0..size).map(part).map(|e| (e.key, e)).collect();
        let publish = |sequence: u64, list: &std::collections::BTreeMap<BlockKey, BlocklistEntry>| {
            world.register.publish_snapshot(seq(sequence), T0 + sequence, T0 + DAY, list.values().copied().collect()).unwrap()
        };
        let mut from = publish(1, &list);
        let mut device = Blocklist::new();
        device.apply_snapshot(&trust, &from, T0 + 1).unwrap();
        for (day, (delisted, listed, run)) in days.into_iter().enumerate() {
            let keys: Vec<BlockKey> = list.keys().copied().collect();
            for pick in delisted {
                // A run of neighbours (a cut must realign) or one key.
                let at = pick.index(keys.len().max(1));
                let span = if run { 150 } else { 1 };
                for key in keys.iter().skip(at).take(span) {
                    list.remove(key);
                }
            }
            list.extend(listed.into_iter().map(|e| (e.key, e)));
            let to = publish(day as u64 + 2, &list);
            let delta = world.register.publish_delta(&from, &to).unwrap();
            let before = device.clone();
            device.apply_delta(&trust, &delta, T0 + 1).unwrap();
            let held = device.list(&world.register_root.key().key_id()).unwrap();
            prop_assert_eq!(held.digest, to.state_digest());
            prop_assert_eq!(held.len(), to.entries().len() as u64);
            prop_assert!(held.iter().eq(to.entries().iter()));
            // The version before is untouched by the update.
            let old = before.list(&world.register_root.key().key_id()).unwrap();
            prop_assert_eq!(old.digest, from.state_digest());
            prop_assert!(old.iter().eq(from.entries().iter()));
            from = to;
        }
    }

    #[test]
    fn revocation_lists_and_challenge_responses_round_trip(
        sequence in 0..=partcert::limits::MAX_SEQUENCE, issued_at in T0 - 5 * YEAR..T0 + 35 * YEAR,
        revoked in proptest::collection::btree_map(any::<[u8; 32]>(), any::<u64>(), 0..50), nonce: [u8; 32],
    ) {
        // The root signs only within its own validity (T0 - 5 years, for 40 years).
        let world = world();
        let revoked: Vec<RevokedKey> = revoked
            .into_iter()
            .map(|(key, since)| RevokedKey { key: KeyId(key), since })
            .collect();
        let list = world.acme_root.revoke(sequence, issued_at, &revoked).unwrap();
        let decoded = RevocationList::decode(list.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &list);
        prop_assert_eq!(decoded.revoked(), revoked.as_slice());
        let mut trust = world.trust();
        trust.apply_revocation_list(&decoded, issued_at).unwrap();
        for revoked in &revoked {
            prop_assert_eq!(
                trust.revoked_since(&world.acme_root.key().key_id(), &revoked.key),
                Some(revoked.since)
            );
        }

        let response = ChallengeResponse::respond(&world.bob.camera_key, &Challenge::new(nonce), &world.bob.camera).unwrap();
        let decoded = ChallengeResponse::decode(response.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &response);
        prop_assert!(decoded.verify(&Challenge::new(nonce), &world.bob.camera).is_ok());
    }

    #[test]
    fn pairing_records_round_trip(
        sequence in 0..=partcert::limits::MAX_SEQUENCE,
        issued_at in T0 - 5 * YEAR..T0 + 20 * YEAR,
        repair: bool,
        count in 0usize..6,
    ) {
        let world = world();
        let parts: Vec<Certificate> = (0..count)
            .map(|i| world.acme_line.certify_part(&spec(PartKind::Battery, &format!("BAT-{i}"), vec![], None), i as u64, years(30)).unwrap())
            .collect();
        let event = if repair { PairingEvent::Repair } else { PairingEvent::FactoryBuild };
        let record = world.acme_pairing.pair(&world.bob.board, &parts, sequence, event, issued_at).unwrap();
        let decoded = PairingRecord::decode(record.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &record);
        prop_assert_eq!(decoded.parts().len(), count);
    }

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = Object::decode(&bytes);
        let _ = RollbackState::decode(&bytes);
        let trust = world().trust();
        let mut stored = b"PCBS".to_vec();
        stored.push(FORMAT_VERSION);
        stored.extend(&bytes);
        let _ = Blocklist::decode_state(&stored, &trust);
        // Saved states end in a checksum: with a correct one, the bytes
        // reach the decoders themselves.
        let _ = Blocklist::decode_state(&with_checksum(stored), &trust);
        let mut marks = b"PCRB".to_vec();
        marks.push(FORMAT_VERSION);
        marks.extend(&bytes);
        let _ = RollbackState::decode(&with_checksum(marks));
    }

    #[test]
    fn any_header_with_arbitrary_body_never_panics(tag in 0u8..8, body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = internal::MAGIC.to_vec();
        bytes.extend([FORMAT_VERSION, tag]);
        bytes.extend(body);
        if let Err(error) = Object::decode(&bytes) {
            // Version 2 bounds epochs and sequences (2^53 - 1) at decode too:
            // that one blocklist-state error is a decoding error as well.
            prop_assert!(
                matches!(error.family(), ErrorFamily::Malformed | ErrorFamily::Trust)
                    || error.code() == ErrorCode::SequenceLeap,
                "{error:?}"
            );
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

/// SHA-256 of `bytes`, appended: how saved local states end.
fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let checksum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&checksum);
    bytes
}

/// The revoked key in the fixture revocation list.
fn fixture_revoked() -> RevokedKey {
    RevokedKey {
        key: KeyId([5; 32]),
        since: T0 - DAY,
    }
}

/// One of each signed object, from the fixture world.
fn signed_objects(world: &World) -> Vec<(&'static str, Vec<u8>)> {
    let v1 = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let v2 = world.alice_reported_stolen(2);
    let delta = world.register.publish_delta(&v1, &v2).unwrap();
    let revocation = world.acme_root.revoke(1, T0, &[fixture_revoked()]).unwrap();
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
                .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
                .unwrap();
            let mut blocklist = Blocklist::new();
            blocklist.apply_snapshot(&trust, &v1, at).unwrap();
            blocklist.apply_delta(&trust, &delta, at).map(drop)
        }
        Object::RevocationList(list) => {
            let mut trust = trust.clone();
            trust.apply_revocation_list(&list, at)?;
            // The list verified: it must then be exactly the original one.
            (list.revoked() == [fixture_revoked()])
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
        code(&[b'P', b'C', b'R', b'T', FORMAT_VERSION, 200]),
        ErrorCode::UnknownObjectType
    );
    // Format version 1 objects are refused outright.
    let mut version_1 = good.to_vec();
    version_1[4] = 1;
    assert_eq!(code(&version_1), ErrorCode::UnsupportedVersion);
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
    let mut absurd = internal::MAGIC.to_vec();
    absurd.extend([FORMAT_VERSION, forge::BLOCKLIST_SNAPSHOT]);
    absurd.push(0); // empty signer certificate
    absurd.extend([0; 32]); // authority
    absurd.extend([1, 1, 1, 1]); // epoch, sequence, issued_at, expires_at
    absurd.extend([0xff, 0xff, 0xff, 0xff, 0x0f]); // entry count: 2^32 - 1
    absurd.extend([0; 64]);
    // The decoder sees the input cannot hold them and stops without allocating for them.
    assert_eq!(
        BlocklistSnapshot::decode(&absurd).unwrap_err().code(),
        ErrorCode::Truncated
    );

    // A revocation list declaring (and carrying) more keys than the format allows.
    let too_many = limits::MAX_REVOKED_KEYS + 1;
    let mut over = internal::MAGIC.to_vec();
    over.extend([FORMAT_VERSION, forge::REVOCATION_LIST]);
    over.extend([0; 32]); // root
    over.extend([1, 1]); // sequence, issued_at
    over.extend([(too_many as u8) | 0x80, (too_many >> 7) as u8]); // count, as a varint
    over.extend(vec![0; too_many * (32 + 1) + 64]); // each: key id, since
    assert_eq!(
        RevocationList::decode(&over).unwrap_err(),
        Error::DeclaredLengthOverBound
    );

    // An IMEI whose check digit is wrong, inside a correctly framed record.
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
