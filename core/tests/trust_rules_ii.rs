//! Trust rules II, each told as the attack or accident it stops: time
//! written by someone else (a thief's wipe from the future, an operator's
//! list from the future, a maker's revocation list from the future), the
//! past a part carries (a leaked line revived by a rival's record, a record
//! older than its service, a screen swap after a leak, a retired line),
//! what a device follows (a rogue operator unpinned), and what a list says
//! (a foreign record beside a listed board, a compact list that shows one
//! thing and answers another, a fingerprint flood, a fingerprint hit, a
//! keyed camera re-certified around its listing).

mod common;

use common::forge;
use common::*;

fn verifier<'a>(trust: &'a TrustStore, blocklist: &'a Blocklist) -> Verifier<'a> {
    Verifier::new(trust).with_blocklist(blocklist)
}

fn alice_stolen(world: &World) -> Vec<BlocklistEntry> {
    BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    )
}

/// A register publishing key certified for `epoch`.
fn publisher(world: &World, seed: u8, epoch: u64, validity: Validity) -> Authority {
    let key = key(seed);
    let certificate = world
        .register_root
        .certify_blocklist_authority(
            "NMPR publisher",
            key.public_key(),
            epoch,
            seed.into(),
            validity,
        )
        .expect("certify publisher");
    Authority::new(key, certificate).expect("publisher")
}

fn register_list<'a>(lists: &'a [ListChecked], world: &World) -> &'a ListChecked {
    lists
        .iter()
        .find(|list| list.authority == world.register_root.key().key_id())
        .expect("the register's list is consulted")
}

// ---------------------------------------------------------------------
// 1. A date from the future never locks out a correction.
// ---------------------------------------------------------------------

#[test]
fn a_thiefs_future_dated_wipe_cannot_lock_out_a_short_lived_new_publisher() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    // The register's epoch-0 publisher, valid fifteen years, is stolen.
    let epoch_0 = publisher(&world, 45, 0, Validity::days_from(T0 - DAY, 15 * 365));
    let honest = epoch_0
        .publish_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, alice_stolen(&world))
        .expect("honest list");
    // The thief delists Alice at the top sequence, dated 14 years ahead.
    let wipe = epoch_0
        .publish_snapshot(
            seq(limits::MAX_SEQUENCE),
            T0 + 14 * YEAR,
            T0 + 14 * YEAR + 7 * DAY,
            vec![],
        )
        .expect("the stolen key signs");

    let mut took_wipe = Blocklist::new();
    took_wipe
        .apply_snapshot(&trust, &honest, T0 + 2 * DAY)
        .expect("honest");
    took_wipe
        .apply_snapshot(&trust, &wipe, T0 + 3 * DAY)
        .expect("the wipe looks genuine");
    // Even before the correction, the wipe cannot pass as current: it flags
    // itself, so Alice's screen reads stale, never clean.
    let verdict = verifier(&trust, &took_wipe)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &chain),
            T0 + 3 * DAY,
        )
        .expect("genuine");
    assert!(!verdict.is_blocked());
    assert_eq!(
        register_list(verdict.blocklist.lists(), &world).stale_reason,
        Some(StaleReason::FutureDated {
            issued_at: T0 + 14 * YEAR
        })
    );
    let mut saw_honest = Blocklist::new();
    saw_honest
        .apply_snapshot(&trust, &honest, T0 + 2 * DAY)
        .expect("honest");

    // The README's recovery: revoke the stolen key, certify a short-lived
    // publisher for epoch 1, publish there.
    let revocation = world
        .register_root
        .revoke(
            1,
            T0 + 4 * DAY,
            &[RevokedKey {
                key: epoch_0.key().key_id(),
                since: T0 + 3 * DAY,
            }],
        )
        .expect("revoke");
    let mut with_revocation = trust.clone();
    with_revocation
        .apply_revocation_list(&revocation, T0 + 4 * DAY)
        .expect("accepted");
    let epoch_1 = publisher(&world, 46, 1, Validity::days_from(T0 + 4 * DAY, 2 * 365));
    let correction = epoch_1
        .publish_snapshot(
            ListVersion::new(1, 1),
            T0 + 4 * DAY,
            T0 + 11 * DAY,
            alice_stolen(&world),
        )
        .expect("correction");
    let next = epoch_1
        .publish_snapshot(
            ListVersion::new(1, 2),
            T0 + 10 * DAY,
            T0 + 17 * DAY,
            alice_stolen(&world),
        )
        .expect("next");

    for trust in [&trust, &with_revocation] {
        for (name, device) in [
            ("took the wipe", &took_wipe),
            ("saw only the honest list", &saw_honest),
            ("new", &Blocklist::new()),
        ] {
            let mut device = device.clone();
            assert_eq!(
                device.apply_snapshot(trust, &correction, T0 + 4 * DAY),
                Ok(ListVersion::new(1, 1)),
                "device that {name}"
            );
            // From then on the thief's date decides nothing: Alice's screen
            // is blocked and every list current, through the correction's
            // whole life and its successor's.
            let register = world.register_root.key().key_id();
            assert_eq!(
                device.clock_for(trust, &register, T0 + 5 * DAY),
                T0 + 5 * DAY
            );
            for at in [T0 + 5 * DAY, T0 + 11 * DAY] {
                let verdict = verifier(trust, &device)
                    .verify_part(&PartEvidence::new(&world.alice.screen, &chain), at)
                    .expect("genuine");
                assert!(verdict.is_blocked(), "device that {name}");
                assert!(!verdict.is_stale(), "device that {name}: {verdict:?}");
            }
            assert_eq!(
                device.apply_snapshot(trust, &next, T0 + 10 * DAY),
                Ok(ListVersion::new(1, 2))
            );
            // The correction's own expiry still counts, at its own date.
            let expired = Blocklist::new();
            let mut expired = expired;
            expired
                .apply_snapshot(trust, &correction, T0 + 4 * DAY)
                .expect("correction");
            let verdict = verifier(trust, &expired)
                .verify_part(
                    &PartEvidence::new(&world.alice.screen, &chain),
                    T0 + 12 * DAY,
                )
                .expect("genuine");
            assert_eq!(
                register_list(verdict.blocklist.lists(), &world).stale_reason,
                Some(StaleReason::Expired)
            );
        }
    }
}

