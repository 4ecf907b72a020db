//! The stories partcert exists for: a handset built, paired, stolen and
//! broken up for parts; repair shops, registries and the handset itself
//! asking what a part is and where it came from.

mod common;

use common::forge;
use common::*;

const SHOP_TIME: u64 = T0 + 3 * DAY;

#[test]
fn a_handset_built_and_paired_at_the_factory_checks_itself_clean_at_boot() {
    let world = world();
    let trust = world.trust();
    let current = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let blocklist = world.blocklist_with(&trust, &[&current]);
    let alice = &world.alice;
    let chain = world.chain();
    let challenge = Challenge::new([9; 32]);
    let response =
        ChallengeResponse::respond(&alice.camera_key, &challenge, &alice.camera).unwrap();
    let fitted = [
        FittedPart {
            certificate: &alice.board,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &alice.screen,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &alice.battery,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &alice.camera,
            chain: &chain,
            challenge: Some((&challenge, &response)),
        },
    ];
    let report = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_handset(
            &HandsetEvidence {
                pairing: &alice.pairing,
                modem_imeis: &[alice.imei],
                fitted: &fitted,
            },
            T0 + DAY,
        )
        .unwrap();

    assert!(report.missing.is_empty());
    assert_eq!(report.handset_imeis, vec![alice.imei]);
    assert!(matches!(
        report.handset_blocklist,
        BlocklistStatus::Clean { .. }
    ));
    for part in &report.parts {
        let verdict = part.outcome.as_ref().unwrap();
        assert_eq!(verdict.relation, Relation::PairedHere);
        assert_eq!(
            verdict.provenance.as_ref().unwrap().event,
            PairingEvent::FactoryBuild
        );
    }
    let camera = report.parts[3].outcome.as_ref().unwrap();
    assert_eq!(camera.binding, Binding::KeyProven);
    assert!(report.all_original_and_clean());

    // Without a current blocklist the handset is as recorded, but nobody
    // can say it is clean.
    let unchecked = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &alice.pairing,
                modem_imeis: &[alice.imei],
                fitted: &fitted,
            },
            T0 + DAY,
        )
        .unwrap();
    assert!(unchecked.all_original());
    assert!(!unchecked.all_original_and_clean());
}

#[test]
fn the_self_check_reports_a_swapped_screen_and_a_missing_part_without_refusing_to_boot() {
    let world = world();
    let trust = world.trust();
    let (alice, bob) = (&world.alice, &world.bob);
    let chain = world.chain();
    // Alice's screen was replaced by Bob's (an unrecorded repair); the camera is gone.
    let fitted = [
        FittedPart {
            certificate: &alice.board,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &bob.screen,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &alice.battery,
            chain: &chain,
            challenge: None,
        },
    ];
    let report = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &alice.pairing,
                modem_imeis: &[alice.imei],
                fitted: &fitted,
            },
            SHOP_TIME,
        )
        .unwrap();
    let screen = report.parts[1].outcome.as_ref().unwrap();
    assert_eq!(
        screen.relation,
        Relation::Unpaired,
        "Bob's screen is genuine but not recorded here"
    );
    assert_eq!(
        report.missing.len(),
        2,
        "Alice's screen and camera are not fitted"
    );
    assert!(
        report
            .missing
            .iter()
            .any(|p| p.kind == PartKind::RearCamera)
    );
    assert!(!report.all_original_and_clean());
    assert!(!report.is_blocked() && !report.is_stale() && !report.has_refused_parts());
}

#[test]
fn a_stolen_handsets_harvested_screen_is_blocked_at_the_repair_shop() {
    let world = world();
    let trust = world.trust();
    let snapshot = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&snapshot]);
    let chain = world.chain();

    // The screen is offered alone, no pairing record: its own identity is listed.
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(&PartEvidence::new(&world.alice.screen, &chain), SHOP_TIME)
        .unwrap();

    assert!(verdict.is_blocked());
    let BlocklistStatus::Blocked {
        listings, stale, ..
    } = &verdict.blocklist
    else {
        panic!("expected blocked, got {:?}", verdict.blocklist)
    };
    assert!(!stale);
    let listing = &listings[0];
    assert_eq!(listing.matched, MatchedKey::Part(verdict.part.part_id));
    assert_eq!(listing.reason, Reason::Stolen);
    assert_eq!(listing.listed_at, T0 + DAY);
    assert_eq!(listing.status, ListingStatus::Final);
    assert_eq!(listing.authority_name, "National Mobile Property Register");
    assert_eq!(listing.handset, Some(world.alice.imei));
    assert_eq!(verdict.part.kind, PartKind::Screen);
    assert_eq!(
        verdict.summary(),
        "genuine (serial-only), unpaired, BLOCKED: stolen"
    );
}

#[test]
fn a_screen_from_a_clean_donor_is_genuine_used_and_clean() {
    let world = world();
    let trust = world.trust();
    let snapshot = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&snapshot]);
    let chain = world.chain();

    // The shop fits Bob's old screen into Alice's replacement handset.
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .on_handset(&[imei(35_000_000_000_001)])
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&world.bob.pairing),
            SHOP_TIME,
        )
        .unwrap();

    assert!(!verdict.is_blocked());
    assert_eq!(verdict.relation, Relation::PairedElsewhere);
    assert_eq!(
        verdict.provenance.as_ref().unwrap().handset_imeis,
        vec![world.bob.imei]
    );
    let BlocklistStatus::Clean { lists } = &verdict.blocklist else {
        panic!("expected clean, got {:?}", verdict.blocklist)
    };
    assert_eq!(lists[0].sequence, 1);
    assert_eq!(verdict.summary(), "genuine (serial-only), used, clean");
    assert_eq!(verdict.root.name, "Acme Phones root");
    assert_eq!(verdict.issuer.name, "Acme Shenzhen line 3");
}

#[test]
fn a_part_paired_to_a_stolen_handset_is_blocked_through_its_pairing_record() {
    let world = world();
    let trust = world.trust();
    // Only the handset's IMEI is listed (e.g. an operator report with no part list).
    let entries = vec![BlocklistEntry::handset(
        world.alice.imei,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    )];
    let snapshot = world
        .operator
        .publish_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, entries)
        .unwrap();
    let blocklist = world.blocklist_with(&trust, &[&snapshot]);
    let chain = world.chain();
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(
            &PartEvidence::new(&world.alice.battery, &chain).with_pairing(&world.alice.pairing),
            SHOP_TIME,
        )
        .unwrap();
    let BlocklistStatus::Blocked { listings, .. } = &verdict.blocklist else {
        panic!("{:?}", verdict.blocklist)
    };
    assert_eq!(listings[0].matched, MatchedKey::Imei(world.alice.imei));
    assert_eq!(listings[0].authority_name, "Carrier UK blocklist");
}

#[test]
fn a_counterfeit_screen_from_a_self_made_issuer_is_untrusted() {
    let world = world();
    let trust = world.trust();
    // A counterfeiter makes a root and a "factory line" that look like Acme's.
    let fake_root =
        Authority::new_manufacturer_root(key(66), "Acme Phones root", &[MAKER], years(40)).unwrap();
    let fake_line = authority(
        &fake_root,
        67,
        AuthorityRole::PartIssuer,
        "Acme Shenzhen line 3",
        &[PartKind::Screen],
        2,
        years(25),
    );
    let fake_screen = fake_line
        .certify_part(
            &spec(PartKind::Screen, "SCR-ALICE", vec![], None),
            1,
            years(30),
        )
        .unwrap();
    let chain = vec![fake_line.certificate().clone()];

    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&fake_screen, &chain), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::UnknownIssuer);
    assert_eq!(error.family(), ErrorFamily::Trust);

    // Presenting the real line's certificate does not help: the signature is not the line's.
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&fake_screen, &world.chain()), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::UnknownIssuer);

    // Nor does a screen with no chain at all.
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&world.alice.screen, &[]), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::UnknownIssuer);
}

#[test]
fn a_tampered_certificate_fails_its_signature() {
    let world = world();
    let trust = world.trust();
    let mut bytes = world.bob.screen.as_bytes().to_vec();
    // Rewrite the serial in place (same length): "SCR-BOB" -> "SCR-BOX".
    let at = bytes.windows(7).position(|w| w == b"SCR-BOB").unwrap();
    bytes[at + 6] = b'X';
    let forged = Certificate::decode(&bytes).unwrap();
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&forged, &world.chain()), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadSignature);
}

