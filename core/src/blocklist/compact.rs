//! Compact lists: one authority's listings as one byte buffer, coded near
//! the entropy bound and queried in place. The format and what it keeps
//! are documented on [`CompactList`].

// Layout version 3 (issue 17): built, tested and measured on its own; not
// wired into the signed objects yet.
#[allow(dead_code)]
mod blocked;
mod ef;
mod layout;

use std::sync::Arc;

use super::backing::{BlockCheck, ObjectBytes};
use super::objects::{BlockKey, BlocklistEntry, ListingStatus, Reason};
use crate::error::Error;
use crate::ids::{Imei, PartId};
use core::fmt;
use ef::Seq;
use layout::{ENTRY_META_BITS, HANDSET_BITS, HEADER_LEN, IMEI_BODIES, Layout, SeqLayout};

/// The layout version of the lists this library writes and reads (the
/// fifth byte of every list, and what a signed compact snapshot commits
/// to).
pub(crate) const LAYOUT_VERSION: u8 = layout::VERSION;

/// 2000-01-01T00:00:00Z: day 0 of the listing dates.
const DAY_ZERO: u64 = 946_684_800;
const DAY: u64 = 86_400;

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

fn imei_of_body(body: u128) -> Option<Imei> {
    let body = u64::try_from(body)
        .ok()
        .filter(|body| u128::from(*body) < IMEI_BODIES)?;
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
    /// The listed IMEIs' Elias-Fano coding: high bits, low bits and select
    /// samples.
    pub imei_key_bits: u64,
    /// The part fingerprints' Elias-Fano coding.
    pub part_key_bits: u64,
    /// Always 0 since layout version 2, which keeps a part's handset IMEI
    /// in its record (counted in `metadata_bits`) rather than in a side
    /// table of unlisted handsets.
    pub handset_table_bits: u64,
    /// Reason, status and day of every entry, and every part's handset
    /// IMEI (with padding).
    pub metadata_bits: u64,
    /// The header.
    pub header_bits: u64,
    /// The whole encoding, in bytes.
    pub total_bytes: u64,
}

impl CompactSizes {
    fn of(layout: &Layout) -> Self {
        CompactSizes {
            imei_key_bits: layout.imeis.key_bits(),
            part_key_bits: layout.parts.key_bits(),
            handset_table_bits: 0,
            metadata_bits: layout.imeis.meta_bits() + layout.parts.meta_bits(),
            header_bits: 8 * HEADER_LEN as u64,
            total_bytes: layout.total as u64,
        }
    }
}

fn seq<'a>(bytes: &'a [u8], layout: &'a SeqLayout) -> Seq<'a> {
    Seq::new(bytes, layout)
}

/// The queries, over bytes whose length matches their layout.
#[derive(Clone, Copy)]
struct Reader<'a> {
    bytes: &'a [u8],
    layout: &'a Layout,
}

