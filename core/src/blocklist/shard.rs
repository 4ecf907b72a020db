//! Shards: a register's list cut by key into slices a device fetches one at
//! a time, each proven to be exactly its slice of the list the register
//! signed.
//!
//! A key's **position** is 64 bits: a part's are the first 64 bits of its
//! identity digest (so a compact list's fingerprint, a prefix of that
//! digest, lies where the part does), a handset's the first 64 bits of a
//! SHA-256 of its IMEI (IMEIs cluster by model; hashed, they spread
//! evenly). Its **shard** is the first `bits` bits of its position, with
//! `bits` at most [`MAX_SHARD_BITS`](crate::limits::MAX_SHARD_BITS) (20): a
//! server that serves a shard learns which 1/2^bits of the key space the
//! key lies in, nothing finer.
//!
//! A [`ShardSet`] cuts an [`AuthorityList`] as held (sorted; or compact,
//! with the changes of the deltas since its snapshot) into `2^bits` shards,
//! each carrying every listing and change whose key lies in its slice, in
//! the list's own order. The shards are the leaves of a Merkle tree
//! (RFC 6962's shape, as the compact list's blocks); the repository head
//! signs its root ([`ShardsRef`]), and each shard file carries the proof
//! from its leaf to that root. A proven shard therefore shows both what is
//! listed in its slice and that nothing else is: a device answers a key in
//! it exactly as the whole list would, fingerprint matches included.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compact::{CompactHit, CompactKey, DAY, PartFingerprint};
use super::held::{AuthorityList, Held};
use super::merkle::{self, Hash};
use super::objects::{BlockKey, BlocklistEntry, ListVersion, ListingStatus, Reason};
use super::repository::Head;
use super::sorted::OverlayChange;
use crate::envelope::decode_exact;
use crate::error::Error;
use crate::ids::{Fingerprint, Imei, KeyId, PartId, StateDigest};

mod packing;
use crate::limits::{MAX_SHARD_BITS, MAX_SHARD_ENTRIES, MAX_SHARD_LEN};
use packing::PackedHits;

/// A shard file starts with these four bytes, then [`SHARD_VERSION`].
const MAGIC: [u8; 4] = *b"PCSH";
/// The shard file format this library writes and reads.
pub const SHARD_VERSION: u8 = 1;
/// Every shard's leaf hashes this before its body.
const LEAF_DOMAIN: &[u8] = b"partcert/shard/v1\0";
/// Entries a shard holds on average, at most, when its bits are chosen
/// from the list's size ([`shard_bits_for`]).
const ENTRIES_PER_SHARD: u64 = 128;

/// The bits a list of `entries` keys is cut by: enough that a shard holds
/// about 128 keys on average, never more than
/// [`MAX_SHARD_BITS`](crate::limits::MAX_SHARD_BITS). A London register's million
/// listings take 13 bits (122 a shard); a national list of 200 million
/// takes 20 (191 a shard); past about 134 million keys the bound on what a
/// server may learn, not the shard's size, decides.
pub fn shard_bits_for(entries: u64) -> u32 {
    let shards = entries.div_ceil(ENTRIES_PER_SHARD).max(1);
    (u64::BITS - (shards - 1).leading_zeros()).min(MAX_SHARD_BITS)
}

/// A key's 64-bit position in the key space.
fn position(key: &BlockKey) -> u64 {
    match key {
        BlockKey::Part(part) => part_position(part),
        BlockKey::Imei(imei) => imei_position(*imei),
    }
}

fn part_position(part: &PartId) -> u64 {
    part.as_bytes()
        .first_chunk::<8>()
        .map_or(0, |head| u64::from_be_bytes(*head))
}

/// A handset's position: its IMEI (below 10^15 < 2^50) through a fixed
/// bijection of 50-bit numbers that spreads a model's consecutive IMEIs
/// over the whole key space, as the leading 50 bits of 64. A bijection, so
/// two IMEIs never share a position, and a shard keeps only the bits of it
/// its slice leaves free.
fn imei_position(imei: Imei) -> u64 {
    mix50(imei.as_u64()) << (u64::BITS - packing::IMEI_BITS)
}

