//! A small world of manufacturers, factories, handsets and registries,
//! built from fixed seeds and fixed times so every object is deterministic.

#![allow(dead_code, unused_imports)]

pub use partcert::blocklist::*;
pub use partcert::certificate::*;
pub use partcert::challenge::*;
pub use partcert::ids::*;
pub use partcert::issue::{Authority, PartSpec};
pub use partcert::pairing::*;
pub use partcert::revocation::*;
pub use partcert::verify::*;
pub use partcert::*;

/// The stories sign lists in one line: each of these is one call of
/// [`Authority::publish`] (the one publishing call), its list taken out.
pub trait PublishLists {
    /// A sorted snapshot of `entries`.
    fn publish_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error>;
    /// A compact snapshot of `entries`.
    fn publish_compact_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: &[BlocklistEntry],
    ) -> Result<CompactSnapshot, Error>;
    /// The sorted snapshot after `base`.
    fn publish_next_snapshot(
        &self,
        base: Option<&BlocklistSnapshot>,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error>;
    /// The compact snapshot after `base`.
    fn publish_next_compact_snapshot(
        &self,
        base: Option<&BlocklistSnapshot>,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<CompactSnapshot, Error>;
    /// The delta from snapshot `from` to snapshot `to`.
    fn publish_delta(
        &self,
        from: &BlocklistSnapshot,
        to: &BlocklistSnapshot,
    ) -> Result<BlocklistDelta, Error>;
    /// The delta over the list devices hold.
    fn publish_delta_over(
        &self,
        held: &AuthorityList,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<BlocklistDelta, Error>;
}

fn sign(
    authority: &Authority,
    format: Format,
    base: Base<'_>,
    version: ListVersion,
    times: (u64, u64),
    delisted: &[BlockKey],
    listed: Vec<BlocklistEntry>,
) -> Result<SignedList, Error> {
    let publication = Publication {
        format,
        version,
        issued_at: times.0,
        expires_at: times.1,
        base,
        delisted,
    };
    Ok(authority.publish(&publication, listed)?.list)
}

fn sorted(list: SignedList) -> BlocklistSnapshot {
    match list {
        SignedList::Sorted(list) => list,
        other => panic!("expected a sorted snapshot, got {other:?}"),
    }
}

fn compact(list: SignedList) -> CompactSnapshot {
    match list {
        SignedList::Compact(list) => *list,
        other => panic!("expected a compact snapshot, got {other:?}"),
    }
}

fn delta(list: SignedList) -> BlocklistDelta {
    match list {
        SignedList::Delta(list) => list,
        other => panic!("expected a delta, got {other:?}"),
    }
}

impl PublishLists for Authority {
    fn publish_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error> {
        let times = (issued_at, expires_at);
        sign(
            self,
            Format::Sorted,
            Base::None,
            version,
            times,
            &[],
            entries,
        )
        .map(sorted)
    }

    fn publish_compact_snapshot(
        &self,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        entries: &[BlocklistEntry],
    ) -> Result<CompactSnapshot, Error> {
        let times = (issued_at, expires_at);
        sign(
            self,
            Format::Compact,
            Base::None,
            version,
            times,
            &[],
            entries.to_vec(),
        )
        .map(compact)
    }

    fn publish_next_snapshot(
        &self,
        base: Option<&BlocklistSnapshot>,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<BlocklistSnapshot, Error> {
        let base = base.map_or(Base::None, Base::Snapshot);
        let times = (issued_at, expires_at);
        sign(self, Format::Sorted, base, version, times, delisted, listed).map(sorted)
    }

    fn publish_next_compact_snapshot(
        &self,
        base: Option<&BlocklistSnapshot>,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<CompactSnapshot, Error> {
        let base = base.map_or(Base::None, Base::Snapshot);
        let times = (issued_at, expires_at);
        sign(
            self,
            Format::Compact,
            base,
            version,
            times,
            delisted,
            listed,
        )
        .map(compact)
    }

    fn publish_delta(
        &self,
        from: &BlocklistSnapshot,
        to: &BlocklistSnapshot,
    ) -> Result<BlocklistDelta, Error> {
        let delisted: Vec<BlockKey> = from
            .entries()
            .iter()
            .map(|entry| entry.key)
            .filter(|key| to.find(key).is_none())
            .collect();
        let listed: Vec<BlocklistEntry> = to
            .entries()
            .iter()
            .filter(|entry| from.find(&entry.key) != Some(*entry))
            .copied()
            .collect();
        let times = (to.issued_at(), to.expires_at());
        sign(
            self,
            Format::Delta,
            Base::Snapshot(from),
            to.version(),
            times,
            &delisted,
            listed,
        )
        .map(delta)
    }

    fn publish_delta_over(
        &self,
        held: &AuthorityList,
        version: ListVersion,
        issued_at: u64,
        expires_at: u64,
        delisted: &[BlockKey],
        listed: Vec<BlocklistEntry>,
    ) -> Result<BlocklistDelta, Error> {
        let times = (issued_at, expires_at);
        sign(
            self,
            Format::Delta,
            Base::Held(held),
            version,
            times,
            delisted,
            listed,
        )
        .map(delta)
    }
}

/// The stories apply lists by their type; each is one call of
/// [`Blocklist::apply`].
pub trait ApplyLists {
    fn apply_snapshot(
        &mut self,
        trust: &TrustStore,
        snapshot: &BlocklistSnapshot,
        now: u64,
    ) -> Result<ListVersion, Error>;
    fn apply_compact_snapshot(
        &mut self,
        trust: &TrustStore,
        snapshot: &CompactSnapshot,
        now: u64,
    ) -> Result<ListVersion, Error>;
    fn apply_delta(
        &mut self,
        trust: &TrustStore,
        delta: &BlocklistDelta,
        now: u64,
    ) -> Result<ListVersion, Error>;
}

impl ApplyLists for Blocklist {
    fn apply_snapshot(
        &mut self,
        trust: &TrustStore,
        snapshot: &BlocklistSnapshot,
        now: u64,
    ) -> Result<ListVersion, Error> {
        self.apply(trust, snapshot, now)
    }

    fn apply_compact_snapshot(
        &mut self,
        trust: &TrustStore,
        snapshot: &CompactSnapshot,
        now: u64,
    ) -> Result<ListVersion, Error> {
        self.apply(trust, snapshot, now)
    }

    fn apply_delta(
        &mut self,
        trust: &TrustStore,
        delta: &BlocklistDelta,
        now: u64,
    ) -> Result<ListVersion, Error> {
        self.apply(trust, delta, now)
    }
}

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

/// The maker name Acme's root and lines certify.
pub const MAKER: &str = "Acme Phones";

/// The first list version of epoch 0 at `sequence`.
pub fn seq(sequence: u64) -> ListVersion {
    ListVersion::new(0, sequence)
}

pub fn spec(kind: PartKind, serial: &str, imeis: Vec<Imei>, key: Option<PublicKey>) -> PartSpec {
    PartSpec {
        kind,
        manufacturer: MAKER.into(),
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
    let cert = match role {
        AuthorityRole::PartIssuer => {
            root.certify_part_issuer(name, key.public_key(), kinds, &[MAKER], serial, validity)
        }
        AuthorityRole::PairingService => {
            root.certify_pairing_service(name, key.public_key(), serial, validity)
        }
        AuthorityRole::BlocklistAuthority => {
            root.certify_blocklist_authority(name, key.public_key(), 0, serial, validity)
        }
        other => panic!("{other:?} is not certified by another authority"),
    }
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
    let acme_root =
        Authority::new_manufacturer_root(key(1), "Acme Phones root", &[MAKER], years(40))
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
    let register_root =
        Authority::new_blocklist_root(key(4), "National Mobile Property Register", years(40))
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
    let operator = Authority::new_blocklist_root(key(6), "Carrier UK blocklist", years(40))
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
            .publish_snapshot(seq(sequence), T0 + 2 * DAY, T0 + 9 * DAY, entries)
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

/// Objects the issuing API will not sign — what a compromised, buggy or
/// hostile signer could produce — rebuilt here and signed by hand.
///
/// The body structs in `core/src` are private; these mirrors derive
/// `Serialize` with the same fields in the same order, so postcard encodes
/// them to exactly the bytes the core writes (postcard encodes fields in
/// order, with no names). Keep them in step with `certificate.rs`,
/// `pairing.rs`, `blocklist/objects.rs`, `revocation.rs` and `challenge.rs`.
/// `Subject`, `AuthoritySubject`, `PartSubject`, `PairedPart`,
/// `BlocklistEntry`, `BlockKey` and `RevokedKey` are public and serialize
/// exactly as they do inside the core, so they are used as they are.
pub mod forge {
    use super::*;
    use partcert::internal::{HEADER_LEN, MAGIC, SIGNATURE_LEN};
    use serde::Serialize;

    /// The envelope's type tags (`ObjectType` discriminants).
    pub const CERTIFICATE: u8 = 1;
    pub const PAIRING_RECORD: u8 = 2;
    pub const BLOCKLIST_SNAPSHOT: u8 = 3;
    pub const BLOCKLIST_DELTA: u8 = 4;
    pub const REVOCATION_LIST: u8 = 5;
    pub const CHALLENGE_RESPONSE: u8 = 6;
    pub const COMPACT_SNAPSHOT: u8 = 7;

    /// Header, `body`, then an Ed25519 signature by `key` over all of it.
    pub fn sign_envelope(object_type: u8, body: &[u8], key: &SecretKey) -> Vec<u8> {
        use ed25519_dalek::Signer;
        let mut bytes = MAGIC.to_vec();
        bytes.push(FORMAT_VERSION);
        bytes.push(object_type);
        debug_assert_eq!(bytes.len(), HEADER_LEN);
        bytes.extend_from_slice(body);
        let signature = ed25519_dalek::SigningKey::from_bytes(&key.to_seed()).sign(&bytes);
        bytes.extend_from_slice(&signature.to_bytes());
        bytes
    }

    /// The postcard body of an encoded object (between header and
    /// signature; a compact snapshot's list follows its signature).
    pub fn body_bytes(object: &[u8]) -> &[u8] {
        let signed = partcert::internal::signed_part(object);
        &signed[HEADER_LEN..signed.len() - SIGNATURE_LEN]
    }

    /// A compact snapshot: its signed header (`body` signed), zero
    /// padding to a 64-byte boundary, then the list.
    pub fn compact_object(body: &[u8], list: &[u8], key: &SecretKey) -> Vec<u8> {
        let mut bytes = sign_envelope(COMPACT_SNAPSHOT, body, key);
        bytes.resize(bytes.len().next_multiple_of(64), 0);
        bytes.extend_from_slice(list);
        bytes
    }

    fn seal<B: Serialize>(object_type: u8, body: &B, key: &SecretKey) -> Vec<u8> {
        sign_envelope(
            object_type,
            &postcard::to_allocvec(body).expect("encode body"),
            key,
        )
    }

    /// Mirror of `certificate::CertificateBody`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct CertificateBody {
        pub serial_number: u64,
        pub issuer: KeyId,
        pub validity: Validity,
        pub subject: Subject,
    }

    impl CertificateBody {
        pub fn of(certificate: &Certificate) -> Self {
            CertificateBody {
                serial_number: certificate.serial_number(),
                issuer: certificate.issuer(),
                validity: certificate.validity(),
                subject: certificate.subject().clone(),
            }
        }

        /// Signed by `key`, whatever `issuer` says.
        pub fn sign_bytes(&self, key: &SecretKey) -> Vec<u8> {
            seal(CERTIFICATE, self, key)
        }

        pub fn sign(&self, key: &SecretKey) -> Certificate {
            Certificate::decode(&self.sign_bytes(key)).expect("forged certificate decodes")
        }
    }

    /// Mirror of `pairing::PairingBody`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct PairingBody {
        pub service_certificate: Vec<u8>,
        pub imeis: Vec<Imei>,
        pub board: PairedPart,
        pub parts: Vec<PairedPart>,
        pub sequence: u64,
        pub event: PairingEvent,
        pub issued_at: u64,
    }

    impl PairingBody {
        pub fn of(record: &PairingRecord) -> Self {
            PairingBody {
                service_certificate: record.service_certificate().as_bytes().to_vec(),
                imeis: record.imeis().to_vec(),
                board: *record.board(),
                parts: record.parts().to_vec(),
                sequence: record.sequence(),
                event: record.event(),
                issued_at: record.issued_at(),
            }
        }

        pub fn sign_bytes(&self, key: &SecretKey) -> Vec<u8> {
            seal(PAIRING_RECORD, self, key)
        }

        pub fn sign(&self, key: &SecretKey) -> PairingRecord {
            PairingRecord::decode(&self.sign_bytes(key)).expect("forged record decodes")
        }
    }

    /// Mirror of `blocklist::compact_snapshot::CompactSnapshotBody` (the
    /// head, then the commitment to the list that follows the signature),
    /// with the list beside it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct CompactSnapshotBody {
        pub signer_certificate: Vec<u8>,
        pub authority: KeyId,
        pub epoch: u64,
        pub sequence: u64,
        pub issued_at: u64,
        pub expires_at: u64,
        pub layout: u8,
        pub block_log2: u8,
        pub len: u64,
        pub root: [u8; 32],
        #[serde(skip)]
        pub list: Vec<u8>,
    }

    impl CompactSnapshotBody {
        pub fn of(snapshot: &CompactSnapshot) -> Self {
            let list = snapshot.list().as_bytes().to_vec();
            CompactSnapshotBody {
                signer_certificate: snapshot.signer_certificate().as_bytes().to_vec(),
                authority: snapshot.authority(),
                epoch: snapshot.version().epoch,
                sequence: snapshot.version().sequence,
                issued_at: snapshot.issued_at(),
                expires_at: snapshot.expires_at(),
                layout: list[4],
                block_log2: 16,
                len: list.len() as u64,
                root: snapshot.list_root(),
                list,
            }
        }

        /// The same, committing to `list` instead (length and root).
        pub fn with_list(mut self, list: Vec<u8>) -> Self {
            self.len = list.len() as u64;
            self.root = partcert::internal::compact_list_root(&list);
            self.list = list;
            self
        }

        pub fn sign_bytes(&self, key: &SecretKey) -> Vec<u8> {
            let body = postcard::to_allocvec(self).expect("encode body");
            compact_object(&body, &self.list, key)
        }

        pub fn sign(&self, key: &SecretKey) -> CompactSnapshot {
            CompactSnapshot::decode(&self.sign_bytes(key)).expect("forged compact snapshot decodes")
        }
    }

    /// Mirror of `blocklist::objects::SnapshotBody`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct SnapshotBody {
        pub signer_certificate: Vec<u8>,
        pub authority: KeyId,
        pub epoch: u64,
        pub sequence: u64,
        pub issued_at: u64,
        pub expires_at: u64,
        pub entries: Vec<BlocklistEntry>,
    }

    impl SnapshotBody {
        pub fn of(snapshot: &BlocklistSnapshot) -> Self {
            SnapshotBody {
                signer_certificate: snapshot.signer_certificate().as_bytes().to_vec(),
                authority: snapshot.authority(),
                epoch: snapshot.version().epoch,
                sequence: snapshot.version().sequence,
                issued_at: snapshot.issued_at(),
                expires_at: snapshot.expires_at(),
                entries: snapshot.entries().to_vec(),
            }
        }

        pub fn sign_bytes(&self, key: &SecretKey) -> Vec<u8> {
            seal(BLOCKLIST_SNAPSHOT, self, key)
        }

        pub fn sign(&self, key: &SecretKey) -> BlocklistSnapshot {
            BlocklistSnapshot::decode(&self.sign_bytes(key)).expect("forged snapshot decodes")
        }
    }

    /// Mirror of `blocklist::objects::DeltaBody`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct DeltaBody {
        pub signer_certificate: Vec<u8>,
        pub authority: KeyId,
        pub epoch: u64,
        pub from_sequence: u64,
        pub from_digest: StateDigest,
        pub to_sequence: u64,
        pub issued_at: u64,
        pub expires_at: u64,
        pub upserts: Vec<BlocklistEntry>,
        pub removals: Vec<BlockKey>,
        pub result_digest: StateDigest,
    }

    impl DeltaBody {
        pub fn of(delta: &BlocklistDelta) -> Self {
            DeltaBody {
                signer_certificate: delta.signer_certificate().as_bytes().to_vec(),
                authority: delta.authority(),
                epoch: delta.to_version().epoch,
                from_sequence: delta.from_version().sequence,
                from_digest: delta.from_digest(),
                to_sequence: delta.to_version().sequence,
                issued_at: delta.issued_at(),
                expires_at: delta.expires_at(),
                upserts: delta.upserts().to_vec(),
                removals: delta.removals().to_vec(),
                result_digest: delta.result_digest(),
            }
        }

        pub fn sign_bytes(&self, key: &SecretKey) -> Vec<u8> {
            seal(BLOCKLIST_DELTA, self, key)
        }

        pub fn sign(&self, key: &SecretKey) -> BlocklistDelta {
            BlocklistDelta::decode(&self.sign_bytes(key)).expect("forged delta decodes")
        }
    }

    /// Mirror of `revocation::RevocationBody`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct RevocationBody {
        pub root: KeyId,
        pub sequence: u64,
        pub issued_at: u64,
        pub revoked: Vec<RevokedKey>,
    }

    impl RevocationBody {
        pub fn of(list: &RevocationList) -> Self {
            RevocationBody {
                root: list.root(),
                sequence: list.sequence(),
                issued_at: list.issued_at(),
                revoked: list.revoked().to_vec(),
            }
        }

        pub fn sign_bytes(&self, key: &SecretKey) -> Vec<u8> {
            seal(REVOCATION_LIST, self, key)
        }

        pub fn sign(&self, key: &SecretKey) -> RevocationList {
            RevocationList::decode(&self.sign_bytes(key)).expect("forged revocation list decodes")
        }
    }

    /// Mirror of `challenge::ChallengeResponseBody`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct ChallengeResponseBody {
        pub nonce: [u8; 32],
        pub certificate: Fingerprint,
    }

    impl ChallengeResponseBody {
        pub fn sign(&self, key: &SecretKey) -> ChallengeResponse {
            ChallengeResponse::decode(&seal(CHALLENGE_RESPONSE, self, key))
                .expect("forged response decodes")
        }
    }
}

