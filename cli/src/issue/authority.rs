//! `partcert authority new`: a factory line, a pairing service or a
//! blocklist publisher, its key generated and certified by a root.

use std::io::Write;

use partcert::issue::Authority;
use partcert::{Error, ObjectType, SecretKey};
use rand_core::{OsRng, RngCore};

use super::{check_prefix, flag_value, load_authority, text_refusal, validity, write_key_and_cert};
use crate::args::{AuthorityNewArgs, AuthorityRoleArg};
use crate::ctx::{Ctx, Report};
use crate::error::CliError;
use crate::files::{Kind, Src};

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
