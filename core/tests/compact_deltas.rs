//! A national register keeps its compact list current with daily deltas:
//! a device applies each at the cost of the delta, whatever the list's
//! size, under exactly the rules a sorted list's deltas follow (the state
//! it starts from, the digest it leads to, anti-rollback, saved state).

mod common;

use common::*;

fn reported(pairing: &PairingRecord, reason: Reason, status: ListingStatus) -> Vec<BlocklistEntry> {
    BlocklistEntry::for_reported_handset(pairing, reason, T0 + DAY, status)
}

/// The register's compact list with Alice's handset and its parts, as a
/// device holds it.
fn national_list(world: &World) -> (Blocklist, CompactSnapshot) {
    let compact = world
        .register
        .publish_compact_snapshot(
            seq(1),
            T0 + 2 * DAY,
            T0 + 30 * DAY,
            &reported(&world.alice.pairing, Reason::Stolen, ListingStatus::Final),
        )
        .expect("compact list");
    let mut device = Blocklist::new();
    device
        .apply_compact_snapshot(&world.trust(), &compact, T0 + 2 * DAY)
        .expect("accepted");
    (device, compact)
}

fn register_list(device: &Blocklist, world: &World) -> AuthorityList {
    device
        .list(&world.register_root.key().key_id())
        .expect("held")
        .clone()
}

#[test]
fn bobs_handset_reported_today_is_blocked_through_a_delta_over_the_compact_list() {
    let world = world();
    let trust = world.trust();
    let (mut device, compact) = national_list(&world);
    let held = register_list(&device, &world);
    let delta = world
        .register
        .publish_delta_over(
            &held,
            seq(2),
            T0 + 3 * DAY,
            T0 + 30 * DAY,
            &[],
            reported(&world.bob.pairing, Reason::Stolen, ListingStatus::Final),
        )
        .expect("delta");
    let decoded = BlocklistDelta::decode(delta.as_bytes()).expect("decodes");
    assert_eq!(
        device.apply_delta(&trust, &decoded, T0 + 3 * DAY),
        Ok(seq(2))
    );

    let now = register_list(&device, &world);
    assert_eq!(now.digest, delta.result_digest());
    assert_eq!(now.version, seq(2));
    assert_eq!(
        now.compact().map(CompactList::as_bytes),
        Some(compact.list().as_bytes()),
        "the compact list's bytes never change: the delta is kept beside them"
    );
    // The IMEI, four parts and the camera's key.
    assert_eq!(now.changes_since_snapshot(), 6);

    let chain = world.chain();
    let verifier = Verifier::new(&trust).with_blocklist(&device);
    let bobs_screen = verifier
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 4 * DAY)
        .expect("genuine");
    assert!(bobs_screen.is_blocked());
    let listing = &bobs_screen.blocklist.listings()[0];
    assert!(
        !listing.by_fingerprint,
        "a listing from a delta is held whole: an exact hit"
    );
    assert_eq!(listing.handset, Some(world.bob.imei));
    assert_eq!(listing.sequence, 2);
    // Alice's harvested screen is still blocked by the compact list.
    let alices_screen = verifier
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &chain),
            T0 + 4 * DAY,
        )
        .expect("genuine");
    assert!(alices_screen.is_blocked());
}

#[test]
fn alices_recovered_handset_is_delisted_and_a_later_report_lists_it_again() {
    let world = world();
    let trust = world.trust();
    let (mut device, _) = national_list(&world);
    let alices: Vec<BlockKey> =
        reported(&world.alice.pairing, Reason::Stolen, ListingStatus::Final)
            .iter()
            .map(|entry| entry.key)
            .collect();
    let recovered = world
        .register
        .publish_delta_over(
            &register_list(&device, &world),
            seq(2),
            T0 + 3 * DAY,
            T0 + 30 * DAY,
            &alices,
            Vec::new(),
        )
        .expect("delta");
    device
        .apply_delta(&trust, &recovered, T0 + 3 * DAY)
        .expect("applied");
    assert!(
        device.lookup(&alices).unwrap().is_empty(),
        "a delisting silences the compact list's listing, fingerprints included"
    );

    let lost_again = world
        .register
        .publish_delta_over(
            &register_list(&device, &world),
            seq(3),
            T0 + 4 * DAY,
            T0 + 30 * DAY,
            &[],
            reported(&world.alice.pairing, Reason::Lost, ListingStatus::Suspended),
        )
        .expect("delta");
    device
        .apply_delta(&trust, &lost_again, T0 + 4 * DAY)
        .expect("applied");
    let found = device.lookup(&[BlockKey::Imei(world.alice.imei)]).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].reason, Reason::Lost);
    assert_eq!(found[0].status, ListingStatus::Suspended);
    assert_eq!(found[0].sequence, 3);
}

