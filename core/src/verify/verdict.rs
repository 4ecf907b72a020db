//! What a verifier says: the verdict on one part and its parts.

use serde::Serialize;

pub use crate::coded::{Binding, Relation};

use crate::blocklist::{ListChecked, Listing, ListingStatus, StaleReason};
use crate::certificate::Certificate;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, PartKind};
use crate::pairing::PairingEvent;

/// A named authority in a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthorityInfo {
    /// Its name.
    pub name: String,
    /// Its key id.
    pub key_id: KeyId,
}

impl AuthorityInfo {
    pub(crate) fn of(certificate: &Certificate) -> Self {
        let authority = certificate.authority();
        AuthorityInfo {
            name: authority.map(|a| a.name.clone()).unwrap_or_default(),
            key_id: authority
                .map(|a| a.key.key_id())
                .unwrap_or(certificate.issuer()),
        }
    }
}

/// The part a verdict is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PartInfo {
    /// What it is.
    pub kind: PartKind,
    /// Who made it.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Its serial.
    pub serial: String,
    /// Its identity digest (bound to its manufacturer root).
    pub part_id: PartId,
    /// Its certificate's fingerprint.
    pub fingerprint: Fingerprint,
    /// For boards: the IMEIs signed into its certificate.
    pub imeis: Vec<Imei>,
}

/// Which handset the part was last paired to, from a pairing record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Provenance {
    /// The handset's IMEIs.
    pub handset_imeis: Vec<Imei>,
    /// The record's per-handset sequence.
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
    /// The record names an earlier certificate of the same part (the part
    /// was re-certified since it was paired): the same part, reported.
    pub certificate_renewed: bool,
}

/// The part's standing on the blocklists the device follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BlocklistStatus {
    /// No blocklist consulted: the device follows no list at all.
    NotChecked,
    /// No list carries it, and every followed list is current.
    Clean {
        /// The lists consulted (all current).
        lists: Vec<ListChecked>,
    },
    /// No list held carries it, but at least one followed list is stale
    /// (expired, signed by a since-revoked key, missing, or outdated by
    /// another authority's newer list): the answer may be out of date.
    Stale {
        /// The lists consulted; each stale one says why.
        lists: Vec<ListChecked>,
    },
    /// At least one list carries it.
    Blocked {
        /// Every matching listing, at most
        /// [`MAX_LISTINGS`](crate::limits::MAX_LISTINGS).
        listings: Vec<Listing>,
        /// More listings matched than the cap: the rest were not read.
        capped: bool,
        /// Whether any list consulted was stale.
        stale: bool,
        /// The lists consulted.
        lists: Vec<ListChecked>,
    },
}

impl BlocklistStatus {
    /// Whether a list consulted was stale: true for `Stale`, and for
    /// `Blocked` when a list consulted was stale.
    pub fn is_stale(&self) -> bool {
        match self {
            BlocklistStatus::Stale { .. } => true,
            BlocklistStatus::Blocked { stale, .. } => *stale,
            BlocklistStatus::NotChecked | BlocklistStatus::Clean { .. } => false,
        }
    }

    /// Whether any list carries the key looked up.
    pub fn is_blocked(&self) -> bool {
        matches!(self, BlocklistStatus::Blocked { .. })
    }

    /// The matching listings (empty unless `Blocked`).
    pub fn listings(&self) -> &[Listing] {
        match self {
            BlocklistStatus::Blocked { listings, .. } => listings,
            _ => &[],
        }
    }

    /// The lists consulted (empty for `NotChecked`).
    pub fn lists(&self) -> &[ListChecked] {
        match self {
            BlocklistStatus::NotChecked => &[],
            BlocklistStatus::Clean { lists }
            | BlocklistStatus::Stale { lists }
            | BlocklistStatus::Blocked { lists, .. } => lists,
        }
    }

    /// A short description: "clean", "BLOCKED: stolen", "clean but
    /// blocklist stale (National register: missing)" …
    pub fn summary(&self) -> String {
        match self {
            BlocklistStatus::NotChecked => "blocklist not checked".to_owned(),
            BlocklistStatus::Clean { .. } => "clean".to_owned(),
            BlocklistStatus::Stale { lists } => {
                format!("clean but blocklist stale ({})", stale_lists(lists))
            }
            BlocklistStatus::Blocked { listings, .. } => {
                let mut reasons: Vec<String> = listings
                    .iter()
                    .map(|l| {
                        let mut reason = l.reason.name().to_owned();
                        if l.status == ListingStatus::Suspended {
                            reason.push_str(" (suspended)");
                        }
                        if l.by_fingerprint {
                            reason.push_str(" (by fingerprint)");
                        }
                        reason
                    })
                    .collect();
                reasons.dedup();
                format!("BLOCKED: {}", reasons.join(", "))
            }
        }
    }
}

