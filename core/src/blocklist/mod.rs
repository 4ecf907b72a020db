//! The blocklist wing: a register's signed lists in every format, and the
//! device that holds them.
//!
//! - **Formats** are a value ([`Format`]): a sorted snapshot, a compact
//!   snapshot (national scale, used in place), or a delta over either.
//!   A register signs any of them with one call, [`Authority::publish`]
//!   (over a [`Publication`]: format, optional base, changes), which says
//!   what changed ([`Changes`]); a device applies any of them with one
//!   call, [`Blocklist::apply`] (or [`Blocklist::apply_bytes`]).
//! - **A device** ([`Blocklist`]) holds each followed authority's list
//!   ([`AuthorityList`]), answers lookups ([`Listing`]) and says whether
//!   each list is current ([`ListChecked`], [`StaleReason`]); it saves and
//!   reloads its state and its anti-rollback marks ([`RollbackState`]).
//!
//! Rules held here:
//! - *Authorities are independent*: each authority's clock floor is its
//!   own newest list's issue time (capped by the rule for times); one
//!   authority's list can at most mark another's as possibly out of date,
//!   never have it refused.
//! - *The root outranks its delegates*: lists are ordered by (epoch,
//!   sequence), with no limit on the step; delegated keys sign only in the
//!   epoch their certificate names, and a later epoch is judged at the
//!   device's own clock.
//! - *A device remembers what it follows*: every authority with a mark is
//!   followed; its missing list reads as stale, until it is unfollowed.
//!
//! [`Authority::publish`]: crate::issue::Authority::publish

pub(crate) mod backing;
mod compact;
pub(crate) mod compact_snapshot;
mod device;
mod encoded;
mod guard;
mod held;
mod merkle;
mod objects;
mod publish;
mod repository;
mod saved;
mod shard;
mod sorted;
mod standing;
mod storage;

pub use compact::{
    CompactHit, CompactKey, CompactList, CompactListView, CompactSizes, PartFingerprint,
};
pub use compact_snapshot::CompactSnapshot;
pub use device::{Blocklist, ListRef};
pub use guard::{MASS_DELISTING_SHARE, check_delisting, dropped_by};
pub use held::AuthorityList;
pub use objects::{
    BlockKey, BlocklistDelta, BlocklistEntry, BlocklistSnapshot, ListVersion, ListingStatus, Reason,
};
pub use publish::{Base, Changes, Format, Publication, Published, SignedList};
pub use repository::{DeltaRef, FileRef, Head, ShardCheck, ShardFetch, Update};
pub use saved::lists_folder;
pub use shard::{SHARD_VERSION, Shard, ShardSet, ShardsRef, shard_bits_for, shard_of};
pub use standing::{ListChecked, Listing, MatchedKey, StaleReason};
pub use storage::{LoadedState, RollbackMark, RollbackState};

pub(crate) use held::Held;
pub(crate) use sorted::OverlayChange;
pub(crate) use standing::Probe;
