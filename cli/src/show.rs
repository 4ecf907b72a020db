//! `partcert show`: any partcert file, readable.

use std::io::Write;
use std::path::{Path, PathBuf};

use partcert::blocklist::{
    BlocklistDelta, BlocklistEntry, BlocklistSnapshot, CompactHit, CompactKey, CompactList,
    CompactSnapshot, ListVersion, ListingStatus, Reason, RollbackState,
};
use partcert::certificate::{AuthorityRole, Subject};
use partcert::challenge::ChallengeResponse;
use partcert::ids::{Fingerprint, KeyId, PublicKey, StateDigest};
use partcert::revocation::RevocationList;
use partcert::{
    Blocklist, Certificate, Imei, Object, ObjectType, PairingRecord, SecretKey, TrustStore,
};
use serde_json::{Value, json};

use crate::args::ShowArgs;
use crate::ctx::{Ctx, json_safe, print_json, versioned};
use crate::error::{CliError, exit};
use crate::files::{self, Kind, Src, object_tag};
use crate::progress;
use crate::text;
use crate::trust::pin_blocklist_roots;

/// `partcert show`: detects what the file is by its content, never its name.
pub fn show(args: ShowArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    ctx.refuse_unused("show", false, false)?;
    let path = &args.file;
    let bytes = files::read_bytes(path)?;
    let kind = files::detect(&bytes);
    let src = Src::new(path, "FILE");
    if !args.blocklist_trust.is_empty() && kind != Kind::BlocklistState {
        return Err(CliError::usage(
            "--blocklist-trust is only for a saved blocklist state (`blocklist apply --state`)",
        )
        .flag("--blocklist-trust")
        .hint("drop --blocklist-trust"));
    }
    let (human, value) = match kind {
        Kind::SecretKey => show_secret_key(files::secret_key(src)?),
        Kind::PublicKey => show_public_key(&files::public_key(src)?),
        Kind::Challenge => {
            let nonce = files::hex(files::challenge(src)?.nonce());
            (
                format!("challenge {nonce}"),
                json!({"type": "challenge", "nonce": nonce}),
            )
        }
        Kind::UnlabelledHex => (
            "a line of unlabelled hex, as older partcert versions wrote public keys and \
             challenges: it could also be a secret seed, so it is not shown. Add its first line \
             (`partcert public key v1` or `partcert challenge v1`) to use it"
                .to_owned(),
            json!({"type": "unlabelled-hex"}),
        ),
        Kind::BlocklistState => show_saved_state(path, &bytes, &args.blocklist_trust)?,
        Kind::RollbackState => {
            show_rollback(&RollbackState::decode(&bytes).map_err(CliError::about(path))?)
        }
        Kind::Object(ObjectType::BlocklistSnapshot) => {
            let snapshot = decode_list(bytes, path, 41, "decoding", BlocklistSnapshot::decode)?;
            return stream(sorted_list(&snapshot), path, ctx, out);
        }
        Kind::Object(ObjectType::CompactSnapshot) => {
            let snapshot = decode_list(bytes, path, 9, "checking", CompactSnapshot::decode)?;
            return stream(compact_list(&snapshot), path, ctx, out);
        }
        Kind::Object(_) | Kind::Unknown => {
            show_object(&Object::decode(&bytes).map_err(CliError::about(path))?)
        }
    };
    if ctx.json {
        print_json(out, answered(value))?;
    } else {
        writeln!(out, "{}: {human}", path.display())?;
    }
    Ok(exit::OK)
}

/// `show`'s object with `ok` and `exit_code`, as every command's has.
fn answered(mut value: Value) -> Value {
    value["ok"] = json!(true);
    value["exit_code"] = json!(exit::OK);
    value
}

/// Decodes a list (a spinner for a big one; its bytes dropped once
/// decoded). About `bytes / per_entry` entries.
fn decode_list<T>(
    bytes: Vec<u8>,
    path: &Path,
    per_entry: usize,
    verb: &str,
    decode: impl FnOnce(&[u8]) -> Result<T, partcert::Error>,
) -> Result<T, CliError> {
    let spinner = progress::spinner_for(
        bytes.len() / per_entry,
        &format!("{verb} {}", path.display()),
    );
    let list = decode(&bytes);
    spinner.finish_and_clear();
    drop(bytes);
    list.map_err(CliError::about(path))
}

