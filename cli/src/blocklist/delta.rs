//! `partcert blocklist delta`: the change devices apply instead of a whole
//! list — between two sorted snapshots (`--from`, `--to`), or over the
//! list a register's mirror of what devices hold (`--over`, sorted or
//! compact) from the day's changes.

use std::io::Write;
use std::path::Path;

use partcert::blocklist::{
    AuthorityList, Base, BlockKey, BlocklistDelta, BlocklistSnapshot, Format, ListVersion,
    LoadedState, Publication, Published, SignedList,
};
use partcert::ids::KeyId;
use partcert::issue::Authority;
use partcert::{Blocklist, Error, ObjectType, TrustStore};

use super::followed::{dropped_json, note_dropped};
use super::listing::{self, Listing};
use super::repository;
use super::{DAY, not_later, object_type};
use crate::args::BlocklistDeltaArgs;
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, ToolCode, exit};
use crate::files::{self, Kind, Src};
use crate::issue::load_authority;
use crate::text;
use crate::trust::pin_blocklist_roots;

/// What `blocklist delta` writes.
const KIND: Kind = Kind::Object(ObjectType::BlocklistDelta);

/// Why `blocklist delta --from/--to` takes sorted snapshots only.
const DELTA_NOT_COMPACT: &str =
    "--from and --to are sorted snapshots (a compact list keeps parts as fingerprints only)";
const DELTA_HINT: &str = "for a compact list, build the delta over the state devices hold: \
     `blocklist delta --over STATE.pcbs --blocklist-trust ROOT.cert --sequence N` with the changes";

/// How a register starts the mirror `--over` reads.
const KEEP_A_MIRROR: &str =
    "keep a mirror of what devices hold: `blocklist apply --state STATE.pcbs --init LIST`";

/// `partcert blocklist delta`
pub fn delta(args: BlocklistDeltaArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    // Between two snapshots the delta takes their times; over a state it
    // is issued now (or --at).
    ctx.refuse_unused("blocklist delta", args.over.is_some(), true)?;
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, KIND, ctx.force, "--out")?;
    let publisher = load_authority(
        Src::new(&args.signer.authority, "--authority"),
        Src::new(&args.signer.authority_cert, "--authority-cert"),
    )?;
    match (&args.from, &args.to) {
        (Some(from), Some(to)) => between(&args, &publisher, (from, to), ctx, out),
        _ => over(&args, &publisher, ctx, out),
    }
}

/// The delta from snapshot `--from` to snapshot `--to`.
fn between(
    args: &BlocklistDeltaArgs,
    publisher: &Authority,
    (from_path, to_path): (&Path, &Path),
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    if listing::any_change(&args.listing) {
        return Err(CliError::usage(
            "--from and --to give the changes themselves: the changes to list or delist are for --over",
        )
        .flag("--imei/--imeis-from/--from-pairing/--delist-*")
        .hint("drop them, or build the delta over a state with --over"));
    }
    let from =
        files::sorted_snapshot(Src::new(from_path, "--from"), DELTA_NOT_COMPACT, DELTA_HINT)?;
    let to = files::sorted_snapshot(Src::new(to_path, "--to"), DELTA_NOT_COMPACT, DELTA_HINT)?;
    let delta = sign_between(args, publisher, &from, &to, to_path)?;
    let mut report = Report::written("blocklist delta", &args.out, delta.as_bytes(), KIND, ctx)?;
    let full = format!("; the full snapshot is {}", to.as_bytes().len());
    report.line(wrote_line(&args.out, &delta, "", &full));
    finish(report, &delta, ctx, out)
}

