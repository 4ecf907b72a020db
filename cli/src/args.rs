//! The command line: every command, flag and value parser.

use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use partcert::blocklist::Reason;
use partcert::ids::KeyId;
use partcert::{Imei, PartKind, limits};

use crate::error::{Scope, exit_codes_help};

/// Signed phone-part certificates, pairing records and stolen-handset
/// blocklists: issue them, and check a part before you fit it.
#[derive(Debug, Parser)]
#[command(name = "partcert", version, after_help = exit_codes_help(Scope::All))]
pub struct Cli {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The flags every command takes, declared once.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Print one JSON object on standard output (errors too); its schema is
    /// in cli/schemas/. Scripts check its `verdict` (verify, handset
    /// check) or `ok`.
    #[arg(long, global = true)]
    pub json: bool,
    /// Act as of this time instead of now: seconds since the Unix epoch
    /// (1767225600) or an RFC 3339 date (2026-01-01T00:00:00Z, or
    /// 2026-01-01 for midnight UTC). A time before 2000 or after 2199
    /// (milliseconds?) is refused unless --force.
    #[arg(long, global = true, value_name = "WHEN", value_parser = parse_time, alias = "now")]
    pub at: Option<u64>,
    /// Replace an existing output file (never a secret key by anything but
    /// a new key), and accept implausible times and validities.
    #[arg(long, global = true)]
    pub force: bool,
    /// Text output: add the details a technician does not need to act —
    /// hex ids, key ids, list fingerprints' bounds, the clock checked at
    /// (always in --json).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a root: a manufacturer's trust anchor or a blocklist register's.
    #[command(subcommand)]
    Root(RootCommand),
    /// Create an authority certified by a root: a factory line, a pairing
    /// service or a blocklist publisher.
    #[command(subcommand)]
    Authority(AuthorityCommand),
    /// Part certificates and keyed parts.
    #[command(subcommand)]
    Part(PartCommand),
    /// Sign a pairing record: which parts sit in which handset.
    Pair(PairArgs),
    /// Publish, diff and apply blocklists of stolen and lost handsets.
    #[command(subcommand)]
    Blocklist(BlocklistCommand),
    /// Sign a revocation list of authority keys a root no longer trusts.
    Revoke(RevokeArgs),
    /// Make a fresh challenge for a keyed part to answer.
    #[command(subcommand)]
    Challenge(ChallengeCommand),
    /// Check a part: is it genuine, and is it (or its handset) blocklisted?
    #[command(after_help = exit_codes_help(Scope::Verify))]
    Verify(VerifyArgs),
    /// Check a whole handset against its pairing record.
    #[command(subcommand)]
    Handset(HandsetCommand),
    /// Print any partcert file in a readable form.
    Show(ShowArgs),
    /// Play the London story end to end in a temporary folder.
    Demo(DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page (roff), e.g. `partcert man > partcert.1`, or
    /// write a page per command into a folder with --out DIR.
    Man(ManArgs),
}

/// `partcert man`
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into this folder (`partcert.1`,
    /// `partcert-verify.1`, `partcert-blocklist-apply.1` …), made if
    /// missing; without it the main page goes to standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `partcert completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. `partcert completions bash > /etc/bash_completion.d/partcert`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `partcert root ...`
#[derive(Debug, Subcommand)]
pub enum RootCommand {
    /// Generate a root key and its self-signed certificate.
    New(RootNewArgs),
}

/// Which kind of root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RootRole {
    /// A phone maker's root: certifies factory lines and pairing services.
    #[value(alias = "manufacturer-root")]
    Manufacturer,
    /// A blocklist register's root (registry, operator): pinned separately.
    #[value(alias = "blocklist-root")]
    Blocklist,
}

/// `partcert root new`
#[derive(Debug, Args)]
pub struct RootNewArgs {
    /// The root's name, e.g. "Acme Phones root 2026".
    #[arg(long)]
    pub name: String,
    /// For a manufacturer root (required): a maker whose parts its factory
    /// lines may certify, e.g. "Acme" (repeat for several). A part verifies
    /// only if both its line and its root name its maker.
    #[arg(long, value_name = "NAME")]
    pub manufacturer: Vec<String>,
    /// Writes PREFIX.key (secret, mode 0600) and PREFIX.cert.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// Manufacturer root (default) or blocklist root.
    #[arg(long, value_enum, default_value = "manufacturer")]
    pub role: RootRole,
    /// How long the root certificate is valid, in days (0 or over 36500 only with --force).
    #[arg(long, value_name = "N", default_value_t = 365 * 30)]
    pub valid_days: u64,
}

/// `partcert authority ...`
#[derive(Debug, Subcommand)]
pub enum AuthorityCommand {
    /// Generate an authority key and have a root certify it.
    New(AuthorityNewArgs),
}

/// The role of a certified authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthorityRoleArg {
    /// A factory line certifying parts of the kinds in --kinds.
    PartIssuer,
    /// A pairing service signing which parts sit in which handset.
    #[value(alias = "pairing-service")]
    Pairing,
    /// A blocklist publisher, certified by a blocklist root.
    #[value(alias = "blocklist-authority")]
    Blocklist,
}

