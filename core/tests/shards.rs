//! A phone checks its own parts against a national list it cannot hold:
//! the register cuts its list into shards under a root its head signs, and
//! the phone fetches the few shards its keys lie in. Told as what a phone
//! meets: the stolen handset's harvested screen, a clean donor part, a
//! shard with a listing dropped, added or altered, a shard of another day
//! or another register, the wrong slice, and a replayed old head.

mod common;

use common::*;
use proptest::prelude::*;

const HOUR: u64 = 3_600;
const SHOP_TIME: u64 = T0 + 3 * DAY;

/// What a register serves: the head (naming the shards) and the shard
/// files, by index.
struct Served {
    head: Head,
    shards: ShardSet,
}

impl Served {
    fn file(&self, index: u32) -> Vec<u8> {
        self.shards.file(index).expect("a shard the head names")
    }
}

/// The register publishes `lists` (applied in order to its own copy) and
/// cuts the newest into shards (`bits`, or as its size says).
fn serve(world: &World, trust: &TrustStore, lists: &[SignedList], bits: Option<u32>) -> Served {
    let mut whole = Blocklist::new();
    for list in lists {
        whole
            .apply(trust, list, T0 + 2 * DAY)
            .expect("the register's own list");
    }
    let authority = world
        .register_root
        .certificate()
        .subject_key()
        .unwrap()
        .key_id();
    let head = Head::next(
        &world.register,
        None,
        lists,
        30 * DAY,
        T0 + 2 * DAY,
        T0 + 2 * DAY + 24 * HOUR,
    )
    .expect("head");
    let shards = ShardSet::build(whole.list(&authority).expect("held"), bits).expect("shards");
    let head = head
        .with_shards(&world.register, &shards)
        .expect("head with shards");
    Served { head, shards }
}

/// A phone that holds no list checks `keys`: it fetches the head, then each
/// shard the check plans, and offers it.
fn phone_check(
    phone: &Blocklist,
    trust: &TrustStore,
    served: &Served,
    keys: &[BlockKey],
    now: u64,
) -> Result<Blocklist, Error> {
    let mut check = phone.check_shards(trust, served.head.as_bytes(), keys, now)?;
    // The whole plan up front (fetched at once), in the order offered.
    let plan = check.fetches();
    assert_eq!(plan.len(), check.remaining());
    assert_eq!(plan.first(), check.next_fetch().as_ref());
    while let Some(fetch) = check.next_fetch() {
        let bytes = served.file(fetch.index);
        assert_eq!(fetch.path, served.head.shards().unwrap().path(fetch.index));
        assert!(bytes.len() as u64 <= fetch.max_size);
        check.offer(&bytes)?;
    }
    check.finish()
}

fn register_key(world: &World) -> KeyId {
    world
        .register_root
        .certificate()
        .subject_key()
        .unwrap()
        .key_id()
}

#[test]
fn alices_harvested_screen_reads_blocked_on_a_phone_that_never_held_the_national_list() {
    let world = world();
    let trust = world.trust();
    let stolen = world.alice_reported_stolen(1);
    let served = serve(&world, &trust, &[SignedList::Sorted(stolen)], None);
    let chain = world.chain();
    let evidence = PartEvidence::new(&world.alice.screen, &chain);

    // The phone asks which keys the verdict looks up, fetches their shards
    // (the head, then one shard), and verifies as if it held the list.
    let keys = Verifier::new(&trust).blocklist_keys(&evidence, SHOP_TIME);
    assert!(keys.contains(&BlockKey::Part(
        world.alice.screen.part().unwrap().part_id()
    )));
    let phone = phone_check(&Blocklist::new(), &trust, &served, &keys, SHOP_TIME).unwrap();
    let verdict = Verifier::new(&trust)
        .with_blocklist(&phone)
        .verify_part(&evidence, SHOP_TIME)
        .unwrap();
    assert!(verdict.is_blocked(), "{}", verdict.summary());
    let headline = verdict.headline();
    assert!(
        headline.starts_with("BLOCKED — ") && headline.contains("is listed as stolen"),
        "{headline}"
    );
    let (reference, held) = phone.list(&register_key(&world)).unwrap().shards().unwrap();
    assert!(held.len() <= keys.len());
    assert_eq!(reference.version, seq(1));

    // The same verdict as a shop holding the whole list.
    let whole = world.blocklist_with(&trust, &[&world.alice_reported_stolen(1)]);
    let at_the_shop = Verifier::new(&trust)
        .with_blocklist(&whole)
        .verify_part(&evidence, SHOP_TIME)
        .unwrap();
    assert_eq!(verdict.blocklist, at_the_shop.blocklist);
}

