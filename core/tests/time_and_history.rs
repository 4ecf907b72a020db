//! Property tests for trust rules II: whatever dates honest, careless and
//! thieving authorities write, in any interleaving, and whatever repairs,
//! leaks, retirements, thefts and recoveries a handset's life holds.
//!
//! 1. Times: for any interleaving of lists and revocation lists, with any
//!    dates up to decades ahead, (a) the register root's next-epoch
//!    correction is accepted on every device whatever it saw, (b) a
//!    punctual authority's list never reads stale because of another
//!    authority's date for longer than the tolerance, (c) a listed part
//!    never reads clean.
//! 2. Histories: over random repair histories, a genuine part from a
//!    handset not listed never reads blocked, stale or untrusted, and a
//!    stolen handset's parts always read blocked.

mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------
// 1. Times written by others.
// ---------------------------------------------------------------------

#[derive(Debug, Clone)]
enum TimeEvent {
    /// The register's publisher lists Alice, on time.
    Honest,
    /// A thief holding the publisher's key writes a list `ahead` seconds
    /// in the future at sequence `sequence`, wiping Alice or not.
    Thief {
        ahead: u64,
        sequence: u64,
        wipe: bool,
    },
    /// A careless operator dates its list `ahead` seconds in the future.
    Careless { ahead: u64 },
    /// A second register publishes on time.
    Punctual,
    /// A root signs a revocation list `ahead` seconds in the future.
    FutureRevocation { root: u8, ahead: u64 },
    /// The device's clock moves on.
    Advance { seconds: u64 },
}

fn time_event() -> impl Strategy<Value = TimeEvent> {
    let ahead = prop_oneof![0..2 * DAY, 0..30 * YEAR];
    prop_oneof![
        3 => Just(TimeEvent::Honest),
        2 => (ahead.clone(), 1..limits::MAX_SEQUENCE, any::<bool>())
            .prop_map(|(ahead, sequence, wipe)| TimeEvent::Thief { ahead, sequence, wipe }),
        2 => ahead.clone().prop_map(|ahead| TimeEvent::Careless { ahead }),
        3 => Just(TimeEvent::Punctual),
        1 => (0..3u8, ahead).prop_map(|(root, ahead)| TimeEvent::FutureRevocation { root, ahead }),
        4 => (1..3 * DAY).prop_map(|seconds| TimeEvent::Advance { seconds }),
    ]
}

struct TimeWorld {
    world: World,
    /// The register's epoch-0 publisher, valid fifteen years: the thief
    /// holds its key.
    publisher: Authority,
    /// A second register, publishing on time.
    punctual: Authority,
    trust: TrustStore,
}

fn time_world() -> TimeWorld {
    let world = world();
    let publisher_key = key(45);
    let publisher = Authority::new(
        publisher_key.clone(),
        world
            .register_root
            .certify_blocklist_authority(
                "NMPR publisher",
                publisher_key.public_key(),
                0,
                45,
                Validity::days_from(T0 - DAY, 15 * 365),
            )
            .expect("certify"),
    )
    .expect("publisher");
    let punctual =
        Authority::new_blocklist_root(key(41), "Second register", years(40)).expect("root");
    let mut trust = world.trust();
    trust
        .add_blocklist_root(punctual.certificate().clone())
        .expect("pin");
    TimeWorld {
        world,
        publisher,
        punctual,
        trust,
    }
}

fn alice_listed(world: &World) -> Vec<BlocklistEntry> {
    BlocklistEntry::for_reported_handset(
        &world.alice.pairing,
        Reason::Stolen,
        T0,
        ListingStatus::Final,
    )
}

