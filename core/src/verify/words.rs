//! What a technician reads first, and what to do: every verdict's headline
//! and advice, decided once here so the command-line tool, C, Kotlin and
//! Swift show the same words.
//!
//! A headline starts with one upper-case word a technician can act on at a
//! glance (`OK`, `BLOCKED`, `NOT SURE`, `NOT CHECKED`, `COUNTERFEIT?`,
//! `CANNOT TELL`, `UNTRUSTED`, `UNREADABLE`, `REPAIRED`), then says in
//! plain words what the part is. Neither line carries a hex id, a key id or
//! a protocol detail: those are in the verdict's fields. A refusal says
//! what the part *claims* to be, and never advises trusting a root that
//! came with the part.

use super::handset::HandsetReport;
use super::verdict::{Binding, BlocklistStatus, PartInfo, Relation, Verdict};
use crate::blocklist::{ListingStatus, StaleReason};
use crate::certificate::Certificate;
use crate::error::{Error, ErrorFamily};
use crate::ids::PartKind;

/// A part kind in words: `screen`, `rear camera`.
fn kind_words(kind: PartKind) -> String {
    kind.name().replace('-', " ")
}

/// `Acme screen SCR-0001`.
fn part_words(part: &PartInfo) -> String {
    format!(
        "{} {} {}",
        part.manufacturer,
        kind_words(part.kind),
        part.serial
    )
}

