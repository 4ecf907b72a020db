//! `partcert verify` and `partcert handset check`: evidence in, verdicts
//! (and exit codes) out.

use std::io::Write;
use std::path::{Path, PathBuf};

use partcert::{
    Blocklist, BlocklistStatus, Certificate, FittedPart, HandsetEvidence, KeyId, PartEvidence,
    TrustStore, Verifier,
};
use serde_json::{Value, json};

use crate::args::{HandsetCheckArgs, TrustArgs, VerifyArgs};
use crate::ctx::{Ctx, print_json};
use crate::error::{CliError, ToolCode, exit, verdict_exit_code};
use crate::files::{self, Src};
use crate::lists::{
    Followed, apply_file, apply_revocations, dropped_json, load_followed, pin_blocklist_roots,
};
use crate::text;

/// How to make a rollback state `verify` can read.
const START_ROLLBACK: &str =
    "make one with `partcert blocklist apply --rollback-state FILE --init LIST`";
/// How to make a blocklist state `verify` can read.
const START_STATE: &str = "make one with `partcert blocklist apply --state FILE --init LIST`";

/// The one word a script checks: what the blocklist standing of a genuine
/// part or handset is.
fn verdict_word(status: &BlocklistStatus) -> &'static str {
    match status {
        BlocklistStatus::NotChecked => "not-checked",
        BlocklistStatus::Clean { .. } => "clean",
        BlocklistStatus::Stale { .. } => "stale",
        BlocklistStatus::Blocked { .. } => "blocked",
    }
}

/// Pins the manufacturer roots given to --trust.
pub fn pin_manufacturer_roots(trust: &mut TrustStore, paths: &[PathBuf]) -> Result<(), CliError> {
    for path in paths {
        trust
            .add_manufacturer_root(files::certificate(Src::new(path, "--trust"))?)
            .map_err(|error| {
                CliError::core(error)
                    .file(path)
                    .flag("--trust")
                    .exit(exit::USAGE)
                    .hint("--trust takes a manufacturer's root certificate (`partcert root new`)")
            })?;
    }
    Ok(())
}

/// The pinned roots, the lists accepted and the issuer chain, loaded once.
struct Loaded {
    trust: TrustStore,
    blocklist: Blocklist,
    /// Registers the saved state followed whose roots are no longer pinned.
    dropped: Vec<KeyId>,
    chain: Vec<Certificate>,
    now: u64,
}

impl Loaded {
    fn load(args: &TrustArgs, ctx: Ctx) -> Result<Self, CliError> {
        let now = ctx.now()?;
        let mut trust = TrustStore::new();
        pin_manufacturer_roots(&mut trust, &args.trust)?;
        pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
        apply_revocations(&mut trust, &args.revocations, now)?;
        let Followed {
            mut blocklist,
            dropped,
        } = load_followed(
            args.blocklist_state
                .as_deref()
                .map(|path| Src::new(path, "--blocklist-state")),
            args.rollback_state
                .as_deref()
                .map(|path| Src::new(path, "--rollback-state")),
            &trust,
            if args.blocklist_state.is_some() {
                START_STATE
            } else {
                START_ROLLBACK
            },
        )?;
        for path in &args.blocklist {
            apply_file(&mut blocklist, &trust, Src::new(path, "--blocklist"), now)?;
        }
        Ok(Loaded {
            trust,
            blocklist,
            dropped,
            chain: files::certificates(&args.chain, "--chain").map_err(CliError::untrusted)?,
            now,
        })
    }

