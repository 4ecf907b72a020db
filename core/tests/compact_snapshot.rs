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
        compact.as_bytes()[partcert::internal::HEADER_LEN
            ..compact.as_bytes().len() - partcert::internal::SIGNATURE_LEN]
    );

    let mut blocklist = Blocklist::new();
    assert_eq!(
        blocklist.apply_compact_snapshot(&trust, &decoded, T0 + 2 * DAY),
        Ok(seq(1))
    );
    assert_eq!(blocklist.lists().next().expect("held").len(), 5);
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
    let mut tampered = newer.as_bytes().to_vec();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
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
    assert_eq!(next.list().part_count(), 4);
    let mut blocklist = Blocklist::new();
    blocklist
        .apply_compact_snapshot(&trust, &next, T0 + 3 * DAY)
        .expect("applied");
    let bob = blocklist.lookup(&[BlockKey::Imei(world.bob.imei)]);
    assert_eq!(bob.len(), 1);
    assert_eq!(bob[0].status, ListingStatus::Suspended);
    assert!(
        blocklist
            .lookup(&[BlockKey::Imei(world.alice.imei)])
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
