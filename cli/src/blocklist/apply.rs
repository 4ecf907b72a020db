//! `partcert blocklist apply`: a device checks and applies snapshots
//! (sorted or compact) and deltas in order, keeps its state or its
//! anti-rollback marks, and says whether each list it follows is current.
//! [`apply_file`] is how `verify` and `handset check` apply `--blocklist`.

use std::io::Write;
use std::path::{Path, PathBuf};

use partcert::blocklist::{BlocklistDelta, ListChecked, ListVersion, SignedList};
use partcert::ids::KeyId;
use partcert::{Blocklist, Certificate, Error, ObjectType, TrustStore};
use serde_json::{Value, json};

use super::followed::{Followed, dropped_json, load_followed};
use super::{object_type, signer};
use crate::args::BlocklistApplyArgs;
use crate::ctx::{Ctx, print_json};
use crate::error::{CliError, ToolCode, exit};
use crate::files::{self, Kind, Src};
use crate::progress;
use crate::text;
use crate::trust::{apply_revocations, pin_blocklist_roots};

/// How to start a state that does not exist.
pub(super) const START_STATE: &str = "to start a new one on a device's first run, give --init";

/// What applying one file did.
pub struct Applied {
    /// The file.
    pub path: PathBuf,
    /// Snapshot or delta.
    pub object: ObjectType,
    /// The epoch and sequence held afterwards.
    pub version: ListVersion,
}

/// `partcert blocklist apply`
///
/// Staleness is judged as a verifier judges it: each list against its own
/// register's clock (`Blocklist::clock_for`: the caller's time, raised to
/// that register's newest accepted list). The report's top-level
/// `checked_at` is the caller's time; each list carries its register's.
pub fn apply(args: BlocklistApplyArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    let now = ctx.now()?;
    check_init(&args, ctx)?;
    if let Some(path) = &args.out {
        files::check_can_write(path, Kind::BlocklistState, ctx.force, "--out")?;
    }
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    apply_revocations(&mut trust, &args.revocations, now)?;
    let Followed {
        mut blocklist,
        dropped,
    } = follow(&args, &trust)?;
    let mut applied = Vec::with_capacity(args.lists.len());
    for path in &args.lists {
        let src = Src::new(path, "LIST");
        applied.push(apply_file(&mut blocklist, &trust, src, now)?);
    }
    // Only once every list applied: the state on disk never goes half way.
    if let Some(path) = &args.rollback_state {
        files::update_state(path, &blocklist.rollback_state().encode())?;
    }
    let state_out = args.out.as_ref().or(args.state.as_ref());
    if let Some(path) = state_out {
        files::save_blocklist(path, &blocklist)?;
    }
    let device = Device {
        checked: blocklist.lists_checked(&trust, now),
        blocklist: &blocklist,
        trust: &trust,
        now,
    };
    let code = device.exit_code();
    if ctx.json {
        let mut value = device.json(&applied, &dropped, code);
        value["rollback_state"] = json!(args.rollback_state.as_ref().map(|p| display(p)));
        value["state"] = json!(state_out.map(|p| display(p)));
        print_json(out, value)?;
    } else {
        device.write(out, &applied)?;
        saved_lines(out, &args, state_out)?;
    }
    Ok(code)
}

/// `--init` starts a state given, and never one that exists (unless
/// `--force`): it would drop its anti-rollback marks.
fn check_init(args: &BlocklistApplyArgs, ctx: Ctx) -> Result<(), CliError> {
    let state_path = args.state.as_ref().or(args.rollback_state.as_ref());
    let Some(path) = state_path.filter(|_| args.init) else {
        if args.init {
            return Err(
                CliError::usage("--init starts a new --state or --rollback-state")
                    .flag("--init")
                    .hint("give --state FILE or --rollback-state FILE with it, or drop --init"),
            );
        }
        return Ok(());
    };
    let flag = if args.state.is_some() {
        "--state"
    } else {
        "--rollback-state"
    };
    refuse_init_over(path, flag, ctx)
}

/// `--init` never starts over a state that exists (unless `--force`): it
/// would drop its anti-rollback marks.
pub(super) fn refuse_init_over(path: &Path, flag: &str, ctx: Ctx) -> Result<(), CliError> {
    if path.exists() && !ctx.force {
        return Err(CliError::tool(
            ToolCode::StateExists,
            "already holds a state: --init would start from nothing and drop its anti-rollback marks",
        )
        .file(path)
        .flag(format!("{flag} with --init"))
        .hint("drop --init to update it (or --force to start over)"));
    }
    Ok(())
}