/// `partcert authority new`
#[derive(Debug, Args)]
pub struct AuthorityNewArgs {
    /// The root's secret key.
    #[arg(long, value_name = "ROOT.key")]
    pub root: PathBuf,
    /// The root's certificate.
    #[arg(long, value_name = "ROOT.cert")]
    pub root_cert: PathBuf,
    /// What the authority may do.
    #[arg(long, value_enum)]
    pub role: AuthorityRoleArg,
    /// The authority's name, e.g. "Acme factory line 3".
    #[arg(long)]
    pub name: String,
    /// For part issuers (required): the part kinds it may certify (board,
    /// screen, battery, rear-camera, front-camera, biometric, housing,
    /// charging-port, speaker, kind-N).
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    pub kinds: Vec<PartKind>,
    /// For part issuers: a maker whose parts it may certify, one of the
    /// root's (repeat for several; default: every maker the root names).
    #[arg(long, value_name = "NAME")]
    pub manufacturer: Vec<String>,
    /// For blocklist publishers: the one epoch whose lists the key may sign
    /// (default 0). Only the blocklist root opens a new epoch: to supersede
    /// a stolen publisher key, certify a new one for the next epoch.
    #[arg(long, value_name = "N")]
    pub epoch: Option<u64>,
    /// How long the certificate is valid, in days (0 or over 36500 only with --force).
    #[arg(long, value_name = "N", default_value_t = 365 * 10)]
    pub valid_days: u64,
    /// The certificate's serial number (default: random).
    #[arg(long, value_name = "N")]
    pub serial_number: Option<u64>,
    /// Writes PREFIX.key (secret, mode 0600) and PREFIX.cert.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
}

/// `partcert part ...`
#[derive(Debug, Subcommand)]
pub enum PartCommand {
    /// Certify a part (run by a factory line).
    Issue(PartIssueArgs),
    /// Generate the key pair of a part with a secure element.
    Keygen(PartKeygenArgs),
    /// Answer a challenge as a keyed part (what its secure element does).
    Respond(PartRespondArgs),
}

/// `partcert part issue`
#[derive(Debug, Args)]
pub struct PartIssueArgs {
    /// The part issuer's secret key.
    #[arg(long, value_name = "ISSUER.key")]
    pub issuer: PathBuf,
    /// The part issuer's certificate.
    #[arg(long, value_name = "ISSUER.cert")]
    pub issuer_cert: PathBuf,
    /// What the part is: board, screen, battery, rear-camera, ...
    #[arg(long, value_parser = parse_kind)]
    pub kind: PartKind,
    /// The part's serial, in its one written form: A-Z, 0-9 and -._/:#+
    /// (upper case, no spaces), e.g. SCR-0001.
    #[arg(long)]
    pub serial: String,
    /// The part's model, e.g. "A1 OLED".
    #[arg(long)]
    pub model: String,
    /// Who made it: one of the makers the issuer may certify (default: the
    /// issuer's maker, when its certificate names only one).
    #[arg(long, value_name = "NAME")]
    pub manufacturer: Option<String>,
    /// For boards: an IMEI the board carries (repeat for dual-SIM).
    #[arg(long, value_parser = parse_imei)]
    pub imei: Vec<Imei>,
    /// For parts with a secure element: the part's public key (PART.pub
    /// from `part keygen`, first line `partcert public key v1`; never the .key).
    #[arg(long, value_name = "PART.pub")]
    pub part_key: Option<PathBuf>,
    /// How long the certificate is valid, in days (0 or over 36500 only with --force).
    #[arg(long, value_name = "N", default_value_t = 365 * 30)]
    pub valid_days: u64,
    /// The certificate's serial number (default: random).
    #[arg(long, value_name = "N")]
    pub serial_number: Option<u64>,
    /// Where to write the part certificate (`-`: standard output).
    #[arg(long, value_name = "PART.cert")]
    pub out: PathBuf,
}

/// `partcert part keygen`
#[derive(Debug, Args)]
pub struct PartKeygenArgs {
    /// Writes PREFIX.key (secret, mode 0600) and PREFIX.pub.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
}