/// What every full list says of itself, sorted or compact.
struct Head<'a> {
    object: ObjectType,
    authority: KeyId,
    version: ListVersion,
    issued_at: u64,
    expires_at: u64,
    signer: &'a Certificate,
    fingerprint: Fingerprint,
    state_digest: StateDigest,
}

/// The head of a full list: sorted and compact snapshots say the same of
/// themselves, with the same names.
macro_rules! head_of {
    ($object:expr, $list:expr) => {
        Head {
            object: $object,
            authority: $list.authority(),
            version: $list.version(),
            issued_at: $list.issued_at(),
            expires_at: $list.expires_at(),
            signer: $list.signer_certificate(),
            fingerprint: $list.fingerprint(),
            state_digest: $list.state_digest(),
        }
    };
}

/// A list to print entry by entry: its head, its own fields and lines,
/// and its entries, each as JSON and as a line.
struct Streamed<'a, I> {
    head: Head<'a>,
    count: u64,
    fields: Value,
    lines: Vec<String>,
    entries: I,
}

/// A sorted snapshot to stream.
fn sorted_list(
    snapshot: &BlocklistSnapshot,
) -> Streamed<'_, impl Iterator<Item = (Value, String)> + '_> {
    Streamed {
        head: head_of!(ObjectType::BlocklistSnapshot, snapshot),
        count: snapshot.entries().len() as u64,
        fields: json!({}),
        lines: Vec::new(),
        entries: snapshot
            .entries()
            .iter()
            .map(|entry| (to_value(entry), entry_line(entry))),
    }
}

/// The stated bound on a false part match in a compact list, as log2 of
/// the probability per lookup (the core's constant).
const FALSE_POSITIVE_LOG2: i64 = -(CompactList::FALSE_POSITIVE_BITS as i64);

/// A compact snapshot to stream, straight from the list's bytes (parts
/// by fingerprint): its counts, fingerprint width, bound and sizes first.
fn compact_list(
    snapshot: &CompactSnapshot,
) -> Streamed<'_, impl Iterator<Item = (Value, String)> + '_> {
    let list = snapshot.list();
    let count = list.len();
    let sizes = list.sizes();
    // A part not listed matches one of `parts` fingerprints of `width`
    // bits with probability parts / 2^width.
    let per_lookup = list.part_count() as f64 / 2f64.powi(list.fingerprint_width() as i32);
    let bits_per_entry = (count > 0).then(|| sizes.total_bytes as f64 * 8.0 / count as f64);
    let fields = json!({
        "imei_count": list.imei_count(),
        "part_count": list.part_count(),
        "fingerprint_width": list.fingerprint_width(),
        "false_positive_bound_log2": FALSE_POSITIVE_LOG2,
        "false_positive_per_lookup": per_lookup,
        "sizes": {
            "imei_key_bits": sizes.imei_key_bits,
            "part_key_bits": sizes.part_key_bits,
            "handset_table_bits": sizes.handset_table_bits,
            "metadata_bits": sizes.metadata_bits,
            "header_bits": sizes.header_bits,
            "total_bytes": sizes.total_bytes,
            "bits_per_entry": bits_per_entry,
        },
    });
    let lines = vec![
        format!(
            "  {} IMEIs (exact), {} parts as {}-bit fingerprints",
            list.imei_count(),
            list.part_count(),
            list.fingerprint_width()
        ),
        format!(
            "  a part not listed matches a fingerprint with probability at most \
             2^{FALSE_POSITIVE_LOG2} per lookup (here {per_lookup:.3e})"
        ),
        format!(
            "  {} bytes, {} bits an entry: IMEI keys {} bits, part keys {} bits, \
             handset table {} bits, metadata {} bits, header {} bits",
            sizes.total_bytes,
            text::bits_per_entry(sizes.total_bytes, count),
            sizes.imei_key_bits,
            sizes.part_key_bits,
            sizes.handset_table_bits,
            sizes.metadata_bits,
            sizes.header_bits
        ),
        "  listing times are kept to the day".to_owned(),
    ];
    Streamed {
        head: head_of!(ObjectType::CompactSnapshot, snapshot),
        count,
        fields,
        lines,
        entries: list
            .iter()
            .map(|hit| (compact_hit_json(&hit), compact_hit_line(&hit))),
    }
}

