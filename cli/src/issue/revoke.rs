//! `partcert revoke`: a root's revocation list of the delegated keys it no
//! longer trusts, each from a time.

use std::io::Write;

use partcert::revocation::RevokedKey;
use partcert::{Error, ObjectType};
use serde_json::json;

use super::{load_authority, signer_refusal};
use crate::args::RevokeArgs;
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, exit};
use crate::files::{self, Kind, Src};
use crate::text;

/// `partcert revoke`
pub fn revoke(args: RevokeArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let kind = Kind::Object(ObjectType::RevocationList);
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, kind, ctx.force, "--out")?;
    let now = ctx.now()?;
    if args.since != 0 {
        ctx.plausible_time("--since", args.since)?;
    }
    for given in &args.key {
        if let Some(since) = given.since.filter(|since| *since != 0) {
            ctx.plausible_time("--key KEYID@", since)?;
        }
    }
    let root = load_authority(
        Src::new(&args.root, "--root"),
        Src::new(&args.root_cert, "--root-cert"),
    )?;
    let mut revoked = Vec::with_capacity(args.authority.len() + args.key.len());
    for path in &args.authority {
        let certificate = files::certificate(Src::new(path, "--authority"))?;
        let authority = certificate.authority().ok_or_else(|| {
            CliError::core(partcert::Error::RoleNotPermitted {
                needed: "an authority to revoke",
                found: certificate.role_name(),
            })
            .file(path)
            .flag("--authority")
            .exit(exit::USAGE)
            .hint("--authority takes the certificate of a line, pairing service or publisher")
        })?;
        revoked.push(RevokedKey {
            key: authority.key.key_id(),
            since: args.since,
        });
    }
    revoked.extend(args.key.iter().map(|given| RevokedKey {
        key: given.key,
        since: given.since.unwrap_or(args.since),
    }));
    let list = root
        .revoke(args.sequence, now, &revoked)
        .map_err(|error| match &error {
            Error::RoleNotPermitted { .. } | Error::Expired { .. } | Error::NotYetValid { .. } => {
                signer_refusal(&args.root_cert, "--root-cert")(error)
            }
            Error::InvalidField(_) | Error::LengthOverBound { .. } => {
                CliError::flagged("--authority/--key")(error).hint("name each key once")
            }
            _ => CliError::core(error),
        })?;
    let mut report = Report::written("revoke", &args.out, list.as_bytes(), kind, ctx)?;
    report.line(format!(
        "wrote {}: revocation list #{} revoking {} key(s)",
        args.out.display(),
        args.sequence,
        list.revoked().len()
    ));
    for key in list.revoked() {
        report.line(format!("  {}", text::revoked(key)));
    }
    report.set("sequence", json!(list.sequence()));
    report.set("issued_at", json!(list.issued_at()));
    report.set(
        "revoked",
        serde_json::to_value(list.revoked()).unwrap_or_default(),
    );
    report.finish(ctx, out)
}