/// `partcert part respond`
#[derive(Debug, Args)]
pub struct PartRespondArgs {
    /// The part's secret key (`partcert secret key v1`): it must be the
    /// key the certificate names.
    #[arg(long, value_name = "PART.key")]
    pub part_key: PathBuf,
    /// The part's certificate.
    #[arg(long, value_name = "PART.cert")]
    pub cert: PathBuf,
    /// The verifier's challenge (from `partcert challenge new`).
    #[arg(long, value_name = "CHALLENGE")]
    pub challenge: PathBuf,
    /// Where to write the response (`-`: standard output).
    #[arg(long, value_name = "RESPONSE")]
    pub out: PathBuf,
}

/// `partcert challenge ...`
#[derive(Debug, Subcommand)]
pub enum ChallengeCommand {
    /// Write a fresh random nonce; use a new one for every check.
    New(ChallengeNewArgs),
}

/// `partcert challenge new`
#[derive(Debug, Args)]
pub struct ChallengeNewArgs {
    /// Where to write the challenge (`partcert challenge v1`, then the
    /// nonce in hex; `-`: standard output).
    #[arg(long, value_name = "CHALLENGE")]
    pub out: PathBuf,
}

/// `partcert pair`
#[derive(Debug, Args)]
pub struct PairArgs {
    /// The pairing service's secret key.
    #[arg(long, value_name = "PAIR.key")]
    pub service: PathBuf,
    /// The pairing service's certificate.
    #[arg(long, value_name = "PAIR.cert")]
    pub service_cert: PathBuf,
    /// The handset's board certificate (carries its IMEIs).
    #[arg(long, value_name = "BOARD.cert")]
    pub board: PathBuf,
    /// A part fitted in the handset (repeat, or give several).
    #[arg(long, value_name = "PART.cert", num_args = 1..)]
    pub part: Vec<PathBuf>,
    /// The handset's pairing sequence: 1 at the factory, counting up with
    /// each repair (at most 2^53-1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_sequence)]
    pub sequence: u64,
    /// This record follows a repair (default: a factory build).
    #[arg(long)]
    pub repair: bool,
    /// An earlier pairing record: the handset's previous record, or a
    /// donor handset's a part came from (repeat). Each part keeps the time
    /// a pairing service of its own maker first paired it, so "made before
    /// its line's key was revoked" survives the repair. Each must verify
    /// against --trust and be no later than this record.
    #[arg(long, value_name = "EARLIER.pair", requires = "trust")]
    pub previous: Vec<PathBuf>,
    /// With --previous: a pinned manufacturer root the earlier records must
    /// verify against (repeat for several makers).
    #[arg(long, value_name = "ROOT.cert", requires = "previous")]
    pub trust: Vec<PathBuf>,
    /// With --previous: a revocation list signed by a pinned root (repeat),
    /// applied before the earlier records are checked.
    #[arg(long, value_name = "LIST.pcrl", requires = "previous")]
    pub revocations: Vec<PathBuf>,
    /// Where to write the pairing record (`-`: standard output).
    #[arg(long, value_name = "HANDSET.pair")]
    pub out: PathBuf,
}

/// `partcert blocklist ...`
#[derive(Debug, Subcommand)]
pub enum BlocklistCommand {
    /// Publish a full signed snapshot (sorted `.pcbl`, or compact `.pcbc`
    /// with --compact).
    New(BlocklistNewArgs),
    /// Publish a delta: between two sorted snapshots, or over the list a
    /// saved state holds (a compact list's daily changes).
    Delta(BlocklistDeltaArgs),
    /// Check and apply snapshots and deltas in order, as a device does, and
    /// keep the anti-rollback state.
    #[command(after_help = exit_codes_help(Scope::Apply))]
    Apply(BlocklistApplyArgs),
    /// Stop following a register in a saved state (a rogue operator
    /// unpinned, a root re-pinned under a new key): its list and
    /// anti-rollback mark are dropped, every other register's kept.
    Unfollow(BlocklistUnfollowArgs),
    /// Add signed lists to a register's repository — a folder any static
    /// web server, object store or CDN serves as it is — and sign its head.
    ///
    /// The repository is DIR/head.pchd (the only file that changes in
    /// place, written last and atomically) and DIR/lists/HASH.EXT (each
    /// list under HASH, the SHA-256 of its bytes, never rewritten). Each LIST
    /// is checked as every device would check it, against the lists the
    /// repository serves: this register's, signed by a key allowed to sign
    /// it, later than the head, and not delisting more than 1 % of what
    /// devices hold unless --allow-delisting names the count. Old list
    /// files stay: a device mid-read still finds the files of the head it
    /// fetched (delete them yourself, once no head names them, if space
    /// matters). With no LIST, the head is signed again: do it at least
    /// every --head-expires-hours, or devices read the lists stale.
    Publish(BlocklistPublishArgs),
    /// Bring a device's saved state up to a register's repository, as
    /// served at URL by any web server: fetch URL/head.pchd, then only the
    /// files it names that the device lacks, each read to no more than the
    /// size the head gives and checked against its SHA-256 before it is
    /// decoded. The state is replaced, atomically, only once the update is
    /// whole; a refused head or file, or a network error, leaves it as it
    /// was.
    #[command(after_help = exit_codes_help(Scope::Sync))]
    Sync(BlocklistSyncArgs),
}

