//! Commands that create keys and sign: roots, authorities, parts, pairing
//! records, revocation lists, challenges and challenge responses.

use std::io::Write;
use std::path::Path;

use partcert::issue::{Authority, PartSpec};
use partcert::{
    ChallengeResponse, Error, ErrorCode, PairingEvent, RevokedKey, SecretKey, Validity,
};
use rand_core::{OsRng, RngCore};

use crate::args::{
    AuthorityNewArgs, AuthorityRoleArg, ChallengeNewArgs, PairArgs, PartIssueArgs, PartKeygenArgs,
    PartRespondArgs, RevokeArgs, RootNewArgs, RootRole,
};
use crate::error::{CliError, exit};
use crate::files::{self, Access, with_extension};
use crate::text;

/// The validity of a certificate signed at `at` (or now) for `days` days.
fn validity_from(at: Option<u64>, days: u64) -> Validity {
    Validity::issued_at(files::now(at), days)
}

/// A library error about the arguments rather than a file.
pub fn refused(error: partcert::Error) -> CliError {
    CliError::Partcert { path: None, error }
}

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

/// Reports a refusal of issued text against its flag when one is named,
/// else against the command line as a whole.
fn text_refusal(error: Error, flags: &[(&str, String)]) -> CliError {
    match text_flag(&error, flags) {
        Some(flag) => CliError::Flagged { flag, error },
        None => refused(error),
    }
}

/// `--flag "value"`, as the user would recognise it.
fn flag_value(flag: &str, value: &str) -> String {
    format!("{flag} {value:?}")
}

/// Loads an authority: its secret key and the certificate it must match.
pub fn load_authority(key_path: &Path, cert_path: &Path) -> Result<Authority, CliError> {
    let key = files::secret_key(key_path)?;
    let certificate = files::certificate(cert_path)?;
    Authority::new(key, certificate).map_err(CliError::about(key_path))
}

fn write_key_and_cert(
    prefix: &Path,
    authority: &Authority,
    force: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let key_path = with_extension(prefix, "key");
    let cert_path = with_extension(prefix, "cert");
    let certificate = authority.certificate();
    let label = certificate
        .authority()
        .map(|a| format!("{} \"{}\"", a.role.name(), a.name))
        .unwrap_or_default();
    files::write_secret_key(&key_path, authority.key(), &label, force)?;
    files::write_atomic(&cert_path, certificate.as_bytes(), Access::Public)?;
    writeln!(
        out,
        "wrote {} (secret, keep it offline) and {}",
        key_path.display(),
        cert_path.display()
    )?;
    writeln!(out, "  {}", text::certificate(certificate))?;
    writeln!(out, "  valid {}", text::validity(&certificate.validity()))?;
    Ok(())
}

/// `partcert root new`
pub fn root_new(args: RootNewArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    files::check_can_create(&with_extension(&args.out, "key"), args.force)?;
    let validity = validity_from(args.time.at, args.valid_days);
    let key = SecretKey::generate(&mut OsRng);
    let flags = [
        ("manufacturer", "--manufacturer".to_owned()),
        ("name", flag_value("--name", &args.name)),
    ];
    let root = match args.role {
        RootRole::Manufacturer => {
            if args.manufacturer.is_empty() {
                return Err(CliError::Usage(
                    "a manufacturer root names the makers whose parts its factory lines may \
                     certify: give --manufacturer NAME (repeat for several)"
                        .to_owned(),
                ));
            }
            let makers: Vec<&str> = args.manufacturer.iter().map(String::as_str).collect();
            Authority::new_manufacturer_root(key, &args.name, &makers, validity)
        }
        RootRole::Blocklist => {
            if !args.manufacturer.is_empty() {
                return Err(CliError::Usage(
                    "--manufacturer is for manufacturer roots: a blocklist root certifies no parts"
                        .to_owned(),
                ));
            }
            Authority::new_blocklist_root(key, &args.name, validity)
        }
    }
    .map_err(|error| text_refusal(error, &flags))?;
    write_key_and_cert(&args.out, &root, args.force, out)?;
    Ok(exit::OK)
}