// ---------------------------------------------------------------------
// 2. One authority's date never makes another's lists stale.
// ---------------------------------------------------------------------

#[test]
fn an_operators_list_from_the_future_never_makes_the_registers_lists_stale() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let mut device = Blocklist::new();
    let careless = world
        .operator
        .publish_snapshot(seq(1), T0 + 10 * YEAR, T0 + 10 * YEAR + DAY, vec![])
        .expect("careless list");
    device
        .apply_snapshot(&trust, &careless, T0 + DAY)
        .expect("its own list is accepted");
    // The register publishes punctually, a list a day, each valid two days.
    for day in 2..8 {
        let list = world
            .register
            .publish_snapshot(seq(day), T0 + day * DAY, T0 + (day + 2) * DAY, vec![])
            .expect("daily list");
        device
            .apply_snapshot(&trust, &list, T0 + day * DAY)
            .expect("accepted");
        let verdict = verifier(&trust, &device)
            .verify_part(
                &PartEvidence::new(&world.bob.screen, &chain),
                T0 + day * DAY + 3_600,
            )
            .expect("genuine");
        let lists = verdict.blocklist.lists();
        assert_eq!(register_list(lists, &world).stale_reason, None, "day {day}");
        // The careless list may flag only itself.
        let own = lists
            .iter()
            .find(|list| list.authority == world.operator.key().key_id())
            .expect("the operator's list");
        assert_eq!(
            own.stale_reason,
            Some(StaleReason::FutureDated {
                issued_at: T0 + 10 * YEAR
            })
        );
    }
    // The operator corrects its date with its next sequence: accepted (its
    // own future date raised no floor), and every clean part reads clean.
    let corrected = world
        .operator
        .publish_snapshot(seq(2), T0 + 8 * DAY, T0 + 10 * DAY, vec![])
        .expect("corrected list");
    device
        .apply_snapshot(&trust, &corrected, T0 + 8 * DAY)
        .expect("a date from the future locks out no correction");
    let verdict = verifier(&trust, &device)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 8 * DAY)
        .expect("genuine");
    assert!(matches!(verdict.blocklist, BlocklistStatus::Clean { .. }));
}

// ---------------------------------------------------------------------
// 3. A maker's revocation list never moves a register's clock.
// ---------------------------------------------------------------------

