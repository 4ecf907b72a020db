//! What a register is told to list and delist — IMEIs, IMEI files and
//! pairing records in bulk — shared by `blocklist new` and `blocklist delta
//! --over`, and how both report what the core says the list changed.
//!
//! Every input is read and checked here (a bad line is reported with its
//! number, nothing signed); what the inputs mean together — keys given
//! twice, listed again, delisted though not listed, listed and delisted at
//! once — is the core's to decide and count (`Authority::publish`,
//! `Changes`).

use std::io::BufRead;
use std::path::{Path, PathBuf};

use partcert::blocklist::{BlockKey, BlocklistEntry, Changes, ListingStatus, Reason};
use partcert::{Error, Imei, ObjectType, PairingRecord};

use serde_json::{Value, json};

use crate::args::ListingArgs;
use crate::ctx::Report;
use crate::error::{BadLine, CliError, ToolCode, core_message};
use crate::files::{self, Kind, Src};
use crate::progress;

/// The flags that list and delist, as a refusal of both at once names them.
const BOTH_SIDES: &str = "--imei/--imeis-from/--from-pairing and --delist-*";

/// What a command was told to list and delist, read and checked, as
/// given: repeats stay in, for the core to count.
pub(super) struct Listing {
    /// IMEIs to list: each becomes an entry only as the core takes it (8
    /// bytes a line of a national file here, not an entry of 72).
    imeis: Vec<Imei>,
    /// Every entry of each reported handset's pairing record.
    reported: Vec<BlocklistEntry>,
    /// Keys to delist.
    pub(super) delisted: Vec<BlockKey>,
    /// Why the new entries are listed.
    pub(super) reason: Reason,
    /// Whether they are suspended pending inquiry.
    pub(super) status: ListingStatus,
    /// When they are listed.
    listed_at: u64,
}

impl Listing {
    /// Reads every flag and file of `args`; entries are listed at `now`.
    pub(super) fn read(args: &ListingArgs, now: u64) -> Result<Self, CliError> {
        let status = if args.suspended {
            ListingStatus::Suspended
        } else {
            ListingStatus::Final
        };
        let reason = args.reason;
        let mut imeis = args.imei.clone();
        for path in &args.imeis_from {
            let before = imeis.len();
            read_imeis(path, "--imeis-from", &mut imeis)?;
            if imeis.len() == before {
                return Err(empty_export(path));
            }
        }
        let reported = pairing_records(&args.from_pairing, "--from-pairing")?
            .iter()
            .flat_map(|record| BlocklistEntry::for_reported_handset(record, reason, now, status))
            .collect();
        let mut delist_imeis = args.delist_imei.clone();
        for path in &args.delist_imeis_from {
            read_imeis(path, "--delist-imeis-from", &mut delist_imeis)?;
        }
        let mut delisted: Vec<BlockKey> = delist_imeis.into_iter().map(BlockKey::Imei).collect();
        for record in pairing_records(&args.delist_pairing, "--delist-pairing")? {
            // The same keys a report of this handset lists, whatever the reason.
            let keys = BlocklistEntry::for_reported_handset(&record, reason, now, status);
            delisted.extend(keys.into_iter().map(|entry| entry.key));
        }
        Ok(Listing {
            imeis,
            reported,
            delisted,
            reason,
            status,
            listed_at: now,
        })
    }

    /// Every entry to list, IMEIs first, made as they are taken.
    pub(super) fn listed(&self) -> impl Iterator<Item = BlocklistEntry> + '_ {
        self.imeis
            .iter()
            .map(|imei| BlocklistEntry::handset(*imei, self.reason, self.listed_at, self.status))
            .chain(self.reported.iter().copied())
    }

    /// How many entries were given to list (repeats included).
    pub(super) fn given(&self) -> usize {
        self.imeis.len() + self.reported.len()
    }

    /// Keys listed again with the reason and status they had: the core
    /// counts them among `carried` (each keeps its first listing); the
    /// tool names them apart. Every key given to list, once its repeats
    /// are set aside, was newly listed, re-listed or listed again alike;
    /// the keys given twice are the repeats of both sides.
    pub(super) fn already_listed(&self, changes: &Changes) -> u64 {
        let delisted_once = changes.delisted + changes.not_listed.len() as u64;
        let delisted_twice = (self.delisted.len() as u64).saturating_sub(delisted_once);
        let listed_twice = changes.given_twice.saturating_sub(delisted_twice);
        (self.given() as u64)
            .saturating_sub(listed_twice)
            .saturating_sub(changes.listed + changes.relisted)
    }
}