/// `partcert authority new`
pub fn authority_new(args: AuthorityNewArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    files::check_can_create(&with_extension(&args.out, "key"), args.force)?;
    let root = load_authority(&args.root, &args.root_cert)?;
    let part_issuer = args.role == AuthorityRoleArg::PartIssuer;
    if !part_issuer && !args.kinds.is_empty() {
        return Err(CliError::Usage(
            "--kinds is only for --role part-issuer".to_owned(),
        ));
    }
    if !part_issuer && !args.manufacturer.is_empty() {
        return Err(CliError::Usage(
            "--manufacturer is only for --role part-issuer".to_owned(),
        ));
    }
    if args.role != AuthorityRoleArg::Blocklist && args.epoch.is_some() {
        return Err(CliError::Usage(
            "--epoch is only for --role blocklist".to_owned(),
        ));
    }
    let key = SecretKey::generate(&mut OsRng);
    let validity = validity_from(args.time.at, args.valid_days);
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
        Error::RoleNotPermitted { .. } => CliError::about(&args.root_cert)(error),
        Error::ManufacturerNotPermitted(_, maker) => {
            CliError::flag(flag_value("--manufacturer", maker))(error)
        }
        Error::SequenceLeap { .. } => CliError::flag(format!("--epoch {epoch}"))(error),
        _ => text_refusal(
            error,
            &[
                ("manufacturer", "--manufacturer".to_owned()),
                ("kinds", "--kinds".to_owned()),
                ("name", flag_value("--name", &args.name)),
            ],
        ),
    })?;
    let authority = Authority::new(key, certificate).map_err(refused)?;
    write_key_and_cert(&args.out, &authority, args.force, out)?;
    Ok(exit::OK)
}

/// `partcert part keygen`
pub fn part_keygen(args: PartKeygenArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let key_path = with_extension(&args.out, "key");
    let pub_path = with_extension(&args.out, "pub");
    let key = SecretKey::generate(&mut OsRng);
    files::write_secret_key(&key_path, &key, "part secure element", args.force)?;
    let public = key.public_key();
    files::write_atomic(
        &pub_path,
        format!("{}\n", public.to_hex()).as_bytes(),
        Access::Public,
    )?;
    writeln!(
        out,
        "wrote {} (secret: it belongs inside the part) and {}",
        key_path.display(),
        pub_path.display()
    )?;
    writeln!(out, "  part key id {}", public.key_id())?;
    Ok(exit::OK)
}