/// A list, written entry by entry: a million-entry list never becomes one
/// string or one JSON tree in memory.
fn stream(
    list: Streamed<'_, impl Iterator<Item = (Value, String)>>,
    path: &Path,
    ctx: Ctx,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let bar = progress::writing_entries(list.count);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    if ctx.json {
        let mut head = json_safe(versioned(answered(head_json(&list)))).to_string();
        // The object without its closing brace, then the entries, streamed.
        head.pop();
        write!(out, "{head},\"entries\":[")?;
        for (index, (value, _)) in list.entries.enumerate() {
            if index > 0 {
                out.write_all(b",")?;
            }
            write!(out, "{}", json_safe(value))?;
            bar.inc(1);
        }
        writeln!(out, "]}}")?;
    } else {
        for line in head_lines(&list, path) {
            writeln!(out, "{line}")?;
        }
        for (_, line) in list.entries {
            writeln!(out, "{line}")?;
            bar.inc(1);
        }
        writeln!(out, "  {UNCHECKED}")?;
    }
    out.flush()?;
    bar.finish_and_clear();
    Ok(exit::OK)
}

/// A streamed list's `--json` object, but for its entries.
fn head_json<I>(list: &Streamed<'_, I>) -> Value {
    let head = &list.head;
    let mut value = json!({
        "type": object_tag(head.object),
        "fingerprint": head.fingerprint.to_hex(),
        "state_digest": head.state_digest.to_hex(),
        "authority": head.authority.to_hex(),
        "epoch": head.version.epoch,
        "sequence": head.version.sequence,
        "issued_at": head.issued_at,
        "expires_at": head.expires_at,
        "signer_certificate": certificate_json(head.signer),
        "entry_count": list.count,
    });
    if let (Value::Object(value), Value::Object(fields)) = (&mut value, &list.fields) {
        value.extend(fields.clone());
    }
    value
}

/// A streamed list's human lines, but for its entries.
fn head_lines<I>(list: &Streamed<'_, I>, path: &Path) -> Vec<String> {
    let head = &list.head;
    let mut lines = vec![
        format!(
            "{}: {} {} with {} entries",
            path.display(),
            head.object.name(),
            text::version(head.version),
            list.count
        ),
        format!("  authority (root key id) {}", head.authority.to_hex()),
        format!(
            "  epoch {}, sequence {}",
            head.version.epoch, head.version.sequence
        ),
        format!("  signed by {}", text::certificate(head.signer)),
        format!(
            "  issued {}, stale after {}",
            text::utc(head.issued_at),
            text::utc(head.expires_at)
        ),
    ];
    lines.extend(list.lines.iter().cloned());
    lines.push(format!("  state digest {}", head.state_digest.to_hex()));
    lines
}

fn compact_hit_json(hit: &CompactHit) -> Value {
    let key = match hit.key {
        CompactKey::Imei(imei) => json!({"imei": imei.to_string()}),
        CompactKey::Part(fingerprint) => json!({"part_fingerprint": fingerprint.to_string()}),
    };
    json!({
        "key": key,
        "reason": to_value(&hit.reason),
        "status": hit.status.name(),
        "listed_at": hit.listed_at,
        "handset": hit.handset.map(|imei| imei.to_string()),
    })
}

fn compact_hit_line(hit: &CompactHit) -> String {
    let key = match hit.key {
        CompactKey::Imei(imei) => format!("handset IMEI {imei}"),
        CompactKey::Part(fingerprint) => format!("part fingerprint {fingerprint}"),
    };
    let listed = text::day(hit.listed_at);
    listing_line(&key, hit.handset, hit.reason, hit.status, &listed)
}

fn entry_line(entry: &BlocklistEntry) -> String {
    let key = text::block_key(&entry.key);
    let listed = text::utc(entry.listed_at);
    listing_line(&key, entry.handset, entry.reason, entry.status, &listed)
}

/// One entry of a list: `    KEY (paired to IMEI): stolen, final, listed WHEN`.
fn listing_line(
    key: &str,
    handset: Option<Imei>,
    reason: Reason,
    status: ListingStatus,
    listed: &str,
) -> String {
    let handset = handset
        .map(|imei| format!(" (paired to {imei})"))
        .unwrap_or_default();
    format!(
        "    {key}{handset}: {}, {}, listed {listed}",
        reason.name(),
        status.name()
    )
}