#[test]
fn a_makers_revocation_list_from_the_future_leaves_the_donor_screen_clean() {
    let world = world();
    let mut trust = world.trust();
    let chain = world.chain();
    let list = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&list]);
    let careless = world
        .acme_root
        .revoke(1, T0 + 5 * YEAR, &[])
        .expect("revocation list");
    trust
        .apply_revocation_list(&careless, T0 + 3 * DAY)
        .expect("accepted");
    let verdict = verifier(&trust, &blocklist)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 3 * DAY)
        .expect("genuine");
    assert_eq!(
        verdict.summary(),
        "genuine (serial-only), unpaired, clean",
        "{verdict:?}"
    );
    // The part check and the handset check agree.
    let fitted: Vec<Certificate> = std::iter::once(world.bob.board.clone())
        .chain(world.bob.parts())
        .collect();
    let fitted: Vec<FittedPart<'_>> = fitted
        .iter()
        .map(|certificate| FittedPart {
            certificate,
            chain: &chain,
            challenge: None,
        })
        .collect();
    let report = verifier(&trust, &blocklist)
        .verify_handset(
            &HandsetEvidence {
                pairing: &world.bob.pairing,
                modem_imeis: &[world.bob.imei],
                fitted: &fitted,
            },
            T0 + 3 * DAY,
        )
        .expect("own record");
    assert!(report.all_original_and_clean(), "{report:?}");
}

// ---------------------------------------------------------------------
// 4. "Made before the leak" is proven only by the part's own maker.
// ---------------------------------------------------------------------

struct Leak {
    trust: TrustStore,
    leak: u64,
    counterfeit: Certificate,
}

/// Acme's line key leaks at T0 + 10 days and is revoked since then; the
/// thief mints a screen with it.
fn leaked_line(world: &World) -> Leak {
    let mut trust = world.trust();
    let leak = T0 + 10 * DAY;
    let revocation = world
        .acme_root
        .revoke(
            1,
            T0 + 11 * DAY,
            &[RevokedKey {
                key: world.acme_line.key().key_id(),
                since: leak,
            }],
        )
        .expect("revoke");
    trust
        .apply_revocation_list(&revocation, T0 + 11 * DAY)
        .expect("accepted");
    let counterfeit = world
        .acme_line
        .certify_part(
            &spec(PartKind::Screen, "SCR-FAKE", vec![], None),
            999,
            years(30),
        )
        .expect("the leaked key signs");
    Leak {
        trust,
        leak,
        counterfeit,
    }
}

struct Rival {
    root: Authority,
    line: Authority,
    pairing: Authority,
}

/// Bolt: another maker whose root also names Acme Phones (a contract
/// maker), with a factory line and a pairing service.
fn rival() -> Rival {
    let root = Authority::new_manufacturer_root(key(50), "Bolt root", &["Bolt", MAKER], years(40))
        .expect("rival root");
    let line_key = key(52);
    let line = Authority::new(
        line_key.clone(),
        root.certify_part_issuer(
            "Bolt line",
            line_key.public_key(),
            &[PartKind::Board, PartKind::Screen, PartKind::RearCamera],
            &["Bolt", MAKER],
            2,
            years(25),
        )
        .expect("certify line"),
    )
    .expect("line");
    let service_key = key(51);
    let pairing = Authority::new(
        service_key.clone(),
        root.certify_pairing_service("Bolt pairing", service_key.public_key(), 3, years(25))
            .expect("certify service"),
    )
    .expect("service");
    Rival {
        root,
        line,
        pairing,
    }
}

#[test]
fn a_leaked_line_cannot_be_revived_by_a_rivals_record() {
    let world = world();
    let Leak {
        mut trust,
        leak,
        counterfeit,
    } = leaked_line(&world);
    let bolt = rival();
    trust
        .add_manufacturer_root(bolt.root.certificate().clone())
        .expect("pin rival");
    let chain = world.chain();
    // Bolt's service pairs the counterfeit into a Bolt handset, dated before
    // the leak: a cross-maker repair record places it in a handset…
    let mut board = spec(
        PartKind::Board,
        "BOLT-BRD-1",
        vec![imei(35_100_000_000_001)],
        None,
    );
    board.manufacturer = "Bolt".into();
    let bolt_board = bolt.line.certify_part(&board, 1, years(30)).expect("board");
    let record = bolt
        .pairing
        .pair(
            &bolt_board,
            std::slice::from_ref(&counterfeit),
            1,
            PairingEvent::Repair,
            leak - 5 * DAY,
        )
        .expect("a rival's record");
    // …but never before Acme's leak: only Acme's own service vouches for that.
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&counterfeit, &chain).with_pairing(&record),
                leak + 2 * DAY,
            )
            .unwrap_err(),
        Error::IssuerRevoked(world.acme_line.key().key_id())
    );
    // Alice's genuine screen, with Acme's own factory record, still is.
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &chain).with_pairing(&world.alice.pairing),
            leak + 2 * DAY,
        )
        .expect("made before the leak");
    assert_eq!(verdict.issuer_revoked_since, Some(leak));
}