impl<'a> Reader<'a> {
    fn imeis(self) -> Seq<'a> {
        seq(self.bytes, &self.layout.imeis)
    }

    fn parts(self) -> Seq<'a> {
        seq(self.bytes, &self.layout.parts)
    }

    fn fingerprint(self, part: &PartId) -> PartFingerprint {
        let width = self.layout.fingerprint_width;
        PartFingerprint {
            bits: prefix(part)
                .checked_shr(128u32.saturating_sub(width))
                .unwrap_or(0),
            width: width as u8,
        }
    }

    /// The value `key` is stored as, whether it is a part's, and the key
    /// to report; `None` for an IMEI whose check digit is wrong.
    fn stored(self, key: &BlockKey) -> Option<(u128, bool, CompactKey)> {
        match key {
            BlockKey::Imei(imei) => {
                let value = imei.as_u64();
                let body = value / 10;
                (value % 10 == check_digit(body)).then_some((
                    u128::from(body),
                    false,
                    CompactKey::Imei(*imei),
                ))
            }
            BlockKey::Part(part) => {
                let fingerprint = self.fingerprint(part);
                Some((fingerprint.bits, true, CompactKey::Part(fingerprint)))
            }
        }
    }

    fn seq_for(self, part: bool) -> Seq<'a> {
        if part { self.parts() } else { self.imeis() }
    }

    fn hit(self, part: bool, index: u64, key: CompactKey) -> CompactHit {
        let seq = self.seq_for(part);
        let meta = seq.meta(index, 0, ENTRY_META_BITS);
        let reason = match meta & 3 {
            1 => Reason::Lost,
            2 => Reason::Fraud,
            _ => Reason::Stolen,
        };
        let status = if (meta >> 2) & 1 == 1 {
            ListingStatus::Suspended
        } else {
            ListingStatus::Final
        };
        let day = (meta >> 3) & 0xffff;
        CompactHit {
            key,
            reason,
            status,
            listed_at: DAY_ZERO + day * DAY,
            handset: if part {
                imei_of_body(u128::from(seq.meta(index, ENTRY_META_BITS, HANDSET_BITS)))
            } else {
                None
            },
        }
    }

    fn lookup(self, key: &BlockKey) -> Option<CompactHit> {
        // The first match only: no read past it for the range's end.
        let (value, part, key) = self.stored(key)?;
        let (index, _) = self.seq_for(part).first(value)?;
        Some(self.hit(part, index, key))
    }

    fn lookup_all(self, key: &BlockKey) -> impl Iterator<Item = CompactHit> + 'a {
        // Read one by one: a caller taking a few never scans a long run of
        // parts sharing one fingerprint.
        self.stored(key)
            .into_iter()
            .flat_map(move |(value, part, key)| {
                self.seq_for(part)
                    .run(value)
                    .map(move |index| self.hit(part, index, key))
            })
    }

    /// The one-pass structure check (see [`CompactList::check_structure`]).
    fn check_structure(self) -> Result<(), Error> {
        let reason_ok = |seq: Seq<'_>, index: u64| seq.meta(index, 0, 2) != 3;
        let imeis = self.imeis();
        imeis.check(true, |index| reason_ok(imeis, index))?;
        let parts = self.parts();
        parts.check(false, |index| {
            let handset = u128::from(parts.meta(index, ENTRY_META_BITS, HANDSET_BITS));
            reason_ok(parts, index) && (handset < IMEI_BODIES || handset == u128::from(NO_HANDSET))
        })
    }

    fn iter(self) -> impl Iterator<Item = CompactHit> + 'a {
        let width = self.layout.fingerprint_width as u8;
        let imeis = self.imeis().values().filter_map(move |(index, body)| {
            let imei = imei_of_body(body)?;
            Some(self.hit(false, index, CompactKey::Imei(imei)))
        });
        let parts = self.parts().values().map(move |(index, bits)| {
            self.hit(
                true,
                index,
                CompactKey::Part(PartFingerprint { bits, width }),
            )
        });
        imeis.chain(parts)
    }
}

