//! `partcert verify` ([`part`]) and `partcert handset check` ([`handset`]):
//! evidence in, verdicts (and exit codes) out. What both load — the roots
//! pinned, the lists followed, the issuer chain — is loaded once, here.

mod handset;
mod part;
mod shards;

use std::path::Path;

use partcert::ids::KeyId;
use partcert::verify::BlocklistStatus;
use partcert::{Blocklist, Certificate, ErrorCode, TrustStore, Verifier};
use serde_json::Value;

use crate::args::TrustArgs;
use crate::blocklist::{Followed, apply_file, load_followed};
use crate::ctx::Ctx;
use crate::error::{CliError, ToolCode};
use crate::files::{self, Src};
use crate::trust::{apply_revocations, pin_blocklist_roots, pin_manufacturer_roots};

pub use handset::handset_check;
pub use part::verify;

/// How to make a rollback state `verify` can read.
const START_ROLLBACK: &str =
    "make one with `partcert blocklist apply --rollback-state FILE --init LIST`";
/// How to make a blocklist state `verify` can read.
const START_STATE: &str = "make one with `partcert blocklist apply --state FILE --init LIST`";

/// The one word a script checks: what the blocklist standing of a genuine
/// part or handset is.
fn verdict_word(status: &BlocklistStatus) -> &'static str {
    match status {
        BlocklistStatus::NotChecked => "not-checked",
        BlocklistStatus::Clean { .. } => "clean",
        BlocklistStatus::Stale { .. } => "stale",
        BlocklistStatus::Blocked { .. } => "blocked",
    }
}

/// The pinned roots, the lists accepted and the issuer chain, loaded once.
struct Loaded {
    trust: TrustStore,
    blocklist: Blocklist,
    /// Registers the saved state followed whose roots are no longer pinned.
    dropped: Vec<KeyId>,
    chain: Vec<Certificate>,
    now: u64,
}

impl Loaded {
    fn load(args: &TrustArgs, ctx: Ctx) -> Result<Self, CliError> {
        let now = ctx.now()?;
        let mut trust = TrustStore::new();
        pin_manufacturer_roots(&mut trust, &args.trust)?;
        pin_blocklist_roots(&mut trust, &args.blocklist_trust)?;
        apply_revocations(&mut trust, &args.revocations, now)?;
        let Followed {
            mut blocklist,
            dropped,
        } = load_followed(
            args.blocklist_state
                .as_deref()
                .map(|path| Src::new(path, "--blocklist-state")),
            args.rollback_state
                .as_deref()
                .map(|path| Src::new(path, "--rollback-state")),
            &trust,
            if args.blocklist_state.is_some() {
                START_STATE
            } else {
                START_ROLLBACK
            },
        )?;
        for path in &args.blocklist {
            apply_file(&mut blocklist, &trust, Src::new(path, "--blocklist"), now)?;
        }
        Ok(Loaded {
            trust,
            blocklist,
            dropped,
            chain: files::certificates(&args.chain, "--chain").map_err(CliError::untrusted)?,
            now,
        })
    }

    /// A verification error about `path`: the library's hint, or the
    /// tool's where a flag is the likely remedy rather than a counterfeit.
    fn explain(&self, error: partcert::Error, path: &Path) -> CliError {
        let hint = match error.code() {
            ErrorCode::UnknownIssuer if self.chain.is_empty() => Some(
                "no --chain was given: pass the certificate of the factory line that made it \
                 (--chain ISSUER.cert; its maker publishes its lines' certificates beside its root)",
            ),
            ErrorCode::UnknownIssuer => Some(
                "treat it as counterfeit: only roots and line certificates the shop got from the \
                 maker itself count, never ones that came with the part",
            ),
            ErrorCode::NoPartKey => Some(
                "only a part with a secure element answers a challenge: check it without \
                 --challenge and --response",
            ),
            ErrorCode::NotYetValid | ErrorCode::Expired => Some(
                "check this machine's clock (or --at); an expired certificate must be renewed \
                 by its issuer",
            ),
            _ => None,
        };
        let error = CliError::about(path)(error).untrusted();
        match hint {
            Some(hint) => error.hint(hint),
            None => error,
        }
    }

    /// The verifier. It always consults the lists loaded: a device that
    /// follows a register (from its saved state or anti-rollback marks) but
    /// was given no list from it reads stale ("missing"), and one that
    /// follows none reads "not checked".
    fn verifier(&self) -> Verifier<'_> {
        Verifier::new(&self.trust).with_blocklist(&self.blocklist)
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, CliError> {
    serde_json::to_value(value).map_err(|error| {
        CliError::tool(
            ToolCode::Internal,
            format!("cannot encode the result as JSON: {error}"),
        )
        .hint("a bug: please report it")
    })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
