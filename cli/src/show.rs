//! `partcert show`: any partcert file, readable.

use std::io::Write;
use std::path::Path;

use partcert::{BlocklistEntry, Certificate, Object, RollbackState, Subject};
use serde_json::{Value, json};

use crate::args::ShowArgs;
use crate::error::{CliError, exit};
use crate::files;
use crate::text;

/// `partcert show`
pub fn show(args: ShowArgs, out: &mut dyn Write) -> Result<u8, CliError> {
    let path = &args.file;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let (human, value) = match extension {
        "key" => show_secret_key(path)?,
        "pub" => show_public_key(path)?,
        _ => {
            let bytes = files::read_bytes(path)?;
            if bytes.starts_with(b"PCBS") {
                show_saved_state(&bytes)
            } else if bytes.starts_with(b"PCRB") {
                show_rollback(&RollbackState::decode(&bytes).map_err(CliError::about(path))?)
            } else {
                let object = Object::decode(&bytes).map_err(CliError::about(path))?;
                show_object(&object)
            }
        }
    };
    if args.json {
        writeln!(out, "{value}")?;
    } else {
        writeln!(out, "{}: {human}", path.display())?;
    }
    Ok(exit::OK)
}

type Shown = (String, Value);

fn show_secret_key(path: &Path) -> Result<Shown, CliError> {
    let key = files::secret_key(path)?;
    let public = key.public_key();
    Ok((
        format!(
            "secret key (not shown)\n  public key {}\n  key id     {}",
            public.to_hex(),
            public.key_id().to_hex()
        ),
        json!({"type": "secret key", "public_key": public.to_hex(), "key_id": public.key_id().to_hex()}),
    ))
}

fn show_public_key(path: &Path) -> Result<Shown, CliError> {
    let public = files::public_key(path)?;
    Ok((
        format!(
            "public key {}\n  key id {}",
            public.to_hex(),
            public.key_id().to_hex()
        ),
        json!({"type": "public key", "public_key": public.to_hex(), "key_id": public.key_id().to_hex()}),
    ))
}

fn show_saved_state(bytes: &[u8]) -> Shown {
    // Its lists are only read against pinned roots, which `show` does not take.
    (
        format!(
            "blocklist state ({} bytes) saved by `partcert blocklist apply --out`\n  \
             read it with `partcert verify --blocklist-trust ROOT.cert --blocklist-state FILE` \
             or `partcert blocklist apply --state FILE`",
            bytes.len()
        ),
        json!({"type": "blocklist state", "bytes": bytes.len()}),
    )
}

fn show_rollback(state: &RollbackState) -> Shown {
    let mut lines = vec!["anti-rollback state".to_owned()];
    for mark in state.marks() {
        lines.push(format!(
            "  authority {}: sequence {} issued {}, digest {}",
            mark.authority,
            mark.sequence,
            text::utc(mark.issued_at),
            mark.digest
        ));
    }
    let marks = serde_json::to_value(state.marks().collect::<Vec<_>>()).unwrap_or(Value::Null);
    (
        lines.join("\n"),
        json!({"type": "anti-rollback state", "marks": marks}),
    )
}

fn certificate_json(certificate: &Certificate) -> Value {
    let mut value = json!({
        "fingerprint": certificate.fingerprint().to_hex(),
        "body": serde_json::to_value(certificate.body()).unwrap_or(Value::Null),
    });
    if certificate.authority().is_some_and(|a| a.role.is_root()) {
        value["self_signature_valid"] = json!(certificate.verify_self_signed().is_ok());
    }
    value
}

fn entry_line(entry: &BlocklistEntry) -> String {
    let handset = entry
        .handset
        .map(|imei| format!(" (paired to {imei})"))
        .unwrap_or_default();
    format!(
        "    {}{handset}: {}, {}, listed {}",
        text::block_key(&entry.key),
        entry.reason.name(),
        match entry.status {
            partcert::ListingStatus::Final => "final",
            partcert::ListingStatus::Suspended => "suspended",
        },
        text::utc(entry.listed_at)
    )
}

