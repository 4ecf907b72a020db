//! The trust rules between parties, each told as the attack or accident it
//! stops: a stolen register key, a careless operator's clock, a withheld
//! feed, a rewritten modem IMEI, a rival's pairing service, a renamed
//! harvested screen, a contract maker's screen in two brands, a renewed
//! line, a leaked line key — and exact codes and parsers.

mod common;

use common::forge;
use common::*;
use proptest::prelude::*;

fn verifier<'a>(trust: &'a TrustStore, blocklist: &'a Blocklist) -> Verifier<'a> {
    Verifier::new(trust).with_blocklist(blocklist)
}

fn stolen_entries(world: &World) -> Vec<BlocklistEntry> {
    BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    )
}

// ---------------------------------------------------------------------
// 1. A stolen delegated blocklist key can always be corrected.
// ---------------------------------------------------------------------

#[test]
fn a_stolen_register_key_is_superseded_by_its_roots_next_epoch_on_every_device() {
    let world = world();
    let trust = world.trust();
    let honest = world.alice_reported_stolen(1);

    // A thief copies the register's delegated key and publishes an empty
    // list (delisting Alice) at the largest sequence there is.
    let thief = world.register.clone();
    let thief_list = thief
        .publish_snapshot(
            seq(partcert::limits::MAX_SEQUENCE),
            T0 + 3 * DAY,
            T0 + 30 * DAY,
            vec![],
        )
        .expect("the stolen key signs in its own epoch");

    // Three devices: one saw the thief's list, one only the honest one, one is new.
    let mut saw_thief = Blocklist::new();
    saw_thief
        .apply_snapshot(&trust, &honest, T0 + 2 * DAY)
        .expect("honest list");
    saw_thief
        .apply_snapshot(&trust, &thief_list, T0 + 3 * DAY)
        .expect("the thief's list looks genuine");
    let mut saw_honest = Blocklist::new();
    saw_honest
        .apply_snapshot(&trust, &honest, T0 + 2 * DAY)
        .expect("honest list");
    let mut new_device = Blocklist::new();

    // The recipe: the root revokes the stolen key, then opens epoch 1 —
    // itself, and through a new key certified for epoch 1 afterwards.
    let revocation = world
        .register_root
        .revoke(
            1,
            T0 + 4 * DAY,
            &[RevokedKey {
                key: world.register.key().key_id(),
                since: T0 + 3 * DAY,
            }],
        )
        .expect("revocation");
    // Not every device receives the revocation list: the epoch alone must
    // protect those that do not.
    let without_revocation = trust.clone();
    let mut trust = trust;
    trust
        .apply_revocation_list(&revocation, T0 + 4 * DAY)
        .expect("revocation accepted");
    let correction = world
        .register_root
        .publish_snapshot(
            ListVersion::new(1, 1),
            T0 + 4 * DAY,
            T0 + 11 * DAY,
            stolen_entries(&world),
        )
        .expect("the root opens epoch 1");
    let new_key = key(40);
    let successor = Authority::new(
        new_key.clone(),
        world
            .register_root
            .certify_blocklist_authority(
                "NMPR signing 2026b",
                new_key.public_key(),
                1,
                9,
                years(10),
            )
            .expect("certify"),
    )
    .expect("successor");
    let next = successor
        .publish_next_snapshot(
            Some(&correction),
            ListVersion::new(1, 2),
            T0 + 5 * DAY,
            T0 + 12 * DAY,
            &[],
            vec![],
        )
        .expect("the successor signs in epoch 1");

    for (name, device) in [
        ("saw the thief", &mut saw_thief),
        ("saw only the honest list", &mut saw_honest),
        ("new", &mut new_device),
    ] {
        assert_eq!(
            device.apply_snapshot(&trust, &correction, T0 + 4 * DAY),
            Ok(ListVersion::new(1, 1)),
            "device that {name}"
        );
        assert_eq!(
            device.apply_snapshot(&trust, &next, T0 + 5 * DAY),
            Ok(ListVersion::new(1, 2))
        );
        // The thief's later lists: in its own epoch they are rollbacks…
        let later = thief
            .publish_snapshot(seq(7), T0 + 6 * DAY, T0 + 60 * DAY, vec![])
            .expect("the thief can still sign epoch 0");
        let before = device.clone();
        assert_eq!(
            device
                .apply_snapshot(&without_revocation, &later, T0 + 6 * DAY)
                .unwrap_err()
                .code(),
            ErrorCode::Rollback
        );
        assert_eq!(
            device
                .apply_snapshot(&trust, &later, T0 + 6 * DAY)
                .unwrap_err(),
            Error::IssuerRevoked(world.register.key().key_id())
        );
        assert_eq!(*device, before, "a refused list changes nothing");
        // …and a list it forges in epoch 1 is refused for its epoch.
        let forged = forge::SnapshotBody {
            signer_certificate: world.register.certificate().as_bytes().to_vec(),
            authority: world.register_root.certificate().issuer(),
            epoch: 1,
            sequence: 1_000,
            issued_at: T0 + 3 * DAY,
            expires_at: T0 + 60 * DAY,
            entries: vec![],
        }
        .sign(world.register.key());
        assert_eq!(
            device
                .apply_snapshot(&without_revocation, &forged, T0 + 6 * DAY)
                .unwrap_err(),
            Error::EpochNotPermitted {
                offered: 1,
                permitted: 0
            }
        );
        // Alice's screen is blocked again on every device.
        let chain = world.chain();
        let verdict = verifier(&trust, device)
            .verify_part(
                &PartEvidence::new(&world.alice.screen, &chain),
                T0 + 6 * DAY,
            )
            .expect("genuine");
        assert!(verdict.is_blocked(), "device that {name}");
    }

    // The stolen key cannot even sign epoch 1 through the API.
    assert_eq!(
        thief
            .publish_snapshot(ListVersion::new(1, 5), T0 + 6 * DAY, T0 + 9 * DAY, vec![])
            .unwrap_err()
            .code(),
        ErrorCode::EpochNotPermitted
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Whatever a thief holding the delegated key publishes, and whatever
    /// each device saw of it, the root's correction in the next epoch is
    /// accepted everywhere and the thief's later lists are refused.
    #[test]
    fn a_roots_correction_supersedes_any_history_a_thief_wrote(
        thief_sequences in prop::collection::vec(1..=partcert::limits::MAX_SEQUENCE, 0..6),
        seen in prop::collection::vec(any::<u8>(), 3),
        correction_sequence in 1..1_000u64,
        later_sequence in 0..=partcert::limits::MAX_SEQUENCE,
    ) {
        let world = world();
        let trust = world.trust();
        let thief_lists: Vec<BlocklistSnapshot> = thief_sequences
            .iter()
            .enumerate()
            .map(|(i, s)| world.register.publish_snapshot(
                seq(*s), T0 + 2 * DAY + i as u64, T0 + 30 * DAY, vec![]).expect("sign"))
            .collect();
        let correction = world.register_root.publish_snapshot(
            ListVersion::new(1, correction_sequence), T0 + 3 * DAY, T0 + 10 * DAY,
            stolen_entries(&world)).expect("correction");
        let later = world.register.publish_snapshot(
            seq(later_sequence), T0 + 4 * DAY, T0 + 40 * DAY, vec![]).expect("sign");
        for mask in seen {
            let mut device = Blocklist::new();
            for (i, list) in thief_lists.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    let _ = device.apply_snapshot(&trust, list, T0 + 2 * DAY);
                }
            }
            prop_assert_eq!(
                device.apply_snapshot(&trust, &correction, T0 + 3 * DAY),
                Ok(ListVersion::new(1, correction_sequence))
            );
            prop_assert_eq!(
                device.apply_snapshot(&trust, &later, T0 + 4 * DAY).unwrap_err().code(),
                ErrorCode::Rollback
            );
        }
    }
}

