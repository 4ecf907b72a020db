//! `partcert blocklist unfollow`: a device stops following a register (a
//! rogue operator unpinned, a root re-pinned under a new key), keeping
//! every other register's list and anti-rollback mark.

use std::io::Write;

use partcert::blocklist::{ListVersion, LoadedState, RollbackMark};
use partcert::certificate::AuthorityRole;
use partcert::ids::KeyId;
use partcert::{Blocklist, Error, TrustStore};
use serde_json::{Value, json};

use crate::args::BlocklistUnfollowArgs;
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, ToolCode, exit};
use crate::files::{self, Kind, Src};
use crate::text;
use crate::trust::pin_blocklist_roots;

/// A register named to stop following.
struct Named {
    /// Its root's key id (what the state keys it by).
    authority: KeyId,
    /// Its name, when a certificate or the list held says it.
    name: Option<String>,
}

/// What was dropped for one register.
struct Unfollowed {
    named: Named,
    /// Its mark, when the state still held it after loading.
    mark: Option<RollbackMark>,
}

/// The registers named with --authority-cert and --key, each once. A root
/// certificate given is also pinned in `trust`, so its list is read and
/// its mark reported before both are dropped.
fn named_registers(
    args: &BlocklistUnfollowArgs,
    trust: &mut TrustStore,
) -> Result<Vec<Named>, CliError> {
    let mut named: Vec<Named> = Vec::new();
    for path in &args.authority_cert {
        let certificate = files::certificate(Src::new(path, "--authority-cert"))?;
        let authority = certificate.authority().filter(|a| {
            matches!(
                a.role,
                AuthorityRole::BlocklistRoot | AuthorityRole::BlocklistAuthority
            )
        });
        let Some(authority) = authority else {
            return Err(CliError::core(Error::RoleNotPermitted {
                needed: "a blocklist root or publisher",
                found: certificate.role_name(),
            })
            .file(path)
            .flag("--authority-cert")
            .exit(exit::USAGE)
            .hint(
                "give the register's root certificate (`root new --role blocklist`) or one of \
                 its publishers' certificates",
            ));
        };
        // A root is its own issuer; a publisher's issuer is its register's root.
        let root = certificate.issuer();
        let name = (authority.role == AuthorityRole::BlocklistRoot).then(|| authority.name.clone());
        if authority.role == AuthorityRole::BlocklistRoot && trust.blocklist_root(&root).is_none() {
            trust.add_blocklist_root(certificate).map_err(|error| {
                CliError::core(error)
                    .file(path)
                    .flag("--authority-cert")
                    .exit(exit::USAGE)
            })?;
        }
        named.push(Named {
            authority: root,
            name,
        });
    }
    named.extend(args.key.iter().map(|key| Named {
        authority: *key,
        name: None,
    }));
    named.sort_by_key(|register| register.authority);
    named.dedup_by_key(|register| register.authority);
    Ok(named)
}

/// The refusal of a register the state does not follow: nothing written.
fn not_followed(missing: &[&Named], src: Src<'_>) -> CliError {
    let names: Vec<String> = missing.iter().map(|register| describe(register)).collect();
    CliError::tool(
        ToolCode::NotFollowed,
        format!(
            "this state does not follow {}: nothing to unfollow, nothing was written",
            names.join(", ")
        ),
    )
    .file(src.path)
    .flag(src.flag)
    .hint(
        "`partcert blocklist apply --state FILE --blocklist-trust ROOT.cert --json` lists the \
         registers a state follows, each by its `authority`",
    )
}

/// `register "Operator" (root key 3fa0...)`.
fn describe(register: &Named) -> String {
    match &register.name {
        Some(name) => format!(
            "register \"{name}\" (root key {})",
            register.authority.to_hex()
        ),
        None => format!("register {}", register.authority.to_hex()),
    }
}

/// What unfollowing left: each register dropped, each still followed (in
/// `--json`'s shape), and the state or marks to write back.
struct Outcome {
    unfollowed: Vec<Unfollowed>,
    following: Vec<Value>,
    kept: Kept,
}

/// What is written back: a device's state, or marks alone.
enum Kept {
    State(Blocklist),
    Marks(Vec<u8>),
}

/// `partcert blocklist unfollow`
pub fn unfollow(
    args: BlocklistUnfollowArgs,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    ctx.refuse_unused("blocklist unfollow", false, args.out.is_some())?;
    let (path, flag, kind) = match (&args.state, &args.rollback_state) {
        (Some(path), _) => (path, "--state", Kind::BlocklistState),
        (None, Some(path)) => (path, "--rollback-state", Kind::RollbackState),
        (None, None) => {
            return Err(CliError::usage("give --state or --rollback-state").flag("--state"));
        }
    };
    if let Some(target) = &args.out {
        ctx.check_out("--out", target)?;
        files::check_can_write(target, kind, ctx.force, "--out")?;
    }
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    let named = named_registers(&args, &mut trust)?;
    let src = Src::new(path, flag);
    let outcome = if args.state.is_some() {
        unfollow_in_state(src, &trust, named)?
    } else {
        unfollow_in_marks(src, named)?
    };
    // Written only once every register named was found: all or nothing.
    let target = args.out.as_ref().unwrap_or(path);
    match &outcome.kept {
        Kept::State(blocklist) => files::save_blocklist(target, blocklist)?,
        Kept::Marks(bytes) => files::update_state(target, bytes)?,
    }

    let mut report = Report::new("blocklist unfollow");
    report.wrote(target, kind);
    let gone = outcome
        .unfollowed
        .iter()
        .map(|register| unfollowed_line(&mut report, register, kind))
        .collect();
    for register in &outcome.following {
        following_line(&mut report, register);
    }
    report.line(format!("saved to {}", target.display()));
    report.set("unfollowed", Value::Array(gone));
    report.set("following", Value::Array(outcome.following));
    report.finish(ctx, out)
}

