//! Reading and writing the tool's files, and telling them apart by content.
//!
//! Keys and challenges are self-describing text, as minisign's and age's
//! are: a first line naming the kind and its version, optional `#`
//! comment lines, then one line of hex.
//!
//! ```text
//! partcert secret key v1        (mode 0600: the 32-byte seed; `# role: ROLE`)
//! partcert public key v1        (a part's public key, for `part issue --part-key`)
//! partcert challenge v1         (a verifier's nonce)
//! ```
//!
//! Every other object is its exact binary encoding (certificates, pairing
//! records, lists (sorted `.pcbl` or compact `.pcbc`), responses start with `PCRT`; the local states with
//! `PCBS` and `PCRB`). A file is recognised by its content, never by its
//! name, and a file of the wrong kind is refused naming the kind it is,
//! the flag that was given it and the flags that take it.
//!
//! No command replaces an existing file without `--force`, and a file
//! holding a secret key is never replaced by anything but a new secret key.
//! Writes go to a temporary file in the same folder, renamed into place,
//! so a file is either the old one or the complete new one.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use partcert::blocklist::{BlocklistSnapshot, LoadedState, RollbackState};
use partcert::certificate::AuthorityRole;
use partcert::challenge::{Challenge, ChallengeResponse};
use partcert::ids::{KeyId, PublicKey};
use partcert::revocation::RevocationList;
use partcert::{Blocklist, Certificate, ObjectType, PairingRecord, SecretKey, TrustStore, limits};

use crate::error::{CliError, ToolCode, exit};
use crate::progress;

/// No object but a compact snapshot (or a saved state holding compact
/// lists) is larger than a blocklist; reading stops a little past that.
const MAX_READ: u64 = limits::MAX_BLOCKLIST_LEN as u64 + 1;
/// A compact snapshot may be far larger (national scale): reading a file
/// that starts as one stops a little past its own bound.
const MAX_COMPACT_READ: u64 = limits::MAX_COMPACT_SNAPSHOT_LEN + 1;
/// A saved blocklist state: the core's own bound.
const MAX_STATE_READ: u64 =
    (limits::MAX_AUTHORITIES as u64).saturating_mul(limits::MAX_BLOCKLIST_LEN as u64) + 1;
/// Files at least this large get a progress bar while read (on a terminal).
const BAR_FROM: u64 = 64 << 20;

/// The first line of a secret key file.
pub const SECRET_KEY_HEADER: &str = "partcert secret key v1";
/// The first line of a public key file.
pub const PUBLIC_KEY_HEADER: &str = "partcert public key v1";
/// The first line of a challenge file.
pub const CHALLENGE_HEADER: &str = "partcert challenge v1";
/// How secret key files written before the typed header began.
const LEGACY_SECRET_KEY_COMMENT: &str = "# partcert secret key";

/// The current time in seconds since the Unix epoch.
pub fn system_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// What a file holds, told by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A secret key (`partcert secret key v1`, or the older commented form).
    SecretKey,
    /// A public key (`partcert public key v1`).
    PublicKey,
    /// A challenge nonce (`partcert challenge v1`).
    Challenge,
    /// A signed partcert object.
    Object(ObjectType),
    /// A saved blocklist state (`blocklist apply --state/--out`).
    BlocklistState,
    /// Anti-rollback marks (`blocklist apply --rollback-state`).
    RollbackState,
    /// One bare line of 64 hex digits, as older versions wrote public keys
    /// and challenges: its kind cannot be told.
    UnlabelledHex,
    /// Anything else.
    Unknown,
}

