//! Issuing: what roots, factory lines, pairing services and registries
//! call. Every signing path goes through an [`Authority`], which checks
//! the signer's role and refuses to sign what a verifier would refuse.
//! A register's lists are signed in the blocklist wing
//! ([`Authority::publish`], see [`crate::blocklist`]).

use crate::certificate::{
    AuthorityRole, AuthoritySubject, Certificate, CertificateBody, PartSubject, Subject, Validity,
};
use crate::error::Error;
use crate::ids::{Imei, KeyId, PartKind, PublicKey};
use crate::keys::SecretKey;
use crate::pairing::{PairedPart, PairingBody, PairingEvent, PairingRecord};
use crate::revocation::{RevocationBody, RevocationList, RevokedKey};

/// What a pairing record says of a handset but its parts' pasts: its
/// board, the other parts fitted, its sequence, the event and the time.
struct Fitting<'a> {
    board: &'a Certificate,
    parts: &'a [Certificate],
    sequence: u64,
    event: PairingEvent,
    issued_at: u64,
}

/// What a part issuer writes into a part certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PartSpec {
    /// What the part is.
    pub kind: PartKind,
    /// Who made it: one of the names the issuer's certificate permits.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial, in its one written form (see the crate's text rules).
    pub serial: String,
    /// For boards: the IMEIs it carries (at least one).
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub imeis: Vec<Imei>,
    /// For parts with a secure element: the key the part holds.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub key: Option<PublicKey>,
}

/// An authority able to sign: its secret key and its certificate.
///
/// ```
/// use partcert::{PartKind, SecretKey, Validity};
/// use partcert::issue::{Authority, PartSpec};
/// let root = Authority::new_manufacturer_root(SecretKey::from_seed(&[1; 32]),
///     "Acme root", &["Acme"], Validity::days_from(0, 36500)).unwrap();
/// let line_key = SecretKey::from_seed(&[2; 32]);
/// let line_cert = root.certify_part_issuer("Acme line 3", line_key.public_key(),
///     &[PartKind::Screen], &["Acme"], 2, Validity::days_from(0, 7300)).unwrap();
/// let line = Authority::new(line_key, line_cert).unwrap();
/// let screen = line.certify_part(&PartSpec {
///     kind: PartKind::Screen, manufacturer: "Acme".into(), model: "A1 OLED".into(),
///     serial: "SCR-0001".into(), imeis: vec![], key: None,
/// }, 1, Validity::days_from(0, 10950)).unwrap();
/// assert_eq!(screen.part().unwrap().serial, "SCR-0001");
/// ```
#[derive(Debug, Clone)]
pub struct Authority {
    key: SecretKey,
    certificate: Certificate,
    subject: AuthoritySubject,
}

impl Authority {
    /// Pairs a key with its authority certificate; they must match.
    pub fn new(key: SecretKey, certificate: Certificate) -> Result<Self, Error> {
        let subject = certificate
            .authority()
            .ok_or(Error::RoleNotPermitted {
                needed: "an authority",
                found: "part",
            })?
            .clone();
        if subject.key != key.public_key() {
            return Err(Error::KeyMismatch);
        }
        Ok(Authority {
            key,
            certificate,
            subject,
        })
    }

    /// Creates a manufacturer root with its self-signed certificate, naming
    /// the manufacturers whose parts it (through its lines) may certify.
    pub fn new_manufacturer_root(
        key: SecretKey,
        name: &str,
        manufacturers: &[&str],
        validity: Validity,
    ) -> Result<Self, Error> {
        let names = manufacturers.iter().map(|n| (*n).to_owned()).collect();
        let certificate =
            Certificate::self_signed(&key, AuthorityRole::ManufacturerRoot, name, names, validity)?;
        Authority::new(key, certificate)
    }

