//! Commands that create keys and sign: roots, authorities, parts, pairing
//! records, revocation lists, challenges and challenge responses.
//!
//! What a verifier would refuse is refused by the core's issuing API (the
//! rule lives there once); this module adds the tool's own sanity checks
//! on the command line (times, validities) and names the flag or file
//! each refusal is about.

use std::io::Write;
use std::path::Path;

use partcert::issue::{Authority, PartSpec};
use partcert::{
    ChallengeResponse, Error, ErrorCode, ObjectType, PairingEvent, RevokedKey, SecretKey, Validity,
};
use rand_core::{OsRng, RngCore};
use serde_json::json;

use crate::args::{
    AuthorityNewArgs, AuthorityRoleArg, ChallengeNewArgs, PairArgs, PartIssueArgs, PartKeygenArgs,
    PartRespondArgs, RevokeArgs, RootNewArgs, RootRole,
};
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, exit};
use crate::files::{self, Kind, Src, with_extension};
use crate::text;

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
    files::write_new(
        &key_path,
        files::secret_key_text(authority.key(), &label).as_bytes(),
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
/// command may write PREFIX.key and PREFIX.cert (or PREFIX.pub).
fn check_prefix(prefix: &Path, second: &str, kind: Kind, ctx: Ctx) -> Result<(), CliError> {
    if files::is_stdout(prefix) {
        return Err(CliError::usage(format!(
            "--out takes a file prefix: it writes PREFIX.key and PREFIX.{second}"
        ))
        .flag("--out -")
        .hint("give a prefix such as acme-root"));
    }
    files::check_can_write(
        &with_extension(prefix, "key"),
        Kind::SecretKey,
        ctx.force,
        "--out",
    )?;
    files::check_can_write(&with_extension(prefix, second), kind, ctx.force, "--out")
}

/// `partcert root new`
pub fn root_new(args: RootNewArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let certificate = Kind::Object(ObjectType::Certificate);
    check_prefix(&args.out, "cert", certificate, ctx)?;
    let (_, validity) = validity(ctx, args.valid_days)?;
    let key = SecretKey::generate(&mut OsRng);
    let flags = [
        ("manufacturer", "--manufacturer".to_owned()),
        ("name", flag_value("--name", &args.name)),
    ];
    let root = match args.role {
        RootRole::Manufacturer => {
            if args.manufacturer.is_empty() {
                return Err(CliError::usage(
                    "a manufacturer root names the makers whose parts its factory lines may certify",
                )
                .flag("--manufacturer")
                .hint("give --manufacturer NAME (repeat for several), or --role blocklist for a register's root"));
            }
            let makers: Vec<&str> = args.manufacturer.iter().map(String::as_str).collect();
            Authority::new_manufacturer_root(key, &args.name, &makers, validity)
        }
        RootRole::Blocklist => {
            if !args.manufacturer.is_empty() {
                return Err(CliError::usage(
                    "--manufacturer is for manufacturer roots: a blocklist root certifies no parts",
                )
                .flag("--manufacturer")
                .hint("drop --manufacturer"));
            }
            Authority::new_blocklist_root(key, &args.name, validity)
        }
    }
    .map_err(|error| text_refusal(error, &flags))?;
    let mut report = Report::new("root new");
    write_key_and_cert(&args.out, &root, ctx, &mut report)?;
    report.finish(ctx, out)
}

/// `partcert authority new`
pub fn authority_new(
    args: AuthorityNewArgs,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    check_prefix(
        &args.out,
        "cert",
        Kind::Object(ObjectType::Certificate),
        ctx,
    )?;
    let part_issuer = args.role == AuthorityRoleArg::PartIssuer;
    if !part_issuer && !args.kinds.is_empty() {
        return Err(CliError::usage("--kinds is only for --role part-issuer")
            .flag("--kinds")
            .hint("drop --kinds"));
    }
    if !part_issuer && !args.manufacturer.is_empty() {
        return Err(
            CliError::usage("--manufacturer is only for --role part-issuer")
                .flag("--manufacturer")
                .hint("drop --manufacturer"),
        );
    }
    if args.role != AuthorityRoleArg::Blocklist && args.epoch.is_some() {
        return Err(CliError::usage("--epoch is only for --role blocklist")
            .flag("--epoch")
            .hint("drop --epoch"));
    }
    if part_issuer && args.kinds.is_empty() {
        return Err(
            CliError::usage("a part issuer certifies parts of the kinds it is given")
                .flag("--kinds")
                .hint("give --kinds, e.g. --kinds board,screen,battery"),
        );
    }
    let root = load_authority(
        Src::new(&args.root, "--root"),
        Src::new(&args.root_cert, "--root-cert"),
    )?;
    let (_, validity) = validity(ctx, args.valid_days)?;
    let key = SecretKey::generate(&mut OsRng);
    let serial_number = args.serial_number.unwrap_or_else(|| OsRng.next_u64());
    // By default a line may certify every maker its root names.
    let makers: Vec<String> = if args.manufacturer.is_empty() {
        root.certificate()
            .authority()
            .map(|root| root.manufacturers.clone())
            .unwrap_or_default()
    } else {
        args.manufacturer.clone()
    };
    let epoch = args.epoch.unwrap_or(0);
    let certificate = match args.role {
        AuthorityRoleArg::PartIssuer => {
            let makers: Vec<&str> = makers.iter().map(String::as_str).collect();
            root.certify_part_issuer(
                &args.name,
                key.public_key(),
                &args.kinds,
                &makers,
                serial_number,
                validity,
            )
        }
        AuthorityRoleArg::Pairing => {
            root.certify_pairing_service(&args.name, key.public_key(), serial_number, validity)
        }
        AuthorityRoleArg::Blocklist => root.certify_blocklist_authority(
            &args.name,
            key.public_key(),
            epoch,
            serial_number,
            validity,
        ),
    }
    .map_err(|error| match &error {
        // The root is not the kind of root that certifies this role.
        Error::RoleNotPermitted { .. } => CliError::core(error)
            .file(&args.root_cert)
            .flag("--root-cert")
            .hint("a manufacturer root certifies part issuers and pairing services; a blocklist root certifies blocklist publishers"),
        Error::ManufacturerNotPermitted(_, maker) => {
            CliError::flagged(flag_value("--manufacturer", maker))(error)
                .hint("a line may certify only makers its root names")
        }
        Error::SequenceLeap { .. } => CliError::flagged(format!("--epoch {epoch}"))(error),
        _ => text_refusal(
            error,
            &[
                ("manufacturer", "--manufacturer".to_owned()),
                ("kinds", "--kinds".to_owned()),
                ("name", flag_value("--name", &args.name)),
            ],
        ),
    })?;
    let authority = Authority::new(key, certificate).map_err(CliError::core)?;
    let mut report = Report::new("authority new");
    write_key_and_cert(&args.out, &authority, ctx, &mut report)?;
    report.finish(ctx, out)
}

/// `partcert part keygen`
pub fn part_keygen(args: PartKeygenArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    ctx.refuse_unused("part keygen", false, true)?;
    check_prefix(&args.out, "pub", Kind::PublicKey, ctx)?;
    let key_path = with_extension(&args.out, "key");
    let pub_path = with_extension(&args.out, "pub");
    let key = SecretKey::generate(&mut OsRng);
    files::write_new(
        &key_path,
        files::secret_key_text(&key, "part secure element").as_bytes(),
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
    let manufacturer = match args.manufacturer {
        Some(name) => name,
        None => {
            let makers = issuer
                .certificate()
                .authority()
                .map(|a| a.manufacturers.clone())
                .unwrap_or_default();
            match makers.as_slice() {
                [one] => one.clone(),
                // Not a part issuer: the library says so below.
                [] => String::new(),
                several => {
                    return Err(CliError::usage(format!(
                        "the issuer may certify parts made by {}",
                        several.join(", ")
                    ))
                    .flag("--manufacturer")
                    .hint("say which with --manufacturer"));
                }
            }
        }
    };
    let spec = PartSpec {
        kind: args.kind,
        manufacturer,
        model: args.model,
        serial: args.serial,
        imeis: args.imei,
        key,
    };
    let serial_number = args.serial_number.unwrap_or_else(|| OsRng.next_u64());
    let certificate = issuer
        .certify_part(&spec, serial_number, validity)
        .map_err(|error| match &error {
            Error::RoleNotPermitted { .. } => {
                signer_refusal(&args.issuer_cert, "--issuer-cert")(error)
            }
            Error::KindNotPermitted(kind) => CliError::flagged(format!("--kind {kind}"))(error)
                .hint(
                    "this line's certificate names the kinds it may certify (`partcert show` it)",
                ),
            Error::ManufacturerNotPermitted(_, maker) => {
                CliError::flagged(flag_value("--manufacturer", maker))(error).hint(
                    "this line's certificate names the makers it may certify (`partcert show` it)",
                )
            }
            Error::InvalidField(what) if what.contains("IMEI") => {
                CliError::flagged("--imei")(error).hint(if spec.imeis.is_empty() {
                    "a board carries its IMEIs: give --imei (repeat for dual-SIM)"
                } else {
                    "only boards carry IMEIs: drop --imei"
                })
            }
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
        })?;
    files::write_new(&args.out, certificate.as_bytes(), kind, ctx.force, "--out")?;
    let mut report = Report::new("part issue");
    report.wrote(&args.out, kind);
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
    files::write_new(&args.out, response.as_bytes(), kind, ctx.force, "--out")?;
    let nonce = files::hex(challenge.nonce());
    let mut report = Report::new("part respond");
    report.wrote(&args.out, kind);
    report.line(format!(
        "wrote {}: the part's answer to challenge {nonce}",
        args.out.display()
    ));
    report.set("nonce", json!(nonce));
    report.set("certificate", json!(certificate.fingerprint().to_hex()));
    report.finish(ctx, out)
}

/// `partcert challenge new`
pub fn challenge_new(
    args: ChallengeNewArgs,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    ctx.refuse_unused("challenge new", false, true)?;
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, Kind::Challenge, ctx.force, "--out")?;
    let challenge = partcert::Challenge::generate(&mut OsRng);
    files::write_new(
        &args.out,
        files::challenge_text(&challenge).as_bytes(),
        Kind::Challenge,
        ctx.force,
        "--out",
    )?;
    let nonce = files::hex(challenge.nonce());
    let mut report = Report::new("challenge new");
    report.wrote(&args.out, Kind::Challenge);
    report.line(format!("wrote {}: challenge {nonce}", args.out.display()));
    report.set("nonce", json!(nonce));
    report.finish(ctx, out)
}

/// `partcert pair`
pub fn pair(args: PairArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let kind = Kind::Object(ObjectType::PairingRecord);
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, kind, ctx.force, "--out")?;
    let now = ctx.now()?;
    let service = load_authority(
        Src::new(&args.service, "--service"),
        Src::new(&args.service_cert, "--service-cert"),
    )?;
    let board = files::certificate(Src::new(&args.board, "--board"))?;
    let parts = files::certificates(&args.part, "--part")?;
    let event = if args.repair {
        PairingEvent::Repair
    } else {
        PairingEvent::FactoryBuild
    };
    let earlier = Earlier::load(&args, now)?;
    let record = match &earlier {
        None => service.pair(&board, &parts, args.sequence, event, now),
        Some(earlier) => service.pair_after(
            &earlier.trust,
            &earlier.records,
            &board,
            &parts,
            args.sequence,
            event,
            now,
        ),
    };
    let record = record.map_err(|error| match &earlier {
        // Signed without them it would be: the refusal is about an earlier record.
        Some(earlier)
            if service
                .pair(&board, &parts, args.sequence, event, now)
                .is_ok() =>
        {
            earlier.refusal(error, &service, &board, &parts, args.sequence, event, now)
        }
        _ => pair_refusal(error, &args),
    })?;
    files::write_new(&args.out, record.as_bytes(), kind, ctx.force, "--out")?;
    let mut report = Report::new("pair");
    report.wrote(&args.out, kind);
    report.line(format!(
        "wrote {}: handset {}, pairing #{} ({}), board and {} other part(s)",
        args.out.display(),
        text::imeis(record.imeis()),
        record.sequence(),
        text::event(event),
        record.parts().len()
    ));
    // What the earlier records carried: each part's first-paired time.
    for part in record.all_parts() {
        if part.first_paired < record.issued_at() {
            report.line(format!(
                "  {} part {} keeps its first pairing, {} (from an earlier record of its own maker)",
                part.kind,
                part.part_id,
                text::utc(part.first_paired)
            ));
        }
    }
    report.set(
        "imeis",
        serde_json::to_value(record.imeis()).unwrap_or_default(),
    );
    report.set("sequence", json!(record.sequence()));
    report.set("event", serde_json::to_value(event).unwrap_or_default());
    report.set("parts", json!(record.parts().len()));
    report.set("issued_at", json!(record.issued_at()));
    report.set("fingerprint", json!(record.fingerprint().to_hex()));
    report.set(
        "previous",
        args.previous
            .iter()
            .map(|path| json!(path.display().to_string()))
            .collect(),
    );
    report.set(
        "first_paired",
        record
            .all_parts()
            .map(|part| {
                json!({
                    "kind": part.kind,
                    "part_id": part.part_id.to_hex(),
                    "first_paired": part.first_paired,
                })
            })
            .collect(),
    );
    report.finish(ctx, out)
}

