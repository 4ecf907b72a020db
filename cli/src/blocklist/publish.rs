//! `partcert blocklist publish`: a register adds signed lists to its
//! repository and signs the head devices sync from.
//!
//! The lists are checked against what devices hold — the repository as
//! it is served, replayed as a device applies it — before any file is
//! written: each must be one a device would accept after the head, and
//! none may delist more than 1 % of the list devices hold unless the
//! register confirms the count. Then each list is stored under the hash of
//! its bytes, and the head, written last and atomically, names them.

use std::io::Write;
use std::path::{Path, PathBuf};

use partcert::blocklist::{
    FileRef, Head, ListVersion, ShardSet, ShardsRef, SignedList, check_delisting,
};
use partcert::file::{WriteMode, write_atomic};
use partcert::ids::KeyId;
use partcert::{Blocklist, Certificate, Error, ErrorCode, ObjectType, TrustStore};
use serde_json::{Value, json};

use super::apply::{apply_list, read_list};
use super::repository::{self, Served};
use super::{DAY, mass_delisting, object_type};
use crate::args::BlocklistPublishArgs;
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, ToolCode, exit};
use crate::files::{self, Kind, Src};
use crate::issue::load_authority;
use crate::text;
use crate::trust::pin_blocklist_roots;

/// An hour, in seconds: a head's lifetime is given in hours.
const HOUR: u64 = 3_600;
/// A year of hours: a longer head lifetime is implausible.
const MAX_PLAUSIBLE_HOURS: u64 = 366 * 24;

/// A list given to publish, read and checked.
struct Added {
    path: PathBuf,
    list: SignedList,
    /// How many keys devices hold that it delists.
    delisted: u64,
}

/// `partcert blocklist publish`
pub fn publish(args: BlocklistPublishArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let now = ctx.now()?;
    check_hours(ctx, args.head_expires_hours)?;
    ctx.plausible_days("--delta-window-days", args.delta_window_days)?;
    let publisher = load_authority(
        Src::new(&args.signer.authority, "--authority"),
        Src::new(&args.signer.authority_cert, "--authority-cert"),
    )?;
    let register = publisher.blocklist_authority().map_err(|error| {
        CliError::core(error)
            .file(&args.signer.authority_cert)
            .flag("--authority-cert")
            .hint("sign with the register's root or its publisher")
    })?;
    let trust = register_trust(&args, publisher.certificate())?;
    let served = repository::served(&args.repo, "--repo", &register, &trust, now)?;
    let (previous, mut device) = match served {
        Some(Served { head, device }) => (Some(head), device),
        None => (None, Blocklist::new()),
    };
    let added = check_lists(&args, &register, &trust, &mut device, now)?;
    let lists: Vec<SignedList> = added.iter().map(|added| added.list.clone()).collect();
    let head = Head::next(
        &publisher,
        previous.as_ref(),
        &lists,
        args.delta_window_days.saturating_mul(DAY),
        now,
        now.saturating_add(args.head_expires_hours.saturating_mul(HOUR)),
    )
    .map_err(|error| head_refusal(error, &args))?;
    check_leads_to(&device, &register, &head)?;
    let mut report = Report::new("blocklist publish");
    store_lists(&args.repo, &added, &mut report)?;
    // Shards, when asked for or already served: written before the head
    // that names them.
    let head = if args.shards
        || previous
            .as_ref()
            .is_some_and(|head| head.shards().is_some())
    {
        let list = device.list(&register).ok_or_else(|| {
            CliError::tool(ToolCode::Internal, "no list to cut into shards")
                .hint("a bug: please report it")
        })?;
        let shards = ShardSet::build(list, args.shard_bits).map_err(|error| {
            CliError::core(error).flag("--shards").hint(
                "the list cannot be cut so: give fewer --shard-bits, or publish without --shards",
            )
        })?;
        store_shards(&args.repo, &shards, previous.as_ref(), &mut report)?;
        head.with_shards(&publisher, &shards)
            .map_err(|error| head_refusal(error, &args))?
    } else {
        head
    };
    let head_path = repository::head_path(&args.repo);
    let replace = WriteMode {
        replace: true,
        secret: false,
    };
    write_atomic(&head_path, head.as_bytes(), replace)
        .map_err(|source| CliError::io(&head_path, &source))?;
    report.wrote(&head_path, Kind::Object(ObjectType::RepositoryHead));
    report_head(&mut report, &args.repo, &head, previous.as_ref());
    report.set("repo", json!(args.repo.display().to_string()));
    report.set("added", added.iter().map(added_json).collect());
    report.finish(ctx, out)
}

/// Refuses a head lifetime of 0 or over a year unless `--force`.
fn check_hours(ctx: Ctx, hours: u64) -> Result<(), CliError> {
    if ctx.force || (1..=MAX_PLAUSIBLE_HOURS).contains(&hours) {
        return Ok(());
    }
    let message = if hours == 0 {
        "0 hours: the head would be stale at once".to_owned()
    } else {
        format!("{hours} hours is over a year: a frozen mirror would go unnoticed that long")
    };
    Err(CliError::tool(ToolCode::Implausible, message)
        .flag(format!("--head-expires-hours {hours}"))
        .hint(format!(
            "give 1 to {MAX_PLAUSIBLE_HOURS} hours (a day is usual); --force if you mean it"
        )))
}

