//! Compact lists: one authority's listings as one byte buffer, coded near
//! their information content and queried in place, one cache line a
//! lookup. The format is layout version 3 (`compact/blocked.rs`, which
//! documents its bytes); what it keeps is documented on [`CompactList`].

mod blocked;

use core::fmt;
use core::ops::ControlFlow;
use std::sync::Arc;

use super::backing::{Backing, BlockCheck, ObjectBytes};
use super::objects::{BlockKey, BlocklistEntry, ListingStatus, Reason};
use crate::error::Error;
use crate::ids::{Imei, PartId};
use blocked::{Holds, Key, Layout, NO_HANDSET, PartRow, Reader, Touch};

/// The layout version of the lists this library writes and reads (the
/// fifth byte of every list, and what a signed compact snapshot commits
/// to).
pub(crate) const LAYOUT_VERSION: u8 = blocked::VERSION;

/// 2000-01-01T00:00:00Z: day 0 of the listing dates.
const DAY_ZERO: u64 = 946_684_800;
pub(crate) const DAY: u64 = 86_400;

/// Bytes in a line, and the alignment a list's first line needs to be
/// one cache line.
const LINE: usize = blocked::LINE_BYTES;

impl From<blocked::Error> for Error {
    fn from(error: blocked::Error) -> Self {
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        match error {
            blocked::Error::Truncated => Error::Truncated,
            blocked::Error::TrailingBytes(n) => Error::TrailingBytes(n),
            blocked::Error::BadMagic => Error::BadMagic,
            blocked::Error::InvalidField(what) => Error::InvalidField(what),
            blocked::Error::NotCanonical(what) => Error::NotCanonical(what),
            blocked::Error::LengthOverBound { field, length, max } => Error::LengthOverBound {
                field,
                length: size(length),
                max: size(max),
            },
        }
    }
}

/// A list kept on disk checks each block it reads, the first time.
impl Touch for BlockCheck {
    #[inline]
    fn touch(&self, list: &[u8], at: usize, len: usize) {
        BlockCheck::touch(self, list, at, len);
    }

    fn touch_all(&self, list: &[u8]) {
        BlockCheck::touch_all(self, list);
    }
}

/// The counts a list and its view both answer, from their reader.
macro_rules! counts {
    () => {
        /// Number of entries (listed IMEIs and parts).
        pub fn len(&self) -> u64 {
            self.reader().len()
        }

        /// Whether it lists nothing.
        pub fn is_empty(&self) -> bool {
            self.reader().is_empty()
        }

        /// Number of listed IMEIs.
        pub fn imei_count(&self) -> u64 {
            self.reader().imei_count()
        }

        /// Number of listed parts.
        pub fn part_count(&self) -> u64 {
            self.reader().part_count()
        }

        /// Bits kept of each part digest.
        pub fn fingerprint_width(&self) -> u32 {
            self.reader().fingerprint_width()
        }
    };
}

/// The Luhn check digit of a 14-digit IMEI body.
fn check_digit(body: u64) -> u64 {
    let mut rest = body;
    let mut sum = 0;
    for _ in 0..7 {
        // From the right: the first digit of each pair is doubled.
        let pair = rest % 100;
        let (doubled, plain) = (pair % 10, pair / 10);
        let doubled = if doubled >= 5 {
            2 * doubled - 9
        } else {
            2 * doubled
        };
        sum += doubled + plain;
        rest /= 100;
    }
    (10 - sum % 10) % 10
}

fn imei_of_body(body: u64) -> Option<Imei> {
    if body >= blocked::IMEI_BODIES {
        return None;
    }
    Imei::from_u64(body * 10 + check_digit(body)).ok()
}

/// The first `width` bits of a part's identity digest: what a compact
/// list keeps of a listed part.
///
/// A hit on a fingerprint means *some* listed part has a digest starting
/// with these bits; for a part that is not listed this happens with
/// probability at most 2^-41 per lookup (see [`CompactList`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartFingerprint {
    bits: u128,
    width: u8,
}