/// `partcert part issue`
pub fn part_issue(args: PartIssueArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let issuer = load_authority(&args.issuer, &args.issuer_cert)?;
    let key = match &args.part_key {
        Some(path) => Some(files::public_key(path)?),
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
                    return Err(CliError::Usage(format!(
                        "the issuer may certify parts made by {}: say which with --manufacturer",
                        several.join(", ")
                    )));
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
    let validity = validity_from(args.time.at, args.valid_days);
    let serial_number = args.serial_number.unwrap_or_else(|| OsRng.next_u64());
    let certificate = issuer
        .certify_part(&spec, serial_number, validity)
        .map_err(|error| match &error {
            Error::RoleNotPermitted { .. } => CliError::about(&args.issuer_cert)(error),
            Error::KindNotPermitted(kind) => CliError::flag(format!("--kind {kind}"))(error),
            Error::ManufacturerNotPermitted(_, maker) => {
                CliError::flag(flag_value("--manufacturer", maker))(error)
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
    files::write_atomic(&args.out, certificate.as_bytes(), Access::Public)?;
    writeln!(out, "wrote {}", args.out.display())?;
    writeln!(out, "  {}", text::certificate(&certificate))?;
    if let Some(part) = certificate.part() {
        writeln!(out, "  part id {}", part.part_id().to_hex())?;
    }
    writeln!(out, "  fingerprint {}", certificate.fingerprint().to_hex())?;
    Ok(exit::OK)
}

/// `partcert part respond`
pub fn part_respond(args: PartRespondArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let key = files::secret_key(&args.part_key)?;
    let certificate = files::certificate(&args.cert)?;
    let challenge = files::challenge(&args.challenge)?;
    let response = ChallengeResponse::respond(&key, &challenge, &certificate).map_err(|error| {
        match error.code() {
            // The certificate names no key: it is not a keyed part's.
            ErrorCode::NoPartKey => CliError::about(&args.cert)(error),
            // The key is not the one the certificate names.
            _ => CliError::about(&args.part_key)(error),
        }
    })?;
    files::write_atomic(&args.out, response.as_bytes(), Access::Public)?;
    writeln!(
        out,
        "wrote {}: the part's answer to challenge {}",
        args.out.display(),
        files::hex(challenge.nonce())
    )?;
    Ok(exit::OK)
}

/// `partcert challenge new`
pub fn challenge_new(args: ChallengeNewArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let challenge = partcert::Challenge::generate(&mut OsRng);
    let nonce = files::hex(challenge.nonce());
    files::write_atomic(&args.out, format!("{nonce}\n").as_bytes(), Access::Public)?;
    writeln!(out, "wrote {}: challenge {nonce}", args.out.display())?;
    Ok(exit::OK)
}

/// `partcert pair`
pub fn pair(args: PairArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let service = load_authority(&args.service, &args.service_cert)?;
    let board = files::certificate(&args.board)?;
    let parts = files::certificates(&args.part)?;
    let event = if args.repair {
        PairingEvent::Repair
    } else {
        PairingEvent::FactoryBuild
    };
    let record = service
        .pair(
            &board,
            &parts,
            args.sequence,
            event,
            files::now(args.time.at),
        )
        .map_err(|error| match &error {
            Error::RoleNotPermitted { .. } => CliError::about(&args.service_cert)(error),
            // The board is another maker's, or not a board.
            Error::ForeignPairingService => CliError::about(&args.board)(error),
            Error::InvalidField(what) if what.contains("board") => {
                CliError::about(&args.board)(error)
            }
            Error::InvalidField(_) | Error::LengthOverBound { .. } => {
                CliError::flag("--part")(error)
            }
            _ => refused(error),
        })?;
    files::write_atomic(&args.out, record.as_bytes(), Access::Public)?;
    writeln!(
        out,
        "wrote {}: handset {}, pairing #{} ({}), board and {} other part(s)",
        args.out.display(),
        text::imeis(record.imeis()),
        record.sequence(),
        text::event(event),
        record.parts().len()
    )?;
    Ok(exit::OK)
}

/// `partcert revoke`
pub fn revoke(args: RevokeArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let root = load_authority(&args.root, &args.root_cert)?;
    let mut revoked = Vec::with_capacity(args.authority.len() + args.key.len());
    for path in &args.authority {
        let certificate = files::certificate(path)?;
        let authority = certificate.authority().ok_or_else(|| CliError::Partcert {
            path: Some(path.clone()),
            error: partcert::Error::RoleNotPermitted {
                needed: "an authority to revoke",
                found: certificate.role_name(),
            },
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
        .revoke(args.sequence, files::now(args.time.at), &revoked)
        .map_err(|error| match &error {
            Error::RoleNotPermitted { .. } | Error::Expired { .. } | Error::NotYetValid { .. } => {
                CliError::about(&args.root_cert)(error)
            }
            Error::InvalidField(_) | Error::LengthOverBound { .. } => {
                CliError::flag("--authority/--key")(error)
            }
            _ => refused(error),
        })?;
    files::write_atomic(&args.out, list.as_bytes(), Access::Public)?;
    writeln!(
        out,
        "wrote {}: revocation list #{} revoking {} key(s)",
        args.out.display(),
        args.sequence,
        list.revoked().len()
    )?;
    for key in list.revoked() {
        writeln!(out, "  {}", text::revoked(key))?;
    }
    Ok(exit::OK)
}
