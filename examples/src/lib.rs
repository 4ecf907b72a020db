//! The cast shared by the runnable examples in this folder: a phone maker
//! (Acme) with a factory line and a pairing service, and a national register
//! that lists stolen handsets. Keys come from fixed seeds so every run prints
//! the same ids; real authorities generate theirs with
//! `SecretKey::generate(&mut OsRng)` and keep the roots offline.
//!
//! A register signs every list it publishes with one call,
//! [`Authority::publish`]: what to sign (a [`Publication`]: the format, the
//! list it starts from, the keys it delists) and the entries it lists; the
//! core answers with the signed list and what changed ([`Changes`](partcert::blocklist::Changes)).
//!
//! Run an example with `cargo run -p partcert-examples --example repair_shop`
//! (or `boot_self_check`, `registry`, `national_register`);
//! `bash examples/run.sh` runs them all.

use partcert::blocklist::{
    Base, BlocklistEntry, BlocklistSnapshot, Format, ListVersion, ListingStatus, Publication,
    Published, Reason, SignedList,
};
use partcert::issue::{Authority, PartSpec};
use partcert::pairing::PairingEvent;
use partcert::{
    Certificate, Error, ErrorCode, Imei, PairingRecord, PartKind, SecretKey, TrustStore, Validity,
};

/// 1 January 2026, 00:00 UTC: when the story starts.
pub const T0: u64 = 1_767_225_600;
/// One day in seconds.
pub const DAY: u64 = 86_400;

fn years(n: u64) -> Validity {
    Validity::days_from(T0 - DAY, 365 * n)
}

/// A phone maker: its offline root, a factory line that certifies parts,
/// and the service that signs pairing records.
pub struct Manufacturer {
    /// The root verifiers pin.
    pub root: Authority,
    /// Factory line 3: certifies boards, screens and batteries.
    pub line: Authority,
    /// Signs which parts sit in which handset.
    pub pairing: Authority,
}

/// One handset as built at the factory, with its parts' certificates.
pub struct Handset {
    /// Its IMEI, signed into the board's certificate.
    pub imei: Imei,
    /// The main board's certificate.
    pub board: Certificate,
    /// The screen's certificate (the screen has a secure element).
    pub screen: Certificate,
    /// The key inside the screen's secure element.
    pub screen_key: SecretKey,
    /// The battery's certificate (serial-only: no secure element).
    pub battery: Certificate,
    /// The factory pairing record.
    pub record: PairingRecord,
}

impl Handset {
    /// The handset's IMEIs, as its modem reports them.
    pub fn imeis(&self) -> Vec<Imei> {
        vec![self.imei]
    }

    /// What a register lists when the handset is reported: its IMEI,
    /// every part paired to it, and a keyed part's key.
    pub fn reported(
        &self,
        reason: Reason,
        listed_at: u64,
        status: ListingStatus,
    ) -> Vec<BlocklistEntry> {
        BlocklistEntry::for_reported_handset(&self.record, reason, listed_at, status)
    }
}

impl Manufacturer {
    /// Acme Phones, with fixed seeds.
    pub fn acme() -> Result<Self, Error> {
        // The root names the makers whose parts its lines may certify.
        let root = Authority::new_manufacturer_root(
            SecretKey::from_seed(&[1; 32]),
            "Acme Phones root 2026",
            &["Acme"],
            years(30),
        )?;
        let line_key = SecretKey::from_seed(&[2; 32]);
        let line_cert = root.certify_part_issuer(
            "Acme factory line 3",
            line_key.public_key(),
            &[PartKind::Board, PartKind::Screen, PartKind::Battery],
            &["Acme"],
            2,
            years(20),
        )?;
        let pairing_key = SecretKey::from_seed(&[3; 32]);
        let pairing_cert = root.certify_pairing_service(
            "Acme pairing service",
            pairing_key.public_key(),
            3,
            years(20),
        )?;
        Ok(Manufacturer {
            root,
            line: Authority::new(line_key, line_cert)?,
            pairing: Authority::new(pairing_key, pairing_cert)?,
        })
    }

    /// The issuer chain a verifier needs next to a part certificate.
    pub fn chain(&self) -> Vec<Certificate> {
        vec![self.line.certificate().clone()]
    }

    /// Certifies one part.
    pub fn part(
        &self,
        kind: PartKind,
        serial: String,
        imeis: Vec<Imei>,
        key: Option<&SecretKey>,
    ) -> Result<Certificate, Error> {
        let spec = PartSpec {
            kind,
            manufacturer: "Acme".into(),
            model: "A1".into(),
            serial,
            imeis,
            key: key.map(SecretKey::public_key),
        };
        self.line.certify_part(&spec, 1_000, years(30))
    }