/// Two rounds of multiply and xor-shift modulo 2^50: each step is
/// invertible on 50-bit numbers, so the whole is a bijection.
fn mix50(value: u64) -> u64 {
    const MASK: u64 = (1 << packing::IMEI_BITS) - 1;
    let mut x = value & MASK;
    x ^= x >> 25;
    x = x.wrapping_mul(0x0002_7d4e_b2f1_65a7 | 1) & MASK;
    x ^= x >> 25;
    x = x.wrapping_mul(0x0003_c6ef_372f_e94f | 1) & MASK;
    x ^= x >> 25;
    x
}

/// The shard of a position at `bits`.
fn slice(position: u64, bits: u32) -> u32 {
    match bits {
        0 => 0,
        bits => (position >> (u64::BITS - bits.min(MAX_SHARD_BITS))) as u32,
    }
}

/// The shard `key` lies in when a list is cut by `bits` (at most 20).
pub fn shard_of(key: &BlockKey, bits: u32) -> u32 {
    slice(position(key), bits)
}

/// A fingerprint's bits as the leading bits of a position.
fn fingerprint_position(print: &PartFingerprint) -> u64 {
    let aligned = print.bits().checked_shl(128 - print.width()).unwrap_or(0);
    (aligned >> 64) as u64
}

/// One listing of a compact list, as a shard holds it: the day only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ShardHit {
    key: HitKey,
    reason: Reason,
    status: ListingStatus,
    /// Days since the Unix epoch.
    day: u32,
    handset: Option<Imei>,
}

/// A listed key as a shard holds it. IMEIs sort before parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HitKey {
    /// A listed IMEI's mixed position (50 bits).
    Imei(u64),
    /// A listed part's fingerprint bits (the list's width).
    Part(u128),
}

/// A change since a compact snapshot, as a shard carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum ShardChange {
    Listed(BlocklistEntry),
    Delisted(BlockKey),
}

impl ShardChange {
    fn key(&self) -> BlockKey {
        match self {
            ShardChange::Listed(entry) => entry.key,
            ShardChange::Delisted(key) => *key,
        }
    }
}

/// What one shard of a list says, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum ShardContent {
    /// A sorted list's entries in the slice, by key.
    Sorted(
        #[serde(deserialize_with = "crate::bounded::vec::<_, _, MAX_SHARD_ENTRIES>")]
        Vec<BlocklistEntry>,
    ),
    /// A compact list's listings in the slice, packed, and the changes
    /// since its snapshot in the slice (by key).
    Compact {
        fingerprint_width: u8,
        hits: PackedHits,
        #[serde(deserialize_with = "crate::bounded::vec::<_, _, MAX_SHARD_ENTRIES>")]
        changes: Vec<ShardChange>,
    },
}

/// What one shard of a list says, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Content {
    Sorted(Vec<BlocklistEntry>),
    Compact {
        fingerprint_width: u32,
        hits: Vec<ShardHit>,
        changes: Vec<ShardChange>,
    },
}

/// A shard's body: which list's version, which slice, and what it holds
/// there. The root the head signs binds it to the register and the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ShardBody {
    version: ListVersion,
    bits: u8,
    index: u32,
    content: ShardContent,
}

/// The key bits a compact list's slice leaves free: of an IMEI's position,
/// and of a part's fingerprint.
fn free_bits(bits: u32, width: u32) -> Result<(u32, u32), Error> {
    let part = width
        .checked_sub(bits)
        .filter(|free| *free < u64::BITS)
        .ok_or(Error::InvalidField("a shard's fingerprint width"))?;
    Ok((packing::IMEI_BITS - bits, part))
}

