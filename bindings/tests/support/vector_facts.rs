//! What the Rust core says about every golden vector in
//! `core/tests/vectors/`, one `file:field=value` line each, so the Kotlin
//! and Swift tests can check that the bindings decode the same fields and
//! reach the same verdicts; and, given a second folder, the pairing
//! records a thief forges there (see [`forged`]). Run by
//! `bindings/tests/run.sh`:
//!
//! ```sh
//! cargo run -p partcert-uniffi --features cli --example vector-facts -- \
//!     core/tests/vectors target/bindings/forged
//! ```
//!
//! Every vector present is described (a new one without a rule here is an
//! error), so the lists cannot silently drift apart.

use std::path::Path;

use partcert::blocklist::{
    BlocklistDelta, BlocklistSnapshot, FileRef, Head, RollbackState, SignedList,
};
use partcert::challenge::{Challenge, ChallengeResponse};
use partcert::revocation::RevocationList;
use partcert::*;

mod forged;

/// The vectors' reference time (see core/tests/vectors/README.md) plus a day.
const NOW: u64 = 1_767_225_600 + 86_400;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "core/tests/vectors".into());
    let written = match std::env::args().nth(2) {
        Some(forged_dir) => forged::write(Path::new(&forged_dir)),
        None => Ok(()),
    };
    if let Err(message) = written.and_then(|()| run(Path::new(&dir))) {
        eprintln!("vector-facts: {message}");
        std::process::exit(1);
    }
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"))
}

fn join<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn run(dir: &Path) -> Result<(), String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    for name in &names {
        let bytes = read(dir, name)?;
        let fact = |field: &str, value: String| println!("{name}:{field}={value}");
        let kind = name.rsplit('.').next().unwrap_or_default();
        describe(kind, &bytes, &fact).map_err(|e| format!("{name}: {e}"))?;
    }
    verdicts(dir)
}

/// Prints one fact: a field's name and its value.
type Fact<'a> = &'a dyn Fn(&str, String);

/// The facts of one vector, by its kind (its file's extension).
fn describe(kind: &str, bytes: &[u8], fact: Fact<'_>) -> Result<(), String> {
    let fail = |e: Error| e.to_string();
    match kind {
        "cert" => certificate(&Certificate::decode(bytes).map_err(fail)?, fact),
        "pair" => pairing(&PairingRecord::decode(bytes).map_err(fail)?, fact),
        "pcbl" => snapshot(&BlocklistSnapshot::decode(bytes).map_err(fail)?, fact),
        "pcbd" => delta(&BlocklistDelta::decode(bytes).map_err(fail)?, fact),
        "pccs" => match SignedList::decode(bytes).map_err(fail)? {
            list @ SignedList::Compact(_) => compact(&list, fact),
            _ => return Err("not a compact snapshot".into()),
        },
        "pcrl" => revocations(&RevocationList::decode(bytes).map_err(fail)?, fact),
        "pchd" => head(&Head::decode(bytes).map_err(fail)?, fact),
        "pcsh" => {
            // A shard file: not an envelope; its structure read without a head.
            let (v, bits, index) = blocklist::Shard::check_structure(bytes).map_err(fail)?;
            fact("version", version(v));
            fact("bits", bits.to_string());
            fact("index", index.to_string());
        }
        "pcr" => {
            let r = ChallengeResponse::decode(bytes).map_err(fail)?;
            let nonce = r.nonce().iter().map(|b| format!("{b:02x}")).collect();
            fact("nonce", nonce);
            fact("certificate", r.certificate().to_hex());
        }
        "pcrb" => {
            let marks = RollbackState::decode(bytes).map_err(fail)?;
            let mark = |m: &blocklist::RollbackMark| {
                let (authority, digest) = (m.authority.to_hex(), m.digest.to_hex());
                format!(
                    "{authority}@{}/{}:{digest}^{}",
                    m.epoch, m.sequence, m.clock_floor
                )
            };
            fact("marks", join(marks.marks().map(mark)));
        }
        _ => return Err("no rule for this kind of vector".into()),
    }
    Ok(())
}