#[test]
fn a_record_older_than_its_service_cannot_place_a_counterfeit_before_the_leak() {
    let world = world();
    let Leak {
        trust,
        leak,
        counterfeit,
    } = leaked_line(&world);
    let chain = world.chain();
    // A pairing service certified after the leak…
    let late_service = authority(
        &world.acme_root,
        47,
        AuthorityRole::PairingService,
        "Acme pairing 2026b",
        &[],
        47,
        Validity::days_from(leak + DAY, 3_650),
    );
    // …refuses to sign a record dated before its own validity…
    assert_eq!(
        late_service
            .pair(
                &world.alice.board,
                std::slice::from_ref(&counterfeit),
                2,
                PairingEvent::Repair,
                leak - DAY,
            )
            .unwrap_err()
            .code(),
        ErrorCode::NotYetValid
    );
    // …and one signed by hand is refused by every verifier.
    let backdated = forge::PairingBody {
        service_certificate: late_service.certificate().as_bytes().to_vec(),
        imeis: vec![world.alice.imei],
        board: PairedPart::of(&world.alice.board, leak - DAY).expect("board"),
        parts: vec![PairedPart::of(&counterfeit, leak - DAY).expect("screen")],
        sequence: 2,
        event: PairingEvent::Repair,
        issued_at: leak - DAY,
    }
    .sign(late_service.key());
    // The counterfeit stays what its line's revocation makes it…
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&counterfeit, &chain).with_pairing(&backdated),
                leak + 2 * DAY,
            )
            .unwrap_err(),
        Error::IssuerRevoked(world.acme_line.key().key_id())
    );
    // …because the record itself is refused: dated before its service.
    let parts = [world.alice.board.clone(), counterfeit.clone()];
    let error = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &backdated,
                modem_imeis: &[world.alice.imei],
                fitted: &fitted(&parts, &chain),
            },
            leak + 2 * DAY,
        )
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::NotYetValid {
                what: "pairing service certificate, at the record's issue time",
                ..
            }
        ),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------
// 5. A device can stop following an authority.
// ---------------------------------------------------------------------

#[test]
fn a_device_that_unpins_a_rogue_operator_keeps_every_other_list_and_mark() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let register_list = world.alice_reported_stolen(1);
    let operator_list = world
        .operator
        .publish_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, vec![])
        .expect("operator list");
    let device = world.blocklist_with(&trust, &[&register_list, &operator_list]);
    let saved = device.encode_state();
    let marks = device.rollback_state().encode();

    // The operator goes rogue: the device pins every root but its.
    let mut without_operator = TrustStore::new();
    without_operator
        .add_manufacturer_root(world.acme_root.certificate().clone())
        .expect("pin");
    without_operator
        .add_blocklist_root(world.register_root.certificate().clone())
        .expect("pin");
    let loaded = Blocklist::load_state(&saved, &without_operator).expect("loads");
    assert_eq!(loaded.dropped, vec![world.operator.key().key_id()]);
    let operator_id = world.operator.key().key_id();
    assert!(loaded.blocklist.list(&operator_id).is_none());
    assert!(
        loaded
            .blocklist
            .list(&world.register_root.key().key_id())
            .is_some()
    );
    let check = |blocklist: &Blocklist| {
        let bob = verifier(&without_operator, blocklist)
            .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 3 * DAY)
            .expect("genuine");
        let alice = verifier(&without_operator, blocklist)
            .verify_part(
                &PartEvidence::new(&world.alice.screen, &chain),
                T0 + 3 * DAY,
            )
            .expect("genuine");
        (bob, alice)
    };
    let (bob, alice) = check(&loaded.blocklist);
    assert!(
        matches!(bob.blocklist, BlocklistStatus::Clean { .. }),
        "{bob:?}"
    );
    assert!(alice.is_blocked());

    // Restarting from the marks only: the unpinned authority is unfollowed
    // explicitly, and no longer reads missing.
    let mut restarted =
        Blocklist::with_rollback_state(RollbackState::decode(&marks).expect("marks"));
    restarted
        .apply_snapshot(&without_operator, &register_list, T0 + 2 * DAY)
        .expect("register list");
    assert_eq!(
        restarted.unfollow_unpinned(&without_operator),
        vec![operator_id]
    );
    let (bob, _) = check(&restarted);
    assert!(
        matches!(bob.blocklist, BlocklistStatus::Clean { .. }),
        "{bob:?}"
    );
    // Unfollowing by name works the same, and says what it dropped.
    let mut explicit = device.clone();
    assert!(explicit.unfollow(&operator_id).is_some());
    assert!(explicit.unfollow(&operator_id).is_none());
    assert_eq!(explicit.rollback_state().marks().count(), 1);
}