impl ShardBody {
    /// Every structural rule, and the content read: the slice exists,
    /// every key lies in it, in order, valid.
    fn check(&self) -> Result<Content, Error> {
        let bits = u32::from(self.bits);
        if bits > MAX_SHARD_BITS || u64::from(self.index) >= 1u64 << bits {
            return Err(Error::InvalidField("a shard's slice is out of range"));
        }
        self.version.check_bounds()?;
        let outside = || Error::InvalidField("a shard carries a key outside its slice");
        match &self.content {
            ShardContent::Sorted(entries) => {
                let mut previous: Option<BlockKey> = None;
                for entry in entries {
                    entry.validate()?;
                    if shard_of(&entry.key, bits) != self.index {
                        return Err(outside());
                    }
                    if previous.is_some_and(|before| before >= entry.key) {
                        return Err(Error::NotCanonical("shard entries"));
                    }
                    previous = Some(entry.key);
                }
                Ok(Content::Sorted(entries.clone()))
            }
            ShardContent::Compact {
                fingerprint_width,
                hits,
                changes,
            } => {
                let width = u32::from(*fingerprint_width);
                if !(bits.max(1)..=128).contains(&width) {
                    return Err(Error::InvalidField("a shard's fingerprint width"));
                }
                let (imei_free, part_free) = free_bits(bits, width)?;
                let hits = hits.unpack(self.index, imei_free, part_free)?;
                let mut previous: Option<BlockKey> = None;
                for change in changes {
                    if let ShardChange::Listed(entry) = change {
                        entry.validate()?;
                    }
                    let key = change.key();
                    if let BlockKey::Imei(imei) = key {
                        imei.check()?;
                    }
                    if shard_of(&key, bits) != self.index {
                        return Err(outside());
                    }
                    if previous.is_some_and(|before| before >= key) {
                        return Err(Error::NotCanonical("shard changes"));
                    }
                    previous = Some(key);
                }
                Ok(Content::Compact {
                    fingerprint_width: width,
                    hits,
                    changes: changes.clone(),
                })
            }
        }
    }
}

impl ShardHit {
    fn of(hit: &CompactHit) -> Result<Self, Error> {
        if hit.listed_at % DAY != 0 {
            return Err(Error::InvalidField("a compact listing's day"));
        }
        let day = u32::try_from(hit.listed_at / DAY)
            .map_err(|_| Error::InvalidField("a compact listing's day"))?;
        Ok(ShardHit {
            key: match hit.key {
                CompactKey::Imei(imei) => HitKey::Imei(mix50(imei.as_u64())),
                CompactKey::Part(print) => HitKey::Part(print.bits()),
            },
            reason: hit.reason,
            status: hit.status,
            day,
            handset: hit.handset,
        })
    }

    /// The listing, if it matches `key` (an IMEI exactly, a part by its
    /// fingerprint), as the whole list reports it.
    fn matching(&self, key: &BlockKey, width: u32) -> Option<CompactHit> {
        let matched = match (&self.key, key) {
            (HitKey::Imei(position), BlockKey::Imei(imei)) => {
                (*position == mix50(imei.as_u64())).then_some(CompactKey::Imei(*imei))
            }
            (HitKey::Part(bits), BlockKey::Part(part)) => PartFingerprint::from_bits(*bits, width)
                .filter(|print| print.matches(part))
                .map(CompactKey::Part),
            _ => None,
        }?;
        Some(CompactHit {
            key: matched,
            reason: self.reason,
            status: self.status,
            listed_at: u64::from(self.day) * DAY,
            handset: self.handset,
        })
    }
}

/// What a repository head says of a list's shards: how the list is cut,
/// the root every shard proves itself under, and the list's own times
/// (which a device that never holds the list still judges it by).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ShardsRef {
    /// The version of the list cut (the head's).
    pub version: ListVersion,
    /// How many leading bits of a key's position name its shard.
    pub bits: u8,
    /// The Merkle root of the shards.
    pub root: Fingerprint,
    /// When the list was signed.
    pub list_issued_at: u64,
    /// When the list goes stale.
    pub list_expires_at: u64,
    /// The largest shard file's size: a device reads no more of any.
    pub max_size: u64,
}

impl ShardsRef {
    /// The path of shard `index` under the repository's root:
    /// `shards/<root>/<index, five hex digits>.pcsh`. A root names one cut
    /// of one list, so no shard file ever changes once published.
    pub fn path(&self, index: u32) -> String {
        format!("shards/{}/{index:05x}.pcsh", self.root.to_hex())
    }

    /// How many shards the list is cut into.
    pub fn count(&self) -> u32 {
        1 << self.bits.min(MAX_SHARD_BITS as u8)
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        if u32::from(self.bits) > MAX_SHARD_BITS {
            return Err(Error::InvalidField("a list cut into more than 2^20 shards"));
        }
        if self.max_size > MAX_SHARD_LEN as u64 {
            return Err(Error::LengthOverBound {
                field: "shard",
                length: usize::try_from(self.max_size).unwrap_or(usize::MAX),
                max: MAX_SHARD_LEN,
            });
        }
        self.version.check_bounds()
    }
}