fn certificate(c: &Certificate, fact: Fact<'_>) {
    fact("serial_number", c.serial_number().to_string());
    fact("issuer", c.issuer().to_hex());
    fact("not_before", c.validity().not_before.to_string());
    fact("not_after", c.validity().not_after.to_string());
    fact("fingerprint", c.fingerprint().to_hex());
    if let Some(a) = c.authority() {
        fact("role", a.role.name().to_owned());
        fact("name", a.name.clone());
        fact("key", a.key.to_hex());
        let kinds = a.permitted_kinds.iter().map(|k| k.name());
        fact("permitted_kinds", join(kinds));
        fact("manufacturers", join(&a.manufacturers));
        fact("epoch", a.epoch.to_string());
    }
    if let Some(p) = c.part() {
        fact("root", p.root.to_hex());
        fact("kind", p.kind.name());
        fact("manufacturer", p.manufacturer.clone());
        fact("model", p.model.clone());
        fact("serial", p.serial.clone());
        fact("imeis", join(&p.imeis));
        fact("key", p.key.map(|k| k.to_hex()).unwrap_or_default());
        fact("part_id", p.part_id().to_hex());
    }
}

fn pairing(r: &PairingRecord, fact: Fact<'_>) {
    fact("imeis", join(r.imeis()));
    fact("board", r.board().part_id.to_hex());
    fact("parts", join(r.parts().iter().map(|p| p.part_id.to_hex())));
    // Board first, then the parts: each keyed part's key id (empty for
    // serial-only parts) and when it was first paired.
    let all = || std::iter::once(r.board()).chain(r.parts());
    let key = |p: &pairing::PairedPart| p.key.map(|k| k.to_hex()).unwrap_or_default();
    fact("keys", join(all().map(key)));
    fact("first_paired", join(all().map(|p| p.first_paired)));
    fact("sequence", r.sequence().to_string());
    fact("event", format!("{:?}", r.event()).to_lowercase());
    fact("issued_at", r.issued_at().to_string());
    fact("fingerprint", r.fingerprint().to_hex());
}

fn version(v: blocklist::ListVersion) -> String {
    format!("{}/{}", v.epoch, v.sequence)
}

fn snapshot(s: &BlocklistSnapshot, fact: Fact<'_>) {
    fact("authority", s.authority().to_hex());
    fact("version", version(s.version()));
    fact("issued_at", s.issued_at().to_string());
    fact("expires_at", s.expires_at().to_string());
    fact("entries", s.entries().len().to_string());
    fact("state_digest", s.state_digest().to_hex());
    fact("fingerprint", s.fingerprint().to_hex());
}

/// A compact snapshot: what it says of itself (its entries are kept as
/// fingerprints, so they are not listed).
fn compact(s: &SignedList, fact: Fact<'_>) {
    fact("authority", s.authority().to_hex());
    fact("version", version(s.version()));
    fact("issued_at", s.issued_at().to_string());
    fact("expires_at", s.expires_at().to_string());
    fact("state_digest", s.state_digest().to_hex());
    fact(
        "fingerprint",
        ids::Fingerprint::of_bytes(s.as_bytes()).to_hex(),
    );
}

fn delta(d: &BlocklistDelta, fact: Fact<'_>) {
    fact("authority", d.authority().to_hex());
    fact("from", version(d.from_version()));
    fact("to", version(d.to_version()));
    fact("from_digest", d.from_digest().to_hex());
    fact("result_digest", d.result_digest().to_hex());
    fact("upserts", d.upserts().len().to_string());
    fact("removals", d.removals().len().to_string());
}

/// A file a head names: `path:size:sha256@epoch/sequence^issued_at`.
fn file(f: &FileRef) -> String {
    let (path, size, sha256) = (&f.path, f.size, f.sha256.to_hex());
    format!(
        "{path}:{size}:{sha256}@{}^{}",
        version(f.version),
        f.issued_at
    )
}