impl Kind {
    /// The kind's name, as messages print it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::SecretKey => "secret key",
            Kind::PublicKey => "public key",
            Kind::Challenge => "challenge",
            Kind::Object(object) => object.name(),
            Kind::BlocklistState => "saved blocklist state",
            Kind::RollbackState => "anti-rollback state",
            Kind::UnlabelledHex => "line of unlabelled hex",
            Kind::Unknown => "file partcert does not recognise",
        }
    }

    /// The kind's tag in JSON (kebab-case).
    pub fn tag(self) -> String {
        match self {
            Kind::SecretKey => "secret-key".to_owned(),
            Kind::PublicKey => "public-key".to_owned(),
            Kind::Challenge => "challenge".to_owned(),
            Kind::Object(object) => object_tag(object),
            Kind::BlocklistState => "blocklist-state".to_owned(),
            Kind::RollbackState => "anti-rollback-state".to_owned(),
            Kind::UnlabelledHex => "unlabelled-hex".to_owned(),
            Kind::Unknown => "unknown".to_owned(),
        }
    }

    /// The flags that take a file of this kind.
    pub fn taken_by(self) -> &'static str {
        match self {
            Kind::SecretKey => {
                "--root, --issuer, --service or --authority (to sign), or `part respond --part-key`"
            }
            Kind::PublicKey => "`part issue --part-key`",
            Kind::Challenge => "--challenge",
            Kind::Object(ObjectType::Certificate) => {
                "--trust, --blocklist-trust, --chain, --root-cert, --issuer-cert, --service-cert, --authority-cert, --board, --part, --cert, or as the part to verify"
            }
            Kind::Object(ObjectType::PairingRecord) => {
                "--pairing, --from-pairing or --delist-pairing"
            }
            Kind::Object(ObjectType::BlocklistSnapshot) => {
                "--blocklist, --base, --from, --to, or `blocklist apply`'s lists"
            }
            Kind::Object(ObjectType::CompactSnapshot) => {
                "--blocklist, or `blocklist apply`'s lists (not --base, --from or --to: a compact list is never rebuilt or diffed)"
            }
            Kind::Object(ObjectType::BlocklistDelta) => "--blocklist, or `blocklist apply`'s lists",
            Kind::Object(ObjectType::RevocationList) => "--revocations",
            Kind::Object(ObjectType::ChallengeResponse) => "--response",
            Kind::Object(_) => "no flag of this version",
            Kind::BlocklistState => "--state or --blocklist-state",
            Kind::RollbackState => "--rollback-state",
            Kind::UnlabelledHex => {
                "no flag: give it its first line (`partcert public key v1` or `partcert challenge v1`)"
            }
            Kind::Unknown => "no flag",
        }
    }

    /// Whether a file of this kind is text (safe to print on a terminal).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Kind::SecretKey | Kind::PublicKey | Kind::Challenge | Kind::UnlabelledHex
        )
    }
}

/// An object type's tag in JSON: its name in the core, kebab-case
/// (`compact-blocklist-snapshot`).
pub fn object_tag(object: ObjectType) -> String {
    object.name().replace(' ', "-")
}

/// The meaningful lines of a text file: trimmed, without blank lines and
/// `#` comments.
fn meaningful_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn is_hex64(line: &str) -> bool {
    line.len() == 64 && line.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Tells what `bytes` hold.
pub fn detect(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PCBS") {
        return Kind::BlocklistState;
    }
    if bytes.starts_with(b"PCRB") {
        return Kind::RollbackState;
    }
    if let Ok(object) = ObjectType::of(bytes) {
        return Kind::Object(object);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Kind::Unknown;
    };
    let first = text.lines().map(str::trim).find(|line| !line.is_empty());
    match first {
        Some(SECRET_KEY_HEADER) => return Kind::SecretKey,
        Some(PUBLIC_KEY_HEADER) => return Kind::PublicKey,
        Some(CHALLENGE_HEADER) => return Kind::Challenge,
        Some(line) if line.starts_with(LEGACY_SECRET_KEY_COMMENT) => return Kind::SecretKey,
        _ => {}
    }
    let mut lines = meaningful_lines(text);
    match (lines.next(), lines.next()) {
        (Some(line), None) if is_hex64(line) => Kind::UnlabelledHex,
        _ => Kind::Unknown,
    }
}