/// The reasons of a blocked standing, in words: `stolen`, `lost (suspended
/// pending inquiry)`, `stolen and fraud`.
fn listed_as(status: &BlocklistStatus) -> String {
    let mut reasons: Vec<String> = Vec::new();
    for listing in status.listings() {
        let mut reason = listing.reason.name().to_owned();
        if listing.status == ListingStatus::Suspended {
            reason.push_str(" (suspended pending inquiry)");
        }
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    if reasons.is_empty() {
        "listed".to_owned()
    } else {
        format!("listed as {}", reasons.join(" and "))
    }
}

/// Whether every listing of a blocked standing is suspended (a lost phone
/// that may be found), none final.
fn only_suspended(status: &BlocklistStatus) -> bool {
    !status.listings().is_empty()
        && status
            .listings()
            .iter()
            .all(|listing| listing.status == ListingStatus::Suspended)
}

/// What to do about a blocked part or handset: `act` is what not to do
/// (`fit it`, `repair the handset`).
fn blocked_advice(status: &BlocklistStatus, act: &str) -> String {
    let mut advice = if only_suspended(status) {
        format!(
            "Do not {act} yet: the listing is suspended pending inquiry. Ask the owner to have \
             it cleared with the register that listed it, then check again."
        )
    } else {
        format!(
            "Do not {act}. Keep it aside and tell the customer; the shop can report it to the \
             police or to the register that listed it."
        )
    };
    if status
        .listings()
        .iter()
        .any(|listing| listing.by_fingerprint)
    {
        advice.push_str(
            " The match is by a short fingerprint in a national list: the register can confirm \
             it is this exact part.",
        );
    }
    advice
}

/// What to do about a stale list: fetch a fresh one, or look at the clock
/// when the list's dates disagree with it.
fn stale_advice(status: &BlocklistStatus) -> String {
    let clock = status.lists().iter().any(|list| {
        matches!(
            list.stale_reason,
            Some(StaleReason::OutdatedBy { .. } | StaleReason::FutureDated { .. })
        )
    });
    if clock {
        "Do not rely on it yet: check this computer's clock, update the blocklist from the \
         register, and check again."
            .to_owned()
    } else {
        "Do not rely on it yet: update the blocklist from the register (the list held is out \
         of date or missing), then check again."
            .to_owned()
    }
}

const NOT_CHECKED_ADVICE: &str = "It could be stolen: check it again with the register's \
     blocklist before fitting it.";

impl Verdict {
    /// The first line a technician reads, in plain words: `OK — genuine
    /// Acme screen SCR-0001, not reported stolen`, `BLOCKED — Acme screen
    /// SCR-0001 is listed as stolen` … No hex ids, no protocol details.
    pub fn headline(&self) -> String {
        let part = part_words(&self.part);
        let used = match self.relation {
            Relation::PairedElsewhere => ", used (from another handset)",
            Relation::PairedHere => ", fitted in this handset",
            Relation::Unpaired => "",
        };
        match &self.blocklist {
            BlocklistStatus::Blocked { .. } => {
                format!("BLOCKED — {part} is {}", listed_as(&self.blocklist))
            }
            BlocklistStatus::Stale { .. } => format!(
                "NOT SURE — genuine {part}{used}, not listed, but the blocklist is out of date"
            ),
            BlocklistStatus::NotChecked => {
                format!("NOT CHECKED — genuine {part}{used}, but no blocklist was checked")
            }
            BlocklistStatus::Clean { .. } => {
                let proof = match self.binding {
                    Binding::KeyProven => ", and it proved it is the part its certificate names",
                    Binding::KeyNotChallenged => {
                        "; the part itself was not asked to prove it holds its key"
                    }
                    Binding::SerialOnly => "; its certificate names a serial only (no chip)",
                };
                format!("OK — genuine {part}{used}, not reported stolen or lost{proof}")
            }
        }
    }

    /// What to do, in one line: `Fine to fit.`, `Do not fit it. …`, `Do
    /// not rely on it yet: update the blocklist …`.
    pub fn advice(&self) -> String {
        match &self.blocklist {
            BlocklistStatus::Blocked { .. } => blocked_advice(&self.blocklist, "fit it"),
            BlocklistStatus::Stale { .. } => stale_advice(&self.blocklist),
            BlocklistStatus::NotChecked => NOT_CHECKED_ADVICE.to_owned(),
            BlocklistStatus::Clean { .. } => {
                let mut advice = match self.binding {
                    Binding::KeyProven => "Fine to fit.".to_owned(),
                    Binding::KeyNotChallenged => "Before fitting, have the part answer a fresh \
                         challenge: only that proves it is not a copy of a genuine part."
                        .to_owned(),
                    Binding::SerialOnly => format!(
                        "Fine to fit if the serial printed on the part reads {}: a serial-only \
                         certificate can be copied.",
                        self.part.serial
                    ),
                };
                if self.relation == Relation::PairedElsewhere {
                    advice.push_str(
                        " It comes from another handset: pair it to the handset it is fitted in \
                         (a repair record).",
                    );
                }
                advice
            }
        }
    }
}

/// Errors that mean the part is not what it claims to be: it does not chain
/// to its maker's trusted root, its signature is wrong, or its certificate
/// names what its issuer may not certify.
fn is_counterfeit(error: &Error) -> bool {
    matches!(
        error,
        Error::UnknownIssuer(_)
            | Error::BadSignature(_)
            | Error::NotSelfSigned
            | Error::KindNotPermitted(_)
            | Error::ManufacturerNotPermitted(..)
            | Error::RootMismatch(_)
            | Error::WrongChallengeResponse
    )
}

/// Evidence a verifier refused — a part that is not what it claims, or
/// evidence that cannot be trusted — with the headline and advice every
/// front shows for it.
///
/// ```
/// # use partcert::*;
/// # use partcert::issue::{Authority, PartSpec};
/// # use partcert::verify::Refusal;
/// # let acme = Authority::new_manufacturer_root(SecretKey::from_seed(&[1; 32]),
/// #     "Acme root", &["Acme"], Validity::days_from(0, 36500)).unwrap();
/// // A forger's own "Acme" root and line certify a screen.
/// # let forger = Authority::new_manufacturer_root(SecretKey::from_seed(&[3; 32]),
/// #     "Acme root", &["Acme"], Validity::days_from(0, 36500)).unwrap();
/// # let line_key = SecretKey::from_seed(&[2; 32]);
/// # let line = Authority::new(line_key.clone(), forger.certify_part_issuer("Acme line 3",
/// #     line_key.public_key(), &[PartKind::Screen], &["Acme"], 2,
/// #     Validity::days_from(0, 7300)).unwrap()).unwrap();
/// # let fake = line.certify_part(&PartSpec { kind: PartKind::Screen,
/// #     manufacturer: "Acme".into(), model: "A1".into(), serial: "SCR-9".into(),
/// #     imeis: vec![], key: None }, 1, Validity::days_from(0, 10950)).unwrap();
/// let mut trust = TrustStore::new();
/// trust.add_manufacturer_root(acme.certificate().clone())?;
/// let chain = [line.certificate().clone()];
/// let error = Verifier::new(&trust)
///     .verify_part(&PartEvidence::new(&fake, &chain), 1_000)
///     .unwrap_err();
/// let refusal = Refusal::new(&error, Some(&fake), true);
/// assert_eq!(
///     refusal.headline(),
///     "COUNTERFEIT? — claims to be an Acme screen (serial SCR-9), but is not signed by the \
///      Acme root this shop trusts"
/// );
/// assert!(!refusal.advice().contains("pin"));
/// // Without its line's certificate, a part cannot be told genuine or fake.
/// let error = Verifier::new(&trust).verify_part(&PartEvidence::new(&fake, &[]), 1_000).unwrap_err();
/// assert!(Refusal::new(&error, Some(&fake), false).headline().starts_with("CANNOT TELL"));
/// # Ok::<(), partcert::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a> {
    /// Why the evidence was refused.
    pub error: &'a Error,
    /// The part's own certificate, if it could be read: what the part
    /// claims to be.
    pub part: Option<&'a Certificate>,
    /// Whether any issuer certificate was given with the part: a genuine
    /// part checked without its factory line's certificate cannot chain.
    pub chain_given: bool,
}

