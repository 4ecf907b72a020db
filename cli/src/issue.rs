//! Commands that create keys and sign: roots, authorities, parts, pairing
//! records, revocation lists, challenges and challenge responses.

use std::io::Write;
use std::path::Path;

use partcert::{
    Authority, AuthorityRole, ChallengeResponse, PairingEvent, PartSpec, SecretKey, Validity,
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
    let role = match args.role {
        RootRole::Manufacturer => AuthorityRole::ManufacturerRoot,
        RootRole::Blocklist => AuthorityRole::BlocklistRoot,
    };
    let validity = validity_from(args.time.at, args.valid_days);
    let root = Authority::new_root(SecretKey::generate(&mut OsRng), role, &args.name, validity)
        .map_err(refused)?;
    write_key_and_cert(&args.out, &root, args.force, out)?;
    Ok(exit::OK)
}

/// `partcert authority new`
pub fn authority_new(args: AuthorityNewArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    files::check_can_create(&with_extension(&args.out, "key"), args.force)?;
    let root = load_authority(&args.root, &args.root_cert)?;
    let role = match args.role {
        AuthorityRoleArg::PartIssuer => AuthorityRole::PartIssuer,
        AuthorityRoleArg::Pairing => AuthorityRole::PairingService,
        AuthorityRoleArg::Blocklist => AuthorityRole::BlocklistAuthority,
    };
    let key = SecretKey::generate(&mut OsRng);
    let validity = validity_from(args.time.at, args.valid_days);
    let serial_number = args.serial_number.unwrap_or_else(|| OsRng.next_u64());
    let certificate = root
        .certify_authority(
            role,
            &args.name,
            key.public_key(),
            &args.kinds,
            serial_number,
            validity,
        )
        .map_err(refused)?;
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
        None => issuer
            .certificate()
            .authority()
            .map(|a| a.name.clone())
            .unwrap_or_default(),
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
        .map_err(refused)?;
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
    let response = ChallengeResponse::respond(&key, &challenge, &certificate).map_err(refused)?;
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
        .map_err(refused)?;
    files::write_atomic(&args.out, record.as_bytes(), Access::Public)?;
    let imeis: Vec<String> = record.imeis().iter().map(ToString::to_string).collect();
    writeln!(
        out,
        "wrote {}: handset {}, pairing #{} ({}), board and {} other part(s)",
        args.out.display(),
        imeis.join(", "),
        record.body().sequence,
        text::event(event),
        record.body().parts.len()
    )?;
    Ok(exit::OK)
}

/// `partcert revoke`
pub fn revoke(args: RevokeArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let root = load_authority(&args.root, &args.root_cert)?;
    let mut revoked = Vec::with_capacity(args.authority.len());
    for path in &args.authority {
        let certificate = files::certificate(path)?;
        let authority = certificate.authority().ok_or_else(|| CliError::Partcert {
            path: Some(path.clone()),
            error: partcert::Error::RoleNotPermitted {
                needed: "an authority to revoke",
                found: certificate.role_name(),
            },
        })?;
        revoked.push(authority.key.key_id());
    }
    let list = root
        .revoke(args.sequence, files::now(args.time.at), &revoked)
        .map_err(refused)?;
    files::write_atomic(&args.out, list.as_bytes(), Access::Public)?;
    writeln!(
        out,
        "wrote {}: revocation list #{} revoking {} key(s)",
        args.out.display(),
        args.sequence,
        list.body().revoked.len()
    )?;
    Ok(exit::OK)
}