// Kotlin and Swift: as it prints ("3fa01c…0/61"), read back as the start
// of a digest.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(PartFingerprint, String, {
    lower: |print| print.to_string(),
    try_lift: |text| {
        let not_one = || Error::InvalidField("a part fingerprint is its hex digits, '/' and its width");
        let (digits, width) = text.split_once('/').ok_or_else(not_one)?;
        let digest = PartId::from_hex(&format!("{digits:0<64}"))?;
        let print = width.parse().ok().and_then(|width| PartFingerprint::of(&digest, width));
        Ok(print.filter(|print| print.to_string() == text).ok_or_else(not_one)?)
    },
});

impl PartFingerprint {
    /// The first `width` bits (1 to 128) of `part`'s digest.
    pub fn of(part: &PartId, width: u32) -> Option<Self> {
        let shift = 128u32.checked_sub(width).filter(|_| width > 0)?;
        Some(PartFingerprint {
            bits: prefix(part) >> shift,
            width: width as u8,
        })
    }

    /// The fingerprint whose bits are the low `width` bits (1 to 128) of
    /// `bits` (`None` if `bits` has more).
    pub fn from_bits(bits: u128, width: u32) -> Option<Self> {
        let fits = width == 128 || bits >> width == 0;
        ((1..=128).contains(&width) && fits).then_some(PartFingerprint {
            bits,
            width: width as u8,
        })
    }

    /// The bits, as the low `width` bits of a number.
    pub fn bits(&self) -> u128 {
        self.bits
    }

    /// How many bits.
    pub fn width(&self) -> u32 {
        u32::from(self.width)
    }

    /// Whether `part`'s digest starts with these bits.
    pub fn matches(&self, part: &PartId) -> bool {
        PartFingerprint::of(part, self.width()).is_some_and(|mine| mine == *self)
    }
}

/// The digest's hex prefix (its last digit's unused low bits zero), a
/// slash and the width in bits: `3fa01c…0/61`.
impl fmt::Display for PartFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.width();
        let digits = width.div_ceil(4) as usize;
        let aligned = self
            .bits
            .checked_shl(4 * digits as u32 - width)
            .unwrap_or(0);
        write!(f, "{aligned:0digits$x}/{width}")
    }
}

/// In JSON, as it prints: `"3fa01c…0/61"`.
impl serde::Serialize for PartFingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

fn prefix(part: &PartId) -> u128 {
    part.as_bytes()
        .first_chunk::<16>()
        .map_or(0, |head| u128::from_be_bytes(*head))
}

/// What a compact list matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompactKey {
    /// A listed IMEI, exactly.
    Imei(Imei),
    /// A listed part's fingerprint.
    Part(PartFingerprint),
}

/// One listing found in (or read from) a compact list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompactHit {
    /// The IMEI, or the part fingerprint, that matched.
    pub key: CompactKey,
    /// Why it was listed.
    pub reason: Reason,
    /// Final or suspended.
    pub status: ListingStatus,
    /// The start (00:00 UTC) of the day it was listed, in seconds since
    /// the Unix epoch: the list keeps the day only.
    pub listed_at: u64,
    /// For part entries: the handset the part was paired to when listed.
    pub handset: Option<Imei>,
}

/// Where the bits of a compact list go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactSizes {
    /// The listed IMEIs' keys: each line's header and its keys' low bits
    /// and high parts.
    pub imei_key_bits: u64,
    /// The part fingerprints' keys, as for IMEIs.
    pub part_key_bits: u64,
    /// The two directories (a 32-bit entry per bucket of 32 to 80 keys).
    pub directory_bits: u64,
    /// The side table: the 47-bit IMEI body of each handset a part names
    /// that the list does not list itself (a listed one is named by a
    /// pointer to its entry, counted in `metadata_bits`).
    pub handset_table_bits: u64,
    /// Every entry's metadata code: reason, status and day (and, for a
    /// part, its handset as a pointer or a side table index), in as few
    /// bits as the list's own ranges need.
    pub metadata_bits: u64,
    /// What holds nothing: each line's unused bits (among them the fence
    /// that bounds the next line's first key), unused part record slots
    /// and section padding.
    pub padding_bits: u64,
    /// The header.
    pub header_bits: u64,
    /// The whole encoding, in bytes.
    pub total_bytes: u64,
}

impl From<blocked::Sizes> for CompactSizes {
    fn from(sizes: blocked::Sizes) -> Self {
        CompactSizes {
            imei_key_bits: sizes.imei_key_bits,
            part_key_bits: sizes.part_key_bits,
            directory_bits: sizes.directory_bits,
            handset_table_bits: sizes.side_table_bits,
            metadata_bits: sizes.metadata_bits,
            padding_bits: sizes.padding_bits,
            header_bits: sizes.header_bits,
            total_bytes: sizes.total_bytes,
        }
    }
}