#[test]
fn a_delta_over_a_compact_list_must_start_from_the_state_held_and_never_go_back() {
    let world = world();
    let trust = world.trust();
    let (mut device, _) = national_list(&world);
    let base = register_list(&device, &world);
    let bob = reported(&world.bob.pairing, Reason::Stolen, ListingStatus::Final);
    let first = world
        .register
        .publish_delta_over(&base, seq(2), T0 + 3 * DAY, T0 + 30 * DAY, &[], bob.clone())
        .expect("delta");
    device
        .apply_delta(&trust, &first, T0 + 3 * DAY)
        .expect("applied");
    let before = device.clone();

    // Built over the compact snapshot again, as if the first never came.
    let stale_base = world
        .register
        .publish_delta_over(&base, seq(3), T0 + 4 * DAY, T0 + 30 * DAY, &[], Vec::new())
        .expect("delta");
    assert!(matches!(
        device.apply_delta(&trust, &stale_base, T0 + 4 * DAY),
        Err(Error::DeltaBaseMismatch { held: 2, .. })
    ));
    // The first again: an older state.
    assert!(matches!(
        device.apply_delta(&trust, &first, T0 + 4 * DAY),
        Err(Error::Rollback { .. })
    ));
    assert_eq!(device, before, "a refused delta changes nothing");

    // Applying the same changes to a sorted list's state gives another
    // digest: a compact list's state digest binds its snapshot.
    let sorted = world.alice_reported_stolen(1);
    let mut other = Blocklist::new();
    other
        .apply_snapshot(&trust, &sorted, T0 + 2 * DAY)
        .expect("accepted");
    assert!(matches!(
        other.apply_delta(&trust, &first, T0 + 3 * DAY),
        Err(Error::DeltaBaseMismatch { .. })
    ));

    // The register refuses to publish what a device would refuse.
    let now = register_list(&device, &world);
    assert!(matches!(
        world.register.publish_delta_over(
            &now,
            seq(2),
            T0 + 5 * DAY,
            T0 + 30 * DAY,
            &[],
            Vec::new()
        ),
        Err(Error::Rollback { .. })
    ));
    // A key given twice differently is refused, named; twice alike is
    // signed once and counted.
    let mut other_reason = bob[0];
    other_reason.reason = Reason::Fraud;
    assert!(matches!(
        world.register.publish_delta_over(
            &now,
            seq(3),
            T0 + 5 * DAY,
            T0 + 30 * DAY,
            &[],
            vec![bob[0], other_reason]
        ),
        Err(Error::Duplicate(_))
    ));
    let carol = BlocklistEntry::handset(
        imei(35_000_000_000_123),
        Reason::Stolen,
        T0 + 4 * DAY,
        ListingStatus::Final,
    );
    let published = world
        .register
        .publish(
            &Publication {
                format: Format::Delta,
                version: seq(3),
                issued_at: T0 + 5 * DAY,
                expires_at: T0 + 30 * DAY,
                base: Base::Held(&now),
                delisted: &[],
            },
            [carol, carol],
        )
        .expect("given twice alike");
    assert_eq!(published.changes.given_twice, 1);
    assert_eq!(published.changes.listed, 1);
}

#[test]
fn a_device_restarted_from_its_saved_state_keeps_the_changes_and_the_next_snapshot_starts_afresh() {
    let world = world();
    let trust = world.trust();
    let (mut device, _) = national_list(&world);
    let delta = world
        .register
        .publish_delta_over(
            &register_list(&device, &world),
            seq(2),
            T0 + 3 * DAY,
            T0 + 30 * DAY,
            &[BlockKey::Imei(world.alice.imei)],
            reported(&world.bob.pairing, Reason::Fraud, ListingStatus::Final),
        )
        .expect("delta");
    device
        .apply_delta(&trust, &delta, T0 + 3 * DAY)
        .expect("applied");

    let saved = device.encode_state();
    let restarted = Blocklist::decode_state(&saved, &trust).expect("restored");
    assert_eq!(restarted, device);
    assert_eq!(
        register_list(&restarted, &world).digest,
        delta.result_digest()
    );
    assert!(
        restarted
            .lookup(&[BlockKey::Imei(world.alice.imei)])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        restarted.lookup(&[BlockKey::Imei(world.bob.imei)]).unwrap()[0].reason,
        Reason::Fraud
    );

    // The next compact snapshot replaces the list and its changes.
    let next = world
        .register
        .publish_compact_snapshot(
            seq(3),
            T0 + 4 * DAY,
            T0 + 30 * DAY,
            &reported(&world.bob.pairing, Reason::Fraud, ListingStatus::Final),
        )
        .expect("compact list");
    device
        .apply_compact_snapshot(&trust, &next, T0 + 4 * DAY)
        .expect("accepted");
    let held = register_list(&device, &world);
    assert_eq!(held.changes_since_snapshot(), 0);
    assert_eq!(held.digest, next.state_digest());
}

#[test]
fn a_device_applies_whatever_list_object_arrives_by_its_content() {
    let world = world();
    let trust = world.trust();
    let (_, compact) = national_list(&world);
    let mut device = Blocklist::new();
    assert_eq!(
        device.apply_bytes(&trust, compact.as_bytes(), T0 + 2 * DAY),
        Ok(seq(1))
    );
    let delta = world
        .register
        .publish_delta_over(
            &register_list(&device, &world),
            seq(2),
            T0 + 3 * DAY,
            T0 + 30 * DAY,
            &[],
            reported(&world.bob.pairing, Reason::Stolen, ListingStatus::Final),
        )
        .expect("delta");
    assert_eq!(
        device.apply_bytes(&trust, delta.as_bytes(), T0 + 3 * DAY),
        Ok(seq(2))
    );
    let sorted = world.alice_reported_stolen(3);
    assert_eq!(
        device.apply_bytes(&trust, sorted.as_bytes(), T0 + 3 * DAY),
        Ok(seq(3))
    );
    let before = device.clone();
    // A certificate is not a list; truncated bytes are not an object.
    assert!(matches!(
        device.apply_bytes(&trust, world.alice.screen.as_bytes(), T0 + 3 * DAY),
        Err(Error::WrongObjectType { .. })
    ));
    assert_eq!(
        device
            .apply_bytes(&trust, &delta.as_bytes()[..40], T0 + 3 * DAY)
            .unwrap_err()
            .code(),
        ErrorCode::Truncated
    );
    assert_eq!(device, before);
}
