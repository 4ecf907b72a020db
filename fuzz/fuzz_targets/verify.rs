//! Structure-aware: the fuzzer chooses evidence from a fixed world (two
//! makers, their lines and pairing services, a register whose delegated
//! publishing key a thief holds, a careless operator, a punctual second
//! register), and a device's life: the lists published (one publication —
//! signer, epoch, sequence, entries listed and delisted, some given twice,
//! over no base, the register's last sorted snapshot or what the device
//! holds, dated from years back to decades ahead — signed in every format,
//! one of them sent to the device), revocation lists
//! (any root, any key, any "since", dated up to decades ahead), the
//! device's clock at each step (set back or running ahead), restarts,
//! unpinning and re-pinning an authority and unfollowing it, byte
//! mutations, and what is verified when: with records from the part's own
//! maker, from the future, or from a rival maker's service. Invariants,
//! whatever it chooses:
//! - never a panic; a refused update changes nothing;
//! - (p) a publication's `Changes` are what a model of the base kept here
//!   says (listed, relisted, delisted, not listed, given twice, total; for
//!   a full list `total == carried + listed + relisted`), alike in every
//!   format; a key given twice differently or both listed and delisted is
//!   never signed; and a device that accepts the list in any format
//!   answers every lookup as the model's list after the publication;
//! - never a verdict from evidence whose bytes were altered after signing;
//! - (c) never a `clean` or `stale` verdict for a part whose identity, key
//!   or board IMEI a held list carries, by a model of the lists kept here
//!   from what was accepted;
//! - (b) a list reads stale only for a reason of its own or because the
//!   device's own clock, plus `limits::CLOCK_TOLERANCE`, passed its expiry:
//!   another authority's date (a careless list from the future, a maker's
//!   revocation list) flags nothing but itself, as `FutureDated`; no clock
//!   floor ever exceeds the clock it was raised at plus the tolerance;
//! - (d) a listed board with a rival maker's record reads blocked, with the
//!   refused record beside it (`pairing_refused`), never an error, in the
//!   part check and the handset self-check; `pairing_refused` is only ever
//!   set on a blocked verdict or report;
//! - (a) after all that, the register root's correction, published by a
//!   new short-lived publisher certified for the next epoch, is accepted on
//!   this device and on a new one, with or without the revocation list of
//!   the stolen key, and the register's list then reads current, whatever
//!   dates the device saw.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use ed25519_dalek::Signer;
use libfuzzer_sys::fuzz_target;
use partcert::blocklist::{
    Base, BlockKey, BlocklistEntry, BlocklistSnapshot, Changes, Format, ListChecked, ListVersion,
    ListingStatus, Publication, Published, Reason, RollbackMark, RollbackState, SignedList,
    StaleReason,
};
use partcert::ids::{KeyId, PartId, PublicKey};
use partcert::internal::MAGIC;
use partcert::issue::{Authority, PartSpec};
use partcert::limits::CLOCK_TOLERANCE;
use partcert::pairing::{PairedPart, PairingEvent};
use partcert::revocation::{RevocationList, RevokedKey};
use partcert::verify::{FittedPart, HandsetEvidence};
use partcert::{
    Blocklist, Certificate, Error, FORMAT_VERSION, Imei, PairingRecord, PartEvidence, PartKind,
    SecretKey, TrustStore, Validity, Verdict, Verifier,
};

const T0: u64 = 1_767_225_600;
const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;
const YEAR: u64 = 365 * DAY;

struct World {
    acme_root: Authority,
    /// The rival maker: its root, and a service that pairs parts.
    bolt_root: Authority,
    register_root: Authority,
    /// The register's epoch-0 publisher, valid sixteen years: the thief
    /// holds its key.
    register: Authority,
    /// A careless operator, signing with its root.
    operator: Authority,
    /// A second register, signing with its root.
    punctual: Authority,
    /// Issuer certificates: Acme's line (wide, narrow, expired), Bolt's line.
    issuers: Vec<Certificate>,
    /// Per maker: board, screen, battery, renewed screen; then Acme's keyed
    /// rear camera.
    parts: Vec<Certificate>,
    /// Acme's board (`parts[0]`) and its chain.
    acme_board: Certificate,
    acme_chain: Vec<Certificate>,
    /// Records of each maker's own service (factory, repair carrying the
    /// parts' past, one dated ten years ahead), a rival's cross-maker
    /// repair placing an Acme screen in a Bolt handset, and the foreign
    /// records: Bolt's service pairing Acme's board.
    records: Vec<PairingRecord>,
    foreign: Vec<PairingRecord>,
    /// What the register lists when Acme's handset is reported stolen.
    acme_reported: Vec<BlocklistEntry>,
    imeis: Vec<Imei>,
    /// Revocable keys: Acme's line and service, the register's publisher,
    /// Bolt's service.
    revocable: Vec<KeyId>,
    /// Every key a list here may carry (sorted): the IMEIs, every part's
    /// identity and a keyed part's key.
    universe: Vec<BlockKey>,
}

impl World {
    fn blocklist_roots(&self) -> [&Authority; 3] {
        [&self.register_root, &self.operator, &self.punctual]
    }
}

fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed(&[seed; 32])
}

fn years(n: u64) -> Validity {
    Validity::days_from(T0 - 5 * YEAR, 365 * n)
}

