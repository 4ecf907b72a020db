//! Structure-aware: the fuzzer chooses evidence from a fixed world (two
//! makers, their lines and pairing services, a register with a delegated
//! key a thief may hold, an operator), the lists published (sorted or
//! compact snapshots, deltas over what the device holds: signer, epoch,
//! sequence, times, entries), revocations, restarts, byte mutations, and
//! what is verified when. Invariants, whatever it chooses:
//! - never a panic;
//! - never a `clean` or `stale` verdict for a part whose identity (or
//!   board IMEI) a held list carries, by a model of the lists kept here
//!   from what was accepted;
//! - never a verdict from evidence whose bytes were altered after signing.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use partcert::issue::{Authority, PartSpec};
use partcert::*;

const T0: u64 = 1_767_225_600;
const DAY: u64 = 86_400;
const YEAR: u64 = 365 * DAY;

struct World {
    acme_root: Authority,
    bolt_root: Authority,
    register_root: Authority,
    register: Authority,
    operator: Authority,
    /// Issuer certificates: Acme's line (wide, narrow, expired), Bolt's line.
    issuers: Vec<Certificate>,
    parts: Vec<Certificate>,
    records: Vec<PairingRecord>,
    imeis: Vec<Imei>,
}

fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed(&[seed; 32])
}

fn years(n: u64) -> Validity {
    Validity::days_from(T0 - 5 * YEAR, 365 * n)
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let acme_root =
            Authority::new_manufacturer_root(key(1), "Acme root", &["Acme", "Foxconn"], years(40))
                .unwrap();
        let bolt_root =
            Authority::new_manufacturer_root(key(2), "Bolt root", &["Bolt", "Foxconn"], years(40))
                .unwrap();
        let all = [PartKind::Board, PartKind::Screen, PartKind::Battery];
        let acme_line_cert = acme_root
            .certify_part_issuer("Acme line", key(3).public_key(), &all, &["Acme", "Foxconn"], 2, years(25))
            .unwrap();
        let acme_narrow = acme_root
            .certify_part_issuer("Acme line", key(3).public_key(), &[PartKind::Board], &["Acme"], 3, years(25))
            .unwrap();
        let acme_expired = acme_root
            .certify_part_issuer("Acme line", key(3).public_key(), &all, &["Acme"], 4, Validity::days_from(T0 - 5 * YEAR, 30))
            .unwrap();
        let bolt_line_cert = bolt_root
            .certify_part_issuer("Bolt line", key(4).public_key(), &all, &["Bolt", "Foxconn"], 2, years(25))
            .unwrap();
        let acme_line = Authority::new(key(3), acme_line_cert.clone()).unwrap();
        let bolt_line = Authority::new(key(4), bolt_line_cert.clone()).unwrap();
        let acme_pairing = Authority::new(
            key(5),
            acme_root.certify_pairing_service("Acme pairing", key(5).public_key(), 5, years(25)).unwrap(),
        )
        .unwrap();
        let bolt_pairing = Authority::new(
            key(6),
            bolt_root.certify_pairing_service("Bolt pairing", key(6).public_key(), 5, years(25)).unwrap(),
        )
        .unwrap();
        let register_root = Authority::new_blocklist_root(key(7), "Register", years(40)).unwrap();
        let register = Authority::new(
            key(8),
            register_root
                .certify_blocklist_authority("Register signing", key(8).public_key(), 0, 2, years(10))
                .unwrap(),
        )
        .unwrap();
        let operator = Authority::new_blocklist_root(key(9), "Operator", years(40)).unwrap();
        let imeis: Vec<Imei> = [35_693_803_564_380u64, 49_015_420_323_751, 35_000_000_000_001]
            .iter()
            .map(|body| Imei::with_check_digit(*body).unwrap())
            .collect();
        let spec = |kind, maker: &str, serial: &str, imeis: Vec<Imei>| PartSpec {
            kind,
            manufacturer: maker.into(),
            model: "A1".into(),
            serial: serial.into(),
            imeis,
            key: None,
        };
        let mut parts = Vec::new();
        let mut records = Vec::new();
        for (i, (line, pairing, maker)) in [
            (&acme_line, &acme_pairing, "Acme"),
            (&bolt_line, &bolt_pairing, "Bolt"),
        ]
        .into_iter()
        .enumerate()
        {
            let board = line
                .certify_part(&spec(PartKind::Board, maker, &format!("BRD-{i}"), vec![imeis[i]]), 10, years(30))
                .unwrap();
            let screen = line
                .certify_part(&spec(PartKind::Screen, "Foxconn", "FXN-1", vec![]), 11, years(30))
                .unwrap();
            let battery = line
                .certify_part(&spec(PartKind::Battery, maker, &format!("BAT-{i}"), vec![]), 12, years(30))
                .unwrap();
            let renewed = line
                .certify_part(&spec(PartKind::Screen, "Foxconn", "FXN-1", vec![]), 13, years(31))
                .unwrap();
            records.push(
                pairing
                    .pair(&board, &[screen.clone(), battery.clone()], 1, PairingEvent::FactoryBuild, T0)
                    .unwrap(),
            );
            records.push(
                pairing
                    .pair(&board, &[battery.clone()], 2, PairingEvent::Repair, T0 + 20 * DAY)
                    .unwrap(),
            );
            parts.extend([board, screen, battery, renewed]);
        }
        World {
            acme_root,
            bolt_root,
            register_root,
            register,
            operator,
            issuers: vec![acme_line_cert, acme_narrow, acme_expired, bolt_line_cert],
            parts,
            records,
            imeis,
        }
    })
}

