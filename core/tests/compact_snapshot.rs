//! A national register publishes its list in the compact format: the same
//! stories (a harvested screen blocked, a donor clean), the same trust
//! rules (signer, epoch, anti-rollback, saved state), at a fraction of the
//! size.

mod common;

use common::*;

fn reported(world: &World) -> Vec<BlocklistEntry> {
    BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    )
}

#[test]
fn a_compact_register_list_blocks_the_harvested_screen_and_clears_the_donor() {
    let world = world();
    let trust = world.trust();
    let compact = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &reported(&world))
        .expect("compact list");
    let decoded = CompactSnapshot::decode(compact.as_bytes()).expect("decodes");
    assert_eq!(decoded, compact);
    assert!(matches!(
        Object::decode(compact.as_bytes()),
        Ok(Object::CompactSnapshot(_))
    ));
    assert_eq!(
        partcert::internal::reencoded_body(&Object::CompactSnapshot(Box::new(decoded.clone()))),
        forge::body_bytes(compact.as_bytes())
    );

    let mut blocklist = Blocklist::new();
    assert_eq!(
        blocklist.apply_compact_snapshot(&trust, &decoded, T0 + 2 * DAY),
        Ok(seq(1))
    );
    // Alice's IMEI, her four parts and her camera's key.
    assert_eq!(blocklist.lists().next().expect("held").len(), 6);
    let chain = world.chain();
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);
    let harvested = verifier
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &chain),
            T0 + 3 * DAY,
        )
        .expect("genuine");
    assert!(harvested.is_blocked());
    let listing = &harvested.blocklist.listings()[0];
    assert!(listing.by_fingerprint, "a part hit is a fingerprint hit");
    assert_eq!(listing.reason, Reason::Stolen);
    assert_eq!(listing.handset, Some(world.alice.imei));
    assert_eq!(
        listing.listed_at,
        T0 + DAY,
        "the listing time is kept to the day"
    );
    let donor = verifier
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 3 * DAY)
        .expect("genuine");
    assert!(matches!(donor.blocklist, BlocklistStatus::Clean { .. }));
    // The board by its IMEI: an exact hit.
    let board = verifier
        .verify_part(&PartEvidence::new(&world.alice.board, &chain), T0 + 3 * DAY)
        .expect("genuine");
    assert!(board.is_blocked());
    assert!(board.blocklist.listings().iter().any(|l| !l.by_fingerprint));
}

#[test]
fn a_compact_list_keeps_every_rule_of_a_sorted_one() {
    let world = world();
    let trust = world.trust();
    let mut blocklist = Blocklist::new();
    let sorted = world.alice_reported_stolen(2);
    blocklist
        .apply_snapshot(&trust, &sorted, T0 + 2 * DAY)
        .expect("sorted list");
    // An older compact list is a rollback; the same version with other
    // content conflicts; a newer one replaces the sorted list.
    let older = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &[])
        .expect("older");
    let before = blocklist.clone();
    assert_eq!(
        blocklist
            .apply_compact_snapshot(&trust, &older, T0 + 2 * DAY)
            .unwrap_err()
            .code(),
        ErrorCode::Rollback
    );
    let conflicting = world
        .register
        .publish_compact_snapshot(seq(2), T0 + 2 * DAY, T0 + 9 * DAY, &[])
        .expect("same version");
    assert_eq!(
        blocklist
            .apply_compact_snapshot(&trust, &conflicting, T0 + 2 * DAY)
            .unwrap_err()
            .code(),
        ErrorCode::ConflictingSequence
    );
    assert_eq!(blocklist, before, "refused lists change nothing");
    let newer = world
        .register
        .publish_compact_snapshot(seq(3), T0 + 3 * DAY, T0 + 9 * DAY, &reported(&world))
        .expect("newer");
    assert_eq!(
        blocklist.apply_compact_snapshot(&trust, &newer, T0 + 3 * DAY),
        Ok(seq(3))
    );
    // A delegated key outside its epoch, and a tampered list, are refused.
    assert_eq!(
        world
            .register
            .publish_compact_snapshot(ListVersion::new(1, 1), T0, T0 + DAY, &[])
            .unwrap_err()
            .code(),
        ErrorCode::EpochNotPermitted
    );
    // A list byte altered: its blocks no longer lead to the signed root.
    let mut altered = newer.as_bytes().to_vec();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    assert_eq!(
        CompactSnapshot::decode(&altered).map_err(|e| e.code()),
        Err(ErrorCode::BadSignature)
    );
    // The signature altered: it decodes, and is refused when applied.
    let mut tampered = newer.as_bytes().to_vec();
    let signature_end = partcert::internal::signed_part(&tampered).len();
    tampered[signature_end - 1] ^= 1;
    let tampered = CompactSnapshot::decode(&tampered).expect("well-formed");
    assert_eq!(
        Blocklist::new()
            .apply_compact_snapshot(&trust, &tampered, T0 + 3 * DAY)
            .unwrap_err()
            .code(),
        ErrorCode::BadSignature
    );
    // A sorted list's delta does not start from a compact list's state
    // (deltas over a compact list: tests/compact_deltas.rs).
    let next_sorted = world.alice_reported_stolen(4);
    let delta = world
        .register
        .publish_delta(&world.alice_reported_stolen(3), &next_sorted)
        .expect("delta");
    assert_eq!(
        blocklist
            .apply_delta(&trust, &delta, T0 + 3 * DAY)
            .unwrap_err()
            .code(),
        ErrorCode::DeltaBaseMismatch
    );
    // The saved state keeps the compact list and reads back equal.
    let saved = blocklist.encode_state();
    let restored = Blocklist::decode_state(&saved, &trust).expect("state");
    assert_eq!(restored, blocklist);
    let chain = world.chain();
    assert!(
        Verifier::new(&trust)
            .with_blocklist(&restored)
            .verify_part(
                &PartEvidence::new(&world.alice.screen, &chain),
                T0 + 3 * DAY
            )
            .expect("genuine")
            .is_blocked()
    );
}