/// Signs the delta over `from` that lists what `to` lists differently and
/// delists what `to` no longer lists, and checks it leads to `to` itself.
fn sign_between(
    args: &BlocklistDeltaArgs,
    publisher: &Authority,
    from: &BlocklistSnapshot,
    to: &BlocklistSnapshot,
    to_path: &Path,
) -> Result<BlocklistDelta, CliError> {
    if from.authority() != to.authority() {
        return Err(CliError::core(Error::WrongAuthority)
            .file(to_path)
            .flag("--to")
            .exit(exit::USAGE)
            .hint("--from and --to must be two snapshots of one register"));
    }
    let delisted: Vec<BlockKey> = from
        .entries()
        .iter()
        .map(|entry| entry.key)
        .filter(|key| to.find(key).is_none())
        .collect();
    let listed = to
        .entries()
        .iter()
        .filter(|entry| from.find(&entry.key) != Some(*entry))
        .copied();
    let publication = Publication {
        format: Format::Delta,
        version: to.version(),
        issued_at: to.issued_at(),
        expires_at: to.expires_at(),
        base: Base::Snapshot(from),
        delisted: &delisted,
    };
    let published = publisher
        .publish(&publication, listed)
        .map_err(|error| between_refusal(error, args, to_path))?;
    let delta = into_delta(published.list)?;
    if delta.result_digest() != to.state_digest() {
        return Err(not_reached(to_path));
    }
    Ok(delta)
}

/// A refusal of the delta between two snapshots.
fn between_refusal(error: Error, args: &BlocklistDeltaArgs, to_path: &Path) -> CliError {
    match &error {
        // The signer: another register's, not a publisher, outside its
        // epoch, or not valid when the list was issued.
        Error::WrongAuthority
        | Error::RoleNotPermitted { .. }
        | Error::EpochNotPermitted { .. }
        | Error::Expired { .. }
        | Error::NotYetValid { .. } => CliError::core(error)
            .file(&args.signer.authority_cert)
            .flag("--authority-cert")
            .hint("sign with the register's root or its publisher for the epoch of --to"),
        // Not later than --from, or in another epoch.
        _ => CliError::core(error)
            .file(to_path)
            .flag("--to")
            .exit(exit::USAGE)
            .hint("--to must be a later snapshot than --from, in the same epoch"),
    }
}

/// The refusal of a `--to` no delta over `--from` leads to: a listing `--to`
/// carries with the reason and status `--from` has, but another date or
/// handset (the core keeps a key's first listing when it is listed again
/// alike, so devices would hold another list than `--to` under its
/// version). Nothing is signed.
fn not_reached(to_path: &Path) -> CliError {
    CliError::usage(
        "no delta over --from leads to this list: it lists a key with the reason and status \
         --from lists it with, but another date or handset (a key listed again alike keeps its \
         first listing); nothing was signed",
    )
    .file(to_path)
    .flag("--to")
    .hint(
        "publish --to itself (devices apply the whole snapshot), or build each list from the one \
         before it with `blocklist new --base`",
    )
}

/// The list of a publication asked for in the delta format.
fn into_delta(list: SignedList) -> Result<BlocklistDelta, CliError> {
    match list {
        SignedList::Delta(delta) => Ok(delta),
        other => Err(CliError::tool(
            ToolCode::Internal,
            format!(
                "asked for a blocklist delta, the library signed a {}",
                object_type(&other).name()
            ),
        )
        .hint("a bug: please report it")),
    }
}