/// The device's standing of `part` must match what the lists it holds say.
fn check_listed_never_clean(
    tw: &TimeWorld,
    device: &Blocklist,
    part: &Certificate,
    now: u64,
) -> Result<(), TestCaseError> {
    let id = BlockKey::Part(part.part().expect("part").part_id());
    let listed = device.lists().any(|list| list.find(&id).is_some());
    let verdict = Verifier::new(&tw.trust)
        .with_blocklist(device)
        .verify_part(&PartEvidence::new(part, &tw.world.chain()), now)
        .map_err(|e| TestCaseError::fail(format!("genuine part refused: {e}")))?;
    prop_assert_eq!(verdict.is_blocked(), listed, "{:?}", verdict.blocklist);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn no_date_from_the_future_locks_out_a_correction_or_stales_another_list(
        events in prop::collection::vec(time_event(), 1..24),
        revoke_thief in any::<bool>(),
    ) {
        let mut tw = time_world();
        let register = tw.world.register_root.key().key_id();
        let punctual_id = tw.punctual.key().key_id();
        let mut device = Blocklist::new();
        let mut now = T0 + DAY;
        let mut honest_sequence = 0;
        let mut punctual_sequence = 0;
        let mut careless_sequence = 0;
        let mut revocation_sequences = [0u64; 3];
        for event in events {
            match event {
                TimeEvent::Honest => {
                    honest_sequence += 1;
                    if let Ok(list) = tw.publisher.publish_snapshot(
                        seq(honest_sequence), now, now + 7 * DAY, alice_listed(&tw.world)) {
                        let _ = device.apply_snapshot(&tw.trust, &list, now);
                    }
                }
                TimeEvent::Thief { ahead, sequence, wipe } => {
                    let entries = if wipe { vec![] } else { alice_listed(&tw.world) };
                    if let Ok(list) = tw.publisher.publish_snapshot(
                        seq(sequence), now + ahead, now + ahead + 7 * DAY, entries) {
                        let _ = device.apply_snapshot(&tw.trust, &list, now);
                    }
                }
                TimeEvent::Careless { ahead } => {
                    careless_sequence += 1;
                    if let Ok(list) = tw.world.operator.publish_snapshot(
                        seq(careless_sequence), now + ahead, now + ahead + DAY, vec![]) {
                        let _ = device.apply_snapshot(&tw.trust, &list, now);
                    }
                }
                TimeEvent::Punctual => {
                    punctual_sequence += 1;
                    let list = tw.punctual
                        .publish_snapshot(seq(punctual_sequence), now, now + 2 * DAY, vec![])
                        .expect("punctual list");
                    prop_assert!(device.apply_snapshot(&tw.trust, &list, now).is_ok());
                }
                TimeEvent::FutureRevocation { root, ahead } => {
                    let root_authority = match root {
                        0 => &tw.world.acme_root,
                        1 => &tw.world.register_root,
                        _ => &tw.world.operator,
                    };
                    let slot = usize::from(root);
                    revocation_sequences[slot] += 1;
                    if let Ok(list) = root_authority.revoke(
                        revocation_sequences[slot], now + ahead, &[]) {
                        let _ = tw.trust.apply_revocation_list(&list, now);
                    }
                }
                TimeEvent::Advance { seconds } => now += seconds,
            }
            // (c) A listed part never reads clean; a genuine part is never
            // refused because of anyone's date.
            check_listed_never_clean(&tw, &device, &tw.world.alice.screen, now)?;
            check_listed_never_clean(&tw, &device, &tw.world.bob.screen, now)?;
            // (b) The punctual register's list reads stale because of
            // another authority's date at most a tolerance before it
            // would expire anyway, and never from the future.
            let lists = device.lists_checked(&tw.trust, now);
            if let Some(list) = lists.iter().find(|list| list.authority == punctual_id) {
                match &list.stale_reason {
                    Some(StaleReason::OutdatedBy { .. }) => prop_assert!(
                        now + limits::CLOCK_TOLERANCE >= list.expires_at,
                        "outdated {} s before its expiry", list.expires_at - now
                    ),
                    Some(StaleReason::FutureDated { .. }) => {
                        prop_assert!(false, "a punctual list read as from the future")
                    }
                    _ => {}
                }
            }
        }

        // (a) The register root's correction, through a new publisher
        // certified for the next epoch and valid two years, is accepted by
        // this device and by a new one, with or without the revocation list.
        if revoke_thief {
            let revocation = tw.world.register_root.revoke(
                revocation_sequences[1] + 1,
                now,
                &[RevokedKey { key: tw.publisher.key().key_id(), since: T0 }],
            ).expect("revoke");
            tw.trust.apply_revocation_list(&revocation, now).expect("accepted");
        }
        let successor_key = key(46);
        let successor = Authority::new(
            successor_key.clone(),
            tw.world.register_root.certify_blocklist_authority(
                "NMPR publisher 2",
                successor_key.public_key(),
                1,
                46,
                Validity::days_from(now, 2 * 365),
            ).expect("certify"),
        ).expect("successor");
        let correction = successor
            .publish_snapshot(ListVersion::new(1, 1), now, now + 7 * DAY, alice_listed(&tw.world))
            .expect("correction");
        for device in [&mut device, &mut Blocklist::new()] {
            prop_assert_eq!(
                device.apply_snapshot(&tw.trust, &correction, now),
                Ok(ListVersion::new(1, 1))
            );
            // From then on no earlier date decides anything.
            prop_assert_eq!(device.clock_for(&tw.trust, &register, now + DAY), now + DAY);
            let verdict = Verifier::new(&tw.trust)
                .with_blocklist(device)
                .verify_part(&PartEvidence::new(&tw.world.alice.screen, &tw.world.chain()), now + DAY)
                .expect("genuine");
            prop_assert!(verdict.is_blocked());
            let register_list = verdict.blocklist.lists().iter()
                .find(|list| list.authority == register).expect("consulted").clone();
            prop_assert_eq!(register_list.stale_reason, None);
        }
    }
}