// ---------------------------------------------------------------------
// 2. No authority's clock governs another's.
// ---------------------------------------------------------------------

#[test]
fn a_careless_operators_clock_never_makes_another_registers_list_or_any_part_be_refused() {
    let world = world();
    let mut trust = world.trust();
    // The operator signs a list dated ten years ahead (its root allows it).
    let careless = world
        .operator
        .publish_snapshot(seq(1), T0 + 10 * YEAR, T0 + 10 * YEAR + DAY, vec![])
        .expect("careless list");
    // And the register's root signs a revocation list twenty years ahead.
    let careless_revocation = world
        .register_root
        .revoke(1, T0 + 20 * YEAR, &[])
        .expect("careless revocation list");
    let mut blocklist = Blocklist::new();
    blocklist
        .apply_snapshot(&trust, &careless, T0 + 2 * DAY)
        .expect("the operator's own list is accepted");
    trust
        .apply_revocation_list(&careless_revocation, T0 + 2 * DAY)
        .expect("accepted for the register's own keys");

    // Another authority's new list is still accepted (the register's
    // delegated certificate ends before the careless times).
    let operator2 =
        Authority::new_blocklist_root(key(41), "Second carrier", years(40)).expect("root");
    trust
        .add_blocklist_root(operator2.certificate().clone())
        .expect("pin");
    let other = operator2
        .publish_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, vec![])
        .expect("list");
    assert_eq!(
        blocklist.apply_snapshot(&trust, &other, T0 + 2 * DAY),
        Ok(seq(1))
    );

    // Every manufacturer's genuine part still verifies, checked at the
    // device's own clock. The careless list flags only itself: the second
    // carrier's punctual list is current (the rule for times).
    let chain = world.chain();
    let verdict = verifier(&trust, &blocklist)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 3 * DAY)
        .expect("genuine: no other authority's time can expire it");
    assert_eq!(verdict.checked_at, T0 + 3 * DAY);
    let BlocklistStatus::Stale { lists } = &verdict.blocklist else {
        panic!("expected stale, got {:?}", verdict.blocklist);
    };
    let punctual = lists
        .iter()
        .find(|l| l.authority == operator2.certificate().issuer())
        .expect("the second carrier's list");
    assert_eq!(punctual.stale_reason, None);
    let careless_own = lists
        .iter()
        .find(|l| l.authority == world.operator.certificate().issuer())
        .expect("the careless list");
    assert_eq!(
        careless_own.stale_reason,
        Some(StaleReason::FutureDated {
            issued_at: T0 + 10 * YEAR
        })
    );

    // A manufacturer's revocation list from the future moves not even its
    // own clock past the device's clock plus the tolerance.
    let acme_revocation = world
        .acme_root
        .revoke(1, T0 + 30 * YEAR, &[])
        .expect("acme revocation list");
    trust
        .apply_revocation_list(&acme_revocation, T0 + 3 * DAY)
        .expect("accepted");
    assert_eq!(
        trust.clock_for_root(&world.acme_root.key().key_id(), T0 + 3 * DAY),
        T0 + 3 * DAY + limits::CLOCK_TOLERANCE
    );
    Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), T0 + 3 * DAY)
        .expect("genuine: a date from the future expires nothing");
}

