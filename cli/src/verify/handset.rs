//! `partcert handset check`: a whole handset against its pairing record —
//! each fitted part's verdict, parts the record lists that were not given,
//! modem IMEIs the record does not carry, and whether the handset is as
//! its record says.

use std::io::Write;
use std::path::Path;

use partcert::Certificate;
use partcert::verify::{
    BlocklistStatus, FittedPart, FittedPartReport, HandsetEvidence, HandsetReport, Refusal,
};
use serde_json::{Value, json};

use super::{Loaded, display, shards, to_json, verdict_word};
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
    let mut loaded = Loaded::load(&args.trust, ctx)?;
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
    // Registers checked through their shards: only the keys this check
    // looks up are fetched.
    let now = loaded.now;
    let fetched = shards::fetch(
        &mut loaded.blocklist,
        &loaded.trust,
        now,
        &args.trust.blocklist_repo,
        |verifier| verifier.handset_blocklist_keys(&evidence, now),
    )?;
    let report = loaded
        .verifier()
        .verify_handset(&evidence, loaded.now)
        .map_err(|error| CliError::about(&args.pairing)(error).untrusted())?;
    let code = exit_code(&report, args.trust.no_blocklist);
    if ctx.json {
        let mut value = report_json(&args, &report, code, &loaded, &certificates)?;
        value["shards_fetched"] = shards::fetched_json(&fetched);
        print_json(out, value)?;
    } else {
        let refused = Refused {
            certificates: &certificates,
            chain_given: !loaded.chain.is_empty(),
        };
        write_report(out, &args, &report, &refused, ctx.verbose)?;
        if ctx.verbose {
            for line in shards::fetched_lines(&fetched) {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(code)
}

/// Blocked wins; then a part refused; then a stale list; then no list
/// checked, unless that is meant (`--no-blocklist`).
fn exit_code(report: &HandsetReport, unchecked_meant: bool) -> u8 {
    let not_checked = report.handset_blocklist == BlocklistStatus::NotChecked
        || report.parts.iter().any(|part| {
            part.outcome
                .as_ref()
                .is_ok_and(|verdict| verdict.blocklist == BlocklistStatus::NotChecked)
        });
    if report.is_blocked() {
        exit::BLOCKED
    } else if report.has_refused_parts() {
        exit::INVALID
    } else if report.is_stale() {
        exit::STALE
    } else if not_checked && !unchecked_meant {
        exit::NOT_CHECKED
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
    certificates: &[Certificate],
) -> Result<Value, CliError> {
    let parts = args
        .parts
        .iter()
        .zip(&report.parts)
        .zip(certificates)
        .map(|((path, part), certificate)| {
            part_json(path, part, certificate, !loaded.chain.is_empty())
        })
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
        "headline": report.headline(),
        "advice": report.advice(),
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
fn part_json(
    path: &Path,
    part: &FittedPartReport,
    certificate: &Certificate,
    chain_given: bool,
) -> Result<Value, CliError> {
    Ok(match &part.outcome {
        Ok(verdict) => json!({
            "file": display(path),
            "fingerprint": part.fingerprint.to_hex(),
            "ok": true,
            "verdict": verdict_word(&verdict.blocklist),
            "headline": verdict.headline(),
            "advice": verdict.advice(),
            "summary": verdict.summary(),
            "details": to_json(verdict)?,
        }),
        Err(error) => {
            let refusal = Refusal::new(error, Some(certificate), chain_given);
            json!({
                "file": display(path),
                "fingerprint": part.fingerprint.to_hex(),
                "ok": false,
                "verdict": "untrusted",
                "headline": refusal.headline(),
                "advice": refusal.advice(),
                "error": CliError::about(path)(error.clone()).error_json(),
            })
        }
    })
}

/// The human report: the core's headline and advice, the handset, each
/// part, and whether the parts are the ones its record lists.
fn write_report(
    out: &mut dyn Write,
    args: &HandsetCheckArgs,
    report: &HandsetReport,
    refused: &Refused<'_>,
    verbose: bool,
) -> Result<(), CliError> {
    writeln!(out, "{}\n{}", report.headline(), report.advice())?;
    let sequence = if verbose {
        format!("pairing #{} in ", report.pairing_sequence)
    } else {
        String::new()
    };
    writeln!(
        out,
        "  handset {} ({sequence}{}): {} part(s) checked",
        imeis(report).join(", "),
        display(&args.pairing),
        report.parts.len()
    )?;
    write_handset_lines(out, report)?;
    for ((path, part), certificate) in args
        .parts
        .iter()
        .zip(&report.parts)
        .zip(refused.certificates)
    {
        match &part.outcome {
            Ok(verdict) => {
                writeln!(out, "  {}: {}", display(path), verdict.headline())?;
                if verbose {
                    writeln!(out, "    {}", verdict.summary())?;
                }
            }
            Err(error) => {
                let refusal = Refusal::new(error, Some(certificate), refused.chain_given);
                writeln!(
                    out,
                    "  {}: {} [error {} {}]",
                    display(path),
                    refusal.headline(),
                    error.code().code(),
                    error.code().name()
                )?;
                if verbose {
                    writeln!(out, "    refused: {}", core_message(error))?;
                }
            }
        }
    }
    for missing in &report.missing {
        let id = if verbose {
            format!(" (part {})", missing.part_id)
        } else {
            String::new()
        };
        writeln!(
            out,
            "  missing: the {} this record lists{id}, not among the parts given",
            missing.kind
        )?;
    }
    writeln!(out, "  parts as its record lists: {}", as_recorded(report))?;
    Ok(())
}

/// The fitted parts' certificates, and whether an issuer chain was given:
/// what a refused part claims to be.
struct Refused<'a> {
    certificates: &'a [Certificate],
    chain_given: bool,
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

/// Whether the parts are the ones the handset's record lists — said
/// apart from its blocklist standing, which the headline gives.
fn as_recorded(report: &HandsetReport) -> &'static str {
    if report.all_original() {
        "yes"
    } else if !report.mismatched_modem_imeis.is_empty() {
        "no: the modem reports an IMEI the record does not carry"
    } else if report.has_refused_parts() {
        "no: a part's evidence is untrusted"
    } else {
        "no: its parts differ from its record (a repair may explain it; see above)"
    }
}