// ---------------------------------------------------------------------
// 6. A listed handset stays blocked whatever record it comes with.
// ---------------------------------------------------------------------

#[test]
fn a_listed_board_with_a_foreign_record_stays_blocked() {
    let world = world();
    let bolt = rival();
    let mut trust = world.trust();
    trust
        .add_manufacturer_root(bolt.root.certificate().clone())
        .expect("pin rival");
    let list = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&list]);
    let chain = world.chain();
    let foreign = |handset: &Handset| {
        forge::PairingBody {
            service_certificate: bolt.pairing.certificate().as_bytes().to_vec(),
            imeis: vec![handset.imei],
            board: PairedPart::of(&handset.board, T0 + DAY).expect("board"),
            parts: vec![],
            sequence: 2,
            event: PairingEvent::Repair,
            issued_at: T0 + DAY,
        }
        .sign(bolt.pairing.key())
    };
    let record = foreign(&world.alice);
    let verdict = verifier(&trust, &blocklist)
        .verify_part(
            &PartEvidence::new(&world.alice.board, &chain).with_pairing(&record),
            T0 + 3 * DAY,
        )
        .expect("blocked wins over a foreign record");
    assert!(verdict.is_blocked());
    assert_eq!(verdict.pairing_refused, Some(Error::ForeignPairingService));
    assert_eq!(verdict.relation, Relation::Unpaired);
    assert!(
        verdict
            .summary()
            .contains("BLOCKED: stolen, its pairing record was refused")
    );
    // The self-check of the handset the thief dressed up.
    let fitted = [FittedPart {
        certificate: &world.alice.board,
        chain: &chain,
        challenge: None,
    }];
    let report = verifier(&trust, &blocklist)
        .verify_handset(
            &HandsetEvidence {
                pairing: &record,
                modem_imeis: &[world.alice.imei],
                fitted: &fitted,
            },
            T0 + 3 * DAY,
        )
        .expect("blocked wins");
    assert!(report.is_blocked());
    assert_eq!(report.pairing_refused, Some(Error::ForeignPairingService));
    assert!(!report.all_original());
    // A clean board with a foreign record is still refused.
    let bobs = foreign(&world.bob);
    assert_eq!(
        verifier(&trust, &blocklist)
            .verify_part(
                &PartEvidence::new(&world.bob.board, &chain).with_pairing(&bobs),
                T0 + 3 * DAY,
            )
            .unwrap_err(),
        Error::ForeignPairingService
    );
}

// ---------------------------------------------------------------------
// 7. A signed compact list says the same thing to everyone who reads it.
// ---------------------------------------------------------------------