// ---------------------------------------------------------------------
// 3. A device knows which lists it follows.
// ---------------------------------------------------------------------

#[test]
fn a_withheld_feed_after_a_restart_reads_stale_naming_the_missing_register() {
    let world = world();
    let trust = world.trust();
    let list = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&list]);
    let chain = world.chain();
    let donor = PartEvidence::new(&world.bob.screen, &chain);
    assert!(matches!(
        verifier(&trust, &blocklist)
            .verify_part(&donor, T0 + 3 * DAY)
            .expect("genuine")
            .blocklist,
        BlocklistStatus::Clean { .. }
    ));

    // The device restarts from its saved marks; the feed is withheld.
    let marks = RollbackState::decode(&blocklist.rollback_state().encode()).expect("marks");
    let restarted = Blocklist::with_rollback_state(marks);
    let verdict = verifier(&trust, &restarted)
        .verify_part(&donor, T0 + 3 * DAY)
        .expect("genuine");
    let BlocklistStatus::Stale { lists } = &verdict.blocklist else {
        panic!("expected stale, got {:?}", verdict.blocklist);
    };
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].stale_reason, Some(StaleReason::Missing));
    assert_eq!(lists[0].authority_name, "National Mobile Property Register");
    assert_eq!(
        verdict.summary(),
        "genuine (serial-only), unpaired, clean but blocklist stale (National Mobile Property Register: missing)"
    );
    // "Not checked" means following nothing at all.
    assert_eq!(
        verifier(&trust, &Blocklist::new())
            .verify_part(&donor, T0 + 3 * DAY)
            .expect("genuine")
            .blocklist,
        BlocklistStatus::NotChecked
    );

    // Every stored byte is covered: any corruption is refused.
    for saved in [
        blocklist.encode_state(),
        blocklist.rollback_state().encode(),
    ] {
        for index in 5..saved.len() {
            let mut corrupted = saved.clone();
            corrupted[index] ^= 0x01;
            let refused = Blocklist::decode_state(&corrupted, &trust)
                .err()
                .or_else(|| RollbackState::decode(&corrupted).err());
            assert!(
                refused.is_some_and(
                    |e| e.code() == ErrorCode::CorruptState || e.code() == ErrorCode::BadMagic
                ),
                "byte {index} flipped was not refused as corrupt"
            );
        }
    }
}