/// A refusal of the record to sign itself, naming the flag it is about.
fn pair_refusal(error: Error, args: &PairArgs) -> CliError {
    match &error {
        Error::RoleNotPermitted { .. } | Error::Expired { .. } | Error::NotYetValid { .. } => {
            signer_refusal(&args.service_cert, "--service-cert")(error)
        }
        // The board is another maker's, or not a board.
        Error::ForeignPairingService => CliError::core(error)
            .file(&args.board)
            .flag("--board")
            .exit(exit::USAGE)
            .hint("a pairing service pairs only boards its own root's lines certified"),
        Error::InvalidField(what) if what.contains("board") => CliError::core(error)
            .file(&args.board)
            .flag("--board")
            .exit(exit::USAGE)
            .hint(
                "--board takes the handset's board certificate (the part that carries its IMEIs)",
            ),
        Error::InvalidField(_) | Error::LengthOverBound { .. } => {
            CliError::flagged("--part")(error).hint("give each fitted part once, and not the board")
        }
        _ => CliError::core(error),
    }
}

/// The earlier records of `pair --previous`, and the roots (and
/// revocation lists) they are verified against.
struct Earlier {
    trust: partcert::TrustStore,
    records: Vec<partcert::PairingRecord>,
    paths: Vec<std::path::PathBuf>,
}