/// A compact list borrowed from bytes (a received buffer, a memory map):
/// queried in place, nothing copied.
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
    /// [`CompactList::MAX_KEYS`]) and [`Error::InvalidField`].
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        Ok(CompactListView {
            bytes,
            layout: Layout::parse(bytes)?,
        })
    }

    fn reader(&self) -> Reader<'_> {
        Reader {
            bytes: self.bytes,
            layout: &self.layout,
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of entries (listed IMEIs and parts).
    pub fn len(&self) -> u64 {
        self.layout.imeis.n + self.layout.parts.n
    }

    /// Whether it lists nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of listed IMEIs.
    pub fn imei_count(&self) -> u64 {
        self.layout.imeis.n
    }

    /// Number of listed parts.
    pub fn part_count(&self) -> u64 {
        self.layout.parts.n
    }

    /// Bits kept of each part digest.
    pub fn fingerprint_width(&self) -> u32 {
        self.layout.fingerprint_width
    }

    /// Whether `key` is listed, and how: for a part, the first listing
    /// whose fingerprint it matches.
    pub fn lookup(&self, key: &BlockKey) -> Option<CompactHit> {
        self.reader().lookup(key)
    }

    /// Every listing `key` matches (several only for parts whose
    /// fingerprints collide).
    pub fn lookup_all(&self, key: &BlockKey) -> impl Iterator<Item = CompactHit> + '_ {
        self.reader().lookup_all(key)
    }

    /// Every entry: the IMEIs in order, then the parts by fingerprint.
    pub fn iter(&self) -> impl Iterator<Item = CompactHit> + '_ {
        self.reader().iter()
    }

    /// Where the bits go.
    pub fn sizes(&self) -> CompactSizes {
        CompactSizes::of(&self.layout)
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

/// One authority's listings as one immutable buffer, coded near the
/// entropy bound and queried in place. Cloning shares the buffer.
///
/// A [`CompactList`] (owned) or [`CompactListView`] (borrowed, e.g. from a
/// memory map) answers [`lookup`](CompactList::lookup) straight from the
/// bytes. Loading checks a 24-byte header and that the buffer is exactly
/// as long as the header's two counts imply: nothing is parsed or
/// allocated per entry, and a hostile count only makes the lengths
/// disagree (a typed error, never an allocation).
///
/// # What is kept, and what is lost
///
/// - **IMEIs exactly.** A listed IMEI is stored as its 14-digit body (the
///   Luhn check digit is implied), in an Elias-Fano sequence over the
///   10^14 possible bodies. A lookup of an IMEI matches only that IMEI.
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
///   since 2000-01-01 (16 bits), read back as the start of that day (UTC);
///   the builder refuses times before 2000-01-01 or after 2179-06-06.
/// - **The handset of a part entry exactly**, as its IMEI's 14-digit body
///   in the part's own record (47 bits), so a part hit reads it from the
///   record it already reads: no second memory access. An IMEI entry
///   carries no handset: the builder refuses one that names one.
///
/// # Layout (version 2; all integers little-endian)
///
/// A 24-byte header — `"PCCL"`, version `2`, the fingerprint width `w`,
/// two zero bytes, then as u64 the counts of listed IMEIs and listed
/// parts — followed by two Elias-Fano sequences (listed IMEI bodies, part
/// fingerprints), each in three sections of 64-bit words: `select0`
/// samples (position of every 128th zero of the high bits), the high bits
/// in unary, and fixed-width records. A record holds the value's low bits
/// then its metadata: reason (2 bits: stolen, lost, fraud), status (1
/// bit: final, suspended), day (16 bits) and, for parts, the handset
/// IMEI's body (47 bits; all ones for none). Every section's offset and
/// length follows from the header, so one encoding exists per list.
///
/// # Trust
///
/// A buffer is trusted only after its signature check. Before that, any
/// bytes that pass the length checks can be queried without panicking or
/// allocating: a corrupted buffer gives wrong but defined answers (a
/// reason code of 3 reads as stolen).
#[derive(Clone)]
pub struct CompactList {
    /// The buffer the list lies in: its own, or (for a list decoded from
    /// a [`CompactSnapshot`](crate::CompactSnapshot)) the whole object's,
    /// shared rather than copied.
    buffer: ObjectBytes,
    /// Where the list starts in `buffer`; it is `layout.total` bytes long.
    start: usize,
    layout: Layout,
    /// For a list kept on disk: the check of each block as it is first
    /// read. `None` for a list checked whole when it was received.
    check: Option<Arc<BlockCheck>>,
}

impl CompactList {
    /// Most listed IMEIs, and most listed parts, one list may hold.
    pub const MAX_KEYS: u64 = layout::MAX_KEYS;

    /// A part not listed matches a listed fingerprint with probability at
    /// most 2^-`FALSE_POSITIVE_BITS` per lookup: fingerprints carry this
    /// many bits beyond what the list's size needs.
    pub const FALSE_POSITIVE_BITS: u32 = layout::MISS_BITS;

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
        let mut imeis: Vec<(u64, u64)> = Vec::new();
        let mut parts: Vec<PartRow> = Vec::new();
        for entry in entries {
            let entry = &entry;
            let meta = entry_meta(entry)?;
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
            let imei = imei_of_body(u128::from(a.0)).map(|imei| imei.to_string());
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
        let layout = Layout::plan(imeis.len() as u64, parts.len() as u64)?;

        let width = layout.fingerprint_width;
        let mut out = Vec::with_capacity(layout.total);
        out.extend_from_slice(&layout.header());
        ef::write(
            &mut out,
            &layout.imeis,
            imeis
                .iter()
                .map(|(body, meta)| (u128::from(*body), u128::from(*meta))),
        )?;
        drop(imeis);
        ef::write(
            &mut out,
            &layout.parts,
            parts.iter().map(|row| {
                (
                    prefix(&PartId(row.id)) >> (128 - width),
                    u128::from(row.meta) | u128::from(row.handset) << ENTRY_META_BITS,
                )
            }),
        )?;
        drop(parts);
        Ok((CompactList::from_bytes(out)?, given_twice))
    }

    /// Takes an encoded list after checking its header and length (O(1):
    /// nothing per entry; see [`CompactListView::new`] for the errors).
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Result<Self, Error> {
        let bytes = bytes.as_ref();
        let layout = Layout::parse(bytes)?;
        Ok(CompactList {
            buffer: ObjectBytes::copied(bytes, 0),
            start: 0,
            layout,
            check: None,
        })
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
    /// `check` checks as they are first read.
    pub(crate) fn in_object_checked(
        buffer: ObjectBytes,
        range: core::ops::Range<usize>,
        check: Arc<BlockCheck>,
    ) -> Result<Self, Error> {
        Ok(CompactList {
            check: Some(check),
            ..Self::in_object(buffer, range)?
        })
    }

    /// The block check of a list kept on disk.
    pub(crate) fn block_check(&self) -> Option<&Arc<BlockCheck>> {
        self.check.as_ref()
    }

    /// The exact size, and where the bits go, of the list holding these
    /// counts: computed, not built.
    pub fn sizes_for(imeis: u64, parts: u64) -> Result<CompactSizes, Error> {
        Ok(CompactSizes::of(&Layout::plan(imeis, parts)?))
    }

    /// The fingerprint width a list of `parts` listed parts uses:
    /// `ceil(log2(max(parts, 2))) + 41`.
    pub fn fingerprint_width_for(parts: u64) -> u32 {
        layout::fingerprint_width(parts)
    }

    /// A borrowed view of the same buffer.
    pub fn view(&self) -> CompactListView<'_> {
        CompactListView {
            bytes: self.as_bytes(),
            layout: self.layout,
        }
    }

    fn reader(&self) -> Reader<'_> {
        Reader {
            bytes: self.as_bytes(),
            layout: &self.layout,
        }
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        // The range was checked when the list was made.
        self.buffer
            .bytes()
            .get(self.start..self.start.saturating_add(self.layout.total))
            .unwrap_or_default()
    }

    /// Number of entries (listed IMEIs and parts).
    pub fn len(&self) -> u64 {
        self.view().len()
    }

    /// Whether it lists nothing.
    pub fn is_empty(&self) -> bool {
        self.view().is_empty()
    }

    /// Number of listed IMEIs.
    pub fn imei_count(&self) -> u64 {
        self.view().imei_count()
    }

    /// Number of listed parts.
    pub fn part_count(&self) -> u64 {
        self.view().part_count()
    }

    /// Bits kept of each part digest.
    pub fn fingerprint_width(&self) -> u32 {
        self.view().fingerprint_width()
    }

    /// Whether `key` is listed, and how: for a part, the first listing
    /// whose fingerprint it matches.
    pub fn lookup(&self, key: &BlockKey) -> Option<CompactHit> {
        self.view().lookup(key)
    }

    /// Every listing `key` matches (several only for parts whose
    /// fingerprints collide), read one by one.
    pub fn lookup_all(&self, key: &BlockKey) -> impl Iterator<Item = CompactHit> + '_ {
        self.reader().lookup_all(key)
    }

    /// Every entry: the IMEIs in order, then the parts by fingerprint.
    pub fn iter(&self) -> impl Iterator<Item = CompactHit> + '_ {
        self.reader().iter()
    }

    /// Where the bits go.
    pub fn sizes(&self) -> CompactSizes {
        self.view().sizes()
    }

    /// Checks in one linear pass that the list says the same thing to
    /// everyone who reads it — a lookup and an auditor iterating it: both
    /// Elias-Fano sequences hold exactly their counts, every `select0`
    /// sample points at its zero, IMEIs strictly increase and part
    /// fingerprints never decrease, every reason code and handset IMEI is
    /// in range, and padding is zero. [`Blocklist`](crate::Blocklist) runs
    /// it when it applies a compact snapshot, after the signature check.
    ///
    /// Errors: [`Error::NotCanonical`] (order or padding) and
    /// [`Error::InvalidField`] (samples, counts, record values).
    pub fn check_structure(&self) -> Result<(), Error> {
        self.reader().check_structure()
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
            .field("bytes", &self.layout.total)
            .finish()
    }
}

/// A part entry while building: its digest, its metadata, and its
/// handset's IMEI body ([`NO_HANDSET`] for none).
struct PartRow {
    id: [u8; 32],
    meta: u64,
    handset: u64,
}

/// No handset: all [`HANDSET_BITS`] ones, above every IMEI body.
const NO_HANDSET: u64 = (1 << HANDSET_BITS) - 1;

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

/// Reason, status and day, as stored.
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