/// A pairing record Bolt's service signs over a board of another maker's:
/// what `Authority::pair` refuses to make, signed here by hand (the body's
/// fields in the core's order, which postcard encodes as a tuple's).
fn forge_record(
    service: &Authority,
    board: &Certificate,
    parts: &[Certificate],
    issued_at: u64,
) -> PairingRecord {
    let mut paired: Vec<PairedPart> = parts
        .iter()
        .map(|part| PairedPart::of(part, issued_at).unwrap())
        .collect();
    paired.sort_by_key(|part| part.part_id);
    let body = (
        service.certificate().as_bytes().to_vec(),
        board.part().unwrap().imeis.clone(),
        PairedPart::of(board, issued_at).unwrap(),
        paired,
        2u64,
        PairingEvent::Repair,
        issued_at,
    );
    let mut bytes = MAGIC.to_vec();
    bytes.extend([FORMAT_VERSION, 2]); // the pairing record's type tag
    bytes.extend(postcard::to_allocvec(&body).unwrap());
    let signing = ed25519_dalek::SigningKey::from_bytes(&service.key().to_seed());
    let signature = signing.sign(&bytes);
    bytes.extend(signature.to_bytes());
    PairingRecord::decode(&bytes).expect("the forged record decodes")
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
        let all = [
            PartKind::Board,
            PartKind::Screen,
            PartKind::Battery,
            PartKind::RearCamera,
        ];
        let acme_line_cert = acme_root
            .certify_part_issuer(
                "Acme line",
                key(3).public_key(),
                &all,
                &["Acme", "Foxconn"],
                2,
                years(25),
            )
            .unwrap();
        let acme_narrow = acme_root
            .certify_part_issuer(
                "Acme line",
                key(3).public_key(),
                &[PartKind::Board],
                &["Acme"],
                3,
                years(25),
            )
            .unwrap();
        let acme_expired = acme_root
            .certify_part_issuer(
                "Acme line",
                key(3).public_key(),
                &all,
                &["Acme"],
                4,
                Validity::days_from(T0 - 5 * YEAR, 30),
            )
            .unwrap();
        let bolt_line_cert = bolt_root
            .certify_part_issuer(
                "Bolt line",
                key(4).public_key(),
                &all,
                &["Bolt", "Foxconn"],
                2,
                years(25),
            )
            .unwrap();
        let acme_line = Authority::new(key(3), acme_line_cert.clone()).unwrap();
        let bolt_line = Authority::new(key(4), bolt_line_cert.clone()).unwrap();
        let acme_pairing = Authority::new(
            key(5),
            acme_root
                .certify_pairing_service("Acme pairing", key(5).public_key(), 5, years(25))
                .unwrap(),
        )
        .unwrap();
        let bolt_pairing = Authority::new(
            key(6),
            bolt_root
                .certify_pairing_service("Bolt pairing", key(6).public_key(), 5, years(25))
                .unwrap(),
        )
        .unwrap();
        let register_root = Authority::new_blocklist_root(key(7), "Register", years(40)).unwrap();
        let register = Authority::new(
            key(8),
            register_root
                .certify_blocklist_authority(
                    "Register signing",
                    key(8).public_key(),
                    0,
                    2,
                    Validity::days_from(T0 - YEAR, 16 * 365),
                )
                .unwrap(),
        )
        .unwrap();
        let operator = Authority::new_blocklist_root(key(9), "Operator", years(40)).unwrap();
        let punctual =
            Authority::new_blocklist_root(key(10), "Second register", years(40)).unwrap();
        let mut trust = TrustStore::new();
        trust
            .add_manufacturer_root(acme_root.certificate().clone())
            .unwrap();
        trust
            .add_manufacturer_root(bolt_root.certificate().clone())
            .unwrap();
        let imeis: Vec<Imei> = [
            35_693_803_564_380u64,
            49_015_420_323_751,
            35_000_000_000_001,
        ]
        .iter()
        .map(|body| Imei::with_check_digit(*body).unwrap())
        .collect();
        let spec =
            |kind, maker: &str, serial: &str, imeis: Vec<Imei>, key: Option<PublicKey>| PartSpec {
                kind,
                manufacturer: maker.into(),
                model: "A1".into(),
                serial: serial.into(),
                imeis,
                key,
            };
        let camera = acme_line
            .certify_part(
                &spec(
                    PartKind::RearCamera,
                    "Acme",
                    "CAM-0",
                    vec![],
                    Some(key(11).public_key()),
                ),
                14,
                years(30),
            )
            .unwrap();
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
                .certify_part(
                    &spec(
                        PartKind::Board,
                        maker,
                        &format!("BRD-{i}"),
                        vec![imeis[i]],
                        None,
                    ),
                    10,
                    years(30),
                )
                .unwrap();
            let screen = line
                .certify_part(
                    &spec(PartKind::Screen, "Foxconn", "FXN-1", vec![], None),
                    11,
                    years(30),
                )
                .unwrap();
            let battery = line
                .certify_part(
                    &spec(PartKind::Battery, maker, &format!("BAT-{i}"), vec![], None),
                    12,
                    years(30),
                )
                .unwrap();
            let renewed = line
                .certify_part(
                    &spec(PartKind::Screen, "Foxconn", "FXN-1", vec![], None),
                    13,
                    years(31),
                )
                .unwrap();
            let mut fitted = vec![screen.clone(), battery.clone()];
            if i == 0 {
                fitted.push(camera.clone());
            }
            let factory = pairing
                .pair(&board, &fitted, 1, PairingEvent::FactoryBuild, T0)
                .unwrap();
            let repair = pairing
                .pair_after(
                    &trust,
                    std::slice::from_ref(&factory),
                    &board,
                    std::slice::from_ref(&battery),
                    2,
                    PairingEvent::Repair,
                    T0 + 20 * DAY,
                )
                .unwrap();
            // A service's word from ten years ahead: it dates nothing
            // until then.
            let ahead = pairing
                .pair(&board, &fitted, 3, PairingEvent::Repair, T0 + 10 * YEAR)
                .unwrap();
            records.extend([factory, repair, ahead]);
            parts.extend([board, screen, battery, renewed]);
        }
        parts.push(camera);
        let acme_board = parts[0].clone();
        // A cross-maker repair: Bolt's service fits Acme's screen in a Bolt
        // handset (it places the part; it vouches for nothing of its past).
        records.push(
            bolt_pairing
                .pair(
                    &parts[4],
                    std::slice::from_ref(&parts[1]),
                    4,
                    PairingEvent::Repair,
                    T0 + 10 * DAY,
                )
                .unwrap(),
        );
        let foreign = vec![
            forge_record(&bolt_pairing, &acme_board, &[], T0 + DAY),
            forge_record(&bolt_pairing, &acme_board, &parts[1..3], T0 + 30 * DAY),
            forge_record(&bolt_pairing, &acme_board, &[], T0 + 12 * YEAR),
        ];
        let acme_reported = BlocklistEntry::for_reported_handset(
            &records[0],
            Reason::Stolen,
            T0,
            ListingStatus::Final,
        );
        let mut universe: Vec<BlockKey> = records
            .iter()
            .flat_map(|record| {
                BlocklistEntry::for_reported_handset(
                    record,
                    Reason::Stolen,
                    T0,
                    ListingStatus::Final,
                )
            })
            .map(|entry| entry.key)
            .chain(imeis.iter().map(|imei| BlockKey::Imei(*imei)))
            .chain(
                parts
                    .iter()
                    .map(|part| BlockKey::Part(part.part().unwrap().part_id())),
            )
            .collect();
        universe.sort();
        universe.dedup();
        World {
            universe,
            revocable: vec![
                key(3).key_id(),
                key(5).key_id(),
                key(8).key_id(),
                key(6).key_id(),
            ],
            acme_root,
            bolt_root,
            register_root,
            register,
            operator,
            punctual,
            acme_chain: vec![acme_line_cert.clone()],
            issuers: vec![acme_line_cert, acme_narrow, acme_expired, bolt_line_cert],
            acme_board,
            parts,
            records,
            foreign,
            acme_reported,
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
    /// The device's clock: around T0, months or years on, or set back.
    fn clock(&mut self) -> u64 {
        let step = u64::from(self.byte());
        match self.below(4) {
            0 => T0 + step * DAY,
            1 => T0 + step * (YEAR / 32),
            2 => T0 - step * DAY,
            _ => T0 + step * HOUR,
        }
    }
    /// A time someone else writes, seen from a device at `clock`: a little
    /// behind, on time, days or decades ahead, or anything.
    fn written(&mut self, clock: u64) -> u64 {
        let step = u64::from(self.byte());
        match self.below(5) {
            0 => clock.saturating_sub(step * HOUR),
            1 => clock + step,
            2 => clock + step * DAY,
            3 => clock + step * (YEAR / 8),
            _ => self.u64() % (T0 * 4),
        }
    }
    /// A list's version: half the time just after the base's (if there
    /// is one), else anything.
    fn version_after(&mut self, base: Option<ListVersion>) -> ListVersion {
        match base {
            Some(base) if self.flag() => {
                ListVersion::new(base.epoch, base.sequence + 1 + u64::from(self.byte() % 3))
            }
            _ => ListVersion::new(u64::from(self.byte() % 3), self.u64() >> self.below(64)),
        }
    }
    /// How long a list lives: hours to a month.
    fn lifetime(&mut self) -> u64 {
        HOUR + u64::from(self.byte()) * (3 * HOUR)
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
    let mut entries = Vec::new();
    for _ in 0..count {
        let reason = [Reason::Stolen, Reason::Lost, Reason::Fraud][choices.below(3)];
        let status = if choices.flag() {
            ListingStatus::Final
        } else {
            ListingStatus::Suspended
        };
        match choices.below(3) {
            0 => entries.push(BlocklistEntry::handset(
                world.imeis[choices.below(world.imeis.len())],
                reason,
                T0,
                status,
            )),
            1 => {
                let part = &world.parts[choices.below(world.parts.len())];
                entries.push(BlocklistEntry::part(
                    part.part().unwrap().part_id(),
                    reason,
                    T0,
                    status,
                    None,
                ));
            }
            // A whole handset reported: its IMEI, its parts, a keyed part's key.
            _ => {
                let record = &world.records[choices.below(world.records.len())];
                entries.extend(BlocklistEntry::for_reported_handset(
                    record, reason, T0, status,
                ));
            }
        }
    }
    // Mostly one entry a key; sometimes as a register's tool may be given
    // them: unsorted, some twice (alike or differently).
    if choices.flag() {
        entries.sort_by_key(|entry| entry.key);
        entries.dedup_by_key(|entry| entry.key);
    }
    entries
}

/// What each authority's accepted list carries, kept independently of the
/// library from the objects it accepted.
type Model = BTreeMap<KeyId, BTreeSet<BlockKey>>;

/// The device as the fuzzer drives it, with what is known of it apart from
/// the library: what each list it accepted carries, and the latest clock
/// at which it accepted anything from each authority (so the highest floor
/// that authority's dates may have raised, less the tolerance).
struct Device {
    blocklist: Blocklist,
    trust: TrustStore,
    /// Which roots are pinned: the operator, the second register, Bolt.
    pinned: [bool; 3],
    /// Revocation lists accepted, with the clock they were received at:
    /// a device keeps them across a change of what it pins.
    revocations: Vec<(RevocationList, u64)>,
    model: Model,
    /// Each authority's last sorted snapshot, accepted or not: its
    /// register's master list, the base of a next publication.
    masters: BTreeMap<KeyId, BlocklistSnapshot>,
    accepted_at: BTreeMap<KeyId, u64>,
    /// The highest clock any update was received at: the correction is
    /// published no earlier (the device's clock is right by then).
    latest_clock: u64,
}

impl Device {
    fn trust_store(
        world: &World,
        pinned: [bool; 3],
        revocations: &[(RevocationList, u64)],
    ) -> TrustStore {
        let mut trust = TrustStore::new();
        trust
            .add_manufacturer_root(world.acme_root.certificate().clone())
            .unwrap();
        if pinned[2] {
            trust
                .add_manufacturer_root(world.bolt_root.certificate().clone())
                .unwrap();
        }
        trust
            .add_blocklist_root(world.register_root.certificate().clone())
            .unwrap();
        if pinned[0] {
            trust
                .add_blocklist_root(world.operator.certificate().clone())
                .unwrap();
        }
        if pinned[1] {
            trust
                .add_blocklist_root(world.punctual.certificate().clone())
                .unwrap();
        }
        for (list, clock) in revocations {
            // One from a root no longer pinned is refused: it was kept all the same.
            let _ = trust.apply_revocation_list(list, *clock);
        }
        trust
    }

    fn held_keys(&self) -> Vec<BlockKey> {
        // A list the device no longer holds (a restart from the marks) is
        // missing, not clean; what it holds is what the model says.
        self.model
            .iter()
            .filter(|(authority, _)| self.blocklist.list(authority).is_some())
            .flat_map(|(_, keys)| keys.iter().copied())
            .collect()
    }

    fn followed(&self) -> BTreeSet<KeyId> {
        self.blocklist
            .rollback_state()
            .marks()
            .map(|mark| mark.authority)
            .chain(self.blocklist.lists().map(|list| list.authority))
            .collect()
    }

    /// Applies a list object, checking that altered bytes are refused, and
    /// that a refused update leaves the state unchanged; returns whether
    /// the object was accepted.
    fn apply(&mut self, bytes: &[u8], now: u64, choices: &mut Choices<'_>) -> bool {
        let before = self.blocklist.clone();
        let mutated = mutate(bytes, choices);
        let result =
            self.blocklist
                .apply_bytes(&self.trust, mutated.as_deref().unwrap_or(bytes), now);
        assert!(
            mutated.is_none() || result.is_err(),
            "an altered list was accepted"
        );
        if result.is_err() {
            assert_eq!(self.blocklist, before, "a refused list changed the state");
        }
        result.is_ok()
    }

    fn record_accepted(&mut self, authority: KeyId, now: u64) {
        let latest = self.accepted_at.entry(authority).or_insert(now);
        *latest = (*latest).max(now);
    }

    /// The trust store changed what it pins: the device stops following
    /// every authority no longer pinned, by `unfollow_unpinned` or by
    /// reloading its saved state, and both ways agree.
    fn unfollow_unpinned(&mut self, by_reload: bool) {
        let expected: BTreeSet<KeyId> = self
            .followed()
            .into_iter()
            .filter(|authority| self.trust.blocklist_root(authority).is_none())
            .collect();
        let kept_marks: Vec<RollbackMark> = self
            .blocklist
            .rollback_state()
            .marks()
            .filter(|mark| !expected.contains(&mark.authority))
            .cloned()
            .collect();
        let mut unfollowed = self.blocklist.clone();
        let dropped = unfollowed.unfollow_unpinned(&self.trust);
        assert_eq!(dropped.iter().copied().collect::<BTreeSet<_>>(), expected);
        if by_reload {
            let loaded = Blocklist::load_state(&self.blocklist.encode_state(), &self.trust)
                .expect("a saved state loads after unpinning");
            assert_eq!(
                loaded.dropped, dropped,
                "reloading drops what unfollowing drops"
            );
            assert_eq!(
                loaded.blocklist, unfollowed,
                "reloading keeps what unfollowing keeps"
            );
        }
        let marks: Vec<RollbackMark> = unfollowed.rollback_state().marks().cloned().collect();
        assert_eq!(
            marks, kept_marks,
            "unfollowing one authority touched another's mark"
        );
        for authority in &dropped {
            self.model.remove(authority);
        }
        self.blocklist = unfollowed;
    }
}

/// Whether `verdict`'s part (its identity, its key, its board's IMEIs) is
/// carried by a held list.
fn is_listed(verdict: &Verdict, certificate: &Certificate, held: &[BlockKey]) -> bool {
    let key = certificate
        .part()
        .and_then(|part| part.key)
        .map(|key| BlockKey::Part(PartId::of_part_key(&key.key_id())));
    held.contains(&BlockKey::Part(verdict.part.part_id))
        || key.is_some_and(|key| held.contains(&key))
        || verdict
            .part
            .imeis
            .iter()
            .any(|imei| held.contains(&BlockKey::Imei(*imei)))
}

/// (c) and (d)'s half that holds for every verdict: a held listing means
/// `blocked`; a refused record or a mismatched IMEI only beside `blocked`;
/// the lists consulted are the device's at the caller's clock.
fn check_verdict(
    device: &Device,
    verdict: &Verdict,
    certificate: &Certificate,
    held: &[BlockKey],
    now: u64,
) {
    if is_listed(verdict, certificate, held) {
        assert!(
            verdict.is_blocked(),
            "a listed part read {:?}",
            verdict.blocklist
        );
    }
    if !verdict.mismatched_imeis.is_empty() {
        assert!(
            verdict.is_blocked(),
            "a mismatched modem IMEI on a verdict not blocked"
        );
    }
    if verdict.pairing_refused.is_some() {
        assert!(
            verdict.is_blocked(),
            "a refused record on a verdict not blocked"
        );
    }
    assert_eq!(
        verdict.blocklist.lists(),
        device
            .blocklist
            .lists_checked(&device.trust, now)
            .as_slice(),
        "the part check consulted the lists at another clock"
    );
    check_lists(device, verdict.blocklist.lists(), now);
}

/// (b): why each list reads stale, checked against the device's own
/// clocks. Another authority's time counts only up to the clock it was
/// received at plus the tolerance, so a list reads outdated only once the
/// device's clock came within the tolerance of its expiry; a list from
/// the future flags itself; and a list whose expiry no clock of the
/// device's (plus the tolerance) has reached reads current.
fn check_lists(device: &Device, lists: &[ListChecked], now: u64) {
    let trust = &device.trust;
    let blocklist = &device.blocklist;
    let floor_bound = |authority: &KeyId| {
        device
            .accepted_at
            .get(authority)
            .map_or(0, |clock| clock.saturating_add(CLOCK_TOLERANCE))
    };
    for checked in lists {
        let authority = checked.authority;
        assert_eq!(checked.stale, checked.stale_reason.is_some());
        let held = blocklist.list(&authority);
        // No floor past the clock it was raised at plus the tolerance.
        assert!(blocklist.clock_for(trust, &authority, now) <= now.max(floor_bound(&authority)));
        match &checked.stale_reason {
            None => {}
            Some(StaleReason::Missing) => assert!(held.is_none(), "a held list read missing"),
            Some(StaleReason::SignerRevoked) => {
                let list = held.expect("a revoked list is held");
                assert!(trust.is_revoked(&authority, &list.signer));
            }
            Some(StaleReason::Expired) => assert!(
                now.max(floor_bound(&authority)) > checked.expires_at,
                "a list read expired before any clock of the device's passed its expiry"
            ),
            Some(StaleReason::FutureDated { issued_at }) => {
                let list = held.expect("a list from the future is held");
                assert_eq!(
                    *issued_at, list.issued_at,
                    "a list flagged with another's date"
                );
                assert!(*issued_at > now.saturating_add(CLOCK_TOLERANCE));
            }
            Some(StaleReason::OutdatedBy {
                authority: other,
                issued_at,
                ..
            }) => {
                assert_ne!(*other, authority, "a list outdated by itself");
                assert!(*issued_at > checked.expires_at);
                assert!(
                    *issued_at <= floor_bound(other),
                    "another authority's date from the future made a list stale"
                );
                let other_list = blocklist
                    .list(other)
                    .expect("the list that outdates is held");
                assert!(*issued_at <= other_list.issued_at);
            }
            Some(StaleReason::NoFreshHead { since }) => {
                // This target feeds lists, never a repository's head.
                panic!("a device that never took a head reads 'no fresh head' (since {since})");
            }
        }
        if let Some(list) = held {
            let own_clock = now.max(floor_bound(&authority));
            let others_vouch_past_expiry = blocklist
                .lists()
                .filter(|other| other.authority != authority)
                .filter(|other| !trust.is_revoked(&other.authority, &other.signer))
                .any(|other| floor_bound(&other.authority) > list.expires_at);
            let current = !trust.is_revoked(&authority, &list.signer)
                && list.issued_at <= now.saturating_add(CLOCK_TOLERANCE)
                && own_clock <= list.expires_at
                && !others_vouch_past_expiry;
            if current {
                assert_eq!(
                    checked.stale_reason, None,
                    "a list no clock of this device's has seen expire read stale"
                );
            }
        }
    }
}

/// (d): a listed board shown with a rival maker's record reads blocked,
/// with the record refused beside it, in the part check and in the
/// handset's self-check; a board that is not listed is refused.
fn check_foreign_record(world: &World, device: &Device, record: &PairingRecord, now: u64) {
    let verifier = Verifier::new(&device.trust).with_blocklist(&device.blocklist);
    let evidence = PartEvidence::new(&world.acme_board, &world.acme_chain);
    let Ok(alone) = verifier.verify_part(&evidence, now) else {
        return;
    };
    let shown = verifier.verify_part(&evidence.with_pairing(record), now);
    if !alone.is_blocked() {
        assert!(
            shown.is_err(),
            "a board not listed verified with a rival's record"
        );
        return;
    }
    let verdict =
        shown.expect("a listed board with a rival's record reads blocked, never an error");
    assert!(verdict.is_blocked());
    assert!(
        verdict.pairing_refused.is_some(),
        "the rival's record was not reported refused"
    );
    assert_eq!(verdict.blocklist, alone.blocklist);
    let fitted = [FittedPart {
        certificate: &world.acme_board,
        chain: &world.acme_chain,
        challenge: None,
    }];
    let modem = world.acme_board.part().unwrap().imeis.clone();
    let report = verifier
        .verify_handset(
            &HandsetEvidence {
                pairing: record,
                modem_imeis: &modem,
                fitted: &fitted,
            },
            now,
        )
        .expect("a listed handset with a rival's record reads blocked, never an error");
    assert!(report.is_blocked());
    assert!(
        report.pairing_refused.is_some(),
        "the rival's record was not reported refused"
    );
}

/// (a): the register root revokes nothing or the stolen key, certifies a
/// publisher for the epoch after the one the device holds, valid two
/// years, and publishes Acme's stolen handset there, at `at` (the real
/// time: no earlier than any clock the device received an update at).
/// The device and a new one accept it, and its list then reads current.
fn check_correction(world: &World, device: &Device, choices: &mut Choices<'_>) {
    let register = world.register_root.key().key_id();
    let at = device.latest_clock.max(T0) + u64::from(choices.byte()) * HOUR;
    let epoch = device
        .blocklist
        .rollback_state()
        .marks()
        .find(|mark| mark.authority == register)
        .map_or(0, |mark| mark.epoch)
        + 1;
    let mut trust = device.trust.clone();
    if choices.flag() {
        let sequence = device
            .revocations
            .iter()
            .filter(|(list, _)| list.root() == register)
            .map(|(list, _)| list.sequence())
            .max()
            .map_or(1, |sequence| sequence + 1);
        let since = if choices.flag() {
            T0
        } else {
            choices.written(at)
        };
        let revocation = world
            .register_root
            .revoke(
                sequence,
                at,
                &[RevokedKey {
                    key: world.register.key().key_id(),
                    since,
                }],
            )
            .unwrap();
        trust
            .apply_revocation_list(&revocation, at)
            .expect("the root's revocation list is accepted");
    }
    let publisher_key = key(30);
    let publisher = Authority::new(
        publisher_key.clone(),
        world
            .register_root
            .certify_blocklist_authority(
                "Register publisher",
                publisher_key.public_key(),
                epoch,
                30 + epoch,
                Validity::days_from(at, 2 * 365),
            )
            .unwrap(),
    )
    .unwrap();
    let version = ListVersion::new(epoch, 1);
    let publication = Publication {
        format: Format::Sorted,
        version,
        issued_at: at,
        expires_at: at + 7 * DAY,
        base: Base::None,
        delisted: &[],
    };
    let correction = publisher
        .publish(&publication, world.acme_reported.clone())
        .unwrap()
        .list;
    // Within the correction's week.
    let later = at + u64::from(choices.byte() % 144) * HOUR;
    let imei = world.acme_board.part().unwrap().imeis[0];
    for mut blocklist in [device.blocklist.clone(), Blocklist::new()] {
        assert_eq!(
            blocklist.apply(&trust, &correction, at),
            Ok(version),
            "the register root's correction was refused"
        );
        // From then on no earlier date decides anything for the register.
        assert_eq!(blocklist.clock_for(&trust, &register, later), later);
        let register_list = blocklist
            .lists_checked(&trust, later)
            .into_iter()
            .find(|list| list.authority == register)
            .expect("the register's list is consulted");
        assert_eq!(
            register_list.stale_reason, None,
            "the correction read stale"
        );
        assert!(
            !blocklist
                .lookup(&[BlockKey::Imei(imei)])
                .unwrap()
                .is_empty()
        );
        let evidence = PartEvidence::new(&world.acme_board, &world.acme_chain);
        match Verifier::new(&trust)
            .with_blocklist(&blocklist)
            .verify_part(&evidence, later)
        {
            Ok(verdict) => assert!(
                verdict.is_blocked(),
                "the corrected list left the board {:?}",
                verdict.blocklist
            ),
            // Only the part's own evidence may fail (a revoked line).
            Err(_) => assert!(Verifier::new(&trust).verify_part(&evidence, later).is_err()),
        }
    }
}

/// What a base (or a list) says of each key in the world: its reason and
/// status.
type Says = BTreeMap<BlockKey, (Reason, ListingStatus)>;

/// What `blocklist` answers for `key` from `authority`'s list.
fn answer(
    blocklist: &Blocklist,
    authority: &KeyId,
    key: &BlockKey,
) -> Vec<(Reason, ListingStatus)> {
    blocklist
        .lookup(&[*key])
        .expect("the device's lists are in memory")
        .into_iter()
        .filter(|listing| listing.authority == *authority)
        .map(|listing| (listing.reason, listing.status))
        .collect()
}

/// What `base` says of every key in the world; a held list is asked
/// through the device's own lookups (a compact one cannot be listed).
fn says(world: &World, blocklist: &Blocklist, authority: &KeyId, base: Base<'_>) -> Says {
    let of = |key: &BlockKey| match base {
        Base::None => None,
        Base::Snapshot(snapshot) => snapshot.find(key).map(|entry| (entry.reason, entry.status)),
        Base::Held(_) => answer(blocklist, authority, key).first().copied(),
    };
    world
        .universe
        .iter()
        .filter_map(|key| of(key).map(|listing| (*key, listing)))
        .collect()
}

/// Why a publication must be refused, whatever else is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// A key listed twice differently.
    Duplicate,
    /// A key both listed and delisted.
    Contradiction,
}

