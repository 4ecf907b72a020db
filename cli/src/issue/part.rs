//! `partcert part keygen`, `part issue` and `part respond`: a keyed
//! part's key pair, a part's certificate, and a keyed part's answer to a
//! challenge.

use std::io::Write;

use partcert::challenge::ChallengeResponse;
use partcert::issue::{Authority, PartSpec};
use partcert::{Error, ErrorCode, ObjectType, SecretKey};
use rand_core::{OsRng, RngCore};
use serde_json::json;

use super::{
    certificate_json, check_prefix, flag_value, load_authority, signer_refusal, text_refusal,
    validity,
};
use crate::args::{PartIssueArgs, PartKeygenArgs, PartRespondArgs};
use crate::ctx::{Ctx, Report};
use crate::error::CliError;
use crate::files::{self, Kind, PART_KEY_ROLE, Src, with_extension};
use crate::text;

/// `partcert part keygen`
pub fn part_keygen(args: PartKeygenArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    ctx.refuse_unused("part keygen", false, true)?;
    check_prefix(&args.out, (PART_KEY_ROLE, "pub"), Kind::PublicKey, ctx)?;
    let key_path = with_extension(&args.out, "key");
    let pub_path = with_extension(&args.out, "pub");
    let key = SecretKey::generate(&mut OsRng);
    files::write_new(
        &key_path,
        files::secret_key_text(&key, PART_KEY_ROLE, "part secure element").as_bytes(),
        Kind::SecretKey,
        ctx.force,
        "--out",
    )?;
    let public = key.public_key();
    files::write_new(
        &pub_path,
        files::public_key_text(&public).as_bytes(),
        Kind::PublicKey,
        ctx.force,
        "--out",
    )?;
    let mut report = Report::new("part keygen");
    report.wrote(&key_path, Kind::SecretKey);
    report.wrote(&pub_path, Kind::PublicKey);
    report.line(format!(
        "wrote {} (secret: it belongs inside the part) and {}",
        key_path.display(),
        pub_path.display()
    ));
    report.line(format!("  part key id {}", public.key_id()));
    report.set("key_id", json!(public.key_id().to_hex()));
    report.set("public_key", json!(public.to_hex()));
    report.finish(ctx, out)
}

/// `partcert part issue`
pub fn part_issue(args: PartIssueArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let kind = Kind::Object(ObjectType::Certificate);
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, kind, ctx.force, "--out")?;
    let (_, validity) = validity(ctx, args.valid_days)?;
    let issuer = load_authority(
        Src::new(&args.issuer, "--issuer"),
        Src::new(&args.issuer_cert, "--issuer-cert"),
    )?;
    let key = match &args.part_key {
        Some(path) => Some(files::public_key(Src::new(path, "--part-key"))?),
        None => None,
    };
    let spec = PartSpec {
        kind: args.kind,
        manufacturer: manufacturer(args.manufacturer.clone(), &issuer)?,
        model: args.model.clone(),
        serial: args.serial.clone(),
        imeis: args.imei.clone(),
        key,
    };
    let serial_number = args.serial_number.unwrap_or_else(|| OsRng.next_u64());
    let certificate = issuer
        .certify_part(&spec, serial_number, validity)
        .map_err(|error| issue_refusal(error, &args, &spec))?;
    let mut report = Report::written("part issue", &args.out, certificate.as_bytes(), kind, ctx)?;
    report.line(format!("wrote {}", args.out.display()));
    report.line(format!("  {}", text::certificate(&certificate)));
    if let Some(part) = certificate.part() {
        report.line(format!("  part id {}", part.part_id().to_hex()));
        report.set("part_id", json!(part.part_id().to_hex()));
    }
    report.line(format!(
        "  fingerprint {}",
        certificate.fingerprint().to_hex()
    ));
    report.set("certificate", certificate_json(&certificate));
    report.finish(ctx, out)
}

/// The part's maker: `--manufacturer`, or the issuer's one maker.
fn manufacturer(given: Option<String>, issuer: &Authority) -> Result<String, CliError> {
    if let Some(name) = given {
        return Ok(name);
    }
    let makers = issuer
        .certificate()
        .authority()
        .map(|a| a.manufacturers.clone())
        .unwrap_or_default();
    match makers.as_slice() {
        [one] => Ok(one.clone()),
        // Not a part issuer: the library says so when it is asked to certify.
        [] => Ok(String::new()),
        several => Err(CliError::usage(format!(
            "the issuer may certify parts made by {}",
            several.join(", ")
        ))
        .flag("--manufacturer")
        .hint("say which with --manufacturer")),
    }
}

/// A refusal of the part's certificate, naming the flag it is about.
fn issue_refusal(error: Error, args: &PartIssueArgs, spec: &PartSpec) -> CliError {
    match &error {
        Error::RoleNotPermitted { .. } => signer_refusal(&args.issuer_cert, "--issuer-cert")(error),
        Error::KindNotPermitted(kind) => CliError::flagged(format!("--kind {kind}"))(error)
            .hint("this line's certificate names the kinds it may certify (`partcert show` it)"),
        Error::ManufacturerNotPermitted(_, maker) => {
            CliError::flagged(flag_value("--manufacturer", maker))(error).hint(
                "this line's certificate names the makers it may certify (`partcert show` it)",
            )
        }
        Error::InvalidField(what) if what.contains("IMEI") => CliError::flagged("--imei")(error)
            .hint(if spec.imeis.is_empty() {
                "a board carries its IMEIs: give --imei (repeat for dual-SIM)"
            } else {
                "only boards carry IMEIs: drop --imei"
            }),
        _ => text_refusal(
            error,
            &[
                ("serial", flag_value("--serial", &spec.serial)),
                (
                    "manufacturer",
                    flag_value("--manufacturer", &spec.manufacturer),
                ),
                ("IMEI", "--imei".to_owned()),
                ("model", flag_value("--model", &spec.model)),
                ("name", flag_value("--model", &spec.model)),
            ],
        ),
    }
}

/// `partcert part respond`
pub fn part_respond(args: PartRespondArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    ctx.refuse_unused("part respond", false, true)?;
    ctx.check_out("--out", &args.out)?;
    let kind = Kind::Object(ObjectType::ChallengeResponse);
    files::check_can_write(&args.out, kind, ctx.force, "--out")?;
    let key = files::secret_key(Src::new(&args.part_key, "--part-key"))?;
    let certificate = files::certificate(Src::new(&args.cert, "--cert"))?;
    let challenge = files::challenge(Src::new(&args.challenge, "--challenge"))?;
    let response = ChallengeResponse::respond(&key, &challenge, &certificate).map_err(|error| {
        match error.code() {
            // The certificate names no key: it is not a keyed part's.
            ErrorCode::NoPartKey => CliError::core(error)
                .file(&args.cert)
                .flag("--cert")
                .hint("only a part with a secure element answers a challenge"),
            // The key is not the one the certificate names.
            _ => CliError::core(error)
                .file(&args.part_key)
                .flag("--part-key")
                .hint(format!(
                    "give the secret key of the part {} certifies",
                    args.cert.display()
                )),
        }
    })?;
    let mut report = Report::written("part respond", &args.out, response.as_bytes(), kind, ctx)?;
    let nonce = files::hex(challenge.nonce());
    report.line(format!(
        "wrote {}: the part's answer to challenge {nonce}",
        args.out.display()
    ));
    report.set("nonce", json!(nonce));
    report.set("certificate", json!(certificate.fingerprint().to_hex()));
    report.finish(ctx, out)
}
