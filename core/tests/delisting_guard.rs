//! A register signing from its own master list meets the mass-delisting
//! guard before any device holds the result: the counts a publication
//! returns (`Changes`) say how much of its base it delists, and
//! `Changes::check_delisting` refuses more than 1 % unless confirmed —
//! the same rule `check_delisting` applies to what devices hold.

mod common;

use common::*;

fn handset(body: u64) -> BlocklistEntry {
    BlocklistEntry::handset(
        imei(35_000_000_000_000 + body),
        Reason::Stolen,
        T0,
        ListingStatus::Final,
    )
}

/// The register's master list of `count` handsets.
fn master(world: &World, count: u64) -> BlocklistSnapshot {
    world
        .register
        .publish_snapshot(seq(1), T0, T0 + 7 * DAY, (0..count).map(handset).collect())
        .expect("the master list")
}

/// The next snapshot over `master`, delisting its first `delisted` handsets.
fn delisting(world: &World, master: &BlocklistSnapshot, delisted: u64) -> Published {
    let keys: Vec<BlockKey> = (0..delisted).map(|body| handset(body).key).collect();
    let publication = Publication {
        format: Format::Sorted,
        version: seq(2),
        issued_at: T0 + DAY,
        expires_at: T0 + 8 * DAY,
        base: Base::Snapshot(master),
        delisted: &keys,
    };
    world
        .register
        .publish(&publication, Vec::new())
        .expect("signed")
}

/// What delisting `delisted` of a `count`-handset master list changes.
fn delist_over_master(count: u64, delisted: u64) -> Changes {
    let world = world();
    delisting(&world, &master(&world, count), delisted).changes
}

#[test]
fn a_delist_file_that_names_half_the_master_list_is_refused_unless_the_count_is_confirmed() {
    let changes = delist_over_master(1_000, 500);
    assert_eq!(changes.delisted, 500);
    assert_eq!(
        changes.check_delisting(None),
        Err(Error::MassDelisting {
            dropped: 500,
            held: 1_000
        })
    );
    // A count that is not the true one confirms nothing.
    assert_eq!(
        changes.check_delisting(Some(499)).unwrap_err().code(),
        ErrorCode::MassDelisting
    );
    assert_eq!(changes.check_delisting(Some(500)), Ok(500));
}

#[test]
fn a_day_of_found_handsets_passes_unconfirmed_and_agrees_with_what_devices_would_hold() {
    // 1 % of 1,000 is 10: ten found handsets pass, eleven do not.
    assert_eq!(delist_over_master(1_000, 10).check_delisting(None), Ok(10));
    let world = world();
    let master = master(&world, 1_000);
    let eleven = delisting(&world, &master, 11);
    assert_eq!(
        eleven.changes.check_delisting(None).unwrap_err().code(),
        ErrorCode::MassDelisting
    );
    // The same list, checked against a device holding the master list.
    let trust = world.trust();
    let mut device = Blocklist::new();
    device.apply(&trust, &master, T0).expect("applied");
    let held = device
        .list(&world.register_root.key().key_id())
        .expect("held");
    assert_eq!(
        check_delisting(held, &eleven.list, None),
        eleven.changes.check_delisting(None)
    );
}

#[test]
fn a_first_list_has_no_base_to_delist_from() {
    let world = world();
    let publication = Publication {
        format: Format::Sorted,
        version: seq(1),
        issued_at: T0,
        expires_at: T0 + DAY,
        base: Base::None,
        delisted: &[],
    };
    let changes = world
        .register
        .publish(&publication, Vec::new())
        .expect("an empty first list")
        .changes;
    assert_eq!(changes.check_delisting(None), Ok(0));
}
