//! Golden vectors: the wire format's contract between languages and versions.
//!
//! Every object under `core/tests/vectors/` is made from fixed seeds and
//! fixed times (Ed25519 signatures are deterministic), so today's encoder
//! must reproduce each file byte for byte. A change here is a change to the
//! wire format: make it deliberately, regenerate with
//! `PARTCERT_REGENERATE_VECTORS=1 cargo test -p partcert --test golden`,
//! and say so in the commit.

mod common;

use std::path::PathBuf;

use common::*;

fn vectors() -> Vec<(&'static str, Vec<u8>)> {
    let world = world();
    let v1 = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let v2 = world.alice_reported_stolen(2);
    let delta = world.register.publish_delta(&v1, &v2).unwrap();
    // The same listings as v2, published compact (sequence 3).
    let compact = world
        .register
        .publish_compact_snapshot(
            seq(3),
            T0 + 2 * DAY,
            T0 + 9 * DAY,
            &BlocklistEntry::for_reported_handset(
                &world.alice.pairing,
                Reason::Stolen,
                T0 + DAY,
                ListingStatus::Final,
            ),
        )
        .unwrap();
    let revocation = world
        .acme_root
        .revoke(
            1,
            T0,
            &[RevokedKey {
                key: KeyId::of(&key(31).public_key()),
                since: T0 - 30 * DAY,
            }],
        )
        .unwrap();
    let challenge = Challenge::new([0x42; 32]);
    let response =
        ChallengeResponse::respond(&world.alice.camera_key, &challenge, &world.alice.camera)
            .unwrap();
    let trust = world.trust();
    let mut blocklist = Blocklist::new();
    blocklist.apply_snapshot(&trust, &v2, T0 + 2 * DAY).unwrap();
    let head = Head::next(
        &world.register,
        None,
        &[SignedList::Sorted(v2.clone())],
        30 * DAY,
        T0 + 2 * DAY,
        T0 + 3 * DAY,
    )
    .unwrap();
    // The same list cut into four shards, named by the head.
    let register = world
        .register_root
        .certificate()
        .subject_key()
        .unwrap()
        .key_id();
    let shards = ShardSet::build(blocklist.list(&register).unwrap(), Some(2)).unwrap();
    let head = head.with_shards(&world.register, &shards).unwrap();
    let screen = BlockKey::Part(world.alice.screen.part().unwrap().part_id());
    let shard = shards.file(shard_of(&screen, 2)).unwrap();
    vec![
        (
            "manufacturer_root.cert",
            world.acme_root.certificate().as_bytes().to_vec(),
        ),
        (
            "part_issuer.cert",
            world.acme_line.certificate().as_bytes().to_vec(),
        ),
        (
            "pairing_service.cert",
            world.acme_pairing.certificate().as_bytes().to_vec(),
        ),
        (
            "blocklist_root.cert",
            world.register_root.certificate().as_bytes().to_vec(),
        ),
        (
            "blocklist_authority.cert",
            world.register.certificate().as_bytes().to_vec(),
        ),
        ("board.cert", world.alice.board.as_bytes().to_vec()),
        ("screen.cert", world.alice.screen.as_bytes().to_vec()),
        ("keyed_camera.cert", world.alice.camera.as_bytes().to_vec()),
        ("handset.pair", world.alice.pairing.as_bytes().to_vec()),
        ("empty_v1.pcbl", v1.as_bytes().to_vec()),
        ("stolen_v2.pcbl", v2.as_bytes().to_vec()),
        ("v1_to_v2.pcbd", delta.as_bytes().to_vec()),
        ("stolen_v3.pccs", compact.as_bytes().to_vec()),
        ("revocation.pcrl", revocation.as_bytes().to_vec()),
        ("camera_response.pcr", response.as_bytes().to_vec()),
        ("rollback_state.pcrb", blocklist.rollback_state().encode()),
        ("repository_head.pchd", head.as_bytes().to_vec()),
        ("screen_shard.pcsh", shard),
    ]
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[test]
fn todays_encoder_reproduces_every_golden_vector_byte_for_byte() {
    let regenerate = std::env::var_os("PARTCERT_REGENERATE_VECTORS").is_some();
    let mut mismatched = Vec::new();
    for (name, bytes) in vectors() {
        let path = dir().join(name);
        if regenerate {
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if golden != bytes {
            let first = golden
                .iter()
                .zip(&bytes)
                .position(|(a, b)| a != b)
                .unwrap_or(golden.len().min(bytes.len()));
            mismatched.push(format!(
                "{name}: first difference at byte {first} ({} vs {} bytes)",
                golden.len(),
                bytes.len()
            ));
        }
    }
    assert!(
        mismatched.is_empty(),
        "the wire format changed:\n{}",
        mismatched.join("\n")
    );
}

#[test]
fn every_golden_vector_decodes_and_verifies() {
    if std::env::var_os("PARTCERT_REGENERATE_VECTORS").is_some() {
        return; // the files are being rewritten by the other test
    }
    let trust = {
        let mut trust = TrustStore::new();
        let read = |name: &str| std::fs::read(dir().join(name)).unwrap();
        trust
            .add_manufacturer_root(Certificate::decode(&read("manufacturer_root.cert")).unwrap())
            .unwrap();
        trust
            .add_blocklist_root(Certificate::decode(&read("blocklist_root.cert")).unwrap())
            .unwrap();
        trust
    };
    let read = |name: &str| std::fs::read(dir().join(name)).unwrap();
    for (name, _) in vectors() {
        let bytes = read(name);
        if name.ends_with(".pcrb") {
            assert_eq!(RollbackState::decode(&bytes).unwrap().encode(), bytes);
        } else if name.ends_with(".pcsh") {
            // A shard file: proven against the head's root below.
            Shard::check_structure(&bytes).unwrap();
        } else {
            assert_eq!(
                Object::decode(&bytes).unwrap().as_bytes(),
                bytes.as_slice(),
                "{name}"
            );
        }
    }
    // Format version 3: every file carries it right after its magic.
    assert_eq!(FORMAT_VERSION, 3);
    for (name, _) in vectors() {
        let version = if name.ends_with(".pcsh") {
            SHARD_VERSION
        } else {
            FORMAT_VERSION
        };
        assert_eq!(read(name)[4], version, "{name}");
    }
    // The shard proves itself against the head's root, as the screen's.
    let head = Head::decode(&read("repository_head.pchd")).unwrap();
    let screen_cert = Certificate::decode(&read("screen.cert")).unwrap();
    let screen = BlockKey::Part(screen_cert.part().unwrap().part_id());
    let shards = head.shards().unwrap();
    let shard = Shard::decode(
        &read("screen_shard.pcsh"),
        &head,
        shard_of(&screen, u32::from(shards.bits)),
    )
    .unwrap();
    assert!(!shard.is_empty());
    let mut trust = trust;
    let revocation = RevocationList::decode(&read("revocation.pcrl")).unwrap();
    trust.apply_revocation_list(&revocation, T0).unwrap();
    let revoked = KeyId::of(&key(31).public_key());
    let acme = Certificate::decode(&read("manufacturer_root.cert"))
        .unwrap()
        .issuer();
    assert_eq!(trust.revoked_since(&acme, &revoked), Some(T0 - 30 * DAY));
    let state = RollbackState::decode(&read("rollback_state.pcrb")).unwrap();
    let mark = state.marks().next().unwrap();
    assert_eq!(mark.version(), seq(2));
    assert_eq!(mark.expires_at, T0 + 9 * DAY);

    let chain = [Certificate::decode(&read("part_issuer.cert")).unwrap()];
    let screen = Certificate::decode(&read("screen.cert")).unwrap();
    let camera = Certificate::decode(&read("keyed_camera.cert")).unwrap();
    let pairing = PairingRecord::decode(&read("handset.pair")).unwrap();
    let mut blocklist = Blocklist::new();
    blocklist
        .apply_snapshot(
            &trust,
            &BlocklistSnapshot::decode(&read("empty_v1.pcbl")).unwrap(),
            T0,
        )
        .unwrap();
    blocklist
        .apply_delta(
            &trust,
            &BlocklistDelta::decode(&read("v1_to_v2.pcbd")).unwrap(),
            T0,
        )
        .unwrap();
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);
    let verdict = verifier
        .verify_part(
            &PartEvidence::new(&screen, &chain).with_pairing(&pairing),
            T0 + 3 * DAY,
        )
        .unwrap();
    assert!(verdict.is_blocked());
    let response = ChallengeResponse::decode(&read("camera_response.pcr")).unwrap();
    let challenge = Challenge::new([0x42; 32]);
    let verdict = verifier
        .verify_part(
            &PartEvidence::new(&camera, &chain).with_challenge(&challenge, &response),
            T0 + 3 * DAY,
        )
        .unwrap();
    assert_eq!(verdict.binding, Binding::KeyProven);

    // The compact list of the same listings blocks the same screen.
    let compact = CompactSnapshot::decode(&read("stolen_v3.pccs")).unwrap();
    let mut held = Blocklist::new();
    held.apply_compact_snapshot(&trust, &compact, T0 + 2 * DAY)
        .unwrap();
    let verdict = Verifier::new(&trust)
        .with_blocklist(&held)
        .verify_part(
            &PartEvidence::new(&screen, &chain).with_pairing(&pairing),
            T0 + 3 * DAY,
        )
        .unwrap();
    assert!(verdict.is_blocked());
}

/// The hand-signing helpers other tests forge objects with
/// (`common::forge`) mirror the core's private body structs: re-encoding
/// every kind of object through its mirror gives its exact body bytes.
#[test]
fn the_forge_mirrors_encode_exactly_what_the_core_encodes() {
    assert_mirrors_match(&world());
}
