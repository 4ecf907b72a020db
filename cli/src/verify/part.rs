//! `partcert verify`: one part's evidence in, its verdict out.

use std::io::Write;

use partcert::PartEvidence;
use serde_json::json;

use super::{Loaded, shards, to_json, verdict_word};
use crate::args::VerifyArgs;
use crate::blocklist::dropped_json;
use crate::ctx::{Ctx, print_json};
use crate::error::{CliError, verdict_exit_code};
use crate::files::{self, Src};
use crate::text;

/// `partcert verify`
pub fn verify(args: VerifyArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    // The device's own setup first: its failures are not a verdict on the part.
    let mut loaded = Loaded::load(&args.trust, ctx)?;
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
    // Registers checked through their shards: only the keys this verdict
    // looks up are fetched.
    let now = loaded.now;
    let fetched = shards::fetch(
        &mut loaded.blocklist,
        &loaded.trust,
        now,
        &args.trust.blocklist_repo,
        |verifier| {
            verifier
                .on_handset(&args.on_handset)
                .blocklist_keys(&evidence, now)
        },
    )?;
    let verdict = loaded
        .verifier()
        .on_handset(&args.on_handset)
        .verify_part(&evidence, loaded.now)
        .map_err(|error| {
            loaded
                .explain(error, &args.part)
                .claim(Some(&part), !loaded.chain.is_empty())
        })?;

    let code = verdict_exit_code(&verdict, args.trust.no_blocklist);
    if ctx.json {
        let value = json!({
            "ok": true,
            "exit_code": code,
            "verdict": verdict_word(&verdict.blocklist),
            "file": args.part.display().to_string(),
            "headline": verdict.headline(),
            "advice": verdict.advice(),
            "summary": verdict.summary(),
            "details": to_json(&verdict)?,
            "dropped": dropped_json(&loaded.dropped),
            "shards_fetched": shards::fetched_json(&fetched),
        });
        print_json(out, value)?;
    } else {
        writeln!(out, "{}", text::verdict(&verdict, ctx.verbose))?;
        if ctx.verbose {
            for line in shards::fetched_lines(&fetched) {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(code)
}