/// A file given to a flag: the path, and the flag as the user typed it.
#[derive(Debug, Clone, Copy)]
pub struct Src<'a> {
    /// The file (`-` is standard input).
    pub path: &'a Path,
    /// The flag, e.g. `--issuer-cert`, or the positional's name.
    pub flag: &'a str,
}

impl<'a> Src<'a> {
    /// A file given to `flag`.
    pub fn new(path: &'a Path, flag: &'a str) -> Self {
        Src { path, flag }
    }
}

/// Reads a whole file (bounded); `-` is standard input. The bound is a
/// blocklist's, raised to a compact snapshot's (or a saved state's) for a
/// file whose header says it is one.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    let io = |source: std::io::Error| CliError::io(path, &source);
    let (mut reader, size): (Box<dyn Read>, u64) = if path == Path::new("-") {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let file = File::open(path).map_err(io)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(file), size)
    };
    let bar = progress::reading(path, size, BAR_FROM);
    let mut bytes = Vec::new();
    if size < MAX_READ {
        bytes.reserve(size as usize);
    }
    (&mut reader)
        .take(MAX_READ)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let mut max = MAX_READ;
    if bytes.len() as u64 >= MAX_READ {
        max = if matches!(ObjectType::of(&bytes), Ok(ObjectType::CompactSnapshot)) {
            MAX_COMPACT_READ
        } else if bytes.starts_with(b"PCBS") {
            MAX_STATE_READ
        } else {
            MAX_READ
        };
        bar.set_position(bytes.len() as u64);
        if max > MAX_READ {
            bytes.reserve(size.min(max).saturating_sub(bytes.len() as u64) as usize);
            let mut chunk = vec![0u8; 1 << 20];
            let mut rest = (&mut reader).take(max - bytes.len() as u64);
            loop {
                let read = rest.read(&mut chunk).map_err(io)?;
                if read == 0 {
                    break;
                }
                bytes.extend_from_slice(&chunk[..read]);
                bar.inc(read as u64);
            }
        }
    }
    bar.finish_and_clear();
    if bytes.len() as u64 >= max {
        return Err(CliError::core(partcert::Error::LengthOverBound {
            field: "file",
            length: bytes.len(),
            max: usize::try_from(max - 1).unwrap_or(usize::MAX),
        })
        .file(path));
    }
    Ok(bytes)
}

/// The refusal of a file of the wrong kind (exit 2: the argument is wrong).
pub fn wrong_kind(src: Src<'_>, expected: Kind, found: Kind) -> CliError {
    let mut hint = format!(
        "{} takes a {}; a {} goes to {}",
        src.flag,
        expected.name(),
        found.name(),
        found.taken_by()
    );
    if found == Kind::UnlabelledHex {
        hint = format!(
            "{} takes a {}. Older partcert versions wrote public keys and challenges as bare hex, \
             which a secret key could be mistaken for; if this file is a {}, add the line `{}` \
             above the hex",
            src.flag,
            expected.name(),
            expected.name(),
            match expected {
                Kind::PublicKey => PUBLIC_KEY_HEADER,
                Kind::Challenge => CHALLENGE_HEADER,
                _ => SECRET_KEY_HEADER,
            }
        );
    }
    CliError::core(partcert::Error::WrongObjectType {
        expected: expected.name(),
        found: found.name(),
    })
    .file(src.path)
    .flag(src.flag)
    .hint(hint)
    .exit(exit::USAGE)
}

/// Reads `src` and checks it is an object of type `expected`.
fn read_object<T>(
    src: Src<'_>,
    expected: ObjectType,
    decode: impl FnOnce(&[u8]) -> Result<T, partcert::Error>,
) -> Result<T, CliError> {
    let bytes = read_bytes(src.path)?;
    object_from(src, &bytes, expected, decode)
}