#[test]
fn an_issuer_certifying_a_kind_it_may_not_is_refused() {
    let world = world();
    let trust = world.trust();
    let battery_line = authority(
        &world.acme_root,
        30,
        AuthorityRole::PartIssuer,
        "Acme battery line",
        &[PartKind::Battery],
        30,
        years(25),
    );

    // The issuing API refuses outright.
    let error = battery_line
        .certify_part(&spec(PartKind::Screen, "SCR-X", vec![], None), 1, years(30))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::KindNotPermitted);

    // A hand-signed certificate (a compromised or buggy line) is refused by the verifier.
    let body = forge::CertificateBody {
        serial_number: 1,
        issuer: battery_line.key().key_id(),
        validity: years(30),
        subject: Subject::Part(PartSubject {
            root: world.acme_root.key().key_id(),
            kind: PartKind::Screen,
            manufacturer: MAKER.into(),
            model: "A1".into(),
            serial: "SCR-X".into(),
            imeis: vec![],
            key: None,
        }),
    };
    let screen = body.sign(battery_line.key());
    let chain = vec![battery_line.certificate().clone()];
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&screen, &chain), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error, Error::KindNotPermitted(PartKind::Screen));
    assert_eq!(error.family(), ErrorFamily::Policy);
}

#[test]
fn a_pairing_service_cannot_act_as_a_part_issuer() {
    let world = world();
    let trust = world.trust();
    let body = forge::CertificateBody {
        serial_number: 1,
        issuer: world.acme_pairing.key().key_id(),
        validity: years(30),
        subject: Subject::Part(PartSubject {
            root: world.acme_root.key().key_id(),
            kind: PartKind::Screen,
            manufacturer: MAKER.into(),
            model: "A1".into(),
            serial: "SCR-P".into(),
            imeis: vec![],
            key: None,
        }),
    };
    let screen = body.sign(world.acme_pairing.key());
    let chain = vec![world.acme_pairing.certificate().clone()];
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&screen, &chain), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::RoleNotPermitted);
}

#[test]
fn parts_from_an_expired_issuer_are_refused() {
    let world = world();
    let trust = world.trust();
    let old_line = authority(
        &world.acme_root,
        31,
        AuthorityRole::PartIssuer,
        "Acme line 1 (retired)",
        &[PartKind::Screen],
        31,
        Validity {
            not_before: T0 - 3 * YEAR,
            not_after: T0 - YEAR,
        },
    );
    let screen = old_line
        .certify_part(
            &spec(PartKind::Screen, "SCR-OLD", vec![], None),
            1,
            Validity::days_from(T0 - 2 * YEAR, 3650),
        )
        .unwrap();
    let chain = vec![old_line.certificate().clone()];
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&screen, &chain), SHOP_TIME)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Expired {
                what: "part issuer certificate",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), ErrorCode::Expired);

    // And a certificate not valid yet is refused too.
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &world.chain()),
            T0 - 6 * YEAR,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotYetValid);
}

#[test]
fn parts_from_a_revoked_issuer_are_refused_and_an_older_revocation_list_cannot_undo_it() {
    let world = world();
    let mut trust = world.trust();
    let chain = world.chain();
    let evidence = PartEvidence::new(&world.bob.screen, &chain);
    assert!(
        Verifier::new(&trust)
            .verify_part(&evidence, SHOP_TIME)
            .is_ok()
    );

    // Acme learns line 3's key was stolen and revokes it.
    let line_id = world.acme_line.key().key_id();
    let empty = world.acme_root.revoke(1, T0 + DAY, &[]).unwrap();
    let revoked = world
        .acme_root
        .revoke(
            2,
            T0 + 2 * DAY,
            &[RevokedKey {
                key: line_id,
                since: 0,
            }],
        )
        .unwrap();
    trust
        .apply_revocation_list(
            &RevocationList::decode(empty.as_bytes()).unwrap(),
            SHOP_TIME,
        )
        .unwrap();
    trust
        .apply_revocation_list(
            &RevocationList::decode(revoked.as_bytes()).unwrap(),
            SHOP_TIME,
        )
        .unwrap();

    let error = Verifier::new(&trust)
        .verify_part(&evidence, SHOP_TIME)
        .unwrap_err();
    assert_eq!(error, Error::IssuerRevoked(line_id));

    let error = trust.apply_revocation_list(&empty, SHOP_TIME).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Rollback);
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(&evidence, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::IssuerRevoked
    );

    // A revocation list signed by someone else's root is not accepted.
    let forged = world.operator.revoke(3, T0, &[]).unwrap();
    assert_eq!(
        trust
            .clone()
            .apply_revocation_list(&forged, SHOP_TIME)
            .unwrap(),
        3,
        "the operator root is pinned (for blocklists)"
    );
    let stranger =
        Authority::new_manufacturer_root(key(90), "Stranger", &["Stranger"], years(40)).unwrap();
    let forged = stranger.revoke(9, T0, &[]).unwrap();
    assert_eq!(
        trust
            .apply_revocation_list(&forged, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::UnknownIssuer
    );
}

#[test]
fn a_blocklist_rolled_back_to_an_older_sequence_is_refused_and_the_newer_list_stays_in_force() {
    let world = world();
    let trust = world.trust();
    let clean = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let listed = world.alice_reported_stolen(2);
    let mut blocklist = world.blocklist_with(&trust, &[&clean, &listed]);

    // A thief replays the older, clean list to the shop's device.
    let error = blocklist
        .apply_snapshot(&trust, &clean, SHOP_TIME)
        .unwrap_err();
    assert_eq!(
        error,
        Error::Rollback {
            offered: seq(1),
            accepted: seq(2)
        }
    );
    assert_eq!(error.family(), ErrorFamily::BlocklistState);

    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &world.chain()),
            SHOP_TIME,
        )
        .unwrap();
    assert!(verdict.is_blocked(), "the newer list is still in force");

    // The same snapshot again is harmless; a different list under the same sequence is not.
    assert_eq!(
        blocklist
            .apply_snapshot(&trust, &listed, SHOP_TIME)
            .unwrap(),
        seq(2)
    );
    let conflicting = world
        .register
        .publish_snapshot(seq(2), T0 + 2 * DAY, T0 + 9 * DAY, vec![])
        .unwrap();
    assert_eq!(
        blocklist
            .apply_snapshot(&trust, &conflicting, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::ConflictingSequence
    );
}

#[test]
fn rollback_protection_survives_a_restart_through_the_persisted_state() {
    let world = world();
    let trust = world.trust();
    let clean = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let listed = world.alice_reported_stolen(2);
    let blocklist = world.blocklist_with(&trust, &[&listed]);
    let saved = blocklist.rollback_state().encode();

    // After a reboot the device restores its marks before loading any list.
    let restored = RollbackState::decode(&saved).unwrap();
    let mut rebooted = Blocklist::with_rollback_state(restored);
    // Until the register's list is loaded again, the device knows it
    // follows the register: verdicts read stale (missing), never clean or
    // unchecked.
    let verdict = Verifier::new(&trust)
        .with_blocklist(&rebooted)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &world.chain()),
            SHOP_TIME,
        )
        .unwrap();
    let BlocklistStatus::Stale { lists } = &verdict.blocklist else {
        panic!("{:?}", verdict.blocklist)
    };
    assert_eq!(lists[0].stale_reason, Some(StaleReason::Missing));
    assert_eq!(lists[0].sequence, 2);
    assert_eq!(
        verdict.blocklist.summary(),
        "clean but blocklist stale (National Mobile Property Register: missing)"
    );
    assert_eq!(
        rebooted
            .apply_snapshot(&trust, &clean, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::Rollback
    );
    assert_eq!(
        rebooted.apply_snapshot(&trust, &listed, SHOP_TIME).unwrap(),
        seq(2)
    );
    assert!(
        Verifier::new(&trust)
            .with_blocklist(&rebooted)
            .verify_part(
                &PartEvidence::new(&world.alice.screen, &world.chain()),
                SHOP_TIME
            )
            .unwrap()
            .is_blocked()
    );

    // The persisted state is decoded as strictly as everything else. It
    // now ends in a checksum, so a cut or lengthened file no longer matches
    // it: CorruptState (was Truncated and TrailingBytes before version 2).
    assert_eq!(
        RollbackState::decode(&saved[..saved.len() - 1])
            .unwrap_err()
            .code(),
        ErrorCode::CorruptState
    );
    let mut longer = saved.clone();
    longer.push(0);
    assert_eq!(
        RollbackState::decode(&longer).unwrap_err().code(),
        ErrorCode::CorruptState
    );
    assert_eq!(
        RollbackState::decode(&saved[..20]).unwrap_err().code(),
        ErrorCode::Truncated
    );
    assert_eq!(
        RollbackState::decode(b"nope").unwrap_err().code(),
        ErrorCode::BadMagic
    );
}