impl Refusal {
    fn of(error: &Error) -> Option<Self> {
        match error {
            Error::Duplicate(_) => Some(Refusal::Duplicate),
            Error::Contradiction(_) => Some(Refusal::Contradiction),
            _ => None,
        }
    }
}

/// What a publication comes to, worked out here from what its base says,
/// apart from the core.
struct Expected {
    /// The list after it.
    after: Says,
    /// The counts: `carried` is the base's entries kept, a key listed
    /// again alike among them.
    changes: Changes,
    refused: Option<Refusal>,
}

impl Expected {
    fn of(base: &Says, listed: &[BlocklistEntry], delisted: &[BlockKey]) -> Self {
        let mut changes = Changes::default();
        let mut unique: BTreeMap<BlockKey, BlocklistEntry> = BTreeMap::new();
        let mut refused = None;
        for entry in listed {
            match unique.get(&entry.key) {
                Some(first) if first == entry => changes.given_twice += 1,
                Some(_) => refused = Some(Refusal::Duplicate),
                None => {
                    unique.insert(entry.key, *entry);
                }
            }
        }
        let delisted_once: BTreeSet<BlockKey> = delisted.iter().copied().collect();
        changes.given_twice += (delisted.len() - delisted_once.len()) as u64;
        if refused.is_none() && unique.keys().any(|key| delisted_once.contains(key)) {
            refused = Some(Refusal::Contradiction);
        }
        let mut after = base.clone();
        for key in &delisted_once {
            match after.remove(key) {
                Some(_) => changes.delisted += 1,
                None => changes.not_listed.push(*key),
            }
        }
        for (key, entry) in &unique {
            let listing = (entry.reason, entry.status);
            match base.get(key) {
                // Listed again alike: carried, kept with its first listing.
                Some(old) if *old == listing => {
                    changes.already_listed += 1;
                    continue;
                }
                Some(_) => changes.relisted += 1,
                None => changes.listed += 1,
            }
            after.insert(*key, listing);
        }
        changes.total = after.len() as u64;
        changes.carried = changes.total - changes.listed - changes.relisted;
        Expected {
            after,
            changes,
            refused,
        }
    }

