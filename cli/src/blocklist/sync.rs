//! `partcert blocklist sync`: a device brings its saved state up to a
//! register's repository over HTTP — the core's sans-I/O updater
//! (`Blocklist::update`) driven by this tool's fetcher.
//!
//! The head says which files to fetch, with the exact size and SHA-256 of
//! each; each is read to no more than its size and offered to the update,
//! which checks it before decoding and applies it to a working copy. The
//! state is written, through the one state-saving function, only once the
//! whole update is in; whatever fails before leaves it as it was.

use std::io::Write;
use std::time::Duration;

use partcert::blocklist::{FileRef, Head, ListVersion};
use partcert::{Blocklist, Error, ObjectType, TrustStore};
use serde_json::{Value, json};

use super::apply::{Device, START_STATE, refuse_init_over};
use super::followed::{Followed, dropped_json, load_followed};
use super::repository::{self, HEAD};
use crate::args::BlocklistSyncArgs;
use crate::ctx::{Ctx, print_json};
use crate::error::{CliError, exit};
use crate::files::{self, Src};
use crate::http::Fetcher;
use crate::text;
use crate::trust::{apply_revocations, pin_blocklist_roots};

/// What the device did not change when a sync fails.
const UNTOUCHED: &str = "the state is untouched";

/// A whole update, fetched and applied, not yet saved.
struct Synced {
    /// The head it follows.
    head: Head,
    /// The version held before, if any.
    from: Option<ListVersion>,
    /// The files fetched, in order.
    fetched: Vec<FileRef>,
    /// Every byte fetched, the head's included.
    bytes: u64,
    /// The device's lists afterwards.
    blocklist: Blocklist,
}

/// `partcert blocklist sync`
pub fn sync(args: BlocklistSyncArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let now = ctx.now()?;
    if args.init {
        refuse_init_over(&args.state, "--state", ctx)?;
    }
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    apply_revocations(&mut trust, &args.revocations, now)?;
    let Followed { blocklist, dropped } = if args.init {
        Followed::default()
    } else {
        load_followed(
            Some(Src::new(&args.state, "--state")),
            None,
            &trust,
            START_STATE,
        )?
    };
    let timeout = Duration::from_secs(args.timeout_secs);
    let fetcher = Fetcher::new(&args.url, timeout, args.retries);
    let synced = fetch(&blocklist, &trust, &fetcher, now)?;
    files::save_blocklist(&args.state, &synced.blocklist)?;
    let device = Device {
        checked: synced.blocklist.lists_checked(&trust, now),
        blocklist: &synced.blocklist,
        trust: &trust,
        now,
    };
    let register = synced.head.authority();
    let stale = device
        .checked
        .iter()
        .any(|list| list.authority == register && list.stale);
    let code = if stale { exit::STALE } else { exit::OK };
    if ctx.json {
        let mut value = report_json(&synced, &device, code);
        value["url"] = json!(args.url);
        value["state"] = json!(args.state.display().to_string());
        value["dropped"] = dropped_json(&dropped);
        print_json(out, value)?;
    } else {
        report_lines(out, &fetcher, &synced)?;
        device.write(out, &[])?;
        writeln!(
            out,
            "blocklist state saved to {} (use it with verify --blocklist-state)",
            args.state.display()
        )?;
    }
    Ok(code)
}

/// Fetches the head, then each file the core asks for, and offers each to
/// the update: the new lists, or the first refusal.
fn fetch(
    blocklist: &Blocklist,
    trust: &TrustStore,
    fetcher: &Fetcher,
    now: u64,
) -> Result<Synced, CliError> {
    let head_max = ObjectType::RepositoryHead.max_len() as u64;
    let head_bytes = fetcher.get(HEAD, head_max)?;
    let mut bytes = head_bytes.len() as u64;
    let mut update = blocklist
        .update(trust, &head_bytes, now)
        .map_err(|error| head_refused(error, &fetcher.url(HEAD)))?;
    let head = update.head().clone();
    let from = blocklist.list(&head.authority()).map(|held| held.version);
    let mut fetched = Vec::with_capacity(update.remaining());
    while let Some(file) = update.next_fetch().cloned() {
        let url = fetcher.url(&file.path);
        let body = fetcher.get(&file.path, file.size)?;
        bytes += body.len() as u64;
        update
            .offer(trust, &body)
            .map_err(|error| file_refused(error, &url))?;
        fetched.push(file);
    }
    let blocklist = update
        .finish()
        .map_err(|error| file_refused(error, &fetcher.url(HEAD)))?;
    Ok(Synced {
        head,
        from,
        fetched,
        bytes,
        blocklist,
    })
}