/// The mirrors encode exactly what the core encodes: re-encoding each
/// object of the fixture world through its mirror gives its body bytes.
pub fn assert_mirrors_match(world: &World) {
    use forge::*;
    let certificates = [
        world.acme_root.certificate(),
        world.acme_line.certificate(),
        world.acme_pairing.certificate(),
        world.register.certificate(),
        &world.alice.board,
        &world.alice.camera,
    ];
    for certificate in certificates {
        let body = postcard::to_allocvec(&CertificateBody::of(certificate)).unwrap();
        assert_eq!(body, body_bytes(certificate.as_bytes()), "certificate");
    }
    let record = &world.alice.pairing;
    let body = postcard::to_allocvec(&PairingBody::of(record)).unwrap();
    assert_eq!(body, body_bytes(record.as_bytes()), "pairing record");
    let v1 = world
        .register
        .publish_snapshot(seq(1), T0, T0 + 9 * DAY, vec![])
        .unwrap();
    let v2 = world.alice_reported_stolen(2);
    let body = postcard::to_allocvec(&SnapshotBody::of(&v2)).unwrap();
    assert_eq!(body, body_bytes(v2.as_bytes()), "snapshot");
    let delta = world.register.publish_delta(&v1, &v2).unwrap();
    let body = postcard::to_allocvec(&DeltaBody::of(&delta)).unwrap();
    assert_eq!(body, body_bytes(delta.as_bytes()), "delta");
    let list = world
        .acme_root
        .revoke(
            3,
            T0,
            &[RevokedKey {
                key: KeyId([9; 32]),
                since: T0 - DAY,
            }],
        )
        .unwrap();
    let body = postcard::to_allocvec(&RevocationBody::of(&list)).unwrap();
    assert_eq!(body, body_bytes(list.as_bytes()), "revocation list");
    let compact = world
        .register
        .publish_compact_snapshot(seq(3), T0, T0 + 9 * DAY, v2.entries())
        .unwrap();
    let body = postcard::to_allocvec(&CompactSnapshotBody::of(&compact)).unwrap();
    assert_eq!(body, body_bytes(compact.as_bytes()), "compact snapshot");
    let challenge = Challenge::new([4; 32]);
    let response =
        ChallengeResponse::respond(&world.alice.camera_key, &challenge, &world.alice.camera)
            .unwrap();
    let mirror = ChallengeResponseBody {
        nonce: *response.nonce(),
        certificate: response.certificate(),
    };
    let body = postcard::to_allocvec(&mirror).unwrap();
    assert_eq!(body, body_bytes(response.as_bytes()), "challenge response");
}