/// A list cut into shards, with the Merkle tree over them: what a register
/// publishes beside its list ([`ShardSet::file`] for each shard, and
/// [`ShardSet::reference`] in its repository head).
#[derive(Debug, Clone)]
pub struct ShardSet {
    authority: KeyId,
    version: ListVersion,
    digest: StateDigest,
    issued_at: u64,
    expires_at: u64,
    bits: u32,
    bodies: Vec<Vec<u8>>,
    /// The tree's levels, the leaves first.
    levels: Vec<Vec<Hash>>,
}

impl ShardSet {
    /// Cuts `list` (as a device holds it, at its version) into shards:
    /// `bits` of them (at most 20), or, with `None`, as many as
    /// [`shard_bits_for`] its length says. A compact list is never cut
    /// finer than its fingerprints' width.
    pub fn build(list: &AuthorityList, bits: Option<u32>) -> Result<Self, Error> {
        let bits = bits.unwrap_or_else(|| shard_bits_for(list.len()));
        if bits > MAX_SHARD_BITS {
            return Err(Error::InvalidField("a list cut into more than 2^20 shards"));
        }
        // A compact list is never cut finer than its fingerprints.
        let (bits, contents) = match &list.held {
            Held::Sorted(entries) => {
                let mut slices: Vec<Vec<BlocklistEntry>> = vec![Vec::new(); 1 << bits];
                for entry in entries.iter() {
                    push(&mut slices, shard_of(&entry.key, bits), *entry)?;
                }
                (bits, slices.into_iter().map(ShardContent::Sorted).collect())
            }
            Held::Compact { snapshot, changes } => {
                let width = snapshot.list.fingerprint_width();
                let bits = bits.min(width);
                (bits, cut_compact(&snapshot.list, changes, bits, width)?)
            }
            Held::Shards(_) => {
                return Err(Error::InvalidField(
                    "a list held as shards cannot be cut again: cut the whole list",
                ));
            }
        };
        let contents: Vec<ShardContent> = contents;
        let mut bodies = Vec::with_capacity(contents.len());
        let mut leaves = Vec::with_capacity(contents.len());
        for (index, content) in contents.into_iter().enumerate() {
            let body = ShardBody {
                version: list.version,
                bits: bits as u8,
                index: index as u32,
                content,
            };
            let bytes = postcard::to_allocvec(&body)
                .map_err(|_| Error::MalformedBody("a shard could not be encoded"))?;
            if file_len(bits, bytes.len()) > MAX_SHARD_LEN {
                return Err(Error::LengthOverBound {
                    field: "shard",
                    length: file_len(bits, bytes.len()),
                    max: MAX_SHARD_LEN,
                });
            }
            leaves.push(leaf(&list.authority, &list.digest, &bytes));
            bodies.push(bytes);
        }
        Ok(ShardSet {
            authority: list.authority,
            version: list.version,
            digest: list.digest,
            issued_at: list.issued_at,
            expires_at: list.expires_at,
            bits,
            bodies,
            levels: merkle::levels(leaves),
        })
    }

    /// How many leading bits of a key's position name its shard.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// How many shards.
    pub fn count(&self) -> u32 {
        self.bodies.len() as u32
    }

    /// The version of the list cut.
    pub fn version(&self) -> ListVersion {
        self.version
    }

    /// The authority whose list it is.
    pub fn authority(&self) -> KeyId {
        self.authority
    }

    /// The list's state digest.
    pub fn digest(&self) -> StateDigest {
        self.digest
    }

    /// The Merkle root of the shards.
    pub fn root(&self) -> Fingerprint {
        Fingerprint(merkle::root_of_levels(&self.levels))
    }

    /// What a repository head says of these shards.
    pub fn reference(&self) -> ShardsRef {
        let max_size = self
            .bodies
            .iter()
            .map(|body| file_len(self.bits, body.len()))
            .max()
            .unwrap_or(0);
        ShardsRef {
            version: self.version,
            bits: self.bits as u8,
            root: self.root(),
            list_issued_at: self.issued_at,
            list_expires_at: self.expires_at,
            max_size: max_size as u64,
        }
    }