impl<'a> Refusal<'a> {
    /// A refusal of `error` about the part certificate `part`.
    pub fn new(error: &'a Error, part: Option<&'a Certificate>, chain_given: bool) -> Self {
        Refusal {
            error,
            part,
            chain_given,
        }
    }

    /// What the part claims to be: `an Acme screen (serial SCR-0001)`.
    fn claim(&self) -> Option<(String, String)> {
        let part = self.part?.part()?;
        let article = match part.manufacturer.chars().next() {
            Some(c) if "AEIOUaeiou".contains(c) => "an",
            _ => "a",
        };
        Some((
            format!(
                "{article} {} {} (serial {})",
                part.manufacturer,
                kind_words(part.kind),
                part.serial
            ),
            part.manufacturer.clone(),
        ))
    }

    /// Whether the part may well be genuine but was checked without its
    /// factory line's certificate.
    fn missing_chain(&self) -> bool {
        matches!(self.error, Error::UnknownIssuer(_)) && !self.chain_given
    }

    /// The first line a technician reads: `COUNTERFEIT? — claims to be an
    /// Acme screen (serial SCR-0001), but is not signed by the Acme root
    /// this shop trusts` …
    pub fn headline(&self) -> String {
        let claim = self.claim();
        let maker = claim.as_ref().map(|(_, maker)| maker.as_str());
        let trusted_root = maker.map_or_else(
            || "a root this shop trusts".to_owned(),
            |maker| format!("the {maker} root this shop trusts"),
        );
        // What went wrong, said after "claims to be …, but" when the part's
        // claim was read, and on its own when it was not.
        let (lead, with_claim, alone): (&str, String, String) = if self.missing_chain() {
            (
                "CANNOT TELL",
                "the certificate of the factory line that made it was not given".to_owned(),
                "the certificate of the part's factory line was not given".to_owned(),
            )
        } else {
            match self.error {
                Error::WrongChallengeResponse => (
                    "COUNTERFEIT?",
                    "it did not prove it holds its certificate's key".to_owned(),
                    "the part did not prove it holds its certificate's key".to_owned(),
                ),
                Error::UnknownIssuer(_) | Error::RootMismatch(_) => (
                    "COUNTERFEIT?",
                    format!("is not signed by {trusted_root}"),
                    format!("the part is not signed by {trusted_root}"),
                ),
                error if is_counterfeit(error) => (
                    "COUNTERFEIT?",
                    format!("its certificate is not one {trusted_root} would sign"),
                    format!("a certificate given is not one {trusted_root} would sign"),
                ),
                error if error.family() == ErrorFamily::Malformed => {
                    return "UNREADABLE — a file given is damaged or not a partcert file"
                        .to_owned();
                }
                Error::IssuerRevoked(_) => (
                    "UNTRUSTED",
                    "the factory line that certified it has had its key withdrawn".to_owned(),
                    "a key that signed the evidence has been withdrawn by its root".to_owned(),
                ),
                Error::Expired { .. } => (
                    "UNTRUSTED",
                    "a certificate for it has expired".to_owned(),
                    "a certificate given has expired".to_owned(),
                ),
                Error::NotYetValid { .. } => (
                    "UNTRUSTED",
                    "a certificate for it is not valid yet".to_owned(),
                    "a certificate given is not valid yet".to_owned(),
                ),
                Error::ImeiMismatch { .. } => (
                    "UNTRUSTED",
                    "the IMEI the handset reports is not the one signed for it".to_owned(),
                    "the IMEI the handset reports is not the one its record carries".to_owned(),
                ),
                Error::PartNotInPairingRecord => (
                    "UNTRUSTED",
                    "the pairing record given is not this part's".to_owned(),
                    "the pairing record given does not list the part".to_owned(),
                ),
                Error::ForeignPairingService => (
                    "UNTRUSTED",
                    "the pairing record given is not this part's".to_owned(),
                    "the pairing record is not signed by the board's own maker".to_owned(),
                ),
                error => {
                    let description = error.code().description().to_owned();
                    ("UNTRUSTED", description.clone(), description)
                }
            }
        };
        match claim {
            Some((claim, _)) => format!("{lead} — claims to be {claim}, but {with_claim}"),
            None => format!("{lead} — {alone}"),
        }
    }