/// The key `key` is looked up by in a list keeping `width`-bit part
/// fingerprints, and the key a hit reports; `None` for an IMEI whose
/// check digit is wrong (it matches nothing).
#[inline]
fn query(key: &BlockKey, width: u32) -> Option<(Key, CompactKey)> {
    match key {
        BlockKey::Imei(imei) => {
            let value = imei.as_u64();
            let body = value / 10;
            (value % 10 == check_digit(body)).then_some((Key::Imei(body), CompactKey::Imei(*imei)))
        }
        BlockKey::Part(part) => {
            let bits = blocked::fingerprint_of(part.as_bytes(), width);
            let print = PartFingerprint {
                bits,
                width: width as u8,
            };
            Some((Key::Part(bits), CompactKey::Part(print)))
        }
    }
}

/// A hit as the public types say it, reported as `key`.
#[inline]
fn compact_hit(hit: &blocked::Hit, key: CompactKey) -> CompactHit {
    CompactHit {
        key,
        reason: match hit.reason {
            1 => Reason::Lost,
            2 => Reason::Fraud,
            _ => Reason::Stolen,
        },
        status: if hit.suspended {
            ListingStatus::Suspended
        } else {
            ListingStatus::Final
        },
        listed_at: DAY_ZERO + u64::from(hit.day) * DAY,
        handset: hit.handset.and_then(imei_of_body),
    }
}

/// The queries, over a reader of the layout.
fn lookup<L: Holds>(reader: Reader<'_, L>, key: &BlockKey) -> Option<CompactHit> {
    let (query, reported) = query(key, reader.fingerprint_width())?;
    reader.lookup(query).map(|hit| compact_hit(&hit, reported))
}

fn lookup_all<'a, L: Holds + 'a>(
    reader: Reader<'a, L>,
    key: &BlockKey,
) -> impl Iterator<Item = CompactHit> + 'a {
    query(key, reader.fingerprint_width())
        .into_iter()
        .flat_map(move |(query, reported)| {
            reader
                .lookup_all(query)
                .map(move |hit| compact_hit(&hit, reported))
        })
}

fn entries<'a, L: Holds + 'a>(reader: Reader<'a, L>) -> impl Iterator<Item = CompactHit> + 'a {
    let width = reader.fingerprint_width() as u8;
    reader.iter().filter_map(move |hit| {
        let key = match hit.key {
            Key::Imei(body) => CompactKey::Imei(imei_of_body(body)?),
            Key::Part(bits) => CompactKey::Part(PartFingerprint { bits, width }),
        };
        Some(compact_hit(&hit, key))
    })
}

/// A compact list borrowed from bytes (a received buffer, a memory map):
/// queried in place, nothing copied. Its lines are cache lines when the
/// bytes start on a 64-byte boundary (a memory map's do); elsewhere a
/// lookup may read two cache lines where one would do.
///
/// ```
/// use partcert::Imei;
/// use partcert::blocklist::*;
/// let imei: Imei = "356938035643809".parse()?;
/// let list = CompactList::build(&[BlocklistEntry {
///     key: BlockKey::Imei(imei),
///     reason: Reason::Stolen,
///     listed_at: 1_700_000_000,
///     status: ListingStatus::Final,
///     handset: None,
/// }])?;
/// let view = CompactListView::new(list.as_bytes())?;
/// let hit = view.lookup(&BlockKey::Imei(imei)).unwrap();
/// assert_eq!(hit.key, CompactKey::Imei(imei));
/// assert_eq!(hit.listed_at, 1_699_920_000); // that day, 00:00 UTC
/// # Ok::<(), partcert::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct CompactListView<'a> {
    bytes: &'a [u8],
    layout: Layout,
}

