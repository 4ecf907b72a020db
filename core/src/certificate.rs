//! Certificates: roots, authorities and parts.

use serde::{Deserialize, Serialize};

pub use crate::coded::AuthorityRole;
use crate::envelope::{self, ObjectType, SIGNATURE_LEN};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, PartKind, PublicKey};
use crate::limits::{self, check_len};
use crate::text::{self, TextRule};

/// When a certificate is valid: seconds since the Unix epoch, both ends
/// inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Validity {
    /// First second of validity.
    pub not_before: u64,
    /// Last second of validity.
    pub not_after: u64,
}

impl Validity {
    /// A window from `not_before` lasting `days` days.
    pub fn days_from(not_before: u64, days: u64) -> Self {
        Validity {
            not_before,
            not_after: not_before.saturating_add(days.saturating_mul(86_400)),
        }
    }

    /// The window of a certificate signed at `signed_at` for `days` days.
    /// It starts [`Validity::ISSUE_CLOCK_SKEW`] before the signing time, so
    /// a verifier whose clock runs a little slow does not see a part
    /// certified moments ago as not yet valid.
    pub fn issued_at(signed_at: u64, days: u64) -> Self {
        Validity::days_from(signed_at.saturating_sub(Self::ISSUE_CLOCK_SKEW), days)
    }

    /// How far before its signing time an issued certificate starts: one hour.
    pub const ISSUE_CLOCK_SKEW: u64 = 3600;

    /// Whether `now` is inside the window.
    pub fn contains(&self, now: u64) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    pub(crate) fn check(&self, what: &'static str, now: u64) -> Result<(), Error> {
        if now < self.not_before {
            return Err(Error::NotYetValid {
                what,
                not_before: self.not_before,
                now,
            });
        }
        if now > self.not_after {
            return Err(Error::Expired {
                what,
                not_after: self.not_after,
                now,
            });
        }
        Ok(())
    }
}

impl AuthorityRole {
    /// Whether certificates of this role are self-signed trust anchors.
    pub fn is_root(self) -> bool {
        matches!(
            self,
            AuthorityRole::ManufacturerRoot | AuthorityRole::BlocklistRoot
        )
    }

    /// The root role allowed to certify this role.
    pub fn certified_by(self) -> AuthorityRole {
        match self {
            AuthorityRole::ManufacturerRoot
            | AuthorityRole::PartIssuer
            | AuthorityRole::PairingService => AuthorityRole::ManufacturerRoot,
            AuthorityRole::BlocklistRoot | AuthorityRole::BlocklistAuthority => {
                AuthorityRole::BlocklistRoot
            }
        }
    }
}

/// The subject of an authority certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthoritySubject {
    /// What the key may do.
    pub role: AuthorityRole,
    /// A human name ("Acme Phones root 2026", "UK National Register").
    pub name: String,
    /// The authority's public key.
    pub key: PublicKey,
    /// For part issuers: the part kinds it may certify (sorted, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_PERMITTED_KINDS}>")]
    pub permitted_kinds: Vec<PartKind>,
    /// For manufacturer roots and part issuers: the manufacturer names
    /// whose parts they may certify (sorted, unique, canonical). A part
    /// verifies only if both its issuer and its root name its maker.
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_MANUFACTURERS}>")]
    pub manufacturers: Vec<String>,
    /// For blocklist authorities: the one epoch whose lists the key may
    /// sign. Only the blocklist root opens a new epoch, so a stolen
    /// delegated key can always be superseded. 0 for every other role.
    pub epoch: u64,
}

/// The subject of a part certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PartSubject {
    /// The key id of the manufacturer root the part is certified under:
    /// part of its identity, and the root its chain must end in.
    pub root: KeyId,
    /// What the part is.
    pub kind: PartKind,
    /// Who made it.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial number, unique for the manufacturer and kind.
    pub serial: String,
    /// For boards: the IMEIs the board carries (sorted, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_IMEIS}>")]
    pub imeis: Vec<Imei>,
    /// For parts with a secure element: the key the part holds.
    pub key: Option<PublicKey>,
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl PartSubject {
    /// The part's identity digest.
    pub fn part_id(&self) -> PartId {
        PartId::compute(&self.root, &self.manufacturer, self.kind, &self.serial)
    }
}

/// Who or what a certificate is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Subject {
    /// An authority (root, issuer, service, blocklist authority).
    Authority(AuthoritySubject),
    /// A part.
    Part(PartSubject),
}

/// The signed content of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CertificateBody {
    /// The issuer's serial number for this certificate.
    pub serial_number: u64,
    /// Key id of the signing key (the subject's own key for roots).
    pub issuer: KeyId,
    /// When it is valid.
    pub validity: Validity,
    /// What it certifies.
    pub subject: Subject,
}