// ---------------------------------------------------------------------
// 4. A listed handset stays blocked whatever its modem says.
// ---------------------------------------------------------------------

#[test]
fn a_listed_handset_stays_blocked_whatever_its_rewritten_modem_imei_says() {
    let world = world();
    let trust = world.trust();
    let list = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&list]);
    let chain = world.chain();
    let rewritten = [imei(35_000_000_000_001)];

    // The part check: Alice's board, its modem rewritten.
    let verdict = verifier(&trust, &blocklist)
        .verify_part(
            &PartEvidence::new(&world.alice.board, &chain).with_presented_imeis(&rewritten),
            T0 + 3 * DAY,
        )
        .expect("blocked wins over the mismatch");
    assert!(verdict.is_blocked());
    assert_eq!(verdict.mismatched_imeis, rewritten.to_vec());
    assert!(verdict.summary().contains("modem IMEI does not match"));

    // The self-check of the whole handset.
    let fitted = [FittedPart {
        certificate: &world.alice.board,
        chain: &chain,
        challenge: None,
    }];
    let report = verifier(&trust, &blocklist)
        .verify_handset(
            &HandsetEvidence {
                pairing: &world.alice.pairing,
                modem_imeis: &rewritten,
                fitted: &fitted,
            },
            T0 + 3 * DAY,
        )
        .expect("blocked wins over the mismatch");
    assert!(report.is_blocked());
    assert_eq!(report.mismatched_modem_imeis, rewritten.to_vec());
    assert!(!report.all_original());

    // A clean handset with a rewritten modem is still refused.
    assert_eq!(
        verifier(&trust, &blocklist)
            .verify_part(
                &PartEvidence::new(&world.bob.board, &chain).with_presented_imeis(&rewritten),
                T0 + 3 * DAY,
            )
            .unwrap_err()
            .code(),
        ErrorCode::ImeiMismatch
    );
    let bob_fitted = [FittedPart {
        certificate: &world.bob.board,
        chain: &chain,
        challenge: None,
    }];
    assert_eq!(
        verifier(&trust, &blocklist)
            .verify_handset(
                &HandsetEvidence {
                    pairing: &world.bob.pairing,
                    modem_imeis: &rewritten,
                    fitted: &bob_fitted,
                },
                T0 + 3 * DAY,
            )
            .unwrap_err()
            .code(),
        ErrorCode::ImeiMismatch
    );
}

// ---------------------------------------------------------------------
// 5. Only the handset's own maker vouches for it.
// ---------------------------------------------------------------------

struct Rival {
    root: Authority,
    pairing: Authority,
}

fn rival() -> Rival {
    let root = Authority::new_manufacturer_root(key(50), "Bolt root", &["Bolt"], years(40))
        .expect("rival root");
    let service_key = key(51);
    let pairing = Authority::new(
        service_key.clone(),
        root.certify_pairing_service("Bolt pairing", service_key.public_key(), 2, years(25))
            .expect("certify"),
    )
    .expect("service");
    Rival { root, pairing }
}

#[test]
fn a_rivals_pairing_service_cannot_vouch_for_an_acme_handset() {
    let world = world();
    let bolt = rival();
    let mut trust = world.trust();
    trust
        .add_manufacturer_root(bolt.root.certificate().clone())
        .expect("pin rival");
    let chain = world.chain();

    // The rival's service refuses to sign through the API…
    assert_eq!(
        bolt.pairing
            .pair(
                &world.alice.board,
                &world.alice.parts(),
                2,
                PairingEvent::Repair,
                T0 + DAY
            )
            .unwrap_err(),
        Error::ForeignPairingService
    );
    // …and a record it signs by hand is refused by every verifier.
    let forged = forge::PairingBody {
        service_certificate: bolt.pairing.certificate().as_bytes().to_vec(),
        imeis: vec![world.alice.imei],
        board: PairedPart::of(&world.alice.board, T0).expect("board"),
        parts: world.alice.pairing.parts().to_vec(),
        sequence: 2,
        event: PairingEvent::Repair,
        issued_at: T0 + DAY,
    }
    .sign(bolt.pairing.key());
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&world.alice.board, &chain).with_pairing(&forged),
                T0 + 2 * DAY
            )
            .unwrap_err(),
        Error::ForeignPairingService
    );
    let fitted = [FittedPart {
        certificate: &world.alice.board,
        chain: &chain,
        challenge: None,
    }];
    assert_eq!(
        Verifier::new(&trust)
            .verify_handset(
                &HandsetEvidence {
                    pairing: &forged,
                    modem_imeis: &[world.alice.imei],
                    fitted: &fitted,
                },
                T0 + 2 * DAY
            )
            .unwrap_err(),
        Error::ForeignPairingService
    );
}