#[test]
fn a_compact_list_that_shows_one_thing_and_answers_another_is_refused() {
    let world = world();
    let trust = world.trust();
    // Two IMEIs: one directory bucket, one line (the documented layout
    // version 3: the 64-byte header, the line, then the directory's two
    // u32 entries, 0 and 8 × lines).
    let first = imei(35_000_000_000_001);
    let second = imei(35_000_000_000_002);
    let entries: Vec<BlocklistEntry> = [first, second]
        .into_iter()
        .map(|imei| BlocklistEntry::handset(imei, Reason::Stolen, T0, ListingStatus::Final))
        .collect();
    let honest = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &entries)
        .expect("compact list");
    let mut bytes = honest.list().as_bytes().to_vec();
    assert_eq!(bytes.len(), 136, "the documented layout for two IMEIs");
    assert_eq!(bytes[132..136], 8u32.to_le_bytes());
    bytes[132..136].copy_from_slice(&0u32.to_le_bytes());
    // A directory that ends the bucket before its line: an auditor
    // iterating the list sees both IMEIs, a device looking one up misses
    // it.
    let tampered = CompactList::from_bytes(bytes.clone()).expect("header and length agree");
    let shown: Vec<CompactKey> = tampered.iter().map(|hit| hit.key).collect();
    assert!(shown.contains(&CompactKey::Imei(first)));
    assert!(tampered.lookup(&BlockKey::Imei(first)).is_none());
    assert_eq!(
        tampered.check_structure(),
        Err(Error::InvalidField(
            "compact list: a directory entry disagrees with the lines"
        ))
    );
    // Signed with the register's key, it is refused when applied.
    let body = forge::CompactSnapshotBody::of(&honest).with_list(bytes);
    let signed = body.sign(world.register.key());
    let mut device = Blocklist::new();
    assert_eq!(
        device
            .apply_compact_snapshot(&trust, &signed, T0 + 2 * DAY)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidField
    );
    assert_eq!(device, Blocklist::new(), "a refused list changes nothing");
    assert_eq!(honest.list().check_structure(), Ok(()));
}

// ---------------------------------------------------------------------
// 8 and 9. A fingerprint hit is bounded, and does not read as an exact one.
// ---------------------------------------------------------------------

/// A part identity sharing `part`'s first 128 bits (every fingerprint a
/// compact list keeps), and differing after them.
fn sharing_fingerprint(part: &PartId, tail: u64) -> PartId {
    let mut bytes = *part.as_bytes();
    bytes[24..].copy_from_slice(&(tail ^ 0x5a5a_5a5a_5a5a_5a5a).to_be_bytes());
    PartId(bytes)
}

fn bobs_screen_id(world: &World) -> PartId {
    world.bob.screen.part().expect("part").part_id()
}

#[test]
fn a_fingerprint_flood_is_capped_and_says_so() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let bob = bobs_screen_id(&world);
    let flood: Vec<BlocklistEntry> = (0..200_000)
        .map(|tail| {
            BlocklistEntry::part(
                sharing_fingerprint(&bob, tail),
                Reason::Stolen,
                T0,
                ListingStatus::Final,
                None,
            )
        })
        .collect();
    let compact = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &flood)
        .expect("flood");
    let mut device = Blocklist::new();
    device
        .apply_compact_snapshot(&trust, &compact, T0 + 2 * DAY)
        .expect("a structurally sound list");
    let verdict = verifier(&trust, &device)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 3 * DAY)
        .expect("genuine");
    let BlocklistStatus::Blocked {
        listings, capped, ..
    } = &verdict.blocklist
    else {
        panic!("expected blocked, got {:?}", verdict.blocklist);
    };
    assert_eq!(listings.len(), limits::MAX_LISTINGS);
    assert!(capped);
    assert!(listings.iter().all(|listing| listing.by_fingerprint));
    assert_eq!(
        device.lookup(&[BlockKey::Part(bob)]).unwrap().len(),
        limits::MAX_LISTINGS
    );
}

#[test]
fn a_fingerprint_hit_reads_as_one_and_names_the_fingerprint() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let bob = bobs_screen_id(&world);
    let other = BlocklistEntry::part(
        sharing_fingerprint(&bob, 7),
        Reason::Stolen,
        T0,
        ListingStatus::Final,
        None,
    );
    let compact = world
        .register
        .publish_compact_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, &[other])
        .expect("list");
    let mut device = Blocklist::new();
    device
        .apply_compact_snapshot(&trust, &compact, T0 + 2 * DAY)
        .expect("applied");
    let verdict = verifier(&trust, &device)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 3 * DAY)
        .expect("genuine");
    assert_eq!(
        verdict.summary(),
        "genuine (serial-only), unpaired, BLOCKED: stolen (by fingerprint)"
    );
    let listing = &verdict.blocklist.listings()[0];
    let width = compact.list().fingerprint_width();
    assert_eq!(
        listing.matched,
        MatchedKey::PartFingerprint(PartFingerprint::of(&bob, width).expect("width"))
    );
    assert_ne!(listing.matched, MatchedKey::Part(bob));
    assert!(listing.by_fingerprint);
}

// ---------------------------------------------------------------------
// 10. A keyed part's key travels with it.
// ---------------------------------------------------------------------

