//! `partcert root new`: a maker's or a register's root key and its
//! self-signed certificate.

use std::io::Write;

use partcert::ObjectType;
use partcert::SecretKey;
use partcert::certificate::AuthorityRole;
use partcert::issue::Authority;
use rand_core::OsRng;

use super::{check_prefix, flag_value, text_refusal, validity, write_key_and_cert};
use crate::args::{RootNewArgs, RootRole};
use crate::ctx::{Ctx, Report};
use crate::error::CliError;
use crate::files::{self, Kind};

/// `partcert root new`
pub fn root_new(args: RootNewArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let certificate = Kind::Object(ObjectType::Certificate);
    let role = files::role_tag(match args.role {
        RootRole::Manufacturer => AuthorityRole::ManufacturerRoot,
        RootRole::Blocklist => AuthorityRole::BlocklistRoot,
    });
    check_prefix(&args.out, (&role, "cert"), certificate, ctx)?;
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