// ---------------------------------------------------------------------
// 6. A part's identity can't be renamed; two makers' parts can't collide.
// ---------------------------------------------------------------------

#[test]
fn a_renamed_harvested_screen_cannot_be_recertified_clean() {
    let world = world();
    for renamed in [
        "SCR-ALICE\u{200B}",
        "SCR-\u{202E}ECILA",
        "SCR-ALICE ",
        " SCR-ALICE",
        "scr-alice",
        "SCR-ALICE\u{00A0}",
        "SCR-ALICE\u{FEFF}",
        "ЅCR-ALICE",
    ] {
        let error = world
            .acme_line
            .certify_part(
                &spec(PartKind::Screen, renamed, vec![], None),
                900,
                years(30),
            )
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidField, "{renamed:?}");
    }
    for maker in [
        "Acme Phones ",
        "Acme  Phones",
        "Acme\u{200D}Phones",
        "Acme Phones\t",
    ] {
        let mut renamed = spec(PartKind::Screen, "SCR-ALICE", vec![], None);
        renamed.manufacturer = maker.into();
        let error = world
            .acme_line
            .certify_part(&renamed, 901, years(30))
            .unwrap_err();
        assert!(
            matches!(
                error.code(),
                ErrorCode::InvalidField | ErrorCode::ManufacturerNotPermitted
            ),
            "{maker:?}: {error}"
        );
    }
    // A certificate with such a serial, signed by hand with the line's key,
    // is refused when decoded: the text rules hold at both ends.
    let mut body = forge::CertificateBody::of(&world.alice.screen);
    if let Subject::Part(part) = &mut body.subject {
        part.serial = "SCR-ALICE\u{200B}".into();
    }
    assert_eq!(
        Certificate::decode(&body.sign_bytes(world.acme_line.key()))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidField
    );
}

#[test]
fn a_contract_makers_screen_in_two_brands_never_blocks_the_other_brands_part() {
    let world = world();
    let bolt = rival();
    // Both roots name the contract maker; each line certifies its screens.
    let acme = Authority::new_manufacturer_root(
        key(60),
        "Acme Phones root 2",
        &["Acme Phones", "Foxconn"],
        years(40),
    )
    .expect("acme root");
    let bolt_root =
        Authority::new_manufacturer_root(key(61), "Bolt root 2", &["Bolt", "Foxconn"], years(40))
            .expect("bolt root");
    let line = |root: &Authority, seed: u8| {
        let line_key = key(seed);
        Authority::new(
            line_key.clone(),
            root.certify_part_issuer(
                "line",
                line_key.public_key(),
                &[PartKind::Screen],
                &["Foxconn"],
                2,
                years(25),
            )
            .expect("line"),
        )
        .expect("line")
    };
    let acme_line = line(&acme, 62);
    let bolt_line = line(&bolt_root, 63);
    let mut screen = spec(PartKind::Screen, "FXN-000042", vec![], None);
    screen.manufacturer = "Foxconn".into();
    let in_acme = acme_line.certify_part(&screen, 1, years(30)).expect("acme");
    let in_bolt = bolt_line.certify_part(&screen, 1, years(30)).expect("bolt");
    let acme_id = in_acme.part().expect("part").part_id();
    let bolt_id = in_bolt.part().expect("part").part_id();
    assert_ne!(acme_id, bolt_id, "identity is bound to the root");

    // The register lists the Acme-branded screen (from a stolen Acme phone).
    let mut trust = world.trust();
    trust
        .add_manufacturer_root(acme.certificate().clone())
        .expect("pin");
    trust
        .add_manufacturer_root(bolt_root.certificate().clone())
        .expect("pin");
    let list = world
        .register
        .publish_snapshot(
            seq(1),
            T0 + 2 * DAY,
            T0 + 9 * DAY,
            vec![BlocklistEntry::part(
                acme_id,
                Reason::Stolen,
                T0 + DAY,
                ListingStatus::Final,
                None,
            )],
        )
        .expect("list");
    let blocklist = world.blocklist_with(&trust, &[&list]);
    let acme_chain = [acme_line.certificate().clone()];
    let bolt_chain = [bolt_line.certificate().clone()];
    assert!(
        verifier(&trust, &blocklist)
            .verify_part(&PartEvidence::new(&in_acme, &acme_chain), T0 + 3 * DAY)
            .expect("genuine")
            .is_blocked()
    );
    let bolt_verdict = verifier(&trust, &blocklist)
        .verify_part(&PartEvidence::new(&in_bolt, &bolt_chain), T0 + 3 * DAY)
        .expect("genuine");
    assert!(matches!(
        bolt_verdict.blocklist,
        BlocklistStatus::Clean { .. }
    ));

    // A root cannot certify a maker it does not name: Bolt's line may not
    // issue "Acme Phones" parts, at issue or (forged) at verification.
    let mut posing = spec(PartKind::Screen, "SCR-ALICE", vec![], None);
    posing.manufacturer = "Acme Phones".into();
    assert_eq!(
        bolt_line
            .certify_part(&posing, 2, years(30))
            .unwrap_err()
            .code(),
        ErrorCode::ManufacturerNotPermitted
    );
    assert_eq!(
        bolt.root
            .certify_part_issuer(
                "posing line",
                key(64).public_key(),
                &[PartKind::Screen],
                &["Acme Phones"],
                3,
                years(25)
            )
            .unwrap_err()
            .code(),
        ErrorCode::ManufacturerNotPermitted
    );
}