impl<'a> CompactListView<'a> {
    /// Checks the header and that `bytes` is exactly as long as it says
    /// (O(1): nothing per entry). Errors: [`Error::Truncated`],
    /// [`Error::TrailingBytes`], [`Error::BadMagic`],
    /// [`Error::LengthOverBound`] (a count above
    /// [`CompactList::MAX_KEYS`]) and [`Error::InvalidField`] (another
    /// layout version, or header fields no list has).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        Ok(CompactListView {
            bytes,
            layout: Layout::parse(bytes)?,
        })
    }

    fn reader(&self) -> Reader<'_, &Layout> {
        Reader::with_layout(self.bytes, &self.layout, None)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    counts!();

    /// Whether `key` is listed, and how: for a part, the first listing
    /// whose fingerprint it matches.
    pub fn lookup(&self, key: &BlockKey) -> Option<CompactHit> {
        lookup(self.reader(), key)
    }

    /// Every listing `key` matches (several only for parts whose
    /// fingerprints collide), read one by one.
    pub fn lookup_all(&self, key: &BlockKey) -> impl Iterator<Item = CompactHit> + '_ {
        lookup_all(self.reader(), key)
    }

    /// Every entry: the IMEIs in the list's key order (see
    /// [`CompactList::iter`]), then the parts by fingerprint.
    pub fn iter(&self) -> impl Iterator<Item = CompactHit> + '_ {
        entries(self.reader())
    }

    /// Where the bits go (one pass over the lines).
    pub fn sizes(&self) -> CompactSizes {
        self.reader().sizes().into()
    }
}

impl fmt::Debug for CompactListView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompactListView")
            .field("imeis", &self.imei_count())
            .field("parts", &self.part_count())
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// One authority's listings as one immutable buffer, coded near their
/// information content and queried in place. Cloning shares the buffer.
///
/// A [`CompactList`] (owned) or [`CompactListView`] (borrowed, e.g. from a
/// memory map) answers [`lookup`](CompactList::lookup) straight from the
/// bytes, usually from one 64-byte line: one memory access for a miss or
/// an IMEI hit. Loading checks a 64-byte header and that the buffer is
/// exactly as long as the header implies: nothing is parsed or allocated
/// per entry, and a hostile count only makes the lengths disagree (a
/// typed error, never an allocation).
///
/// # What is kept, and what is lost
///
/// - **IMEIs exactly.** A listed IMEI is stored as its 14-digit body (the
///   Luhn check digit is implied), keyed through a public bijection of the
///   10^14 possible bodies (so one maker's consecutive serials spread over
///   the whole key space). A lookup of an IMEI matches only that IMEI.
/// - **Parts as fingerprints.** A listed part is stored as the first `w`
///   bits of its identity digest (a SHA-256 output), `w = ceil(log2(max(n,
///   2))) + 41` for `n` listed parts (42 to 73 bits; kept in the header).
///   A part that is *not* listed matches a stored fingerprint with
///   probability at most `n / 2^w ≤ 2^-41` per lookup (about one in 2.2
///   trillion), and a hit is reported as a hit on that
///   [`PartFingerprint`], never as the part itself.
/// - **Two listed parts whose fingerprints collide are both kept**, in
///   order of their full digests: [`lookup`](CompactList::lookup) reports
///   the first one's metadata, [`lookup_all`](CompactList::lookup_all)
///   every one. The builder never refuses a list for a collision (which a
///   grinder of serial numbers could otherwise force).
/// - **The listing time to the day.** `listed_at` is kept as a day number
///   since 2000-01-01 (coded from the list's own first day, in as few
///   bits as its range of days needs), read back as the start of that day
///   (UTC); the builder refuses times before 2000-01-01 or after
///   2179-06-06.
/// - **The handset of a part entry exactly**: a pointer to the listed
///   IMEI's entry when the handset is itself listed (as a reported
///   handset's parts are), else an index into a side table of the
///   unlisted handsets' IMEI bodies. A part hit reads its line and its
///   record, then that entry's line (or the table) for the handset. An
///   IMEI entry carries no handset: the builder refuses one that names
///   one.
///
/// # Layout (version 3; all integers little-endian)
///
/// A 64-byte header — `"PCCL"`, version `3`, the fingerprint width `w`,
/// the counts of listed IMEIs, listed parts and side table entries, each
/// sequence's line count, most entries in a line and range of days, and
/// which sequences hold suspended entries — then the IMEI lines and the
/// part lines (64 bytes each: a line header with its first key, then the
/// other keys as Elias-Fano relative to it; an IMEI line ends with its
/// entries' metadata codes), a directory per sequence (a u32 per bucket
/// of the key space, locating the bucket's first key to an eighth of a
/// line), the parts' records (metadata codes by line and slot) and the
/// side table. Every section's offset and length follows from the
/// header, and one encoding exists per list: the structure check refuses
/// any other. The byte format is specified in
/// `core/src/blocklist/compact/blocked.rs`.
///
/// # Trust
///
/// A buffer is trusted only after its signature check. Before that, any
/// bytes that pass the length checks can be queried without panicking or
/// allocating: a corrupted buffer gives wrong but defined answers until
/// [`check_structure`](CompactList::check_structure) passes.
///
/// A list a device keeps on disk is checked block by block as it is
/// first read, against the hashes its signature covers. Once a block
/// read does not match (the file was altered or cut short), the list
/// answers nothing — [`lookup`](CompactList::lookup) gives `None`,
/// iterations end — and [`Blocklist::lookup`](crate::Blocklist::lookup)
/// fails with [`Error::FileMismatch`]: a damaged file never answers.
#[derive(Clone)]
pub struct CompactList {
    /// The buffer the list lies in: its own, or (for a list decoded from
    /// a [`CompactSnapshot`](crate::CompactSnapshot)) the whole object's,
    /// shared rather than copied. The list starts on a 64-byte boundary.
    buffer: ObjectBytes,
    /// Where the list starts in `buffer`.
    start: usize,
    layout: Layout,
    /// For a list kept on disk: the check of each block as it is first
    /// read. `None` for a list checked whole when it was received.
    check: Option<Arc<BlockCheck>>,
}