/// Decodes `bytes` read from `src`, refusing another kind of file by name.
pub fn object_from<T>(
    src: Src<'_>,
    bytes: &[u8],
    expected: ObjectType,
    decode: impl FnOnce(&[u8]) -> Result<T, partcert::Error>,
) -> Result<T, CliError> {
    let found = detect(bytes);
    if found != Kind::Object(expected) && found != Kind::Unknown {
        return Err(wrong_kind(src, Kind::Object(expected), found));
    }
    decode(bytes).map_err(|error| CliError::core(error).file(src.path))
}

/// Reads a certificate.
pub fn certificate(src: Src<'_>) -> Result<Certificate, CliError> {
    read_object(src, ObjectType::Certificate, Certificate::decode)
}

/// Reads several certificates given to one flag.
pub fn certificates(paths: &[PathBuf], flag: &str) -> Result<Vec<Certificate>, CliError> {
    paths
        .iter()
        .map(|path| certificate(Src::new(path, flag)))
        .collect()
}

/// Reads a pairing record.
pub fn pairing(src: Src<'_>) -> Result<PairingRecord, CliError> {
    read_object(src, ObjectType::PairingRecord, PairingRecord::decode)
}

/// Reads a sorted blocklist snapshot; a compact one is refused with `why`
/// (what the flag needs a sorted list for) and `hint`.
pub fn sorted_snapshot(src: Src<'_>, why: &str, hint: &str) -> Result<BlocklistSnapshot, CliError> {
    let bytes = read_bytes(src.path)?;
    let expected = Kind::Object(ObjectType::BlocklistSnapshot);
    let found = detect(&bytes);
    if found == Kind::Object(ObjectType::CompactSnapshot) {
        return Err(wrong_kind(src, expected, found)
            .message(format!(
                "{} takes a sorted blocklist snapshot, but this is a compact one: {why}",
                src.flag
            ))
            .hint(hint.to_owned()));
    }
    object_from(
        src,
        &bytes,
        ObjectType::BlocklistSnapshot,
        BlocklistSnapshot::decode,
    )
}

/// Reads a revocation list.
pub fn revocation_list(src: Src<'_>) -> Result<RevocationList, CliError> {
    read_object(src, ObjectType::RevocationList, RevocationList::decode)
}

/// Reads a challenge response.
pub fn response(src: Src<'_>) -> Result<ChallengeResponse, CliError> {
    read_object(
        src,
        ObjectType::ChallengeResponse,
        ChallengeResponse::decode,
    )
}

/// The refusal of a state file that does not exist.
pub fn no_such_state(src: Src<'_>, how_to_start: &str) -> CliError {
    CliError::tool(
        ToolCode::NoSuchState,
        "no such file: a missing state would silently start from nothing and turn anti-rollback \
         protection off",
    )
    .file(src.path)
    .flag(src.flag)
    .hint(format!("check the path; {how_to_start}"))
}

/// Reads an anti-rollback state, which must exist.
pub fn rollback_state(src: Src<'_>, how_to_start: &str) -> Result<RollbackState, CliError> {
    let bytes = read_state(src, Kind::RollbackState, how_to_start)?;
    RollbackState::decode(&bytes)
        .map_err(|error| CliError::core(error).file(src.path).hint(RESTORE_STATE))
}

/// Reads a saved blocklist state, which must exist. A register whose root
/// `trust` no longer pins is no longer followed: the core drops its list
/// and mark and names it in [`LoadedState::dropped`].
pub fn blocklist_state(
    src: Src<'_>,
    trust: &TrustStore,
    how_to_start: &str,
) -> Result<LoadedState, CliError> {
    let refused = |error| CliError::core(error).file(src.path).hint(RESTORE_STATE);
    if is_stdout(src.path) {
        let bytes = read_state(src, Kind::BlocklistState, how_to_start)?;
        return Blocklist::load_state(&bytes, trust).map_err(refused);
    }
    // Only the state file is read here: each compact list beside it is
    // mapped and checked as a lookup reads it (a national list is not
    // read, copied or hashed again on every run).
    if !src.path.exists() {
        return Err(no_such_state(src, how_to_start));
    }
    match detect(&read_prefix(src.path)?) {
        Kind::BlocklistState | Kind::Unknown => {}
        found => return Err(wrong_kind(src, Kind::BlocklistState, found)),
    }
    Blocklist::load(src.path, trust).map_err(refused)
}