const UNCHECKED: &str =
    "signature not checked here: use `partcert verify` or `partcert blocklist apply`";

type Shown = (String, Value);

/// An object shown: its head lines, one line an item it lists, then a
/// reminder that nothing was checked.
fn shown(mut lines: Vec<String>, items: impl Iterator<Item = String>, value: Value) -> Shown {
    lines.extend(items);
    lines.push(format!("  {UNCHECKED}"));
    (lines.join("\n"), value)
}

fn show_secret_key(key: SecretKey) -> Shown {
    let public = key.public_key();
    (
        format!(
            "secret key (not shown)\n  public key {}\n  key id     {}",
            public.to_hex(),
            public.key_id().to_hex()
        ),
        json!({"type": "secret-key", "public_key": public.to_hex(), "key_id": public.key_id().to_hex()}),
    )
}

fn show_public_key(public: &PublicKey) -> Shown {
    (
        format!(
            "public key {}\n  key id {}",
            public.to_hex(),
            public.key_id().to_hex()
        ),
        json!({"type": "public-key", "public_key": public.to_hex(), "key_id": public.key_id().to_hex()}),
    )
}

/// A saved blocklist state: every register it follows and, for those whose
/// root is given, the list it holds — version, dates, counts. Roots not
/// given are named by key id: the state is read, never trusted, here.
fn show_saved_state(path: &Path, bytes: &[u8], roots: &[PathBuf]) -> Result<Shown, CliError> {
    let mut trust = TrustStore::new();
    pin_blocklist_roots(&mut trust, roots)?;
    let loaded = if files::is_stdout(path) {
        Blocklist::load_state(bytes, &trust)
    } else {
        Blocklist::load(path, &trust)
    }
    .map_err(CliError::about(path))?;
    let blocklist = &loaded.blocklist;
    let mut lines = Vec::new();
    let mut registers = Vec::new();
    for list in blocklist.lists() {
        let (format, counts) = match list.compact() {
            Some(compact) => (
                "compact",
                json!({
                    "imei_count": compact.imei_count(),
                    "part_count": compact.part_count(),
                    "changes_since_snapshot": list.changes_since_snapshot(),
                }),
            ),
            None => ("sorted", json!({})),
        };
        let name = if list.authority_name.is_empty() {
            format!("register {}", list.authority)
        } else {
            format!("\"{}\" (register {})", list.authority_name, list.authority)
        };
        let changes = match list.compact() {
            Some(_) => format!(
                ", {} change(s) since its compact snapshot",
                list.changes_since_snapshot()
            ),
            None => String::new(),
        };
        lines.push(format!(
            "  {name}: {format} list {} with {} entries{changes}, issued {}, stale after {}, \
             signed by key {}",
            text::version(list.version),
            list.len(),
            text::utc(list.issued_at),
            text::utc(list.expires_at),
            list.signer
        ));
        let mut register = json!({
            "authority": list.authority.to_hex(),
            "authority_name": list.authority_name,
            "held": true,
            "format": format,
            "epoch": list.version.epoch,
            "sequence": list.version.sequence,
            "issued_at": list.issued_at,
            "expires_at": list.expires_at,
            "signer": list.signer.to_hex(),
            "state_digest": list.digest.to_hex(),
            "entry_count": list.len(),
        });
        if let (Value::Object(register), Value::Object(counts)) = (&mut register, counts) {
            register.extend(counts);
        }
        registers.push(register);
    }
    for mark in blocklist.rollback_state().marks() {
        if blocklist.list(&mark.authority).is_some() {
            continue;
        }
        lines.push(format!(
            "  register {}: followed, list {} accepted but not held (verdicts read stale: missing)",
            mark.authority,
            text::version(mark.version())
        ));
        registers.push(json!({
            "authority": mark.authority.to_hex(),
            "held": false,
            "epoch": mark.epoch,
            "sequence": mark.sequence,
            "issued_at": mark.issued_at,
            "expires_at": mark.expires_at,
        }));
    }
    for authority in &loaded.dropped {
        lines.push(format!(
            "  register {authority}: followed (give its root with --blocklist-trust to see its list)"
        ));
    }
    let followed = registers.len() + loaded.dropped.len();
    let mut human = format!(
        "blocklist state ({} bytes) saved by `partcert blocklist apply`, following {followed} \
         register(s)",
        bytes.len()
    );
    for line in lines {
        human.push('\n');
        human.push_str(&line);
    }
    human.push_str(
        "\n  read it with `partcert verify --blocklist-trust ROOT.cert --blocklist-state FILE` \
         or `partcert blocklist apply --state FILE`",
    );
    let unshown: Vec<String> = loaded.dropped.iter().map(KeyId::to_hex).collect();
    Ok((
        human,
        json!({
            "type": "blocklist-state",
            "bytes": bytes.len(),
            "followed": followed,
            "registers": registers,
            "roots_not_given": unshown,
        }),
    ))
}