/// A list just built, in the buffer it was written to, moved (at most 63
/// bytes along, within the buffer) so that it starts on a line boundary:
/// never copied to another buffer.
struct Built {
    buffer: Vec<u8>,
    start: usize,
}

impl Built {
    fn aligned(mut buffer: Vec<u8>) -> ObjectBytes {
        let len = buffer.len();
        buffer.reserve_exact(LINE);
        // Whatever the capacity now, the resize below stays within it: the
        // buffer does not move again.
        let start = (LINE - buffer.as_ptr() as usize % LINE) % LINE;
        buffer.resize(len + start, 0);
        buffer.copy_within(0..len, start);
        ObjectBytes::new(Built { buffer, start })
    }
}

impl Backing for Built {
    fn bytes(&self) -> &[u8] {
        self.buffer.get(self.start..).unwrap_or_default()
    }
}

impl CompactList {
    /// Most listed IMEIs, and most listed parts, one list may hold.
    pub const MAX_KEYS: u64 = blocked::MAX_KEYS;

    /// A part not listed matches a listed fingerprint with probability at
    /// most 2^-`FALSE_POSITIVE_BITS` per lookup: fingerprints carry this
    /// many bits beyond what the list's size needs.
    pub const FALSE_POSITIVE_BITS: u32 = blocked::MISS_BITS;

    /// Encodes `entries` (in any order).
    ///
    /// Refuses an entry listed twice ([`Error::NotCanonical`]), an invalid
    /// IMEI ([`Error::InvalidImei`]), a listing time before 2000-01-01 or
    /// after 2179-06-06, or an IMEI entry naming a handset
    /// ([`Error::InvalidField`]), and more than [`Self::MAX_KEYS`] IMEIs
    /// or parts ([`Error::LengthOverBound`]).
    pub fn build(entries: &[BlocklistEntry]) -> Result<Self, Error> {
        Self::build_from(entries.iter().copied())
    }

    /// Encodes the entries an iterator yields, as [`CompactList::build`]
    /// does, but an entry given twice alike is counted (and coded once)
    /// rather than refused; two different entries for one key are still
    /// refused ([`Error::Duplicate`]). Returns the list and the count.
    pub(crate) fn build_counting(
        entries: impl IntoIterator<Item = BlocklistEntry>,
    ) -> Result<(Self, u64), Error> {
        Self::build_rows(entries, true)
    }

    /// Encodes the entries an iterator yields, as [`CompactList::build`]
    /// does, without the caller holding them all: each is reduced to a
    /// 16-byte row (an IMEI) or a 48-byte row (a part) as it comes, so a
    /// national list of 200 million IMEIs needs about 3.2 GB of rows and
    /// the encoding, not 14 GB of entries.
    pub fn build_from(entries: impl IntoIterator<Item = BlocklistEntry>) -> Result<Self, Error> {
        Ok(Self::build_rows(entries, false)?.0)
    }

