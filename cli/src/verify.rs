//! `partcert verify` and `partcert handset check`: evidence in, verdicts
//! (and exit codes) out.

use std::io::Write;
use std::path::Path;

use partcert::{
    Blocklist, Certificate, FittedPart, HandsetEvidence, PartEvidence, TrustStore, Verifier,
};
use serde_json::{Value, json};

use crate::args::{HandsetCheckArgs, TrustArgs, VerifyArgs};
use crate::error::{CliError, exit, partcert_error_json, verdict_exit_code};
use crate::files;
use crate::lists::{apply_file, apply_revocations, pin_blocklist_roots};
use crate::text;

/// The pinned roots, the lists accepted and the issuer chain, loaded once.
struct Loaded {
    trust: TrustStore,
    blocklist: Blocklist,
    chain: Vec<Certificate>,
    now: u64,
}

impl Loaded {
    fn load(args: &TrustArgs) -> Result<Self, CliError> {
        let now = files::now(args.at);
        let mut trust = TrustStore::new();
        for path in &args.trust {
            trust
                .add_manufacturer_root(files::certificate(path)?)
                .map_err(CliError::about(path))?;
        }
        pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
        apply_revocations(&mut trust, &args.revocations)?;
        let mut blocklist = match (&args.blocklist_state, &args.rollback_state) {
            (Some(path), _) => files::blocklist_state(path, &trust)?,
            (None, Some(path)) => Blocklist::with_rollback_state(files::rollback_state(path)?),
            (None, None) => Blocklist::new(),
        };
        for path in &args.blocklist {
            apply_file(&mut blocklist, &trust, path, now)?;
        }
        Ok(Loaded {
            trust,
            blocklist,
            chain: files::certificates(&args.chain)?,
            now,
        })
    }

    /// A verification error about `path`, with a hint when the likely
    /// cause is a missing option rather than a counterfeit.
    fn explain(&self, error: partcert::Error, path: &Path) -> CliError {
        let missing_chain =
            self.chain.is_empty() && error.code() == partcert::ErrorCode::UnknownIssuer;
        let error = CliError::about(path)(error);
        if missing_chain {
            CliError::Hinted {
                error: Box::new(error),
                hint: "no --chain was given: pass the part issuer's certificate",
            }
        } else {
            error
        }
    }