// ---------------------------------------------------------------------
// 2. Repair histories.
// ---------------------------------------------------------------------

#[derive(Debug, Clone)]
enum LifeEvent {
    /// A handset is built at the factory.
    Build,
    /// Handset `phone` has part `slot` replaced: by a donor handset's part,
    /// or by a new spare.
    Repair {
        phone: usize,
        slot: usize,
        donor: Option<usize>,
    },
    /// A handset is refurbished: re-paired, its parts unchanged.
    Refurbish { phone: usize },
    /// A line's certificate is renewed (same key, later end).
    Renew { line: usize },
    /// A line's key leaks: its root revokes it since now.
    Leak { line: usize },
    /// A handset is reported stolen, or a stolen one recovered.
    TheftOrRecovery { phone: usize },
    /// Time passes.
    Advance { days: u64 },
}

fn life_event() -> impl Strategy<Value = LifeEvent> {
    prop_oneof![
        3 => Just(LifeEvent::Build),
        4 => (0..16usize, 1..4usize, prop::option::of(0..16usize))
            .prop_map(|(phone, slot, donor)| LifeEvent::Repair { phone, slot, donor }),
        1 => (0..16usize).prop_map(|phone| LifeEvent::Refurbish { phone }),
        1 => (0..3usize).prop_map(|line| LifeEvent::Renew { line }),
        1 => (0..3usize).prop_map(|line| LifeEvent::Leak { line }),
        2 => (0..16usize).prop_map(|phone| LifeEvent::TheftOrRecovery { phone }),
        4 => (1..200u64).prop_map(|days| LifeEvent::Advance { days }),
    ]
}

struct Line {
    authority: Authority,
    /// Every certificate the line's key has had (renewals included).
    certificates: Vec<Certificate>,
    /// The end of its newest certificate.
    end: u64,
    leaked: bool,
}

impl Line {
    fn open(&self, now: u64) -> bool {
        !self.leaked && now <= self.end
    }
}

struct Phone {
    imei: Imei,
    /// Board, screen, battery, rear camera.
    parts: Vec<Certificate>,
    record: PairingRecord,
    stolen: bool,
}

struct Life {
    world: World,
    trust: TrustStore,
    lines: Vec<Line>,
    /// A service retired after two years, and one that stays.
    services: Vec<Authority>,
    phones: Vec<Phone>,
    serial: u64,
    revocations: u64,
    revoked: Vec<RevokedKey>,
}

const KINDS: [PartKind; 4] = [
    PartKind::Board,
    PartKind::Screen,
    PartKind::Battery,
    PartKind::RearCamera,
];

impl Life {
    fn new() -> Self {
        let world = world();
        let trust = world.trust();
        // Line 0 retires after a year, line 1 after three, line 2 lives on.
        let lines = [(70u8, YEAR), (71, 3 * YEAR), (72, 20 * YEAR)]
            .into_iter()
            .map(|(seed, life)| {
                let validity = Validity {
                    not_before: T0 - YEAR,
                    not_after: T0 + life,
                };
                let authority = authority(
                    &world.acme_root,
                    seed,
                    AuthorityRole::PartIssuer,
                    "Acme line",
                    &KINDS,
                    seed.into(),
                    validity,
                );
                Line {
                    certificates: vec![authority.certificate().clone()],
                    authority,
                    end: T0 + life,
                    leaked: false,
                }
            })
            .collect();
        let services = [(73u8, 2 * YEAR), (74, 20 * YEAR)]
            .into_iter()
            .map(|(seed, life)| {
                authority(
                    &world.acme_root,
                    seed,
                    AuthorityRole::PairingService,
                    "Acme pairing",
                    &[],
                    seed.into(),
                    Validity {
                        not_before: T0 - YEAR,
                        not_after: T0 + life,
                    },
                )
            })
            .collect();
        Life {
            world,
            trust,
            lines,
            services,
            phones: Vec::new(),
            serial: 1_000,
            revocations: 0,
            revoked: Vec::new(),
        }
    }