/// A head the core refused: an old one replayed, one from a register not
/// pinned, or not a head at all.
pub fn head_refused(error: Error, url: &str) -> CliError {
    let (message, hint) = match &error {
        Error::Rollback { offered, accepted } => (
            format!(
                "rollback refused: the repository's head is {}, older than {} this device already \
                 accepted (a mirror serving an old head, or a replay)",
                text::version(*offered),
                text::version(*accepted)
            ),
            format!("{UNTOUCHED}: try another mirror, or again later"),
        ),
        Error::UnknownIssuer(_) => (
            crate::error::core_message(&error),
            format!(
                "{UNTOUCHED}: the head is signed for a register whose root is not given with \
                 --blocklist-trust"
            ),
        ),
        _ => (
            crate::error::core_message(&error),
            format!("{UNTOUCHED}: the address serves no valid head of a pinned register"),
        ),
    };
    CliError::core(error).message(message).hint(hint).url(url)
}

/// A file the core refused: not the one the head names (files of two days
/// mixed, cut short, too long), or a list a device may not apply.
pub fn file_refused(error: Error, url: &str) -> CliError {
    let hint = match &error {
        Error::FileMismatch { .. } => format!(
            "{UNTOUCHED}: the server's file is not the one its head names (files of two days \
             mixed, or cut short): try again later, or another mirror"
        ),
        _ => format!("{UNTOUCHED}: the repository serves a list this device may not apply"),
    };
    CliError::core(error).hint(hint).url(url)
}

/// What was fetched, in words.
fn report_lines(out: &mut dyn Write, fetcher: &Fetcher, synced: &Synced) -> Result<(), CliError> {
    writeln!(
        out,
        "fetched {}: {}, {} bytes",
        fetcher.url(HEAD),
        repository::head_text(&synced.head),
        synced.head.as_bytes().len()
    )?;
    for file in &synced.fetched {
        writeln!(
            out,
            "fetched {}: {}, {} bytes, checked against the head",
            file.path,
            text::version(file.version),
            file.size
        )?;
    }
    let now_at = text::version(synced.head.version());
    match (synced.fetched.len(), synced.from) {
        (0, _) => writeln!(out, "already at {now_at}: nothing to fetch")?,
        (count, Some(from)) => writeln!(
            out,
            "{} -> {now_at}: {count} file(s), {} bytes in all",
            text::version(from),
            synced.bytes
        )?,
        (count, None) => writeln!(
            out,
            "now at {now_at}: {count} file(s), {} bytes in all",
            synced.bytes
        )?,
    }
    Ok(())
}

/// The `--json` report, but for the address, the state and what was
/// dropped.
fn report_json(synced: &Synced, device: &Device<'_>, code: u8) -> Value {
    let fetched: Vec<Value> = synced.fetched.iter().map(repository::file_json).collect();
    let lists: Vec<Value> = device
        .checked
        .iter()
        .map(|list| device.list_json(list))
        .collect();
    json!({
        "ok": true,
        "exit_code": code,
        "command": "blocklist sync",
        "stale": code == exit::STALE,
        "from": synced.from.map(|from| json!({"epoch": from.epoch, "sequence": from.sequence})),
        "head": repository::head_json(&synced.head),
        "fetched": fetched,
        "bytes": synced.bytes,
        "lists": lists,
        "checked_at": device.now,
    })
}