    /// The verifier. It always consults the lists loaded: a device that
    /// follows a register (from its saved state or anti-rollback marks) but
    /// was given no list from it reads stale ("missing"), and one that
    /// follows none reads "not checked".
    fn verifier(&self) -> Verifier<'_> {
        Verifier::new(&self.trust).with_blocklist(&self.blocklist)
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, CliError> {
    serde_json::to_value(value)
        .map_err(|error| CliError::Refused(format!("cannot encode the result as JSON: {error}")))
}

/// `partcert verify`
pub fn verify(args: VerifyArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let part = files::certificate(&args.part)?;
    let loaded = Loaded::load(&args.trust)?;
    let pairing = match &args.pairing {
        Some(path) => Some(files::pairing(path)?),
        None => None,
    };
    let challenge = match (&args.challenge, &args.response) {
        (Some(challenge), Some(response)) => {
            Some((files::challenge(challenge)?, files::response(response)?))
        }
        _ => None,
    };

    let mut evidence =
        PartEvidence::new(&part, &loaded.chain).with_presented_imeis(&args.presented_imei);
    if let Some(record) = &pairing {
        evidence = evidence.with_pairing(record);
    }
    if let Some((challenge, response)) = &challenge {
        evidence = evidence.with_challenge(challenge, response);
    }
    let verdict = loaded
        .verifier()
        .on_handset(&args.on_handset)
        .verify_part(&evidence, loaded.now)
        .map_err(|error| loaded.explain(error, &args.part))?;

    let code = verdict_exit_code(&verdict);
    if args.trust.json {
        let value = json!({
            "ok": true,
            "exit_code": code,
            "file": args.part.display().to_string(),
            "summary": verdict.summary(),
            "verdict": to_json(&verdict)?,
        });
        writeln!(out, "{value}")?;
    } else {
        writeln!(
            out,
            "{}",
            text::verdict(&args.part.display().to_string(), &verdict)
        )?;
    }
    Ok(code)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// `partcert handset check`
pub fn handset_check(args: HandsetCheckArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let loaded = Loaded::load(&args.trust)?;
    let record = files::pairing(&args.pairing)?;
    let certificates = files::certificates(&args.parts)?;
    let fitted: Vec<FittedPart<'_>> = certificates
        .iter()
        .map(|certificate| FittedPart {
            certificate,
            chain: &loaded.chain,
            challenge: None,
        })
        .collect();
    let evidence = HandsetEvidence {
        pairing: &record,
        modem_imeis: &args.modem_imei,
        fitted: &fitted,
    };
    let report = loaded
        .verifier()
        .verify_handset(&evidence, loaded.now)
        .map_err(CliError::about(&args.pairing))?;

    let code = if report.is_blocked() {
        exit::BLOCKED
    } else if report.has_refused_parts() {
        exit::INVALID
    } else if report.is_stale() {
        exit::STALE
    } else {
        exit::OK
    };
    let imeis: Vec<String> = report
        .handset_imeis
        .iter()
        .map(ToString::to_string)
        .collect();

    if args.trust.json {
        let mut parts = Vec::with_capacity(report.parts.len());
        for (path, part) in args.parts.iter().zip(&report.parts) {
            parts.push(match &part.outcome {
                Ok(verdict) => json!({
                    "file": display(path),
                    "fingerprint": part.fingerprint.to_hex(),
                    "ok": true,
                    "summary": verdict.summary(),
                    "verdict": to_json(verdict)?,
                }),
                Err(error) => json!({
                    "file": display(path),
                    "fingerprint": part.fingerprint.to_hex(),
                    "ok": false,
                    "error": partcert_error_json(error),
                }),
            });
        }
        let value = json!({
            "ok": true,
            "exit_code": code,
            "pairing": display(&args.pairing),
            "handset_imeis": imeis,
            "pairing_sequence": report.pairing_sequence,
            "handset_blocklist": to_json(&report.handset_blocklist)?,
            "parts": parts,
            "missing": to_json(&report.missing)?,
            "mismatched_modem_imeis": to_json(&report.mismatched_modem_imeis)?,
            "all_original": report.all_original(),
            "all_original_and_clean": report.all_original_and_clean(),
            "checked_at": report.checked_at,
        });
        writeln!(out, "{value}")?;
        return Ok(code);
    }

    writeln!(
        out,
        "handset {} (pairing #{} in {}): {} part(s) checked",
        imeis.join(", "),
        report.pairing_sequence,
        display(&args.pairing),
        report.parts.len()
    )?;
    writeln!(
        out,
        "  the handset itself: {}",
        report.handset_blocklist.summary()
    )?;
    if !report.mismatched_modem_imeis.is_empty() {
        writeln!(
            out,
            "  the modem reports IMEI {}, which the record does not carry",
            text::imeis(&report.mismatched_modem_imeis)
        )?;
    }
    for list in report.handset_blocklist.lists() {
        writeln!(out, "  list: {}", text::list_checked(list))?;
    }
    for (path, part) in args.parts.iter().zip(&report.parts) {
        match &part.outcome {
            Ok(verdict) => writeln!(
                out,
                "  {} {} ({}): {}",
                verdict.part.kind,
                verdict.part.serial,
                display(path),
                verdict.summary()
            )?,
            Err(error) => {
                let code = error.code();
                writeln!(
                    out,
                    "  {}: REFUSED: {error} [error {} {}]",
                    display(path),
                    code.as_u32(),
                    code.name()
                )?
            }
        }
    }
    for missing in &report.missing {
        writeln!(
            out,
            "  missing: the {} this record lists (part {}), not among the parts given",
            missing.kind, missing.part_id
        )?;
    }
    let answer = if report.all_original_and_clean() {
        "yes"
    } else {
        match code {
            exit::BLOCKED => "no: blocklisted",
            exit::INVALID => "no: a part's evidence is untrusted",
            _ if !report.all_original() => {
                "no: its parts differ from its record (a repair may explain it; see above)"
            }
            exit::STALE => "as recorded, but a blocklist consulted is stale",
            _ => "as recorded, but not checked against a blocklist",
        }
    };
    writeln!(out, "  as its record says, and clean: {answer}")?;
    Ok(code)
}
