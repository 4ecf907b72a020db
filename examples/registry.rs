//! A national register publishes its list of stolen and lost handsets as
//! a full snapshot, then as a small delta; a device applies both and
//! refuses a rollback to an older list, even after a restart. Then its
//! publishing key is stolen and the thief dates a wipe years ahead: the
//! list flags only itself, and the register's root supersedes it in the
//! next epoch through a short-lived new publisher, on every device,
//! with or without the revocation list.
//!
//! `cargo run -p partcert-examples --example registry`

use partcert::blocklist::{
    Base, BlockKey, Format, ListVersion, ListingStatus, Publication, Reason, RollbackState,
    StaleReason,
};
use partcert::revocation::RevokedKey;
use partcert::{Blocklist, ErrorCode, PartEvidence, Validity, Verifier, limits};
use partcert_examples::{
    DAY, Manufacturer, Registry, T0, describe, expect, publication, refused, sorted, trust_store,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let acme = Manufacturer::acme()?;
    let register = Registry::national()?;
    let snatched = acme.build_handset(5)?;
    let lost = acme.build_handset(6)?;
    let trust = trust_store(&acme, &register)?;

    // Monday: one handset reported stolen. Snapshot 100, valid a week.
    let monday = T0 + 30 * DAY;
    let snatched_entries = snatched.reported(Reason::Stolen, monday, ListingStatus::Final);
    let published = register.publisher.publish(
        &publication(ListVersion::new(0, 100), monday, 7),
        snatched_entries.clone(),
    )?;
    println!("snapshot 100: {}", describe(&published));
    let snapshot_100 = sorted(published.list)?;

    // Tuesday: a phone reported lost (suspended: it may turn up). The
    // register signs the next snapshot over its master list, and the delta
    // from Monday's for the devices that hold it: one call each, over the
    // same base and the same change.
    let tuesday = monday + DAY;
    let lost_entries = lost.reported(Reason::Lost, tuesday, ListingStatus::Suspended);
    let next = Publication {
        base: Base::Snapshot(&snapshot_100),
        ..publication(ListVersion::new(0, 101), tuesday, 7)
    };
    let published = register.publisher.publish(&next, lost_entries.clone())?;
    println!("snapshot 101 over 100: {}", describe(&published));
    expect(
        published.changes.carried == snapshot_100.len() as u64
            && published.changes.listed == lost_entries.len() as u64,
        "Monday's listings carried and the lost phone's listed",
    )?;
    let (snapshot_101, changes_101) = (sorted(published.list)?, published.changes);
    let delta = register.publisher.publish(
        &Publication {
            format: Format::Delta,
            ..next
        },
        lost_entries.clone(),
    )?;
    println!("delta 100 -> 101: {}", describe(&delta));
    expect(
        delta.changes == changes_101,
        "the same change counted alike in either format",
    )?;

    // A device that holds snapshot 100 downloads only the delta: whatever
    // arrives, one call applies it.
    let mut device = Blocklist::new();
    device.apply_bytes(&trust, snapshot_100.as_bytes(), monday + 60)?;
    let held = device.apply_bytes(&trust, delta.list.as_bytes(), tuesday + 60)?;
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
    refused(
        "replaying snapshot 100",
        device.apply(&trust, &snapshot_100, tuesday + 180),
        ErrorCode::Rollback,
    )?;

    // The device persists its anti-rollback state; after a restart the old
    // list is still refused.
    let stored = device.rollback_state().encode();
    let mut restarted = Blocklist::with_rollback_state(RollbackState::decode(&stored)?);
    refused(
        &format!(
            "after restart ({} bytes of state), snapshot 100",
            stored.len()
        ),
        restarted.apply(&trust, &snapshot_100, tuesday + 240),
        ErrorCode::Rollback,
    )?;
    restarted.apply(&trust, &snapshot_101, tuesday + 240)?;

    // A delta built for another base is refused: the device must fetch a snapshot.
    let wednesday = tuesday + DAY;
    let nothing_new = Publication {
        base: Base::Snapshot(&snapshot_101),
        ..publication(ListVersion::new(0, 102), wednesday, 7)
    };
    let snapshot_102 = sorted(register.publisher.publish(&nothing_new, [])?.list)?;
    let skipping = Publication {
        format: Format::Delta,
        base: Base::Snapshot(&snapshot_100),
        ..nothing_new
    };
    let skipping = register.publisher.publish(&skipping, lost_entries)?.list;
    refused(
        "delta 100 -> 102 on a device at 101",
        restarted.apply(&trust, &skipping, wednesday + 60),
        ErrorCode::DeltaBaseMismatch,
    )?;
    restarted.apply(&trust, &snapshot_102, wednesday + 60)?;

    // Thursday: the publisher's key is stolen. The thief signs a list far
    // ahead in sequence that delists the snatched phone, and dates it four
    // years ahead (as far as the stolen key's certificate runs), hoping a
    // date no device has reached locks out any correction. One device
    // takes it; another never sees it; a third is switched on only later.
    let thursday = wednesday + DAY;
    let snatched_keys: Vec<BlockKey> = snatched_entries.iter().map(|entry| entry.key).collect();
    let stolen_key = &register.publisher;
    let thief_date = thursday + 4 * 365 * DAY;
    let wipe = stolen_key.publish(
        &Publication {
            base: Base::Snapshot(&snapshot_102),
            delisted: &snatched_keys,
            ..publication(ListVersion::new(0, 5000), thief_date, 7)
        },
        [],
    )?;
    println!("the thief's list over 102: {}", describe(&wipe));
    let thief_5000 = wipe.list;
    let mut saw_thief = restarted;
    saw_thief.apply(&trust, &thief_5000, thursday + 60)?;
    let mut unaware = Blocklist::new();
    unaware.apply(&trust, &snapshot_102, thursday + 60)?;
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
    let correction = publisher_2.publish(
        &Publication {
            base: Base::Snapshot(&snapshot_102),
            ..publication(ListVersion::new(1, 1), friday, 7)
        },
        [],
    )?;
    println!(
        "the correction in epoch 1, over 102: {}",
        describe(&correction)
    );
    let correction = correction.list;
    let later = stolen_key
        .publish(&publication(ListVersion::new(0, 6000), friday, 7), [])?
        .list;
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
        let held = device.apply(trust, &correction, friday + 60)?;
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
        let expected = if trust.is_revoked(&authority, &stolen_key.key().key_id()) {
            ErrorCode::IssuerRevoked
        } else {
            ErrorCode::Rollback
        };
        refused(
            "  the thief's later list",
            device.apply(trust, &later, friday + 180),
            expected,
        )?;
    }
    // Nor can the stolen key sign in the new epoch: only the root opens one.
    refused(
        "the stolen key signing in epoch 1",
        stolen_key.publish(&publication(ListVersion::new(1, 2), friday, 1), []),
        ErrorCode::EpochNotPermitted,
    )
}
