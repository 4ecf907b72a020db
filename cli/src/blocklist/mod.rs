//! `partcert blocklist`: a register signs its lists (`new`, `delta`) and
//! serves them from a repository of static files (`publish`); a device
//! fetches them from it (`sync`) or applies them (`apply`), and stops
//! following a register (`unfollow`). One file per command; what the commands share lives in
//! [`listing`] (what a register lists and delists, and what the core says
//! it changed) and [`followed`] (the lists a device follows).
//!
//! The core decides every rule: one call publishes a list of any format
//! (`Authority::publish`), one applies it (`Blocklist::apply`); this
//! module reads the flags and files, and names them in each refusal.

mod apply;
mod delta;
mod followed;
mod listing;
mod new;
mod publish;
mod repository;
mod sync;
mod unfollow;

use partcert::blocklist::{ListVersion, SignedList};
use partcert::ids::StateDigest;
use partcert::{Certificate, Error, ObjectType};

use crate::error::CliError;
use crate::text;

pub use apply::{apply, apply_file};
pub use delta::delta;
pub use followed::{Followed, dropped_json, load_followed};
pub use new::new;
pub use publish::publish;
pub use repository::HEAD;
pub use sync::{file_refused, head_refused, sync};
pub use unfollow::unfollow;

/// A day, in seconds: a list's lifetime is given in days.
const DAY: u64 = 86_400;

/// The kind of object a signed list is, as files and messages name it.
fn object_type(list: &SignedList) -> ObjectType {
    match list {
        SignedList::Sorted(_) => ObjectType::BlocklistSnapshot,
        SignedList::Compact(_) => ObjectType::CompactSnapshot,
        SignedList::Delta(_) => ObjectType::BlocklistDelta,
    }
}

/// The certificate of the key that signed a list.
fn signer(list: &SignedList) -> &Certificate {
    match list {
        SignedList::Sorted(list) => list.signer_certificate(),
        SignedList::Compact(list) => list.signer_certificate(),
        SignedList::Delta(list) => list.signer_certificate(),
    }
}

/// The state digest of the list a device holds once it applied this one.
fn state_digest(list: &SignedList) -> StateDigest {
    match list {
        SignedList::Sorted(list) => list.state_digest(),
        SignedList::Compact(list) => list.state_digest(),
        SignedList::Delta(list) => list.result_digest(),
    }
}

/// The refusal of a list to sign that is not later than the one it follows
/// (`accepted`, and `after` says which that is), against `--sequence`, with
/// the first sequence to give (`or` says what else would do).
fn not_later(
    error: Error,
    version: ListVersion,
    accepted: ListVersion,
    after: &str,
    or: &str,
) -> CliError {
    let message = format!(
        "{} must come after {}{after}",
        text::version(version),
        text::version(accepted)
    );
    let hint = format!(
        "give --sequence {} or higher{or}",
        accepted.sequence.saturating_add(1)
    );
    CliError::flagged(format!("--sequence {}", version.sequence))(error)
        .message(message)
        .hint(hint)
}

/// The refusal of a list that delists more than 1 % of the list it
/// replaces (`held_by`: whose list that is), naming the count to confirm
/// with `--allow-delisting`; nothing is written.
fn mass_delisting(error: Error, held_by: &str, confirmed: Option<u64>) -> CliError {
    let Error::MassDelisting { dropped, held } = &error else {
        return CliError::core(error);
    };
    let mut hint = format!(
        "an export cut short or empty? check it; if these {dropped} really are to be delisted, \
         confirm with --allow-delisting {dropped}"
    );
    if let Some(confirmed) = confirmed {
        hint.push_str(&format!(
            " (--allow-delisting {confirmed} is not that count)"
        ));
    }
    let message = format!(
        "would delist {dropped} of the {held} keys {held_by} (more than 1 %); nothing was written"
    );
    CliError::core(error).message(message).hint(hint)
}