/// What devices pin: `--blocklist-trust`, or the signer's own certificate
/// when it is the register's root.
fn register_trust(
    args: &BlocklistPublishArgs,
    signer: &Certificate,
) -> Result<TrustStore, CliError> {
    let mut trust = TrustStore::new();
    if let Some(root) = &args.blocklist_trust {
        pin_blocklist_roots(&mut trust, std::slice::from_ref(root))?;
        return Ok(trust);
    }
    trust.add_blocklist_root(signer.clone()).map_err(|_| {
        CliError::usage(
            "--authority-cert is a publisher's certificate: the lists are checked as devices \
             check them, against the register's root they pin",
        )
        .flag("--blocklist-trust")
        .hint("give the register's root certificate with --blocklist-trust ROOT.cert")
    })?;
    Ok(trust)
}

/// Reads each list given and applies it, in order, to what devices hold
/// (`device`), as a device would: the mass-delisting guard first.
fn check_lists(
    args: &BlocklistPublishArgs,
    register: &KeyId,
    trust: &TrustStore,
    device: &mut Blocklist,
    now: u64,
) -> Result<Vec<Added>, CliError> {
    let mut added = Vec::with_capacity(args.lists.len());
    for path in &args.lists {
        let src = Src::new(path, "LIST");
        let list = read_list(src)?;
        if list.authority() != *register {
            return Err(CliError::core(Error::WrongAuthority)
                .file(path)
                .exit(exit::USAGE)
                .message(format!(
                    "a list of register {}, not of register {} whose repository this is",
                    list.authority(),
                    register
                ))
                .hint("publish each register's lists to its own repository"));
        }
        // What a device would refuse is said first; then the guard.
        let held = device.list(register);
        let serving = held.map(|held| held.version);
        let guard = held.map(|held| check_delisting(held, &list, args.allow_delisting));
        apply_list(device, trust, src, &list, now)
            .map_err(|error| refused_after(error, serving))?;
        let delisted = guard.transpose().map_err(|error| {
            mass_delisting(error, "devices hold", args.allow_delisting).file(path)
        })?;
        added.push(Added {
            path: path.clone(),
            list,
            delisted: delisted.unwrap_or(0),
        });
    }
    Ok(added)
}

/// A list devices would refuse after what the repository serves (at
/// `serving`), said as what to publish instead.
fn refused_after(error: CliError, serving: Option<ListVersion>) -> CliError {
    let code = error.code;
    let Some(serving) = serving else {
        return error
            .hint("a repository starts with a snapshot: give the register's snapshot first");
    };
    let next = serving.sequence.saturating_add(1);
    if code == ErrorCode::Rollback.code() {
        return error.hint(format!(
            "the repository serves {}: publish a later list (--sequence {next} or higher)",
            text::version(serving)
        ));
    }
    if code == ErrorCode::DeltaBaseMismatch.code() {
        return error.hint(format!(
            "the repository serves {}: build the delta over it (`blocklist delta --over MIRROR \
             --repo DIR`, the mirror in step with the repository), or publish a snapshot",
            text::version(serving)
        ));
    }
    error
}

/// A refusal of the head: no snapshot yet, or a signer the core refuses.
fn head_refusal(error: Error, args: &BlocklistPublishArgs) -> CliError {
    match &error {
        Error::InvalidField(_) if args.lists.is_empty() => CliError::core(error)
            .flag("LIST")
            .exit(exit::USAGE)
            .hint("a repository starts with a snapshot: give the register's newest snapshot"),
        Error::InvalidField(_) => CliError::core(error)
            .flag("LIST")
            .exit(exit::USAGE)
            .hint("a repository needs a snapshot, and deltas that lead from it to the newest list"),
        _ => CliError::core(error)
            .file(&args.signer.authority_cert)
            .flag("--authority-cert")
            .hint("sign with the register's root or its publisher, valid now (--at)"),
    }
}

/// The head names the list every device now holds: the one the lists
/// given lead to. A head that does not is a bug, never written.
fn check_leads_to(device: &Blocklist, register: &KeyId, head: &Head) -> Result<(), CliError> {
    let held = device.list(register);
    if held.is_some_and(|list| list.version == head.version() && list.digest == head.digest()) {
        return Ok(());
    }
    Err(CliError::tool(
        ToolCode::Internal,
        format!(
            "the head names {}, but the lists given lead devices elsewhere; nothing was published",
            text::version(head.version())
        ),
    )
    .hint("a bug: please report it"))
}