    /// Every certificate the line that issued `part` has had.
    fn chain(&self, part: &Certificate) -> Vec<Certificate> {
        self.lines
            .iter()
            .filter(|line| line.authority.key().key_id() == part.issuer())
            .flat_map(|line| line.certificates.iter().cloned())
            .collect()
    }

    fn service(&self, now: u64) -> &Authority {
        self.services
            .iter()
            .find(|service| now <= service.certificate().validity().not_after)
            .expect("the long-lived service")
    }

    /// A new part from a line open now, if any.
    fn make(&mut self, kind: PartKind, imei: Option<Imei>, now: u64) -> Option<Certificate> {
        let line = self.lines.iter().position(|line| line.open(now))?;
        self.serial += 1;
        let serial = format!("P-{}", self.serial);
        let key = (kind == PartKind::RearCamera)
            .then(|| SecretKey::from_seed(&[(self.serial % 251) as u8; 32]).public_key());
        let part = self.lines[line]
            .authority
            .certify_part(
                &spec(kind, &serial, imei.into_iter().collect(), key),
                self.serial,
                Validity::days_from(now - DAY, 365 * 30),
            )
            .expect("an open line certifies");
        Some(part)
    }

    fn build(&mut self, now: u64) {
        let imei = imei(35_300_000_000_000 + self.phones.len() as u64 * 17);
        let Some(board) = self.make(PartKind::Board, Some(imei), now) else {
            return;
        };
        let mut parts = vec![board];
        for kind in &KINDS[1..] {
            match self.make(*kind, None, now) {
                Some(part) => parts.push(part),
                None => return,
            }
        }
        let record = self
            .service(now)
            .pair(&parts[0], &parts[1..], 1, PairingEvent::FactoryBuild, now)
            .expect("factory record");
        self.phones.push(Phone {
            imei,
            parts,
            record,
            stolen: false,
        });
    }

    fn repair(&mut self, phone: usize, slot: usize, donor: Option<usize>, now: u64) {
        let count = self.phones.len();
        if count == 0 {
            return;
        }
        let phone = phone % count;
        if self.phones[phone].stolen {
            return;
        }
        let kind = KINDS[slot];
        let mut earlier = vec![self.phones[phone].record.clone()];
        let part = match donor.map(|donor| donor % count) {
            Some(donor) if donor != phone && !self.phones[donor].stolen => {
                let part = self.phones[donor].parts[slot].clone();
                earlier.push(self.phones[donor].record.clone());
                // The donor gives its part up and is re-paired without it
                // (a spare of the same kind takes its place where a line is
                // open; otherwise it goes without).
                let replacement = self.make(kind, None, now);
                self.phones[donor].parts[slot] = match replacement {
                    Some(spare) => spare,
                    None => return,
                };
                self.repair_record(donor, now);
                part
            }
            _ => match self.make(kind, None, now) {
                Some(spare) => spare,
                None => return,
            },
        };
        self.phones[phone].parts[slot] = part;
        let record = self.pair(phone, &earlier, now);
        self.phones[phone].record = record;
    }

    fn repair_record(&mut self, phone: usize, now: u64) {
        let earlier = [self.phones[phone].record.clone()];
        let record = self.pair(phone, &earlier, now);
        self.phones[phone].record = record;
    }

    fn pair(&self, phone: usize, earlier: &[PairingRecord], now: u64) -> PairingRecord {
        let parts = &self.phones[phone].parts;
        self.service(now)
            .pair_after(
                &self.trust,
                earlier,
                &parts[0],
                &parts[1..],
                self.phones[phone].record.sequence() + 1,
                PairingEvent::Repair,
                now,
            )
            .expect("the maker's service re-pairs")
    }

    fn renew(&mut self, line: usize, now: u64) {
        let line = &mut self.lines[line];
        if line.leaked || now > line.end {
            return; // a retired or leaked line is not renewed
        }
        let end = line.end + 2 * YEAR;
        let certificate = self
            .world
            .acme_root
            .certify_part_issuer(
                "Acme line",
                line.authority.key().public_key(),
                &KINDS,
                &[MAKER],
                now,
                Validity {
                    not_before: now,
                    not_after: end,
                },
            )
            .expect("renewal");
        line.authority =
            Authority::new(line.authority.key().clone(), certificate.clone()).expect("renewed");
        line.certificates.push(certificate);
        line.end = end;
    }

