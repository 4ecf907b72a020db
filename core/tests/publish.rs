//! One publishing call for every format: a register says what it wants
//! signed — format, base, changes — and the core signs it and counts what
//! changed, so no front recounts.

mod common;

use common::*;

fn handset(body: u64, reason: Reason, day: u64) -> BlocklistEntry {
    BlocklistEntry::handset(imei(body), reason, T0 + day * DAY, ListingStatus::Final)
}

fn publication<'a>(
    format: Format,
    sequence: u64,
    base: Base<'a>,
    delisted: &'a [BlockKey],
) -> Publication<'a> {
    Publication {
        format,
        version: seq(sequence),
        issued_at: T0 + sequence * DAY,
        expires_at: T0 + (sequence + 7) * DAY,
        base,
        delisted,
    }
}

#[test]
fn a_registers_daily_list_in_every_format_says_what_changed_the_same_way() {
    let world = world();
    let trust = world.trust();
    let (alice, bob, carol, dave) = (
        handset(35_000_000_000_001, Reason::Stolen, 1),
        handset(35_000_000_000_002, Reason::Lost, 1),
        handset(35_000_000_000_003, Reason::Stolen, 1),
        handset(35_000_000_000_004, Reason::Fraud, 2),
    );
    // Monday's master list.
    let monday = world
        .register
        .publish(
            &publication(Format::Sorted, 1, Base::None, &[]),
            [alice, bob, carol],
        )
        .expect("monday");
    assert_eq!(monday.changes.listed, 3);
    assert_eq!(monday.changes.total, 3);
    let SignedList::Sorted(master) = &monday.list else {
        panic!("a sorted snapshot")
    };

    // Tuesday: Bob's lost phone turns out stolen, Carol's is found, Dave's
    // is reported; Alice's is reported again (alike: it keeps its date),
    // Dave's twice, and a phone never listed is "found".
    let found = [carol.key, BlockKey::Imei(imei(35_000_000_000_009))];
    let mut bob_stolen = bob;
    bob_stolen.reason = Reason::Stolen;
    let mut alice_again = alice;
    alice_again.listed_at += DAY;
    let tuesday_listed = [alice_again, bob_stolen, dave, dave];
    let want = Changes {
        carried: 1,
        listed: 1,
        relisted: 1,
        delisted: 1,
        not_listed: vec![BlockKey::Imei(imei(35_000_000_000_009))],
        already_listed: 1,
        given_twice: 1,
        total: 3,
    };
    let mut device = Blocklist::new();
    device
        .apply(&trust, &monday.list, T0 + DAY)
        .expect("monday");
    let held = device
        .list(&world.register_root.key().key_id())
        .expect("held")
        .clone();
    for (format, base) in [
        (Format::Sorted, Base::Snapshot(master)),
        (Format::Compact, Base::Snapshot(master)),
        (Format::Delta, Base::Snapshot(master)),
        (Format::Delta, Base::Held(&held)),
    ] {
        let tuesday = world
            .register
            .publish(&publication(format, 2, base, &found), tuesday_listed)
            .expect("tuesday");
        assert_eq!(tuesday.changes, want, "{format:?} over {base:?}");
        assert_eq!(tuesday.list.format(), format);
        // Every form leads a device to the same answers.
        let mut device = device.clone();
        if format == Format::Compact {
            device = Blocklist::new();
        }
        device
            .apply_bytes(&trust, tuesday.list.as_bytes(), T0 + 2 * DAY)
            .expect("applies");
        let listed = |entry: &BlocklistEntry| !device.lookup(&[entry.key]).unwrap().is_empty();
        assert!(
            listed(&alice) && listed(&bob) && listed(&dave),
            "{format:?}"
        );
        assert!(!listed(&carol), "{format:?}");
        let bobs = device.lookup(&[bob.key]).unwrap();
        assert_eq!(bobs[0].reason, Reason::Stolen);
        assert_eq!(
            device.lookup(&[alice.key]).unwrap()[0].listed_at,
            alice.listed_at
        );
    }
}

#[test]
fn a_register_is_refused_what_no_device_would_take() {
    let world = world();
    let trust = world.trust();
    let alice = handset(35_000_000_000_001, Reason::Stolen, 1);
    let first = world
        .register
        .publish(&publication(Format::Compact, 1, Base::None, &[]), [alice])
        .expect("first");
    let mut device = Blocklist::new();
    device
        .apply(&trust, &first.list, T0 + DAY)
        .expect("applied");
    let held = device
        .list(&world.register_root.key().key_id())
        .expect("held");
    let publish = |publication: &Publication<'_>, listed: Vec<BlocklistEntry>| {
        world.register.publish(publication, listed).map(|_| ())
    };
    // Listing and delisting one key cannot both be meant.
    assert_eq!(
        publish(
            &publication(Format::Sorted, 2, Base::None, &[alice.key]),
            vec![alice]
        ),
        Err(Error::Contradiction(alice.key.to_string()))
    );
    assert_eq!(
        Error::Contradiction(String::new()).code(),
        ErrorCode::Contradiction
    );
    // A delta needs the list devices hold; a full list cannot be built over
    // a compact one (its parts are fingerprints).
    assert_eq!(
        publish(&publication(Format::Delta, 2, Base::None, &[]), vec![])
            .unwrap_err()
            .code(),
        ErrorCode::InvalidField
    );
    assert_eq!(
        publish(
            &publication(Format::Sorted, 2, Base::Held(held), &[]),
            vec![]
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidField
    );
    // Not after its base, another register's base, a list stale at once.
    assert!(matches!(
        publish(
            &publication(Format::Delta, 1, Base::Held(held), &[]),
            vec![]
        ),
        Err(Error::Rollback { .. })
    ));
    assert_eq!(
        world
            .operator
            .publish(
                &publication(Format::Delta, 2, Base::Held(held), &[]),
                vec![]
            )
            .unwrap_err(),
        Error::WrongAuthority
    );
    let mut stale = publication(Format::Sorted, 2, Base::None, &[]);
    stale.expires_at = stale.issued_at;
    assert_eq!(
        publish(&stale, vec![]).unwrap_err().code(),
        ErrorCode::InvalidField
    );
    // The same entry twice in a streamed national list is counted; two
    // different entries for one IMEI are refused, named.
    let streamed = world
        .register
        .publish(
            &publication(Format::Compact, 2, Base::None, &[]),
            [alice, alice, alice],
        )
        .expect("streamed");
    assert_eq!(
        (streamed.changes.listed, streamed.changes.given_twice),
        (1, 2)
    );
    let mut lost = alice;
    lost.reason = Reason::Lost;
    assert_eq!(
        publish(
            &publication(Format::Compact, 2, Base::None, &[]),
            vec![alice, lost]
        ),
        Err(Error::Duplicate(alice.key.to_string()))
    );
}