#[test]
fn bobs_donor_screen_reads_clean_through_shards_and_a_key_never_fetched_is_never_clean() {
    let world = world();
    let trust = world.trust();
    let stolen = world.alice_reported_stolen(1);
    let served = serve(&world, &trust, &[SignedList::Sorted(stolen)], Some(8));
    let chain = world.chain();
    let evidence = PartEvidence::new(&world.bob.screen, &chain).with_pairing(&world.bob.pairing);
    let verifier = Verifier::new(&trust).on_handset(&[imei(35_000_000_000_001)]);
    let keys = verifier.blocklist_keys(&evidence, SHOP_TIME);
    let phone = phone_check(&Blocklist::new(), &trust, &served, &keys, SHOP_TIME).unwrap();
    let verdict = verifier
        .clone()
        .with_blocklist(&phone)
        .verify_part(&evidence, SHOP_TIME)
        .unwrap();
    assert_eq!(verdict.summary(), "genuine (serial-only), used, clean");

    // Alice's screen was not among the keys fetched: its shard is not held
    // (unless it shares Bob's), and then the phone refuses to answer.
    let alice = PartEvidence::new(&world.alice.screen, &chain);
    let alice_keys = Verifier::new(&trust).blocklist_keys(&alice, SHOP_TIME);
    let held = phone
        .list(&register_key(&world))
        .unwrap()
        .shards()
        .unwrap()
        .1;
    if alice_keys
        .iter()
        .any(|key| !held.contains(&shard_of(key, 8)))
    {
        let error = Verifier::new(&trust)
            .with_blocklist(&phone)
            .verify_part(&alice, SHOP_TIME)
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::ShardNotHeld);
    }
}

#[test]
fn a_phone_that_checked_through_shards_reads_stale_once_the_head_expires() {
    let world = world();
    let trust = world.trust();
    let served = serve(
        &world,
        &trust,
        &[SignedList::Sorted(world.alice_reported_stolen(1))],
        None,
    );
    let chain = world.chain();
    let evidence = PartEvidence::new(&world.bob.screen, &chain);
    let keys = Verifier::new(&trust).blocklist_keys(&evidence, SHOP_TIME);
    let phone = phone_check(
        &Blocklist::new(),
        &trust,
        &served,
        &keys,
        T0 + 2 * DAY + HOUR,
    )
    .unwrap();
    let fresh = Verifier::new(&trust)
        .with_blocklist(&phone)
        .verify_part(&evidence, T0 + 2 * DAY + 2 * HOUR)
        .unwrap();
    assert!(!fresh.is_stale() && !fresh.is_blocked());
    let later = Verifier::new(&trust)
        .with_blocklist(&phone)
        .verify_part(&evidence, T0 + 4 * DAY)
        .unwrap();
    assert!(later.is_stale(), "{}", later.summary());
}

/// The register's shards, with one shard's body changed by `alter` and
/// re-framed (its proof kept): what a mirror or a thief would serve.
fn altered(served: &Served, index: u32, alter: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let file = served.file(index);
    let length = u32::from_le_bytes(file[5..9].try_into().unwrap()) as usize;
    let mut body = file[9..9 + length].to_vec();
    let proof = file[9 + length..].to_vec();
    alter(&mut body);
    let mut forged = b"PCSH\x01".to_vec();
    forged.extend_from_slice(&(body.len() as u32).to_le_bytes());
    forged.extend_from_slice(&body);
    forged.extend_from_slice(&proof);
    forged
}

