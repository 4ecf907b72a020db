//! Blocklist commands: publish a snapshot (from flags, IMEI files and
//! pairing records in bulk), publish a delta, apply them.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use partcert::{
    BlockKey, Blocklist, BlocklistEntry, BlocklistSnapshot, CompactSnapshot, Error, Imei, KeyId,
    ListVersion, ListingStatus, LoadedState, ObjectType, PairingRecord, Reason, StateDigest,
    TrustStore,
};
use serde_json::{Value, json};

use crate::args::{BlocklistApplyArgs, BlocklistDeltaArgs, BlocklistNewArgs, ListingArgs};
use crate::ctx::{Ctx, Report, print_json};
use crate::error::{BadLine, CliError, ToolCode, exit};
use crate::files::{self, Kind, Src};
use crate::issue::load_authority;
use crate::progress;
use crate::text;

const DAY: u64 = 86_400;

/// The IMEIs of an IMEI file: one per line, `#` comments and blank lines
/// allowed. Every bad line is collected; none is skipped.
fn read_imeis(path: &Path, flag: &str, into: &mut Vec<Imei>) -> Result<(), CliError> {
    let io = |source: std::io::Error| CliError::io(path, &source).flag(flag.to_owned());
    let (reader, size): (Box<dyn BufRead>, u64) = if files::is_stdout(path) {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(std::io::BufReader::new(file)), size)
    };
    let bar = if size >= 1 << 20 {
        progress::bar(size, &format!("reading {}", path.display()), "bytes")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut bad = Vec::new();
    let mut reader = reader;
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(io)?;
        if read == 0 {
            break;
        }
        number += 1;
        bar.inc(read as u64);
        let Ok(text) = std::str::from_utf8(&line) else {
            bad.push(BadLine {
                line: number,
                message: "not text (invalid UTF-8)".to_owned(),
            });
            continue;
        };
        let text = text.split('#').next().unwrap_or_default().trim();
        if text.is_empty() {
            continue;
        }
        match text.parse::<Imei>() {
            Ok(imei) => into.push(imei),
            Err(error) => bad.push(BadLine {
                line: number,
                message: format!("{text:?}: {error}"),
            }),
        }
    }
    bar.finish_and_clear();
    if bad.is_empty() {
        return Ok(());
    }
    let count = bad.len();
    let mut error = CliError::tool(
        ToolCode::BadLines,
        format!(
            "{count} bad line{} (of {number}); nothing was signed",
            if count == 1 { "" } else { "s" }
        ),
    )
    .file(path)
    .flag(flag.to_owned())
    .hint("correct or remove every line listed (one IMEI per line, # starts a comment)");
    error.lines = bad;
    Err(error)
}

/// The pairing records given to `flag`: files, folders (every file in
/// them, each a pairing record) and list files (one record's path per line,
/// relative to the list's folder).
fn pairing_records(paths: &[PathBuf], flag: &str) -> Result<Vec<PairingRecord>, CliError> {
    let mut records = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut names: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|source| CliError::io(path, &source).flag(flag.to_owned()))?
                .filter_map(Result::ok)
                .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
                .map(|entry| entry.path())
                .filter(|path| path.is_file())
                .collect();
            names.sort();
            let mut strays = Vec::new();
            for name in &names {
                let bytes = files::read_bytes(name)?;
                match files::detect(&bytes) {
                    Kind::Object(ObjectType::PairingRecord) => records.push(
                        PairingRecord::decode(&bytes)
                            .map_err(|error| CliError::core(error).file(name))?,
                    ),
                    other => strays.push(format!(
                        "{} ({})",
                        name.file_name().unwrap_or_default().to_string_lossy(),
                        other.name()
                    )),
                }
            }
            if !strays.is_empty() {
                return Err(CliError::tool(
                    ToolCode::BadLines,
                    format!(
                        "{} file(s) in this folder are not pairing records: {}; nothing was signed",
                        strays.len(),
                        strays.join(", ")
                    ),
                )
                .file(path)
                .flag(flag.to_owned())
                .hint("the folder must hold pairing records only: move the others out"));
            }
            continue;
        }
        let bytes = files::read_bytes(path)?;
        let src = Src::new(path, flag);
        match files::detect(&bytes) {
            Kind::Object(ObjectType::PairingRecord) => {
                records.push(files::object_from(
                    src,
                    &bytes,
                    ObjectType::PairingRecord,
                    PairingRecord::decode,
                )?);
            }
            Kind::Unknown if std::str::from_utf8(&bytes).is_ok() => {
                let text = String::from_utf8_lossy(&bytes);
                let folder = match path.parent() {
                    _ if files::is_stdout(path) => Path::new("."),
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                let mut bad = Vec::new();
                for (index, line) in text.lines().enumerate() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let record_path = folder.join(line);
                    let outcome = files::read_bytes(&record_path).and_then(|bytes| {
                        files::object_from(
                            Src::new(&record_path, flag),
                            &bytes,
                            ObjectType::PairingRecord,
                            PairingRecord::decode,
                        )
                    });
                    match outcome {
                        Ok(record) => records.push(record),
                        Err(error) => bad.push(BadLine {
                            line: index + 1,
                            message: format!("{}: {}", record_path.display(), error.message),
                        }),
                    }
                }
                if !bad.is_empty() {
                    let mut error = CliError::tool(
                        ToolCode::BadLines,
                        format!(
                            "{} line(s) of this list do not name a pairing record; nothing was signed",
                            bad.len()
                        ),
                    )
                    .file(path)
                    .flag(flag.to_owned())
                    .hint("each line names one pairing record, relative to the list's folder");
                    error.lines = bad;
                    return Err(error);
                }
            }
            _ => {
                records.push(files::object_from(
                    src,
                    &bytes,
                    ObjectType::PairingRecord,
                    PairingRecord::decode,
                )?);
            }
        }
    }
    Ok(records)
}

