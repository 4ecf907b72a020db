//! `partcert challenge new`: a fresh nonce for a keyed part to answer.

use std::io::Write;

use rand_core::OsRng;
use serde_json::json;

use crate::args::ChallengeNewArgs;
use crate::ctx::{Ctx, Report};
use crate::error::CliError;
use crate::files::{self, Kind};

/// `partcert challenge new`
pub fn challenge_new(
    args: ChallengeNewArgs,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    ctx.refuse_unused("challenge new", false, true)?;
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, Kind::Challenge, ctx.force, "--out")?;
    let challenge = partcert::challenge::Challenge::generate(&mut OsRng);
    let text = files::challenge_text(&challenge);
    let mut report = Report::written(
        "challenge new",
        &args.out,
        text.as_bytes(),
        Kind::Challenge,
        ctx,
    )?;
    let nonce = files::hex(challenge.nonce());
    report.line(format!("wrote {}: challenge {nonce}", args.out.display()));
    report.set("nonce", json!(nonce));
    report.finish(ctx, out)
}