impl CertificateBody {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.validity.not_before > self.validity.not_after {
            return Err(Error::InvalidField("validity ends before it starts"));
        }
        match &self.subject {
            Subject::Authority(authority) => self.validate_authority(authority),
            Subject::Part(part) => validate_part(part),
        }
    }

    fn validate_authority(&self, authority: &AuthoritySubject) -> Result<(), Error> {
        text::check("authority name", TextRule::Display, &authority.name)?;
        authority.key.verifying_key()?;
        check_len(
            "permitted kinds",
            authority.permitted_kinds.len(),
            limits::MAX_PERMITTED_KINDS,
        )?;
        for kind in &authority.permitted_kinds {
            check_kind(*kind)?;
        }
        if !strictly_sorted(&authority.permitted_kinds) {
            return Err(Error::NotCanonical("permitted kinds"));
        }
        let is_issuer = authority.role == AuthorityRole::PartIssuer;
        if is_issuer == authority.permitted_kinds.is_empty() {
            return Err(Error::InvalidField(
                "only part issuers, and every part issuer, list permitted kinds",
            ));
        }
        check_len(
            "manufacturers",
            authority.manufacturers.len(),
            limits::MAX_MANUFACTURERS,
        )?;
        for name in &authority.manufacturers {
            text::check("manufacturer", TextRule::Manufacturer, name)?;
        }
        if !strictly_sorted(&authority.manufacturers) {
            return Err(Error::NotCanonical("manufacturers"));
        }
        let names_makers = matches!(
            authority.role,
            AuthorityRole::ManufacturerRoot | AuthorityRole::PartIssuer
        );
        if names_makers == authority.manufacturers.is_empty() {
            return Err(Error::InvalidField(
                "manufacturer roots and part issuers, and only they, name the manufacturers they certify",
            ));
        }
        if authority.role != AuthorityRole::BlocklistAuthority && authority.epoch != 0 {
            return Err(Error::InvalidField(
                "only blocklist authorities are certified for an epoch",
            ));
        }
        limits::check_sequence(authority.epoch)?;
        if authority.role.is_root() && self.issuer != authority.key.key_id() {
            return Err(Error::NotSelfSigned);
        }
        Ok(())
    }
}

fn validate_part(part: &PartSubject) -> Result<(), Error> {
    check_kind(part.kind)?;
    text::check("manufacturer", TextRule::Manufacturer, &part.manufacturer)?;
    text::check("model", TextRule::Display, &part.model)?;
    text::check("serial", TextRule::Serial, &part.serial)?;
    check_len("IMEIs", part.imeis.len(), limits::MAX_IMEIS)?;
    for imei in &part.imeis {
        imei.check()?;
    }
    if !strictly_sorted(&part.imeis) {
        return Err(Error::NotCanonical("IMEIs"));
    }
    match (part.kind == PartKind::Board, part.imeis.is_empty()) {
        (false, false) => return Err(Error::InvalidField("only boards carry IMEIs")),
        (true, true) => {
            return Err(Error::InvalidField("a board certificate carries its IMEIs"));
        }
        _ => {}
    }
    if let Some(key) = &part.key {
        key.verifying_key()?;
    }
    Ok(())
}

/// `Other(code)` must not alias a named kind: `Other(1)` would be signed
/// as code 1 and read back as a board.
fn check_kind(kind: PartKind) -> Result<(), Error> {
    if PartKind::from_code(kind.code()) != kind {
        return Err(Error::InvalidField(
            "a numbered part kind aliases a named one",
        ));
    }
    Ok(())
}

pub(crate) fn strictly_sorted<T: Ord>(items: &[T]) -> bool {
    items.windows(2).all(|pair| matches!(pair, [a, b] if a < b))
}

/// A decoded certificate: its body, and the exact bytes it was decoded from.
///
/// Decoding checks structure and bounds only; whether the certificate is
/// trusted is decided by a [`Verifier`](crate::Verifier) against a
/// [`TrustStore`](crate::TrustStore).
///
/// ```
/// use partcert::{Certificate, SecretKey, Validity, issue::Authority};
/// let root = Authority::new_manufacturer_root(SecretKey::from_seed(&[7; 32]), "Acme root",
///     &["Acme"], Validity::days_from(1_700_000_000, 3650)).unwrap();
/// let root = root.certificate();
/// let decoded = Certificate::decode(root.as_bytes()).unwrap();
/// assert_eq!(&decoded, root);
///
/// let mut tampered = root.as_bytes().to_vec();
/// tampered[12] ^= 1;
/// assert!(Certificate::decode(&tampered).and_then(|c| c.verify_self_signed()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    bytes: Vec<u8>,
    body: CertificateBody,
    fingerprint: Fingerprint,
}

