//! What a verifier says, as records and enums with the field names of the
//! core's JSON.

use partcert as pc;

use crate::error::ErrorInfo;
use crate::types::{
    ListingStatus, MatchedKey, PairedPart, PairingEvent, PartKind, Reason, imei_texts,
};

/// A named authority.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthorityInfo {
    /// Its name.
    pub name: String,
    /// Its key id.
    pub key_id: String,
}

impl AuthorityInfo {
    /// The authority a certificate names (its subject's name and key id).
    pub(crate) fn of(certificate: &pc::Certificate) -> Self {
        let authority = certificate.authority();
        AuthorityInfo {
            name: authority.map(|a| a.name.clone()).unwrap_or_default(),
            key_id: authority
                .map_or(certificate.issuer(), |a| a.key.key_id())
                .to_hex(),
        }
    }
}

impl From<&pc::AuthorityInfo> for AuthorityInfo {
    fn from(a: &pc::AuthorityInfo) -> Self {
        AuthorityInfo {
            name: a.name.clone(),
            key_id: a.key_id.to_hex(),
        }
    }
}

/// The part a verdict is about.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PartInfo {
    /// What it is.
    pub kind: PartKind,
    /// Who made it.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial.
    pub serial: String,
    /// Its identity digest.
    pub part_id: String,
    /// Its certificate's fingerprint.
    pub fingerprint: String,
    /// For boards: the IMEIs signed into it.
    pub imeis: Vec<String>,
}

/// How strongly the part is bound to its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Binding {
    /// The part proved it holds the key its certificate names.
    KeyProven,
    /// The part has a key, but no challenge response was checked.
    KeyNotChallenged,
    /// No secure element: the certificate binds only the serial.
    SerialOnly,
}

/// The handset a part was last paired to, from a pairing record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Provenance {
    /// The handset's IMEIs.
    pub handset_imeis: Vec<String>,
    /// The record's sequence.
    pub pairing_sequence: u64,
    /// What made the record.
    pub event: PairingEvent,
    /// When it was signed.
    pub paired_at: u64,
    /// When the record says this part was first paired (carried across
    /// repairs): the time its own maker vouches for, if the service is of
    /// the part's own root.
    pub first_paired: u64,
    /// The pairing service that signed it.
    pub service: AuthorityInfo,
    /// The record names an earlier certificate of the same part.
    pub certificate_renewed: bool,
}

/// The part's relation to the handset doing the verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Relation {
    /// Paired to this handset.
    PairedHere,
    /// Paired to another handset: a used part.
    PairedElsewhere,
    /// No pairing record was presented.
    Unpaired,
}

/// Why a list consulted may be out of date.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum StaleReason {
    /// It expired before the verification time.
    Expired,
    /// Its root has since revoked the key that signed it.
    SignerRevoked,
    /// The device follows this authority but holds no list from it.
    Missing,
    /// Another authority's list was issued after this one expired.
    OutdatedBy {
        /// The other authority's root key id.
        authority: String,
        /// Its name.
        authority_name: String,
        /// The time the other list's clock floor vouches for.
        issued_at: u64,
    },
    /// It is dated after this device's clock plus `clockTolerance()` (a
    /// careless or stolen key wrote a date from the future, or this
    /// device's clock is behind). It flags only itself.
    FutureDated {
        /// The issue time it carries.
        issued_at: u64,
    },
}

/// One followed authority's list as consulted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListChecked {
    /// The authority's root key id.
    pub authority: String,
    /// Its name.
    pub authority_name: String,
    /// The epoch consulted.
    pub epoch: u64,
    /// The sequence consulted.
    pub sequence: u64,
    /// When that list goes stale.
    pub expires_at: u64,
    /// Whether it may be out of date.
    pub stale: bool,
    /// Why, when it is stale.
    pub stale_reason: Option<StaleReason>,
}

/// A blocklist entry that matched, with who listed it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Listing {
    /// What matched: an IMEI, the part's identity or key, or (in a
    /// compact list) a part fingerprint.
    pub matched: MatchedKey,
    /// Whether the match is on a part fingerprint in a compact list rather
    /// than on the exact key (`matched` is then `PartFingerprint`).
    pub by_fingerprint: bool,
    /// The listing authority's root key id.
    pub authority: String,
    /// Its name.
    pub authority_name: String,
    /// The epoch of the list carrying it.
    pub epoch: u64,
    /// The sequence of the list carrying it.
    pub sequence: u64,
    /// Why it was listed.
    pub reason: Reason,
    /// When.
    pub listed_at: u64,
    /// Final or suspended.
    pub status: ListingStatus,
    /// For part entries: the handset the part was paired to when listed.
    pub handset: Option<String>,
}