/// Sorts `items` by key and drops repeats (the first given is kept);
/// returns how many were dropped.
fn dedup_by<T, K: Ord + Copy>(items: &mut Vec<T>, key: impl Fn(&T) -> K) -> usize {
    let before = items.len();
    items.sort_by_key(|item| key(item));
    items.dedup_by_key(|item| key(item));
    before - items.len()
}

fn key_text(key: &BlockKey) -> String {
    match key {
        BlockKey::Imei(imei) => format!("IMEI {imei}"),
        BlockKey::Part(part) => format!("part {part}"),
    }
}

fn some_keys(keys: &[BlockKey]) -> String {
    let shown: Vec<String> = keys.iter().take(5).map(key_text).collect();
    if keys.len() > shown.len() {
        format!("{} and {} more", shown.join(", "), keys.len() - shown.len())
    } else {
        shown.join(", ")
    }
}

/// Why `--base` takes a sorted snapshot only.
const BASE_NOT_COMPACT: &str = "a compact list keeps parts as fingerprints only (and listing times \
     to the day), so the list it came from cannot be rebuilt from it exactly";
const BASE_NOT_COMPACT_HINT: &str = "keep the register's sorted snapshot as its master copy: give \
     that to --base, with --compact to publish the next version compact";

/// A snapshot just signed, in either format.
enum Published {
    Sorted(Box<BlocklistSnapshot>),
    Compact(Box<CompactSnapshot>),
}

impl Published {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Published::Sorted(snapshot) => snapshot.as_bytes(),
            Published::Compact(snapshot) => snapshot.as_bytes(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Published::Sorted(snapshot) => snapshot.entries().len(),
            Published::Compact(snapshot) => {
                usize::try_from(snapshot.list().len()).unwrap_or(usize::MAX)
            }
        }
    }

    fn state_digest(&self) -> StateDigest {
        match self {
            Published::Sorted(snapshot) => snapshot.state_digest(),
            Published::Compact(snapshot) => snapshot.state_digest(),
        }
    }
}

/// The changes a command was given, read and checked: IMEIs (sorted,
/// unique), the other entries to list, the keys to delist.
struct Gathered {
    /// IMEIs to list (as `BlocklistEntry::handset` with `reason` and
    /// `status`), when streamed; empty otherwise.
    imeis: Vec<Imei>,
    /// The other entries to list (every IMEI's too, unless streamed).
    listed: Vec<BlocklistEntry>,
    /// Keys to delist, sorted and unique.
    delisted: Vec<BlockKey>,
    /// Keys given more than once, to list or to delist.
    duplicates: usize,
    reason: Reason,
    status: ListingStatus,
}

/// Standard input can feed one input only.
fn check_one_stdin(listing: &ListingArgs) -> Result<(), CliError> {
    let from_stdin = listing
        .imeis_from
        .iter()
        .chain(&listing.delist_imeis_from)
        .chain(&listing.from_pairing)
        .chain(&listing.delist_pairing)
        .filter(|path| files::is_stdout(path))
        .count();
    if from_stdin > 1 {
        return Err(CliError::usage("standard input (-) can be read only once")
            .flag("--imeis-from/--delist-imeis-from/--from-pairing/--delist-pairing -")
            .hint("give the other inputs as files"));
    }
    Ok(())
}