/// The first bytes of a file, enough to tell its kind.
pub fn read_prefix(path: &Path) -> Result<Vec<u8>, CliError> {
    let file = File::open(path).map_err(|source| CliError::io(path, &source))?;
    let mut prefix = Vec::with_capacity(4096);
    file.take(4096)
        .read_to_end(&mut prefix)
        .map_err(|source| CliError::io(path, &source))?;
    Ok(prefix)
}

/// Saves a device's blocklist state to `path`, the file a command was given
/// to update (`--state`, `--out`): the state file and, beside it in
/// `<name>.lists/`, each compact list in a file of its own. Crash-safe: a
/// power cut leaves the old state or the new one (see
/// `partcert::blocklist::Blocklist::save`).
pub fn save_blocklist(path: &Path, blocklist: &Blocklist) -> Result<(), CliError> {
    if is_stdout(path) {
        return update_state(path, &blocklist.encode_state());
    }
    blocklist
        .save(path)
        .map_err(|error| CliError::core(error).file(path))
}

/// What to do about a state that does not load.
const RESTORE_STATE: &str =
    "restore it from a backup, or start again with --init (losing its anti-rollback protection)";

/// The bytes of a state file of `kind`, which must exist: a missing state
/// would silently start from nothing.
fn read_state(src: Src<'_>, kind: Kind, how_to_start: &str) -> Result<Vec<u8>, CliError> {
    if src.path != Path::new("-") && !src.path.exists() {
        return Err(no_such_state(src, how_to_start));
    }
    let bytes = read_bytes(src.path)?;
    match detect(&bytes) {
        found if found == kind || found == Kind::Unknown => Ok(bytes),
        found => Err(wrong_kind(src, kind, found)),
    }
}

/// The hex line of a typed text file of `kind`.
fn typed_hex(src: Src<'_>, kind: Kind) -> Result<String, CliError> {
    let bytes = read_bytes(src.path)?;
    let found = detect(&bytes);
    if found != kind {
        if found == Kind::Unknown {
            return Err(CliError::core(partcert::Error::InvalidField(match kind {
                Kind::SecretKey => {
                    "expected a secret key file (first line `partcert secret key v1`)"
                }
                Kind::PublicKey => {
                    "expected a public key file (first line `partcert public key v1`)"
                }
                _ => "expected a challenge file (first line `partcert challenge v1`)",
            }))
            .file(src.path)
            .flag(src.flag)
            .hint("`partcert show FILE` says what a file is")
            .exit(exit::USAGE));
        }
        return Err(wrong_kind(src, kind, found));
    }
    let invalid = |what: &'static str| {
        CliError::core(partcert::Error::InvalidField(what))
            .file(src.path)
            .hint("the file is damaged: restore it from a backup")
    };
    let text = String::from_utf8(bytes).map_err(|_| invalid("the file is not text"))?;
    let mut lines = meaningful_lines(&text).filter(|line| !line.starts_with("partcert "));
    let line = lines.next().ok_or(invalid("the file holds no hex line"))?;
    if lines.next().is_some() {
        return Err(invalid("expected exactly one line of hex after the header"));
    }
    Ok(line.to_owned())
}

fn hex32(src: Src<'_>, kind: Kind) -> Result<[u8; 32], CliError> {
    let line = typed_hex(src, kind)?;
    KeyId::from_hex(&line)
        .map(|id| id.0)
        .map_err(|error| CliError::core(error).file(src.path))
}

