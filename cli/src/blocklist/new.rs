//! `partcert blocklist new`: a register's full list, sorted or compact
//! (`--compact`), signed from its base (an earlier sorted snapshot,
//! `--base`) and the changes given, reporting what changed as the core
//! counted it.

use std::io::Write;
use std::path::Path;

use partcert::blocklist::{
    Base, BlocklistSnapshot, CompactSnapshot, Format, ListVersion, Publication, Published,
    SignedList,
};
use partcert::issue::Authority;
use partcert::{Error, ObjectType};
use serde_json::json;

use super::listing::{self, Listing};
use super::{DAY, mass_delisting, not_later, object_type, state_digest};
use crate::args::BlocklistNewArgs;
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, exit};
use crate::files::{self, Kind, Src};
use crate::issue::load_authority;
use crate::progress;
use crate::text;

/// Why `--base` takes a sorted snapshot only.
const BASE_NOT_COMPACT: &str = "a compact list keeps parts as fingerprints only (and listing times \
     to the day), so the list it came from cannot be rebuilt from it exactly";
const BASE_NOT_COMPACT_HINT: &str = "keep the register's sorted snapshot as its master copy: give \
     that to --base, with --compact to publish the next version compact";

/// The list to sign: its version and times, and the base it starts from.
struct Plan<'a> {
    version: ListVersion,
    issued_at: u64,
    expires_at: u64,
    /// `--base`, read.
    base: Option<(&'a Path, BlocklistSnapshot)>,
    /// The epoch as a refusal of it names it: given, or taken from `--base`.
    epoch_flag: String,
}

impl<'a> Plan<'a> {
    /// Reads `--base`; a list continues its base's epoch unless told otherwise.
    fn read(args: &'a BlocklistNewArgs, now: u64) -> Result<Self, CliError> {
        let base = match &args.base {
            Some(path) => {
                let src = Src::new(path, "--base");
                let base = files::sorted_snapshot(src, BASE_NOT_COMPACT, BASE_NOT_COMPACT_HINT)?;
                Some((path.as_path(), base))
            }
            None => None,
        };
        let base_epoch = base.as_ref().map(|(_, base)| base.version().epoch);
        let epoch = args.epoch.or(base_epoch).unwrap_or(0);
        let epoch_flag = match (args.epoch, &base) {
            (Some(epoch), _) => format!("--epoch {epoch}"),
            (None, Some((path, _))) => format!(
                "--epoch (not given: {epoch}, the epoch of {})",
                path.display()
            ),
            (None, None) => "--epoch (not given: 0)".to_owned(),
        };
        Ok(Plan {
            version: ListVersion::new(epoch, args.sequence),
            issued_at: now,
            expires_at: now.saturating_add(args.expires_days.saturating_mul(DAY)),
            base,
            epoch_flag,
        })
    }

    fn base(&self) -> Option<&BlocklistSnapshot> {
        self.base.as_ref().map(|(_, base)| base)
    }
}

/// `partcert blocklist new`
pub fn new(args: BlocklistNewArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let kind = Kind::Object(if args.compact {
        ObjectType::CompactSnapshot
    } else {
        ObjectType::BlocklistSnapshot
    });
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, kind, ctx.force, "--out")?;
    let now = ctx.now()?;
    ctx.plausible_days("--expires-days", args.expires_days)?;
    listing::check_one_stdin(&args.listing)?;
    let publisher = load_authority(
        Src::new(&args.signer.authority, "--authority"),
        Src::new(&args.signer.authority_cert, "--authority-cert"),
    )?;
    let plan = Plan::read(&args, now)?;
    let listing = Listing::read(&args.listing, now)?;
    let published = sign(&args, &publisher, &plan, &listing)?;
    if let Some((base, _)) = &plan.base {
        published
            .changes
            .check_delisting(args.allow_delisting)
            .map_err(|error| {
                mass_delisting(error, "--base lists", args.allow_delisting)
                    .file(base)
                    .flag("--base")
            })?;
    }
    let bytes = published.list.as_bytes();
    let mut report = Report::written("blocklist new", &args.out, bytes, kind, ctx)?;
    report_lines(&mut report, &args, &plan, &listing, &published);
    report_fields(&mut report, &plan, &listing, &published);
    report.finish(ctx, out)
}

/// Signs the list: a compact one with no base and nothing delisted is
/// coded by the core straight from the IMEIs read (a national list of 200
/// million lines never becomes 200 million entries).
fn sign(
    args: &BlocklistNewArgs,
    publisher: &Authority,
    plan: &Plan<'_>,
    listing: &Listing,
) -> Result<Published, CliError> {
    let publication = Publication {
        format: if args.compact {
            Format::Compact
        } else {
            Format::Sorted
        },
        version: plan.version,
        issued_at: plan.issued_at,
        expires_at: plan.expires_at,
        base: plan.base().map_or(Base::None, Base::Snapshot),
        delisted: &listing.delisted,
    };
    let work = listing.given() + plan.base().map_or(0, |base| base.entries().len());
    let spinner = progress::spinner_for(
        work,
        if args.compact {
            "sorting, coding and signing the compact snapshot"
        } else {
            "sorting and signing the snapshot"
        },
    );
    let published = publisher.publish(&publication, listing.listed());
    spinner.finish_and_clear();
    published.map_err(|error| {
        listing::listing_refusal(error).unwrap_or_else(|error| refusal(error, args, plan))
    })
}