/// Reads what to list and delist. With `stream`, IMEIs stay IMEIs (8 bytes
/// each) instead of becoming entries. Refuses a key both listed and
/// delisted.
fn gather(args: &ListingArgs, now: u64, stream: bool) -> Result<Gathered, CliError> {
    // What to list: every IMEI flag and file, every pairing record.
    let status = if args.suspended {
        ListingStatus::Suspended
    } else {
        ListingStatus::Final
    };
    let reason = args.reason.into();
    let mut imeis = args.imei.clone();
    for path in &args.imeis_from {
        read_imeis(path, "--imeis-from", &mut imeis)?;
    }
    let mut duplicates = dedup_by(&mut imeis, |imei| *imei);
    let entry_of = move |imei: &Imei| BlocklistEntry::handset(*imei, reason, now, status);
    let mut listed: Vec<BlocklistEntry> = if stream {
        Vec::new()
    } else {
        imeis.iter().map(entry_of).collect()
    };
    for record in pairing_records(&args.from_pairing, "--from-pairing")? {
        listed.extend(BlocklistEntry::for_reported_handset(
            &record, reason, now, status,
        ));
    }
    duplicates += dedup_by(&mut listed, |entry| entry.key);
    if stream {
        // A reported handset's board IMEI given as a line too: counted once.
        let before = listed.len();
        listed.retain(|entry| match entry.key {
            BlockKey::Imei(imei) => imeis.binary_search(&imei).is_err(),
            BlockKey::Part(_) => true,
        });
        duplicates += before - listed.len();
    } else {
        imeis = Vec::new();
    }

    // What to delist.
    let mut delist_imeis = args.delist_imei.clone();
    for path in &args.delist_imeis_from {
        read_imeis(path, "--delist-imeis-from", &mut delist_imeis)?;
    }
    let mut delisted: Vec<BlockKey> = delist_imeis.into_iter().map(BlockKey::Imei).collect();
    for record in pairing_records(&args.delist_pairing, "--delist-pairing")? {
        // The same keys a report of this handset lists, whatever the reason.
        delisted.extend(
            BlocklistEntry::for_reported_handset(&record, reason, now, ListingStatus::Final)
                .into_iter()
                .map(|entry| entry.key),
        );
    }
    let delist_duplicates = dedup_by(&mut delisted, |key| *key);

    // Listing and delisting the same key cannot both be meant.
    let delisted_set: BTreeSet<BlockKey> = delisted.iter().copied().collect();
    let both: Vec<BlockKey> = imeis
        .iter()
        .map(entry_of)
        .chain(listed.iter().copied())
        .map(|entry| entry.key)
        .filter(|key| delisted_set.contains(key))
        .collect();
    if !both.is_empty() {
        return Err(CliError::tool(
            ToolCode::Contradiction,
            format!(
                "{} key(s) are both listed and delisted: {}; nothing was signed",
                both.len(),
                some_keys(&both)
            ),
        )
        .flag("--imei/--imeis-from/--from-pairing and --delist-*")
        .hint("give each key to one side only"));
    }

    Ok(Gathered {
        imeis,
        listed,
        delisted,
        duplicates: duplicates + delist_duplicates,
        reason,
        status,
    })
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
    check_one_stdin(&args.listing)?;
    let publisher = load_authority(
        Src::new(&args.signer.authority, "--authority"),
        Src::new(&args.signer.authority_cert, "--authority-cert"),
    )?;
    let base = match &args.base {
        Some(path) => Some((
            path,
            files::sorted_snapshot(
                Src::new(path, "--base"),
                BASE_NOT_COMPACT,
                BASE_NOT_COMPACT_HINT,
            )?,
        )),
        None => None,
    };

    // A compact list with no base is signed straight from the IMEIs (8
    // bytes a line here, 16 in the coder's rows): a national list of 200
    // million lines never becomes 200 million entries of 72 bytes.
    let stream = args.compact && base.is_none();
    let Gathered {
        imeis,
        mut listed,
        delisted,
        duplicates,
        reason,
        status,
    } = gather(&args.listing, now, stream)?;
    // What the base already says: delisting what it does not list, and
    // listing again what it lists, are reported, never silent.
    let base_snapshot = base.as_ref().map(|(_, snapshot)| snapshot);
    let not_listed: Vec<BlockKey> = delisted
        .iter()
        .filter(|key| base_snapshot.and_then(|base| base.find(key)).is_none())
        .copied()
        .collect();
    let mut already = 0usize;
    let mut relisted = 0usize;
    listed.retain(
        |entry| match base_snapshot.and_then(|base| base.find(&entry.key)) {
            Some(old) if old.reason == entry.reason && old.status == entry.status => {
                // Kept as it was listed, with its original date.
                already += 1;
                false
            }
            Some(_) => {
                relisted += 1;
                true
            }
            None => true,
        },
    );
    let newly = imeis.len() + listed.len() - relisted;
    let removed = delisted.len() - not_listed.len();

    // A list continues its base's epoch unless told otherwise.
    let epoch = args
        .epoch
        .or_else(|| base.as_ref().map(|(_, base)| base.version().epoch))
        .unwrap_or(0);
    let epoch_flag = match (args.epoch, &base) {
        (Some(epoch), _) => format!("--epoch {epoch}"),
        (None, Some((path, _))) => format!(
            "--epoch (not given: {epoch}, the epoch of {})",
            path.display()
        ),
        (None, None) => "--epoch (not given: 0)".to_owned(),
    };
    let version = ListVersion::new(epoch, args.sequence);
    let expires_at = now.saturating_add(args.expires_days.saturating_mul(DAY));
    let spinner = if progress::worth_it(newly + base_snapshot.map_or(0, |b| b.entries().len())) {
        progress::spinner(if args.compact {
            "sorting, coding and signing the compact snapshot"
        } else {
            "sorting and signing the snapshot"
        })
    } else {
        indicatif::ProgressBar::hidden()
    };
    let snapshot = if stream {
        // No base: nothing to carry over or delist from.
        publisher
            .publish_compact_snapshot_from(
                version,
                now,
                expires_at,
                imeis
                    .iter()
                    .map(|imei| BlocklistEntry::handset(*imei, reason, now, status))
                    .chain(listed),
            )
            .map(|snapshot| Published::Compact(Box::new(snapshot)))
    } else if args.compact {
        publisher
            .publish_next_compact_snapshot(
                base_snapshot,
                version,
                now,
                expires_at,
                &delisted,
                listed,
            )
            .map(|snapshot| Published::Compact(Box::new(snapshot)))
    } else {
        publisher
            .publish_next_snapshot(base_snapshot, version, now, expires_at, &delisted, listed)
            .map(|snapshot| Published::Sorted(Box::new(snapshot)))
    };
    let snapshot = snapshot
        .map_err(|error| match (&error, &base) {
            // A delegated publisher outside the epoch it is certified for.
            (Error::EpochNotPermitted { .. }, _) => CliError::flagged(epoch_flag.clone())(error)
                .hint("a publisher signs only its certified epoch; the register's root opens a new one"),
            (Error::SequenceLeap { offered, .. }, _) if *offered == args.sequence => {
                CliError::flagged(format!("--sequence {}", args.sequence))(error)
                    .hint("devices accept sequences up to 2^53-1")
            }
            (Error::SequenceLeap { .. }, _) => CliError::flagged(epoch_flag.clone())(error),
            (Error::Rollback { accepted, .. }, Some((path, _))) => {
                let accepted = *accepted;
                let message = format!(
                    "{} must come after {} of {}, its base",
                    text::version(version),
                    text::version(accepted),
                    path.display()
                );
                CliError::flagged(format!("--sequence {}", args.sequence))(error)
                    .message(message)
                    .hint(format!(
                        "give --sequence {} or higher (or a later --epoch, for the register's root)",
                        accepted.sequence.saturating_add(1)
                    ))
            }
            (Error::WrongAuthority, Some((path, _))) => CliError::core(error)
                .file(path)
                .flag("--base")
                .exit(exit::USAGE)
                .hint("--base takes an earlier snapshot of this same register"),
            // The signer: not a publisher, or not valid at the issue time.
            (
                Error::RoleNotPermitted { .. } | Error::Expired { .. } | Error::NotYetValid { .. },
                _,
            ) => CliError::core(error)
                .file(&args.signer.authority_cert)
                .flag("--authority-cert")
                .hint("sign with a blocklist root or a publisher valid at the issue time (--at)"),
            // A compact list keeps listing days from 2000-01-01 to 2179.
            (Error::InvalidField(_), _) if args.compact => CliError::core(error)
                .flag("--compact")
                .hint("a compact list keeps listing times from 2000-01-01 to 2179-06-06, and a handset only on part entries"),
            _ => CliError::core(error),
        });
    spinner.finish_and_clear();
    let snapshot = snapshot?;
    let total = snapshot.len();
    let carried = total - newly - relisted;
    files::write_new(&args.out, snapshot.as_bytes(), kind, ctx.force, "--out")?;

    let mut report = Report::new("blocklist new");
    report.wrote(&args.out, kind);
    report.line(format!(
        "wrote {}: {} {} with {total} entries ({carried} carried over, {newly} newly listed as {}{}, {removed} delisted)",
        args.out.display(),
        kind.name(),
        text::version(version),
        reason.name(),
        if args.listing.suspended { " (suspended)" } else { "" },
    ));
    if relisted > 0 {
        report.line(format!(
            "  note: {relisted} already listed with another reason or status, re-listed as {}",
            reason.name()
        ));
    }
    if already > 0 {
        report.line(format!(
            "  note: {already} already listed as {}: kept as listed, with their original date",
            reason.name()
        ));
    }
    if duplicates > 0 {
        report.line(format!(
            "  note: {duplicates} key(s) were given more than once: each counted once"
        ));
    }
    if !not_listed.is_empty() {
        report.line(format!(
            "  note: {} key(s) to delist were not listed{}: nothing to delist ({})",
            not_listed.len(),
            if base.is_some() {
                " in --base"
            } else {
                " (no --base)"
            },
            some_keys(&not_listed)
        ));
    }
    if let Published::Compact(compact) = &snapshot {
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
    report.line(format!(
        "  issued {}, stale after {}",
        text::utc(now),
        text::utc(expires_at)
    ));
    report.line(format!(
        "  state digest {}",
        snapshot.state_digest().to_hex()
    ));
    report.set("epoch", json!(version.epoch));
    report.set("sequence", json!(version.sequence));
    report.set("entries", json!(total));
    report.set(
        "format",
        json!(if args.compact { "compact" } else { "sorted" }),
    );
    report.set("bytes", json!(snapshot.as_bytes().len()));
    report.set(
        "counts",
        json!({
            "carried": carried,
            "listed": newly,
            "relisted": relisted,
            "already_listed": already,
            "delisted": removed,
            "not_listed": not_listed.len(),
            "duplicates": duplicates,
        }),
    );
    report.set(
        "not_listed",
        not_listed
            .iter()
            .take(100)
            .map(|key| json!(key_text(key)))
            .collect(),
    );
    report.set("issued_at", json!(now));
    report.set("expires_at", json!(expires_at));
    report.set("state_digest", json!(snapshot.state_digest().to_hex()));
    report.finish(ctx, out)
}

/// Why `blocklist delta --from/--to` takes sorted snapshots only.
const DELTA_NOT_COMPACT: &str =
    "--from and --to are sorted snapshots (a compact list keeps parts as fingerprints only)";
const DELTA_HINT: &str = "for a compact list, build the delta over the state devices hold: \
     `blocklist delta --over STATE.pcbs --blocklist-trust ROOT.cert --sequence N` with the changes";

/// Whether any change to list or delist was given.
fn any_change(listing: &ListingArgs) -> bool {
    !(listing.imei.is_empty()
        && listing.imeis_from.is_empty()
        && listing.from_pairing.is_empty()
        && listing.delist_imei.is_empty()
        && listing.delist_imeis_from.is_empty()
        && listing.delist_pairing.is_empty())
}

/// `partcert blocklist delta`
pub fn delta(args: BlocklistDeltaArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    // Between two snapshots the delta takes their times; over a state it
    // is issued now (or --at).
    ctx.refuse_unused("blocklist delta", args.over.is_some(), true)?;
    let kind = Kind::Object(ObjectType::BlocklistDelta);
    ctx.check_out("--out", &args.out)?;
    files::check_can_write(&args.out, kind, ctx.force, "--out")?;
    let publisher = load_authority(
        Src::new(&args.signer.authority, "--authority"),
        Src::new(&args.signer.authority_cert, "--authority-cert"),
    )?;
    let (Some(from), Some(to)) = (&args.from, &args.to) else {
        return delta_over(&args, &publisher, ctx, out);
    };
    if any_change(&args.listing) {
        return Err(CliError::usage(
            "--from and --to give the changes themselves: the changes to list or delist are for --over",
        )
        .flag("--imei/--imeis-from/--from-pairing/--delist-*")
        .hint("drop them, or build the delta over a state with --over"));
    }
    let from = files::sorted_snapshot(Src::new(from, "--from"), DELTA_NOT_COMPACT, DELTA_HINT)?;
    let to_path = to;
    let to = files::sorted_snapshot(Src::new(to, "--to"), DELTA_NOT_COMPACT, DELTA_HINT)?;
    let delta = publisher
        .publish_delta(&from, &to)
        .map_err(|error| match &error {
            // Two registers' lists: the later one is not this register's.
            Error::WrongAuthority if from.authority() != to.authority() => CliError::core(error)
                .file(to_path)
                .flag("--to")
                .exit(exit::USAGE)
                .hint("--from and --to must be two snapshots of one register"),
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
        })?;
    files::write_new(&args.out, delta.as_bytes(), kind, ctx.force, "--out")?;
    let mut report = Report::new("blocklist delta");
    report.wrote(&args.out, kind);
    report.line(format!(
        "wrote {}: blocklist delta {} -> {}, {} listed or changed, {} delisted ({} bytes; the full snapshot is {})",
        args.out.display(),
        text::version(delta.from_version()),
        text::version(delta.to_version()),
        delta.upserts().len(),
        delta.removals().len(),
        delta.as_bytes().len(),
        to.as_bytes().len()
    ));
    delta_fields(&mut report, &delta);
    report.finish(ctx, out)
}

/// `partcert blocklist delta --over STATE`: the delta over the list of
/// this register a state holds (sorted or compact), from the changes given.
fn delta_over(
    args: &BlocklistDeltaArgs,
    publisher: &partcert::issue::Authority,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let kind = Kind::Object(ObjectType::BlocklistDelta);
    let (Some(over), Some(sequence)) = (&args.over, args.sequence) else {
        return Err(
            CliError::usage("give --from and --to, or --over with --sequence")
                .flag("--from/--to/--over"),
        );
    };
    let expires_days = args.expires_days.unwrap_or(7);
    let now = ctx.now()?;
    ctx.plausible_days("--expires-days", expires_days)?;
    check_one_stdin(&args.listing)?;
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    let LoadedState {
        blocklist: state,
        dropped,
    } = files::blocklist_state(
        Src::new(over, "--over"),
        &trust,
        "keep a mirror of what devices hold: `blocklist apply --state STATE.pcbs --init LIST`",
    )?;
    note_dropped(over, "--over", &dropped);
    let authority = publisher.blocklist_authority().map_err(|error| {
        CliError::core(error)
            .file(&args.signer.authority_cert)
            .flag("--authority-cert")
            .hint("sign with the register's root or its publisher")
    })?;
    let held = state.list(&authority).ok_or_else(|| {
        CliError::usage(format!(
            "{} holds no list of this register ({}): a first list is a snapshot",
            over.display(),
            authority.to_hex()
        ))
        .flag("--over")
        .hint("apply the register's snapshot to the state first (`blocklist apply`), or publish one with `blocklist new`")
    })?;
    if !any_change(&args.listing) {
        return Err(CliError::usage("no change given: nothing to publish")
            .flag("--imei/--imeis-from/--from-pairing/--delist-*")
            .hint("name what to list or delist"));
    }
    let Gathered {
        imeis,
        listed,
        delisted,
        duplicates,
        ..
    } = gather(&args.listing, now, false)?;
    drop(imeis);
    let version = ListVersion::new(held.version.epoch, sequence);
    let expires_at = now.saturating_add(expires_days.saturating_mul(DAY));
    let delta = publisher
        .publish_delta_over(held, version, now, expires_at, &delisted, listed)
        .map_err(|error| match &error {
            Error::Rollback { accepted, .. } => {
                let accepted = *accepted;
                CliError::flagged(format!("--sequence {sequence}"))(error)
                    .message(format!(
                        "{} must come after {}, the list {} holds",
                        text::version(version),
                        text::version(accepted),
                        over.display()
                    ))
                    .hint(format!(
                        "give --sequence {} or higher",
                        accepted.sequence.saturating_add(1)
                    ))
            }
            Error::SequenceLeap { .. } => CliError::flagged(format!("--sequence {sequence}"))(error)
                .hint("devices accept sequences up to 2^53-1"),
            Error::EpochNotPermitted { .. }
            | Error::RoleNotPermitted { .. }
            | Error::Expired { .. }
            | Error::NotYetValid { .. }
            | Error::WrongAuthority => CliError::core(error)
                .file(&args.signer.authority_cert)
                .flag("--authority-cert")
                .hint("sign with the register's root or its publisher for the epoch the state holds, valid now (--at)"),
            Error::InvalidField(_) | Error::LengthOverBound { .. } => CliError::core(error).file(over),
            _ => CliError::core(error),
        })?;
    files::write_new(&args.out, delta.as_bytes(), kind, ctx.force, "--out")?;
    let format = if held.compact().is_some() {
        "compact"
    } else {
        "sorted"
    };
    let mut report = Report::new("blocklist delta");
    report.wrote(&args.out, kind);
    report.line(format!(
        "wrote {}: blocklist delta {} -> {} over the {format} list {} holds, {} listed or changed, {} delisted ({} bytes)",
        args.out.display(),
        text::version(delta.from_version()),
        text::version(delta.to_version()),
        over.display(),
        delta.upserts().len(),
        delta.removals().len(),
        delta.as_bytes().len(),
    ));
    if duplicates > 0 {
        report.line(format!(
            "  note: {duplicates} key(s) were given more than once: each counted once"
        ));
    }
    report.line(format!(
        "  issued {}, stale after {}; apply it to {} too, to publish the next one over it",
        text::utc(now),
        text::utc(expires_at),
        over.display()
    ));
    delta_fields(&mut report, &delta);
    report.set("dropped", dropped_json(&dropped));
    report.finish(ctx, out)
}

/// The JSON fields of `blocklist delta`, either way it was built.
fn delta_fields(report: &mut Report, delta: &partcert::BlocklistDelta) {
    report.set("epoch", json!(delta.to_version().epoch));
    report.set("from_sequence", json!(delta.from_version().sequence));
    report.set("to_sequence", json!(delta.to_version().sequence));
    report.set("upserts", json!(delta.upserts().len()));
    report.set("removals", json!(delta.removals().len()));
    report.set("bytes", json!(delta.as_bytes().len()));
}

/// Pins blocklist roots.
pub fn pin_blocklist_roots(trust: &mut TrustStore, paths: &[PathBuf]) -> Result<(), CliError> {
    for path in paths {
        let src = Src::new(path, "--blocklist-trust");
        trust
            .add_blocklist_root(files::certificate(src)?)
            .map_err(|error| {
                CliError::core(error)
                    .file(path)
                    .flag("--blocklist-trust")
                    .exit(exit::USAGE)
                    .hint("--blocklist-trust takes a register's root certificate (`partcert root new --role blocklist`)")
            })?;
    }
    Ok(())
}

/// What applying one file did.
pub struct Applied {
    /// The file.
    pub path: PathBuf,
    /// Snapshot or delta.
    pub object: ObjectType,
    /// The epoch and sequence held afterwards.
    pub version: ListVersion,
}

/// Refuses a list whose register is not pinned, with its own message.
fn check_pinned(
    trust: &TrustStore,
    authority: &partcert::KeyId,
    signer: &partcert::Certificate,
    src: Src<'_>,
) -> Result<(), CliError> {
    if trust.blocklist_root(authority).is_some() {
        return Ok(());
    }
    let name = signer
        .authority()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    Err(CliError::core(Error::UnknownIssuer(*authority))
        .message(format!(
            "signed by \"{name}\" for a register whose root (key {authority}) is not pinned here: \
             an unpinned register's list is never applied"
        ))
        .file(src.path)
        .hint(
            "if you trust this register, pin its root certificate with --blocklist-trust ROOT.cert",
        ))
}

/// Applies a snapshot or delta file to `blocklist`, with a message of its
/// own for a replayed delta, a rollback and an unpinned register.
pub fn apply_file(
    blocklist: &mut Blocklist,
    trust: &TrustStore,
    src: Src<'_>,
    now: u64,
) -> Result<Applied, CliError> {
    let path = src.path;
    let bytes = files::read_bytes(path)?;
    let object = match files::detect(&bytes) {
        Kind::Object(
            object @ (ObjectType::BlocklistSnapshot
            | ObjectType::CompactSnapshot
            | ObjectType::BlocklistDelta),
        ) => object,
        Kind::Unknown => ObjectType::BlocklistSnapshot,
        found => {
            return Err(
                files::wrong_kind(src, Kind::Object(ObjectType::BlocklistSnapshot), found).message(
                    format!(
                        "expected a blocklist snapshot (sorted or compact) or delta, but this is a {}",
                        found.name()
                    ),
                ),
            );
        }
    };
    let big = progress::worth_it(bytes.len() / 41);
    let spinner = if big {
        progress::spinner(&format!(
            "checking and applying {} ({} MB)",
            path.display(),
            bytes.len() >> 20
        ))
    } else {
        indicatif::ProgressBar::hidden()
    };
    let result = match object {
        ObjectType::BlocklistDelta => {
            let delta = partcert::BlocklistDelta::decode(&bytes)
                .map_err(|error| CliError::core(error).file(path))?;
            check_pinned(trust, &delta.authority(), delta.signer_certificate(), src)?;
            let held = blocklist
                .list(&delta.authority())
                .map(|list| (list.version, list.compact().is_some()));
            blocklist
                .apply_delta(trust, &delta, now)
                .map_err(|error| delta_refusal(error, &delta, held, path))
        }
        ObjectType::CompactSnapshot => {
            let snapshot = CompactSnapshot::decode(&bytes)
                .map_err(|error| CliError::core(error).file(path))?;
            drop(bytes);
            check_pinned(
                trust,
                &snapshot.authority(),
                snapshot.signer_certificate(),
                src,
            )?;
            blocklist
                .apply_compact_snapshot(trust, &snapshot, now)
                .map_err(|error| snapshot_refusal(error, snapshot.version(), path))
        }
        _ => {
            let snapshot = BlocklistSnapshot::decode(&bytes)
                .map_err(|error| CliError::core(error).file(path))?;
            check_pinned(
                trust,
                &snapshot.authority(),
                snapshot.signer_certificate(),
                src,
            )?;
            blocklist
                .apply_snapshot(trust, &snapshot, now)
                .map_err(|error| snapshot_refusal(error, snapshot.version(), path))
        }
    };
    spinner.finish_and_clear();
    Ok(Applied {
        path: path.to_owned(),
        object,
        version: result?,
    })
}

fn snapshot_refusal(error: Error, version: ListVersion, path: &Path) -> CliError {
    match &error {
        Error::Rollback { offered, accepted } => {
            let message = format!(
                "rollback refused: this list is {}, older than {} already accepted from this register",
                text::version(*offered),
                text::version(*accepted)
            );
            CliError::core(error).file(path).message(message).hint(
                "an older list may hide handsets reported since: fetch the register's newest list",
            )
        }
        Error::ConflictingSequence(_) => CliError::core(error).file(path).hint(format!(
            "two different lists claim {}: the register's key may be misused; ask the register",
            text::version(version)
        )),
        _ => CliError::core(error).file(path),
    }
}

fn delta_refusal(
    error: Error,
    delta: &partcert::BlocklistDelta,
    held: Option<(ListVersion, bool)>,
    path: &Path,
) -> CliError {
    let steps = format!(
        "{} -> {}",
        text::version(delta.from_version()),
        text::version(delta.to_version())
    );
    match (&error, held) {
        // A delta built between sorted lists, offered to a device that
        // holds the compact list (code 402).
        (Error::DeltaBaseMismatch { .. }, Some((held, true))) => {
            let message = format!(
                "this delta ({steps}) does not start from what this device holds: the register's \
                 compact list {} (and the deltas applied over it)",
                text::version(held)
            );
            CliError::core(error).file(path).message(message).hint(
                "apply the deltas the register built over its compact list, or its next compact snapshot",
            )
        }
        (Error::Rollback { accepted, .. }, _) if delta.to_version() == *accepted => {
            let message = format!(
                "this delta ({steps}) was already applied: the state holds {}",
                text::version(*accepted)
            );
            CliError::core(error)
                .file(path)
                .message(message)
                .hint("nothing to apply: drop it from the command")
        }
        (Error::Rollback { accepted, .. }, _) => {
            let message = format!(
                "replayed old delta ({steps}): the state already holds {}, which is later",
                text::version(*accepted)
            );
            CliError::core(error)
                .file(path)
                .message(message)
                .hint("an old delta would roll the list back: fetch the register's newest delta or snapshot")
        }
        (Error::DeltaBaseMismatch { .. }, None) => {
            let message = format!(
                "this delta ({steps}) starts from a list this device does not hold: it holds nothing from this register"
            );
            CliError::core(error)
                .file(path)
                .message(message)
                .hint("apply the snapshot it starts from first (or give the state that holds it)")
        }
        (Error::DeltaBaseMismatch { .. }, Some((held, _))) => {
            let message = format!(
                "this delta ({steps}) does not start from the list held, {}",
                text::version(held)
            );
            CliError::core(error)
                .file(path)
                .message(message)
                .hint("apply the deltas in order, or the register's newest snapshot")
        }
        _ => CliError::core(error).file(path),
    }
}

/// Applies revocation lists signed by pinned roots, received at the
/// tool's clock `now` (`--at` or the system clock): a list dated past it
/// raises its root's clock no further than the core allows.
pub fn apply_revocations(
    trust: &mut TrustStore,
    paths: &[PathBuf],
    now: u64,
) -> Result<(), CliError> {
    for path in paths {
        let list = files::revocation_list(Src::new(path, "--revocations"))?;
        trust
            .apply_revocation_list(&list, now)
            .map_err(|error| match &error {
                Error::Rollback { offered, accepted } => {
                    let message = format!(
                        "revocation list #{} is older than #{} of the same root, given before it: \
                     a root's newest revocation list replaces its older ones",
                        offered.sequence, accepted.sequence
                    );
                    CliError::core(error)
                        .file(path)
                        .flag("--revocations")
                        .message(message)
                        .hint("give only the newest revocation list of each root")
                }
                Error::UnknownIssuer(root) => {
                    let message = format!(
                        "this revocation list is signed by root {root}, which is not pinned here"
                    );
                    CliError::core(error)
                        .file(path)
                        .flag("--revocations")
                        .message(message)
                        .hint("pin its root with --trust or --blocklist-trust, or drop it")
                }
                _ => CliError::core(error).file(path).flag("--revocations"),
            })?;
    }
    Ok(())
}

/// The lists a device follows, as loaded from its saved state or
/// anti-rollback marks.
#[derive(Default)]
pub struct Followed {
    /// What is still followed.
    pub blocklist: Blocklist,
    /// The registers no longer followed because their roots are not
    /// pinned with --blocklist-trust: their lists and marks were dropped.
    pub dropped: Vec<KeyId>,
}

/// Loads what a device follows: a saved state (`Blocklist::load_state`),
/// or anti-rollback marks, or nothing. Registers whose roots `trust` no
/// longer pins are no longer followed (the core drops them); they are
/// named on standard error and returned in [`Followed::dropped`].
pub fn load_followed(
    state: Option<Src<'_>>,
    rollback: Option<Src<'_>>,
    trust: &TrustStore,
    how_to_start: &str,
) -> Result<Followed, CliError> {
    let (blocklist, dropped, src) = match (state, rollback) {
        (Some(src), _) => {
            let loaded = files::blocklist_state(src, trust, how_to_start)?;
            (loaded.blocklist, loaded.dropped, src)
        }
        (None, Some(src)) => {
            let mut blocklist =
                Blocklist::with_rollback_state(files::rollback_state(src, how_to_start)?);
            let dropped = blocklist.unfollow_unpinned(trust);
            (blocklist, dropped, src)
        }
        (None, None) => return Ok(Followed::default()),
    };
    note_dropped(src.path, src.flag, &dropped);
    Ok(Followed { blocklist, dropped })
}

/// Says on standard error which registers a loaded state no longer
/// follows.
pub fn note_dropped(path: &Path, flag: &str, dropped: &[KeyId]) {
    for authority in dropped {
        eprintln!(
            "partcert: note: {} ({flag}): no longer following register {}: its root is \
             not given with --blocklist-trust, so its list and anti-rollback mark were dropped \
             (give its root to keep following it)",
            path.display(),
            authority.to_hex()
        );
    }
}

/// The `dropped` field of `--json`: the key ids of the registers dropped.
pub fn dropped_json(dropped: &[KeyId]) -> Value {
    dropped.iter().map(|key| json!(key.to_hex())).collect()
}

/// How to start a state that does not exist.
const START_STATE: &str = "to start a new one on a device's first run, give --init";

/// `partcert blocklist apply`
///
/// Staleness is judged as a verifier judges it: each list against its own
/// register's clock (`Blocklist::clock_for`: the caller's time, raised to
/// that register's newest accepted list). The report's top-level
/// `checked_at` is the caller's time; each list carries its register's.
pub fn apply(args: BlocklistApplyArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let now = ctx.now()?;
    let state_path = args.state.as_ref().or(args.rollback_state.as_ref());
    let state_flag = if args.state.is_some() {
        "--state"
    } else {
        "--rollback-state"
    };
    if args.init && state_path.is_none() {
        return Err(
            CliError::usage("--init starts a new --state or --rollback-state")
                .flag("--init")
                .hint("give --state FILE or --rollback-state FILE with it, or drop --init"),
        );
    }
    if let Some(path) = state_path.filter(|_| args.init) {
        if path.exists() && !ctx.force {
            return Err(CliError::tool(
                ToolCode::StateExists,
                "already holds a state: --init would start from nothing and drop its anti-rollback marks",
            )
            .file(path)
            .flag(format!("{state_flag} with --init"))
            .hint("drop --init to update it (or --force to start over)"));
        }
    }
    if let Some(path) = &args.out {
        files::check_can_write(path, Kind::BlocklistState, ctx.force, "--out")?;
    }
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    apply_revocations(&mut trust, &args.revocations, now)?;
    let Followed {
        mut blocklist,
        dropped,
    } = if args.init {
        Followed::default()
    } else {
        load_followed(
            args.state.as_deref().map(|path| Src::new(path, "--state")),
            args.rollback_state
                .as_deref()
                .map(|path| Src::new(path, "--rollback-state")),
            &trust,
            START_STATE,
        )?
    };
    let mut applied = Vec::with_capacity(args.lists.len());
    for path in &args.lists {
        applied.push(apply_file(
            &mut blocklist,
            &trust,
            Src::new(path, "LIST"),
            now,
        )?);
    }
    // Only once every list applied: the state on disk never goes half way.
    if let Some(path) = &args.rollback_state {
        files::update_state(path, &blocklist.rollback_state().encode())?;
    }
    let state_out = args.out.as_ref().or(args.state.as_ref());
    if let Some(path) = state_out {
        files::update_state(path, &blocklist.encode_state())?;
    }

    // Every register followed, with its standing at its own clock.
    let checked = blocklist.lists_checked(&trust, now);
    let stale = checked.iter().any(|list| list.stale);
    let code = if stale { exit::STALE } else { exit::OK };
    if ctx.json {
        let applied: Vec<_> = applied
            .iter()
            .map(|a| {
                json!({
                    "file": a.path.display().to_string(),
                    "type": files::object_tag(a.object),
                    "epoch": a.version.epoch,
                    "sequence": a.version.sequence,
                })
            })
            .collect();
        let lists: Vec<_> = checked
            .iter()
            .map(|list| {
                let held = blocklist.list(&list.authority);
                json!({
                    "authority": list.authority.to_hex(),
                    "authority_name": list.authority_name,
                    "epoch": list.epoch,
                    "sequence": list.sequence,
                    "held": held.is_some(),
                    "entries": held.map(|held| held.len()),
                    "format": held.map(|held| if held.compact().is_some() { "compact" } else { "sorted" }),
                    "digest": held.map(|held| held.digest.to_hex()),
                    "issued_at": held.map(|held| held.issued_at),
                    "expires_at": list.expires_at,
                    "stale": list.stale,
                    "stale_reason": serde_json::to_value(&list.stale_reason).unwrap_or(Value::Null),
                    "checked_at": blocklist.clock_for(&trust, &list.authority, now),
                })
            })
            .collect();
        let value = json!({
            "ok": true,
            "exit_code": code,
            "command": "blocklist apply",
            "stale": stale,
            "applied": applied,
            "lists": lists,
            "rollback_state": args.rollback_state.as_ref().map(|p| p.display().to_string()),
            "state": state_out.map(|p| p.display().to_string()),
            "dropped": dropped_json(&dropped),
            "checked_at": now,
        });
        print_json(out, value)?;
        return Ok(code);
    }
    for a in &applied {
        writeln!(
            out,
            "{}: {} accepted, now at {}",
            a.path.display(),
            a.object.name(),
            text::version(a.version)
        )?;
    }
    for list in &checked {
        match blocklist.list(&list.authority) {
            Some(held) => writeln!(
                out,
                "held: {}; {} entries{}, digest {}",
                text::list_checked(list),
                held.len(),
                if held.compact().is_some() {
                    " (compact)"
                } else {
                    ""
                },
                held.digest
            )?,
            None => writeln!(out, "followed: {}", text::list_checked(list))?,
        }
    }
    if let Some(path) = &args.rollback_state {
        writeln!(out, "anti-rollback state saved to {}", path.display())?;
    }
    if let Some(path) = state_out {
        writeln!(
            out,
            "blocklist state saved to {} (use it with verify --blocklist-state)",
            path.display()
        )?;
    }
    Ok(code)
}