    /// What to do, in one line. A counterfeit is never advised to be
    /// trusted: only certificates the shop got from the maker itself count.
    pub fn advice(&self) -> String {
        if self.missing_chain() {
            return "Give the certificate of its factory line (the maker publishes its lines' \
                    certificates beside its root), then check again; until then treat it as \
                    unverified."
                .to_owned();
        }
        match self.error {
            Error::WrongChallengeResponse => "Do not fit it yet: send it a fresh challenge and \
                 check again; if it fails again it is a copy of a genuine part."
                .to_owned(),
            error if is_counterfeit(error) => "Do not fit it: return it to the supplier. Only \
                 certificates the shop got from the maker itself count, never ones that came \
                 with the part."
                .to_owned(),
            Error::IssuerRevoked(_) => "Do not fit it: parts certified after a line's key was \
                 withdrawn cannot be told from fakes. Ask the maker or the supplier."
                .to_owned(),
            Error::Expired { .. } | Error::NotYetValid { .. } => "Check this computer's date and \
                 time; if they are right, ask the maker to renew the certificate."
                .to_owned(),
            Error::ImeiMismatch { .. } => {
                "Do not trust it: this is not the handset's own board or \
                 record, or its IMEI was rewritten."
                    .to_owned()
            }
            Error::PartNotInPairingRecord | Error::ForeignPairingService => "Give the pairing \
                 record of the handset the part comes from, or check the part without one."
                .to_owned(),
            error => {
                let hint = error.code().hint();
                let mut advice = hint[..1].to_uppercase();
                advice.push_str(&hint[1..]);
                advice.push('.');
                advice
            }
        }
    }
}

impl HandsetReport {
    /// The first line a technician reads about a whole handset: `OK —
    /// every part is the handset's own, and none is reported stolen`,
    /// `BLOCKED — …`, `REPAIRED — …` … Never "as recorded, and clean: no".
    pub fn headline(&self) -> String {
        let refused = self
            .parts
            .iter()
            .filter(|part| part.outcome.is_err())
            .count();
        if self.handset_blocklist.is_blocked() {
            return format!(
                "BLOCKED — this handset is {}",
                listed_as(&self.handset_blocklist)
            );
        }
        if let Some(verdict) = self.verdicts().find(|verdict| verdict.is_blocked()) {
            return format!(
                "BLOCKED — a part in this handset, {}, is {}",
                part_words(&verdict.part),
                listed_as(&verdict.blocklist)
            );
        }
        if refused > 0 {
            return format!(
                "UNTRUSTED — {refused} part(s) in this handset could not be verified (counterfeit, \
                 or evidence missing)"
            );
        }
        if !self.all_original() {
            return "REPAIRED — parts differ from this handset's record (swapped, missing or \
                    from another handset)"
                .to_owned();
        }
        if self.is_stale() {
            return "NOT SURE — every part is this handset's own, but a blocklist is out of date"
                .to_owned();
        }
        if !self.all_original_and_clean() {
            return "NOT CHECKED — every part is this handset's own, but no blocklist was checked"
                .to_owned();
        }
        "OK — every part is this handset's own, and nothing is reported stolen or lost".to_owned()
    }

    /// What to do about the handset, in one line.
    pub fn advice(&self) -> String {
        if self.handset_blocklist.is_blocked() {
            return blocked_advice(&self.handset_blocklist, "repair or resell the handset");
        }
        if let Some(verdict) = self.verdicts().find(|verdict| verdict.is_blocked()) {
            return blocked_advice(&verdict.blocklist, "repair or resell the handset");
        }
        if self.has_refused_parts() {
            return "Do not trust the parts refused below: return them to the supplier or give \
                    their factory line's certificates, then check again."
                .to_owned();
        }
        if !self.all_original() {
            return "Check the parts listed below: a repair may explain them; if it does not, ask \
                    the customer where they came from."
                .to_owned();
        }
        if self.is_stale() {
            let stale = self
                .verdicts()
                .map(|verdict| &verdict.blocklist)
                .chain([&self.handset_blocklist])
                .find(|status| status.is_stale())
                .map(stale_advice);
            return stale.unwrap_or_default();
        }
        if !self.all_original_and_clean() {
            return NOT_CHECKED_ADVICE.to_owned();
        }
        "Nothing to do.".to_owned()
    }
}