/// A national list's shard, offered in place of the real one: refused with
/// `code`, and the phone's lists stay as they were.
fn refused(served: &Served, keys: &[BlockKey], forged: &[u8], trust: &TrustStore) -> Error {
    let phone = Blocklist::new();
    let mut check = phone
        .check_shards(trust, served.head.as_bytes(), keys, SHOP_TIME)
        .unwrap();
    check.next_fetch().expect("a shard to fetch");
    check.offer(forged).unwrap_err()
}

#[test]
fn a_shard_with_a_listing_dropped_added_or_altered_is_refused() {
    let world = world();
    let trust = world.trust();
    let listed = || {
        BlocklistEntry::for_reported_handset(
            &world.alice.pairing,
            Reason::Stolen,
            T0 + DAY,
            ListingStatus::Final,
        )
    };
    let list = |entries: Vec<BlocklistEntry>| {
        SignedList::Sorted(
            world
                .register
                .publish_snapshot(seq(1), T0 + 2 * DAY, T0 + 9 * DAY, entries)
                .unwrap(),
        )
    };
    // One shard holds the whole list: every listing is in it.
    let served = serve(&world, &trust, &[list(listed())], Some(0));
    let key = BlockKey::Part(world.alice.screen.part().unwrap().part_id());

    // Altered: each bit of the listings flipped in turn. Every such shard
    // is refused; those that still decode fail their proof.
    let file = served.file(0);
    let length = u32::from_le_bytes(file[5..9].try_into().unwrap()) as usize;
    let mut failed_proof = 0;
    for at in length.saturating_sub(120)..length {
        let forged = altered(&served, 0, |body| body[at] ^= 0x01);
        let error = refused(&served, &[key], &forged, &trust);
        if error.code() == ErrorCode::FileMismatch {
            assert!(error.to_string().contains("proof"), "{error}");
            failed_proof += 1;
        }
    }
    assert!(
        failed_proof > 20,
        "only {failed_proof} alterations reached the proof"
    );

    // Dropped and added: the same day's list signed with a listing fewer or
    // one more (a register's key in a thief's hands) is another list than
    // the head names.
    let mut fewer = listed();
    fewer.pop();
    let mut more = listed();
    more.push(BlocklistEntry::handset(
        imei(35_000_000_000_002),
        Reason::Lost,
        T0 + DAY,
        ListingStatus::Final,
    ));
    more.sort_by_key(|entry| entry.key);
    for entries in [fewer, more] {
        let other = serve(&world, &trust, &[list(entries)], Some(0));
        let error = refused(&served, &[key], &other.file(0), &trust);
        assert_eq!(error.code(), ErrorCode::FileMismatch, "{error}");
    }
}

