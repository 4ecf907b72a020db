//! `partcert verify`: evidence in, verdict (and exit code) out.

use std::io::Write;

use partcert::{Blocklist, PartEvidence, TrustStore, Verifier};
use serde_json::json;

use crate::args::VerifyArgs;
use crate::error::{CliError, verdict_exit_code};
use crate::files;
use crate::lists::{apply_file, pin_blocklist_roots};
use crate::text;

/// `partcert verify`
pub fn verify(args: VerifyArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let now = files::now(args.at);
    let part = files::certificate(&args.part)?;

    let mut trust = TrustStore::new();
    for path in &args.trust {
        trust
            .add_manufacturer_root(files::certificate(path)?)
            .map_err(CliError::about(path))?;
    }
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    for path in &args.revocations {
        trust
            .apply_revocation_list(&files::revocation_list(path)?)
            .map_err(CliError::about(path))?;
    }

    let mut blocklist = match (&args.blocklist_state, &args.rollback_state) {
        (Some(path), _) => files::blocklist_state(path, &trust)?,
        (None, Some(path)) => Blocklist::with_rollback_state(files::rollback_state(path)?),
        (None, None) => Blocklist::new(),
    };
    for path in &args.blocklist {
        apply_file(&mut blocklist, &trust, path, now)?;
    }

    let chain = files::certificates(&args.chain)?;
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

    let mut evidence = PartEvidence::new(&part, &chain).with_presented_imeis(&args.presented_imei);
    if let Some(record) = &pairing {
        evidence = evidence.with_pairing(record);
    }
    if let Some((challenge, response)) = &challenge {
        evidence = evidence.with_challenge(challenge, response);
    }
    let mut verifier = Verifier::new(&trust).on_handset(&args.on_handset);
    if !args.blocklist.is_empty() || args.blocklist_state.is_some() {
        verifier = verifier.with_blocklist(&blocklist);
    }
    let verdict = verifier
        .verify_part(&evidence, now)
        .map_err(CliError::about(&args.part))?;

    let code = verdict_exit_code(&verdict);
    if args.json {
        let value = json!({
            "ok": true,
            "exit_code": code,
            "file": args.part.display().to_string(),
            "summary": verdict.summary(),
            "verdict": serde_json::to_value(&verdict)
                .map_err(|error| CliError::Refused(format!("cannot encode the verdict: {error}")))?,
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