// ---------------------------------------------------------------------
// 7. Chain building finds the valid path.
// ---------------------------------------------------------------------

#[test]
fn a_renewed_line_certificate_beside_the_old_one_verifies_a_genuine_part_in_any_order() {
    let world = world();
    let trust = world.trust();
    let line_key = world.acme_line.key().clone();
    // The line's first certificate only permitted boards; its renewal
    // widens it to screens. Both are presented, in either order.
    let narrow = world
        .acme_root
        .certify_part_issuer(
            "Acme Shenzhen line 3",
            line_key.public_key(),
            &[PartKind::Board],
            &[MAKER],
            30,
            years(25),
        )
        .expect("narrow");
    let expired = world
        .acme_root
        .certify_part_issuer(
            "Acme Shenzhen line 3",
            line_key.public_key(),
            &[PartKind::Screen],
            &[MAKER],
            31,
            Validity::days_from(T0 - 5 * YEAR, 30),
        )
        .expect("expired");
    let widened = world.acme_line.certificate().clone();
    for chain in [
        vec![narrow.clone(), widened.clone()],
        vec![widened.clone(), narrow.clone()],
        vec![expired.clone(), narrow.clone(), widened.clone()],
    ] {
        Verifier::new(&trust)
            .verify_part(&PartEvidence::new(&world.alice.screen, &chain), T0 + DAY)
            .expect("the widened path permits the screen");
    }
    // With no valid path, the most specific failure is reported, whatever
    // the order: an expired issuer says more than a narrower one.
    for chain in [
        vec![narrow.clone(), expired.clone()],
        vec![expired.clone(), narrow.clone()],
    ] {
        assert_eq!(
            Verifier::new(&trust)
                .verify_part(&PartEvidence::new(&world.alice.screen, &chain), T0 + DAY)
                .unwrap_err()
                .code(),
            ErrorCode::KindNotPermitted
        );
    }
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&world.alice.screen, std::slice::from_ref(&expired)),
                T0 + DAY
            )
            .unwrap_err()
            .code(),
        ErrorCode::Expired
    );
}

// ---------------------------------------------------------------------
// 8. Revoking a leaked line key spares the parts it made before the leak.
// ---------------------------------------------------------------------