#[test]
fn hostile_compact_snapshots_get_typed_errors() {
    let world = world();
    let compact = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &reported(&world))
        .expect("compact list");
    let bytes = compact.as_bytes();
    for cut in 0..bytes.len() {
        let error = CompactSnapshot::decode(&bytes[..cut]).unwrap_err();
        assert_eq!(
            error.family(),
            ErrorFamily::Malformed,
            "cut at {cut}: {error}"
        );
    }
    let mut trailing = bytes.to_vec();
    trailing.push(0);
    assert!(CompactSnapshot::decode(&trailing).is_err());
}

#[test]
fn a_register_publishes_its_next_list_compact_from_its_sorted_master() {
    let world = world();
    let trust = world.trust();
    let master = world.alice_reported_stolen(1);
    // Alice's phone is found: its IMEI is delisted; Bob's is reported lost.
    let next = world
        .register
        .publish_next_compact_snapshot(
            Some(&master),
            seq(2),
            T0 + 3 * DAY,
            T0 + 9 * DAY,
            &[BlockKey::Imei(world.alice.imei)],
            vec![BlocklistEntry::handset(
                world.bob.imei,
                Reason::Lost,
                T0 + 2 * DAY,
                ListingStatus::Suspended,
            )],
        )
        .expect("next compact list");
    assert_eq!(next.list().imei_count(), 1);
    // Alice's four parts and her camera's key.
    assert_eq!(next.list().part_count(), 5);
    let mut blocklist = Blocklist::new();
    blocklist
        .apply_compact_snapshot(&trust, &next, T0 + 3 * DAY)
        .expect("applied");
    let bob = blocklist.lookup(&[BlockKey::Imei(world.bob.imei)]).unwrap();
    assert_eq!(bob.len(), 1);
    assert_eq!(bob[0].status, ListingStatus::Suspended);
    assert!(
        blocklist
            .lookup(&[BlockKey::Imei(world.alice.imei)])
            .unwrap()
            .is_empty()
    );
    // The same base rules as a sorted list: not older, not another's.
    assert_eq!(
        world
            .register
            .publish_next_compact_snapshot(
                Some(&master),
                seq(1),
                T0 + 3 * DAY,
                T0 + 9 * DAY,
                &[],
                vec![]
            )
            .unwrap_err()
            .code(),
        ErrorCode::Rollback
    );
    assert_eq!(
        world
            .operator
            .publish_next_compact_snapshot(
                Some(&master),
                seq(2),
                T0 + 3 * DAY,
                T0 + 9 * DAY,
                &[],
                vec![]
            )
            .unwrap_err(),
        Error::WrongAuthority
    );
}