#[test]
fn an_expired_blocklist_is_reported_stale_and_a_blocked_part_stays_blocked() {
    let world = world();
    let trust = world.trust();
    let snapshot = world.alice_reported_stolen(1); // expires T0 + 9 days
    let blocklist = world.blocklist_with(&trust, &[&snapshot]);
    let chain = world.chain();
    let much_later = T0 + 30 * DAY;
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);

    let clean_part = verifier
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), much_later)
        .unwrap();
    let BlocklistStatus::Stale { lists } = &clean_part.blocklist else {
        panic!("{:?}", clean_part.blocklist)
    };
    assert!(lists[0].stale);
    assert_eq!(lists[0].stale_reason, Some(StaleReason::Expired));
    assert!(clean_part.is_stale() && !clean_part.is_blocked());
    assert_eq!(
        clean_part.summary(),
        "genuine (serial-only), unpaired, clean but blocklist stale (National Mobile Property Register: expired)"
    );

    let stolen_part = verifier
        .verify_part(&PartEvidence::new(&world.alice.screen, &chain), much_later)
        .unwrap();
    assert!(stolen_part.is_blocked() && stolen_part.is_stale());
}

#[test]
fn a_part_laundered_through_an_older_pairing_record_from_a_clean_handset_is_still_blocked() {
    let world = world();
    let trust = world.trust();
    // Bob's screen was moved into Alice's handset in a recorded repair...
    let repaired = world
        .acme_pairing
        .pair(
            &world.alice.board,
            &[world.bob.screen.clone(), world.alice.battery.clone()],
            2,
            PairingEvent::Repair,
            T0 + DAY / 2,
        )
        .unwrap();
    // ...then Alice's handset was stolen and listed with the parts it held then.
    let entries = BlocklistEntry::for_reported_handset(
        &repaired,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    );
    let snapshot = world
        .register
        .publish_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, entries)
        .unwrap();
    let blocklist = world.blocklist_with(&trust, &[&snapshot]);

    // The thief shows Bob's old factory record, from a clean handset.
    let chain = world.chain();
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&world.bob.pairing),
            SHOP_TIME,
        )
        .unwrap();
    assert_eq!(
        verdict.provenance.as_ref().unwrap().handset_imeis,
        vec![world.bob.imei]
    );
    let BlocklistStatus::Blocked { listings, .. } = &verdict.blocklist else {
        panic!("{:?}", verdict.blocklist)
    };
    assert_eq!(listings[0].matched, MatchedKey::Part(verdict.part.part_id));
    assert_eq!(listings[0].handset, Some(world.alice.imei));
}

#[test]
fn a_pairing_record_that_does_not_list_the_part_is_refused() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&world.alice.pairing),
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::PartNotInPairingRecord);
}

#[test]
fn a_keyed_camera_answering_a_different_nonce_is_refused() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let camera = &world.bob.camera;
    let shop_challenge = Challenge::new([1; 32]);

    // The genuine module answers the shop's fresh nonce.
    let good = ChallengeResponse::respond(&world.bob.camera_key, &shop_challenge, camera).unwrap();
    let good = ChallengeResponse::decode(good.as_bytes()).unwrap();
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(camera, &chain).with_challenge(&shop_challenge, &good),
            SHOP_TIME,
        )
        .unwrap();
    assert_eq!(verdict.binding, Binding::KeyProven);

    // A clone replays an answer recorded for another nonce.
    let recorded =
        ChallengeResponse::respond(&world.bob.camera_key, &Challenge::new([2; 32]), camera)
            .unwrap();
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(camera, &chain).with_challenge(&shop_challenge, &recorded),
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error, Error::WrongChallengeResponse);

    // A clone without the key signs the right nonce with its own key. The
    // API no longer signs with a key the certificate does not name
    // (KeyMismatch), so the clone's answer is signed by hand.
    assert_eq!(
        ChallengeResponse::respond(&key(99), &shop_challenge, camera).unwrap_err(),
        Error::KeyMismatch
    );
    let forged = forge::ChallengeResponseBody {
        nonce: *shop_challenge.nonce(),
        certificate: camera.fingerprint(),
    }
    .sign(&key(99));
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(camera, &chain).with_challenge(&shop_challenge, &forged),
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error, Error::WrongChallengeResponse);

    // Without a challenge the verdict says the key was not proven.
    let verdict = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(camera, &chain), SHOP_TIME)
        .unwrap();
    assert_eq!(verdict.binding, Binding::KeyNotChallenged);

    // A serial-only part cannot answer a challenge at all: the API refuses
    // to sign one (NoPartKey), and a hand-signed one is refused too.
    assert_eq!(
        ChallengeResponse::respond(&key(99), &shop_challenge, &world.bob.screen).unwrap_err(),
        Error::NoPartKey
    );
    let answer = forge::ChallengeResponseBody {
        nonce: *shop_challenge.nonce(),
        certificate: world.bob.screen.fingerprint(),
    }
    .sign(&key(99));
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_challenge(&shop_challenge, &answer),
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error, Error::NoPartKey);
}

#[test]
fn a_screen_without_a_secure_element_is_genuine_but_serial_only() {
    let world = world();
    let trust = world.trust();
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &world.chain()),
            SHOP_TIME,
        )
        .unwrap();
    assert_eq!(verdict.binding, Binding::SerialOnly);
    assert_eq!(verdict.part.serial, "SCR-BOB");
    assert_eq!(verdict.part.manufacturer, "Acme Phones");
    assert_eq!(verdict.part.model, "A1");
}

#[test]
fn a_board_presenting_an_imei_other_than_the_one_signed_into_it_is_refused() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    // A flashing tool rewrote the modem's IMEI to a clean handset's.
    let rewritten = [world.bob.imei];
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.alice.board, &chain).with_presented_imeis(&rewritten),
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ImeiMismatch);

    let honest = [world.alice.imei];
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.alice.board, &chain).with_presented_imeis(&honest),
            SHOP_TIME,
        )
        .unwrap();
    assert_eq!(verdict.part.imeis, vec![world.alice.imei]);

    // Only a clean board is refused: a listed one stays blocked whatever
    // its modem says, and the verdict names the IMEI that does not match.
    let listed = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&listed]);
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(
            &PartEvidence::new(&world.alice.board, &chain).with_presented_imeis(&rewritten),
            SHOP_TIME,
        )
        .unwrap();
    assert!(verdict.is_blocked());
    assert_eq!(verdict.mismatched_imeis, vec![world.bob.imei]);

    // The same at boot: the self-check refuses a record that is not this handset's.
    let fitted = [FittedPart {
        certificate: &world.alice.board,
        chain: &chain,
        challenge: None,
    }];
    let error = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &world.alice.pairing,
                modem_imeis: &rewritten,
                fitted: &fitted,
            },
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ImeiMismatch);
}