#[test]
fn a_leaked_line_key_condemns_only_what_it_signed_after_the_leak() {
    let world = world();
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
    let chain = world.chain();
    let now = T0 + 12 * DAY;

    // Alice's screen was paired at the factory (T0), before the leak, by
    // an unrevoked pairing service: still genuine, and the verdict says so.
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &chain).with_pairing(&world.alice.pairing),
            now,
        )
        .expect("genuine: made before the leak");
    assert_eq!(verdict.issuer_revoked_since, Some(leak));
    assert!(
        verdict
            .summary()
            .contains("made before its line's key was revoked")
    );

    // Without that evidence, the same certificate is refused.
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(&PartEvidence::new(&world.alice.screen, &chain), now)
            .unwrap_err()
            .code(),
        ErrorCode::IssuerRevoked
    );
    // A part the thief certifies with the leaked key, even if a record
    // after the leak pairs it, is refused.
    let thief_screen = world
        .acme_line
        .certify_part(
            &spec(PartKind::Screen, "SCR-THIEF", vec![], None),
            999,
            years(30),
        )
        .expect("the leaked key signs");
    let late_record = world
        .acme_pairing
        .pair(
            &world.alice.board,
            std::slice::from_ref(&thief_screen),
            2,
            PairingEvent::Repair,
            leak + DAY,
        )
        .expect("a repair after the leak");
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&thief_screen, &chain).with_pairing(&late_record),
                now
            )
            .unwrap_err()
            .code(),
        ErrorCode::IssuerRevoked
    );
    // The boot self-check of Alice's untouched handset still passes.
    let fitted: Vec<Certificate> = std::iter::once(world.alice.board.clone())
        .chain(world.alice.parts())
        .collect();
    let fitted: Vec<FittedPart<'_>> = fitted
        .iter()
        .map(|certificate| FittedPart {
            certificate,
            chain: &chain,
            challenge: None,
        })
        .collect();
    let report = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &world.alice.pairing,
                modem_imeis: &[world.alice.imei],
                fitted: &fitted,
            },
            now,
        )
        .expect("own record");
    assert!(report.all_original(), "{report:?}");
}

#[test]
fn a_renewed_certificate_of_a_paired_part_is_reported_as_the_same_part() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    // The factory re-certifies Alice's screen (same maker, kind, serial).
    let renewed = world
        .acme_line
        .certify_part(
            &spec(PartKind::Screen, "SCR-ALICE", vec![], None),
            555,
            years(35),
        )
        .expect("renewal");
    assert_ne!(renewed.fingerprint(), world.alice.screen.fingerprint());
    let verdict = Verifier::new(&trust)
        .on_handset(&[world.alice.imei])
        .verify_part(
            &PartEvidence::new(&renewed, &chain).with_pairing(&world.alice.pairing),
            T0 + DAY,
        )
        .expect("the same part");
    assert_eq!(verdict.relation, Relation::PairedHere);
    assert!(verdict.provenance.expect("paired").certificate_renewed);
}

// ---------------------------------------------------------------------
// 9. Codes and parsers are exact.
// ---------------------------------------------------------------------

#[test]
fn an_unknown_variant_from_a_newer_writer_is_a_malformed_body_not_a_length() {
    let world = world();
    // A pairing event this library does not know (tag 7), from a newer
    // writer: the event tag is the byte before the issue time's varint.
    let body = forge::PairingBody::of(&world.alice.pairing);
    let mut bytes = postcard::to_allocvec(&body).expect("encode");
    let issued_at_len = postcard::to_allocvec(&body.issued_at)
        .expect("encode")
        .len();
    let event_at = bytes.len() - issued_at_len - 1;
    bytes[event_at] = 7;
    let forged = forge::sign_envelope(2, &bytes, world.acme_pairing.key());
    assert_eq!(
        PairingRecord::decode(&forged).unwrap_err().code(),
        ErrorCode::MalformedBody
    );
}

#[test]
fn hex_parsers_take_hex_digits_only() {
    let good = "ab".repeat(32);
    assert!(KeyId::from_hex(&good).is_ok());
    for bad in [
        "+f".repeat(32),
        format!(" {}", &good[1..]),
        format!("{}\n", &good[..63]),
        "0x".to_owned() + &good[2..],
        "é".repeat(32),
    ] {
        assert_eq!(
            KeyId::from_hex(&bad).unwrap_err().code(),
            ErrorCode::InvalidField,
            "{bad:?}"
        );
        assert!(PublicKey::from_hex(&bad).is_err(), "{bad:?}");
    }
}

// ---------------------------------------------------------------------
// The verified-authority cache never weakens a rule.
// ---------------------------------------------------------------------

