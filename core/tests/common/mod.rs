//! A small world of manufacturers, factories, handsets and registries,
//! built from fixed seeds and fixed times so every object is deterministic.

#![allow(dead_code)]

use partcert::*;

/// 2026-01-01T00:00:00Z.
pub const T0: u64 = 1_767_225_600;
pub const DAY: u64 = 86_400;
pub const YEAR: u64 = 365 * DAY;

pub fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed(&[seed; 32])
}

/// Valid from five years before T0, for `n` years.
pub fn years(n: u64) -> Validity {
    Validity::days_from(T0 - 5 * YEAR, 365 * n)
}

pub fn imei(body: u64) -> Imei {
    Imei::with_check_digit(body).expect("a 14-digit IMEI body")
}

/// One handset as it left the factory.
pub struct Handset {
    pub imei: Imei,
    pub board: Certificate,
    pub screen: Certificate,
    pub battery: Certificate,
    pub camera: Certificate,
    pub camera_key: SecretKey,
    pub pairing: PairingRecord,
}

impl Handset {
    pub fn parts(&self) -> Vec<Certificate> {
        vec![
            self.screen.clone(),
            self.battery.clone(),
            self.camera.clone(),
        ]
    }
}

pub struct World {
    pub acme_root: Authority,
    pub acme_line: Authority,
    pub acme_pairing: Authority,
    /// The national register: a blocklist root with a delegated signing authority.
    pub register_root: Authority,
    pub register: Authority,
    /// A mobile operator that signs its lists with its root directly.
    pub operator: Authority,
    /// Alice's handset: reported stolen in the stories.
    pub alice: Handset,
    /// Bob's handset: never reported; a donor for repairs.
    pub bob: Handset,
}

pub fn spec(kind: PartKind, serial: &str, imeis: Vec<Imei>, key: Option<PublicKey>) -> PartSpec {
    PartSpec {
        kind,
        manufacturer: "Acme Phones".into(),
        model: "A1".into(),
        serial: serial.into(),
        imeis,
        key,
    }
}

pub fn authority(
    root: &Authority,
    seed: u8,
    role: AuthorityRole,
    name: &str,
    kinds: &[PartKind],
    serial: u64,
    validity: Validity,
) -> Authority {
    let key = key(seed);
    let cert = root
        .certify_authority(role, name, key.public_key(), kinds, serial, validity)
        .expect("certify authority");
    Authority::new(key, cert).expect("key matches certificate")
}

fn build_handset(
    line: &Authority,
    pairing: &Authority,
    tag: &str,
    imei_body: u64,
    camera_seed: u8,
    serial: u64,
) -> Handset {
    let imei = imei(imei_body);
    let camera_key = key(camera_seed);
    let validity = years(30);
    let board = line
        .certify_part(
            &spec(PartKind::Board, &format!("BRD-{tag}"), vec![imei], None),
            serial,
            validity,
        )
        .expect("board");
    let screen = line
        .certify_part(
            &spec(PartKind::Screen, &format!("SCR-{tag}"), vec![], None),
            serial + 1,
            validity,
        )
        .expect("screen");
    let battery = line
        .certify_part(
            &spec(PartKind::Battery, &format!("BAT-{tag}"), vec![], None),
            serial + 2,
            validity,
        )
        .expect("battery");
    let camera = line
        .certify_part(
            &spec(
                PartKind::RearCamera,
                &format!("CAM-{tag}"),
                vec![],
                Some(camera_key.public_key()),
            ),
            serial + 3,
            validity,
        )
        .expect("camera");
    let record = pairing
        .pair(
            &board,
            &[screen.clone(), battery.clone(), camera.clone()],
            1,
            PairingEvent::FactoryBuild,
            T0,
        )
        .expect("pairing");
    Handset {
        imei,
        board,
        screen,
        battery,
        camera,
        camera_key,
        pairing: record,
    }
}

pub fn world() -> World {
    let acme_root = Authority::new_root(
        key(1),
        AuthorityRole::ManufacturerRoot,
        "Acme Phones root",
        years(40),
    )
    .expect("root");
    let acme_line = authority(
        &acme_root,
        2,
        AuthorityRole::PartIssuer,
        "Acme Shenzhen line 3",
        &[
            PartKind::Board,
            PartKind::Screen,
            PartKind::Battery,
            PartKind::RearCamera,
        ],
        2,
        years(25),
    );
    let acme_pairing = authority(
        &acme_root,
        3,
        AuthorityRole::PairingService,
        "Acme pairing service",
        &[],
        3,
        years(25),
    );
    let register_root = Authority::new_root(
        key(4),
        AuthorityRole::BlocklistRoot,
        "National Mobile Property Register",
        years(40),
    )
    .expect("register root");
    let register = authority(
        &register_root,
        5,
        AuthorityRole::BlocklistAuthority,
        "NMPR signing 2026",
        &[],
        2,
        years(10),
    );
    let operator = Authority::new_root(
        key(6),
        AuthorityRole::BlocklistRoot,
        "Carrier UK blocklist",
        years(40),
    )
    .expect("operator root");
    let alice = build_handset(
        &acme_line,
        &acme_pairing,
        "ALICE",
        35_693_803_564_380,
        20,
        100,
    );
    let bob = build_handset(
        &acme_line,
        &acme_pairing,
        "BOB",
        49_015_420_323_751,
        21,
        200,
    );
    World {
        acme_root,
        acme_line,
        acme_pairing,
        register_root,
        register,
        operator,
        alice,
        bob,
    }
}

impl World {
    /// What a repair shop pins: Acme's root, the register and the operator.
    pub fn trust(&self) -> TrustStore {
        let mut trust = TrustStore::new();
        trust
            .add_manufacturer_root(self.acme_root.certificate().clone())
            .expect("pin acme");
        trust
            .add_blocklist_root(self.register_root.certificate().clone())
            .expect("pin register");
        trust
            .add_blocklist_root(self.operator.certificate().clone())
            .expect("pin operator");
        trust
    }

    pub fn chain(&self) -> Vec<Certificate> {
        vec![self.acme_line.certificate().clone()]
    }

    /// Alice reports her handset stolen; the register lists it and its parts.
    pub fn alice_reported_stolen(&self, sequence: u64) -> BlocklistSnapshot {
        let entries = BlocklistEntry::for_reported_handset(
            &self.alice.pairing,
            Reason::Stolen,
            T0 + DAY,
            ListingStatus::Final,
        );
        self.register
            .publish_snapshot(sequence, T0 + 2 * DAY, T0 + 9 * DAY, entries)
            .expect("snapshot")
    }

    /// A blocklist holding the register's snapshot.
    pub fn blocklist_with(
        &self,
        trust: &TrustStore,
        snapshots: &[&BlocklistSnapshot],
    ) -> Blocklist {
        let mut blocklist = Blocklist::new();
        for snapshot in snapshots {
            blocklist
                .apply_snapshot(trust, snapshot, T0 + 2 * DAY)
                .expect("apply snapshot");
        }
        blocklist
    }
}