    /// Creates a blocklist root (a registry, an operator) with its
    /// self-signed certificate.
    pub fn new_blocklist_root(
        key: SecretKey,
        name: &str,
        validity: Validity,
    ) -> Result<Self, Error> {
        let certificate = Certificate::self_signed(
            &key,
            AuthorityRole::BlocklistRoot,
            name,
            Vec::new(),
            validity,
        )?;
        Authority::new(key, certificate)
    }

    /// The authority's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The authority's secret key.
    pub fn key(&self) -> &SecretKey {
        &self.key
    }

    /// The authority's role.
    pub fn role(&self) -> AuthorityRole {
        self.subject.role
    }

    fn require(&self, role: AuthorityRole) -> Result<(), Error> {
        if self.role() != role {
            return Err(Error::RoleNotPermitted {
                needed: role.name(),
                found: self.role().name(),
            });
        }
        Ok(())
    }

    /// What every verifier checks of a certificate's issuer, checked
    /// before signing: a verifier accepts a certificate only while both it
    /// and its signer's certificate are valid, so a window that never
    /// overlaps the signer's (a signer already expired, or not yet valid
    /// when the new certificate ends) is refused.
    fn check_signer_overlaps(&self, validity: &Validity) -> Result<(), Error> {
        let signer = self.certificate.validity();
        let what = "signer's certificate, during the new certificate's validity";
        if validity.not_before > signer.not_after {
            return Err(Error::Expired {
                what,
                not_after: signer.not_after,
                now: validity.not_before,
            });
        }
        if validity.not_after < signer.not_before {
            return Err(Error::NotYetValid {
                what,
                not_before: signer.not_before,
                now: validity.not_after,
            });
        }
        Ok(())
    }

    fn certify(
        &self,
        subject: AuthoritySubject,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.require(subject.role.certified_by())?;
        self.check_signer_overlaps(&validity)?;
        let body = CertificateBody {
            serial_number,
            issuer: self.key.key_id(),
            validity,
            subject: Subject::Authority(subject),
        };
        Certificate::sign(body, &self.key)
    }

    /// Certifies a factory line (manufacturer roots only) for part kinds
    /// and manufacturer names, which must be among the root's own.
    pub fn certify_part_issuer(
        &self,
        name: &str,
        subject_key: PublicKey,
        permitted_kinds: &[PartKind],
        manufacturers: &[&str],
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.require(AuthorityRole::ManufacturerRoot)?;
        for maker in manufacturers {
            if !self.subject.manufacturers.iter().any(|m| m == maker) {
                return Err(Error::ManufacturerNotPermitted(
                    "manufacturer root",
                    (*maker).to_owned(),
                ));
            }
        }
        let mut kinds = permitted_kinds.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        let mut names: Vec<String> = manufacturers.iter().map(|n| (*n).to_owned()).collect();
        names.sort_unstable();
        names.dedup();
        self.certify(
            AuthoritySubject {
                role: AuthorityRole::PartIssuer,
                name: name.to_owned(),
                key: subject_key,
                permitted_kinds: kinds,
                manufacturers: names,
                epoch: 0,
            },
            serial_number,
            validity,
        )
    }

    /// Certifies a pairing service (manufacturer roots only): it vouches
    /// for handsets whose board this root certified.
    pub fn certify_pairing_service(
        &self,
        name: &str,
        subject_key: PublicKey,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.certify(
            AuthoritySubject {
                role: AuthorityRole::PairingService,
                name: name.to_owned(),
                key: subject_key,
                permitted_kinds: Vec::new(),
                manufacturers: Vec::new(),
                epoch: 0,
            },
            serial_number,
            validity,
        )
    }

    /// Certifies a delegated blocklist signing key (blocklist roots only)
    /// for exactly one epoch. To supersede a stolen delegated key, the
    /// root publishes in a later epoch (itself, or through a key certified
    /// for that epoch).
    pub fn certify_blocklist_authority(
        &self,
        name: &str,
        subject_key: PublicKey,
        epoch: u64,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.certify(
            AuthoritySubject {
                role: AuthorityRole::BlocklistAuthority,
                name: name.to_owned(),
                key: subject_key,
                permitted_kinds: Vec::new(),
                manufacturers: Vec::new(),
                epoch,
            },
            serial_number,
            validity,
        )
    }