/// The signing authority of a blocklist command.
#[derive(Debug, Args)]
pub struct BlocklistSigner {
    /// The blocklist authority's (or blocklist root's) secret key.
    #[arg(long, value_name = "BL.key")]
    pub authority: PathBuf,
    /// Its certificate.
    #[arg(long, value_name = "BL.cert")]
    pub authority_cert: PathBuf,
}

/// `partcert blocklist new`
#[derive(Debug, Args)]
pub struct BlocklistNewArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub signer: BlocklistSigner,
    /// The snapshot's sequence: higher than any published before in its epoch.
    #[arg(long, value_name = "N")]
    pub sequence: u64,
    /// The snapshot's epoch (default: the epoch of --base, or 0). Lists are
    /// ordered by epoch, then sequence. The blocklist root may open a new
    /// epoch; a delegated publisher signs only the epoch it is certified for.
    #[arg(long, value_name = "N")]
    pub epoch: Option<u64>,
    /// Days until the snapshot is stale (0 or over 36500 only with --force).
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub expires_days: u64,
    /// Carry over every entry of this earlier snapshot: a sorted one (a
    /// compact list keeps parts as fingerprints only, so no list can be
    /// rebuilt from it).
    #[arg(long, value_name = "OLD.pcbl")]
    pub base: Option<PathBuf>,
    /// Write a compact snapshot (suggested extension `.pcbc`), for
    /// national-scale registers: IMEIs kept exactly, parts as fingerprints
    /// (a part not listed matches one with probability at most 2^-41 per
    /// lookup), listing times to the day. Devices apply it as they apply a
    /// sorted snapshot; a register keeps it current with deltas built over
    /// what devices hold (`blocklist delta --over`). Without
    /// --base it is signed straight from the IMEIs read, so
    /// --imeis-from takes a national list (200 million lines: about 3.2 GB
    /// of rows, not 14 GB of entries).
    #[arg(long)]
    pub compact: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub listing: ListingArgs,
    /// Sign a snapshot that delists more than 1 % of --base: the exact
    /// number it delists (the refusal says it). Without it, such a
    /// snapshot (a delist file that names half the list) is refused.
    #[arg(long, value_name = "N", requires = "base")]
    pub allow_delisting: Option<u64>,
    /// Where to write the snapshot (`-`: standard output); `.pcbc` for a
    /// compact one.
    #[arg(long, value_name = "LIST.pcbl")]
    pub out: PathBuf,
}

/// What to list and delist: the inputs `blocklist new` and
/// `blocklist delta --over` share.
#[derive(Debug, Args)]
pub struct ListingArgs {
    /// List a handset by IMEI (repeat).
    #[arg(long, value_parser = parse_imei)]
    pub imei: Vec<Imei>,
    /// List every IMEI in FILE (`-`: standard input): one per line, `#`
    /// comments and blank lines allowed. Every bad line is reported with
    /// its number, and nothing is signed if any is bad.
    #[arg(long, value_name = "FILE")]
    pub imeis_from: Vec<PathBuf>,
    /// List a reported handset's IMEIs and every part its pairing record
    /// names. Also a folder (every file in it, each a pairing record) or a
    /// text file naming one record per line (relative to the list's folder).
    #[arg(long, value_name = "HANDSET.pair|DIR|LIST")]
    pub from_pairing: Vec<PathBuf>,
    /// Why the new entries are listed.
    #[arg(long, default_value = "stolen", value_parser = reason_parser())]
    pub reason: Reason,
    /// The new entries are suspended pending inquiry (a lost phone that may turn up).
    #[arg(long)]
    pub suspended: bool,
    /// Delist a handset's IMEI (an entry of --base, or of the list --over
    /// holds).
    #[arg(long, value_parser = parse_imei)]
    pub delist_imei: Vec<Imei>,
    /// Delist every IMEI in FILE (`-`: standard input), as --imeis-from reads it.
    #[arg(long, value_name = "FILE")]
    pub delist_imeis_from: Vec<PathBuf>,
    /// Delist everything --from-pairing would list for this handset (it
    /// was found); a folder or a list file as for --from-pairing.
    #[arg(long, value_name = "HANDSET.pair|DIR|LIST")]
    pub delist_pairing: Vec<PathBuf>,
}