/// The standing on the blocklists the device follows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum BlocklistStatus {
    /// No blocklist consulted: the device follows no list.
    NotChecked,
    /// No list carries it, and every followed list is current.
    Clean {
        /// The lists consulted.
        lists: Vec<ListChecked>,
    },
    /// No list held carries it, but a followed list is stale.
    Stale {
        /// The lists consulted; each stale one says why.
        lists: Vec<ListChecked>,
    },
    /// At least one list carries it.
    Blocked {
        /// Every matching listing, at most `maxListings()`.
        listings: Vec<Listing>,
        /// More listings matched than `maxListings()`: the rest were not
        /// read.
        capped: bool,
        /// Whether any list consulted was stale.
        stale: bool,
        /// The lists consulted.
        lists: Vec<ListChecked>,
    },
}

/// What trusted evidence says about a part. It reports; it never
/// disables: what to do with it is the owner's policy.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verdict {
    /// The part.
    pub part: PartInfo,
    /// The factory line that certified it.
    pub issuer: AuthorityInfo,
    /// The manufacturer root the chain ends in.
    pub root: AuthorityInfo,
    /// Key-proven, key not challenged, or serial-only.
    pub binding: Binding,
    /// When its line's key was revoked from, if a pairing record places
    /// the part before that time.
    pub issuer_revoked_since: Option<u64>,
    /// When its line's certificate ended, if it has (a retired line) and
    /// the part's own maker places the part before then: genuine, made
    /// while its line was certified.
    pub issuer_retired_at: Option<u64>,
    /// The handset it was paired to, if a pairing record was given.
    pub provenance: Option<Provenance>,
    /// Paired here, elsewhere, or unpaired.
    pub relation: Relation,
    /// Blocklist standing.
    pub blocklist: BlocklistStatus,
    /// Modem IMEIs not signed into this board (only on a blocked verdict).
    pub mismatched_imeis: Vec<String>,
    /// Why the pairing record presented with the part was refused (e.g.
    /// 307 ForeignPairingService). Only on a blocked verdict: a listed
    /// part stays blocked whatever record it comes with; otherwise the
    /// refusal is thrown.
    pub pairing_refused: Option<ErrorInfo>,
    /// The time the certificates were checked at.
    pub checked_at: u64,
    /// The core's one-line summary: "genuine (serial-only), used, clean".
    pub summary: String,
    /// Whether any list carries the part or its handset.
    pub is_blocked: bool,
    /// Whether a list consulted was stale.
    pub is_stale: bool,
}

/// One fitted part's outcome in a handset self-check.
// Crosses the FFI by value, serialised: boxing would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PartOutcome {
    /// Its evidence verified.
    Verified {
        /// The verdict.
        verdict: Verdict,
    },
    /// Its evidence could not be trusted.
    Refused {
        /// Why.
        error: ErrorInfo,
    },
}

/// One fitted part in a handset report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FittedPartReport {
    /// Its certificate's fingerprint.
    pub fingerprint: String,
    /// Its verdict, or why it was refused.
    pub outcome: PartOutcome,
}

/// The result of a handset self-check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HandsetReport {
    /// The handset's IMEIs (from its pairing record).
    pub handset_imeis: Vec<String>,
    /// The pairing record's sequence.
    pub pairing_sequence: u64,
    /// The handset's own blocklist standing.
    pub handset_blocklist: BlocklistStatus,
    /// Each fitted part's outcome, in the order given.
    pub parts: Vec<FittedPartReport>,
    /// Parts the record lists that were not found fitted.
    pub missing: Vec<PairedPart>,
    /// Modem IMEIs the record does not carry (only when blocked).
    pub mismatched_modem_imeis: Vec<String>,
    /// Why the handset's pairing record was refused. Only when the
    /// handset is blocked (blocked wins; the parts were then checked
    /// without the record); otherwise the refusal is thrown.
    pub pairing_refused: Option<ErrorInfo>,
    /// The time the record's certificates were checked at.
    pub checked_at: u64,
    /// Every fitted part verified and is paired here, none is missing,
    /// the modem agrees (says nothing about blocklists).
    pub all_original: bool,
    /// `all_original`, and everything checked against current lists and clean.
    pub all_original_and_clean: bool,
    /// The handset or any fitted part is on a list.
    pub is_blocked: bool,
    /// A list consulted was stale.
    pub is_stale: bool,
    /// A fitted part's evidence was refused.
    pub has_refused_parts: bool,
}

impl From<&pc::StaleReason> for StaleReason {
    fn from(r: &pc::StaleReason) -> Self {
        match r {
            pc::StaleReason::Expired => StaleReason::Expired,
            pc::StaleReason::SignerRevoked => StaleReason::SignerRevoked,
            pc::StaleReason::Missing => StaleReason::Missing,
            pc::StaleReason::OutdatedBy {
                authority,
                authority_name,
                issued_at,
            } => StaleReason::OutdatedBy {
                authority: authority.to_hex(),
                authority_name: authority_name.clone(),
                issued_at: *issued_at,
            },
            pc::StaleReason::FutureDated { issued_at } => StaleReason::FutureDated {
                issued_at: *issued_at,
            },
        }
    }
}