#[test]
fn a_shard_of_another_day_another_register_or_another_slice_is_refused() {
    let world = world();
    let trust = world.trust();
    let day1 = world.alice_reported_stolen(1);
    let served = serve(&world, &trust, &[SignedList::Sorted(day1.clone())], Some(4));
    let key = BlockKey::Part(world.alice.screen.part().unwrap().part_id());
    let index = shard_of(&key, 4);

    // Another day: the same slice of the next day's list.
    let day2 = world
        .register
        .publish_next_snapshot(
            Some(&day1),
            seq(2),
            T0 + 3 * DAY,
            T0 + 10 * DAY,
            &[],
            vec![BlocklistEntry::handset(
                imei(35_000_000_000_002),
                Reason::Lost,
                T0 + 2 * DAY,
                ListingStatus::Final,
            )],
        )
        .unwrap();
    let next = serve(&world, &trust, &[SignedList::Sorted(day2)], Some(4));
    let error = refused(&served, &[key], &next.file(index), &trust);
    assert_eq!(error.code(), ErrorCode::FileMismatch, "{error}");

    // Another register: the operator's list, cut alike.
    let operator_list = world
        .operator
        .publish_snapshot(
            seq(1),
            T0 + 2 * DAY,
            T0 + 9 * DAY,
            BlocklistEntry::for_reported_handset(
                &world.alice.pairing,
                Reason::Stolen,
                T0 + DAY,
                ListingStatus::Final,
            ),
        )
        .unwrap();
    let mut whole = Blocklist::new();
    whole
        .apply(&trust, &SignedList::Sorted(operator_list), T0 + 2 * DAY)
        .unwrap();
    let operator_shards = ShardSet::build(
        whole
            .list(&world.operator.certificate().subject_key().unwrap().key_id())
            .unwrap(),
        Some(4),
    )
    .unwrap();
    let error = refused(
        &served,
        &[key],
        &operator_shards.file(index).unwrap(),
        &trust,
    );
    assert_eq!(error.code(), ErrorCode::FileMismatch, "{error}");

    // The wrong slice: the next shard, with its own (valid) proof.
    let error = refused(&served, &[key], &served.file((index + 1) % 16), &trust);
    assert_eq!(error.code(), ErrorCode::FileMismatch, "{error}");
    assert!(error.to_string().contains("slice"), "{error}");

    // The right shard passes.
    let phone = phone_check(&Blocklist::new(), &trust, &served, &[key], SHOP_TIME).unwrap();
    assert_eq!(phone.lookup(&[key]).unwrap().len(), 1);
}

#[test]
fn a_shard_of_a_list_the_phone_already_saw_superseded_is_refused_as_a_rollback() {
    let world = world();
    let trust = world.trust();
    let day1 = world.alice_reported_stolen(1);
    // Day 2 delists Alice's screen (say the register was misled).
    let screen = BlockKey::Part(world.alice.screen.part().unwrap().part_id());
    let day2 = world
        .register
        .publish_next_snapshot(
            Some(&day1),
            seq(2),
            T0 + 3 * DAY,
            T0 + 10 * DAY,
            &[screen],
            vec![],
        )
        .unwrap();
    let old = serve(&world, &trust, &[SignedList::Sorted(day1)], None);
    let new = serve(&world, &trust, &[SignedList::Sorted(day2)], None);
    let phone = phone_check(&Blocklist::new(), &trust, &new, &[screen], SHOP_TIME).unwrap();
    assert!(phone.lookup(&[screen]).unwrap().is_empty());
    // A mirror replays day 1's head and shards: refused, not mixed in.
    let error = phone
        .check_shards(&trust, old.head.as_bytes(), &[screen], SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Rollback, "{error}");
    // And a phone's saved marks carry that across a restart.
    let saved = Blocklist::decode_state(&phone.encode_state(), &trust).unwrap();
    let error = saved
        .check_shards(&trust, old.head.as_bytes(), &[screen], SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Rollback, "{error}");
}