#[test]
fn two_blocklist_authorities_are_honoured_at_once_and_only_an_authority_can_delist_its_entries() {
    let world = world();
    let trust = world.trust();
    let register_list = world.alice_reported_stolen(1);
    let bob_entries = BlocklistEntry::for_reported_handset(
        &world.bob.pairing,
        Reason::Fraud,
        T0 + DAY,
        ListingStatus::Final,
    );
    let operator_list = world
        .operator
        .publish_snapshot(seq(7), T0 + 2 * DAY, T0 + 9 * DAY, bob_entries)
        .unwrap();
    let mut blocklist = world.blocklist_with(&trust, &[&register_list, &operator_list]);
    let chain = world.chain();
    let check = |blocklist: &Blocklist, part: &Certificate| {
        Verifier::new(&trust)
            .with_blocklist(blocklist)
            .verify_part(&PartEvidence::new(part, &chain), SHOP_TIME)
            .unwrap()
    };

    let alice_screen = check(&blocklist, &world.alice.screen);
    let BlocklistStatus::Blocked {
        listings, lists, ..
    } = &alice_screen.blocklist
    else {
        panic!()
    };
    assert_eq!(
        listings[0].authority_name,
        "National Mobile Property Register"
    );
    assert_eq!(lists.len(), 2, "both lists were consulted");
    let bob_screen = check(&blocklist, &world.bob.screen);
    let BlocklistStatus::Blocked { listings, .. } = &bob_screen.blocklist else {
        panic!()
    };
    assert_eq!(listings[0].authority_name, "Carrier UK blocklist");
    assert_eq!(listings[0].reason, Reason::Fraud);

    // The operator publishes a new, empty list: only its own entries go.
    let operator_empty = world
        .operator
        .publish_snapshot(seq(8), T0 + 2 * DAY, T0 + 9 * DAY, vec![])
        .unwrap();
    blocklist
        .apply_snapshot(&trust, &operator_empty, SHOP_TIME)
        .unwrap();
    assert!(!check(&blocklist, &world.bob.screen).is_blocked());
    assert!(
        check(&blocklist, &world.alice.screen).is_blocked(),
        "the register's entry stands"
    );

    // The operator cannot sign a delta that delists the register's entries.
    let register_id = world.register_root.key().key_id();
    let mut delisting = forge::DeltaBody::of(
        &world
            .register
            .publish_delta(
                &register_list,
                &world
                    .register
                    .publish_snapshot(seq(2), T0 + 2 * DAY, T0 + 9 * DAY, vec![])
                    .unwrap(),
            )
            .unwrap(),
    );
    delisting.signer_certificate = world.operator.certificate().as_bytes().to_vec();
    assert_eq!(delisting.authority, register_id);
    let forged = delisting.sign(world.operator.key());
    let before = blocklist.clone();
    assert_eq!(
        blocklist
            .apply_delta(&trust, &forged, SHOP_TIME)
            .unwrap_err(),
        Error::WrongAuthority
    );
    assert_eq!(
        blocklist, before,
        "a failed update leaves the old state in force"
    );

    // Nor can the register's signer be used for a list claiming the operator's name.
    let mut body = forge::SnapshotBody::of(&operator_empty);
    body.signer_certificate = world.register.certificate().as_bytes().to_vec();
    body.sequence = 9;
    let forged = body.sign(world.register.key());
    assert_eq!(
        blocklist
            .apply_snapshot(&trust, &forged, SHOP_TIME)
            .unwrap_err(),
        Error::WrongAuthority
    );
}

#[test]
fn a_suspended_listing_is_reported_as_suspended_not_final() {
    let world = world();
    let trust = world.trust();
    // Alice thinks she lost her phone; the listing is suspended pending inquiry.
    let entries = BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Lost,
        T0 + DAY,
        ListingStatus::Suspended,
    );
    let snapshot = world
        .register
        .publish_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, entries)
        .unwrap();
    let blocklist = world.blocklist_with(&trust, &[&snapshot]);
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &world.chain()),
            SHOP_TIME,
        )
        .unwrap();
    let BlocklistStatus::Blocked { listings, .. } = &verdict.blocklist else {
        panic!()
    };
    assert_eq!(listings[0].status, ListingStatus::Suspended);
    assert_eq!(listings[0].reason, Reason::Lost);
    assert_eq!(
        verdict.summary(),
        "genuine (serial-only), unpaired, BLOCKED: lost (suspended)"
    );
}

/// Clocks are per authority since format version 2: a root's own
/// revocation list raises the clock for its own certificates, and a
/// blocklist authority's own list raises the clock for its own lists —
/// another authority's times never move either. Since the rule for times
/// (format version 3), a list raises a floor only as far as the device's
/// clock when it arrived, plus the tolerance: the thief's device saw
/// today's lists while its clock was right, then had its clock set back.
#[test]
fn a_device_clock_set_years_back_cannot_revive_an_expired_certificate_once_a_newer_list_was_seen() {
    let world = world();
    let mut trust = world.trust();
    let chain = world.chain();
    let acme = world.acme_root.key().key_id();
    let register = world.register_root.key().key_id();
    // A screen certified for one year only, expired a year ago.
    let short_lived = world
        .acme_line
        .certify_part(
            &spec(PartKind::Screen, "SCR-SHORT", vec![], None),
            900,
            Validity::days_from(T0 - 2 * YEAR, 365),
        )
        .unwrap();
    let today = T0 + 2 * DAY;
    let set_back = T0 - 18 * 30 * DAY; // the device clock says mid-2024

    // Without any list seen, a wrong clock is all the verifier has.
    assert!(
        Verifier::new(&trust)
            .verify_part(&PartEvidence::new(&short_lived, &chain), set_back)
            .is_ok()
    );

    // A register list issued today, received today, raises the register's
    // own clock, not Acme's: the screen's certificate is still checked at
    // the device's time. The clock set back is detected: the list is dated
    // after it.
    let snapshot = world
        .register
        .publish_snapshot(seq(1), today, T0 + 9 * DAY, vec![])
        .unwrap();
    let mut blocklist = Blocklist::new();
    blocklist.apply_snapshot(&trust, &snapshot, today).unwrap();
    assert_eq!(blocklist.clock_for(&trust, &register, set_back), today);
    assert_eq!(trust.clock_for_root(&acme, set_back), set_back);
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(&PartEvidence::new(&short_lived, &chain), set_back)
        .unwrap();
    assert_eq!(verdict.checked_at, set_back);
    assert_eq!(
        verdict.blocklist.lists()[0].stale_reason,
        Some(StaleReason::FutureDated { issued_at: today })
    );

    // Once Acme's own revocation list issued today was accepted, time
    // cannot go back past it for Acme's certificates.
    let revocation = world.acme_root.revoke(1, today, &[]).unwrap();
    trust.apply_revocation_list(&revocation, today).unwrap();
    assert_eq!(trust.clock_for_root(&acme, set_back), today);
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);
    let error = verifier
        .verify_part(&PartEvidence::new(&short_lived, &chain), set_back)
        .unwrap_err();
    assert!(
        matches!(error, Error::Expired { what: "part certificate", now, .. } if now == today),
        "{error:?}"
    );
    assert_eq!(
        verifier
            .verify_part(&PartEvidence::new(&world.bob.screen, &chain), set_back)
            .unwrap()
            .checked_at,
        today
    );

    // The register's list clock survives a restart too (through its mark).
    let rebooted = Blocklist::with_rollback_state(blocklist.rollback_state().clone());
    assert_eq!(rebooted.clock_for(&trust, &register, set_back), today);
    assert_eq!(
        rebooted.clock_for(&trust, &world.operator.key().key_id(), set_back),
        set_back,
        "the operator's clock is its own"
    );

    // Lists that arrive while the clock is already set back cannot tell a
    // wrong clock from a date in the future: they raise no floor past the
    // clock plus the tolerance, and read stale, naming the clock.
    let mut already_wrong = Blocklist::new();
    already_wrong
        .apply_snapshot(&trust, &snapshot, set_back)
        .unwrap();
    assert_eq!(
        already_wrong.clock_for(&trust, &register, set_back),
        set_back + limits::CLOCK_TOLERANCE
    );
    let verdict = Verifier::new(&trust)
        .with_blocklist(&already_wrong)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), set_back)
        .unwrap();
    assert!(verdict.is_stale());
    assert_eq!(
        verdict.blocklist.summary(),
        "clean but blocklist stale (National Mobile Property Register: dated after this device's clock)"
    );
    let mut trust_set_back = world.trust();
    trust_set_back
        .apply_revocation_list(&revocation, set_back)
        .unwrap();
    assert_eq!(
        trust_set_back.clock_for_root(&acme, set_back),
        set_back + limits::CLOCK_TOLERANCE
    );
}