/// What the device follows before the lists given: nothing on `--init`.
fn follow(args: &BlocklistApplyArgs, trust: &TrustStore) -> Result<Followed, CliError> {
    if args.init {
        return Ok(Followed::default());
    }
    load_followed(
        args.state.as_deref().map(|path| Src::new(path, "--state")),
        args.rollback_state
            .as_deref()
            .map(|path| Src::new(path, "--rollback-state")),
        trust,
        START_STATE,
    )
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// The device after the lists were applied: every register it follows,
/// with its standing at that register's own clock.
pub(super) struct Device<'a> {
    pub(super) checked: Vec<ListChecked>,
    pub(super) blocklist: &'a Blocklist,
    pub(super) trust: &'a TrustStore,
    pub(super) now: u64,
}

impl Device<'_> {
    /// Stale if any list followed is.
    fn exit_code(&self) -> u8 {
        if self.checked.iter().any(|list| list.stale) {
            exit::STALE
        } else {
            exit::OK
        }
    }

    /// The `--json` report, but for where the state was saved.
    fn json(&self, applied: &[Applied], dropped: &[KeyId], code: u8) -> Value {
        let applied: Vec<Value> = applied
            .iter()
            .map(|a| {
                json!({
                    "file": display(&a.path),
                    "type": files::object_tag(a.object),
                    "epoch": a.version.epoch,
                    "sequence": a.version.sequence,
                })
            })
            .collect();
        let lists: Vec<Value> = self
            .checked
            .iter()
            .map(|list| self.list_json(list))
            .collect();
        json!({
            "ok": true,
            "exit_code": code,
            "command": "blocklist apply",
            "stale": code == exit::STALE,
            "applied": applied,
            "lists": lists,
            "dropped": dropped_json(dropped),
            "checked_at": self.now,
        })
    }

    /// One register followed, in `--json`.
    pub(super) fn list_json(&self, list: &ListChecked) -> Value {
        let held = self.blocklist.list(&list.authority);
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
            "checked_at": self.blocklist.clock_for(self.trust, &list.authority, self.now),
        })
    }

    /// The human report: each file accepted, then each register followed.
    pub(super) fn write(&self, out: &mut dyn Write, applied: &[Applied]) -> Result<(), CliError> {
        for a in applied {
            writeln!(
                out,
                "{}: {} accepted, now at {}",
                a.path.display(),
                a.object.name(),
                text::version(a.version)
            )?;
        }
        for list in &self.checked {
            match self.blocklist.list(&list.authority) {
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
        Ok(())
    }
}

/// Where the state or marks were saved.
fn saved_lines(
    out: &mut dyn Write,
    args: &BlocklistApplyArgs,
    state_out: Option<&PathBuf>,
) -> Result<(), CliError> {
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
    Ok(())
}

/// Applies a snapshot (sorted or compact) or delta file to `blocklist`,
/// with a message of its own for a replayed delta, a rollback and an
/// unpinned register.
pub fn apply_file(
    blocklist: &mut Blocklist,
    trust: &TrustStore,
    src: Src<'_>,
    now: u64,
) -> Result<Applied, CliError> {
    let list = read_list(src)?;
    let spinner = progress::spinner_for(
        list.as_bytes().len() / 41,
        &format!(
            "checking and applying {} ({} MB)",
            src.path.display(),
            list.as_bytes().len() >> 20
        ),
    );
    let applied = apply_list(blocklist, trust, src, &list, now);
    spinner.finish_and_clear();
    applied
}

/// Reads a signed list of any format (its bytes dropped once decoded: a
/// national list is held once), refusing another kind of file by name.
pub fn read_list(src: Src<'_>) -> Result<SignedList, CliError> {
    let from_file = !files::is_stdout(src.path);
    let bytes = if from_file {
        files::read_prefix(src.path)?
    } else {
        files::read_bytes(src.path)?
    };
    match files::detect(&bytes) {
        Kind::Object(
            ObjectType::BlocklistSnapshot
            | ObjectType::CompactSnapshot
            | ObjectType::BlocklistDelta,
        )
        | Kind::Unknown => {}
        found => {
            let message = format!(
                "expected a blocklist snapshot (sorted or compact) or delta, but this is a {}",
                found.name()
            );
            let expected = Kind::Object(ObjectType::BlocklistSnapshot);
            return Err(files::wrong_kind(src, expected, found).message(message));
        }
    }
    if from_file {
        // A compact snapshot is mapped, not copied: its blocks are read
        // once, by the hash pass that checks them against the signed root.
        return SignedList::read(src.path).map_err(CliError::about(src.path));
    }
    SignedList::decode(&bytes).map_err(CliError::about(src.path))
}

/// Applies a list read from `src` as a device does, refusing it with a
/// message that says it against what `blocklist` holds.
pub fn apply_list(
    blocklist: &mut Blocklist,
    trust: &TrustStore,
    src: Src<'_>,
    list: &SignedList,
    now: u64,
) -> Result<Applied, CliError> {
    check_pinned(trust, &list.authority(), signer(list), src)?;
    let held = blocklist
        .list(&list.authority())
        .map(|held| (held.version, held.compact().is_some()));
    let version = blocklist
        .apply(trust, list, now)
        .map_err(|error| match list {
            SignedList::Delta(delta) => delta_refusal(error, delta, held, src.path),
            snapshot => snapshot_refusal(error, snapshot.version(), src.path),
        })?;
    Ok(Applied {
        path: src.path.to_owned(),
        object: object_type(list),
        version,
    })
}

/// Refuses a list whose register is not pinned, with its own message.
fn check_pinned(
    trust: &TrustStore,
    authority: &KeyId,
    signer: &Certificate,
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

/// A snapshot refused: a rollback, or two lists claiming one version.
fn snapshot_refusal(error: Error, version: ListVersion, path: &Path) -> CliError {
    let (message, hint) = match &error {
        Error::Rollback { offered, accepted } => (
            format!(
                "rollback refused: this list is {}, older than {} already accepted from this register",
                text::version(*offered),
                text::version(*accepted)
            ),
            "an older list may hide handsets reported since: fetch the register's newest list"
                .to_owned(),
        ),
        Error::ConflictingSequence(_) => (
            crate::error::core_message(&error),
            format!(
                "two different lists claim {}: the register's key may be misused; ask the register",
                text::version(version)
            ),
        ),
        _ => return CliError::core(error).file(path),
    };
    CliError::core(error).file(path).message(message).hint(hint)
}

/// A delta refused, said against what the device holds: already applied,
/// replayed, or not starting from the list held (`held`: its version, and
/// whether it is compact).
fn delta_refusal(
    error: Error,
    delta: &BlocklistDelta,
    held: Option<(ListVersion, bool)>,
    path: &Path,
) -> CliError {
    let steps = format!(
        "{} -> {}",
        text::version(delta.from_version()),
        text::version(delta.to_version())
    );
    let (message, hint) = match (&error, held) {
        // A delta built between sorted lists, offered to a device that
        // holds the compact list (code 402).
        (Error::DeltaBaseMismatch { .. }, Some((held, true))) => (
            format!(
                "this delta ({steps}) does not start from what this device holds: the register's \
                 compact list {} (and the deltas applied over it)",
                text::version(held)
            ),
            "apply the deltas the register built over its compact list, or its next compact snapshot",
        ),
        (Error::Rollback { accepted, .. }, _) if delta.to_version() == *accepted => (
            format!(
                "this delta ({steps}) was already applied: the state holds {}",
                text::version(*accepted)
            ),
            "nothing to apply: drop it from the command",
        ),
        (Error::Rollback { accepted, .. }, _) => (
            format!(
                "replayed old delta ({steps}): the state already holds {}, which is later",
                text::version(*accepted)
            ),
            "an old delta would roll the list back: fetch the register's newest delta or snapshot",
        ),
        (Error::DeltaBaseMismatch { .. }, None) => (
            format!(
                "this delta ({steps}) starts from a list this device does not hold: it holds \
                 nothing from this register"
            ),
            "apply the snapshot it starts from first (or give the state that holds it)",
        ),
        (Error::DeltaBaseMismatch { .. }, Some((held, _))) => (
            format!(
                "this delta ({steps}) does not start from the list held, {}",
                text::version(held)
            ),
            "apply the deltas in order, or the register's newest snapshot",
        ),
        _ => return CliError::core(error).file(path),
    };
    CliError::core(error).file(path).message(message).hint(hint)
}