    /// (p) for one format's outcome: what is signed counts as the model
    /// says, and carries `total` keys.
    fn check(
        &self,
        format: Format,
        base: Base<'_>,
        result: Result<Published, Error>,
    ) -> Option<Published> {
        let published = match result {
            Ok(published) => published,
            Err(error) => {
                if let Some(refusal) = Refusal::of(&error) {
                    assert_eq!(
                        Some(refusal),
                        self.refused,
                        "refused for another reason: {error}"
                    );
                }
                return None;
            }
        };
        assert_eq!(self.refused, None, "signed what must be refused");
        let changes = &published.changes;
        let mut expected = self.changes.clone();
        match (format, base) {
            // Known core faults (reported with issue 16), left unchecked
            // until fixed: a delta over a held list counts as carried only
            // the keys listed again alike, not the held list's entries kept
            // (as a delta over a snapshot does); and over a compact list
            // its total counts each change held since the snapshot as a
            // listing, a delisting too.
            (Format::Delta, Base::Held(held)) => {
                expected.carried = changes.carried;
                if held.changes_since_snapshot() > 0 {
                    expected.total = changes.total;
                }
            }
            (Format::Delta, _) => {}
            _ => assert_eq!(
                changes.total,
                changes.carried + changes.listed + changes.relisted
            ),
        }
        assert_eq!(
            *changes, expected,
            "{format:?} over {base:?} counted otherwise"
        );
        match &published.list {
            SignedList::Sorted(list) => assert_eq!(list.len() as u64, changes.total),
            SignedList::Compact(list) => assert_eq!(list.list().len(), changes.total),
            SignedList::Delta(_) => {}
        }
        assert_eq!(published.list.format(), format);
        Some(published)
    }