/// Reads the fuzzer's choices.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((first, rest)) => {
                self.0 = rest;
                *first
            }
            None => 0,
        }
    }
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }
    fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }
    fn u64(&mut self) -> u64 {
        (0..8).fold(0u64, |acc, _| (acc << 8) | u64::from(self.byte()))
    }
    /// A time near T0, or far in the future, or zero.
    fn time(&mut self) -> u64 {
        match self.below(4) {
            0 => T0 + u64::from(self.byte()) * DAY,
            1 => T0 + u64::from(self.byte()) * YEAR / 4,
            2 => self.u64() % (T0 * 4),
            _ => T0 + u64::from(self.byte()),
        }
    }
}

fn mutate(bytes: &[u8], choices: &mut Choices<'_>) -> Option<Vec<u8>> {
    if !choices.flag() || bytes.is_empty() {
        return None;
    }
    let mut mutated = bytes.to_vec();
    let index = (choices.u64() as usize) % mutated.len();
    let flip = choices.byte() | 1;
    mutated[index] ^= flip;
    Some(mutated)
}

fn block_keys(world: &World, choices: &mut Choices<'_>) -> Vec<BlocklistEntry> {
    let count = choices.below(6);
    (0..count)
        .map(|_| {
            let reason = [Reason::Stolen, Reason::Lost, Reason::Fraud][choices.below(3)];
            let status = if choices.flag() { ListingStatus::Final } else { ListingStatus::Suspended };
            if choices.flag() {
                BlocklistEntry::handset(world.imeis[choices.below(world.imeis.len())], reason, T0, status)
            } else {
                let part = &world.parts[choices.below(world.parts.len())];
                BlocklistEntry::part(part.part().unwrap().part_id(), reason, T0, status, None)
            }
        })
        .collect()
}

/// What each authority's accepted list carries, kept independently of the
/// library from the objects it accepted.
type Model = BTreeMap<KeyId, BTreeSet<BlockKey>>;

fn held_keys(blocklist: &Blocklist, model: &Model) -> Vec<BlockKey> {
    // A list the device no longer holds (a restart from the marks) is
    // missing, not clean; what it holds is what the model says.
    model
        .iter()
        .filter(|(authority, _)| blocklist.list(authority).is_some())
        .flat_map(|(_, keys)| keys.iter().copied())
        .collect()
}

