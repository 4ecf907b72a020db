//! A national register publishes its list of stolen and lost handsets as
//! a full snapshot, then as a small delta; a device applies both and
//! refuses a rollback to an older list, even after a restart.
//!
//! `cargo run -p partcert-examples --example registry`

use partcert::{
    Blocklist, BlocklistDelta, BlocklistEntry, BlocklistSnapshot, ErrorCode, ListingStatus,
    PartEvidence, Reason, RollbackState, Verifier,
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
    let snapshot_100 =
        register
            .publisher
            .publish_snapshot(100, monday, monday + 7 * DAY, entries.clone())?;
    println!(
        "snapshot 100: {} entries, {} bytes, digest {}",
        snapshot_100.body().entries.len(),
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
    let snapshot_101 =
        register
            .publisher
            .publish_snapshot(101, tuesday, tuesday + 7 * DAY, entries)?;
    let delta = register
        .publisher
        .publish_delta(&snapshot_100, &snapshot_101)?;
    println!(
        "delta 100 -> 101: {} upserts, {} removals, {} bytes (the full snapshot is {} bytes)",
        delta.body().upserts.len(),
        delta.body().removals.len(),
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
        "device now holds sequence {held}: {} entries, digest {}",
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
        102,
        wednesday,
        wednesday + 7 * DAY,
        snapshot_101.body().entries.clone(),
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
    Ok(())
}