fn show_rollback(state: &RollbackState) -> Shown {
    let mut lines = vec!["anti-rollback state: the registers this device follows".to_owned()];
    for mark in state.marks() {
        let floor = if mark.clock_floor < mark.issued_at {
            format!(
                " (dated after the clock it was received at: its register's clock raised only to {})",
                text::utc(mark.clock_floor)
            )
        } else {
            String::new()
        };
        lines.push(format!(
            "  authority {}: list {} issued {}{floor}, stale after {}, signed by key {}, digest {}",
            mark.authority,
            text::version(mark.version()),
            text::utc(mark.issued_at),
            text::utc(mark.expires_at),
            mark.signer,
            mark.digest
        ));
    }
    let marks = serde_json::to_value(state.marks().collect::<Vec<_>>()).unwrap_or(Value::Null);
    (
        lines.join("\n"),
        json!({"type": "anti-rollback-state", "marks": marks}),
    )
}

/// A certificate in JSON: the core's shape (serial number, issuer,
/// validity, subject, fingerprint), and for a root whether its
/// self-signature holds.
fn certificate_json(certificate: &Certificate) -> Value {
    let mut value = serde_json::to_value(certificate).unwrap_or(Value::Null);
    if certificate.authority().is_some_and(|a| a.role.is_root()) {
        value["self_signature_valid"] = json!(certificate.verify_self_signed().is_ok());
    }
    value
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn certificate_lines(certificate: &Certificate) -> Vec<String> {
    let mut lines = vec![
        text::certificate(certificate),
        format!("  serial number {}", certificate.serial_number()),
        format!("  issuer key id {}", certificate.issuer().to_hex()),
        format!("  valid {}", text::validity(&certificate.validity())),
    ];
    match certificate.subject() {
        Subject::Authority(authority) => {
            lines.push(format!("  public key {}", authority.key.to_hex()));
            lines.push(format!("  key id     {}", authority.key.key_id().to_hex()));
            if !authority.manufacturers.is_empty() {
                lines.push(format!(
                    "  manufacturers {}",
                    authority.manufacturers.join(", ")
                ));
            }
            if authority.role == AuthorityRole::BlocklistAuthority {
                lines.push(format!(
                    "  epoch {} (the only epoch whose lists it may sign)",
                    authority.epoch
                ));
            }
            if authority.role.is_root() {
                let valid = certificate.verify_self_signed().is_ok();
                lines.push(format!(
                    "  self-signature {}",
                    if valid { "valid" } else { "INVALID" }
                ));
            }
        }
        Subject::Part(part) => {
            lines.push(format!(
                "  root key id {} (its manufacturer root)",
                part.root.to_hex()
            ));
            lines.push(format!("  part id {}", part.part_id().to_hex()));
            if let Some(key) = &part.key {
                lines.push(format!("  part key {}", key.to_hex()));
            }
        }
    }
    lines.push(format!(
        "  fingerprint {}",
        certificate.fingerprint().to_hex()
    ));
    lines
}

fn show_object(object: &Object) -> Shown {
    match object {
        Object::Certificate(certificate) => {
            let mut value = certificate_json(certificate);
            value["type"] = json!("certificate");
            (certificate_lines(certificate).join("\n"), value)
        }
        Object::PairingRecord(record) => show_pairing_record(record),
        // Streamed by `stream`; never decoded as a generic object.
        Object::BlocklistSnapshot(snapshot) => (
            format!(
                "blocklist snapshot {} with {} entries",
                text::version(snapshot.version()),
                snapshot.entries().len()
            ),
            json!({"type": "blocklist-snapshot"}),
        ),
        Object::BlocklistDelta(delta) => show_delta(delta),
        Object::RevocationList(list) => show_revocation_list(list),
        Object::ChallengeResponse(response) => show_response(response),
        _ => (
            "a partcert object this tool cannot show yet".to_owned(),
            json!({"type": "unknown"}),
        ),
    }
}

fn show_pairing_record(record: &PairingRecord) -> Shown {
    let lines = vec![
        format!(
            "pairing record #{} ({}) of handset {}",
            record.sequence(),
            record.event().name(),
            text::imeis(record.imeis())
        ),
        format!("  signed {}", text::utc(record.issued_at())),
        format!("  by {}", text::certificate(record.service_certificate())),
    ];
    let parts = record.all_parts().map(|part| {
        let key = part
            .key
            .map_or_else(String::new, |key| format!(", key {key}"));
        format!(
            "    {} part {} (certificate {}{key}), first paired {}",
            part.kind,
            part.part_id,
            part.certificate,
            text::utc(part.first_paired)
        )
    });
    let value = json!({
        "type": "pairing-record",
        "fingerprint": record.fingerprint().to_hex(),
        "imeis": to_value(&record.imeis()),
        "board": to_value(record.board()),
        "parts": to_value(&record.parts()),
        "sequence": record.sequence(),
        "event": to_value(&record.event()),
        "issued_at": record.issued_at(),
        "service_certificate": certificate_json(record.service_certificate()),
    });
    shown(lines, parts, value)
}

fn show_delta(delta: &BlocklistDelta) -> Shown {
    let lines = vec![
        format!(
            "blocklist delta {} -> {}: {} listed or changed, {} delisted",
            text::version(delta.from_version()),
            text::version(delta.to_version()),
            delta.upserts().len(),
            delta.removals().len()
        ),
        format!("  authority (root key id) {}", delta.authority().to_hex()),
        format!(
            "  signed by {}",
            text::certificate(delta.signer_certificate())
        ),
        format!(
            "  issued {}, stale after {}",
            text::utc(delta.issued_at()),
            text::utc(delta.expires_at())
        ),
        format!("  from state {}", delta.from_digest().to_hex()),
        format!("  to state   {}", delta.result_digest().to_hex()),
    ];
    let delisted = |key| format!("    delisted: {}", text::block_key(key));
    let upserts = delta.upserts().iter().map(entry_line);
    shown(
        lines,
        upserts.chain(delta.removals().iter().map(delisted)),
        delta_json(delta),
    )
}

fn delta_json(delta: &BlocklistDelta) -> Value {
    json!({
        "type": "blocklist-delta",
        "authority": delta.authority().to_hex(),
        "epoch": delta.to_version().epoch,
        "from_sequence": delta.from_version().sequence,
        "to_sequence": delta.to_version().sequence,
        "from_digest": delta.from_digest().to_hex(),
        "result_digest": delta.result_digest().to_hex(),
        "issued_at": delta.issued_at(),
        "expires_at": delta.expires_at(),
        "upserts": to_value(&delta.upserts()),
        "removals": to_value(&delta.removals()),
        "signer_certificate": certificate_json(delta.signer_certificate()),
    })
}

fn show_revocation_list(list: &RevocationList) -> Shown {
    let lines = vec![
        format!(
            "revocation list #{} revoking {} key(s)",
            list.sequence(),
            list.revoked().len()
        ),
        format!("  root key id {}", list.root().to_hex()),
        format!("  issued {}", text::utc(list.issued_at())),
    ];
    let revoked = list.revoked().iter().map(text::revoked);
    shown(
        lines,
        revoked.map(|line| format!("    {line}")),
        revocation_list_json(list),
    )
}

fn revocation_list_json(list: &RevocationList) -> Value {
    json!({
        "type": "revocation-list",
        "root": list.root().to_hex(),
        "sequence": list.sequence(),
        "issued_at": list.issued_at(),
        "revoked": to_value(&list.revoked()),
    })
}

fn show_response(response: &ChallengeResponse) -> Shown {
    let nonce = files::hex(response.nonce());
    (
        format!(
            "challenge response\n  nonce {nonce}\n  for certificate {}",
            response.certificate().to_hex()
        ),
        json!({
            "type": "challenge-response",
            "nonce": nonce,
            "certificate": response.certificate().to_hex(),
        }),
    )
}