#[test]
fn a_re_signed_identical_list_keeps_its_state_digest_and_the_list_is_read_in_place() {
    let world = world();
    let trust = world.trust();
    let first = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &reported(&world))
        .expect("compact list");
    // The same content at the same version, signed again with other times.
    let again = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 3 * DAY, T0 + 10 * DAY, &reported(&world))
        .expect("re-signed");
    assert_ne!(first.as_bytes(), again.as_bytes());
    assert_eq!(first.state_digest(), again.state_digest());
    let mut blocklist = Blocklist::new();
    blocklist
        .apply_compact_snapshot(&trust, &first, T0 + 3 * DAY)
        .expect("first");
    assert_eq!(
        blocklist.apply_compact_snapshot(&trust, &again, T0 + 3 * DAY),
        Ok(seq(1)),
        "the same state re-signed is accepted"
    );
    // Another authority's, or another version's, digest differs.
    let other_version = world
        .register
        .publish_compact_snapshot(seq(2), T0 + 3 * DAY, T0 + 10 * DAY, &reported(&world))
        .expect("next");
    assert_ne!(first.state_digest(), other_version.state_digest());
    let operator = world
        .operator
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &reported(&world))
        .expect("operator");
    assert_ne!(first.state_digest(), operator.state_digest());

    // Decoding keeps one buffer: the list is a range of the object's bytes.
    let decoded = CompactSnapshot::decode(first.as_bytes()).expect("decodes");
    let object = decoded.as_bytes().as_ptr_range();
    let list = decoded.list().as_bytes().as_ptr_range();
    assert!(object.start <= list.start && list.end <= object.end);
    assert_eq!(list.end, object.end, "the list ends the object");
    assert_eq!(
        list.start as usize % 64,
        0,
        "the list starts on a cache line: its lines are cache lines"
    );
    assert_eq!(
        (list.start as usize - object.start as usize) % 64,
        0,
        "and on a 64-byte boundary of the object (so of a memory map)"
    );
    assert_eq!(decoded.state_digest(), first.state_digest());
    // Held by a blocklist, the list still reads as published.
    let held = blocklist.lists().next().expect("held");
    assert_eq!(
        held.compact().map(CompactList::as_bytes),
        Some(first.list().as_bytes())
    );
}

#[test]
fn a_compact_snapshot_body_must_be_canonical() {
    let world = world();
    let compact = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &reported(&world))
        .expect("compact list");
    let body = forge::body_bytes(compact.as_bytes());
    let list = compact.list().as_bytes();
    assert!(
        list.len() >= 128 && list.len() < 1 << 14,
        "a two-byte length"
    );
    // The commitment is the body's last field: layout, block size, the
    // list's length (two bytes here) and its 32-byte root.
    let at = body.len() - 32 - 2;
    assert_eq!(&body[at - 2..at], &[list[4], 16], "layout, block size");
    // The list's length written with a needless third byte.
    let mut overlong = body[..at].to_vec();
    overlong.extend_from_slice(&[body[at] | 0x80, body[at + 1] | 0x80, 0]);
    overlong.extend_from_slice(&body[at + 2..]);
    let forged = forge::compact_object(&overlong, list, &key(99));
    assert_eq!(
        CompactSnapshot::decode(&forged),
        Err(Error::NotCanonical("body encoding"))
    );
    // Re-signed as it was, the same bytes decode.
    let resigned = forge::compact_object(body, list, &key(99));
    let decoded = CompactSnapshot::decode(&resigned).expect("canonical");
    assert_eq!(decoded.list(), compact.list());
    // Padding that is not zero, a list cut short or grown, another layout
    // version or block size: refused before the list is read.
    let mut padded = resigned.clone();
    let signed = partcert::internal::signed_part(&resigned).len();
    if signed % 64 != 0 {
        padded[signed] = 1;
        assert_eq!(
            CompactSnapshot::decode(&padded),
            Err(Error::NotCanonical("compact snapshot padding"))
        );
    }
    assert_eq!(
        CompactSnapshot::decode(&resigned[..resigned.len() - 1]),
        Err(Error::Truncated)
    );
    let mut grown = resigned.clone();
    grown.push(0);
    assert_eq!(
        CompactSnapshot::decode(&grown),
        Err(Error::TrailingBytes(1))
    );
    let mut other_layout = body.to_vec();
    other_layout[at - 2] = 9;
    assert_eq!(
        CompactSnapshot::decode(&forge::compact_object(&other_layout, list, &key(99))),
        Err(Error::UnsupportedVersion(9))
    );
    let mut other_blocks = body.to_vec();
    other_blocks[at - 1] = 12;
    assert!(matches!(
        CompactSnapshot::decode(&forge::compact_object(&other_blocks, list, &key(99))),
        Err(Error::InvalidField(_))
    ));
    // A list whose header lies about its counts is refused before use,
    // even committed to by its own root.
    let mut lying = list.to_vec();
    lying[8] ^= 1;
    let lying = forge::CompactSnapshotBody::of(&compact).with_list(lying);
    assert!(CompactSnapshot::decode(&lying.sign_bytes(&key(99))).is_err());
}