    fn build_rows(
        entries: impl IntoIterator<Item = BlocklistEntry>,
        count_twice: bool,
    ) -> Result<(Self, u64), Error> {
        // Everything is copied into flat rows first, so sorting and
        // writing never chase pointers into `entries`.
        let Rows {
            mut imeis,
            mut parts,
        } = rows(entries)?;
        imeis.sort_unstable();
        parts.sort_unstable_by_key(|row| (row.id, row.meta, row.handset));
        // Valid IMEIs with one body are one IMEI: the same entry twice is
        // counted (where asked), two entries for one key refused.
        let given = imeis.len() + parts.len();
        if count_twice {
            imeis.dedup();
            parts.dedup_by_key(|row| (row.id, row.meta, row.handset));
        }
        if let Some([a, _]) = imeis
            .windows(2)
            .find(|pair| matches!(pair, [a, b] if a.0 == b.0))
        {
            let imei = imei_of_body(a.0).map(|imei| imei.to_string());
            return Err(match (count_twice, imei) {
                (true, Some(imei)) => Error::Duplicate(format!("handset IMEI {imei}")),
                _ => Error::NotCanonical("compact list entries"),
            });
        }
        if let Some([a, _]) = parts
            .windows(2)
            .find(|pair| matches!(pair, [a, b] if a.id == b.id))
        {
            return Err(match count_twice {
                true => Error::Duplicate(BlockKey::Part(PartId(a.id)).to_string()),
                false => Error::NotCanonical("compact list entries"),
            });
        }
        let given_twice = (given - imeis.len() - parts.len()) as u64;
        let bytes = blocked::build(imeis, &parts)?;
        drop(parts);
        let buffer = Built::aligned(bytes);
        let len = buffer.bytes().len();
        Ok((Self::in_object(buffer, 0..len)?, given_twice))
    }

    /// Takes an encoded list after checking its header and length (O(1):
    /// nothing per entry; see [`CompactListView::new`] for the errors).
    /// The bytes are copied once, to a buffer where the lines are cache
    /// lines.
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Result<Self, Error> {
        let bytes = bytes.as_ref();
        Layout::parse(bytes)?;
        Self::in_object(ObjectBytes::copied(bytes, 0), 0..bytes.len())
    }

    /// The list at `range` of a signed object's bytes (received, or a
    /// saved file mapped), after the same checks as
    /// [`CompactList::from_bytes`]: nothing is copied.
    pub(crate) fn in_object(
        buffer: ObjectBytes,
        range: core::ops::Range<usize>,
    ) -> Result<Self, Error> {
        let bytes = buffer.bytes().get(range.clone()).ok_or(Error::Truncated)?;
        let layout = Layout::parse(bytes)?;
        Ok(CompactList {
            start: range.start,
            buffer,
            layout,
            check: None,
        })
    }

    /// As [`CompactList::in_object`], for a list kept on disk whose blocks
    /// `check` checks as they are first read, the header's now (a damaged
    /// one gives [`Error::FileMismatch`], not what its bytes would).
    pub(crate) fn in_object_checked(
        buffer: ObjectBytes,
        range: core::ops::Range<usize>,
        check: Arc<BlockCheck>,
    ) -> Result<Self, Error> {
        let list = buffer.bytes().get(range.clone()).unwrap_or_default();
        check.touch(list, 0, list.len().min(blocked::HEADER_LEN));
        check.result()?;
        Ok(CompactList {
            check: Some(check),
            ..Self::in_object(buffer, range)?
        })
    }

    /// An estimate of the size of a list holding these counts, and where
    /// its bits go, computed without building: the exact size depends on
    /// the keys (how many fit each line) and on the metadata's ranges.
    /// The estimate takes keys spread uniformly (as the IMEIs' bijection
    /// and the parts' digests spread them) and the widest metadata codes:
    /// listing days over the whole 16-bit range, suspended entries, and
    /// every part's handset a listed IMEI. A real list's metadata is
    /// usually narrower. Errors: [`Error::LengthOverBound`] for counts
    /// above [`Self::MAX_KEYS`].
    pub fn sizes_for(imeis: u64, parts: u64) -> Result<CompactSizes, Error> {
        Ok(blocked::estimate(imeis, parts)?.into())
    }