/// Stores each list at its content-addressed path (the folders made on
/// the first publish); a file already there with the same bytes is kept.
fn store_lists(repo: &Path, added: &[Added], report: &mut Report) -> Result<(), CliError> {
    let lists = repo.join("lists");
    std::fs::create_dir_all(&lists).map_err(|source| CliError::io(&lists, &source))?;
    for added in added {
        let file = FileRef::of(&added.list);
        let path = repo.join(&file.path);
        let bytes = added.list.as_bytes();
        match std::fs::read(&path) {
            Ok(existing) if existing == bytes => {}
            Ok(_) => {
                return Err(CliError::core(Error::FileMismatch {
                    path: file.path.clone(),
                    what: "SHA-256",
                })
                .file(&path)
                .message(
                    "holds other bytes than the hash it is named by: the repository is damaged; \
                     nothing was published",
                )
                .hint("remove or restore this file, then publish again"));
            }
            Err(_) => write_atomic(&path, bytes, WriteMode::default())
                .map_err(|source| CliError::io(&path, &source))?,
        }
        let kind = Kind::Object(object_type(&added.list));
        report.wrote(&path, kind);
        report.line(format!(
            "{}: {} {} stored as {} ({} bytes)",
            added.path.display(),
            kind.name(),
            text::version(added.list.version()),
            path.display(),
            bytes.len()
        ));
    }
    Ok(())
}

/// Writes every shard file of `shards` into its folder
/// (`shards/<root>/`, made whole under another name and then renamed, so a
/// device never finds half of it), keeps the folder the previous head
/// named (a device mid-check still finds its shards) and removes older
/// ones.
fn store_shards(
    repo: &Path,
    shards: &ShardSet,
    previous: Option<&Head>,
    report: &mut Report,
) -> Result<(), CliError> {
    let reference = shards.reference();
    let folder = |reference: &ShardsRef| {
        repo.join(reference.path(0))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.join("shards"))
    };
    let target = folder(&reference);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source: std::io::Error| CliError::io(&path, &source)
    };
    if !target.is_dir() {
        let partial = target.with_extension("partial");
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(io(&partial))?;
        }
        std::fs::create_dir_all(&partial).map_err(io(&partial))?;
        for index in 0..shards.count() {
            let bytes = shards.file(index).ok_or_else(|| {
                CliError::tool(
                    ToolCode::Internal,
                    "a shard the list was cut into is missing",
                )
                .hint("a bug: please report it")
            })?;
            let name = reference.path(index);
            let path = partial.join(name.rsplit('/').next().unwrap_or(&name));
            std::fs::write(&path, bytes).map_err(io(&path))?;
        }
        std::fs::rename(&partial, &target).map_err(io(&target))?;
    }
    // Older cuts: only the previous head's is still read.
    let keep = previous.and_then(Head::shards).map(folder);
    let root = repo.join("shards");
    let mut removed = 0;
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path != target && Some(&path) != keep.as_ref() && path.is_dir() {
                std::fs::remove_dir_all(&path).map_err(io(&path))?;
                removed += 1;
            }
        }
    }
    let total: usize = shards.sizes().sum();
    report.line(format!(
        "cut {} into {} shard{} ({} bits) under {}: {} bytes in all, the largest {} bytes{}",
        text::version(shards.version()),
        shards.count(),
        if shards.count() == 1 { "" } else { "s" },
        shards.bits(),
        target.display(),
        total,
        reference.max_size,
        if removed > 0 {
            format!(
                "; removed {removed} older cut{}",
                if removed == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    ));
    report.set(
        "shards",
        json!({
            "count": shards.count(),
            "bits": shards.bits(),
            "root": reference.root.to_hex(),
            "folder": target.display().to_string(),
            "bytes": total,
            "max_size": reference.max_size,
        }),
    );
    Ok(())
}

/// What the head says, in words and `--json`.
fn report_head(report: &mut Report, repo: &Path, head: &Head, previous: Option<&Head>) {
    let deltas = head.deltas().len();
    report.line(format!(
        "wrote {}: {}, {} bytes",
        repository::head_path(repo).display(),
        repository::head_text(head),
        head.as_bytes().len()
    ));
    report.line(format!(
        "  serves the snapshot {} and {deltas} delta{} to it; a device further behind fetches \
         the snapshot",
        text::version(head.snapshot().version),
        if deltas == 1 { "" } else { "s" }
    ));
    if let Some(previous) = previous {
        report.line(format!(
            "  replaces the head at {}; every list file stays (a device mid-read still finds it)",
            repository::head_text(previous)
        ));
    }
    report.line(format!(
        "  serve {} as it is with any static web server; publish again before {} (with no list, \
         to sign a fresh head), or devices read the lists stale",
        repo.display(),
        text::utc(head.expires_at())
    ));
    report.set("head", repository::head_json(head));
}

/// One list added, in `--json`.
fn added_json(added: &Added) -> Value {
    json!({
        "file": added.path.display().to_string(),
        "path": FileRef::path_for(&added.list),
        "type": files::object_tag(object_type(&added.list)),
        "epoch": added.list.version().epoch,
        "sequence": added.list.version().sequence,
        "bytes": added.list.as_bytes().len(),
        "delisted": added.delisted,
    })
}