    fn leak(&mut self, line: usize, now: u64) {
        if self.lines[line].leaked {
            return;
        }
        self.lines[line].leaked = true;
        self.revocations += 1;
        self.revoked.push(RevokedKey {
            key: self.lines[line].authority.key().key_id(),
            since: now,
        });
        let list = self
            .world
            .acme_root
            .revoke(self.revocations, now, &self.revoked)
            .expect("revocation list");
        self.trust
            .apply_revocation_list(&list, now)
            .expect("accepted");
    }

    /// The register's list now: every stolen handset and its parts, as
    /// reported from its record at the time of the theft.
    fn register_list(&self, reported: &BTreeMap<usize, PairingRecord>, now: u64) -> Blocklist {
        let mut entries: BTreeMap<BlockKey, BlocklistEntry> = BTreeMap::new();
        for record in reported.values() {
            for entry in BlocklistEntry::for_reported_handset(
                record,
                Reason::Stolen,
                now,
                ListingStatus::Final,
            ) {
                entries.insert(entry.key, entry);
            }
        }
        let snapshot = self
            .world
            .register_root
            .publish_snapshot(
                ListVersion::new(0, now),
                now,
                now + 2 * DAY,
                entries.into_values().collect(),
            )
            .expect("register list");
        let mut device = Blocklist::new();
        device
            .apply_snapshot(&self.trust, &snapshot, now)
            .expect("applied");
        device
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn a_genuine_part_from_a_handset_not_listed_never_reads_blocked_stale_or_untrusted(
        events in prop::collection::vec(life_event(), 1..40),
    ) {
        let mut life = Life::new();
        let mut now = T0;
        let mut reported: BTreeMap<usize, PairingRecord> = BTreeMap::new();
        for _ in 0..3 {
            life.build(now);
        }
        now += 60;
        for event in events {
            match event {
                LifeEvent::Build => life.build(now),
                LifeEvent::Repair { phone, slot, donor } => life.repair(phone, slot, donor, now),
                LifeEvent::Refurbish { phone } => {
                    if !life.phones.is_empty() {
                        let phone = phone % life.phones.len();
                        if !life.phones[phone].stolen {
                            life.repair_record(phone, now);
                        }
                    }
                }
                LifeEvent::Renew { line } => life.renew(line, now),
                LifeEvent::Leak { line } => life.leak(line, now),
                LifeEvent::TheftOrRecovery { phone } => {
                    if !life.phones.is_empty() {
                        let phone = phone % life.phones.len();
                        let stolen = !life.phones[phone].stolen;
                        life.phones[phone].stolen = stolen;
                        if stolen {
                            reported.insert(phone, life.phones[phone].record.clone());
                        } else {
                            reported.remove(&phone);
                        }
                    }
                }
                LifeEvent::Advance { days } => now += days * DAY,
            }
            // Events happen one after another: a leak revoked "since" now
            // follows every pairing before it.
            now += 60;
        }
        let device = life.register_list(&reported, now);
        let listed: Vec<PartId> = reported
            .values()
            .flat_map(|record| record.all_parts().map(|part| part.part_id))
            .collect();
        for phone in &life.phones {
            let chains: Vec<Vec<Certificate>> =
                phone.parts.iter().map(|part| life.chain(part)).collect();
            let fitted: Vec<FittedPart<'_>> = phone.parts.iter().zip(&chains)
                .map(|(certificate, chain)| FittedPart { certificate, chain, challenge: None })
                .collect();
            let report = Verifier::new(&life.trust)
                .with_blocklist(&device)
                .verify_handset(
                    &HandsetEvidence {
                        pairing: &phone.record,
                        modem_imeis: &[phone.imei],
                        fitted: &fitted,
                    },
                    now,
                )
                .map_err(|e| TestCaseError::fail(format!("self-check refused: {e}")))?;
            for (part, outcome) in phone.parts.iter().zip(&report.parts) {
                let verdict = outcome.outcome.as_ref()
                    .map_err(|e| TestCaseError::fail(format!(
                        "a genuine {:?} refused: {e}", part.part().map(|p| p.kind))))?;
                prop_assert!(!verdict.is_stale(), "{:?}", verdict.blocklist);
                let id = part.part().expect("part").part_id();
                if phone.stolen {
                    prop_assert!(verdict.is_blocked(), "a stolen handset's part read clean");
                } else if !listed.contains(&id) {
                    prop_assert!(!verdict.is_blocked(), "a clean part read blocked");
                    let clean = matches!(verdict.blocklist, BlocklistStatus::Clean { .. });
                    prop_assert!(clean, "{:?}", verdict.blocklist);
                }
            }
            prop_assert!(report.all_original(), "{:?}", report);
        }
    }
}