    /// Certifies a part (part issuers only, for the kinds and manufacturer
    /// names they may certify), under this issuer's root.
    pub fn certify_part(
        &self,
        spec: &PartSpec,
        serial_number: u64,
        validity: Validity,
    ) -> Result<Certificate, Error> {
        self.require(AuthorityRole::PartIssuer)?;
        self.check_signer_overlaps(&validity)?;
        if !self.subject.permitted_kinds.contains(&spec.kind) {
            return Err(Error::KindNotPermitted(spec.kind));
        }
        if !self.subject.manufacturers.contains(&spec.manufacturer) {
            return Err(Error::ManufacturerNotPermitted(
                "part issuer",
                spec.manufacturer.clone(),
            ));
        }
        let mut imeis = spec.imeis.clone();
        imeis.sort_unstable();
        if let Some([twice, _]) = imeis
            .windows(2)
            .find(|pair| matches!(pair, [a, b] if a == b))
        {
            return Err(Error::Duplicate(format!("IMEI {twice}")));
        }
        let body = CertificateBody {
            serial_number,
            issuer: self.key.key_id(),
            validity,
            subject: Subject::Part(PartSubject {
                root: self.certificate.issuer(),
                kind: spec.kind,
                manufacturer: spec.manufacturer.clone(),
                model: spec.model.clone(),
                serial: spec.serial.clone(),
                imeis,
                key: spec.key,
            }),
        };
        Certificate::sign(body, &self.key)
    }

    /// Signs a pairing record (pairing services only, for boards certified
    /// under the service's own root): the handset's IMEIs come from its
    /// board's certificate. Every part is first paired now; after a repair,
    /// use [`Authority::pair_after`] so the parts keep their past.
    pub fn pair(
        &self,
        board: &Certificate,
        parts: &[Certificate],
        sequence: u64,
        event: PairingEvent,
        issued_at: u64,
    ) -> Result<PairingRecord, Error> {
        let fitting = Fitting {
            board,
            parts,
            sequence,
            event,
            issued_at,
        };
        self.pair_with(fitting, |_| None)
    }

    /// Signs the record of a handset after a repair (or any later pairing):
    /// as [`Authority::pair`], and each part keeps the time a pairing
    /// service of this root first paired its certificate, as the `earlier`
    /// records say (the handset's previous record, a donor handset's
    /// record). So "made before its line's key leaked" survives any number
    /// of repairs.
    ///
    /// Every earlier record must verify against `trust` at `issued_at` and
    /// be no later than it; only those of this service's own root (the
    /// part's maker) carry a first-paired time, so another maker's record
    /// can place a part in a handset but never vouch for its past.
    // The parameters are `pair`'s after the earlier records: packed, so the
    // two signatures do not read as one block written twice.
    #[allow(clippy::too_many_arguments)] // the record's fields, each needed
    #[rustfmt::skip]
    pub fn pair_after(&self, trust: &crate::TrustStore, earlier: &[PairingRecord],
        board: &Certificate, parts: &[Certificate], sequence: u64, event: PairingEvent,
        issued_at: u64) -> Result<PairingRecord, Error> {
        crate::limits::check_len(
            "earlier pairing records",
            earlier.len(),
            crate::limits::MAX_CHAIN_LEN,
        )?;
        let root = self.certificate.issuer();
        for record in earlier {
            crate::verify::check_record(trust, record, issued_at)?;
            if record.issued_at() > issued_at {
                return Err(Error::InvalidField(
                    "an earlier pairing record is dated after the new one",
                ));
            }
        }
        let own: Vec<&PairingRecord> = earlier
            .iter()
            .filter(|record| record.service_certificate().issuer() == root)
            .collect();
        let fitting = Fitting { board, parts, sequence, event, issued_at };
        self.pair_with(fitting, |part| {
            own.iter()
                .filter_map(|record| record.find(&part.part_id))
                .filter(|paired| paired.certificate == part.certificate)
                .map(|paired| paired.first_paired)
                .min()
        })
    }