fn show_object(object: &Object) -> Shown {
    let unchecked =
        "signature not checked here: use `partcert verify` or `partcert blocklist apply`";
    match object {
        Object::Certificate(certificate) => {
            let body = certificate.body();
            let mut lines = vec![
                text::certificate(certificate),
                format!("  serial number {}", body.serial_number),
                format!("  issuer key id {}", body.issuer.to_hex()),
                format!("  valid {}", text::validity(&body.validity)),
            ];
            match &body.subject {
                Subject::Authority(authority) => {
                    lines.push(format!("  public key {}", authority.key.to_hex()));
                    if authority.role.is_root() {
                        let valid = certificate.verify_self_signed().is_ok();
                        lines.push(format!(
                            "  self-signature {}",
                            if valid { "valid" } else { "INVALID" }
                        ));
                    }
                }
                Subject::Part(part) => {
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
            let mut value = certificate_json(certificate);
            value["type"] = json!("certificate");
            (lines.join("\n"), value)
        }
        Object::PairingRecord(record) => {
            let body = record.body();
            let imeis: Vec<String> = body.imeis.iter().map(ToString::to_string).collect();
            let mut lines = vec![
                format!(
                    "pairing record #{} ({}) of handset {}",
                    body.sequence,
                    text::event(body.event),
                    imeis.join(", ")
                ),
                format!("  signed {}", text::utc(body.issued_at)),
                format!("  by {}", text::certificate(record.service_certificate())),
            ];
            for part in record.all_parts() {
                lines.push(format!(
                    "    {} part {} (certificate {})",
                    part.kind, part.part_id, part.certificate
                ));
            }
            lines.push(format!("  {unchecked}"));
            let mut body_value = serde_json::to_value(body).unwrap_or(Value::Null);
            body_value["service_certificate"] = certificate_json(record.service_certificate());
            (
                lines.join("\n"),
                json!({"type": "pairing record", "fingerprint": record.fingerprint().to_hex(), "body": body_value}),
            )
        }
        Object::BlocklistSnapshot(snapshot) => {
            let body = snapshot.body();
            let mut lines = vec![
                format!(
                    "blocklist snapshot #{} with {} entries",
                    body.sequence,
                    body.entries.len()
                ),
                format!("  authority (root key id) {}", body.authority.to_hex()),
                format!(
                    "  signed by {}",
                    text::certificate(snapshot.signer_certificate())
                ),
                format!(
                    "  issued {}, stale after {}",
                    text::utc(body.issued_at),
                    text::utc(body.expires_at)
                ),
                format!("  state digest {}", snapshot.state_digest().to_hex()),
            ];
            lines.extend(body.entries.iter().map(entry_line));
            lines.push(format!("  {unchecked}"));
            let mut body_value = serde_json::to_value(body).unwrap_or(Value::Null);
            body_value["signer_certificate"] = certificate_json(snapshot.signer_certificate());
            (
                lines.join("\n"),
                json!({
                    "type": "blocklist snapshot",
                    "fingerprint": snapshot.fingerprint().to_hex(),
                    "state_digest": snapshot.state_digest().to_hex(),
                    "body": body_value,
                }),
            )
        }
        Object::BlocklistDelta(delta) => {
            let body = delta.body();
            let mut lines = vec![
                format!(
                    "blocklist delta #{} -> #{}: {} listed or changed, {} delisted",
                    body.from_sequence,
                    body.to_sequence,
                    body.upserts.len(),
                    body.removals.len()
                ),
                format!("  authority (root key id) {}", body.authority.to_hex()),
                format!(
                    "  signed by {}",
                    text::certificate(delta.signer_certificate())
                ),
                format!(
                    "  issued {}, stale after {}",
                    text::utc(body.issued_at),
                    text::utc(body.expires_at)
                ),
                format!("  from state {}", body.from_digest.to_hex()),
                format!("  to state   {}", body.result_digest.to_hex()),
            ];
            lines.extend(body.upserts.iter().map(entry_line));
            lines.extend(
                body.removals
                    .iter()
                    .map(|key| format!("    delisted: {}", text::block_key(key))),
            );
            lines.push(format!("  {unchecked}"));
            let mut body_value = serde_json::to_value(body).unwrap_or(Value::Null);
            body_value["signer_certificate"] = certificate_json(delta.signer_certificate());
            (
                lines.join("\n"),
                json!({"type": "blocklist delta", "body": body_value}),
            )
        }
        Object::RevocationList(list) => {
            let body = list.body();
            let mut lines = vec![
                format!(
                    "revocation list #{} revoking {} key(s)",
                    body.sequence,
                    body.revoked.len()
                ),
                format!("  root key id {}", body.root.to_hex()),
                format!("  issued {}", text::utc(body.issued_at)),
            ];
            lines.extend(
                body.revoked
                    .iter()
                    .map(|id| format!("    revoked {}", id.to_hex())),
            );
            lines.push(format!("  {unchecked}"));
            (
                lines.join("\n"),
                json!({"type": "revocation list", "body": serde_json::to_value(body).unwrap_or(Value::Null)}),
            )
        }
        Object::ChallengeResponse(response) => {
            let body = response.body();
            let nonce = files::hex(&body.nonce);
            (
                format!(
                    "challenge response\n  nonce {nonce}\n  for certificate {}",
                    body.certificate.to_hex()
                ),
                json!({"type": "challenge response", "body": {"nonce": nonce, "certificate": body.certificate.to_hex()}}),
            )
        }
        _ => (
            "a partcert object this tool cannot show yet".to_owned(),
            json!({"type": "unknown"}),
        ),
    }
}