#[test]
fn a_head_without_shards_and_hostile_shard_bytes_are_refused_with_typed_errors() {
    let world = world();
    let trust = world.trust();
    let day1 = SignedList::Sorted(world.alice_reported_stolen(1));
    let plain = Head::next(
        &world.register,
        None,
        std::slice::from_ref(&day1),
        30 * DAY,
        T0 + 2 * DAY,
        T0 + 3 * DAY,
    )
    .unwrap();
    assert!(plain.shards().is_none());
    let error = Blocklist::new()
        .check_shards(&trust, plain.as_bytes(), &[], SHOP_TIME)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidField);

    let served = serve(&world, &trust, &[day1], Some(3));
    let key = BlockKey::Imei(world.alice.imei);
    let file = served.file(shard_of(&key, 3));
    for (bytes, code) in [
        (Vec::new(), ErrorCode::Truncated),
        (b"PCS".to_vec(), ErrorCode::Truncated),
        (b"NOPE\x01".to_vec(), ErrorCode::BadMagic),
        (b"PCSH\x09".to_vec(), ErrorCode::UnsupportedVersion),
        (
            b"PCSH\x01\xff\xff\xff\xff".to_vec(),
            ErrorCode::LengthOverBound,
        ),
        (file[..file.len() - 1].to_vec(), ErrorCode::Truncated),
        ([file.clone(), vec![0]].concat(), ErrorCode::TrailingBytes),
    ] {
        let error = refused(&served, &[key], &bytes, &trust);
        // A file longer than the head's largest shard is refused by its
        // size before anything reads it.
        let too_long = bytes.len() as u64 > served.head.shards().unwrap().max_size;
        let expected = if too_long {
            ErrorCode::FileMismatch
        } else {
            code
        };
        assert_eq!(error.code(), expected, "{error}");
        let structure = Shard::check_structure(&bytes).unwrap_err();
        assert_eq!(structure.code(), code, "{structure}");
    }
    let big = vec![0u8; served.head.shards().unwrap().max_size as usize + 1];
    assert_eq!(
        refused(&served, &[key], &big, &trust).code(),
        ErrorCode::FileMismatch
    );
}

#[test]
fn shard_bits_follow_the_lists_size_and_never_pass_twenty() {
    assert_eq!(shard_bits_for(0), 0);
    assert_eq!(shard_bits_for(128), 0);
    assert_eq!(shard_bits_for(129), 1);
    assert_eq!(shard_bits_for(1_000_000), 13);
    assert_eq!(shard_bits_for(200_000_000), 20);
    assert_eq!(shard_bits_for(1 << 32), 20);
    assert_eq!(shard_bits_for(u64::MAX), 20);
}

// ---------------------------------------------------------------------------
// The property: any list, any key, the shard answers as the whole list.

/// A listing's key, drawn small so lists share keys with the probes.
fn entry_strategy() -> impl Strategy<Value = BlocklistEntry> {
    (
        any::<bool>(),
        0u64..40,
        0u8..4,
        0u64..5,
        any::<bool>(),
        prop::option::of(0u64..6),
    )
        .prop_map(|(is_imei, n, reason, day, suspended, handset)| {
            let reason =
                [Reason::Stolen, Reason::Lost, Reason::Fraud, Reason::Stolen][reason as usize];
            let status = if suspended {
                ListingStatus::Suspended
            } else {
                ListingStatus::Final
            };
            let listed_at = T0 + day * DAY;
            if is_imei {
                BlocklistEntry::handset(imei(35_000_000_000_000 + n), reason, listed_at, status)
            } else {
                BlocklistEntry::part(
                    part(n),
                    reason,
                    listed_at,
                    status,
                    handset.map(|h| imei(35_100_000_000_000 + h)),
                )
            }
        })
}

/// Part `n`'s identity: parts 0..40 spread over the key space; a probe
/// `n + 1000` shares part `n`'s leading 16 bytes (a fingerprint collision
/// in any compact list).
fn part(n: u64) -> PartId {
    let base = PartId::compute(
        &KeyId([7; 32]),
        MAKER,
        PartKind::Screen,
        &format!("P{}", n % 1000),
    );
    let mut bytes = *base.as_bytes();
    if n >= 1000 {
        bytes[31] ^= 0x5a;
    }
    PartId(bytes)
}

fn probes() -> Vec<BlockKey> {
    let mut keys = Vec::new();
    for n in 0..42 {
        keys.push(BlockKey::Imei(imei(35_000_000_000_000 + n)));
        keys.push(BlockKey::Part(part(n)));
        keys.push(BlockKey::Part(part(n + 1000)));
    }
    keys
}