    /// Signs a pairing record whose parts were first paired when
    /// `first_paired` says (now, if it says nothing).
    fn pair_with(
        &self,
        fitting: Fitting<'_>,
        first_paired: impl Fn(&PairedPart) -> Option<u64>,
    ) -> Result<PairingRecord, Error> {
        let Fitting {
            board,
            parts,
            sequence,
            event,
            issued_at,
        } = fitting;
        self.require(AuthorityRole::PairingService)?;
        self.certificate.validity().check(
            "pairing service certificate, at the record's issue time",
            issued_at,
        )?;
        crate::limits::check_sequence(sequence)?;
        let board_subject = board
            .part()
            .filter(|part| part.kind == PartKind::Board)
            .ok_or(Error::InvalidField(
                "the board certificate is not a board's",
            ))?;
        if board_subject.root != self.certificate.issuer() {
            return Err(Error::ForeignPairingService);
        }
        let entry = |certificate: &Certificate, what: &'static str| {
            let mut paired =
                PairedPart::of(certificate, issued_at).ok_or(Error::InvalidField(what))?;
            if let Some(earlier) = first_paired(&paired) {
                paired.first_paired = paired.first_paired.min(earlier);
            }
            Ok::<_, Error>(paired)
        };
        let board_entry = entry(board, "the board certificate is not a board's")?;
        let mut listed = Vec::with_capacity(parts.len());
        for part in parts {
            listed.push(entry(part, "a paired certificate is not a part's")?);
        }
        listed.sort_unstable_by_key(|part| part.part_id);
        if listed
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.part_id == b.part_id))
        {
            return Err(Error::InvalidField("a part is listed twice"));
        }
        let body = PairingBody {
            service_certificate: self.certificate.as_bytes().to_vec(),
            imeis: board_subject.imeis.clone(),
            board: board_entry,
            parts: listed,
            sequence,
            event,
            issued_at,
        };
        PairingRecord::seal(body, &self.key)
    }

    /// The authority a blocklist signed by this key belongs to: the key id
    /// of its blocklist root (its own, for a root). Other roles may not
    /// sign blocklists.
    pub fn blocklist_authority(&self) -> Result<KeyId, Error> {
        match self.role() {
            AuthorityRole::BlocklistRoot => Ok(self.key.key_id()),
            AuthorityRole::BlocklistAuthority => Ok(self.certificate.issuer()),
            other => Err(Error::RoleNotPermitted {
                needed: AuthorityRole::BlocklistAuthority.name(),
                found: other.name(),
            }),
        }
    }

    /// Signs a revocation list (roots only) of keys this root certified,
    /// each revoked from its `since` time.
    pub fn revoke(
        &self,
        sequence: u64,
        issued_at: u64,
        revoked: &[RevokedKey],
    ) -> Result<RevocationList, Error> {
        if !self.role().is_root() {
            return Err(Error::RoleNotPermitted {
                needed: "a root",
                found: self.role().name(),
            });
        }
        self.certificate.validity().check(
            "root certificate, at the revocation list's issue time",
            issued_at,
        )?;
        crate::limits::check_sequence(sequence)?;
        let mut revoked = revoked.to_vec();
        revoked.sort_unstable();
        if revoked
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.key == b.key))
        {
            return Err(Error::InvalidField("a key is revoked twice"));
        }
        let body = RevocationBody {
            root: self.key.key_id(),
            sequence,
            issued_at,
            revoked,
        };
        RevocationList::seal(body, &self.key)
    }
}
