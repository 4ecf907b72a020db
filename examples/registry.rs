//! A national register publishes its list of stolen and lost handsets as
//! a full snapshot, then as a small delta; a device applies both and
//! refuses a rollback to an older list, even after a restart. Then its
//! publishing key is stolen and the thief dates a wipe years ahead: the
//! list flags only itself, and the register's root supersedes it in the
//! next epoch through a short-lived new publisher, on every device,
//! with or without the revocation list.
//!
//! `cargo run -p partcert-examples --example registry`

use partcert::{
    BlockKey, Blocklist, BlocklistDelta, BlocklistEntry, BlocklistSnapshot, ErrorCode, ListVersion,
    ListingStatus, PartEvidence, Reason, RevokedKey, RollbackState, StaleReason, Validity,
    Verifier, limits,
};
use partcert_examples::{DAY, Manufacturer, Registry, T0, expect, trust_store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let acme = Manufacturer::acme()?;
    let register = Registry::national()?;
    let snatched = acme.build_handset(5)?;
    let lost = acme.build_handset(6)?;
    let trust = trust_store(&acme, &register)?;

    // Monday: one handset reported stolen. Snapshot 100, valid a week.
    let monday = T0 + 30 * DAY;
    let mut entries = BlocklistEntry::for_reported_handset(
        &snatched.record,
        Reason::Stolen,
        monday,
        ListingStatus::Final,
    );
    let snapshot_100 = register.publisher.publish_snapshot(
        ListVersion::new(0, 100),
        monday,
        monday + 7 * DAY,
        entries.clone(),
    )?;
    println!(
        "snapshot 100: {} entries, {} bytes, digest {}",
        snapshot_100.entries().len(),
        snapshot_100.as_bytes().len(),
        snapshot_100.state_digest()
    );

    // Tuesday: a phone reported lost (suspended: it may turn up).
    let tuesday = monday + DAY;
    entries.extend(BlocklistEntry::for_reported_handset(
        &lost.record,
        Reason::Lost,
        tuesday,
        ListingStatus::Suspended,
    ));
    let snapshot_101 = register.publisher.publish_snapshot(
        ListVersion::new(0, 101),
        tuesday,
        tuesday + 7 * DAY,
        entries,
    )?;
    let delta = register
        .publisher
        .publish_delta(&snapshot_100, &snapshot_101)?;
    println!(
        "delta 100 -> 101: {} upserts, {} removals, {} bytes (the full snapshot is {} bytes)",
        delta.upserts().len(),
        delta.removals().len(),
        delta.as_bytes().len(),
        snapshot_101.as_bytes().len()
    );

    // A device that holds snapshot 100 downloads only the delta.
    let mut device = Blocklist::new();
    device.apply_snapshot(
        &trust,
        &BlocklistSnapshot::decode(snapshot_100.as_bytes())?,
        monday + 60,
    )?;
    let held = device.apply_delta(
        &trust,
        &BlocklistDelta::decode(delta.as_bytes())?,
        tuesday + 60,
    )?;
    let authority = register.root.certificate().issuer();
    let list = device
        .list(&authority)
        .ok_or("the register's list is held")?;
    println!(
        "device now holds {held}: {} entries, digest {}",
        list.entries().len(),
        list.digest
    );
    expect(
        list.digest == snapshot_101.state_digest(),
        "the delta to lead to snapshot 101's state",
    )?;

    let chain = acme.chain();
    let verdict = Verifier::new(&trust)
        .with_blocklist(&device)
        .verify_part(&PartEvidence::new(&lost.battery, &chain), tuesday + 120)?;
    println!("battery BAT-0006 of the lost phone: {}", verdict.summary());
    expect(
        verdict.is_blocked(),
        "the lost phone's battery to be listed",
    )?;

    // A thief replays Monday's list to clear Tuesday's listing: refused.
    let error = device
        .apply_snapshot(&trust, &snapshot_100, tuesday + 180)
        .expect_err("rollback must be refused");
    println!(
        "replaying snapshot 100: refused, error {} — {error}",
        error.code()
    );
    expect(error.code() == ErrorCode::Rollback, "a rollback error")?;

    // The device persists its anti-rollback state; after a restart the old
    // list is still refused.
    let stored = device.rollback_state().encode();
    let mut restarted = Blocklist::with_rollback_state(RollbackState::decode(&stored)?);
    let error = restarted
        .apply_snapshot(&trust, &snapshot_100, tuesday + 240)
        .expect_err("rollback after restart");
    println!(
        "after restart ({} bytes of state), snapshot 100: refused, error {}",
        stored.len(),
        error.code()
    );
    expect(
        error.code() == ErrorCode::Rollback,
        "a rollback error after restart",
    )?;
    restarted.apply_snapshot(&trust, &snapshot_101, tuesday + 240)?;

    // A delta built for another base is refused: the device must fetch a snapshot.
    let wednesday = tuesday + DAY;
    let snapshot_102 = register.publisher.publish_snapshot(
        ListVersion::new(0, 102),
        wednesday,
        wednesday + 7 * DAY,
        snapshot_101.entries().to_vec(),
    )?;
    let skipping = register
        .publisher
        .publish_delta(&snapshot_100, &snapshot_102)?;
    let error = restarted
        .apply_delta(&trust, &skipping, wednesday + 60)
        .expect_err("wrong base must be refused");
    println!(
        "delta 100 -> 102 on a device at 101: refused, error {} — {error}",
        error.code()
    );
    expect(
        error.code() == ErrorCode::DeltaBaseMismatch,
        "a delta base mismatch",
    )?;
    restarted.apply_snapshot(&trust, &snapshot_102, wednesday + 60)?;

    // Thursday: the publisher's key is stolen. The thief signs a list far
    // ahead in sequence that delists the snatched phone, and dates it four
    // years ahead (as far as the stolen key's certificate runs), hoping a
    // date no device has reached locks out any correction. One device
    // takes it; another never sees it; a third is switched on only later.
    let thursday = wednesday + DAY;
    let snatched_keys: Vec<BlockKey> = BlocklistEntry::for_reported_handset(
        &snatched.record,
        Reason::Stolen,
        monday,
        ListingStatus::Final,
    )
    .into_iter()
    .map(|entry| entry.key)
    .collect();
    let stolen_key = &register.publisher;
    let thief_date = thursday + 4 * 365 * DAY;
    let thief_5000 = stolen_key.publish_next_snapshot(
        Some(&snapshot_102),
        ListVersion::new(0, 5000),
        thief_date,
        thief_date + 7 * DAY,
        &snatched_keys,
        Vec::new(),
    )?;
    let mut saw_thief = restarted;
    saw_thief.apply_snapshot(&trust, &thief_5000, thursday + 60)?;
    let mut unaware = Blocklist::new();
    unaware.apply_snapshot(&trust, &snapshot_102, thursday + 60)?;
    let verdict = Verifier::new(&trust)
        .with_blocklist(&saw_thief)
        .verify_part(
            &PartEvidence::new(&snatched.battery, &chain),
            thursday + 120,
        )?;
    println!(
        "thief's list {}, dated {} days ahead: the snatched phone's battery reads {}",
        thief_5000.version(),
        (thief_date - thursday) / DAY,
        verdict.summary()
    );
    // A date from the future decides nothing: the list flags only itself
    // (the battery reads stale, never clean), and the register's clock on
    // that device moves no further than a day past the device's own.
    expect(
        !verdict.is_blocked()
            && verdict.blocklist.lists().iter().any(|list| {
                list.stale_reason
                    == Some(StaleReason::FutureDated {
                        issued_at: thief_date,
                    })
            }),
        "the thief's list to read as dated after the device's clock",
    )?;
    expect(
        saw_thief.clock_for(&trust, &authority, thursday + 120)
            <= thursday + 60 + limits::CLOCK_TOLERANCE,
        "the thief's date to raise the register's clock no further than the tolerance",
    )?;

    // Friday, the recipe: the root revokes the stolen key, certifies a new
    // publisher for epoch 1 (the stolen key was certified for epoch 0),
    // short-lived as a key certified after a compromise should be (two
    // years: it ends long before the thief's date), and republishes the
    // last honest list there.
    let friday = thursday + DAY;
    let revocation = register.root.revoke(
        1,
        friday,
        &[RevokedKey {
            key: stolen_key.key().key_id(),
            since: thursday,
        }],
    )?;
    // A device applies the revocation list at its own clock: its date
    // raises the root's clock no further than a day past that clock.
    let mut revoked = trust.clone();
    revoked.apply_revocation_list(&revocation, friday)?;
    let publisher_2 = Registry::certify_publisher(
        &register.root,
        7,
        "NMPR publisher 2",
        1,
        Validity::days_from(friday, 2 * 365),
    )?;
    let correction = publisher_2.publish_next_snapshot(
        Some(&snapshot_102),
        ListVersion::new(1, 1),
        friday,
        friday + 7 * DAY,
        &[],
        Vec::new(),
    )?;
    let later = stolen_key.publish_snapshot(
        ListVersion::new(0, 6000),
        friday,
        friday + 7 * DAY,
        Vec::new(),
    )?;
    let without_revocation = saw_thief.clone();
    for (name, mut device, trust) in [
        ("that saw the thief's list", saw_thief, &revoked),
        (
            "that saw it, before the revocation list reached it",
            without_revocation,
            &trust,
        ),
        ("that never saw it", unaware, &revoked),
        ("switched on only now", Blocklist::new(), &revoked),
    ] {
        let held = device.apply_snapshot(trust, &correction, friday + 60)?;
        let verifier = Verifier::new(trust).with_blocklist(&device);
        let verdict =
            verifier.verify_part(&PartEvidence::new(&snatched.battery, &chain), friday + 120)?;
        println!(
            "device {name}: holds {held}; the snatched phone's battery: {}",
            verdict.summary()
        );
        expect(
            verdict.is_blocked() && !verdict.is_stale(),
            "the correction to list the snatched phone again",
        )?;
        // Through the correction's whole week, whatever date the thief wrote.
        let verdict = verifier.verify_part(
            &PartEvidence::new(&snatched.battery, &chain),
            friday + 6 * DAY,
        )?;
        expect(
            verdict.is_blocked() && !verdict.is_stale(),
            "the correction to stay current through its week",
        )?;
        // The thief's later lists: older than epoch 1, and its key revoked
        // where the revocation list has arrived.
        let error = device
            .apply_snapshot(trust, &later, friday + 180)
            .expect_err("the thief's later list must be refused");
        let expected = if trust.is_revoked(&authority, &stolen_key.key().key_id()) {
            ErrorCode::IssuerRevoked
        } else {
            ErrorCode::Rollback
        };
        expect(
            error.code() == expected,
            "the thief's later list to be refused as revoked or rolled back",
        )?;
    }
    // Nor can the stolen key sign in the new epoch: only the root opens one.
    let error = stolen_key
        .publish_snapshot(ListVersion::new(1, 2), friday, friday + DAY, Vec::new())
        .expect_err("a delegated key is bound to its epoch");
    println!(
        "the stolen key signing in epoch 1: refused, error {} — {error}",
        error.code()
    );
    expect(
        error.code() == ErrorCode::EpochNotPermitted,
        "the stolen key to be refused epoch 1",
    )?;
    Ok(())
}