    /// (p) on a device: a copy of it that accepts `list` answers every
    /// lookup as the list after the publication.
    fn check_applied(
        &self,
        world: &World,
        device: &Device,
        authority: &KeyId,
        list: &SignedList,
        now: u64,
    ) {
        let mut copy = device.blocklist.clone();
        if copy.apply(&device.trust, list, now).is_err() {
            return;
        }
        for key in &world.universe {
            let said: Vec<_> = self.after.get(key).into_iter().copied().collect();
            assert_eq!(
                answer(&copy, authority, key),
                said,
                "{key} after a {:?}",
                list.format()
            );
        }
    }
}

/// (p): a list from the thief (the register's delegated key), the
/// register's root, the careless operator or the second register, at a
/// chosen version and dates, over no base, the register's master list or
/// what the device holds, signed in every format; every list a copy of the
/// device accepts answers as the model says. The device is sent one.
fn publish_step(world: &World, device: &mut Device, choices: &mut Choices<'_>, now: u64) {
    let signer = [
        &world.register,
        &world.register_root,
        &world.operator,
        &world.punctual,
    ][choices.below(4)];
    let Ok(authority) = signer.blocklist_authority() else {
        return;
    };
    let base = match choices.below(3) {
        0 => Base::None,
        1 => device
            .masters
            .get(&authority)
            .map_or(Base::None, Base::Snapshot),
        _ => device
            .blocklist
            .list(&authority)
            .map_or(Base::None, Base::Held),
    };
    let version = choices.version_after(match base {
        Base::None => None,
        Base::Snapshot(snapshot) => Some(snapshot.version()),
        Base::Held(held) => Some(held.version),
    });
    let issued_at = choices.written(now);
    let listed = block_keys(world, choices);
    let delisted: Vec<BlockKey> = match choices.flag() {
        true => block_keys(world, choices)
            .iter()
            .map(|entry| entry.key)
            .collect(),
        false => Vec::new(),
    };
    let expected = Expected::of(
        &says(world, &device.blocklist, &authority, base),
        &listed,
        &delisted,
    );
    let publication = Publication {
        format: Format::Sorted,
        version,
        issued_at,
        expires_at: issued_at.saturating_add(choices.lifetime()),
        base,
        delisted: &delisted,
    };
    let published: Vec<Published> = [Format::Sorted, Format::Compact, Format::Delta]
        .into_iter()
        .filter_map(|format| {
            let result = signer.publish(
                &Publication {
                    format,
                    ..publication
                },
                listed.iter().copied(),
            );
            expected.check(format, base, result)
        })
        .collect();
    for published in &published {
        expected.check_applied(world, device, &authority, &published.list, now);
    }
    if let Some(SignedList::Sorted(master)) = published.first().map(|published| &published.list) {
        device.masters.insert(authority, master.clone());
    }
    if published.is_empty() {
        return;
    }
    let sent = &published[choices.below(published.len())].list;
    device.latest_clock = device.latest_clock.max(now);
    if device.apply(sent.as_bytes(), now, choices) {
        device.record_accepted(authority, now);
        device
            .model
            .insert(authority, expected.after.keys().copied().collect());
    }
}