/// `partcert blocklist delta`
#[derive(Debug, Args)]
pub struct BlocklistDeltaArgs {
    /// The sorted snapshot devices hold (or use --over).
    #[arg(
        long,
        value_name = "OLD.pcbl",
        required_unless_present = "over",
        conflicts_with = "over"
    )]
    pub from: Option<PathBuf>,
    /// The sorted snapshot they should reach.
    #[arg(
        long,
        value_name = "NEW.pcbl",
        required_unless_present = "over",
        conflicts_with = "over"
    )]
    pub to: Option<PathBuf>,
    /// Build the delta over the list of this register that a saved state
    /// holds, as devices hold it (the register keeps such a mirror with
    /// `blocklist apply`), from the changes given with --imei,
    /// --imeis-from, --from-pairing and the --delist-* flags: how a compact
    /// list is kept current between compact snapshots.
    #[arg(long, value_name = "STATE.pcbs", requires_all = ["sequence", "blocklist_trust"])]
    pub over: Option<PathBuf>,
    /// With --over: the register's root certificate (the state's lists
    /// must chain to a pinned root).
    #[arg(long, value_name = "BLROOT.cert", requires = "over")]
    pub blocklist_trust: Vec<PathBuf>,
    /// With --over: the sequence the delta leads to, later than the list
    /// held (in its epoch).
    #[arg(long, value_name = "N", requires = "over")]
    pub sequence: Option<u64>,
    /// With --over: days until the list it leads to is stale (0 or over
    /// 36500 only with --force).
    #[arg(long, value_name = "N", requires = "over")]
    pub expires_days: Option<u64>,
    /// With --over: the register's repository (`blocklist publish
    /// --repo`). A mirror behind the repository's head is refused: every
    /// device would refuse a delta built over a list they have left
    /// behind.
    #[arg(long, value_name = "DIR", requires = "over")]
    pub repo: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub listing: ListingArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub signer: BlocklistSigner,
    /// Where to write the delta (`-`: standard output).
    #[arg(long, value_name = "D.pcbd")]
    pub out: PathBuf,
}

/// `partcert blocklist apply`
#[derive(Debug, Args)]
pub struct BlocklistApplyArgs {
    /// A pinned blocklist root certificate (repeat for several registers).
    #[arg(long, value_name = "BLROOT.cert", required = true)]
    pub blocklist_trust: Vec<PathBuf>,
    /// The blocklist state held: it must exist (unless --init), and is
    /// updated in place unless --out is given.
    #[arg(long, value_name = "STATE.pcbs", conflicts_with = "rollback_state")]
    pub state: Option<PathBuf>,
    /// Where to write the resulting state: every list accepted, with its
    /// anti-rollback marks (for `verify --blocklist-state`). A new file
    /// (or --force).
    #[arg(long, value_name = "NEW_STATE.pcbs")]
    pub out: Option<PathBuf>,
    /// Keep only the anti-rollback marks (epoch, sequence and digest per
    /// register): it must exist (unless --init), and is updated when every
    /// list applies.
    #[arg(long, value_name = "STATE.pcrb")]
    pub rollback_state: Option<PathBuf>,
    /// Start a new --state or --rollback-state from nothing (the file must
    /// not exist yet): a device's first run.
    #[arg(long)]
    pub init: bool,
    /// A revocation list signed by a pinned blocklist root (repeat): lists
    /// signed by a key it revokes are refused, and those held read stale.
    #[arg(long, value_name = "LIST.pcrl")]
    pub revocations: Vec<PathBuf>,
    /// Snapshots (sorted or compact) and deltas, applied in the order given.
    #[arg(value_name = "LIST", required_unless_present_any = ["state", "rollback_state"])]
    pub lists: Vec<PathBuf>,
}