/// How a state that does not exist is refused.
const NOTHING_TO_UNFOLLOW: &str =
    "a state that does not exist follows nothing: there is nothing to unfollow";

/// Unfollows the registers named in a saved state. A register the state
/// follows whose root was not given would be dropped on the way: only the
/// ones named may go.
fn unfollow_in_state(
    src: Src<'_>,
    trust: &TrustStore,
    named: Vec<Named>,
) -> Result<Outcome, CliError> {
    let LoadedState {
        mut blocklist,
        dropped,
    } = files::blocklist_state(src, trust, NOTHING_TO_UNFOLLOW)?;
    let unnamed: Vec<String> = dropped
        .iter()
        .filter(|key| !named.iter().any(|n| n.authority == **key))
        .map(KeyId::to_hex)
        .collect();
    if !unnamed.is_empty() {
        return Err(CliError::usage(format!(
            "this state also follows register(s) {} whose root is not given with \
             --blocklist-trust: unfollowing would drop them too; nothing was written",
            unnamed.join(", ")
        ))
        .file(src.path)
        .flag("--blocklist-trust")
        .hint(
            "give the root of every register the state keeps following with \
             --blocklist-trust, or name each one to drop with --authority-cert or --key",
        ));
    }
    let missing: Vec<&Named> = named
        .iter()
        .filter(|n| !dropped.contains(&n.authority) && !follows(&blocklist, &n.authority))
        .collect();
    if !missing.is_empty() {
        return Err(not_followed(&missing, src));
    }
    let mut unfollowed = Vec::with_capacity(named.len());
    for mut register in named {
        if let Some(list) = blocklist.list(&register.authority) {
            register.name = Some(list.authority_name.clone());
        }
        let mark = blocklist.unfollow(&register.authority);
        unfollowed.push(Unfollowed {
            named: register,
            mark,
        });
    }
    let following = blocklist
        .rollback_state()
        .marks()
        .map(|mark| {
            let name = blocklist.list(&mark.authority);
            mark_json(mark, name.map(|list| list.authority_name.clone()))
        })
        .collect();
    Ok(Outcome {
        unfollowed,
        following,
        kept: Kept::State(blocklist),
    })
}

/// Unfollows the registers named in anti-rollback marks.
fn unfollow_in_marks(src: Src<'_>, named: Vec<Named>) -> Result<Outcome, CliError> {
    let mut marks = files::rollback_state(src, NOTHING_TO_UNFOLLOW)?;
    let missing: Vec<&Named> = named
        .iter()
        .filter(|n| !marks.marks().any(|mark| mark.authority == n.authority))
        .collect();
    if !missing.is_empty() {
        return Err(not_followed(&missing, src));
    }
    let unfollowed = named
        .into_iter()
        .map(|register| Unfollowed {
            mark: marks.unfollow(&register.authority),
            named: register,
        })
        .collect();
    let following = marks.marks().map(|mark| mark_json(mark, None)).collect();
    Ok(Outcome {
        unfollowed,
        following,
        kept: Kept::Marks(marks.encode()),
    })
}

/// Says what was dropped for one register; returns it in `--json`'s shape.
fn unfollowed_line(report: &mut Report, register: &Unfollowed, kind: Kind) -> Value {
    let what = match &register.mark {
        Some(mark) if kind == Kind::BlocklistState => format!(
            "its list {} and anti-rollback mark dropped",
            text::version(mark.version())
        ),
        Some(mark) => format!(
            "its anti-rollback mark (list {}) dropped",
            text::version(mark.version())
        ),
        None => "its list and mark dropped (its root was not given)".to_owned(),
    };
    report.line(format!(
        "no longer following {}: {what}",
        describe(&register.named)
    ));
    json!({
        "authority": register.named.authority.to_hex(),
        "authority_name": register.named.name,
        "epoch": register.mark.map(|mark| mark.epoch),
        "sequence": register.mark.map(|mark| mark.sequence),
    })
}

/// Says which register is still followed, at which list.
fn following_line(report: &mut Report, register: &Value) {
    let name = register["authority_name"]
        .as_str()
        .map_or_else(String::new, |name| format!("\"{name}\" "));
    report.line(format!(
        "still following {name}(root key {}) at list {}",
        register["authority"].as_str().unwrap_or_default(),
        text::version(ListVersion::new(
            register["epoch"].as_u64().unwrap_or_default(),
            register["sequence"].as_u64().unwrap_or_default()
        ))
    ));
}

/// Whether the state follows `authority`: a mark, or a list held.
fn follows(blocklist: &Blocklist, authority: &KeyId) -> bool {
    blocklist.list(authority).is_some()
        || blocklist
            .rollback_state()
            .marks()
            .any(|mark| mark.authority == *authority)
}

/// A register still followed, in `--json`.
fn mark_json(mark: &RollbackMark, name: Option<String>) -> Value {
    json!({
        "authority": mark.authority.to_hex(),
        "authority_name": name,
        "epoch": mark.epoch,
        "sequence": mark.sequence,
    })
}