fn head(h: &Head, fact: Fact<'_>) {
    fact("authority", h.authority().to_hex());
    fact("version", version(h.version()));
    fact("issued_at", h.issued_at().to_string());
    fact("expires_at", h.expires_at().to_string());
    fact("digest", h.digest().to_hex());
    fact("snapshot", file(h.snapshot()));
    let deltas = h.deltas().iter();
    fact(
        "deltas",
        join(deltas.map(|d| format!("{}>{}", d.from, file(&d.file)))),
    );
    fact(
        "fingerprint",
        ids::Fingerprint::of_bytes(h.as_bytes()).to_hex(),
    );
    let shards = h
        .shards()
        .map(|s| format!("{}:{}:{}", s.bits, s.root.to_hex(), s.max_size));
    fact("shards", shards.unwrap_or_default());
}

fn revocations(l: &RevocationList, fact: Fact<'_>) {
    fact("root", l.root().to_hex());
    fact("sequence", l.sequence().to_string());
    fact("issued_at", l.issued_at().to_string());
    let revoked = l.revoked().iter();
    fact(
        "revoked",
        join(revoked.map(|r| format!("{}@{}", r.key.to_hex(), r.since))),
    );
}

/// The verdicts the golden objects lead to: the register's list with
/// Alice's stolen handset on it.
fn verdicts(dir: &Path) -> Result<(), String> {
    let cert = |name: &str| -> Result<Certificate, String> {
        Certificate::decode(&read(dir, name)?).map_err(|e| format!("{name}: {e}"))
    };
    let fail = |e: Error| e.to_string();
    let mut trust = TrustStore::new();
    trust
        .add_manufacturer_root(cert("manufacturer_root.cert")?)
        .map_err(fail)?;
    trust
        .add_blocklist_root(cert("blocklist_root.cert")?)
        .map_err(fail)?;
    let mut blocklist = Blocklist::new();
    let snapshot = BlocklistSnapshot::decode(&read(dir, "stolen_v2.pcbl")?).map_err(fail)?;
    blocklist.apply(&trust, &snapshot, NOW).map_err(fail)?;
    let chain = [cert("part_issuer.cert")?];
    let record = PairingRecord::decode(&read(dir, "handset.pair")?).map_err(fail)?;
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);
    let screen = cert("screen.cert")?;
    let verdict = verifier
        .verify_part(
            &PartEvidence::new(&screen, &chain).with_pairing(&record),
            NOW,
        )
        .map_err(fail)?;
    println!("verdict:screen={}", verdict.summary());
    println!(
        "verdict:screen_listings={}",
        verdict.blocklist.listings().len()
    );
    let camera = cert("keyed_camera.cert")?;
    let response = ChallengeResponse::decode(&read(dir, "camera_response.pcr")?).map_err(fail)?;
    let challenge = Challenge::new([0x42; 32]);
    let verdict = verifier
        .verify_part(
            &PartEvidence::new(&camera, &chain).with_challenge(&challenge, &response),
            NOW,
        )
        .map_err(fail)?;
    println!("verdict:camera={}", verdict.summary());
    println!("now={NOW}");
    screen_through_shard(dir, &trust, &screen, &chain)
}

/// Alice's screen (no pairing record: its own key only) checked by a phone
/// that holds no list, through the one shard the head names for it,
/// an hour after the head was issued.
fn screen_through_shard(
    dir: &Path,
    trust: &TrustStore,
    screen: &Certificate,
    chain: &[Certificate],
) -> Result<(), String> {
    let fail = |e: Error| e.to_string();
    let head = read(dir, "repository_head.pchd")?;
    let now = Head::decode(&head).map_err(fail)?.issued_at() + 3_600;
    let evidence = PartEvidence::new(screen, chain);
    let keys = Verifier::new(trust).blocklist_keys(&evidence, now);
    let mut check = Blocklist::new()
        .check_shards(trust, &head, &keys, now)
        .map_err(fail)?;
    let shard = read(dir, "screen_shard.pcsh")?;
    while check.next_fetch().is_some() {
        check.offer(&shard).map_err(fail)?;
    }
    let phone = check.finish().map_err(fail)?;
    let verdict = Verifier::new(trust)
        .with_blocklist(&phone)
        .verify_part(&evidence, now)
        .map_err(fail)?;
    println!("verdict:screen_through_shard={}", verdict.summary());
    Ok(())
}