/// Reads a secret key file.
pub fn secret_key(src: Src<'_>) -> Result<SecretKey, CliError> {
    let mut seed = hex32(src, Kind::SecretKey)?;
    let key = SecretKey::from_seed(&seed);
    seed.fill(0);
    Ok(key)
}

/// Reads a public key file.
pub fn public_key(src: Src<'_>) -> Result<PublicKey, CliError> {
    let line = typed_hex(src, Kind::PublicKey)?;
    PublicKey::from_hex(&line).map_err(|error| CliError::core(error).file(src.path))
}

/// Reads a challenge file.
pub fn challenge(src: Src<'_>) -> Result<Challenge, CliError> {
    hex32(src, Kind::Challenge).map(Challenge::new)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The role of a part's own key (`part keygen`), as its key file records it.
pub const PART_KEY_ROLE: &str = "part";
/// How a secret key file records its role (since issue 18: a comment line,
/// so older versions read the file as before).
const ROLE_LINE: &str = "# role: ";
/// The label `part keygen` wrote before key files recorded their role.
const PART_KEY_LABEL: &str = "part secure element";

/// An authority's role as its key file records it: `blocklist-root`, ...
pub fn role_tag(role: AuthorityRole) -> String {
    role.name().replace(' ', "-")
}

/// The role a secret key file records: its `# role:` line, or in a file
/// written before that line existed, the label of its second line (`#
/// blocklist root "Name". Keep it secret...`). `None` when neither says.
pub fn secret_key_role(text: &str) -> Option<String> {
    let comments = || text.lines().map(str::trim).filter(|l| l.starts_with('#'));
    if let Some(role) = comments().find_map(|line| line.strip_prefix(ROLE_LINE)) {
        return Some(role.trim().to_owned());
    }
    let label = comments().find_map(|line| {
        line.strip_prefix("# ")
            .and_then(|rest| rest.split_once(". Keep it secret"))
            .map(|(label, _)| label)
    })?;
    if label == PART_KEY_LABEL {
        return Some(PART_KEY_ROLE.to_owned());
    }
    AuthorityRole::ALL
        .iter()
        .find(|role| label.starts_with(&format!("{} \"", role.name())))
        .map(|role| role_tag(*role))
}

/// The text of a secret key file of `role` (see [`secret_key_role`]).
pub fn secret_key_text(key: &SecretKey, role: &str, label: &str) -> String {
    let public = key.public_key();
    format!(
        "{SECRET_KEY_HEADER}\n\
         {ROLE_LINE}{role}\n\
         # {label}. Keep it secret: anyone holding it can sign as you.\n\
         # public key: {}\n\
         # key id:     {}\n\
         {}\n",
        public.to_hex(),
        public.key_id().to_hex(),
        hex(&key.to_seed()),
    )
}

/// The text of a public key file.
pub fn public_key_text(key: &PublicKey) -> String {
    format!(
        "{PUBLIC_KEY_HEADER}\n# key id: {}\n{}\n",
        key.key_id().to_hex(),
        key.to_hex()
    )
}

/// The text of a challenge file.
pub fn challenge_text(challenge: &Challenge) -> String {
    format!("{CHALLENGE_HEADER}\n{}\n", hex(challenge.nonce()))
}

/// `PREFIX.ext`.
pub fn with_extension(prefix: &Path, extension: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// Whether `path` means standard output.
pub fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// Checks that `path` may receive a new file of `kind`: it does not exist,
/// or `force` is given and it does not hold a secret key (unless the new
/// file is a secret key too). Checked for every output before anything is
/// signed or written.
pub fn check_can_write(path: &Path, kind: Kind, force: bool, flag: &str) -> Result<(), CliError> {
    if is_stdout(path) {
        if kind == Kind::SecretKey {
            return Err(
                CliError::usage("a secret key is never written to standard output")
                    .flag(format!("{flag} -"))
                    .hint("give a file prefix"),
            );
        }
        if !kind.is_text() && std::io::stdout().is_terminal() {
            return Err(CliError::usage(format!(
                "refusing to write a binary {} to a terminal",
                kind.name()
            ))
            .flag(format!("{flag} -"))
            .hint("redirect or pipe standard output, or give a file"));
        }
        return Ok(());
    }
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if metadata.is_dir() {
        return Err(CliError::usage("this is a folder, not a file")
            .file(path)
            .flag(flag.to_owned())
            .hint("give a file name inside it"));
    }
    let existing = std::fs::read(path)
        .map(|bytes| detect(&bytes))
        .unwrap_or(Kind::Unknown);
    if existing == Kind::SecretKey && kind != Kind::SecretKey {
        return Err(CliError::tool(
            ToolCode::SecretKeyInTheWay,
            format!(
                "holds a secret key; refusing to replace it with a {}, even with --force",
                kind.name()
            ),
        )
        .file(path)
        .flag(flag.to_owned())
        .hint("a lost secret key cannot be recovered: give another --out"));
    }
    if !force {
        return Err(CliError::tool(
            ToolCode::FileExists,
            format!("already exists (a {})", existing.name()),
        )
        .file(path)
        .flag(flag.to_owned())
        .hint(if existing == Kind::SecretKey {
            "give another --out, or --force to replace this secret key (the old one is lost)"
        } else {
            "give another --out, or --force to replace it"
        }));
    }
    Ok(())
}

/// Checks that `path` may receive a new secret key of `role`: as
/// [`check_can_write`] says, and a secret key already there is replaced
/// (with `--force`) only by a key of the same role — never a register's
/// root key by a part's key.
pub fn check_key_can_write(
    path: &Path,
    role: &str,
    force: bool,
    flag: &str,
) -> Result<(), CliError> {
    check_can_write(path, Kind::SecretKey, force, flag)?;
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(());
    };
    if detect(text.as_bytes()) != Kind::SecretKey {
        return Ok(());
    }
    let existing = secret_key_role(&text);
    if existing.as_deref() == Some(role) {
        return Ok(());
    }
    let held = existing.map_or_else(
        || "a secret key whose role its file does not say".to_owned(),
        |existing| format!("a {existing} secret key"),
    );
    Err(CliError::tool(
        ToolCode::SecretKeyInTheWay,
        format!("holds {held}; refusing to replace it with a {role} key, even with --force"),
    )
    .file(path)
    .flag(flag.to_owned())
    .hint(
        "a lost secret key cannot be recovered: give another --out (a key is replaced only by a \
         new key of the same role)",
    ))
}

/// How a written file may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Readable by anyone (certificates, lists, public keys).
    Public,
    /// Readable by the owner only (secret keys).
    Secret,
}

/// Writes a new file of `kind` (checked with [`check_can_write`]), or to
/// standard output for `-`.
pub fn write_new(
    path: &Path,
    bytes: &[u8],
    kind: Kind,
    force: bool,
    flag: &str,
) -> Result<(), CliError> {
    check_can_write(path, kind, force, flag)?;
    if is_stdout(path) {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|source| CliError::io(Path::new("standard output"), &source))?;
        return Ok(());
    }
    let access = if kind == Kind::SecretKey {
        Access::Secret
    } else {
        Access::Public
    };
    write_file(path, bytes, access, force)
}

/// Replaces a state file the command was given to update (`--state`,
/// `--rollback-state`), atomically.
pub fn update_state(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_file(path, bytes, Access::Public, true)
}

fn write_file(path: &Path, bytes: &[u8], access: Access, replace: bool) -> Result<(), CliError> {
    // Temporary file beside it, flushed, renamed, folder flushed: a power
    // cut leaves the old file or the new one. Its temporary name never
    // appears in a message.
    let mode = partcert::file::WriteMode {
        replace,
        secret: access == Access::Secret,
    };
    partcert::file::write_atomic(path, bytes, mode).map_err(|source| CliError::io(path, &source))
}