impl Earlier {
    fn load(args: &PairArgs, now: u64) -> Result<Option<Self>, CliError> {
        if args.previous.is_empty() {
            return Ok(None);
        }
        let mut trust = partcert::TrustStore::new();
        crate::verify::pin_manufacturer_roots(&mut trust, &args.trust)?;
        crate::lists::apply_revocations(&mut trust, &args.revocations, now)?;
        let records = args
            .previous
            .iter()
            .map(|path| files::pairing(Src::new(path, "--previous")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Earlier {
            trust,
            records,
            paths: args.previous.clone(),
        }))
    }

    /// The refusal of an earlier record, naming the file: each is offered
    /// alone to the core until one is refused.
    #[allow(clippy::too_many_arguments)] // the record's fields, each needed
    fn refusal(
        &self,
        error: Error,
        service: &Authority,
        board: &partcert::Certificate,
        parts: &[partcert::Certificate],
        sequence: u64,
        event: PairingEvent,
        now: u64,
    ) -> CliError {
        let culprit = self.records.iter().zip(&self.paths).find(|(record, _)| {
            service
                .pair_after(
                    &self.trust,
                    std::slice::from_ref(*record),
                    board,
                    parts,
                    sequence,
                    event,
                    now,
                )
                .is_err()
        });
        let hint = match error.code() {
            ErrorCode::UnknownIssuer => {
                "pin the root of the service that signed it with --trust, or drop it"
            }
            ErrorCode::InvalidField => {
                "an earlier record must be dated no later than this one (check --at)"
            }
            _ => {
                "an earlier record must verify against --trust at this record's time: drop it if it does not"
            }
        };
        let error = CliError::core(error).flag("--previous").hint(hint);
        match culprit {
            Some((_, path)) => error.file(path),
            None => error,
        }
    }
}

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
    files::write_new(&args.out, list.as_bytes(), kind, ctx.force, "--out")?;
    let mut report = Report::new("revoke");
    report.wrote(&args.out, kind);
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
