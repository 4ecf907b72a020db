//! Pairing records: which parts sit in which handset.

use serde::{Deserialize, Serialize};

use crate::certificate::{Certificate, strictly_sorted};
pub use crate::coded::PairingEvent;
use crate::envelope::{ObjectType, Signed};
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, PartKind};
use crate::limits::{self, check_len};

/// One part listed in a pairing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PairedPart {
    /// What the part is.
    pub kind: PartKind,
    /// The part's identity digest.
    pub part_id: PartId,
    /// The fingerprint of the part's certificate at pairing time.
    pub certificate: Fingerprint,
    /// For a keyed part: the key id of the key its certificate names, so
    /// a register listing the handset lists the part by its key too.
    pub key: Option<KeyId>,
    /// When a pairing service of the part's own maker first paired this
    /// certificate, carried from record to record across repairs: the
    /// evidence that keeps a part made before its line's key leaked, or
    /// before its line retired, genuine. At most the record's issue time.
    pub first_paired: u64,
}

impl PairedPart {
    /// The listing for a part certificate first paired at `first_paired`;
    /// `None` if it is not a part's.
    pub fn of(certificate: &Certificate, first_paired: u64) -> Option<Self> {
        certificate.part().map(|part| PairedPart {
            kind: part.kind,
            part_id: part.part_id(),
            certificate: certificate.fingerprint(),
            key: part.key.map(|key| key.key_id()),
            first_paired,
        })
    }
}

/// The signed content of a pairing record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PairingBody {
    /// The exact bytes of the pairing service's certificate.
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_CERTIFICATE_LEN}>")]
    pub service_certificate: Vec<u8>,
    /// The handset's IMEIs, as signed into its board's certificate (sorted).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_IMEIS}>")]
    pub imeis: Vec<Imei>,
    /// The handset's board.
    pub board: PairedPart,
    /// Every other part fitted (sorted by part id, unique).
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, {limits::MAX_PAIRED_PARTS}>")]
    pub parts: Vec<PairedPart>,
    /// Per-handset sequence: each re-pairing after a repair counts up.
    pub sequence: u64,
    /// What made this record.
    pub event: PairingEvent,
    /// When it was signed (seconds since the Unix epoch).
    pub issued_at: u64,
}

/// A signed record of the parts fitted in one handset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingRecord {
    signed: Signed<PairingBody>,
    service: Certificate,
}

impl PairingRecord {
    /// Decodes a pairing record, enforcing every structural rule.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let signed = Signed::<PairingBody>::decode(bytes, ObjectType::PairingRecord)?;
        let service = validate(&signed.body)?;
        Ok(PairingRecord { signed, service })
    }

    pub(crate) fn seal(body: PairingBody, key: &crate::SecretKey) -> Result<Self, Error> {
        let service = validate(&body)?;
        let signed = Signed::seal(ObjectType::PairingRecord, body, key)?;
        Ok(PairingRecord { signed, service })
    }

    /// The exact encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    pub(crate) fn body(&self) -> &PairingBody {
        &self.signed.body
    }

    /// The handset's board.
    pub fn board(&self) -> &PairedPart {
        &self.signed.body.board
    }

    /// Every other part fitted, sorted by part id.
    pub fn parts(&self) -> &[PairedPart] {
        &self.signed.body.parts
    }

    /// The per-handset sequence: each re-pairing after a repair counts up.
    pub fn sequence(&self) -> u64 {
        self.signed.body.sequence
    }

    /// What made this record.
    pub fn event(&self) -> PairingEvent {
        self.signed.body.event
    }

    /// When it was signed.
    pub fn issued_at(&self) -> u64 {
        self.signed.body.issued_at
    }

    /// The embedded pairing service certificate.
    pub fn service_certificate(&self) -> &Certificate {
        &self.service
    }

    /// The handset's IMEIs.
    pub fn imeis(&self) -> &[Imei] {
        &self.signed.body.imeis
    }

    /// Every part in the handset, board first.
    pub fn all_parts(&self) -> impl Iterator<Item = &PairedPart> {
        core::iter::once(&self.signed.body.board).chain(self.signed.body.parts.iter())
    }

    /// The listing of a part, by identity.
    pub fn find(&self, part_id: &PartId) -> Option<&PairedPart> {
        self.all_parts().find(|paired| paired.part_id == *part_id)
    }

    /// SHA-256 of the exact bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_bytes(&self.signed.bytes)
    }

    pub(crate) fn verify_signature_with(
        &self,
        service_key: &ed25519_dalek::VerifyingKey,
    ) -> Result<(), Error> {
        self.signed.verify_with(service_key, "pairing record")
    }
}

fn validate(body: &PairingBody) -> Result<Certificate, Error> {
    check_len(
        "service certificate",
        body.service_certificate.len(),
        limits::MAX_CERTIFICATE_LEN,
    )?;
    let service = Certificate::decode(&body.service_certificate)?;
    if body.imeis.is_empty() {
        return Err(Error::InvalidField(
            "a pairing record names at least one IMEI",
        ));
    }
    limits::check_sequence(body.sequence)?;
    check_len("IMEIs", body.imeis.len(), limits::MAX_IMEIS)?;
    for imei in &body.imeis {
        imei.check()?;
    }
    if !strictly_sorted(&body.imeis) {
        return Err(Error::NotCanonical("IMEIs"));
    }
    if body.board.kind != PartKind::Board {
        return Err(Error::InvalidField("the board entry is not a board"));
    }
    check_len("paired parts", body.parts.len(), limits::MAX_PAIRED_PARTS)?;
    let ids: Vec<PartId> = body.parts.iter().map(|p| p.part_id).collect();
    if !strictly_sorted(&ids) {
        return Err(Error::NotCanonical("paired parts"));
    }
    if body
        .parts
        .iter()
        .any(|p| p.part_id == body.board.part_id || p.kind == PartKind::Board)
    {
        return Err(Error::InvalidField("a handset has exactly one board"));
    }
    if core::iter::once(&body.board)
        .chain(&body.parts)
        .any(|p| p.first_paired > body.issued_at)
    {
        return Err(Error::InvalidField(
            "a part is first paired after the record that lists it",
        ));
    }
    Ok(service)
}

impl TryFrom<&[u8]> for PairingRecord {
    type Error = Error;
    fn try_from(bytes: &[u8]) -> Result<Self, Error> {
        PairingRecord::decode(bytes)
    }
}
