//! `partcert blocklist unfollow`: a device stops following a register (a
//! rogue operator unpinned, a root re-pinned under a new key), keeping
//! every other register's list and anti-rollback mark.

use std::io::Write;
use std::path::Path;

use partcert::{
    AuthorityRole, Blocklist, Error, KeyId, ListVersion, LoadedState, RollbackMark, TrustStore,
};
use serde_json::{Value, json};

use crate::args::BlocklistUnfollowArgs;
use crate::ctx::{Ctx, Report};
use crate::error::{CliError, ToolCode, exit};
use crate::files::{self, Kind, Src};
use crate::lists::pin_blocklist_roots;
use crate::text;

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
fn not_followed(missing: &[&Named], path: &Path, flag: &str) -> CliError {
    let names: Vec<String> = missing.iter().map(|register| describe(register)).collect();
    CliError::tool(
        ToolCode::NotFollowed,
        format!(
            "this state does not follow {}: nothing to unfollow, nothing was written",
            names.join(", ")
        ),
    )
    .file(path)
    .flag(flag.to_owned())
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
    let how_to_start = "a state that does not exist follows nothing: there is nothing to unfollow";
    let src = Src::new(path, flag);

    let (unfollowed, following, bytes) = if args.state.is_some() {
        let LoadedState {
            mut blocklist,
            dropped,
        } = files::blocklist_state(src, &trust, how_to_start)?;
        // A register the state follows whose root was not given would be
        // dropped on the way: only the ones named may go.
        let unnamed: Vec<&KeyId> = dropped
            .iter()
            .filter(|key| !named.iter().any(|n| n.authority == **key))
            .collect();
        if !unnamed.is_empty() {
            let keys: Vec<String> = unnamed.iter().map(|key| key.to_hex()).collect();
            return Err(CliError::usage(format!(
                "this state also follows register(s) {} whose root is not given with \
                 --blocklist-trust: unfollowing would drop them too; nothing was written",
                keys.join(", ")
            ))
            .file(path)
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
            return Err(not_followed(&missing, path, flag));
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
        let following: Vec<Value> = blocklist
            .rollback_state()
            .marks()
            .map(|mark| {
                let name = blocklist
                    .list(&mark.authority)
                    .map(|list| list.authority_name.clone());
                mark_json(mark, name)
            })
            .collect();
        (unfollowed, following, blocklist.encode_state())
    } else {
        let mut marks = files::rollback_state(src, how_to_start)?;
        let missing: Vec<&Named> = named
            .iter()
            .filter(|n| !marks.marks().any(|mark| mark.authority == n.authority))
            .collect();
        if !missing.is_empty() {
            return Err(not_followed(&missing, path, flag));
        }
        let unfollowed: Vec<Unfollowed> = named
            .into_iter()
            .map(|register| {
                let mark = marks.unfollow(&register.authority);
                Unfollowed {
                    named: register,
                    mark,
                }
            })
            .collect();
        let following = marks.marks().map(|mark| mark_json(mark, None)).collect();
        (unfollowed, following, marks.encode())
    };

    // Written only once every register named was found: all or nothing.
    let target = args.out.as_ref().unwrap_or(path);
    files::update_state(target, &bytes)?;

    let mut report = Report::new("blocklist unfollow");
    report.wrote(target, kind);
    let mut gone = Vec::with_capacity(unfollowed.len());
    for register in &unfollowed {
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
        gone.push(json!({
            "authority": register.named.authority.to_hex(),
            "authority_name": register.named.name,
            "epoch": register.mark.map(|mark| mark.epoch),
            "sequence": register.mark.map(|mark| mark.sequence),
        }));
    }
    for register in &following {
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
    report.line(format!("saved to {}", target.display()));
    report.set("unfollowed", Value::Array(gone));
    report.set("following", Value::Array(following));
    report.finish(ctx, out)
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