/// Standard input can feed one input only.
pub(super) fn check_one_stdin(listing: &ListingArgs) -> Result<(), CliError> {
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

/// Whether any change to list or delist was given.
pub(super) fn any_change(listing: &ListingArgs) -> bool {
    !(listing.imei.is_empty()
        && listing.imeis_from.is_empty()
        && listing.from_pairing.is_empty()
        && listing.delist_imei.is_empty()
        && listing.delist_imeis_from.is_empty()
        && listing.delist_pairing.is_empty())
}

/// The core's refusal of what the command was told to list and delist,
/// naming the flags (exit 2: the command line is what to change); any
/// other error is given back.
pub(super) fn listing_refusal(error: Error) -> Result<CliError, Error> {
    let (flag, hint) = match &error {
        Error::Contradiction(_) => (BOTH_SIDES, None),
        // Only pairing records can give one key two different entries.
        Error::Duplicate(_) => (
            "--from-pairing",
            Some(
                "the part is in two of the records given, paired to different handsets: give \
                 each handset's newest record only",
            ),
        ),
        _ => return Err(error),
    };
    let message = format!("{}; nothing was signed", core_message(&error));
    let refusal = CliError::flagged(flag)(error).message(message);
    Ok(match hint {
        Some(hint) => refusal.hint(hint),
        None => refusal,
    })
}

/// The notes on what the core counted that a register did not ask for:
/// nothing given is dropped silently. `where_listed` says which list the
/// keys to delist were looked for in.
pub(super) fn note_changes(
    report: &mut Report,
    changes: &Changes,
    already: u64,
    reason: Reason,
    where_listed: &str,
) {
    let reason = reason.name();
    if changes.relisted > 0 {
        report.line(format!(
            "  note: {} already listed with another reason or status, re-listed as {reason}",
            changes.relisted
        ));
    }
    if already > 0 {
        report.line(format!(
            "  note: {already} already listed as {reason}: kept as listed, with their original date"
        ));
    }
    if changes.given_twice > 0 {
        report.line(format!(
            "  note: {} key(s) were given more than once: each counted once",
            changes.given_twice
        ));
    }
    if !changes.not_listed.is_empty() {
        report.line(format!(
            "  note: {} key(s) to delist were not listed{where_listed}: nothing to delist ({})",
            changes.not_listed.len(),
            some_keys(&changes.not_listed)
        ));
    }
}

/// The core's counts in `--json` (`counts`), `already` set apart as the
/// notes say it.
pub(super) fn counts_json(changes: &Changes, already: u64) -> Value {
    json!({
        "carried": changes.carried,
        "listed": changes.listed,
        "relisted": changes.relisted,
        "already_listed": already,
        "delisted": changes.delisted,
        "not_listed": changes.not_listed.len(),
        "duplicates": changes.given_twice,
    })
}

/// The first hundred keys to delist that were not listed, in `--json`.
pub(super) fn not_listed_json(changes: &Changes) -> Value {
    changes
        .not_listed
        .iter()
        .take(100)
        .map(|key| json!(key_text(key)))
        .collect()
}

/// A key as the tool names it in notes and `--json`: `IMEI ...`, `part ...`.
pub(super) fn key_text(key: &BlockKey) -> String {
    match key {
        BlockKey::Imei(imei) => format!("IMEI {imei}"),
        BlockKey::Part(part) => format!("part {part}"),
    }
}

/// The first five keys, and how many more.
fn some_keys(keys: &[BlockKey]) -> String {
    let shown: Vec<String> = keys.iter().take(5).map(key_text).collect();
    if keys.len() > shown.len() {
        format!("{} and {} more", shown.join(", "), keys.len() - shown.len())
    } else {
        shown.join(", ")
    }
}

/// The refusal of an export that holds no IMEI: a register's export cut
/// short or empty would otherwise sign a list with nothing in it, and a
/// device holding a million listings would read every stolen phone clean.
fn empty_export(path: &Path) -> CliError {
    CliError::tool(
        ToolCode::EmptyInput,
        "holds no IMEI (only blank or comment lines, or nothing): an export cut short or empty? \
         nothing was signed",
    )
    .file(path)
    .flag("--imeis-from")
    .hint(
        "check the export and run it again; if nothing is to be listed from it, leave \
         --imeis-from out",
    )
}

/// The refusal of an input list with bad lines (or files): nothing signed.
fn bad_lines(
    message: String,
    path: &Path,
    flag: &str,
    hint: &str,
    lines: Vec<BadLine>,
) -> CliError {
    let mut error = CliError::tool(ToolCode::BadLines, message)
        .file(path)
        .flag(flag)
        .hint(hint);
    error.lines = lines;
    error
}

/// `path` for reading line by line (`-`: standard input), and its size
/// when known.
fn open_lines(path: &Path, flag: &str) -> Result<(Box<dyn BufRead>, u64), CliError> {
    if files::is_stdout(path) {
        return Ok((Box::new(std::io::stdin().lock()), 0));
    }
    let file =
        std::fs::File::open(path).map_err(|source| CliError::io(path, &source).flag(flag))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((Box::new(std::io::BufReader::new(file)), size))
}

/// The IMEIs of an IMEI file: one per line, `#` comments and blank lines
/// allowed. Every bad line is collected; none is skipped.
fn read_imeis(path: &Path, flag: &str, into: &mut Vec<Imei>) -> Result<(), CliError> {
    let (mut reader, size) = open_lines(path, flag)?;
    let bar = progress::reading(path, size, 1 << 20);
    let mut bad = Vec::new();
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| CliError::io(path, &source).flag(flag))?;
        if read == 0 {
            break;
        }
        number += 1;
        bar.inc(read as u64);
        match imei_line(&line) {
            Ok(Some(imei)) => into.push(imei),
            Ok(None) => {}
            Err(message) => bad.push(BadLine {
                line: number,
                message,
            }),
        }
    }
    bar.finish_and_clear();
    if bad.is_empty() {
        return Ok(());
    }
    let count = bad.len();
    let plural = if count == 1 { "" } else { "s" };
    let message = format!("{count} bad line{plural} (of {number}); nothing was signed");
    let hint = "correct or remove every line listed (one IMEI per line, # starts a comment)";
    Err(bad_lines(message, path, flag, hint, bad))
}