impl Certificate {
    /// Decodes a certificate, enforcing every structural rule.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let body = envelope::open::<CertificateBody>(bytes, ObjectType::Certificate)?;
        body.validate()?;
        Ok(Certificate {
            bytes: bytes.to_vec(),
            body,
            fingerprint: Fingerprint::of_bytes(bytes),
        })
    }

    /// Signs a body with the issuer's key (through [`crate::issue::Authority`],
    /// which checks the issuer's role first).
    pub(crate) fn sign(
        body: CertificateBody,
        issuer_key: &crate::SecretKey,
    ) -> Result<Self, Error> {
        body.validate()?;
        if body.issuer != issuer_key.key_id() {
            return Err(Error::KeyMismatch);
        }
        let bytes = envelope::seal(ObjectType::Certificate, &body, issuer_key)?;
        let fingerprint = Fingerprint::of_bytes(&bytes);
        Ok(Certificate {
            bytes,
            body,
            fingerprint,
        })
    }

    /// Makes a self-signed root certificate (a manufacturer root or a
    /// blocklist root): the trust anchor verifiers pin.
    pub(crate) fn self_signed(
        key: &crate::SecretKey,
        role: AuthorityRole,
        name: &str,
        manufacturers: Vec<String>,
        validity: Validity,
    ) -> Result<Self, Error> {
        if !role.is_root() {
            return Err(Error::RoleNotPermitted {
                needed: "a root role",
                found: role.name(),
            });
        }
        let mut manufacturers = manufacturers;
        manufacturers.sort_unstable();
        manufacturers.dedup();
        let body = CertificateBody {
            serial_number: 1,
            issuer: key.key_id(),
            validity,
            subject: Subject::Authority(AuthoritySubject {
                role,
                name: name.to_owned(),
                key: key.public_key(),
                permitted_kinds: Vec::new(),
                manufacturers,
                epoch: 0,
            }),
        };
        Certificate::sign(body, key)
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(crate) fn body(&self) -> &CertificateBody {
        &self.body
    }

    /// The serial number its issuer gave it.
    pub fn serial_number(&self) -> u64 {
        self.body.serial_number
    }

    /// Who or what it certifies.
    pub fn subject(&self) -> &Subject {
        &self.body.subject
    }

    /// SHA-256 of the exact bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The issuer's key id.
    pub fn issuer(&self) -> KeyId {
        self.body.issuer
    }

    /// The validity window.
    pub fn validity(&self) -> Validity {
        self.body.validity
    }

    /// The authority subject, if this is an authority certificate.
    pub fn authority(&self) -> Option<&AuthoritySubject> {
        match &self.body.subject {
            Subject::Authority(authority) => Some(authority),
            Subject::Part(_) => None,
        }
    }

    /// The part subject, if this is a part certificate.
    pub fn part(&self) -> Option<&PartSubject> {
        match &self.body.subject {
            Subject::Part(part) => Some(part),
            Subject::Authority(_) => None,
        }
    }

    /// The key the certificate names, if any.
    pub fn subject_key(&self) -> Option<PublicKey> {
        match &self.body.subject {
            Subject::Authority(authority) => Some(authority.key),
            Subject::Part(part) => part.key,
        }
    }

    /// A name for the certificate's role, for messages.
    pub fn role_name(&self) -> &'static str {
        match &self.body.subject {
            Subject::Authority(authority) => authority.role.name(),
            Subject::Part(_) => "part",
        }
    }

    /// Checks this certificate's signature against the issuer's key.
    pub fn verify_signed_by(&self, issuer_key: &PublicKey) -> Result<(), Error> {
        if issuer_key.key_id() != self.body.issuer {
            return Err(Error::UnknownIssuer(self.body.issuer));
        }
        let (signed, signature) = self.split();
        envelope::verify_signature(issuer_key, signed, signature, "certificate")
    }

    /// Checks this certificate's signature with its issuer's key, already
    /// decompressed.
    pub(crate) fn verify_signed_with(
        &self,
        issuer_key: &ed25519_dalek::VerifyingKey,
    ) -> Result<(), Error> {
        let (signed, signature) = self.split();
        envelope::verify_with_key(issuer_key, signed, signature, "certificate")
    }

    /// Checks that this is a root certificate correctly signed by its own key.
    pub fn verify_self_signed(&self) -> Result<(), Error> {
        let authority = self
            .authority()
            .filter(|authority| authority.role.is_root())
            .ok_or(Error::NotSelfSigned)?;
        if authority.key.key_id() != self.body.issuer {
            return Err(Error::NotSelfSigned);
        }
        let (signed, signature) = self.split();
        envelope::verify_signature(&authority.key, signed, signature, "root certificate")
            .map_err(|_| Error::NotSelfSigned)
    }

    fn split(&self) -> (&[u8], &[u8]) {
        let signed = envelope::signed_part(&self.bytes);
        let signature = self.bytes.get(signed.len()..).unwrap_or_default();
        debug_assert_eq!(signature.len(), SIGNATURE_LEN);
        (signed, signature)
    }
}

impl TryFrom<&[u8]> for Certificate {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        Certificate::decode(bytes)
    }
}

/// In JSON (what `partcert show --json` prints): serial number, issuer,
/// validity, subject and fingerprint.
impl Serialize for Certificate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Certificate", 5)?;
        out.serialize_field("serial_number", &self.body.serial_number)?;
        out.serialize_field("issuer", &self.body.issuer)?;
        out.serialize_field("validity", &self.body.validity)?;
        out.serialize_field("subject", &self.body.subject)?;
        out.serialize_field("fingerprint", &self.fingerprint)?;
        out.end()
    }
}