fn unique(entries: Vec<BlocklistEntry>) -> Vec<BlocklistEntry> {
    let mut by_key = std::collections::BTreeMap::new();
    for entry in entries {
        by_key.entry(entry.key).or_insert(entry);
    }
    by_key.into_values().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_key_reads_from_its_shard_exactly_as_from_the_whole_list(
        entries in prop::collection::vec(entry_strategy(), 0..60),
        changes in prop::collection::vec(entry_strategy(), 0..12),
        delisted in prop::collection::vec(0usize..60, 0..6),
        format in 0u8..3,
        bits in prop::option::of(0u32..7),
    ) {
        let world = world();
        let trust = world.trust();
        let entries = unique(entries);
        let register = &world.register;
        let lists: Vec<SignedList> = match format {
            0 => vec![SignedList::Sorted(register.publish_snapshot(seq(1), T0 + DAY, T0 + 9 * DAY, entries).unwrap())],
            1 => vec![SignedList::Compact(Box::new(register.publish_compact_snapshot(seq(1), T0 + DAY, T0 + 9 * DAY, &entries).unwrap()))],
            _ => {
                // A compact snapshot, then a delta over it (the changes kept
                // beside the compact list on every device).
                let compact = register.publish_compact_snapshot(seq(1), T0 + DAY, T0 + 9 * DAY, &entries).unwrap();
                let mut device = Blocklist::new();
                device.apply(&trust, &compact, T0 + 2 * DAY).unwrap();
                let held = device.list(&register_key(&world)).unwrap();
                let delisted: Vec<BlockKey> = delisted.iter().filter_map(|i| entries.get(*i).map(|e| e.key)).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
                let listed: Vec<BlocklistEntry> = unique(changes).into_iter().filter(|e| !delisted.contains(&e.key)).collect();
                let publication = Publication {
                    format: Format::Delta,
                    version: seq(2),
                    issued_at: T0 + 2 * DAY,
                    expires_at: T0 + 9 * DAY,
                    base: Base::Held(held),
                    delisted: &delisted,
                };
                let delta = register.publish(&publication, listed).unwrap().list;
                vec![SignedList::Compact(Box::new(compact)), delta]
            }
        };
        let served = serve(&world, &trust, &lists, bits);
        let mut whole = Blocklist::new();
        for list in &lists {
            whole.apply(&trust, list, T0 + 2 * DAY).unwrap();
        }
        let keys = probes();
        let phone = phone_check(&Blocklist::new(), &trust, &served, &keys, T0 + 2 * DAY).unwrap();
        for key in &keys {
            let from_whole = whole.lookup(&[*key]).unwrap();
            let from_shard = phone.lookup(&[*key]).unwrap();
            prop_assert_eq!(&from_shard, &from_whole, "key {}", key);
        }
        // Every key at once, too (the cap and the order of listings).
        prop_assert_eq!(phone.lookup(&keys).unwrap(), whole.lookup(&keys).unwrap());
    }
}

#[test]
fn a_phone_that_checked_through_shards_can_still_sync_the_whole_list() {
    let world = world();
    let trust = world.trust();
    let day1 = SignedList::Sorted(world.alice_reported_stolen(1));
    let served = serve(&world, &trust, std::slice::from_ref(&day1), None);
    let screen = BlockKey::Part(world.alice.screen.part().unwrap().part_id());
    let phone = phone_check(&Blocklist::new(), &trust, &served, &[screen], SHOP_TIME).unwrap();
    // Later the phone has room for the whole list: the updater plans the
    // snapshot (shards are no base for deltas) and the list is then whole.
    let mut update = phone
        .update(&trust, served.head.as_bytes(), SHOP_TIME)
        .unwrap();
    let file = update.next_fetch().cloned().expect("the snapshot");
    assert_eq!(file.path, FileRef::path_for(&day1));
    update.offer(&trust, day1.as_bytes()).unwrap();
    let whole = update.finish().unwrap();
    let held = whole.list(&register_key(&world)).unwrap();
    assert!(held.shards().is_none());
    assert_eq!(
        whole
            .lookup(&[BlockKey::Imei(world.alice.imei)])
            .unwrap()
            .len(),
        1
    );
}