    /// The fingerprint width a list of `parts` listed parts uses:
    /// `ceil(log2(max(parts, 2))) + 41`.
    pub fn fingerprint_width_for(parts: u64) -> u32 {
        blocked::fingerprint_width(parts)
    }

    /// A borrowed view of the same buffer.
    pub fn view(&self) -> CompactListView<'_> {
        CompactListView {
            bytes: self.as_bytes(),
            layout: self.layout,
        }
    }

    /// The reader, telling the block check (if any) of every read.
    #[inline]
    fn reader(&self) -> Reader<'_, &Layout> {
        let check = self.check.as_deref().map(|check| check as &dyn Touch);
        Reader::with_layout(self.as_bytes(), &self.layout, check)
    }

    /// Whether no block read so far failed its check (always, for a list
    /// without one).
    #[inline]
    fn intact(&self) -> bool {
        self.check.as_ref().is_none_or(|check| !check.is_damaged())
    }

    /// [`Error::FileMismatch`] once a block read failed its check.
    fn damage(&self) -> Result<(), Error> {
        match &self.check {
            Some(check) => check.result(),
            None => Ok(()),
        }
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        // The range was checked when the list was made.
        self.buffer
            .bytes()
            .get(self.start..self.start.saturating_add(self.layout.total()))
            .unwrap_or_default()
    }

    /// Whether the list's lines are cache lines (its first byte is on a
    /// 64-byte boundary): true of every list this crate makes.
    pub(crate) fn lines_aligned(&self) -> bool {
        self.reader().lines_aligned()
    }

    counts!();

    /// Whether `key` is listed, and how: for a part, the first listing
    /// whose fingerprint it matches. `None` too once the list, kept on
    /// disk, was found damaged (see [`CompactList`], "Trust").
    #[inline]
    pub fn lookup(&self, key: &BlockKey) -> Option<CompactHit> {
        lookup(self.reader(), key).filter(|_| self.intact())
    }

    /// Every listing `key` matches (several only for parts whose
    /// fingerprints collide), read one by one.
    pub fn lookup_all(&self, key: &BlockKey) -> impl Iterator<Item = CompactHit> + '_ {
        lookup_all(self.reader(), key).take_while(|_| self.intact())
    }

    /// Every entry: the IMEIs in the list's key order (the order of its
    /// public bijection of IMEI bodies, not numeric order), then the parts
    /// by fingerprint (and by digest within one fingerprint).
    pub fn iter(&self) -> impl Iterator<Item = CompactHit> + '_ {
        entries(self.reader()).take_while(|_| self.intact())
    }

    /// Where the bits go (one pass over the lines).
    pub fn sizes(&self) -> CompactSizes {
        self.reader().sizes().into()
    }

    /// Checks in one linear pass that the list says the same thing to
    /// everyone who reads it — a lookup and an auditor iterating it: keys
    /// in order (IMEIs strictly, part fingerprints never decreasing, runs
    /// of equal ones flagged), every line holding its count's keys and as
    /// many as greedy packing puts there, its free bits as the builder
    /// writes them, both directories exactly as the lines imply, every
    /// metadata code in range, the side table in order and naming no
    /// listed IMEI, and all padding zero.
    /// [`Blocklist`](crate::Blocklist) runs it when it applies a compact
    /// snapshot, after the signature check.
    ///
    /// Errors: [`Error::NotCanonical`] (order, packing, free bits,
    /// padding), [`Error::InvalidField`] (counts, directories, codes) and,
    /// for a list kept on disk whose file no longer matches,
    /// [`Error::FileMismatch`].
    pub fn check_structure(&self) -> Result<(), Error> {
        let structure = self.reader().check_structure();
        self.damage()?;
        Ok(structure?)
    }

    /// Gives each listing of `key` to `each` in turn (as
    /// [`CompactList::lookup_all`] reads them) until it says to stop;
    /// allocates nothing. A listing is given only once the blocks it was
    /// read from are checked; [`Error::FileMismatch`] when a block read
    /// does not match the signed list.
    pub(crate) fn for_each_checked(
        &self,
        key: &BlockKey,
        mut each: impl FnMut(CompactHit) -> ControlFlow<()>,
    ) -> Result<(), Error> {
        for hit in lookup_all(self.reader(), key) {
            self.damage()?;
            if each(hit).is_break() {
                return Ok(());
            }
        }
        self.damage()
    }
}