/// `partcert blocklist publish`
#[derive(Debug, Args)]
pub struct BlocklistPublishArgs {
    /// The repository: a folder served as it is (created by the first
    /// publish, which needs a snapshot).
    #[arg(long, value_name = "DIR")]
    pub repo: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub signer: BlocklistSigner,
    /// The register's root certificate, to check the lists as devices
    /// pinning it do (default: --authority-cert, when that is the root).
    #[arg(long, value_name = "BLROOT.cert")]
    pub blocklist_trust: Option<PathBuf>,
    /// Hours until the head expires: a device that cannot fetch a fresher
    /// one then reads the lists stale (a frozen mirror is found out within
    /// this time). 0 or over a year only with --force.
    #[arg(long, value_name = "H", default_value_t = 24)]
    pub head_expires_hours: u64,
    /// Days a delta stays named in the head: a device further behind
    /// fetches the newest snapshot instead (0 or over 36500 only with
    /// --force).
    #[arg(long, value_name = "D", default_value_t = 30)]
    pub delta_window_days: u64,
    /// Publish a list that delists more than 1 % of what devices hold: the
    /// exact number it delists (the refusal says it).
    #[arg(long, value_name = "N")]
    pub allow_delisting: Option<u64>,
    /// Also cut the newest list into shards (shards/ROOT/INDEX.pcsh, named
    /// by the head), so a phone that cannot hold the list checks its keys
    /// against a few kilobytes (`verify --blocklist-repo URL`). Once a
    /// repository serves shards, every later publish cuts them too.
    #[arg(long)]
    pub shards: bool,
    /// How many leading bits of a key's position name its shard (0 to 20;
    /// default: from the list's size, about 128 keys a shard). A server
    /// learns which 1/2^N of the key space a device's key lies in.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub shard_bits: Option<u32>,
    /// Signed lists (`blocklist new`, `blocklist delta`), in the order a
    /// device applies them.
    #[arg(value_name = "LIST")]
    pub lists: Vec<PathBuf>,
}

/// `partcert blocklist sync`
#[derive(Debug, Args)]
pub struct BlocklistSyncArgs {
    /// The repository's address (http:// or https://), as `blocklist
    /// publish --repo` laid it out: URL/head.pchd, URL/lists/....
    #[arg(value_name = "URL", value_parser = parse_url)]
    pub url: String,
    /// A pinned blocklist root certificate (repeat for every register the
    /// state follows).
    #[arg(long, value_name = "BLROOT.cert", required = true)]
    pub blocklist_trust: Vec<PathBuf>,
    /// The device's saved state: it must exist (unless --init), and is
    /// replaced atomically once the update is whole.
    #[arg(long, value_name = "STATE.pcbs")]
    pub state: PathBuf,
    /// Start a new --state (the file must not exist yet): a device's first
    /// sync.
    #[arg(long)]
    pub init: bool,
    /// A revocation list signed by a pinned blocklist root (repeat): a head
    /// or list signed by a key it revokes is refused.
    #[arg(long, value_name = "LIST.pcrl")]
    pub revocations: Vec<PathBuf>,
    /// Seconds to wait for a connection and for each read; a file must
    /// also arrive within this time plus a second per 64 KiB of its size
    /// (a server that trickles bytes is given up on).
    #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout_secs: u64,
    /// How many more tries after a network error or a server error (5xx),
    /// pausing 0.5, 1, 2, 4, 8, 8... seconds between them.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
}

/// `partcert blocklist unfollow`
#[derive(Debug, Args)]
pub struct BlocklistUnfollowArgs {
    /// The saved blocklist state to stop following a register in: updated
    /// in place (atomically) unless --out is given.
    #[arg(
        long,
        value_name = "STATE.pcbs",
        required_unless_present = "rollback_state",
        conflicts_with = "rollback_state"
    )]
    pub state: Option<PathBuf>,
    /// Anti-rollback marks (from `blocklist apply --rollback-state`) to
    /// stop following a register in, instead of a saved state.
    #[arg(long, value_name = "STATE.pcrb")]
    pub rollback_state: Option<PathBuf>,
    /// The register to stop following: its root certificate, or a
    /// publisher certificate its root signed (repeat for several).
    #[arg(long, value_name = "BLROOT.cert", required_unless_present = "key")]
    pub authority_cert: Vec<PathBuf>,
    /// The register to stop following, by its root's key id (64 hex
    /// digits: `authority` in `blocklist apply --json`, or `key id` in
    /// `partcert show ROOT.cert`; repeat for several).
    #[arg(long, value_name = "KEYID", value_parser = parse_key_id)]
    pub key: Vec<KeyId>,
    /// With --state: the root of each register the state keeps following
    /// (repeat), as `blocklist apply` is given them. A state following a
    /// register whose root is neither given here nor named to unfollow is
    /// refused, and nothing is written.
    #[arg(long, value_name = "BLROOT.cert", requires = "state")]
    pub blocklist_trust: Vec<PathBuf>,
    /// Write the result here instead of updating the state given (a new
    /// file, or --force).
    #[arg(long, value_name = "NEW_STATE")]
    pub out: Option<PathBuf>,
}