    /// Builds and pairs handset number `number` at the factory.
    pub fn build_handset(&self, number: u8) -> Result<Handset, Error> {
        let imei = Imei::with_check_digit(35_693_803_564_000 + u64::from(number))?;
        let board = self.part(
            PartKind::Board,
            format!("BRD-{number:04}"),
            vec![imei],
            None,
        )?;
        let screen_key = SecretKey::from_seed(&[100 + number; 32]);
        let screen = self.part(
            PartKind::Screen,
            format!("SCR-{number:04}"),
            vec![],
            Some(&screen_key),
        )?;
        let battery = self.part(PartKind::Battery, format!("BAT-{number:04}"), vec![], None)?;
        let record = self.pairing.pair(
            &board,
            &[screen.clone(), battery.clone()],
            1,
            PairingEvent::FactoryBuild,
            T0,
        )?;
        Ok(Handset {
            imei,
            board,
            screen,
            screen_key,
            battery,
            record,
        })
    }
}

/// A blocklist authority: a national register of stolen handsets, with an
/// offline root and the online key that signs its daily lists.
pub struct Registry {
    /// The root verifiers pin (separately from manufacturer roots).
    pub root: Authority,
    /// Signs snapshots and deltas, in epoch 0 only; valid five years.
    pub publisher: Authority,
}

impl Registry {
    /// The national register, with fixed seeds.
    pub fn national() -> Result<Self, Error> {
        let root = Authority::new_blocklist_root(
            SecretKey::from_seed(&[4; 32]),
            "National Mobile Property Register",
            years(30),
        )?;
        let publisher = Registry::certify_publisher(&root, 5, "NMPR daily publisher", 0, years(5))?;
        Ok(Registry { root, publisher })
    }

    /// A publisher key (from a fixed seed) certified by `root` for one
    /// epoch, for `validity`: only the root opens a later epoch.
    pub fn certify_publisher(
        root: &Authority,
        seed: u8,
        name: &str,
        epoch: u64,
        validity: Validity,
    ) -> Result<Authority, Error> {
        let key = SecretKey::from_seed(&[seed; 32]);
        let certificate = root.certify_blocklist_authority(
            name,
            key.public_key(),
            epoch,
            u64::from(seed),
            validity,
        )?;
        Authority::new(key, certificate)
    }
}

/// A sorted list of the entries listed, starting from nothing, signed at
/// `issued_at` and current for `days` days: what a register signs on most
/// days. A story that signs another format, over a base or delisting keys,
/// says so: `Publication { format: Format::Delta, base, ..publication(..) }`.
pub fn publication(version: ListVersion, issued_at: u64, days: u64) -> Publication<'static> {
    Publication {
        format: Format::Sorted,
        version,
        issued_at,
        expires_at: issued_at + days * DAY,
        base: Base::None,
        delisted: &[],
    }
}

/// What a publication changed, as a register's tool reports it (the
/// counts come from the core), and the size of the list signed.
pub fn describe(published: &Published) -> String {
    let changes = &published.changes;
    let mut said = format!(
        "{} listed, {} relisted, {} delisted, {} carried: {} keys",
        changes.listed, changes.relisted, changes.delisted, changes.carried, changes.total
    );
    if !changes.not_listed.is_empty() {
        said += &format!(", {} not listed to delist", changes.not_listed.len());
    }
    if changes.given_twice > 0 {
        said += &format!(", {} given twice", changes.given_twice);
    }
    said + &format!("; {} bytes", published.list.as_bytes().len())
}

/// A register keeps its sorted snapshots as its master list: the base of
/// its next lists.
pub fn sorted(list: SignedList) -> Result<BlocklistSnapshot, Error> {
    match list {
        SignedList::Sorted(snapshot) => Ok(snapshot),
        other => BlocklistSnapshot::decode(other.as_bytes()),
    }
}

/// A trust store pinning the manufacturer's root and the register's root.
pub fn trust_store(maker: &Manufacturer, registry: &Registry) -> Result<TrustStore, Error> {
    let mut trust = TrustStore::new();
    trust.add_manufacturer_root(maker.root.certificate().clone())?;
    trust.add_blocklist_root(registry.root.certificate().clone())?;
    Ok(trust)
}

/// Shows an attempt the library must refuse, and fails the example unless
/// it was refused with `code`.
pub fn refused<T>(
    what: &str,
    attempt: Result<T, Error>,
    code: ErrorCode,
) -> Result<(), Box<dyn std::error::Error>> {
    let Err(error) = attempt else {
        return Err(format!("expected {what} to be refused ({code})").into());
    };
    println!("{what}: refused, error {} — {error}", error.code());
    expect(
        error.code() == code,
        &format!("{what} to be refused as {code}"),
    )
}

/// Fails an example with a message when what it shows did not happen.
pub fn expect(condition: bool, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    if condition {
        Ok(())
    } else {
        Err(format!("expected {what}").into())
    }
}