/// One line of an IMEI file: an IMEI, nothing (blank or a comment), or
/// what is wrong with it.
fn imei_line(line: &[u8]) -> Result<Option<Imei>, String> {
    let text = std::str::from_utf8(line).map_err(|_| "not text (invalid UTF-8)".to_owned())?;
    let text = text.split('#').next().unwrap_or_default().trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<Imei>()
        .map(Some)
        .map_err(|error| format!("{text:?}: {error}"))
}

/// The pairing records given to `flag`: files, folders (every file in
/// them, each a pairing record) and list files (one record's path per line,
/// relative to the list's folder).
fn pairing_records(paths: &[PathBuf], flag: &str) -> Result<Vec<PairingRecord>, CliError> {
    let mut records = Vec::new();
    for path in paths {
        if path.is_dir() {
            records.extend(records_in_folder(path, flag)?);
            continue;
        }
        let bytes = files::read_bytes(path)?;
        match files::detect(&bytes) {
            Kind::Unknown if std::str::from_utf8(&bytes).is_ok() => {
                records.extend(records_listed_in(path, &bytes, flag)?);
            }
            _ => records.push(record(Src::new(path, flag), &bytes)?),
        }
    }
    Ok(records)
}

/// A pairing record, or the refusal of a file of another kind.
fn record(src: Src<'_>, bytes: &[u8]) -> Result<PairingRecord, CliError> {
    files::object_from(src, bytes, ObjectType::PairingRecord, PairingRecord::decode)
}

/// Every file of a folder, each a pairing record (hidden files aside).
fn records_in_folder(folder: &Path, flag: &str) -> Result<Vec<PairingRecord>, CliError> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|source| CliError::io(folder, &source).flag(flag))?
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    names.sort();
    let mut records = Vec::with_capacity(names.len());
    let mut strays = Vec::new();
    for name in &names {
        let bytes = files::read_bytes(name)?;
        match files::detect(&bytes) {
            Kind::Object(ObjectType::PairingRecord) => {
                records.push(PairingRecord::decode(&bytes).map_err(CliError::about(name))?);
            }
            other => strays.push(format!(
                "{} ({})",
                name.file_name().unwrap_or_default().to_string_lossy(),
                other.name()
            )),
        }
    }
    if !strays.is_empty() {
        let message = format!(
            "{} file(s) in this folder are not pairing records: {}; nothing was signed",
            strays.len(),
            strays.join(", ")
        );
        let hint = "the folder must hold pairing records only: move the others out";
        return Err(bad_lines(message, folder, flag, hint, Vec::new()));
    }
    Ok(records)
}

/// The records a list file names, one a line, relative to its folder.
fn records_listed_in(
    list: &Path,
    bytes: &[u8],
    flag: &str,
) -> Result<Vec<PairingRecord>, CliError> {
    let folder = match list.parent() {
        Some(parent) if !files::is_stdout(list) && !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut records = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in String::from_utf8_lossy(bytes).lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let path = folder.join(line);
        match files::read_bytes(&path).and_then(|bytes| record(Src::new(&path, flag), &bytes)) {
            Ok(record) => records.push(record),
            Err(error) => bad.push(BadLine {
                line: index + 1,
                message: format!("{}: {}", path.display(), error.message),
            }),
        }
    }
    if !bad.is_empty() {
        let message = format!(
            "{} line(s) of this list do not name a pairing record; nothing was signed",
            bad.len()
        );
        let hint = "each line names one pairing record, relative to the list's folder";
        return Err(bad_lines(message, list, flag, hint, bad));
    }
    Ok(records)
}