    /// A verification error about `path`, with a hint when the likely
    /// cause is a missing option rather than a counterfeit.
    fn explain(&self, error: partcert::Error, path: &Path) -> CliError {
        let missing_chain =
            self.chain.is_empty() && error.code() == partcert::ErrorCode::UnknownIssuer;
        let error = CliError::about(path)(error).untrusted();
        if missing_chain {
            error.hint("no --chain was given: pass the part issuer's certificate")
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
    serde_json::to_value(value).map_err(|error| {
        CliError::tool(
            ToolCode::Internal,
            format!("cannot encode the result as JSON: {error}"),
        )
        .hint("a bug: please report it")
    })
}

/// `partcert verify`
pub fn verify(args: VerifyArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    // The device's own setup first: its failures are not a verdict on the part.
    let loaded = Loaded::load(&args.trust, ctx)?;
    // Then the evidence: a refusal of it is the verdict "untrusted".
    let part =
        files::certificate(Src::new(&args.part, "PART.cert")).map_err(CliError::untrusted)?;
    let pairing = match &args.pairing {
        Some(path) => {
            Some(files::pairing(Src::new(path, "--pairing")).map_err(CliError::untrusted)?)
        }
        None => None,
    };
    let challenge = match (&args.challenge, &args.response) {
        (Some(challenge), Some(response)) => Some((
            files::challenge(Src::new(challenge, "--challenge"))?,
            files::response(Src::new(response, "--response")).map_err(CliError::untrusted)?,
        )),
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
    if ctx.json {
        let value = json!({
            "ok": true,
            "exit_code": code,
            "verdict": verdict_word(&verdict.blocklist),
            "file": args.part.display().to_string(),
            "summary": verdict.summary(),
            "details": to_json(&verdict)?,
            "dropped": dropped_json(&loaded.dropped),
        });
        print_json(out, value)?;
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
pub fn handset_check(
    args: HandsetCheckArgs,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let loaded = Loaded::load(&args.trust, ctx)?;
    let record =
        files::pairing(Src::new(&args.pairing, "--pairing")).map_err(CliError::untrusted)?;
    let certificates =
        files::certificates(&args.parts, "PART.cert").map_err(CliError::untrusted)?;
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
        .map_err(|error| CliError::about(&args.pairing)(error).untrusted())?;

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

    if ctx.json {
        let mut parts = Vec::with_capacity(report.parts.len());
        for (path, part) in args.parts.iter().zip(&report.parts) {
            parts.push(match &part.outcome {
                Ok(verdict) => json!({
                    "file": display(path),
                    "fingerprint": part.fingerprint.to_hex(),
                    "ok": true,
                    "verdict": verdict_word(&verdict.blocklist),
                    "summary": verdict.summary(),
                    "details": to_json(verdict)?,
                }),
                Err(error) => json!({
                    "file": display(path),
                    "fingerprint": part.fingerprint.to_hex(),
                    "ok": false,
                    "verdict": "untrusted",
                    "error": CliError::about(path)(error.clone()).error_json(),
                }),
            });
        }
        let word = match code {
            exit::BLOCKED => "blocked",
            exit::INVALID => "untrusted",
            exit::STALE => "stale",
            _ => verdict_word(&report.handset_blocklist),
        };
        let value = json!({
            "ok": true,
            "exit_code": code,
            "verdict": word,
            "pairing": display(&args.pairing),
            "handset_imeis": imeis,
            "pairing_sequence": report.pairing_sequence,
            "handset_blocklist": to_json(&report.handset_blocklist)?,
            "parts": parts,
            "missing": to_json(&report.missing)?,
            "mismatched_modem_imeis": to_json(&report.mismatched_modem_imeis)?,
            "pairing_refused": to_json(&report.pairing_refused)?,
            "all_original": report.all_original(),
            "all_original_and_clean": report.all_original_and_clean(),
            "checked_at": report.checked_at,
            "dropped": dropped_json(&loaded.dropped),
        });
        print_json(out, value)?;
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
    if let Some(error) = &report.pairing_refused {
        let code = error.code();
        writeln!(
            out,
            "  the pairing record was refused: {} [error {} {}]; blocked wins: the handset is named \
             by its fitted board and modem, and its parts were checked without the record",
            crate::error::core_message(error),
            code.as_u32(),
            code.name()
        )?;
    }
    if !report.mismatched_modem_imeis.is_empty() {
        writeln!(
            out,
            "  the modem reports IMEI {}, which {} does not carry",
            text::imeis(&report.mismatched_modem_imeis),
            if report.pairing_refused.is_some() {
                "the fitted board"
            } else {
                "the record"
            }
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