/// Applies a list object, checking that altered bytes are refused and
/// leave the state unchanged; returns whether the object was accepted.
fn apply(
    blocklist: &mut Blocklist,
    trust: &TrustStore,
    bytes: &[u8],
    now: u64,
    choices: &mut Choices<'_>,
) -> bool {
    match mutate(bytes, choices) {
        Some(mutated) => {
            let before = blocklist.clone();
            assert!(
                blocklist.apply_bytes(trust, &mutated, now).is_err(),
                "an altered list was accepted"
            );
            assert_eq!(*blocklist, before, "a refused list changed the state");
            false
        }
        None => blocklist.apply_bytes(trust, bytes, now).is_ok(),
    }
}

/// The invariant every verdict keeps: a held listing of its identity or
/// board IMEI means `blocked`.
fn assert_blocked_if_listed(verdict: &Verdict, held: &[BlockKey]) {
    let listed = held.contains(&BlockKey::Part(verdict.part.part_id))
        || verdict.part.imeis.iter().any(|imei| held.contains(&BlockKey::Imei(*imei)));
    if listed {
        assert!(verdict.is_blocked(), "a listed part read {:?}", verdict.blocklist);
    }
}

fuzz_target!(|data: &[u8]| {
    let world = world();
    let mut choices = Choices(data);
    let mut trust = TrustStore::new();
    trust.add_manufacturer_root(world.acme_root.certificate().clone()).unwrap();
    if choices.flag() {
        trust.add_manufacturer_root(world.bolt_root.certificate().clone()).unwrap();
    }
    trust.add_blocklist_root(world.register_root.certificate().clone()).unwrap();
    if choices.flag() {
        trust.add_blocklist_root(world.operator.certificate().clone()).unwrap();
    }
    let mut blocklist = Blocklist::new();
    let mut model = Model::new();

    for _ in 0..choices.below(8) {
        match choices.below(8) {
            // A list from one of the signers, at a chosen version and times:
            // sorted, compact, or a delta over what the device holds.
            0..=2 | 6 | 7 => {
                let signer = [&world.register, &world.register_root, &world.operator][choices.below(3)];
                let Ok(authority) = signer.blocklist_authority() else { continue };
                let version = ListVersion::new(u64::from(choices.byte() % 3), choices.u64() >> choices.below(64));
                let issued_at = choices.time();
                let expires_at = issued_at.saturating_add(choices.time() % (30 * DAY));
                let mut entries = block_keys(world, &mut choices);
                entries.sort_by_key(|entry| entry.key);
                entries.dedup_by_key(|entry| entry.key);
                let now = choices.time();
                let kind = choices.below(3);
                let published = match kind {
                    0 => signer
                        .publish_snapshot(version, issued_at, expires_at, entries.clone())
                        .map(|list| list.as_bytes().to_vec()),
                    1 => signer
                        .publish_compact_snapshot(version, issued_at, expires_at, &entries)
                        .map(|list| list.as_bytes().to_vec()),
                    _ => {
                        let Some(held) = blocklist.list(&authority) else { continue };
                        let delisted: Vec<BlockKey> =
                            block_keys(world, &mut choices).iter().map(|entry| entry.key).collect();
                        signer
                            .publish_delta_over(held, version, issued_at, expires_at, &delisted, entries.clone())
                            .map(|delta| delta.as_bytes().to_vec())
                    }
                };
                let Ok(bytes) = published else { continue };
                if apply(&mut blocklist, &trust, &bytes, now, &mut choices) {
                    if let Ok(Object::BlocklistDelta(delta)) = Object::decode(&bytes) {
                        let keys = model.entry(authority).or_default();
                        for key in delta.removals() {
                            keys.remove(key);
                        }
                        keys.extend(delta.upserts().iter().map(|entry| entry.key));
                    } else {
                        model.insert(authority, entries.iter().map(|entry| entry.key).collect());
                    }
                }
            }
            // A revocation list from one root, revoking a chosen key since a chosen time.
            3 => {
                let root = [&world.acme_root, &world.register_root][choices.below(2)];
                let revoked_key = [key(3), key(5), key(8)][choices.below(3)].key_id();
                let since = choices.time();
                if let Ok(list) = root.revoke(u64::from(choices.byte()), choices.time(), &[RevokedKey { key: revoked_key, since }]) {
                    let _ = trust.apply_revocation_list(&list);
                }
            }
            // A restart: from the marks only, or from the saved state.
            4 => {
                if choices.flag() {
                    let marks = RollbackState::decode(&blocklist.rollback_state().encode()).unwrap();
                    blocklist = Blocklist::with_rollback_state(marks);
                } else {
                    blocklist = Blocklist::decode_state(&blocklist.encode_state(), &trust).unwrap();
                }
            }
            _ => {}
        }
    }
    let held = held_keys(&blocklist, &model);

    // One part, with a chosen chain, record, presented IMEIs and time.
    let part = &world.parts[choices.below(world.parts.len())];
    let chain: Vec<Certificate> = world
        .issuers
        .iter()
        .filter(|_| choices.flag())
        .cloned()
        .collect();
    let record = if choices.flag() { Some(&world.records[choices.below(world.records.len())]) } else { None };
    let presented: Vec<Imei> = if choices.flag() { vec![world.imeis[choices.below(world.imeis.len())]] } else { vec![] };
    let host: Vec<Imei> = if choices.flag() { vec![world.imeis[choices.below(world.imeis.len())]] } else { vec![] };
    let now = choices.time();
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist).on_handset(&host);

    let mutated_part = mutate(part.as_bytes(), &mut choices).and_then(|b| Certificate::decode(&b).ok());
    let mutated_record = record
        .and_then(|r| mutate(r.as_bytes(), &mut choices))
        .and_then(|b| PairingRecord::decode(&b).ok());
    let certificate = mutated_part.as_ref().unwrap_or(part);
    let mut evidence = PartEvidence::new(certificate, &chain).with_presented_imeis(&presented);
    if let Some(record) = mutated_record.as_ref().or(record) {
        evidence = evidence.with_pairing(record);
    }
    match verifier.verify_part(&evidence, now) {
        Ok(verdict) => {
            assert!(mutated_part.is_none(), "a verdict from an altered part certificate");
            assert!(mutated_record.is_none(), "a verdict from an altered pairing record");
            assert_blocked_if_listed(&verdict, &held);
            if !verdict.mismatched_imeis.is_empty() {
                assert!(verdict.is_blocked(), "a mismatched modem IMEI on a clean verdict");
            }
        }
        Err(error) => {
            let _ = error.code();
        }
    }

    // The whole handset's self-check, with a chosen subset fitted.
    let record = &world.records[choices.below(world.records.len())];
    let fitted: Vec<FittedPart<'_>> = world
        .parts
        .iter()
        .filter(|_| choices.flag())
        .map(|certificate| FittedPart { certificate, chain: &chain, challenge: None })
        .collect();
    let modem: Vec<Imei> = vec![world.imeis[choices.below(world.imeis.len())]];
    let evidence = HandsetEvidence { pairing: record, modem_imeis: &modem, fitted: &fitted };
    if let Ok(report) = Verifier::new(&trust).with_blocklist(&blocklist).verify_handset(&evidence, now) {
        for verdict in report.parts.iter().filter_map(|p| p.outcome.as_ref().ok()) {
            assert_blocked_if_listed(verdict, &held);
        }
        if record.imeis().iter().any(|imei| held.contains(&BlockKey::Imei(*imei))) {
            assert!(report.handset_blocklist.is_blocked());
        }
        if !report.mismatched_modem_imeis.is_empty() {
            assert!(report.is_blocked());
        }
    }
});