    /// Shard `index`'s file: its body and the proof from its leaf to the
    /// root (`None` past the last shard).
    pub fn file(&self, index: u32) -> Option<Vec<u8>> {
        let body = self.bodies.get(index as usize)?;
        let proof = merkle::proof_in(&self.levels, index as usize);
        let mut file = Vec::with_capacity(file_len(self.bits, body.len()));
        file.extend_from_slice(&MAGIC);
        file.push(SHARD_VERSION);
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend_from_slice(body);
        for sibling in proof {
            file.extend_from_slice(&sibling);
        }
        Some(file)
    }

    /// Every shard file's size, in order (for a repository's accounts).
    pub fn sizes(&self) -> impl Iterator<Item = usize> + '_ {
        self.bodies
            .iter()
            .map(|body| file_len(self.bits, body.len()))
    }
}

/// A compact list's listing, kept lean while a list is cut (16 bytes for
/// an IMEI; a national list holds hundreds of millions).
#[derive(Clone, Copy)]
struct Lean {
    /// An IMEI's mixed position, or a part fingerprint's bits.
    key: u128,
    /// Reason code, status and day, as `pack_meta` packs them.
    meta: u32,
    handset: Option<Imei>,
}

fn pack_meta(hit: &ShardHit) -> u32 {
    (hit.day & 0x00ff_ffff)
        | (hit.reason.code() << 24)
        | (u32::from(hit.status == ListingStatus::Suspended) << 28)
}

fn unpack_meta(key: HitKey, meta: u32, handset: Option<Imei>) -> Result<ShardHit, Error> {
    Ok(ShardHit {
        key,
        reason: Reason::from_code((meta >> 24) & 0xf)
            .ok_or(Error::InvalidField("a compact listing's reason"))?,
        status: if meta & (1 << 28) != 0 {
            ListingStatus::Suspended
        } else {
            ListingStatus::Final
        },
        day: meta & 0x00ff_ffff,
        handset,
    })
}

/// A compact list's shards, in order, in one pass over the list: its IMEIs
/// sorted by position (their shards in order), its part fingerprints in
/// the list's own order (already their shards'), and the changes since
/// its snapshot grouped by shard. No shard is held as a list of its own.
fn cut_compact(
    list: &super::compact::CompactList,
    changes: &super::sorted::Sorted<OverlayChange>,
    bits: u32,
    width: u32,
) -> Result<Vec<ShardContent>, Error> {
    let (imei_free, part_free) = free_bits(bits, width)?;
    let mut imeis: Vec<(u64, u32)> = Vec::new();
    let mut parts: Vec<Lean> = Vec::new();
    for hit in list.iter() {
        let hit = ShardHit::of(&hit)?;
        if hit.day > 0x00ff_ffff {
            return Err(Error::InvalidField("a compact listing's day"));
        }
        match hit.key {
            HitKey::Imei(position) => imeis.push((position, pack_meta(&hit))),
            HitKey::Part(print) => parts.push(Lean {
                key: print,
                meta: pack_meta(&hit),
                handset: hit.handset,
            }),
        }
    }
    // Positions are distinct (a bijection of distinct IMEIs).
    imeis.sort_unstable_by_key(|(position, _)| *position);
    // Already in order in the list; a stable sort keeps equal ones so.
    parts.sort_by_key(|part| part.key);
    let mut by_shard: BTreeMap<u32, Vec<ShardChange>> = BTreeMap::new();
    for change in changes.iter() {
        let change = match change {
            OverlayChange::Listed(entry) => ShardChange::Listed(*entry),
            OverlayChange::Delisted(key) => ShardChange::Delisted(*key),
        };
        by_shard
            .entry(shard_of(&change.key(), bits))
            .or_default()
            .push(change);
    }
    let imei_shard = |position: u64| slice(position << (u64::BITS - packing::IMEI_BITS), bits);
    let part_shard = |print: u128| {
        PartFingerprint::from_bits(print, width)
            .map_or(u32::MAX, |print| slice(fingerprint_position(&print), bits))
    };
    let (mut next_imei, mut next_part) = (0usize, 0usize);
    let mut contents = Vec::with_capacity(1 << bits);
    let mut hits: Vec<ShardHit> = Vec::new();
    for index in 0..1u32 << bits {
        hits.clear();
        while let Some(&(position, meta)) = imeis.get(next_imei) {
            if imei_shard(position) != index {
                break;
            }
            hits.push(unpack_meta(HitKey::Imei(position), meta, None)?);
            next_imei += 1;
        }
        while let Some(part) = parts.get(next_part) {
            if part_shard(part.key) != index {
                break;
            }
            hits.push(unpack_meta(
                HitKey::Part(part.key),
                part.meta,
                part.handset,
            )?);
            next_part += 1;
        }
        let changes = by_shard.remove(&index).unwrap_or_default();
        if hits.len() + changes.len() > MAX_SHARD_ENTRIES {
            return Err(Error::LengthOverBound {
                field: "shard entries",
                length: hits.len() + changes.len(),
                max: MAX_SHARD_ENTRIES,
            });
        }
        contents.push(ShardContent::Compact {
            fingerprint_width: width as u8,
            hits: PackedHits::pack(&hits, imei_free, part_free)?,
            changes,
        });
    }
    if next_imei != imeis.len() || next_part != parts.len() || !by_shard.is_empty() {
        return Err(Error::InvalidField("a key outside every shard"));
    }
    Ok(contents)
}