#[test]
fn a_harvested_keyed_camera_recertified_under_another_root_reads_blocked() {
    let world = world();
    let bolt = rival();
    let mut trust = world.trust();
    trust
        .add_manufacturer_root(bolt.root.certificate().clone())
        .expect("pin rival");
    let list = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&list]);
    let camera_key = world.alice.camera_key.public_key();
    // Another root that also names Acme re-certifies Alice's camera, its
    // key unchanged, under a new serial.
    let recertified = bolt
        .line
        .certify_part(
            &spec(PartKind::RearCamera, "CAM-RECERT", vec![], Some(camera_key)),
            77,
            years(30),
        )
        .expect("re-certified");
    // And a leaked Acme line does the same under its own root.
    let reissued = world
        .acme_line
        .certify_part(
            &spec(PartKind::RearCamera, "CAM-NEW-7", vec![], Some(camera_key)),
            78,
            years(30),
        )
        .expect("re-issued");
    let challenge = Challenge::new([9; 32]);
    for (certificate, chain) in [
        (&recertified, vec![bolt.line.certificate().clone()]),
        (&reissued, world.chain()),
    ] {
        let response = ChallengeResponse::respond(&world.alice.camera_key, &challenge, certificate)
            .expect("the camera answers");
        let verdict = verifier(&trust, &blocklist)
            .verify_part(
                &PartEvidence::new(certificate, &chain).with_challenge(&challenge, &response),
                T0 + 3 * DAY,
            )
            .expect("genuine");
        assert_eq!(verdict.binding, Binding::KeyProven);
        assert!(verdict.is_blocked(), "{verdict:?}");
        assert_eq!(
            verdict.blocklist.listings()[0].matched,
            MatchedKey::PartKey(camera_key.key_id())
        );
    }
    // Bob's camera, keyed too, is clean.
    let verdict = verifier(&trust, &blocklist)
        .verify_part(
            &PartEvidence::new(&world.bob.camera, &world.chain()),
            T0 + 3 * DAY,
        )
        .expect("genuine");
    assert!(matches!(verdict.blocklist, BlocklistStatus::Clean { .. }));
}

// ---------------------------------------------------------------------
// 11. A repair does not erase a part's past.
// ---------------------------------------------------------------------

fn fitted<'a>(parts: &'a [Certificate], chain: &'a [Certificate]) -> Vec<FittedPart<'a>> {
    parts
        .iter()
        .map(|certificate| FittedPart {
            certificate,
            chain,
            challenge: None,
        })
        .collect()
}

#[test]
fn a_screen_swap_after_a_leak_does_not_condemn_the_board() {
    let world = world();
    let Leak {
        trust,
        leak,
        counterfeit,
    } = leaked_line(&world);
    let chain = world.chain();
    let repaired_at = leak + 5 * DAY;
    // Alice's cracked screen is replaced by Bob's (a donor, made before the
    // leak) at an Acme repair centre, after the leak.
    let repair = world
        .acme_pairing
        .pair_after(
            &trust,
            &[world.alice.pairing.clone(), world.bob.pairing.clone()],
            &world.alice.board,
            &[
                world.bob.screen.clone(),
                world.alice.battery.clone(),
                world.alice.camera.clone(),
            ],
            2,
            PairingEvent::Repair,
            repaired_at,
        )
        .expect("repair record");
    assert!(repair.all_parts().all(|part| part.first_paired == T0));
    let parts: Vec<Certificate> = vec![
        world.alice.board.clone(),
        world.bob.screen.clone(),
        world.alice.battery.clone(),
        world.alice.camera.clone(),
    ];
    let report = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &repair,
                modem_imeis: &[world.alice.imei],
                fitted: &fitted(&parts, &chain),
            },
            repaired_at + DAY,
        )
        .expect("own record");
    assert!(report.all_original(), "{report:?}");
    for part in &report.parts {
        let verdict = part.outcome.as_ref().expect("genuine");
        assert_eq!(verdict.issuer_revoked_since, Some(leak));
    }
    // And again after a second repair: the past survives every record.
    let again = world
        .acme_pairing
        .pair_after(
            &trust,
            std::slice::from_ref(&repair),
            &world.alice.board,
            &[world.bob.screen.clone(), world.alice.battery.clone()],
            3,
            PairingEvent::Repair,
            repaired_at + 30 * DAY,
        )
        .expect("second repair");
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.alice.board, &chain).with_pairing(&again),
            repaired_at + 31 * DAY,
        )
        .expect("the board keeps its past");
    assert_eq!(verdict.issuer_revoked_since, Some(leak));
    // A counterfeit fitted in the same repair is first paired then: refused.
    let with_fake = world
        .acme_pairing
        .pair_after(
            &trust,
            std::slice::from_ref(&world.alice.pairing),
            &world.alice.board,
            std::slice::from_ref(&counterfeit),
            2,
            PairingEvent::Repair,
            repaired_at,
        )
        .expect("repair record");
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&counterfeit, &chain).with_pairing(&with_fake),
                repaired_at + DAY,
            )
            .unwrap_err()
            .code(),
        ErrorCode::IssuerRevoked
    );
    // An earlier record the service cannot verify is refused, not carried.
    let mut body = forge::PairingBody::of(&world.alice.pairing);
    body.sequence = 9;
    let forged = body.sign(&key(77));
    assert_eq!(
        world
            .acme_pairing
            .pair_after(
                &trust,
                &[forged],
                &world.alice.board,
                &[],
                2,
                PairingEvent::Repair,
                repaired_at,
            )
            .unwrap_err()
            .code(),
        ErrorCode::BadSignature
    );
}