fn stale_lists(lists: &[ListChecked]) -> String {
    let described: Vec<String> = lists
        .iter()
        .filter_map(|list| {
            let why = match list.stale_reason.as_ref()? {
                StaleReason::Expired => "expired".to_owned(),
                StaleReason::SignerRevoked => "signer revoked".to_owned(),
                StaleReason::Missing => "missing".to_owned(),
                StaleReason::OutdatedBy { authority_name, .. } => {
                    format!("outdated by {authority_name}")
                }
                StaleReason::FutureDated { .. } => "dated after this device's clock".to_owned(),
                StaleReason::NoFreshHead { .. } => "no fresh head from its repository".to_owned(),
            };
            let name = if list.authority_name.is_empty() {
                list.authority.to_string()
            } else {
                list.authority_name.clone()
            };
            Some(format!("{name}: {why}"))
        })
        .collect();
    described.join("; ")
}

/// What trusted evidence says about a part. It reports; it never disables:
/// what a device or shop does with it is the owner's policy.
///
/// Every front shows it the same way: first [`Verdict::headline`] (what
/// the part is, in plain words), then [`Verdict::advice`] (what to do);
/// the fields below are the details. Refused evidence reads through
/// [`Refusal`](super::Refusal), a handset through
/// [`HandsetReport::headline`](super::HandsetReport::headline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The part.
    pub part: PartInfo,
    /// The part issuer (factory line) that certified it.
    pub issuer: AuthorityInfo,
    /// The manufacturer root the chain ends in.
    pub root: AuthorityInfo,
    /// Key-proven, key not challenged, or serial-only.
    pub binding: Binding,
    /// When the issuer's key was revoked from, if it was and the part's
    /// own maker places this certificate before that time (a record of one
    /// of its pairing services says when it was first paired): genuine,
    /// made before the leak.
    pub issuer_revoked_since: Option<u64>,
    /// When the issuer's certificate ended, if it has (a retired line) and
    /// the part's own maker places this certificate before then: genuine,
    /// made while its line was certified.
    pub issuer_retired_at: Option<u64>,
    /// The handset it was paired to, if a pairing record was given.
    pub provenance: Option<Provenance>,
    /// Paired here, elsewhere, or unpaired.
    pub relation: Relation,
    /// Blocklist standing.
    pub blocklist: BlocklistStatus,
    /// IMEIs the modem presented that are not signed into this board. Only
    /// ever non-empty on a blocked verdict: a listed board stays blocked
    /// whatever its modem says; otherwise a mismatch is an error.
    pub mismatched_imeis: Vec<Imei>,
    /// Why the pairing record presented with the part was refused. Only
    /// ever set on a blocked verdict: a listed part stays blocked whatever
    /// record it comes with; otherwise the refusal is the error.
    pub pairing_refused: Option<crate::Error>,
    /// The time the certificates were checked at: the caller's clock,
    /// raised to the newest revocation list of the part's own root.
    pub checked_at: u64,
}

/// In JSON, every field, then `headline` and `advice`: every front's JSON
/// carries the words a technician reads.
impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Verdict", 14)?;
        out.serialize_field("part", &self.part)?;
        out.serialize_field("issuer", &self.issuer)?;
        out.serialize_field("root", &self.root)?;
        out.serialize_field("binding", &self.binding)?;
        out.serialize_field("issuer_revoked_since", &self.issuer_revoked_since)?;
        out.serialize_field("issuer_retired_at", &self.issuer_retired_at)?;
        out.serialize_field("provenance", &self.provenance)?;
        out.serialize_field("relation", &self.relation)?;
        out.serialize_field("blocklist", &self.blocklist)?;
        out.serialize_field("mismatched_imeis", &self.mismatched_imeis)?;
        out.serialize_field("pairing_refused", &self.pairing_refused)?;
        out.serialize_field("checked_at", &self.checked_at)?;
        out.serialize_field("headline", &self.headline())?;
        out.serialize_field("advice", &self.advice())?;
        out.end()
    }
}

impl Verdict {
    /// Whether any list carries the part or its handset.
    pub fn is_blocked(&self) -> bool {
        self.blocklist.is_blocked()
    }

    /// Whether a list consulted was stale.
    pub fn is_stale(&self) -> bool {
        self.blocklist.is_stale()
    }

    /// A one-line summary in the protocol's words: "genuine (key-proven),
    /// used, clean", "genuine (serial-only), unpaired, BLOCKED: stolen" …
    /// What a technician reads first is [`Verdict::headline`] and
    /// [`Verdict::advice`].
    pub fn summary(&self) -> String {
        let mut summary = format!(
            "genuine ({}), {}, {}",
            self.binding.name(),
            self.relation.name(),
            self.blocklist.summary()
        );
        if !self.mismatched_imeis.is_empty() {
            summary.push_str(", modem IMEI does not match the board");
        }
        if self.pairing_refused.is_some() {
            summary.push_str(", its pairing record was refused");
        }
        if self.issuer_revoked_since.is_some() {
            summary.push_str(", made before its line's key was revoked");
        }
        if self.issuer_retired_at.is_some() {
            summary.push_str(", made before its line retired");
        }
        summary
    }
}