#[test]
fn a_registry_publishes_a_delta_and_a_device_follows_it() {
    let world = world();
    let trust = world.trust();
    let v1 = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let v2 = world.alice_reported_stolen(2);
    let delta = world.register.publish_delta(&v1, &v2).unwrap();
    let delta = BlocklistDelta::decode(delta.as_bytes()).unwrap();
    assert_eq!(
        delta.upserts().len(),
        6,
        "one IMEI, four parts and the camera's key"
    );
    assert_eq!((delta.from_version(), delta.to_version()), (seq(1), seq(2)));

    let mut device = world.blocklist_with(&trust, &[&v1]);
    // A delta for a state the device does not hold is refused.
    let mut fresh = Blocklist::new();
    assert_eq!(
        fresh
            .apply_delta(&trust, &delta, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::DeltaBaseMismatch
    );

    assert_eq!(
        device.apply_delta(&trust, &delta, SHOP_TIME).unwrap(),
        seq(2)
    );
    let held = device.list(&world.register_root.key().key_id()).unwrap();
    assert_eq!(
        held.digest,
        v2.state_digest(),
        "the device now holds exactly the published state"
    );
    assert!(
        Verifier::new(&trust)
            .with_blocklist(&device)
            .verify_part(
                &PartEvidence::new(&world.alice.screen, &world.chain()),
                SHOP_TIME
            )
            .unwrap()
            .is_blocked()
    );
    // Applying it twice is a rollback to an older base.
    assert_eq!(
        device
            .apply_delta(&trust, &delta, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::Rollback
    );

    // The device is Alice found her phone: delisting travels as a delta too.
    let v3 = world
        .register
        .publish_snapshot(seq(3), T0 + 3 * DAY, T0 + 10 * DAY, vec![])
        .unwrap();
    device
        .apply_delta(
            &trust,
            &world.register.publish_delta(&v2, &v3).unwrap(),
            SHOP_TIME,
        )
        .unwrap();
    assert!(
        device
            .lookup(&[BlockKey::Imei(world.alice.imei)])
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_delta_that_does_not_lead_to_the_state_it_promises_is_refused_and_changes_nothing() {
    let world = world();
    let trust = world.trust();
    let v1 = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let v2 = world.alice_reported_stolen(2);
    let mut body = forge::DeltaBody::of(&world.register.publish_delta(&v1, &v2).unwrap());
    body.upserts.pop(); // an entry lost on the way, re-signed by a buggy publisher
    let delta = body.sign(world.register.key());
    let mut device = world.blocklist_with(&trust, &[&v1]);
    let before = device.clone();
    assert_eq!(
        device.apply_delta(&trust, &delta, SHOP_TIME).unwrap_err(),
        Error::DeltaResultMismatch
    );
    assert_eq!(device, before);
}

#[test]
fn a_blocklist_signed_by_an_unpinned_root_or_altered_in_transit_is_refused() {
    let world = world();
    let trust = world.trust();
    let rogue = Authority::new_blocklist_root(key(70), "Rogue register", years(40)).unwrap();
    let rogue_list = rogue
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let mut blocklist = Blocklist::new();
    assert_eq!(
        blocklist
            .apply_snapshot(&trust, &rogue_list, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::UnknownIssuer
    );

    // A manufacturer root is not a blocklist root: pinned separately.
    let entries = vec![];
    let body = forge::SnapshotBody {
        signer_certificate: world.acme_root.certificate().as_bytes().to_vec(),
        authority: world.acme_root.key().key_id(),
        epoch: 0,
        sequence: 1,
        issued_at: T0,
        expires_at: T0 + DAY,
        entries,
    };
    let manufacturer_list = body.sign(world.acme_root.key());
    assert_eq!(
        blocklist
            .apply_snapshot(&trust, &manufacturer_list, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );

    let list = world.alice_reported_stolen(1);
    let mut bytes = list.as_bytes().to_vec();
    let last = bytes.len() - 70;
    bytes[last] ^= 0x01; // flip a bit of the last entry
    match BlocklistSnapshot::decode(&bytes) {
        Ok(altered) => assert_eq!(
            blocklist
                .apply_snapshot(&trust, &altered, SHOP_TIME)
                .unwrap_err()
                .code(),
            ErrorCode::BadSignature
        ),
        Err(error) => assert_eq!(error.family(), ErrorFamily::Malformed),
    }
    assert_eq!(blocklist, Blocklist::new(), "nothing was accepted");
}

#[test]
fn roots_must_be_self_signed_roots_of_the_right_kind() {
    let world = world();
    let mut trust = TrustStore::new();
    assert_eq!(
        trust
            .add_manufacturer_root(world.acme_line.certificate().clone())
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );
    assert_eq!(
        trust
            .add_blocklist_root(world.acme_root.certificate().clone())
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );
    let mut bytes = world.acme_root.certificate().as_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    let broken = Certificate::decode(&bytes).unwrap();
    assert_eq!(
        trust.add_manufacturer_root(broken).unwrap_err().code(),
        ErrorCode::NotSelfSigned
    );
    assert!(
        trust
            .add_manufacturer_root(world.acme_root.certificate().clone())
            .is_ok()
    );
}

#[test]
fn issuing_apis_refuse_what_their_role_does_not_allow() {
    let world = world();
    let screen_spec = spec(PartKind::Screen, "S", vec![], None);
    assert_eq!(
        world
            .acme_root
            .certify_part(&screen_spec, 1, years(1))
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );
    assert_eq!(
        world
            .acme_line
            .pair(&world.alice.board, &[], 1, PairingEvent::FactoryBuild, T0)
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );
    assert_eq!(
        world
            .acme_pairing
            .publish_snapshot(seq(1), T0, T0, vec![])
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );
    assert_eq!(
        world
            .register_root
            .certify_part_issuer(
                "x",
                key(50).public_key(),
                &[PartKind::Screen],
                &[MAKER],
                1,
                years(1)
            )
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );
    assert_eq!(
        world
            .acme_root
            .certify_blocklist_authority("x", key(50).public_key(), 0, 1, years(1))
            .unwrap_err()
            .code(),
        ErrorCode::RoleNotPermitted
    );
    assert_eq!(
        world.acme_line.revoke(1, T0, &[]).unwrap_err().code(),
        ErrorCode::RoleNotPermitted
    );
    assert_eq!(
        Authority::new(key(51), world.acme_line.certificate().clone())
            .unwrap_err()
            .code(),
        ErrorCode::KeyMismatch
    );
    // Only boards carry IMEIs.
    let bad = spec(PartKind::Screen, "S", vec![world.alice.imei], None);
    assert_eq!(
        world
            .acme_line
            .certify_part(&bad, 1, years(1))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidField
    );
    // A pairing record needs a board.
    assert_eq!(
        world
            .acme_pairing
            .pair(&world.alice.screen, &[], 1, PairingEvent::FactoryBuild, T0)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidField
    );
}

#[test]
fn a_pairing_record_is_trusted_only_within_its_services_window_and_never_forged() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let short_service = authority(
        &world.acme_root,
        40,
        AuthorityRole::PairingService,
        "Acme pairing 2026",
        &[],
        40,
        Validity {
            not_before: T0 - DAY,
            not_after: T0 + 10 * DAY,
        },
    );
    let record = short_service
        .pair(
            &world.bob.board,
            &world.bob.parts(),
            1,
            PairingEvent::FactoryBuild,
            T0,
        )
        .unwrap();
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&record),
            T0 + DAY,
        )
        .unwrap();
    assert_eq!(
        verdict.provenance.unwrap().service.name,
        "Acme pairing 2026"
    );
    // Years later the service is retired (its certificate ended, nothing
    // renewed): the records it signed while certified live on, as the
    // phones they pair do.
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&record),
            T0 + 5 * YEAR,
        )
        .unwrap();
    assert_eq!(verdict.provenance.unwrap().paired_at, T0);
    // A record dated outside its service's window is refused: after its
    // end, or before its start (a service cannot sign before it exists).
    let mut body = forge::PairingBody::of(&record);
    body.sequence = 2;
    body.issued_at = T0 + 11 * DAY;
    let late = body.sign(short_service.key());
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&late),
            T0 + 5 * YEAR,
        )
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Expired {
                what: "pairing service certificate, at the record's issue time",
                ..
            }
        ),
        "{error:?}"
    );
    let mut body = forge::PairingBody::of(&record);
    body.issued_at = T0 - 2 * DAY;
    for part in body.parts.iter_mut().chain([&mut body.board]) {
        part.first_paired = T0 - 2 * DAY;
    }
    let early = body.sign(short_service.key());
    assert_eq!(
        Verifier::new(&trust)
            .verify_part(
                &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&early),
                T0 + DAY,
            )
            .unwrap_err()
            .code(),
        ErrorCode::NotYetValid
    );

    // A record signed by a key that is not the embedded service's is refused.
    let mut body = forge::PairingBody::of(&record);
    body.sequence = 2;
    let forged = body.sign(&key(77));
    let error = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.screen, &chain).with_pairing(&forged),
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadSignature);
}