/// A refusal of the list to sign, naming the flag or file it is about.
fn refusal(error: Error, args: &BlocklistNewArgs, plan: &Plan<'_>) -> CliError {
    let sequence_flag = format!("--sequence {}", args.sequence);
    match (&error, &plan.base) {
        // A delegated publisher outside the epoch it is certified for.
        (Error::EpochNotPermitted { .. }, _) => CliError::flagged(&plan.epoch_flag)(error),
        (Error::SequenceLeap { offered, .. }, _) if *offered == args.sequence => {
            CliError::flagged(sequence_flag)(error)
        }
        (Error::SequenceLeap { .. }, _) => CliError::flagged(&plan.epoch_flag)(error),
        (Error::Rollback { accepted, .. }, Some((path, _))) => {
            let accepted = *accepted;
            let after = format!(" of {}, its base", path.display());
            let epoch = " (or a later --epoch, for the register's root)";
            not_later(error, plan.version, accepted, &after, epoch)
        }
        (Error::WrongAuthority, Some((path, _))) => CliError::core(error)
            .file(path)
            .flag("--base")
            .exit(exit::USAGE)
            .hint("--base takes an earlier snapshot of this same register"),
        // The signer: not a publisher, or not valid at the issue time.
        (Error::RoleNotPermitted { .. } | Error::Expired { .. } | Error::NotYetValid { .. }, _) => {
            CliError::core(error)
                .file(&args.signer.authority_cert)
                .flag("--authority-cert")
                .hint("sign with a blocklist root or a publisher valid at the issue time (--at)")
        }
        // A compact list keeps listing days from 2000-01-01 to 2179.
        (Error::InvalidField(_), _) if args.compact => {
            CliError::core(error).flag("--compact").hint(
                "a compact list keeps listing times from 2000-01-01 to 2179-06-06, and a handset \
                 only on part entries",
            )
        }
        _ => CliError::core(error),
    }
}

/// What was signed, in words: the counts, the notes on what the core
/// counted, a compact list's sizes, the times and the state digest.
fn report_lines(
    report: &mut Report,
    args: &BlocklistNewArgs,
    plan: &Plan<'_>,
    listing: &Listing,
    published: &Published,
) {
    let changes = &published.changes;
    report.line(format!(
        "wrote {}: {} {} with {} entries ({} carried over, {} newly listed as {}{}, {} delisted)",
        args.out.display(),
        object_type(&published.list).name(),
        text::version(plan.version),
        changes.total,
        changes.carried,
        changes.listed,
        listing.reason.name(),
        if args.listing.suspended {
            " (suspended)"
        } else {
            ""
        },
        changes.delisted,
    ));
    let where_listed = if plan.base.is_some() {
        " in --base"
    } else {
        " (no --base)"
    };
    let already = listing.already_listed(changes);
    listing::note_changes(report, changes, already, listing.reason, where_listed);
    if let SignedList::Compact(compact) = &published.list {
        compact_lines(report, compact);
    }
    report.line(format!(
        "  issued {}, stale after {}",
        text::utc(plan.issued_at),
        text::utc(plan.expires_at)
    ));
    report.line(format!(
        "  state digest {}",
        state_digest(&published.list).to_hex()
    ));
}

/// A compact list's make-up and sizes, and how it is kept current.
fn compact_lines(report: &mut Report, compact: &CompactSnapshot) {
    let list = compact.list();
    report.line(format!(
        "  compact: {} IMEIs (exact), {} parts as {}-bit fingerprints (a part not listed \
         matches one with probability at most 2^-41 per lookup), listing days only; \
         the list {} bytes ({} bits an entry), the signed file {} bytes",
        list.imei_count(),
        list.part_count(),
        list.fingerprint_width(),
        list.sizes().total_bytes,
        text::bits_per_entry(list.sizes().total_bytes, list.len()),
        compact.as_bytes().len(),
    ));
    report.line(
        "  keep it current with deltas over what devices hold (`blocklist delta --over`), \
         or publish the next compact snapshot",
    );
}

/// The `--json` fields: the counts are the core's (`Changes`).
fn report_fields(report: &mut Report, plan: &Plan<'_>, listing: &Listing, published: &Published) {
    let changes = &published.changes;
    let format = match published.list {
        SignedList::Compact(_) => "compact",
        _ => "sorted",
    };
    report.set("epoch", json!(plan.version.epoch));
    report.set("sequence", json!(plan.version.sequence));
    report.set("entries", json!(changes.total));
    report.set("format", json!(format));
    report.set("bytes", json!(published.list.as_bytes().len()));
    let already = listing.already_listed(changes);
    report.set("counts", listing::counts_json(changes, already));
    report.set("not_listed", listing::not_listed_json(changes));
    report.set("issued_at", json!(plan.issued_at));
    report.set("expires_at", json!(plan.expires_at));
    report.set(
        "state_digest",
        json!(state_digest(&published.list).to_hex()),
    );
}