/// `partcert blocklist delta --over STATE`: the delta over the list of
/// this register a state holds (sorted or compact), from the changes given.
fn over(
    args: &BlocklistDeltaArgs,
    publisher: &Authority,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let (Some(over), Some(sequence)) = (&args.over, args.sequence) else {
        return Err(
            CliError::usage("give --from and --to, or --over with --sequence")
                .flag("--from/--to/--over"),
        );
    };
    let expires_days = args.expires_days.unwrap_or(7);
    let now = ctx.now()?;
    ctx.plausible_days("--expires-days", expires_days)?;
    listing::check_one_stdin(&args.listing)?;
    let (mirror, authority, trust) = load_mirror(args, over, publisher)?;
    let held = held_list(&mirror.blocklist, &authority, over)?;
    if let Some(repo) = &args.repo {
        check_in_step(repo, (&trust, &authority), held, over, now)?;
    }
    if !listing::any_change(&args.listing) {
        return Err(CliError::usage("no change given: nothing to publish")
            .flag("--imei/--imeis-from/--from-pairing/--delist-*")
            .hint("name what to list or delist"));
    }
    let listing = Listing::read(&args.listing, now)?;
    let publication = Publication {
        format: Format::Delta,
        version: ListVersion::new(held.version.epoch, sequence),
        issued_at: now,
        expires_at: now.saturating_add(expires_days.saturating_mul(DAY)),
        base: Base::Held(held),
        delisted: &listing.delisted,
    };
    let Published { list, changes } =
        publisher
            .publish(&publication, listing.listed())
            .map_err(|error| {
                listing::listing_refusal(error)
                    .unwrap_or_else(|error| over_refusal(error, args, over, &publication))
            })?;
    let delta = into_delta(list)?;
    let mut report = Report::written("blocklist delta", &args.out, delta.as_bytes(), KIND, ctx)?;
    let format = if held.compact().is_some() {
        "compact"
    } else {
        "sorted"
    };
    let over_held = format!(" over the {format} list {} holds", over.display());
    report.line(wrote_line(&args.out, &delta, &over_held, ""));
    let where_listed = format!(" in the list {} holds", over.display());
    let already = listing.already_listed(&changes);
    listing::note_changes(
        &mut report,
        &changes,
        already,
        listing.reason,
        &where_listed,
    );
    report.line(format!(
        "  the list then holds {} entries ({} carried over, {} newly listed, {} re-listed, {} \
         delisted)",
        changes.total, changes.carried, changes.listed, changes.relisted, changes.delisted
    ));
    report.line(format!(
        "  issued {}, stale after {}; apply it to {} too, to publish the next one over it",
        text::utc(publication.issued_at),
        text::utc(publication.expires_at),
        over.display()
    ));
    report.set("dropped", dropped_json(&mirror.dropped));
    report.set("entries", serde_json::json!(changes.total));
    report.set("counts", listing::counts_json(&changes, already));
    report.set("not_listed", listing::not_listed_json(&changes));
    finish(report, &delta, ctx, out)
}

/// The register's mirror of what devices hold (`--over`), loaded against
/// the roots given, the register the publisher signs for, and those roots.
fn load_mirror(
    args: &BlocklistDeltaArgs,
    over: &Path,
    publisher: &Authority,
) -> Result<(LoadedState, KeyId, TrustStore), CliError> {
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    let mirror = files::blocklist_state(Src::new(over, "--over"), &trust, KEEP_A_MIRROR)?;
    note_dropped(over, "--over", &mirror.dropped);
    let authority = publisher.blocklist_authority().map_err(|error| {
        CliError::core(error)
            .file(&args.signer.authority_cert)
            .flag("--authority-cert")
            .hint("sign with the register's root or its publisher")
    })?;
    Ok((mirror, authority, trust))
}

