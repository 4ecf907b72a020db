//! `partcert authority new`: a factory line, a pairing service or a
//! blocklist publisher, its key generated and certified by a root.

use std::io::Write;

use partcert::certificate::{AuthorityRole, Validity};
use partcert::issue::Authority;
use partcert::{Certificate, Error, ObjectType, SecretKey};
use rand_core::{OsRng, RngCore};

use super::{check_prefix, flag_value, load_authority, text_refusal, validity, write_key_and_cert};
use crate::args::{AuthorityNewArgs, AuthorityRoleArg};
use crate::ctx::{Ctx, Report};
use crate::error::CliError;
use crate::files::{self, Kind, Src};

/// `partcert authority new`
pub fn authority_new(
    args: AuthorityNewArgs,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let role = files::role_tag(match args.role {
        AuthorityRoleArg::PartIssuer => AuthorityRole::PartIssuer,
        AuthorityRoleArg::Pairing => AuthorityRole::PairingService,
        AuthorityRoleArg::Blocklist => AuthorityRole::BlocklistAuthority,
    });
    let certificate = Kind::Object(ObjectType::Certificate);
    check_prefix(&args.out, (&role, "cert"), certificate, ctx)?;
    check_role_flags(&args)?;
    let root = load_authority(
        Src::new(&args.root, "--root"),
        Src::new(&args.root_cert, "--root-cert"),
    )?;
    let (_, validity) = validity(ctx, args.valid_days)?;
    let key = SecretKey::generate(&mut OsRng);
    let certificate =
        certify(&root, &args, &key, validity).map_err(|error| certify_refusal(error, &args))?;
    let authority = Authority::new(key, certificate).map_err(CliError::core)?;
    let mut report = Report::new("authority new");
    write_key_and_cert(&args.out, &authority, ctx, &mut report)?;
    report.finish(ctx, out)
}

/// Each role takes its own flags: a flag for another role is refused, and
/// a part issuer needs its kinds.
fn check_role_flags(args: &AuthorityNewArgs) -> Result<(), CliError> {
    let part_issuer = args.role == AuthorityRoleArg::PartIssuer;
    let misplaced = [
        (
            !part_issuer && !args.kinds.is_empty(),
            "--kinds",
            "--role part-issuer",
        ),
        (
            !part_issuer && !args.manufacturer.is_empty(),
            "--manufacturer",
            "--role part-issuer",
        ),
        (
            args.role != AuthorityRoleArg::Blocklist && args.epoch.is_some(),
            "--epoch",
            "--role blocklist",
        ),
    ];
    if let Some((_, flag, role)) = misplaced.iter().find(|(given, ..)| *given) {
        return Err(CliError::usage(format!("{flag} is only for {role}"))
            .flag(*flag)
            .hint(format!("drop {flag}")));
    }
    if part_issuer && args.kinds.is_empty() {
        return Err(
            CliError::usage("a part issuer certifies parts of the kinds it is given")
                .flag("--kinds")
                .hint("give --kinds, e.g. --kinds board,screen,battery"),
        );
    }
    Ok(())
}

/// The root certifies the new key in its role. By default a line may
/// certify every maker its root names.
fn certify(
    root: &Authority,
    args: &AuthorityNewArgs,
    key: &SecretKey,
    validity: Validity,
) -> Result<Certificate, Error> {
    let serial_number = args.serial_number.unwrap_or_else(|| OsRng.next_u64());
    match args.role {
        AuthorityRoleArg::PartIssuer => {
            let makers: Vec<String> = if args.manufacturer.is_empty() {
                root.certificate()
                    .authority()
                    .map(|root| root.manufacturers.clone())
                    .unwrap_or_default()
            } else {
                args.manufacturer.clone()
            };
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
            args.epoch.unwrap_or(0),
            serial_number,
            validity,
        ),
    }
}

/// A refusal of the certificate, naming the flag or file it is about.
fn certify_refusal(error: Error, args: &AuthorityNewArgs) -> CliError {
    match &error {
        // The root is not the kind of root that certifies this role.
        Error::RoleNotPermitted { .. } => CliError::core(error)
            .file(&args.root_cert)
            .flag("--root-cert")
            .hint(
                "a manufacturer root certifies part issuers and pairing services; a blocklist \
                 root certifies blocklist publishers",
            ),
        Error::ManufacturerNotPermitted(_, maker) => {
            CliError::flagged(flag_value("--manufacturer", maker))(error)
                .hint("a line may certify only makers its root names")
        }
        Error::SequenceLeap { .. } => {
            CliError::flagged(format!("--epoch {}", args.epoch.unwrap_or(0)))(error)
        }
        _ => text_refusal(
            error,
            &[
                ("manufacturer", "--manufacturer".to_owned()),
                ("kinds", "--kinds".to_owned()),
                ("name", flag_value("--name", &args.name)),
            ],
        ),
    }
}