fn push<T>(slices: &mut [Vec<T>], index: u32, item: T) -> Result<(), Error> {
    let slice = slices
        .get_mut(index as usize)
        .ok_or(Error::InvalidField("a key outside every shard"))?;
    if slice.len() >= MAX_SHARD_ENTRIES {
        return Err(Error::LengthOverBound {
            field: "shard entries",
            length: slice.len() + 1,
            max: MAX_SHARD_ENTRIES,
        });
    }
    slice.push(item);
    Ok(())
}

/// A shard file's length: magic, version, body length, body, proof.
fn file_len(bits: u32, body: usize) -> usize {
    MAGIC.len() + 1 + 4 + body + bits as usize * 32
}

/// A shard's leaf binds its body to the register and the exact list (its
/// state digest): another register's shard, or another list's, with the
/// same body proves nothing under this root.
fn leaf(authority: &KeyId, digest: &StateDigest, body: &[u8]) -> Hash {
    merkle::leaf_of(&[LEAF_DOMAIN, authority.as_bytes(), digest.as_bytes(), body])
}

/// One shard, decoded and proven against a head's [`ShardsRef`]: what the
/// list says of every key in its slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    content: Content,
}

impl Shard {
    /// Decodes shard file `bytes` and proves it is shard `index` of the
    /// list `head` names (its register, version, state digest and cut):
    /// the size first (no more than the head's largest), the structure,
    /// the version and slice, then the proof to the head's root.
    pub fn decode(bytes: &[u8], head: &Head, index: u32) -> Result<Self, Error> {
        let shards = head.shards().ok_or(Error::InvalidField(
            "the repository serves no shards: fetch the whole list",
        ))?;
        let path = || shards.path(index);
        if bytes.len() as u64 > shards.max_size || bytes.len() > MAX_SHARD_LEN {
            return Err(Error::FileMismatch {
                path: path(),
                what: "size",
            });
        }
        let (body, content, body_bytes, proof) = Self::decode_unproven(bytes)?;
        if body.version != shards.version || u32::from(body.bits) != u32::from(shards.bits) {
            return Err(Error::FileMismatch {
                path: path(),
                what: "list (another version or another cut)",
            });
        }
        if body.index != index {
            return Err(Error::FileMismatch {
                path: path(),
                what: "slice",
            });
        }
        let count = 1usize << body.bits;
        if !merkle::verify(
            &leaf(&head.authority(), &head.digest(), body_bytes),
            index as usize,
            count,
            &proof,
            shards.root.as_bytes(),
        ) {
            return Err(Error::FileMismatch {
                path: path(),
                what: "proof",
            });
        }
        Ok(Shard {
            index: body.index,
            content,
        })
    }

