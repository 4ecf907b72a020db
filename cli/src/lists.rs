//! Blocklist commands: publish a snapshot, publish a delta, apply them.

use std::io::Write;
use std::path::{Path, PathBuf};

use partcert::{
    BlockKey, Blocklist, BlocklistEntry, Error, ListVersion, ListingStatus, ObjectType, TrustStore,
};
use serde_json::{Value, json};

use crate::args::{BlocklistApplyArgs, BlocklistDeltaArgs, BlocklistNewArgs};
use crate::error::{CliError, exit};
use crate::files::{self, Access};
use crate::issue::{load_authority, refused};
use crate::text;

const DAY: u64 = 86_400;

/// `partcert blocklist new`
pub fn new(args: BlocklistNewArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let publisher = load_authority(&args.signer.authority, &args.signer.authority_cert)?;
    let now = files::now(args.time.at);
    let base = match &args.base {
        Some(path) => Some((path, files::snapshot(path)?)),
        None => None,
    };

    let mut delisted: Vec<BlockKey> = args
        .delist_imei
        .iter()
        .map(|imei| BlockKey::Imei(*imei))
        .collect();
    for path in &args.delist_pairing {
        let record = files::pairing(path)?;
        // The same keys a report of this handset lists, whatever the reason.
        let keys = BlocklistEntry::for_reported_handset(
            &record,
            args.reason.into(),
            now,
            ListingStatus::Final,
        );
        delisted.extend(keys.into_iter().map(|entry| entry.key));
    }
    delisted.sort_unstable();
    delisted.dedup();

    let status = if args.suspended {
        ListingStatus::Suspended
    } else {
        ListingStatus::Final
    };
    let reason = args.reason.into();
    let mut listed = Vec::new();
    listed.extend(
        args.imei
            .iter()
            .map(|imei| BlocklistEntry::handset(*imei, reason, now, status)),
    );
    for path in &args.from_pairing {
        let record = files::pairing(path)?;
        listed.extend(BlocklistEntry::for_reported_handset(
            &record, reason, now, status,
        ));
    }
    let added = listed.len();

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
    let snapshot = publisher
        .publish_next_snapshot(
            base.as_ref().map(|(_, snapshot)| snapshot),
            version,
            now,
            expires_at,
            &delisted,
            listed,
        )
        .map_err(|error| match (&error, &base) {
            // A delegated publisher outside the epoch it is certified for.
            (Error::EpochNotPermitted { .. }, _) => CliError::flag(epoch_flag.clone())(error),
            (Error::SequenceLeap { offered, .. }, _) if *offered == args.sequence => {
                CliError::flag(format!("--sequence {}", args.sequence))(error)
            }
            (Error::SequenceLeap { .. }, _) => CliError::flag(epoch_flag.clone())(error),
            (Error::Rollback { .. } | Error::WrongAuthority, Some((path, _))) => {
                CliError::about(path)(error)
            }
            // The signer: not a publisher, or not valid at the issue time.
            (
                Error::RoleNotPermitted { .. } | Error::Expired { .. } | Error::NotYetValid { .. },
                _,
            ) => CliError::about(&args.signer.authority_cert)(error),
            _ => refused(error),
        })?;
    let (carried, removed) = match &base {
        Some((_, base)) => (
            base.entries().len(),
            delisted
                .iter()
                .filter(|key| base.find(key).is_some())
                .count(),
        ),
        None => (0, 0),
    };
    files::write_atomic(&args.out, snapshot.as_bytes(), Access::Public)?;
    writeln!(
        out,
        "wrote {}: blocklist snapshot {} with {} entries ({carried} carried over, {removed} delisted, {added} listed as {})",
        args.out.display(),
        text::version(version),
        snapshot.entries().len(),
        reason.name()
    )?;
    writeln!(
        out,
        "  issued {}, stale after {}",
        text::utc(now),
        text::utc(expires_at)
    )?;
    writeln!(out, "  state digest {}", snapshot.state_digest().to_hex())?;
    Ok(exit::OK)
}