#[test]
fn verdicts_serialize_to_the_json_shape_every_front_shares() {
    let world = world();
    let trust = world.trust();
    let snapshot = world.alice_reported_stolen(1);
    let blocklist = world.blocklist_with(&trust, &[&snapshot]);
    let verdict = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &world.chain())
                .with_pairing(&world.alice.pairing),
            SHOP_TIME,
        )
        .unwrap();
    let json = serde_json::to_value(&verdict).unwrap();
    assert_eq!(json["part"]["kind"], "screen");
    assert_eq!(json["part"]["serial"], "SCR-ALICE");
    assert_eq!(json["binding"], "serial-only");
    assert_eq!(json["relation"], "paired-elsewhere");
    assert_eq!(json["blocklist"]["state"], "blocked");
    assert_eq!(json["blocklist"]["listings"][0]["reason"], "stolen");
    assert_eq!(json["blocklist"]["listings"][0]["status"], "final");
    assert_eq!(
        json["provenance"]["handset_imeis"][0],
        world.alice.imei.to_string()
    );
    assert_eq!(json["part"]["part_id"].as_str().unwrap().len(), 64);
}

#[test]
fn a_shop_saves_the_state_a_delta_led_to_and_reloads_it_after_a_restart() {
    let world = world();
    let trust = world.trust();
    let v1 = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let v2 = world.alice_reported_stolen(2);
    let mut shop = world.blocklist_with(&trust, &[&v1]);
    shop.apply_delta(
        &trust,
        &world.register.publish_delta(&v1, &v2).unwrap(),
        SHOP_TIME,
    )
    .unwrap();
    let saved = shop.encode_state();

    let reloaded = Blocklist::decode_state(&saved, &trust).unwrap();
    assert_eq!(reloaded, shop);
    let verdict = Verifier::new(&trust)
        .with_blocklist(&reloaded)
        .verify_part(
            &PartEvidence::new(&world.alice.screen, &world.chain()),
            SHOP_TIME,
        )
        .unwrap();
    assert!(verdict.is_blocked());

    // An authority the shop no longer pins is no longer followed: its list
    // and mark are dropped, and reported.
    let mut fewer_roots = TrustStore::new();
    fewer_roots
        .add_manufacturer_root(world.acme_root.certificate().clone())
        .unwrap();
    let loaded = Blocklist::load_state(&saved, &fewer_roots).unwrap();
    assert_eq!(loaded.dropped, vec![world.register_root.key().key_id()]);
    assert!(!loaded.blocklist.follows_any());

    // A damaged file is refused, never half-loaded. The saved state now
    // ends in a checksum, so a flipped bit, a cut or an added byte is
    // CorruptState (a cut was Truncated, an added byte TrailingBytes,
    // before version 2); only a file shorter than its checksum is Truncated.
    let mut damaged = saved.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    assert_eq!(
        Blocklist::decode_state(&damaged, &trust)
            .unwrap_err()
            .code(),
        ErrorCode::CorruptState
    );
    assert_eq!(
        Blocklist::decode_state(&saved[..saved.len() - 3], &trust)
            .unwrap_err()
            .code(),
        ErrorCode::CorruptState
    );
    let mut longer = saved.clone();
    longer.push(7);
    assert_eq!(
        Blocklist::decode_state(&longer, &trust).unwrap_err().code(),
        ErrorCode::CorruptState
    );
    assert_eq!(
        Blocklist::decode_state(&saved[..20], &trust)
            .unwrap_err()
            .code(),
        ErrorCode::Truncated
    );
}

#[test]
fn a_self_check_report_and_its_refusals_serialize_to_the_shared_json_shape() {
    let world = world();
    let trust = world.trust();
    let chain = world.chain();
    let forged_root =
        Authority::new_manufacturer_root(key(80), "Acme Phones root", &[MAKER], years(40)).unwrap();
    let forged_line = authority(
        &forged_root,
        81,
        AuthorityRole::PartIssuer,
        "line",
        &[PartKind::Battery],
        2,
        years(20),
    );
    let fake_battery = forged_line
        .certify_part(
            &spec(PartKind::Battery, "BAT-FAKE", vec![], None),
            1,
            years(20),
        )
        .unwrap();
    let forged_chain = vec![forged_line.certificate().clone()];
    let fitted = [
        FittedPart {
            certificate: &world.alice.board,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &fake_battery,
            chain: &forged_chain,
            challenge: None,
        },
    ];
    let report = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &world.alice.pairing,
                modem_imeis: &[world.alice.imei],
                fitted: &fitted,
            },
            SHOP_TIME,
        )
        .unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["all_original_and_clean"], false);
    assert_eq!(json["parts"][0]["verdict"]["relation"], "paired-here");
    assert_eq!(json["parts"][1]["error"]["code"], 201);
    assert_eq!(json["parts"][1]["error"]["name"], "UnknownIssuer");
    assert_eq!(json["parts"][1]["error"]["family"], "trust");
    assert!(
        json["parts"][1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("counterfeit")
    );
    assert_eq!(
        json["missing"].as_array().unwrap().len(),
        3,
        "screen, battery and camera were not presented"
    );
    assert_eq!(
        PublicKey::from_bytes(world.alice.camera_key.public_key().as_bytes()).unwrap(),
        world.alice.camera_key.public_key()
    );
    // y = 2 is not the y-coordinate of any point on the curve.
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    assert_eq!(
        PublicKey::from_bytes(&not_a_point).unwrap_err().code(),
        ErrorCode::InvalidPublicKey
    );
}

/// From the security review: a stolen register signing key tries to wipe
/// the list for good, and the register recovers. Since format version 2
/// there is no limit on the sequence step (`SequenceLeap` now only bounds
/// numbers at 2^53 - 1); the root supersedes its delegated key by opening
/// a new epoch, which no delegated key can sign for.
#[test]
fn a_compromised_register_key_cannot_lock_out_its_root_and_revoking_it_restores_protection() {
    let world = world();
    let mut trust = world.trust();
    let register_id = world.register_root.key().key_id();
    let listed = world.alice_reported_stolen(2);
    let mut shop = world.blocklist_with(&trust, &[&listed]);
    let chain = world.chain();

    // Past the largest sequence the format allows, nothing is signed or read.
    let error = world
        .register
        .publish_snapshot(seq(u64::MAX), T0 + 2 * DAY, T0 + 9 * DAY, vec![])
        .unwrap_err();
    assert_eq!(
        error,
        Error::SequenceLeap {
            offered: u64::MAX,
            max: limits::MAX_SEQUENCE
        }
    );
    assert_eq!(error.family(), ErrorFamily::BlocklistState);

    // The thief with the register's delegated key jumps to the last sequence
    // of its epoch: accepted, and the screen looks clean...
    let wipe = world
        .register
        .publish_snapshot(
            seq(limits::MAX_SEQUENCE),
            T0 + 3 * DAY,
            T0 + 9 * DAY,
            vec![],
        )
        .unwrap();
    assert_eq!(
        shop.apply_snapshot(&trust, &wipe, SHOP_TIME).unwrap(),
        seq(limits::MAX_SEQUENCE)
    );
    let check = |trust: &TrustStore, shop: &Blocklist| {
        Verifier::new(trust)
            .with_blocklist(shop)
            .verify_part(&PartEvidence::new(&world.alice.screen, &chain), SHOP_TIME)
            .unwrap()
    };
    assert!(!check(&trust, &shop).is_blocked());
    assert_eq!(shop.clock_for(&trust, &register_id, T0), T0 + 3 * DAY);

    // ...but the stolen key cannot open the next epoch: neither through the
    // API nor by signing one by hand.
    assert_eq!(
        world
            .register
            .publish_snapshot(ListVersion::new(1, 1), T0 + 3 * DAY, T0 + 9 * DAY, vec![])
            .unwrap_err(),
        Error::EpochNotPermitted {
            offered: 1,
            permitted: 0
        }
    );
    let mut next_epoch = forge::SnapshotBody::of(&wipe);
    next_epoch.epoch = 1;
    next_epoch.sequence = 1;
    let forged = next_epoch.sign(world.register.key());
    assert_eq!(
        shop.clone()
            .apply_snapshot(&trust, &forged, SHOP_TIME)
            .unwrap_err(),
        Error::EpochNotPermitted {
            offered: 1,
            permitted: 0
        }
    );

    // The register's root revokes the stolen key: the list it signed is no
    // longer current, and its issue time no longer sets the clock.
    let revocation = world
        .register_root
        .revoke(
            1,
            T0 + 2 * DAY,
            &[RevokedKey {
                key: world.register.key().key_id(),
                since: 0,
            }],
        )
        .unwrap();
    trust.apply_revocation_list(&revocation, SHOP_TIME).unwrap();
    let verdict = check(&trust, &shop);
    assert!(verdict.is_stale(), "{:?}", verdict.blocklist);
    assert_eq!(
        verdict.blocklist.lists()[0].stale_reason,
        Some(StaleReason::SignerRevoked)
    );
    assert_eq!(shop.clock_for(&trust, &register_id, T0), T0);

    // The root itself supersedes the thief by publishing in epoch 1.
    let correction = BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    );
    let fixed = world
        .register_root
        .publish_snapshot(
            ListVersion::new(1, 1),
            T0 + 3 * DAY,
            T0 + 9 * DAY,
            correction,
        )
        .unwrap();
    assert_eq!(
        shop.apply_snapshot(&trust, &fixed, SHOP_TIME).unwrap(),
        ListVersion::new(1, 1)
    );
    let verdict = check(&trust, &shop);
    assert!(verdict.is_blocked() && !verdict.is_stale());
    assert_eq!(verdict.blocklist.listings()[0].epoch, 1);

    // Whatever the thief signed in epoch 0 is refused from now on: its key
    // is revoked, and even a device that has not seen the revocation list
    // refuses it as a rollback behind the root's epoch.
    let error = shop.apply_snapshot(&trust, &wipe, SHOP_TIME).unwrap_err();
    assert_eq!(error, Error::IssuerRevoked(world.register.key().key_id()));
    let error = shop
        .apply_snapshot(&world.trust(), &wipe, SHOP_TIME)
        .unwrap_err();
    assert_eq!(
        error,
        Error::Rollback {
            offered: seq(limits::MAX_SEQUENCE),
            accepted: ListVersion::new(1, 1)
        }
    );
}