fuzz_target!(|data: &[u8]| {
    let world = world();
    let mut choices = Choices(data);
    let pinned = [choices.flag(), choices.flag(), choices.flag()];
    let mut device = Device {
        blocklist: Blocklist::new(),
        trust: Device::trust_store(world, pinned, &[]),
        pinned,
        revocations: Vec::new(),
        model: Model::new(),
        masters: BTreeMap::new(),
        accepted_at: BTreeMap::new(),
        latest_clock: T0,
    };

    for _ in 0..choices.below(10) {
        let now = choices.clock();
        match choices.below(10) {
            // A publication, in every format; the device is sent one.
            0..=3 => publish_step(world, &mut device, &mut choices, now),
            // A revocation list from any root, revoking chosen keys since
            // chosen times, dated up to decades ahead.
            4 | 5 => {
                let root = [
                    &world.acme_root,
                    &world.register_root,
                    &world.bolt_root,
                    &world.operator,
                ][choices.below(4)];
                let revoked: BTreeMap<KeyId, u64> = (0..choices.below(3))
                    .map(|_| {
                        (
                            world.revocable[choices.below(world.revocable.len())],
                            choices.written(now),
                        )
                    })
                    .collect();
                let revoked: Vec<RevokedKey> = revoked
                    .into_iter()
                    .map(|(key, since)| RevokedKey { key, since })
                    .collect();
                let issued_at = choices.written(now);
                let Ok(list) = root.revoke(u64::from(choices.byte()), issued_at, &revoked) else {
                    continue;
                };
                device.latest_clock = device.latest_clock.max(now);
                let before = device.trust.clone();
                match device.trust.apply_revocation_list(&list, now) {
                    Ok(_) => device.revocations.push((list, now)),
                    Err(_) => assert_eq!(
                        device.trust, before,
                        "a refused revocation list changed the trust store"
                    ),
                }
            }
            // A restart: from the marks only, or from the saved state.
            6 => match choices.below(3) {
                0 => {
                    let marks =
                        RollbackState::decode(&device.blocklist.rollback_state().encode()).unwrap();
                    device.blocklist = Blocklist::with_rollback_state(marks);
                }
                1 => {
                    let restored =
                        Blocklist::decode_state(&device.blocklist.encode_state(), &device.trust)
                            .unwrap();
                    assert_eq!(
                        restored, device.blocklist,
                        "the saved state came back different"
                    );
                }
                _ => {
                    let loaded =
                        Blocklist::load_state(&device.blocklist.encode_state(), &device.trust)
                            .unwrap();
                    assert!(loaded.dropped.is_empty(), "a pinned authority was dropped");
                    assert_eq!(
                        loaded.blocklist, device.blocklist,
                        "the saved state came back different"
                    );
                }
            },
            // Unpinning (or pinning again) the operator, the second register
            // or the rival maker; the device stops following what it no
            // longer pins.
            7 | 8 => {
                let which = choices.below(3);
                device.pinned[which] = !device.pinned[which];
                device.trust = Device::trust_store(world, device.pinned, &device.revocations);
                let by_reload = choices.flag();
                device.unfollow_unpinned(by_reload);
            }
            // Unfollowing an authority by name, pinned or not.
            _ => {
                let authority = world.blocklist_roots()[choices.below(3)].key().key_id();
                let followed = device
                    .blocklist
                    .rollback_state()
                    .marks()
                    .any(|mark| mark.authority == authority);
                let dropped = device.blocklist.unfollow(&authority);
                assert_eq!(dropped.is_some(), followed);
                assert!(dropped.is_none_or(|mark| mark.authority == authority));
                assert!(device.blocklist.list(&authority).is_none());
                assert!(!device.followed().contains(&authority));
                device.model.remove(&authority);
            }
        }
        // After every step, at that step's clock: why each list reads stale
        // (b), and every key the model says a held list carries is found (c).
        check_lists(
            &device,
            &device.blocklist.lists_checked(&device.trust, now),
            now,
        );
        for key in device.held_keys() {
            assert!(
                !device
                    .blocklist
                    .lookup(&[key])
                    .expect("the device's lists are in memory")
                    .is_empty(),
                "a held listing was not found"
            );
        }
        // No root's clock past the clock its revocation lists came at plus the tolerance.
        for root in [
            &world.acme_root,
            &world.register_root,
            &world.bolt_root,
            &world.operator,
        ] {
            let root = root.key().key_id();
            let bound = device
                .revocations
                .iter()
                .filter(|(list, _)| list.root() == root)
                .map(|(_, clock)| clock.saturating_add(CLOCK_TOLERANCE))
                .max()
                .unwrap_or(0);
            assert!(device.trust.clock_for_root(&root, now) <= now.max(bound));
        }
    }
    let held = device.held_keys();
    let now = choices.clock();
    check_lists(
        &device,
        &device.blocklist.lists_checked(&device.trust, now),
        now,
    );

    // One part, with a chosen chain, record (its maker's, one from the
    // future, a rival's), presented IMEIs and time.
    let part = &world.parts[choices.below(world.parts.len())];
    let chain: Vec<Certificate> = world
        .issuers
        .iter()
        .filter(|_| choices.flag())
        .cloned()
        .collect();
    let records: Vec<&PairingRecord> = world.records.iter().chain(&world.foreign).collect();
    let record = if choices.flag() {
        Some(records[choices.below(records.len())])
    } else {
        None
    };
    let presented: Vec<Imei> = if choices.flag() {
        vec![world.imeis[choices.below(world.imeis.len())]]
    } else {
        vec![]
    };
    let host: Vec<Imei> = if choices.flag() {
        vec![world.imeis[choices.below(world.imeis.len())]]
    } else {
        vec![]
    };
    let verifier = Verifier::new(&device.trust)
        .with_blocklist(&device.blocklist)
        .on_handset(&host);

    let mutated_part =
        mutate(part.as_bytes(), &mut choices).and_then(|b| Certificate::decode(&b).ok());
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
            assert!(
                mutated_part.is_none(),
                "a verdict from an altered part certificate"
            );
            assert!(
                mutated_record.is_none() || verdict.pairing_refused.is_some(),
                "a verdict from an altered pairing record"
            );
            check_verdict(&device, &verdict, certificate, &held, now);
        }
        Err(error) => {
            let _ = error.code();
        }
    }

    // The whole handset's self-check, with a chosen record and a chosen
    // subset fitted.
    let record = records[choices.below(records.len())];
    let fitted: Vec<FittedPart<'_>> = world
        .parts
        .iter()
        .filter(|_| choices.flag())
        .map(|certificate| FittedPart {
            certificate,
            chain: &chain,
            challenge: None,
        })
        .collect();
    let modem: Vec<Imei> = vec![world.imeis[choices.below(world.imeis.len())]];
    let evidence = HandsetEvidence {
        pairing: record,
        modem_imeis: &modem,
        fitted: &fitted,
    };
    if let Ok(report) = Verifier::new(&device.trust)
        .with_blocklist(&device.blocklist)
        .verify_handset(&evidence, now)
    {
        for (fitted, outcome) in fitted.iter().zip(&report.parts) {
            if let Ok(verdict) = &outcome.outcome {
                check_verdict(&device, verdict, fitted.certificate, &held, now);
            }
        }
        if report.pairing_refused.is_none()
            && record
                .imeis()
                .iter()
                .any(|imei| held.contains(&BlockKey::Imei(*imei)))
        {
            assert!(report.handset_blocklist.is_blocked());
        }
        if !report.mismatched_modem_imeis.is_empty() || report.pairing_refused.is_some() {
            assert!(report.is_blocked());
        }
    }

    // Acme's board with a rival maker's record.
    let foreign = &world.foreign[choices.below(world.foreign.len())];
    check_foreign_record(world, &device, foreign, now);

    // The register root's correction in the next epoch.
    check_correction(world, &device, &mut choices);
});
