//! Commands that create keys and sign: roots ([`root`]), authorities
//! ([`authority`]), parts ([`part`]), pairing records ([`pair`](mod@pair)),
//! revocation lists ([`revoke`](mod@revoke)), challenges ([`challenge`]) and challenge
//! responses. One file per command; what they share is here.
//!
//! What a verifier would refuse is refused by the core's issuing API (the
//! rule lives there once); these modules add the tool's own sanity checks
//! on the command line (times, validities) and name the flag or file
//! each refusal is about.

mod authority;
mod challenge;
mod pair;
mod part;
mod revoke;
mod root;

use std::path::Path;

use partcert::certificate::Validity;
use partcert::issue::Authority;
use partcert::{Error, ErrorCode, ObjectType};
use serde_json::json;

use crate::ctx::{Ctx, Report};
use crate::error::{CliError, exit};
use crate::files::{self, Kind, Src, with_extension};
use crate::text;

pub use authority::authority_new;
pub use challenge::challenge_new;
pub use pair::pair;
pub use part::{part_issue, part_keygen, part_respond};
pub use revoke::revoke;
pub use root::root_new;

/// The flag whose text a refusal of issued text is about. The core says
/// which rule a value broke (a serial, a manufacturer name, a display
/// name, IMEIs, kinds); `flags` maps a word of that rule to the flag
/// carrying it, first match wins.
fn text_flag(error: &Error, flags: &[(&str, String)]) -> Option<String> {
    let about = match error {
        Error::InvalidField(what) | Error::NotCanonical(what) => *what,
        Error::LengthOverBound { field, .. } => *field,
        _ => return None,
    };
    flags
        .iter()
        .find(|(word, _)| about.contains(word))
        .map(|(_, flag)| flag.clone())
}

/// Reports a refusal of issued text against its flag when one is named
/// (exit 2), else against the command line as a whole.
fn text_refusal(error: Error, flags: &[(&str, String)]) -> CliError {
    match text_flag(&error, flags) {
        Some(flag) => CliError::flagged(flag)(error),
        None => CliError::core(error).exit(exit::USAGE),
    }
}

/// `--flag "value"`, as the user would recognise it.
fn flag_value(flag: &str, value: &str) -> String {
    format!("{flag} {value:?}")
}

/// Loads an authority: its secret key and the certificate it must match.
pub fn load_authority(key: Src<'_>, cert: Src<'_>) -> Result<Authority, CliError> {
    let secret = files::secret_key(key)?;
    let certificate = files::certificate(cert)?;
    Authority::new(secret, certificate).map_err(|error| {
        let code = error.code();
        let cli = CliError::core(error);
        match code {
            ErrorCode::KeyMismatch => cli.file(key.path).flag(key.flag).hint(format!(
                "give {} the secret key of the authority {} names",
                key.flag,
                cert.path.display()
            )),
            _ => cli.file(cert.path).flag(cert.flag).hint(format!(
                "{} takes an authority's certificate (a root, a line, a pairing service or a publisher)",
                cert.flag
            )),
        }
    })
}

/// The validity of a certificate signed now for `days` days, checked for sense.
fn validity(ctx: Ctx, days: u64) -> Result<(u64, Validity), CliError> {
    let now = ctx.now()?;
    ctx.plausible_days("--valid-days", days)?;
    Ok((now, Validity::issued_at(now, days)))
}

/// A refusal of a signer whose own certificate does not allow the signing.
fn signer_refusal<'a>(cert: &'a Path, flag: &str) -> impl FnOnce(Error) -> CliError + 'a {
    let flag = flag.to_owned();
    move |error| {
        let hint = match &error {
            Error::Expired { .. } | Error::NotYetValid { .. } => {
                "the signer's certificate is not valid at the signing time: check --at or the clock, or have it renewed".to_owned()
            }
            _ => format!("{flag} names a certificate whose role may not sign this"),
        };
        CliError::core(error).file(cert).flag(flag).hint(hint)
    }
}

fn write_key_and_cert(
    prefix: &Path,
    authority: &Authority,
    ctx: Ctx,
    report: &mut Report,
) -> Result<(), CliError> {
    let key_path = with_extension(prefix, "key");
    let cert_path = with_extension(prefix, "cert");
    let certificate = authority.certificate();
    let label = certificate
        .authority()
        .map(|a| format!("{} \"{}\"", a.role.name(), a.name))
        .unwrap_or_default();
    let role = files::role_tag(authority.role());
    files::write_new(
        &key_path,
        files::secret_key_text(authority.key(), &role, &label).as_bytes(),
        Kind::SecretKey,
        ctx.force,
        "--out",
    )?;
    files::write_new(
        &cert_path,
        certificate.as_bytes(),
        Kind::Object(ObjectType::Certificate),
        ctx.force,
        "--out",
    )?;
    report.wrote(&key_path, Kind::SecretKey);
    report.wrote(&cert_path, Kind::Object(ObjectType::Certificate));
    report.line(format!(
        "wrote {} (secret, keep it offline) and {}",
        key_path.display(),
        cert_path.display()
    ));
    report.line(format!("  {}", text::certificate(certificate)));
    report.line(format!(
        "  valid {}",
        text::validity(&certificate.validity())
    ));
    report.set("key_id", json!(authority.key().key_id().to_hex()));
    report.set("certificate", certificate_json(certificate));
    Ok(())
}

/// A certificate in JSON: the core's shape.
pub fn certificate_json(certificate: &partcert::Certificate) -> serde_json::Value {
    serde_json::to_value(certificate).unwrap_or_default()
}

/// Checks, before anything is generated or signed, that a key-writing
/// command may write PREFIX.key (a key of `role`: a key of another role
/// is never replaced) and PREFIX.cert (or PREFIX.pub).
fn check_prefix(
    prefix: &Path,
    (role, second): (&str, &str),
    kind: Kind,
    ctx: Ctx,
) -> Result<(), CliError> {
    if files::is_stdout(prefix) {
        return Err(CliError::usage(format!(
            "--out takes a file prefix: it writes PREFIX.key and PREFIX.{second}"
        ))
        .flag("--out -")
        .hint("give a prefix such as acme-root"));
    }
    files::check_key_can_write(&with_extension(prefix, "key"), role, ctx.force, "--out")?;
    files::check_can_write(&with_extension(prefix, second), kind, ctx.force, "--out")
}