#[test]
fn a_list_cannot_claim_an_issue_time_beyond_its_signers_validity() {
    let world = world();
    let trust = world.trust();
    // A timestamp in milliseconds would raise the operator's clock by
    // millennia and expire its lists. The API checks the signer's validity
    // at the issue time and refuses to sign it (Expired)...
    let error = world
        .operator
        .publish_snapshot(seq(1), SHOP_TIME * 1000, SHOP_TIME * 1000 + DAY, vec![])
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Expired, "{error}");
    // ...and a device refuses one signed by hand.
    let typo = forge::SnapshotBody {
        signer_certificate: world.operator.certificate().as_bytes().to_vec(),
        authority: world.operator.key().key_id(),
        epoch: 0,
        sequence: 1,
        issued_at: SHOP_TIME * 1000,
        expires_at: SHOP_TIME * 1000 + DAY,
        entries: vec![],
    }
    .sign(world.operator.key());
    let mut shop = Blocklist::new();
    let error = shop.apply_snapshot(&trust, &typo, SHOP_TIME).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Expired, "{error}");
    assert_eq!(shop, Blocklist::new());
    assert!(
        Verifier::new(&trust)
            .with_blocklist(&shop)
            .verify_part(
                &PartEvidence::new(&world.bob.screen, &world.chain()),
                SHOP_TIME
            )
            .is_ok()
    );
}

#[test]
fn an_older_copy_of_the_same_list_cannot_lower_the_clock_floor() {
    let world = world();
    let trust = world.trust();
    let old_copy = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let re_signed = world
        .register
        .publish_snapshot(seq(1), T0 + YEAR, T0 + YEAR + 9 * DAY, vec![])
        .unwrap();
    let mut shop = Blocklist::new();
    shop.apply_snapshot(&trust, &re_signed, T0 + YEAR).unwrap();
    let register = world.register_root.key().key_id();
    shop.apply_snapshot(&trust, &old_copy, T0 + YEAR).unwrap();
    assert_eq!(shop.clock_for(&trust, &register, 0), T0 + YEAR);
    let list = shop.list(&register).unwrap();
    assert_eq!(list.expires_at, T0 + YEAR + 9 * DAY);
    let mark = shop.rollback_state().marks().next().unwrap();
    assert_eq!(
        (mark.issued_at, mark.expires_at),
        (T0 + YEAR, T0 + YEAR + 9 * DAY)
    );
}

/// Since format version 2 a part's identity includes its manufacturer
/// root: a second certificate of the same part from the same root (a
/// renewal) keeps the part's pairing and is reported as renewed, while a
/// certificate from another root is another part, which the record does
/// not list.
#[test]
fn a_second_certificate_for_a_paired_part_does_not_inherit_its_pairing() {
    let world = world();
    let chain = world.chain();
    let (trust, cheapo_root) = {
        let mut trust = world.trust();
        let other =
            Authority::new_manufacturer_root(key(82), "Cheapo Parts root", &[MAKER], years(40))
                .unwrap();
        trust
            .add_manufacturer_root(other.certificate().clone())
            .unwrap();
        (trust, other)
    };

    // Acme re-certifies Bob's camera (same root, maker, kind and serial):
    // the same part, and the record naming its earlier certificate still
    // places it in Bob's handset.
    let renewed = world
        .acme_line
        .certify_part(
            &spec(
                PartKind::RearCamera,
                "CAM-BOB",
                vec![],
                Some(world.bob.camera_key.public_key()),
            ),
            500,
            years(30),
        )
        .unwrap();
    assert_ne!(renewed.fingerprint(), world.bob.camera.fingerprint());
    assert_eq!(
        renewed.part().unwrap().part_id(),
        world.bob.camera.part().unwrap().part_id()
    );
    let verdict = Verifier::new(&trust)
        .on_handset(&[world.bob.imei])
        .verify_part(
            &PartEvidence::new(&renewed, &chain).with_pairing(&world.bob.pairing),
            SHOP_TIME,
        )
        .unwrap();
    assert_eq!(verdict.relation, Relation::PairedHere);
    assert!(verdict.provenance.as_ref().unwrap().certificate_renewed);
    let verdict = Verifier::new(&trust)
        .verify_part(
            &PartEvidence::new(&world.bob.camera, &chain).with_pairing(&world.bob.pairing),
            SHOP_TIME,
        )
        .unwrap();
    assert!(!verdict.provenance.as_ref().unwrap().certificate_renewed);

    // Another pinned manufacturer's line certifies a module claiming to be
    // Bob's Acme camera, with a key it controls: under another root it is
    // another part, and Bob's record does not list it.
    let cheapo_line = authority(
        &cheapo_root,
        83,
        AuthorityRole::PartIssuer,
        "Cheapo line",
        &[PartKind::RearCamera],
        2,
        years(20),
    );
    let impostor_key = key(84);
    let impostor = cheapo_line
        .certify_part(
            &spec(
                PartKind::RearCamera,
                "CAM-BOB",
                vec![],
                Some(impostor_key.public_key()),
            ),
            1,
            years(20),
        )
        .unwrap();
    assert_ne!(
        impostor.part().unwrap().part_id(),
        world.bob.camera.part().unwrap().part_id()
    );
    let cheapo_chain = vec![cheapo_line.certificate().clone()];
    let error = Verifier::new(&trust)
        .on_handset(&[world.bob.imei])
        .verify_part(
            &PartEvidence::new(&impostor, &cheapo_chain).with_pairing(&world.bob.pairing),
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::PartNotInPairingRecord);

    // At boot the impostor is a genuine Cheapo part but not Bob's camera:
    // unpaired, with Bob's camera missing, so the handset is not "as recorded".
    let challenge = Challenge::new([5; 32]);
    let answer = ChallengeResponse::respond(&impostor_key, &challenge, &impostor).unwrap();
    let fitted = [
        FittedPart {
            certificate: &world.bob.board,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &world.bob.screen,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &world.bob.battery,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &impostor,
            chain: &cheapo_chain,
            challenge: Some((&challenge, &answer)),
        },
    ];
    let report = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &world.bob.pairing,
                modem_imeis: &[world.bob.imei],
                fitted: &fitted,
            },
            SHOP_TIME,
        )
        .unwrap();
    let impostor_verdict = report.parts[3].outcome.as_ref().unwrap();
    assert_eq!(impostor_verdict.relation, Relation::Unpaired);
    assert_eq!(impostor_verdict.root.name, "Cheapo Parts root");
    assert_eq!(report.missing.len(), 1);
    assert_eq!(report.missing[0].kind, PartKind::RearCamera);
    assert!(!report.all_original());
}