impl From<&pc::ListChecked> for ListChecked {
    fn from(l: &pc::ListChecked) -> Self {
        ListChecked {
            authority: l.authority.to_hex(),
            authority_name: l.authority_name.clone(),
            epoch: l.epoch,
            sequence: l.sequence,
            expires_at: l.expires_at,
            stale: l.stale,
            stale_reason: l.stale_reason.as_ref().map(StaleReason::from),
        }
    }
}

impl From<&pc::Listing> for Listing {
    fn from(l: &pc::Listing) -> Self {
        Listing {
            matched: l.matched.into(),
            by_fingerprint: l.by_fingerprint,
            authority: l.authority.to_hex(),
            authority_name: l.authority_name.clone(),
            epoch: l.epoch,
            sequence: l.sequence,
            reason: l.reason.into(),
            listed_at: l.listed_at,
            status: l.status.into(),
            handset: l.handset.map(|i| i.to_string()),
        }
    }
}

fn lists(lists: &[pc::ListChecked]) -> Vec<ListChecked> {
    lists.iter().map(ListChecked::from).collect()
}

impl From<&pc::BlocklistStatus> for BlocklistStatus {
    fn from(s: &pc::BlocklistStatus) -> Self {
        match s {
            pc::BlocklistStatus::NotChecked => BlocklistStatus::NotChecked,
            pc::BlocklistStatus::Clean { lists: l } => BlocklistStatus::Clean { lists: lists(l) },
            pc::BlocklistStatus::Stale { lists: l } => BlocklistStatus::Stale { lists: lists(l) },
            pc::BlocklistStatus::Blocked {
                listings,
                capped,
                stale,
                lists: l,
            } => BlocklistStatus::Blocked {
                listings: listings.iter().map(Listing::from).collect(),
                capped: *capped,
                stale: *stale,
                lists: lists(l),
            },
        }
    }
}

impl From<&pc::Verdict> for Verdict {
    fn from(v: &pc::Verdict) -> Self {
        Verdict {
            part: PartInfo {
                kind: v.part.kind.into(),
                manufacturer: v.part.manufacturer.clone(),
                model: v.part.model.clone(),
                serial: v.part.serial.clone(),
                part_id: v.part.part_id.to_hex(),
                fingerprint: v.part.fingerprint.to_hex(),
                imeis: imei_texts(&v.part.imeis),
            },
            issuer: (&v.issuer).into(),
            root: (&v.root).into(),
            binding: match v.binding {
                pc::Binding::KeyProven => Binding::KeyProven,
                pc::Binding::KeyNotChallenged => Binding::KeyNotChallenged,
                pc::Binding::SerialOnly => Binding::SerialOnly,
            },
            issuer_revoked_since: v.issuer_revoked_since,
            issuer_retired_at: v.issuer_retired_at,
            provenance: v.provenance.as_ref().map(|p| Provenance {
                handset_imeis: imei_texts(&p.handset_imeis),
                pairing_sequence: p.pairing_sequence,
                event: p.event.into(),
                paired_at: p.paired_at,
                first_paired: p.first_paired,
                service: (&p.service).into(),
                certificate_renewed: p.certificate_renewed,
            }),
            relation: match v.relation {
                pc::Relation::PairedHere => Relation::PairedHere,
                pc::Relation::PairedElsewhere => Relation::PairedElsewhere,
                pc::Relation::Unpaired => Relation::Unpaired,
            },
            blocklist: (&v.blocklist).into(),
            mismatched_imeis: imei_texts(&v.mismatched_imeis),
            pairing_refused: v.pairing_refused.as_ref().map(ErrorInfo::from),
            checked_at: v.checked_at,
            summary: v.summary(),
            is_blocked: v.is_blocked(),
            is_stale: v.is_stale(),
        }
    }
}

impl From<&pc::HandsetReport> for HandsetReport {
    fn from(r: &pc::HandsetReport) -> Self {
        HandsetReport {
            handset_imeis: imei_texts(&r.handset_imeis),
            pairing_sequence: r.pairing_sequence,
            handset_blocklist: (&r.handset_blocklist).into(),
            parts: r
                .parts
                .iter()
                .map(|p| FittedPartReport {
                    fingerprint: p.fingerprint.to_hex(),
                    outcome: match &p.outcome {
                        Ok(verdict) => PartOutcome::Verified {
                            verdict: verdict.into(),
                        },
                        Err(error) => PartOutcome::Refused {
                            error: error.into(),
                        },
                    },
                })
                .collect(),
            missing: r.missing.iter().map(PairedPart::from).collect(),
            mismatched_modem_imeis: imei_texts(&r.mismatched_modem_imeis),
            pairing_refused: r.pairing_refused.as_ref().map(ErrorInfo::from),
            checked_at: r.checked_at,
            all_original: r.all_original(),
            all_original_and_clean: r.all_original_and_clean(),
            is_blocked: r.is_blocked(),
            is_stale: r.is_stale(),
            has_refused_parts: r.has_refused_parts(),
        }
    }
}