    /// The structure alone (what a fuzzer drives): magic, version, the body
    /// and its rules, and a proof of exactly `bits` hashes, nothing after.
    #[allow(clippy::type_complexity)] // the parts one decode yields
    fn decode_unproven(bytes: &[u8]) -> Result<(ShardBody, Content, &[u8], Vec<Hash>), Error> {
        let rest = bytes.strip_prefix(&MAGIC).ok_or_else(|| {
            if MAGIC.starts_with(bytes) {
                Error::Truncated
            } else {
                Error::BadMagic
            }
        })?;
        let (&version, rest) = rest.split_first().ok_or(Error::Truncated)?;
        if version != SHARD_VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let (length, rest) = rest.split_first_chunk::<4>().ok_or(Error::Truncated)?;
        let length = u32::from_le_bytes(*length) as usize;
        if length > MAX_SHARD_LEN {
            return Err(Error::DeclaredLengthOverBound);
        }
        let body_bytes = rest.get(..length).ok_or(Error::Truncated)?;
        let body: ShardBody = decode_exact(body_bytes, "shard")?;
        let content = body.check()?;
        let proof_bytes = rest.get(length..).unwrap_or_default();
        let want = usize::from(body.bits) * 32;
        if proof_bytes.len() < want {
            return Err(Error::Truncated);
        }
        if proof_bytes.len() > want {
            return Err(Error::TrailingBytes(proof_bytes.len() - want));
        }
        let proof = proof_bytes
            .chunks_exact(32)
            .filter_map(|chunk| chunk.try_into().ok())
            .collect();
        Ok((body, content, body_bytes, proof))
    }

    /// Checks a shard file's structure without a head to prove it against
    /// (for fuzzing and diagnostics): the slice it claims.
    pub fn check_structure(bytes: &[u8]) -> Result<(ListVersion, u32, u32), Error> {
        let (body, _, _, _) = Self::decode_unproven(bytes)?;
        Ok((body.version, u32::from(body.bits), body.index))
    }

    /// The slice it covers.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// How many entries (listings and changes) it carries.
    pub fn len(&self) -> usize {
        match &self.content {
            Content::Sorted(entries) => entries.len(),
            Content::Compact { hits, changes, .. } => hits.len() + changes.len(),
        }
    }

    /// Whether it carries nothing (nothing in its slice is listed).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The shards a device holds of one list (at one version): each answers
/// for the keys in its slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeldShards {
    pub reference: ShardsRef,
    pub shards: BTreeMap<u32, Shard>,
}

/// What a held shard says of one key: as the whole list would.
pub(crate) enum ShardAnswer<'a> {
    /// A sorted list's entry for the key.
    Sorted(Option<&'a BlocklistEntry>),
    /// A change since the compact snapshot replaces what it says of the key.
    Changed(Option<&'a BlocklistEntry>),
    /// The compact snapshot's listings that match the key, in its order.
    Hits(Vec<CompactHit>),
}

impl HeldShards {
    /// The shard `key` lies in, or [`Error::ShardNotHeld`] when the device
    /// did not fetch it: a key no shard held answers for is never clean.
    pub(crate) fn answer(&self, key: &BlockKey) -> Result<ShardAnswer<'_>, Error> {
        let index = shard_of(key, u32::from(self.reference.bits));
        let shard = self.shards.get(&index).ok_or(Error::ShardNotHeld {
            key: key.to_string(),
            index,
        })?;
        Ok(match &shard.content {
            Content::Sorted(entries) => Sorted(
                entries
                    .binary_search_by(|entry| entry.key.cmp(key))
                    .ok()
                    .and_then(|at| entries.get(at)),
            ),
            Content::Compact {
                fingerprint_width,
                hits,
                changes,
            } => {
                if let Ok(at) = changes.binary_search_by(|change| change.key().cmp(key)) {
                    return Ok(ShardAnswer::Changed(match changes.get(at) {
                        Some(ShardChange::Listed(entry)) => Some(entry),
                        _ => None,
                    }));
                }
                ShardAnswer::Hits(
                    hits.iter()
                        .filter_map(|hit| hit.matching(key, *fingerprint_width))
                        .collect(),
                )
            }
        })
    }

    /// How many entries the held shards carry.
    pub(crate) fn len(&self) -> u64 {
        self.shards.values().map(|shard| shard.len() as u64).sum()
    }
}

use ShardAnswer::Sorted;