/// `partcert revoke`
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The root's secret key.
    #[arg(long, value_name = "ROOT.key")]
    pub root: PathBuf,
    /// The root's certificate.
    #[arg(long, value_name = "ROOT.cert")]
    pub root_cert: PathBuf,
    /// The list's sequence: higher than any published before (at most
    /// 2^53-1). A new list replaces the root's previous one: give every key
    /// still revoked.
    #[arg(long, value_name = "N", value_parser = parse_sequence)]
    pub sequence: u64,
    /// The certificate of an authority whose key to revoke (repeat).
    #[arg(long, value_name = "AUTHORITY.cert")]
    pub authority: Vec<PathBuf>,
    /// A key to revoke by its key id, optionally with its own since time:
    /// KEYID or KEYID@WHEN (seconds or an RFC 3339 date; repeat).
    #[arg(long, value_name = "KEYID[@SINCE]", value_parser = parse_revoked_key)]
    pub key: Vec<KeyToRevoke>,
    /// From when the keys given without their own @SINCE are revoked
    /// (seconds since the Unix epoch, or an RFC 3339 date). 0, the default,
    /// revokes everything they ever signed; a later time spares what
    /// independent evidence (a pairing record) places before it.
    #[arg(long, value_name = "WHEN", default_value = "0", value_parser = parse_time)]
    pub since: u64,
    /// Where to write the revocation list (`-`: standard output).
    #[arg(long, value_name = "LIST.pcrl")]
    pub out: PathBuf,
}

/// What a verifier trusts and which lists it consults (shared by `verify`
/// and `handset check`).
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// A pinned manufacturer root certificate (repeat for several makers).
    #[arg(long, value_name = "ROOT.cert", required = true)]
    pub trust: Vec<PathBuf>,
    /// A pinned blocklist root certificate (repeat for several registers).
    #[arg(long, value_name = "BLROOT.cert")]
    pub blocklist_trust: Vec<PathBuf>,
    /// A blocklist state saved by `partcert blocklist apply --out`.
    #[arg(
        long,
        value_name = "STATE.pcbs",
        requires = "blocklist_trust",
        conflicts_with = "rollback_state"
    )]
    pub blocklist_state: Option<PathBuf>,
    /// A blocklist snapshot (sorted or compact), or a delta to apply after
    /// it (repeat, in order).
    #[arg(long, value_name = "LIST.pcbl", requires = "blocklist_trust")]
    pub blocklist: Vec<PathBuf>,
    /// A register's repository (http:// or https://, as `blocklist publish
    /// --repo --shards` laid it out): check against its list without
    /// holding it, fetching its head and the few shards the keys checked
    /// lie in (repeat for several registers). The server learns only which
    /// shards were fetched.
    #[arg(long, value_name = "URL", value_parser = parse_url, requires = "blocklist_trust")]
    pub blocklist_repo: Vec<String>,
    /// Refuse lists older than this anti-rollback state (from `blocklist
    /// apply --rollback-state`); it must exist.
    #[arg(long, value_name = "STATE.pcrb", requires = "blocklist_trust")]
    pub rollback_state: Option<PathBuf>,
    /// A revocation list signed by a pinned root (repeat).
    #[arg(long, value_name = "LIST.pcrl")]
    pub revocations: Vec<PathBuf>,
    /// The part issuer's certificate (repeat if unsure which): the
    /// factory line's, which its maker publishes beside its root.
    #[arg(long, value_name = "ISSUER.cert")]
    pub chain: Vec<PathBuf>,
    /// No blocklist is meant to be checked: a genuine part then exits 0,
    /// not 12 ("not checked").
    #[arg(
        long,
        conflicts_with_all = ["blocklist", "blocklist_state", "rollback_state", "blocklist_repo"]
    )]
    pub no_blocklist: bool,
}

