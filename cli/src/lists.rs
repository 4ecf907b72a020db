//! Blocklist commands: publish a snapshot, publish a delta, apply them.

use std::io::Write;
use std::path::{Path, PathBuf};

use partcert::{
    BlockKey, Blocklist, BlocklistEntry, KeyId, ListingStatus, ObjectType, TrustStore, Verifier,
    peek_type,
};
use serde_json::json;

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

    let expires_at = now.saturating_add(args.expires_days.saturating_mul(DAY));
    let snapshot = publisher
        .publish_next_snapshot(
            base.as_ref().map(|(_, snapshot)| snapshot),
            args.sequence,
            now,
            expires_at,
            &delisted,
            listed,
        )
        .map_err(|error| match &base {
            Some((path, _)) => CliError::about(path)(error),
            None => refused(error),
        })?;
    let (carried, removed) = match &base {
        Some((_, base)) => (
            base.body().entries.len(),
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
        "wrote {}: blocklist snapshot #{} with {} entries ({carried} carried over, {removed} delisted, {added} listed as {})",
        args.out.display(),
        args.sequence,
        snapshot.body().entries.len(),
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
    let delta = publisher.publish_delta(&from, &to).map_err(refused)?;
    files::write_atomic(&args.out, delta.as_bytes(), Access::Public)?;
    let body = delta.body();
    writeln!(
        out,
        "wrote {}: blocklist delta #{} -> #{}, {} listed or changed, {} delisted ({} bytes; the full snapshot is {})",
        args.out.display(),
        body.from_sequence,
        body.to_sequence,
        body.upserts.len(),
        body.removals.len(),
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
    /// The sequence held afterwards.
    pub sequence: u64,
}

/// Applies a snapshot or delta file to `blocklist`.
pub fn apply_file(
    blocklist: &mut Blocklist,
    trust: &TrustStore,
    path: &Path,
    now: u64,
) -> Result<Applied, CliError> {
    let bytes = files::read_bytes(path)?;
    let object = peek_type(&bytes).map_err(CliError::about(path))?;
    let sequence = match object {
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
        sequence,
    })
}

/// `partcert blocklist apply`
pub fn apply(args: BlocklistApplyArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let now = files::now(args.at);
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
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

    // Staleness as the verifier would judge it (its clock floor included).
    let checked_at = Verifier::new(&trust)
        .with_blocklist(&blocklist)
        .effective_now(now);
    let checked = blocklist.lists_checked(&trust, checked_at);
    let is_stale = |authority: &KeyId| {
        checked
            .iter()
            .any(|list| list.authority == *authority && list.stale)
    };
    let stale = checked.iter().any(|list| list.stale);
    let code = if stale { exit::STALE } else { exit::OK };
    if args.json {
        let applied: Vec<_> = applied
            .iter()
            .map(|a| {
                json!({
                    "file": a.path.display().to_string(),
                    "type": a.object.name(),
                    "sequence": a.sequence,
                })
            })
            .collect();
        let lists: Vec<_> = blocklist
            .lists()
            .map(|list| {
                json!({
                    "authority": list.authority.to_hex(),
                    "authority_name": list.authority_name,
                    "sequence": list.sequence,
                    "entries": list.entries().len(),
                    "digest": list.digest.to_hex(),
                    "issued_at": list.issued_at,
                    "expires_at": list.expires_at,
                    "stale": is_stale(&list.authority),
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
            "checked_at": checked_at,
        });
        writeln!(out, "{value}")?;
        return Ok(code);
    }
    for a in &applied {
        writeln!(
            out,
            "{}: {} accepted, now at sequence {}",
            a.path.display(),
            a.object.name(),
            a.sequence
        )?;
    }
    for list in blocklist.lists() {
        writeln!(
            out,
            "held: \"{}\" #{}: {} entries, digest {}, {} {}",
            list.authority_name,
            list.sequence,
            list.entries().len(),
            list.digest,
            if is_stale(&list.authority) {
                "EXPIRED at"
            } else {
                "valid until"
            },
            text::utc(list.expires_at)
        )?;
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