// ---------------------------------------------------------------------
// 12. A part outlives the certificates of those who vouched for it.
// ---------------------------------------------------------------------

#[test]
fn a_retired_lines_parts_live_on_and_its_key_mints_nothing_after() {
    let world = world();
    let trust = world.trust();
    // Line 1 made phones until the end of 2026 and was retired: its
    // certificate ran out and nothing was renewed.
    let line_end = T0 + YEAR;
    let line = authority(
        &world.acme_root,
        48,
        AuthorityRole::PartIssuer,
        "Acme line 1",
        &[PartKind::Board, PartKind::Screen],
        48,
        Validity {
            not_before: T0 - 5 * YEAR,
            not_after: line_end,
        },
    );
    let chain = [line.certificate().clone()];
    let board = line
        .certify_part(
            &spec(
                PartKind::Board,
                "BRD-OLD",
                vec![imei(35_200_000_000_001)],
                None,
            ),
            1,
            years(30),
        )
        .expect("board");
    let screen = line
        .certify_part(
            &spec(PartKind::Screen, "SCR-OLD", vec![], None),
            2,
            years(30),
        )
        .expect("screen");
    let record = world
        .acme_pairing
        .pair(
            &board,
            std::slice::from_ref(&screen),
            1,
            PairingEvent::FactoryBuild,
            T0,
        )
        .expect("factory record");
    let years_later = T0 + 5 * YEAR;
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&screen, &chain).with_pairing(&record),
            years_later,
        )
        .expect("genuine: made while its line was certified");
    assert_eq!(verdict.issuer_retired_at, Some(line_end));
    assert!(verdict.summary().contains("made before its line retired"));
    let report = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &record,
                modem_imeis: &[imei(35_200_000_000_001)],
                fitted: &fitted(&[board.clone(), screen.clone()], &chain),
            },
            years_later,
        )
        .expect("own record");
    assert!(report.all_original(), "{report:?}");
    // A repair after the retirement carries the parts' past.
    let repair = world
        .acme_pairing
        .pair_after(
            &trust,
            std::slice::from_ref(&record),
            &board,
            std::slice::from_ref(&screen),
            2,
            PairingEvent::Repair,
            T0 + 3 * YEAR,
        )
        .expect("repair");
    Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&board, &chain).with_pairing(&repair),
            years_later,
        )
        .expect("genuine after a repair too");
    // Without its maker's word, the part is as its line: expired.
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(&PartEvidence::new(&screen, &chain), years_later)
            .unwrap_err()
            .code(),
        ErrorCode::Expired
    );
    // The retired key, stolen, mints a screen: first paired after the
    // line's end, it never reads genuine.
    let minted = line
        .certify_part(
            &spec(PartKind::Screen, "SCR-MINT", vec![], None),
            3,
            years(30),
        )
        .expect("the key still signs");
    let late = world
        .acme_pairing
        .pair(
            &board,
            std::slice::from_ref(&minted),
            3,
            PairingEvent::Repair,
            years_later - DAY,
        )
        .expect("a record after the retirement");
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&minted, &chain).with_pairing(&late),
                years_later,
            )
            .unwrap_err()
            .code(),
        ErrorCode::Expired
    );
}