#[test]
fn a_line_verified_once_is_still_checked_for_expiry_and_revocation_on_every_part() {
    let world = world();
    let mut trust = world.trust();
    let chain = world.chain();
    let verify = |trust: &TrustStore, part: &Certificate, now: u64| {
        Verifier::new(trust).verify_part(&PartEvidence::new(part, &chain), now)
    };
    // Warm: the line's certificate is verified once and remembered.
    for part in world.alice.parts() {
        verify(&trust, &part, T0 + DAY).expect("genuine");
    }
    // After the line's certificate expires, the remembered signature does
    // not make it valid.
    let after_line = world.acme_line.certificate().validity().not_after + 1;
    assert_eq!(
        verify(&trust, &world.alice.screen, after_line)
            .unwrap_err()
            .code(),
        ErrorCode::Expired
    );
    // Revoked later: refused at once, cache or not.
    let revocation = world
        .acme_root
        .revoke(
            1,
            T0 + 2 * DAY,
            &[RevokedKey {
                key: world.acme_line.key().key_id(),
                since: 0,
            }],
        )
        .expect("revoke");
    trust
        .apply_revocation_list(&revocation, T0 + 2 * DAY)
        .expect("accepted");
    assert_eq!(
        verify(&trust, &world.alice.screen, T0 + 3 * DAY)
            .unwrap_err()
            .code(),
        ErrorCode::IssuerRevoked
    );
    // A tampered copy of the remembered line certificate is not the same
    // certificate (another fingerprint) and fails its own signature.
    let mut tampered = world.acme_line.certificate().as_bytes().to_vec();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let tampered = [Certificate::decode(&tampered).expect("well-formed")];
    let fresh = world.trust();
    verify(&fresh, &world.alice.screen, T0 + DAY).expect("warm the cache");
    assert_eq!(
        Verifier::new(&fresh)
            .verify_part(&PartEvidence::new(&world.alice.screen, &tampered), T0 + DAY)
            .unwrap_err()
            .code(),
        ErrorCode::BadSignature
    );
}

#[test]
fn an_authority_refuses_to_sign_what_no_verifier_could_ever_accept() {
    let world = world();
    let line_end = world.acme_line.certificate().validity().not_after;
    // A part whose validity starts after its line's certificate ended.
    assert_eq!(
        world
            .acme_line
            .certify_part(
                &spec(PartKind::Screen, "SCR-LATE", vec![], None),
                1,
                Validity::days_from(line_end + 1, 365),
            )
            .unwrap_err()
            .code(),
        ErrorCode::Expired
    );
    // A pairing record dated outside its service's validity.
    let service_end = world.acme_pairing.certificate().validity().not_after;
    assert_eq!(
        world
            .acme_pairing
            .pair(
                &world.bob.board,
                &[],
                2,
                PairingEvent::Repair,
                service_end + 1
            )
            .unwrap_err()
            .code(),
        ErrorCode::Expired
    );
    // A value given twice is refused, named, not silently dropped.
    let imei = world.alice.imei;
    assert_eq!(
        world
            .acme_line
            .certify_part(
                &spec(PartKind::Board, "BRD-TWICE", vec![imei, imei], None),
                7,
                years(30)
            )
            .unwrap_err(),
        Error::Duplicate(format!("IMEI {imei}"))
    );
    let reported = BlocklistEntry::handset(imei, Reason::Stolen, T0, ListingStatus::Final);
    let again = BlocklistEntry::handset(imei, Reason::Lost, T0, ListingStatus::Final);
    let error = world
        .register
        .publish_snapshot(seq(1), T0, T0 + DAY, vec![reported, again])
        .unwrap_err();
    assert_eq!(error, Error::Duplicate(format!("handset IMEI {imei}")));
    assert_eq!(error.code(), ErrorCode::NotCanonical);
    // Sequences past 2^53 - 1 (not exact in JSON) and lists stale at once.
    let past = partcert::limits::MAX_SEQUENCE + 1;
    assert_eq!(
        world
            .acme_pairing
            .pair(&world.bob.board, &[], past, PairingEvent::Repair, T0)
            .unwrap_err()
            .code(),
        ErrorCode::SequenceLeap
    );
    assert_eq!(
        world.acme_root.revoke(past, T0, &[]).unwrap_err().code(),
        ErrorCode::SequenceLeap
    );
    assert_eq!(
        world
            .register
            .publish_snapshot(seq(1), T0, T0, vec![])
            .unwrap_err()
            .code(),
        ErrorCode::InvalidField
    );
}