/// Refuses a mirror that is behind the repository's head (it missed a
/// day's list): every device that follows the repository holds the head's
/// list, and would refuse a delta over an older one (402).
fn check_in_step(
    repo: &Path,
    (trust, register): (&TrustStore, &KeyId),
    held: &AuthorityList,
    over: &Path,
    now: u64,
) -> Result<(), CliError> {
    let Some((_, head)) = repository::head(repo, "--repo", register, trust, now)? else {
        return Err(CliError::usage(format!(
            "{} has no head yet: nothing is published for a delta to follow",
            repository::head_path(repo).display()
        ))
        .flag("--repo")
        .hint("publish the register's snapshot first (`blocklist publish`), or drop --repo"));
    };
    let serves = text::version(head.version());
    let holds = text::version(held.version);
    let catch_up = format!(
        "bring the mirror up to the head first (`blocklist sync URL --state {}`, or `blocklist \
         apply` of the lists it missed), then build the delta",
        over.display()
    );
    if head.version() > held.version {
        return Err(CliError::core(Error::DeltaBaseMismatch {
            delta_from: held.version.sequence,
            held: head.version().sequence,
        })
        .file(over)
        .flag("--over")
        .message(format!(
            "the mirror is behind the repository: it holds {holds}, the repository's head serves \
             {serves}; every device holds {serves} and would refuse a delta over {holds}; \
             nothing was signed"
        ))
        .hint(catch_up));
    }
    if head.version() == held.version && head.digest() != held.digest {
        return Err(
            CliError::core(Error::ConflictingSequence(held.version.sequence))
                .file(over)
                .flag("--over")
                .message(format!(
                    "the mirror holds another list at {holds} than the repository serves; nothing \
                 was signed"
                ))
                .hint(catch_up),
        );
    }
    Ok(())
}

/// The register's list the mirror holds: a first list is a snapshot.
fn held_list<'a>(
    mirror: &'a Blocklist,
    authority: &KeyId,
    over: &Path,
) -> Result<&'a AuthorityList, CliError> {
    mirror.list(authority).ok_or_else(|| {
        CliError::usage(format!(
            "{} holds no list of this register ({}): a first list is a snapshot",
            over.display(),
            authority.to_hex()
        ))
        .flag("--over")
        .hint(
            "apply the register's snapshot to the state first (`blocklist apply`), or publish \
             one with `blocklist new`",
        )
    })
}

/// A refusal of the delta over the mirror, naming the flag it is about.
fn over_refusal(
    error: Error,
    args: &BlocklistDeltaArgs,
    over: &Path,
    publication: &Publication<'_>,
) -> CliError {
    let sequence_flag = format!("--sequence {}", publication.version.sequence);
    match &error {
        Error::Rollback { accepted, .. } => {
            let accepted = *accepted;
            let after = format!(", the list {} holds", over.display());
            not_later(error, publication.version, accepted, &after, "")
        }
        Error::SequenceLeap { .. } => CliError::flagged(sequence_flag)(error),
        Error::EpochNotPermitted { .. }
        | Error::RoleNotPermitted { .. }
        | Error::Expired { .. }
        | Error::NotYetValid { .. }
        | Error::WrongAuthority => CliError::core(error)
            .file(&args.signer.authority_cert)
            .flag("--authority-cert")
            .hint(
                "sign with the register's root or its publisher for the epoch the state holds, \
                 valid now (--at)",
            ),
        Error::InvalidField(_) | Error::LengthOverBound { .. } => CliError::core(error).file(over),
        _ => CliError::core(error),
    }
}

/// `wrote D.pcbd: blocklist delta #1 -> #2{over}, N listed or changed, M
/// delisted (B bytes{more})`.
fn wrote_line(out: &Path, delta: &BlocklistDelta, over: &str, more: &str) -> String {
    format!(
        "wrote {}: blocklist delta {} -> {}{over}, {} listed or changed, {} delisted ({} bytes{more})",
        out.display(),
        text::version(delta.from_version()),
        text::version(delta.to_version()),
        delta.upserts().len(),
        delta.removals().len(),
        delta.as_bytes().len(),
    )
}

/// The JSON fields of `blocklist delta`, either way it was built, and the
/// report printed.
fn finish(
    mut report: Report,
    delta: &BlocklistDelta,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    report.set("epoch", serde_json::json!(delta.to_version().epoch));
    report.set(
        "from_sequence",
        serde_json::json!(delta.from_version().sequence),
    );
    report.set(
        "to_sequence",
        serde_json::json!(delta.to_version().sequence),
    );
    report.set("upserts", serde_json::json!(delta.upserts().len()));
    report.set("removals", serde_json::json!(delta.removals().len()));
    report.set("bytes", serde_json::json!(delta.as_bytes().len()));
    report.finish(ctx, out)
}
