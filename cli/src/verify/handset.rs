//! `partcert handset check`: a whole handset against its pairing record —
//! each fitted part's verdict, parts the record lists that were not given,
//! modem IMEIs the record does not carry, and whether the handset is as
//! its record says.

use std::io::Write;
use std::path::Path;

use partcert::verify::{FittedPart, FittedPartReport, HandsetEvidence, HandsetReport};
use serde_json::{Value, json};

use super::{Loaded, display, to_json, verdict_word};
use crate::args::HandsetCheckArgs;
use crate::blocklist::dropped_json;
use crate::ctx::{Ctx, print_json};
use crate::error::{CliError, core_message, exit};
use crate::files::{self, Src};
use crate::text;

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
    let code = exit_code(&report);
    if ctx.json {
        print_json(out, report_json(&args, &report, code, &loaded)?)?;
    } else {
        write_report(out, &args, &report, code)?;
    }
    Ok(code)
}

/// Blocked wins; then a part refused; then a stale list.
fn exit_code(report: &HandsetReport) -> u8 {
    if report.is_blocked() {
        exit::BLOCKED
    } else if report.has_refused_parts() {
        exit::INVALID
    } else if report.is_stale() {
        exit::STALE
    } else {
        exit::OK
    }
}

/// The handset's IMEIs as the record says them.
fn imeis(report: &HandsetReport) -> Vec<String> {
    report
        .handset_imeis
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The `--json` report.
fn report_json(
    args: &HandsetCheckArgs,
    report: &HandsetReport,
    code: u8,
    loaded: &Loaded,
) -> Result<Value, CliError> {
    let parts = args
        .parts
        .iter()
        .zip(&report.parts)
        .map(|(path, part)| part_json(path, part))
        .collect::<Result<Vec<_>, _>>()?;
    let word = match code {
        exit::BLOCKED => "blocked",
        exit::INVALID => "untrusted",
        exit::STALE => "stale",
        _ => verdict_word(&report.handset_blocklist),
    };
    Ok(json!({
        "ok": true,
        "exit_code": code,
        "verdict": word,
        "pairing": display(&args.pairing),
        "handset_imeis": imeis(report),
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
    }))
}

/// One fitted part in `--json`: its verdict, or why its evidence was refused.
fn part_json(path: &Path, part: &FittedPartReport) -> Result<Value, CliError> {
    Ok(match &part.outcome {
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
    })
}

/// The human report: the handset, then each part, then the answer.
fn write_report(
    out: &mut dyn Write,
    args: &HandsetCheckArgs,
    report: &HandsetReport,
    code: u8,
) -> Result<(), CliError> {
    writeln!(
        out,
        "handset {} (pairing #{} in {}): {} part(s) checked",
        imeis(report).join(", "),
        report.pairing_sequence,
        display(&args.pairing),
        report.parts.len()
    )?;
    write_handset_lines(out, report)?;
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
            Err(error) => writeln!(
                out,
                "  {}: REFUSED: {error} [error {} {}]",
                display(path),
                error.code().code(),
                error.code().name()
            )?,
        }
    }
    for missing in &report.missing {
        writeln!(
            out,
            "  missing: the {} this record lists (part {}), not among the parts given",
            missing.kind, missing.part_id
        )?;
    }
    writeln!(
        out,
        "  as its record says, and clean: {}",
        answer(report, code)
    )?;
    Ok(())
}

/// The handset itself: its listing, a refused record, the modem's IMEIs
/// and each list consulted.
fn write_handset_lines(out: &mut dyn Write, report: &HandsetReport) -> Result<(), CliError> {
    writeln!(
        out,
        "  the handset itself: {}",
        report.handset_blocklist.summary()
    )?;
    if let Some(error) = &report.pairing_refused {
        writeln!(
            out,
            "  the pairing record was refused: {} [error {} {}]; blocked wins: the handset is named \
             by its fitted board and modem, and its parts were checked without the record",
            core_message(error),
            error.code().code(),
            error.code().name()
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
    Ok(())
}

/// Whether the handset is as its record says, and clean — or why not.
fn answer(report: &HandsetReport, code: u8) -> &'static str {
    if report.all_original_and_clean() {
        return "yes";
    }
    match code {
        exit::BLOCKED => "no: blocklisted",
        exit::INVALID => "no: a part's evidence is untrusted",
        _ if !report.all_original() => {
            "no: its parts differ from its record (a repair may explain it; see above)"
        }
        exit::STALE => "as recorded, but a blocklist consulted is stale",
        _ => "as recorded, but not checked against a blocklist",
    }
}