/// `partcert blocklist delta`
pub fn delta(args: BlocklistDeltaArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let publisher = load_authority(&args.signer.authority, &args.signer.authority_cert)?;
    let from = files::snapshot(&args.from)?;
    let to = files::snapshot(&args.to)?;
    let delta = publisher
        .publish_delta(&from, &to)
        .map_err(|error| match &error {
            // Two registers' lists: the later one is not this register's.
            Error::WrongAuthority if from.authority() != to.authority() => {
                CliError::about(&args.to)(error)
            }
            // The signer: another register's, not a publisher, outside its
            // epoch, or not valid when the list was issued.
            Error::WrongAuthority
            | Error::RoleNotPermitted { .. }
            | Error::EpochNotPermitted { .. }
            | Error::Expired { .. }
            | Error::NotYetValid { .. } => CliError::about(&args.signer.authority_cert)(error),
            // Not later than --from, or in another epoch.
            _ => CliError::about(&args.to)(error),
        })?;
    files::write_atomic(&args.out, delta.as_bytes(), Access::Public)?;
    writeln!(
        out,
        "wrote {}: blocklist delta {} -> {}, {} listed or changed, {} delisted ({} bytes; the full snapshot is {})",
        args.out.display(),
        text::version(delta.from_version()),
        text::version(delta.to_version()),
        delta.upserts().len(),
        delta.removals().len(),
        delta.as_bytes().len(),
        to.as_bytes().len()
    )?;
    Ok(exit::OK)
}

/// Pins blocklist roots.
pub fn pin_blocklist_roots(trust: &mut TrustStore, paths: &[PathBuf]) -> Result<(), CliError> {
    for path in paths {
        trust
            .add_blocklist_root(files::certificate(path)?)
            .map_err(CliError::about(path))?;
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

/// Applies a snapshot or delta file to `blocklist`.
pub fn apply_file(
    blocklist: &mut Blocklist,
    trust: &TrustStore,
    path: &Path,
    now: u64,
) -> Result<Applied, CliError> {
    let bytes = files::read_bytes(path)?;
    let object = ObjectType::of(&bytes).map_err(CliError::about(path))?;
    let version = match object {
        ObjectType::BlocklistDelta => {
            let delta = partcert::BlocklistDelta::decode(&bytes).map_err(CliError::about(path))?;
            blocklist.apply_delta(trust, &delta, now)
        }
        _ => {
            // Anything else must be a snapshot; the decoder names what it is.
            let snapshot =
                partcert::BlocklistSnapshot::decode(&bytes).map_err(CliError::about(path))?;
            blocklist.apply_snapshot(trust, &snapshot, now)
        }
    }
    .map_err(CliError::about(path))?;
    Ok(Applied {
        path: path.to_owned(),
        object,
        version,
    })
}

/// Applies revocation lists signed by pinned roots.
pub fn apply_revocations(trust: &mut TrustStore, paths: &[PathBuf]) -> Result<(), CliError> {
    for path in paths {
        trust
            .apply_revocation_list(&files::revocation_list(path)?)
            .map_err(CliError::about(path))?;
    }
    Ok(())
}

/// `partcert blocklist apply`
///
/// Staleness is judged as a verifier judges it: each list against its own
/// register's clock (`Blocklist::clock_for`: the caller's time, raised to
/// that register's newest accepted list). The report's top-level
/// `checked_at` is the caller's time; each list carries its register's.
pub fn apply(args: BlocklistApplyArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let now = files::now(args.at);
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
    apply_revocations(&mut trust, &args.revocations)?;
    let mut blocklist = match (&args.state, &args.rollback_state) {
        (Some(path), _) if path.exists() => files::blocklist_state(path, &trust)?,
        (_, Some(path)) => Blocklist::with_rollback_state(files::rollback_state(path)?),
        _ => Blocklist::new(),
    };
    let mut applied = Vec::with_capacity(args.lists.len());
    for path in &args.lists {
        applied.push(apply_file(&mut blocklist, &trust, path, now)?);
    }
    // Only once every list applied: the state on disk never goes half way.
    if let Some(path) = &args.rollback_state {
        files::write_atomic(path, &blocklist.rollback_state().encode(), Access::Public)?;
    }
    let state_out = args.out.as_ref().or(args.state.as_ref());
    if let Some(path) = state_out {
        files::write_atomic(path, &blocklist.encode_state(), Access::Public)?;
    }

    // Every register followed, with its standing at its own clock.
    let checked = blocklist.lists_checked(&trust, now);
    let stale = checked.iter().any(|list| list.stale);
    let code = if stale { exit::STALE } else { exit::OK };
    if args.json {
        let applied: Vec<_> = applied
            .iter()
            .map(|a| {
                json!({
                    "file": a.path.display().to_string(),
                    "type": a.object.name(),
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
                    "entries": held.map(|held| held.entries().len()),
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
            "applied": applied,
            "lists": lists,
            "rollback_state": args.rollback_state.as_ref().map(|p| p.display().to_string()),
            "state": state_out.map(|p| p.display().to_string()),
            "checked_at": now,
        });
        writeln!(out, "{value}")?;
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
                "held: {}; {} entries, digest {}",
                text::list_checked(list),
                held.entries().len(),
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