impl PartialEq for CompactList {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for CompactList {}

impl fmt::Debug for CompactList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompactList")
            .field("imeis", &self.imei_count())
            .field("parts", &self.part_count())
            .field("bytes", &self.layout.total())
            .field("lines_aligned", &self.lines_aligned())
            .field("checked", &self.check)
            .finish()
    }
}

/// The rows a list is built from.
struct Rows {
    /// (IMEI body, packed meta).
    imeis: Vec<(u64, u64)>,
    parts: Vec<PartRow>,
}

/// Flat rows of `entries`, checked.
fn rows(entries: impl IntoIterator<Item = BlocklistEntry>) -> Result<Rows, Error> {
    let mut imeis: Vec<(u64, u64)> = Vec::new();
    let mut parts: Vec<PartRow> = Vec::new();
    for entry in entries {
        let meta = entry_meta(&entry)?;
        if let Some(handset) = entry.handset {
            handset.check()?;
        }
        match &entry.key {
            BlockKey::Imei(imei) => {
                imei.check()?;
                if entry.handset.is_some() {
                    return Err(Error::InvalidField(
                        "a compact list keeps a handset only for part entries",
                    ));
                }
                imeis.push((imei.as_u64() / 10, meta));
            }
            BlockKey::Part(part) => parts.push(PartRow {
                id: *part.as_bytes(),
                meta,
                handset: entry.handset.map_or(NO_HANDSET, |imei| imei.as_u64() / 10),
            }),
        }
    }
    Ok(Rows { imeis, parts })
}

/// The day number of a listing time.
fn day_of(listed_at: u64) -> Result<u64, Error> {
    listed_at
        .checked_sub(DAY_ZERO)
        .map(|since| since / DAY)
        .filter(|day| *day <= u64::from(u16::MAX))
        .ok_or(Error::InvalidField(
            "a compact list keeps listing days from 2000-01-01 to 2179-06-06",
        ))
}

/// Reason, status and day, packed as the layout's rows take them:
/// `reason | status << 2 | day << 3`.
fn entry_meta(entry: &BlocklistEntry) -> Result<u64, Error> {
    let reason = match entry.reason {
        Reason::Stolen => 0,
        Reason::Lost => 1,
        Reason::Fraud => 2,
    };
    let status = match entry.status {
        ListingStatus::Final => 0,
        ListingStatus::Suspended => 1,
    };
    Ok(reason | status << 2 | day_of(entry.listed_at)? << 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_match_the_imei_rules() {
        let mut body = 12_345_678_901_234u64;
        for _ in 0..10_000 {
            body = body.wrapping_mul(6_364_136_223).wrapping_add(1_442_695) % 100_000_000_000_000;
            let imei = Imei::with_check_digit(body).unwrap();
            assert_eq!(imei.as_u64(), body * 10 + check_digit(body));
        }
        assert_eq!(check_digit(35_693_803_564_380), 9);
        assert_eq!(imei_of_body(blocked::IMEI_BODIES), None);
    }

    #[test]
    fn fingerprints_print_as_digest_prefixes() {
        let mut digest = [0u8; 32];
        digest[0] = 0xab;
        digest[1] = 0xcd;
        digest[2] = 0xef;
        let part = PartId(digest);
        let print = PartFingerprint::of(&part, 10).unwrap();
        assert_eq!(print.bits(), 0b10_1010_1111);
        assert_eq!(print.to_string(), "abc/10");
        assert!(print.matches(&part));
        assert_eq!(PartFingerprint::of(&part, 0), None);
        assert_eq!(PartFingerprint::of(&part, 129), None);
        assert_eq!(
            PartFingerprint::of(&part, 128).unwrap().bits() >> 104,
            0xabcdef
        );
    }

    #[test]
    fn days() {
        assert_eq!(day_of(DAY_ZERO), Ok(0));
        assert_eq!(day_of(DAY_ZERO + 65_536 * DAY - 1), Ok(65_535));
        assert!(day_of(DAY_ZERO + 65_536 * DAY).is_err());
        assert!(day_of(DAY_ZERO - 1).is_err());
    }
}