/// `partcert verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The part certificate to check (`-` reads it from standard input).
    #[arg(value_name = "PART.cert")]
    pub part: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub trust: TrustArgs,
    /// The pairing record of the handset the part comes from.
    #[arg(long, value_name = "HANDSET.pair")]
    pub pairing: Option<PathBuf>,
    /// The challenge sent to a keyed part.
    #[arg(long, value_name = "CHALLENGE", requires = "response")]
    pub challenge: Option<PathBuf>,
    /// The keyed part's response to --challenge.
    #[arg(long, value_name = "RESPONSE", requires = "challenge")]
    pub response: Option<PathBuf>,
    /// The IMEI of the handset verifying, so the verdict says "fitted in
    /// this handset" or "used" (repeat for dual-SIM).
    #[arg(long, value_name = "IMEI", value_parser = parse_imei)]
    pub on_handset: Vec<Imei>,
    /// For boards: an IMEI the handset's modem reports, which must be signed
    /// into the board's certificate.
    #[arg(long, value_name = "IMEI", value_parser = parse_imei)]
    pub presented_imei: Vec<Imei>,
}

/// `partcert handset ...`
#[derive(Debug, Subcommand)]
pub enum HandsetCommand {
    /// Check every part fitted in a handset against its pairing record: what
    /// a technician runs after a repair, or a buyer before paying.
    #[command(after_help = exit_codes_help(Scope::Handset))]
    Check(HandsetCheckArgs),
}

/// `partcert handset check`
#[derive(Debug, Args)]
pub struct HandsetCheckArgs {
    /// The certificates read from the parts fitted.
    #[arg(value_name = "PART.cert", required = true)]
    pub parts: Vec<PathBuf>,
    /// The handset's own pairing record.
    #[arg(long, value_name = "HANDSET.pair")]
    pub pairing: PathBuf,
    /// An IMEI the handset's modem reports (repeat for dual-SIM); each must
    /// be in the pairing record.
    #[arg(long, value_name = "IMEI", value_parser = parse_imei)]
    pub modem_imei: Vec<Imei>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub trust: TrustArgs,
}

/// `partcert show`
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Any partcert file: certificate, pairing record, blocklist snapshot
    /// (sorted or compact) or delta, revocation list, challenge response, saved blocklist state,
    /// anti-rollback state, key (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// For a saved blocklist state: a register's root certificate (repeat),
    /// so each list the state holds from it is shown — version, dates,
    /// counts; without it a register is named by its key id only.
    #[arg(long, value_name = "BLROOT.cert")]
    pub blocklist_trust: Vec<PathBuf>,
}

/// `partcert demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Play the story in this folder and keep the files (default: a
    /// temporary folder, removed afterwards). The folder must be new or
    /// empty.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

fn parse_time(text: &str) -> Result<u64, String> {
    crate::text::parse_time(text)
}

/// The reasons a handset is listed for, by the names the core gives them.
fn reason_parser() -> impl clap::builder::TypedValueParser<Value = Reason> {
    clap::builder::PossibleValuesParser::new(Reason::ALL.iter().map(|reason| reason.name()))
        .try_map(|name| {
            Reason::ALL
                .iter()
                .copied()
                .find(|reason| reason.name() == name)
                .ok_or("not a reason the library knows")
        })
}

/// An http:// or https:// address, without a trailing `/`.
fn parse_url(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or("give an http:// or https:// address, e.g. https://lists.example.org/register")?;
    if rest.is_empty() || rest.starts_with('/') || text.contains(char::is_whitespace) {
        return Err("the address names no host".to_owned());
    }
    Ok(text.trim_end_matches('/').to_owned())
}

fn parse_sequence(text: &str) -> Result<u64, String> {
    let value = text
        .parse::<u64>()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    if value > limits::MAX_SEQUENCE {
        return Err(format!(
            "{value} is past the largest sequence devices accept ({}, 2^53-1)",
            limits::MAX_SEQUENCE
        ));
    }
    Ok(value)
}

fn parse_kind(text: &str) -> Result<PartKind, String> {
    text.parse::<PartKind>().map_err(|_| {
        let names: Vec<String> = PartKind::NAMED.iter().map(|kind| kind.name()).collect();
        format!("unknown part kind; one of {} or kind-N", names.join(", "))
    })
}

fn parse_key_id(text: &str) -> Result<KeyId, String> {
    KeyId::from_hex(text.trim()).map_err(|error| error.to_string())
}

fn parse_imei(text: &str) -> Result<Imei, String> {
    text.parse::<Imei>().map_err(|error| error.to_string())
}

/// A key named on the command line for revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyToRevoke {
    /// The key id.
    pub key: KeyId,
    /// Its own since time, if given.
    pub since: Option<u64>,
}

fn parse_revoked_key(text: &str) -> Result<KeyToRevoke, String> {
    let (id, since) = match text.split_once('@') {
        Some((id, since)) => {
            let since = parse_time(since)?;
            (id, Some(since))
        }
        None => (text, None),
    };
    let key = KeyId::from_hex(id).map_err(|error| error.to_string())?;
    Ok(KeyToRevoke { key, since })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