#[test]
fn an_expired_issuer_certificate_beside_its_renewal_does_not_fail_a_genuine_part() {
    let world = world();
    let trust = world.trust();
    let line_key = world.acme_line.key().clone();
    let expired = world
        .acme_root
        .certify_part_issuer(
            "Acme Shenzhen line 3 (2019)",
            line_key.public_key(),
            &[PartKind::Screen],
            &[MAKER],
            1,
            Validity {
                not_before: T0 - 7 * YEAR,
                not_after: T0 - 2 * YEAR,
            },
        )
        .unwrap();
    let chain = vec![expired.clone(), world.acme_line.certificate().clone()];
    let verdict = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&world.bob.screen, &chain), SHOP_TIME)
        .unwrap();
    assert_eq!(verdict.issuer.name, "Acme Shenzhen line 3");
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&world.bob.screen, &[expired]), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Expired);
}

#[test]
fn a_numbered_part_kind_cannot_alias_a_named_one() {
    let world = world();
    let key = key(85);
    let error = world
        .acme_root
        .certify_part_issuer(
            "sneaky line",
            key.public_key(),
            &[PartKind::Other(1)],
            &[MAKER],
            1,
            years(1),
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidField);
    let error = world
        .acme_line
        .certify_part(&spec(PartKind::Other(2), "S", vec![], None), 1, years(1))
        .unwrap_err();
    assert!(matches!(
        error.code(),
        ErrorCode::InvalidField | ErrorCode::KindNotPermitted
    ));
    assert!(
        world
            .acme_root
            .certify_part_issuer(
                "new kinds line",
                key.public_key(),
                &[PartKind::Other(700)],
                &[MAKER],
                1,
                years(1),
            )
            .is_ok()
    );
}

#[test]
fn the_rollback_state_of_every_authority_a_device_may_track_round_trips() {
    let world = world();
    let mut trust = world.trust();
    let mut device = Blocklist::new();
    for i in 0..limits::MAX_AUTHORITIES - 2 {
        let root = Authority::new_blocklist_root(
            SecretKey::from_seed(&[100u8.wrapping_add(i as u8); 32]),
            &format!("register {i}"),
            years(40),
        )
        .unwrap();
        trust
            .add_blocklist_root(root.certificate().clone())
            .unwrap();
        let list = root
            .publish_snapshot(
                ListVersion::new(u64::from(u32::MAX), limits::MAX_SEQUENCE),
                T0 + DAY,
                T0 + 9 * DAY,
                vec![],
            )
            .unwrap();
        device.apply_snapshot(&trust, &list, SHOP_TIME).unwrap();
    }
    let saved = device.rollback_state().encode();
    assert!(saved.len() <= limits::MAX_ROLLBACK_STATE_LEN);
    assert_eq!(
        RollbackState::decode(&saved).unwrap(),
        *device.rollback_state()
    );
    let state = device.encode_state();
    assert_eq!(Blocklist::decode_state(&state, &trust).unwrap(), device);
}

#[test]
fn a_serial_with_a_nul_cannot_pose_as_another_part_to_a_c_program() {
    let world = world();
    // "SCR-BOB\0EVIL" would print as "SCR-BOB" from C; escape sequences
    // would rewrite a technician's terminal.
    for (serial, model) in [("SCR-BOB\0EVIL", "A1"), ("SCR-BOB", "A1\u{1b}[2J")] {
        let mut part = spec(PartKind::Screen, serial, vec![], None);
        part.model = model.into();
        let error = world
            .acme_line
            .certify_part(&part, 1, years(1))
            .unwrap_err();
        assert_eq!(
            error.code(),
            ErrorCode::InvalidField,
            "{serial:?} {model:?}"
        );
    }
}

#[test]
fn a_revocation_list_cannot_claim_an_issue_time_beyond_its_roots_validity() {
    let world = world();
    let mut trust = world.trust();
    // The root will not sign it (its validity is checked at the issue time)...
    assert_eq!(
        world.acme_root.revoke(1, u64::MAX, &[]).unwrap_err().code(),
        ErrorCode::Expired
    );
    // ...and a device refuses one signed by hand.
    let typo = forge::RevocationBody {
        root: world.acme_root.key().key_id(),
        sequence: 1,
        issued_at: u64::MAX,
        revoked: vec![],
    }
    .sign(world.acme_root.key());
    assert_eq!(
        trust
            .apply_revocation_list(&typo, SHOP_TIME)
            .unwrap_err()
            .code(),
        ErrorCode::Expired
    );
    assert_eq!(trust.clock_for_root(&world.acme_root.key().key_id(), 0), 0);
}

#[test]
fn absurd_amounts_of_evidence_are_refused_before_any_work() {
    let world = world();
    let trust = world.trust();
    // A chain padded with copies, to make the verifier search and verify.
    let padded = vec![world.acme_line.certificate().clone(); limits::MAX_CHAIN_LEN + 1];
    let error = Verifier::new(&trust)
        .verify_part(&PartEvidence::new(&world.bob.screen, &padded), SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::LengthOverBound);

    // A self-check handed more parts than any handset holds.
    let chain = world.chain();
    let fitted = vec![
        FittedPart {
            certificate: &world.bob.screen,
            chain: &chain,
            challenge: None
        };
        limits::MAX_PAIRED_PARTS + 1
    ];
    let error = Verifier::new(&trust)
        .verify_handset(
            &HandsetEvidence {
                pairing: &world.bob.pairing,
                modem_imeis: &[world.bob.imei],
                fitted: &fitted,
            },
            SHOP_TIME,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::LengthOverBound);

    // A trust store pinning roots without end.
    let mut store = TrustStore::new();
    for i in 0..=limits::MAX_AUTHORITIES {
        let root = Authority::new_manufacturer_root(
            SecretKey::from_seed(&[i as u8; 32]),
            "root",
            &[MAKER],
            years(10),
        )
        .unwrap()
        .certificate()
        .clone();
        let outcome = store.add_manufacturer_root(root);
        if i < limits::MAX_AUTHORITIES {
            outcome.unwrap();
        } else {
            assert_eq!(outcome.unwrap_err().code(), ErrorCode::LengthOverBound);
        }
    }
    assert_eq!(store.manufacturer_roots().count(), limits::MAX_AUTHORITIES);
}

#[test]
fn a_register_publishes_its_next_list_from_the_last_one() {
    let world = world();
    let trust = world.trust();
    // Alice's phone is reported lost, listing suspended; Bob's IMEI stolen.
    let lost = BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Lost,
        T0,
        ListingStatus::Suspended,
    );
    let first = world
        .register
        .publish_next_snapshot(None, seq(1), T0, T0 + 9 * DAY, &[], lost.clone())
        .unwrap();
    // Alice finds it: everything her report listed is delisted; Bob's is added.
    let delisted: Vec<BlockKey> = lost.iter().map(|entry| entry.key).collect();
    let bob = BlocklistEntry::handset(
        world.bob.imei,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    );
    let second = world
        .register
        .publish_next_snapshot(
            Some(&first),
            seq(2),
            T0 + DAY,
            T0 + 9 * DAY,
            &delisted,
            vec![bob],
        )
        .unwrap();
    assert_eq!(second.entries(), [bob]);
    let mut shop = world.blocklist_with(&trust, &[&first, &second]);
    assert!(
        shop.lookup(&[BlockKey::Imei(world.alice.imei)])
            .unwrap()
            .is_empty()
    );

    // Relisting replaces the earlier entry for the same key.
    let confirmed = BlocklistEntry::handset(
        world.bob.imei,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Suspended,
    );
    let third = world
        .register
        .publish_next_snapshot(
            Some(&second),
            seq(3),
            T0 + 2 * DAY,
            T0 + 9 * DAY,
            &[],
            vec![confirmed],
        )
        .unwrap();
    assert_eq!(third.entries(), [confirmed]);
    shop.apply_snapshot(&trust, &third, SHOP_TIME).unwrap();

    // Never backwards, never from another authority's list.
    let error = world
        .register
        .publish_next_snapshot(Some(&third), seq(3), T0, T0 + DAY, &[], vec![])
        .unwrap_err();
    assert_eq!(
        error,
        Error::Rollback {
            offered: seq(3),
            accepted: seq(3)
        }
    );
    let error = world
        .operator
        .publish_next_snapshot(Some(&third), seq(4), T0, T0 + DAY, &[], vec![])
        .unwrap_err();
    assert_eq!(error, Error::WrongAuthority);
}
