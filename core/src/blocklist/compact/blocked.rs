//! Compact lists, layout version 3 ("blocked"): one 64-byte line per
//! lookup, keys and metadata near their information content, checked in
//! one linear pass.
//!
//! The crate's `CompactList` is this layout: it converts rows, hits and
//! errors, and keeps the bytes. This module uses nothing of the crate but
//! the standard library (a check of the bytes as they are read comes in
//! through [`Touch`]), so the integration tests and benches compile it in
//! by path to reach what the public API keeps inside (the sections, the
//! IMEI bijection, records with unresolved handsets).
//!
//! # What it keeps
//!
//! Two sorted sequences, each split into 64-byte *lines*:
//!
//! - **IMEIs**: a listed IMEI's 14-digit body `x < 10^14` is stored as
//!   its *key* `mix(x)`, a public bijection of `[0, 10^14)` (see
//!   [`mix_imei`]) that makes keys uniform, so one TAC's consecutive
//!   serials spread over the whole key space. Keys are distinct. An IMEI
//!   entry's metadata (reason, status, day) lives in its line: a hit reads
//!   one line.
//! - **Parts**: a part's key is its `w`-bit fingerprint (the first `w`
//!   bits of its identity digest, `w = ceil(log2(max(n, 2))) + 41`).
//!   Equal fingerprints are all kept, in the order of their full digests.
//!   A part's lines hold keys only; its metadata (reason, status, day and
//!   the handset) lives in a separate area addressed by (line, slot): a
//!   hit reads the line and one record. The handset is a pointer to the
//!   listed IMEI's (line, slot) (`ceil(log2(lines × max count))` bits, not
//!   a 47-bit body), or an index into a side table of unlisted handsets.
//!
//! # The byte format (version 3; integers little-endian)
//!
//! Bits are numbered from the least significant bit of the first byte:
//! bit `i` of a region is bit `i % 8` of its byte `i / 8`; a field of `k`
//! bits at bit `p` holds the number whose bit `t` is bit `p + t`.
//!
//! **Header** (64 bytes):
//!
//! | bytes | field |
//! |---|---|
//! | 0..4 | `"PCCL"` |
//! | 4 | version, `3` |
//! | 5 | fingerprint width `w` (must be `ceil(log2(max(n_parts, 2))) + 41`) |
//! | 6..8 | zero |
//! | 8..16 | `n_imeis` (u64) |
//! | 16..24 | `n_parts` (u64) |
//! | 24..32 | `n_side`: unlisted handsets in the side table (u64) |
//! | 32..36 | IMEI lines (u32) |
//! | 36..40 | part lines (u32) |
//! | 40..42 | most entries in one IMEI line, `maxc_i` (u16) |
//! | 42..44 | most entries in one part line, `maxc_p` (u16) |
//! | 44..46, 46..48 | IMEIs: first day, number of days `D_i` − 1 (u16 each) |
//! | 48..50, 50..52 | parts: first day, number of days `D_p` − 1 |
//! | 52 | flags: bit 0 some IMEI entry is suspended, bit 1 some part entry is |
//! | 53..64 | zero |
//!
//! A sequence with no entries has zero lines, zero max count and zero
//! day fields. **Sections** follow, each at a byte offset computed from
//! the header alone: IMEI lines (64 bytes each), part lines, the IMEI
//! directory (`B_i + 1` u32), the part directory (`B_p + 1` u32), the part
//! records (`part lines × maxc_p` records of `W_p` bits, in 64-bit words)
//! and the side table (`n_side` IMEI bodies of 47 bits, in 64-bit words).
//! The buffer is exactly as long as that: [`View::new`] checks it in
//! O(1). Lines start at byte 64, so they are cache lines when the buffer
//! starts on a 64-byte boundary (a memory map does; see
//! [`View::lines_aligned`]).
//!
//! **Per-sequence parameters**, derived from the header (so one list has
//! one encoding), for `n` keys below `U` (`10^14` for IMEIs, `2^w` for
//! parts; `u` bits hold any key: 47 or `w`):
//!
//! - the low-bit width `l`: the least `l ≥ 0` with `n · 2^{l+1} ≥ U`
//!   (Elias-Fano's optimum);
//! - the bucket shift `s`: the least `s ≤ u` with `n · 2^s ≥ T · U`
//!   (else `u`), `T` = 40 for IMEIs and 32 for parts, so a bucket holds
//!   `T` to `2T` keys on average; `B = ((U − 1) >> s) + 1` buckets, and
//!   bucket `b` holds the keys in `[b · 2^s, (b + 1) · 2^s)`;
//! - the metadata code: an entry's reason `r` (0 stolen, 1 lost, 2 fraud),
//!   status `t` (0 final, 1 suspended), day `d` and, for parts, handset
//!   code `h` are one number `v = r + 3·(t + S·((d − d_min) + D·h))` of
//!   `bits(3·S·D·H)` bits, where `S` is 2 if the flag says some entry of
//!   the sequence is suspended (else 1), `D` the number of days and `H`
//!   the number of handset codes (1 for IMEIs). A part's handset code is
//!   0 for none, `1 + line · maxc_i + slot` for a listed IMEI at that
//!   line and slot, and `1 + lines_i · maxc_i + k` for entry `k` of the
//!   side table; `H = 1 + lines_i · maxc_i + n_side`. `M` = the IMEI code
//!   width (metadata in the line), `W_p` = the part code width;
//! - the count width `cb` = `bits(1 + ⌊(512 − s − f − M) / (l + 1 + M)⌋)`
//!   where `f` is 1 for parts (the run flag) and 0 for IMEIs, `M` = 0 for
//!   parts; the line header is `h = s + cb + f` bits. (`bits(x)` is the
//!   number of bits that write every value below `x`.)
//!
//! **A line** (512 bits) holds `c ≥ 1` consecutive entries:
//!
//! - bits `[0, s)`: the first key minus its bucket's base (the bucket
//!   `b_L` follows from the directory, below); `[s, s + cb)`: `c − 1`;
//!   for parts, bit `s + cb`: set iff the first key equals the previous
//!   line's last key (a run of equal fingerprints continues);
//! - the other keys as Elias-Fano relative to the first: for entries
//!   `j = 1..c`, with `v_j = key_j − key_0` (non-decreasing), the low `l`
//!   bits of `v_j` at bit `h + (j − 1)·l`; then, from `u_0 = h + (c − 1)·l`,
//!   the high parts `H_j = v_j >> l` in unary: for each `j`, `H_j − H_{j−1}`
//!   zeros then a one (`H_0 = 0`), so the `j`-th one is at
//!   `u_0 + (j − 1) + H_j`;
//! - the metadata (IMEIs): entry `j`'s code at bit `512 − (j + 1)·M`;
//! - in between, the *fence*: with `R` free bits after the last one (below
//!   the metadata), `f_w = min(R, l + 3)` and `τ = l + 3 − f_w`, the
//!   `f_w` bits right after the last one hold
//!   `min(d >> τ, 2^{f_w} − 1)`, where `d = next − last − 1` (0 if the
//!   next line's first key is not above this line's last key, or for the
//!   last line): no key lies strictly between `last` and
//!   `last + 1 + (fence << τ)`, so most lookups that fall past a line's
//!   last key stop there. Every other free bit is zero.
//!
//! Lines are packed greedily: a line takes entries while
//! `h + (c − 1)·(l + 1) + H_{c−1} + c·M ≤ 512`, and no more.
//!
//! **The directory** of a sequence has `B + 1` u32 entries `E[b]`: for the
//! first entry `i_b` whose key is at least `b · 2^s` (`i_B = n`), at slot
//! `j` of line `L` of `c` entries, `E[b] = 8L + ⌈8j / c⌉` (`8 · lines` for
//! `i_B`). So `⌈E[b] / 8⌉` is the number of lines whose first key is below
//! bucket `b`, and `E[b] / 8` locates the bucket's start to an eighth of a
//! line. A line's bucket `b_L` is the largest `b` with `⌈E[b] / 8⌉ ≤ L`.
//!
//! **The part records**: record `L · maxc_p + j` (a part at slot `j` of
//! line `L`) is `W_p` bits at bit `(L · maxc_p + j) · W_p`; unused slots
//! and the padding are zero. **The side table** holds the unlisted
//! handsets' bodies, strictly increasing, 47 bits each.
//!
//! # A lookup
//!
//! Key `k` falls in bucket `b = k >> s`; the two directory entries `E[b]`,
//! `E[b + 1]` (adjacent, and the directory is small enough to stay in
//! cache: 0.5 to 1 bit a key) bound the lines that may hold it and, by
//! interpolation, predict one. That line is read (one cache line); its
//! first key, then one `select0` in its unary part and a low-bit compare
//! or two, say whether `k` is there, below it (read the line before) or
//! above it (the fence usually says no; else read the next line). After
//! two steps a lookup bisects the bounded range, so a list whose keys are
//! not uniform still answers in `O(log n)` lines. Nothing is allocated.
//!
//! # Trust
//!
//! Any bytes that pass [`View::new`] can be queried without panicking or
//! allocating, with wrong but defined answers until
//! [`View::check_structure`] passes. That check is one linear pass: keys
//! in order, every line's count, high parts, fence and free bits as the
//! builder writes them, every line as full as greedy packing makes it,
//! the directory exactly as the lines imply, every metadata code below
//! its alphabet, the records' unused slots zero, the side table in order,
//! the header's counts and maximum line count exact. It does not check
//! that the header's day range and suspended flags are the tightest
//! possible, nor that a handset pointer names an occupied slot (that would
//! cost a random read per part): a pointer to an empty slot reads as no
//! handset, to a lookup and an iteration alike.

use core::fmt;

/// The first four bytes of every compact list.
pub(crate) const MAGIC: [u8; 4] = *b"PCCL";
/// The layout version this module reads and writes.
pub(crate) const VERSION: u8 = 3;
/// The fixed header's length in bytes.
pub(crate) const HEADER_LEN: usize = 64;
/// Bytes in a line (one cache line).
pub(crate) const LINE_BYTES: usize = 64;
const LINE_BITS: u32 = 512;
/// IMEI bodies (14 digits; the Luhn digit is implied) are below this.
pub(crate) const IMEI_BODIES: u64 = 100_000_000_000_000;
const IMEI_BITS: u32 = 47;
/// Most keys per sequence.
pub(crate) const MAX_KEYS: u64 = 1 << 32;
/// Fingerprint bits beyond `ceil(log2 n)`.
pub(crate) const MISS_BITS: u32 = 41;
/// Most lines per sequence (so `8 · lines` fits a u32 directory entry).
pub(crate) const MAX_LINES: u64 = (1 << 29) - 1;
/// A part row's handset when it has none (all 47 bits set).
pub(crate) const NO_HANDSET: u64 = (1 << IMEI_BITS) - 1;
/// Keys a bucket holds at least, on average.
const IMEI_BUCKET_KEYS: u128 = 40;
const PART_BUCKET_KEYS: u128 = 32;
/// Fence bits beyond the low-bit width.
const FENCE_SLACK: u32 = 3;
const DIR_BYTES: u64 = 4;
const WORD_BYTES: u64 = 8;

// ---------------------------------------------------------------------
// Errors.

/// Why bytes are not a version 3 compact list, or rows cannot be one.
/// Each variant maps onto the crate error of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Error {
    /// The bytes end before the list does.
    Truncated,
    /// This many bytes follow the list.
    TrailingBytes(usize),
    /// Not a compact list.
    BadMagic,
    /// A field holds a value the layout does not allow.
    InvalidField(&'static str),
    /// Keys out of order, or bits the builder writes otherwise.
    NotCanonical(&'static str),
    /// A count above its bound.
    LengthOverBound {
        /// Which count.
        field: &'static str,
        /// Its value.
        length: u64,
        /// The bound.
        max: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("the compact list is truncated"),
            Error::TrailingBytes(n) => write!(f, "{n} bytes follow the compact list"),
            Error::BadMagic => f.write_str("not a compact list"),
            Error::InvalidField(what) => write!(f, "invalid field: {what}"),
            Error::NotCanonical(what) => write!(f, "not canonical: {what}"),
            Error::LengthOverBound { field, length, max } => {
                write!(f, "{field}: {length} exceeds {max}")
            }
        }
    }
}

impl std::error::Error for Error {}

fn invalid(what: &'static str) -> Error {
    Error::InvalidField(what)
}

fn over(field: &'static str, length: u64, max: u64) -> Error {
    Error::LengthOverBound { field, length, max }
}

// ---------------------------------------------------------------------
// The IMEI bijection.

const MIX_MASK: u64 = (1 << IMEI_BITS) - 1;
const MIX_SHIFT: u32 = 24;
const MIX_MUL: [u64; 2] = [
    0xbf58_476d_1ce4_e5b9 & MIX_MASK,
    0x94d0_49bb_1331_11eb & MIX_MASK,
];
const MIX_INV: [u64; 2] = [inverse(MIX_MUL[0]), inverse(MIX_MUL[1])];

/// The inverse of an odd number modulo 2^47 (Newton's iteration).
const fn inverse(odd: u64) -> u64 {
    let mut x = odd;
    let mut round = 0;
    while round < 6 {
        x = x.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(x)));
        round += 1;
    }
    x & MIX_MASK
}

const _: () = assert!(MIX_MUL[0] & 1 == 1 && MIX_MUL[1] & 1 == 1);
const _: () = assert!(MIX_MUL[0].wrapping_mul(MIX_INV[0]) & MIX_MASK == 1);
const _: () = assert!(MIX_MUL[1].wrapping_mul(MIX_INV[1]) & MIX_MASK == 1);
const _: () = assert!(2 * MIX_SHIFT >= IMEI_BITS);

/// A permutation of `[0, 2^47)`: xor-shift, multiply, xor-shift,
/// multiply, xor-shift (each step invertible; a xor-shift by 24 ≥ 47/2 is
/// its own inverse).
#[inline]
fn permute(x: u64) -> u64 {
    mix(x, MIX_MUL[0], MIX_MUL[1])
}

/// The inverse of [`permute`]: its steps backwards, with the inverse
/// multipliers.
#[inline]
fn unpermute(y: u64) -> u64 {
    mix(y, MIX_INV[1], MIX_INV[0])
}

#[inline]
fn mix(x: u64, first: u64, second: u64) -> u64 {
    let mut x = x & MIX_MASK;
    x ^= x >> MIX_SHIFT;
    x = x.wrapping_mul(first) & MIX_MASK;
    x ^= x >> MIX_SHIFT;
    x = x.wrapping_mul(second) & MIX_MASK;
    x ^ (x >> MIX_SHIFT)
}

/// The key of an IMEI body: [`permute`] applied until the value is below
/// `10^14` (cycle walking: a bijection of `[0, 10^14)`; 1.4 rounds on
/// average). `None` for a body not below `10^14`.
#[inline]
pub(crate) fn mix_imei(body: u64) -> Option<u64> {
    walk(body, permute)
}

/// The IMEI body of a key: the inverse of [`mix_imei`].
#[inline]
pub(crate) fn unmix_imei(key: u64) -> Option<u64> {
    walk(key, unpermute)
}

/// `step` applied to `value` until the result is below `10^14`.
#[inline]
fn walk(value: u64, step: fn(u64) -> u64) -> Option<u64> {
    if value >= IMEI_BODIES {
        return None;
    }
    let mut x = step(value);
    while x >= IMEI_BODIES {
        x = step(x);
    }
    Some(x)
}

// ---------------------------------------------------------------------
// Small arithmetic.

/// Bits needed to write every value in `0..count`.
fn bits_for(count: u128) -> u32 {
    if count <= 1 {
        0
    } else {
        128 - (count - 1).leading_zeros()
    }
}

/// The part fingerprint width for `n_parts` listed parts:
/// `ceil(log2(max(n, 2))) + 41`.
pub(crate) fn fingerprint_width(n_parts: u64) -> u32 {
    bits_for(u128::from(n_parts.max(2))) + MISS_BITS
}

/// The first `width` bits of a 32-byte digest.
pub(crate) fn fingerprint_of(digest: &[u8; 32], width: u32) -> u128 {
    let head = digest
        .first_chunk::<16>()
        .map_or(0, |head| u128::from_be_bytes(*head));
    head.checked_shr(128u32.saturating_sub(width)).unwrap_or(0)
}

/// The low `width` bits set (`width ≤ 64`).
#[inline]
fn low_mask(width: u32) -> u64 {
    u64::MAX.checked_shr(64 - width.min(64)).unwrap_or(0)
}

/// The Elias-Fano low-bit width for `n` keys below `universe`: the least
/// `l` with `n · 2^(l+1) ≥ universe`.
fn low_bits_for(n: u64, universe: u128) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut l = 0;
    while l < 100 && u128::from(n) << (l + 1) < universe {
        l += 1;
    }
    l
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// How many bytes' high bits are set in `x` (which has no other bits):
/// a multiply, not a popcount (the crate builds for baseline x86-64,
/// which has no popcount instruction).
#[inline]
fn count_highs(x: u64) -> u32 {
    ((x >> 7).wrapping_mul(ONES) >> 56) as u32
}

/// The position of the set bit of rank `rank` (from 0) in `word`, or
/// `None` if `word` has no more than `rank` set bits. Broadword and
/// branch-free but for that answer.
#[inline]
fn select_in_word(word: u64, rank: u32) -> Option<u32> {
    // Bits set per byte, then per byte the count up to and including it
    // (at most 64, so each byte's arithmetic stays in its byte).
    let mut counts = word - ((word >> 1) & 0x5555_5555_5555_5555);
    counts = (counts & 0x3333_3333_3333_3333) + ((counts >> 2) & 0x3333_3333_3333_3333);
    counts = (counts + (counts >> 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    let prefix = counts.wrapping_mul(ONES);
    if u64::from(rank) >= prefix >> 56 {
        return None;
    }
    let rank = u64::from(rank);
    // The bytes before the one holding the wanted bit: those whose count
    // up to them is at most `rank`.
    let at_most = ((rank.wrapping_mul(ONES) | HIGHS) - prefix) & HIGHS;
    let shift = 8 * count_highs(at_most);
    let before = (prefix << 8).checked_shr(shift).unwrap_or(0) & 0xff;
    let byte = (word >> shift) & 0xff;
    let in_byte = rank.wrapping_sub(before) & 7;
    // The same within the byte, one bit per byte.
    let spread = byte.wrapping_mul(ONES) & 0x8040_2010_0804_0201;
    let bits = ((spread + 0x7f7f_7f7f_7f7f_7f7f) >> 7) & ONES;
    let counts = bits.wrapping_mul(ONES);
    let at_most = ((in_byte.wrapping_mul(ONES) | HIGHS) - counts) & HIGHS;
    Some(shift + count_highs(at_most))
}

/// The bucket shift: the least `s ≤ ubits` with `n · 2^s ≥ target ·
/// universe`, else `ubits`.
fn shift_for(n: u64, universe: u128, ubits: u32, target: u128) -> u32 {
    let goal = universe.saturating_mul(target);
    (0..=ubits)
        .find(|s| u128::from(n) << s >= goal)
        .unwrap_or(ubits)
}

// ---------------------------------------------------------------------
// Checking bytes as they are read.

/// Told of every read of a list's bytes before it is made: a list kept on
/// disk checks each block it covers against the signed leaves the first
/// time (`BlockCheck` in the crate). A lookup of a list without one pays
/// one predictable branch a read.
pub(crate) trait Touch: Sync {
    /// Bytes `at..at + len` of `list` (the whole list) are about to be
    /// read.
    fn touch(&self, list: &[u8], at: usize, len: usize);

    /// Every byte of `list` is about to be read.
    fn touch_all(&self, list: &[u8]) {
        self.touch(list, 0, list.len());
    }
}

/// The list's bytes and what is told of reads of them, if anything.
#[derive(Clone, Copy)]
struct Guard<'a> {
    list: &'a [u8],
    check: Option<&'a dyn Touch>,
}

impl Guard<'_> {
    #[inline]
    fn touch(&self, at: usize, len: usize) {
        if let Some(check) = self.check {
            check.touch(self.list, at, len);
        }
    }
}

// ---------------------------------------------------------------------
// Reading and writing bits.

/// A line: eight little-endian 64-bit words.
#[derive(Clone, Copy)]
struct Words([u64; 8]);

impl Words {
    #[inline]
    fn of(bytes: &[u8]) -> Self {
        let mut words = [0u64; 8];
        for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            if let Some(chunk) = chunk.first_chunk::<8>() {
                *word = u64::from_le_bytes(*chunk);
            }
        }
        Words(words)
    }

    #[inline]
    fn word(&self, index: u32) -> u64 {
        self.0.get(index as usize).copied().unwrap_or(0)
    }

    /// `width ≤ 64` bits at `pos` (bits past the line read as zero).
    /// Branch-free: two words, two shifts, a mask.
    #[inline]
    fn get(&self, pos: u32, width: u32) -> u64 {
        let index = pos / 64;
        let offset = pos % 64;
        let low = self.word(index) >> offset;
        // `<< 1 << (63 − offset)`: no shift by 64 when the offset is 0.
        let high = (self.word(index + 1) << 1) << (63 - offset);
        (low | high) & low_mask(width)
    }

    /// `width ≤ 128` bits at `pos`.
    #[inline]
    fn wide(&self, pos: u32, width: u32) -> u128 {
        let low = width.min(64);
        u128::from(self.get(pos, low)) | u128::from(self.get(pos + low, width - low)) << 64
    }

    /// Sets `width ≤ 64` bits at `pos` (which must be zero) to `value`.
    fn put(&mut self, pos: u32, width: u32, value: u64) -> Result<(), Error> {
        if width == 0 {
            return Ok(());
        }
        if pos + width > LINE_BITS || (width < 64 && value >> width != 0) {
            return Err(builder_bug());
        }
        let index = (pos / 64) as usize;
        let offset = pos % 64;
        if let Some(word) = self.0.get_mut(index) {
            *word |= value << offset;
        }
        if offset + width > 64 {
            if let Some(word) = self.0.get_mut(index + 1) {
                *word |= value >> (64 - offset);
            }
        }
        Ok(())
    }

    fn put_wide(&mut self, pos: u32, width: u32, value: u128) -> Result<(), Error> {
        if width < 128 && value >> width != 0 {
            return Err(builder_bug());
        }
        let low = width.min(64);
        self.put(pos, low, value as u64)?;
        self.put(pos + low, width - low, (value >> 64) as u64)
    }

    /// Where the next set bit at or after `pos` is.
    #[inline]
    fn next_one(&self, pos: u32) -> Option<u32> {
        let mut index = pos / 64;
        let mut word = self.word(index) & (u64::MAX << (pos % 64));
        while word == 0 {
            index += 1;
            if index >= 8 {
                return None;
            }
            word = self.word(index);
        }
        Some(index * 64 + word.trailing_zeros())
    }

    fn bytes(&self) -> [u8; LINE_BYTES] {
        let mut out = [0u8; LINE_BYTES];
        for (chunk, word) in out.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out
    }
}

fn builder_bug() -> Error {
    invalid("compact list builder: a value does not fit its field")
}

/// A bit-packed section of a list, read in place: words past its end
/// read as zero. Every word read is touched first (see [`Touch`]).
#[derive(Clone, Copy)]
struct Packed<'a> {
    /// The section's bytes.
    bytes: &'a [u8],
    /// Where they start in the list.
    start: usize,
    guard: Guard<'a>,
}

impl<'a> Packed<'a> {
    /// The section's bytes, unread.
    fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    #[inline]
    fn word(&self, index: u64) -> u64 {
        let Some(at) = usize::try_from(index)
            .ok()
            .and_then(|index| index.checked_mul(8))
        else {
            return 0;
        };
        self.bytes
            .get(at..)
            .and_then(<[u8]>::first_chunk::<8>)
            .map_or(0, |chunk| {
                self.guard.touch(self.start.wrapping_add(at), 8);
                u64::from_le_bytes(*chunk)
            })
    }

    /// `width ≤ 64` bits at bit `pos`.
    #[inline]
    fn get(&self, pos: u64, width: u32) -> u64 {
        if width == 0 {
            return 0;
        }
        let index = pos / 64;
        let offset = (pos % 64) as u32;
        let mut value = self.word(index) >> offset;
        if offset + width > 64 {
            value |= self.word(index.wrapping_add(1)) << (64 - offset);
        }
        value & low_mask(width)
    }
}

/// Bit-packed words being written.
struct PackedOut(Vec<u64>);

impl PackedOut {
    fn put(&mut self, pos: u64, width: u32, value: u64) -> Result<(), Error> {
        if width == 0 {
            return Ok(());
        }
        if width < 64 && value >> width != 0 {
            return Err(builder_bug());
        }
        let index = usize::try_from(pos / 64).map_err(|_| builder_bug())?;
        let offset = (pos % 64) as u32;
        let first = self.0.get_mut(index).ok_or_else(builder_bug)?;
        *first |= value << offset;
        if offset + width > 64 {
            let second = self.0.get_mut(index + 1).ok_or_else(builder_bug)?;
            *second |= value >> (64 - offset);
        }
        Ok(())
    }

    fn append_to(self, out: &mut Vec<u8>) {
        for word in self.0 {
            out.extend_from_slice(&word.to_le_bytes());
        }
    }
}

// ---------------------------------------------------------------------
// Metadata codes.

/// How a sequence codes reason, status, day and handset in one number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct MetaCode {
    day_min: u64,
    days: u64,
    states: u64,
    handsets: u64,
    /// The number of codes: `3 · states · days · handsets`.
    alphabet: u64,
    width: u32,
}

impl MetaCode {
    fn new(day_min: u64, days: u64, suspended: bool, handsets: u64) -> Result<Self, Error> {
        let states = if suspended { 2 } else { 1 };
        let alphabet = 3u64
            .checked_mul(states)
            .and_then(|x| x.checked_mul(days))
            .and_then(|x| x.checked_mul(handsets))
            .ok_or(invalid("compact list: metadata codes overflow"))?;
        Ok(MetaCode {
            day_min,
            days,
            states,
            handsets,
            alphabet,
            width: bits_for(u128::from(alphabet)),
        })
    }

    /// The code of a packed row meta (`reason | status << 2 | day << 3`)
    /// and a handset code.
    fn encode(&self, meta: u64, handset: u64) -> Result<u64, Error> {
        let (reason, status, day) = (meta & 3, (meta >> 2) & 1, meta >> 3);
        let offset = day.wrapping_sub(self.day_min);
        if reason > 2 || status >= self.states || offset >= self.days || handset >= self.handsets {
            return Err(builder_bug());
        }
        Ok(reason + 3 * (status + self.states * (offset + self.days * handset)))
    }

    /// Reason, suspended, day and handset code of a code (any code: one
    /// at or above the alphabet, in a list not yet checked, decodes to
    /// some values).
    fn decode(&self, code: u64) -> (u8, bool, u16, u64) {
        let reason = (code % 3) as u8;
        let rest = code / 3;
        let states = self.states.max(1);
        let suspended = rest % states == 1;
        let rest = rest / states;
        let days = self.days.max(1);
        let day = self.day_min.wrapping_add(rest % days) as u16;
        (reason, suspended, day, rest / days)
    }
}

/// Reason, status and day of a row's packed meta, checked.
fn meta_fields(meta: u64) -> Result<(u64, u64, u64), Error> {
    let (reason, status, day) = (meta & 3, (meta >> 2) & 1, meta >> 3);
    if reason > 2 || day > u64::from(u16::MAX) {
        return Err(invalid(
            "compact list rows: a reason code or listing day is out of range",
        ));
    }
    Ok((reason, status, day))
}

// ---------------------------------------------------------------------
// Layout.

/// One sequence's parameters and sections.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Seq {
    n: u64,
    universe: u128,
    /// Whether keys are distinct (IMEIs) rather than non-decreasing.
    distinct: bool,
    run_flag: bool,
    /// Elias-Fano low bits per key.
    low: u32,
    shift: u32,
    buckets: u64,
    lines: u64,
    maxc: u64,
    cbits: u32,
    head: u32,
    /// Masks of the low bits, a first key's offset and a count.
    low_mask: u64,
    shift_mask: u64,
    count_mask: u64,
    low_meta: u64,
    /// Metadata bits in the line per entry (IMEIs), or 0.
    inline: u32,
    meta: MetaCode,
    line_start: usize,
    dir_start: usize,
    /// Part records: byte offset and length of the section.
    ext_start: usize,
    ext_len: usize,
}

impl Seq {
    /// The parameters that do not depend on how the lines fall.
    fn params(n: u64, universe: u128, ubits: u32, part: bool, meta: MetaCode) -> Self {
        let low = low_bits_for(n, universe);
        let target = if part {
            PART_BUCKET_KEYS
        } else {
            IMEI_BUCKET_KEYS
        };
        let shift = shift_for(n, universe, ubits, target);
        let buckets = if n == 0 {
            0
        } else {
            ((universe.saturating_sub(1) >> shift) as u64).saturating_add(1)
        };
        let inline = if part { 0 } else { meta.width };
        let flag = u32::from(part);
        let room = LINE_BITS.saturating_sub(shift + flag + inline);
        let bound = 1 + room / (low + 1 + inline);
        let cbits = bits_for(u128::from(bound));
        Seq {
            n,
            universe,
            distinct: !part,
            run_flag: part,
            low,
            shift,
            buckets,
            cbits,
            head: shift + cbits + flag,
            low_mask: low_mask(low),
            shift_mask: low_mask(shift),
            count_mask: low_mask(cbits),
            low_meta: low_mask(inline),
            inline,
            meta,
            ..Seq::default()
        }
    }

    /// The IMEI sequence's parameters.
    fn imeis(n: u64, meta: MetaCode) -> Self {
        Seq::params(n, u128::from(IMEI_BODIES), IMEI_BITS, false, meta)
    }

    fn dir_entries(&self) -> u64 {
        if self.n == 0 { 0 } else { self.buckets + 1 }
    }
}

/// The header's fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Fields {
    width: u32,
    n_imeis: u64,
    n_parts: u64,
    n_side: u64,
    lines_imei: u64,
    lines_part: u64,
    maxc_imei: u64,
    maxc_part: u64,
    imei_days: (u64, u64),
    part_days: (u64, u64),
    flags: u8,
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..)
        .and_then(<[u8]>::first_chunk::<8>)
        .map_or(0, |chunk| u64::from_le_bytes(*chunk))
}

fn u32_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..)
        .and_then(<[u8]>::first_chunk::<4>)
        .map_or(0, |chunk| u64::from(u32::from_le_bytes(*chunk)))
}

fn u16_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..)
        .and_then(<[u8]>::first_chunk::<2>)
        .map_or(0, |chunk| u64::from(u16::from_le_bytes(*chunk)))
}

impl Fields {
    fn read(header: &[u8; HEADER_LEN]) -> Result<Self, Error> {
        if header.first_chunk::<4>() != Some(&MAGIC) {
            return Err(Error::BadMagic);
        }
        if header.get(4) != Some(&VERSION) {
            return Err(invalid("compact list layout version"));
        }
        let zero = |range: core::ops::Range<usize>| {
            header
                .get(range)
                .is_some_and(|bytes| bytes.iter().all(|b| *b == 0))
        };
        if !zero(6..8) || !zero(53..64) {
            return Err(invalid("compact list reserved bytes"));
        }
        let flags = header.get(52).copied().unwrap_or(0);
        if flags > 3 {
            return Err(invalid("compact list flags"));
        }
        let days = |at: usize| (u16_at(header, at), u16_at(header, at + 2) + 1);
        Ok(Fields {
            width: u32::from(header.get(5).copied().unwrap_or(0)),
            n_imeis: u64_at(header, 8),
            n_parts: u64_at(header, 16),
            n_side: u64_at(header, 24),
            lines_imei: u32_at(header, 32),
            lines_part: u32_at(header, 36),
            maxc_imei: u16_at(header, 40),
            maxc_part: u16_at(header, 42),
            imei_days: days(44),
            part_days: days(48),
            flags,
        })
    }

    fn write(&self) -> [u8; HEADER_LEN] {
        let mut header = [0u8; HEADER_LEN];
        let mut put = |at: usize, bytes: &[u8]| {
            if let Some(slot) = header.get_mut(at..at + bytes.len()) {
                slot.copy_from_slice(bytes);
            }
        };
        put(0, &MAGIC);
        put(4, &[VERSION, self.width as u8]);
        put(8, &self.n_imeis.to_le_bytes());
        put(16, &self.n_parts.to_le_bytes());
        put(24, &self.n_side.to_le_bytes());
        put(32, &(self.lines_imei as u32).to_le_bytes());
        put(36, &(self.lines_part as u32).to_le_bytes());
        put(40, &(self.maxc_imei as u16).to_le_bytes());
        put(42, &(self.maxc_part as u16).to_le_bytes());
        for (at, (min, days)) in [(44, self.imei_days), (48, self.part_days)] {
            put(at, &(min as u16).to_le_bytes());
            put(at + 2, &(days.saturating_sub(1) as u16).to_le_bytes());
        }
        put(52, &[self.flags]);
        header
    }
}

/// The whole buffer's layout: every section's place, from the header
/// alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    fields: Fields,
    imeis: Seq,
    parts: Seq,
    side_start: usize,
    total: usize,
}

fn days_ok(n: u64, (min, days): (u64, u64)) -> bool {
    if n == 0 {
        min == 0 && days == 1
    } else {
        min + days - 1 <= u64::from(u16::MAX)
    }
}

impl Layout {
    /// The layout the fields describe, or why there can be none: O(1).
    fn plan(fields: Fields) -> Result<Self, Error> {
        let f = fields;
        check_counts(f.n_imeis, f.n_parts)?;
        if f.width != fingerprint_width(f.n_parts) {
            return Err(invalid("compact list part fingerprint width"));
        }
        if f.n_side > f.n_parts {
            return Err(invalid("compact list: more unlisted handsets than parts"));
        }
        if !days_ok(f.n_imeis, f.imei_days) || !days_ok(f.n_parts, f.part_days) {
            return Err(invalid("compact list day range"));
        }
        if (f.n_imeis == 0 && f.flags & 1 != 0) || (f.n_parts == 0 && f.flags & 2 != 0) {
            return Err(invalid("compact list flags"));
        }
        let imei_meta = MetaCode::new(f.imei_days.0, f.imei_days.1, f.flags & 1 != 0, 1)?;
        // (Bucket shifts are at most 48 bits: 47 for IMEIs, and for parts
        // `w − log2 n + log2 32 + 1 ≤ 48`; lookups count on offsets within
        // a bucket fitting 64 bits.)
        let mut imeis = Seq::imeis(f.n_imeis, imei_meta);
        check_lines(&imeis, f.lines_imei, f.maxc_imei)?;
        imeis.lines = f.lines_imei;
        imeis.maxc = f.maxc_imei;
        let pointers = f.lines_imei * f.maxc_imei;
        let part_meta = MetaCode::new(
            f.part_days.0,
            f.part_days.1,
            f.flags & 2 != 0,
            1 + pointers + f.n_side,
        )?;
        let mut parts = Seq::params(f.n_parts, 1u128 << f.width, f.width, true, part_meta);
        check_lines(&parts, f.lines_part, f.maxc_part)?;
        parts.lines = f.lines_part;
        parts.maxc = f.maxc_part;

        // Sections, in order; u64 arithmetic cannot overflow here (every
        // count is at most 2^32 and every width at most 64).
        let mut cursor = HEADER_LEN as u64;
        let mut take = |bytes: u64| {
            let start = cursor;
            cursor += bytes;
            start
        };
        let imei_lines = take(f.lines_imei * LINE_BYTES as u64);
        let part_lines = take(f.lines_part * LINE_BYTES as u64);
        let imei_dir = take(imeis.dir_entries() * DIR_BYTES);
        let part_dir = take(parts.dir_entries() * DIR_BYTES);
        let ext_bits = f.lines_part * f.maxc_part * u64::from(part_meta.width);
        let ext_len = ext_bits.div_ceil(64) * WORD_BYTES;
        let ext = take(ext_len);
        let side = take((f.n_side * u64::from(IMEI_BITS)).div_ceil(64) * WORD_BYTES);
        let size = |at: u64| {
            usize::try_from(at).map_err(|_| over("compact list bytes", at, usize::MAX as u64))
        };
        imeis.line_start = size(imei_lines)?;
        parts.line_start = size(part_lines)?;
        imeis.dir_start = size(imei_dir)?;
        parts.dir_start = size(part_dir)?;
        parts.ext_start = size(ext)?;
        parts.ext_len = size(ext_len)?;
        Ok(Layout {
            fields,
            imeis,
            parts,
            side_start: size(side)?,
            total: size(cursor)?,
        })
    }

    /// The list's length in bytes.
    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// Checks the header and the exact length: O(1).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let header = bytes.first_chunk::<HEADER_LEN>().ok_or(Error::Truncated)?;
        let layout = Layout::plan(Fields::read(header)?)?;
        if bytes.len() < layout.total {
            return Err(Error::Truncated);
        }
        if bytes.len() > layout.total {
            return Err(Error::TrailingBytes(bytes.len() - layout.total));
        }
        Ok(layout)
    }
}

/// Neither count is above [`MAX_KEYS`].
fn check_counts(n_imeis: u64, n_parts: u64) -> Result<(), Error> {
    if n_imeis > MAX_KEYS {
        return Err(over("compact list IMEI entries", n_imeis, MAX_KEYS));
    }
    if n_parts > MAX_KEYS {
        return Err(over("compact list part entries", n_parts, MAX_KEYS));
    }
    Ok(())
}

/// The line count and max count of a sequence are possible for its keys.
fn check_lines(seq: &Seq, lines: u64, maxc: u64) -> Result<(), Error> {
    if lines > MAX_LINES {
        return Err(over("compact list lines", lines, MAX_LINES));
    }
    let possible = if seq.n == 0 {
        lines == 0 && maxc == 0
    } else {
        let bound = 1u64 << seq.cbits;
        lines >= 1
            && lines <= seq.n
            && maxc >= 1
            && maxc <= bound
            && u128::from(lines) * u128::from(maxc) >= u128::from(seq.n)
    };
    if possible {
        Ok(())
    } else {
        Err(invalid("compact list line counts"))
    }
}

// ---------------------------------------------------------------------
// Sizes, estimated.

/// `P(X < x)` for `X` a sum of `k` exponentials of mean 1 (a gamma
/// variable of integer shape `k`).
fn gamma_below(k: u32, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    // 1 − e^−x Σ_{i<k} x^i / i!, each term taken in logs.
    let (mut log_factorial, mut tail) = (0.0f64, 0.0f64);
    for i in 0..k {
        if i > 0 {
            log_factorial += f64::from(i).ln();
        }
        tail += (f64::from(i) * x.ln() - x - log_factorial).exp();
    }
    (1.0 - tail).clamp(0.0, 1.0)
}

/// How one sequence of `seq.n` uniformly spread keys is expected to fall
/// into lines: (lines, most entries in a line, key bits).
///
/// A line holds `c` entries when its first `c` keys fit: `c − 1` keys of
/// `l + 1 + M` bits and the zeros of their high parts, whose total is
/// about a gamma variable of shape `c − 1` and scale `g` (the mean gap in
/// units of `2^l`, between 1 and 2 at Elias-Fano's `l`). The mean count
/// is the sum over `c` of the chance that `c` fit; the fullest line is
/// the largest `c` that some line is expected to reach.
fn expected_lines(seq: &Seq) -> (u64, u64, u64) {
    if seq.n == 0 {
        return (0, 0, 0);
    }
    let n = seq.n as f64;
    let (l, m) = (f64::from(seq.low), f64::from(seq.inline));
    let g = seq.universe as f64 / n / l.exp2();
    let room = f64::from(LINE_BITS) - f64::from(seq.head) - m;
    let bound = 1u32 << seq.cbits.min(16);
    let fits = |c: u32| {
        let left = room - f64::from(c - 1) * (l + 1.0 + m);
        if c == 1 {
            1.0
        } else {
            gamma_below(c - 1, (left + 1.0) / g)
        }
    };
    let per_line: f64 = (1..=bound).map(fits).sum();
    let lines = (n / per_line).ceil().max(1.0);
    let most = (1..=bound)
        .filter(|c| fits(*c) * lines >= 0.5)
        .max()
        .unwrap_or(1);
    let most = u64::from(most).min(seq.n);
    let key_bits = lines * f64::from(seq.head) + (n - lines).max(0.0) * (l + 1.0 + g);
    (lines as u64, most, key_bits as u64)
}

/// An estimate of the sizes of a list of `n_imeis` IMEIs and `n_parts`
/// parts whose keys are spread uniformly, with the widest metadata codes:
/// days over the whole 16-bit range, suspended entries, every part's
/// handset a listed IMEI (so no side table).
pub(crate) fn estimate(n_imeis: u64, n_parts: u64) -> Result<Sizes, Error> {
    check_counts(n_imeis, n_parts)?;
    let days = u64::from(u16::MAX) + 1;
    let imei_code = MetaCode::new(0, days, true, 1)?;
    let imeis = Seq::imeis(n_imeis, imei_code);
    let (lines_i, most_i, imei_key_bits) = expected_lines(&imeis);
    let handsets = 1 + lines_i * most_i;
    let part_code = MetaCode::new(0, days, true, handsets)?;
    let width = fingerprint_width(n_parts);
    let parts = Seq::params(n_parts, 1u128 << width, width, true, part_code);
    let (lines_p, most_p, part_key_bits) = expected_lines(&parts);
    let records = (lines_p * most_p * u64::from(part_code.width)).div_ceil(64) * 64;
    let directory_bits = 8 * DIR_BYTES * (imeis.dir_entries() + parts.dir_entries());
    let header_bits = 8 * HEADER_LEN as u64;
    let total_bits =
        header_bits + u64::from(LINE_BITS) * (lines_i + lines_p) + directory_bits + records;
    let metadata_bits = n_imeis * u64::from(imei_code.width) + n_parts * u64::from(part_code.width);
    Ok(Sizes {
        imei_key_bits,
        part_key_bits,
        directory_bits,
        metadata_bits,
        side_table_bits: 0,
        padding_bits: total_bits.saturating_sub(
            header_bits + imei_key_bits + part_key_bits + directory_bits + metadata_bits,
        ),
        header_bits,
        total_bytes: total_bits / 8,
    })
}

// ---------------------------------------------------------------------
// Building.

/// A part entry while building: its identity digest, its packed meta
/// (`reason | status << 2 | day << 3`) and its handset's IMEI body
/// ([`NO_HANDSET`] for none). The same shape as the version 2 builder's
/// rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PartRow {
    /// The part's identity digest.
    pub(crate) id: [u8; 32],
    /// Reason, status and day, packed as in version 2.
    pub(crate) meta: u64,
    /// The handset's IMEI body, or [`NO_HANDSET`].
    pub(crate) handset: u64,
}

/// The day range and suspended flag of some packed metas.
fn day_range(metas: impl Iterator<Item = u64>) -> Result<((u64, u64), bool), Error> {
    let (mut min, mut max, mut suspended, mut any) = (u64::MAX, 0, false, false);
    for meta in metas {
        let (_, status, day) = meta_fields(meta)?;
        min = min.min(day);
        max = max.max(day);
        suspended |= status == 1;
        any = true;
    }
    Ok(if any {
        ((min, max - min + 1), suspended)
    } else {
        ((0, 1), false)
    })
}

/// Where each line of a packed sequence starts, and how many it holds.
struct Packed2 {
    firsts: Vec<u64>,
    counts: Vec<u16>,
    maxc: u64,
}

/// Lays out one sequence's lines (appended to `out`) and directory (in
/// `dir`), from keys in order and each entry's inline metadata code.
fn pack(
    seq: &Seq,
    key: impl Fn(usize) -> u128,
    inline_code: impl Fn(usize) -> Result<u64, Error>,
    out: &mut Vec<u8>,
    dir: &mut Vec<u32>,
) -> Result<Packed2, Error> {
    let n = usize::try_from(seq.n).map_err(|_| builder_bug())?;
    let (l, m, shift) = (seq.low, seq.inline, seq.shift);
    let mut firsts = Vec::new();
    let mut counts = Vec::new();
    let mut maxc = 0u64;
    let mut next_bucket = 0u64;
    let mut i = 0usize;
    let in_order = |before: u128, here: u128| {
        here < seq.universe && (here > before || (!seq.distinct && here == before))
    };
    while i < n {
        let line = firsts.len() as u64;
        if line >= MAX_LINES {
            return Err(over("compact list lines", line + 1, MAX_LINES));
        }
        let first = key(i);
        if first >= seq.universe || (i > 0 && !in_order(key(i - 1), first)) {
            return Err(Error::NotCanonical(
                "compact list builder: keys out of order",
            ));
        }
        // How many entries fit: h + (c − 1)(l + 1) + H_{c−1} + c·M bits.
        let mut j = i + 1;
        while j < n {
            let here = key(j);
            if !in_order(key(j - 1), here) {
                return Err(Error::NotCanonical(
                    "compact list builder: keys out of order",
                ));
            }
            let count = (j - i + 1) as u128;
            let bits = u128::from(seq.head)
                + (count - 1) * u128::from(l + 1)
                + ((here - first) >> l)
                + count * u128::from(m);
            if bits > u128::from(LINE_BITS) {
                break;
            }
            j += 1;
        }
        let count = (j - i) as u32;
        // Write it.
        let bucket = first >> shift;
        let mut words = Words([0; 8]);
        words.put_wide(0, shift, first - (bucket << shift))?;
        words.put(shift, seq.cbits, u64::from(count - 1))?;
        if seq.run_flag && i > 0 && key(i - 1) == first {
            words.put(shift + seq.cbits, 1, 1)?;
        }
        let u0 = seq.head + (count - 1) * l;
        let mut end = u0;
        for t in 1..count {
            let v = key(i + t as usize) - first;
            words.put(seq.head + (t - 1) * l, l, (v as u64) & low_mask(l))?;
            end = u0 + t + (v >> l) as u32;
            words.put(end - 1, 1, 1)?;
        }
        for t in 0..count {
            words.put(LINE_BITS - (t + 1) * m, m, inline_code(i + t as usize)?)?;
        }
        if j < n {
            let (last, next) = (key(j - 1), key(j));
            let d = if next > last { next - last - 1 } else { 0 };
            let free = LINE_BITS - count * m - end;
            let width = free.min(l + FENCE_SLACK);
            let tau = l + FENCE_SLACK - width;
            let fence = (d >> tau).min(u128::from(low_mask(width))) as u64;
            words.put(end, width, fence)?;
        }
        out.extend_from_slice(&words.bytes());
        // Directory entries of the buckets starting at these keys.
        for t in 0..count {
            let bucket = (key(i + t as usize) >> shift) as u64;
            let frac = if t == 0 { 0 } else { (8 * t).div_ceil(count) };
            while next_bucket <= bucket {
                dir.push((8 * line + u64::from(frac)) as u32);
                next_bucket += 1;
            }
        }
        firsts.push(i as u64);
        counts.push(count as u16);
        maxc = maxc.max(u64::from(count));
        i = j;
    }
    let lines = firsts.len() as u64;
    if n > 0 {
        while next_bucket <= seq.buckets {
            dir.push((8 * lines) as u32);
            next_bucket += 1;
        }
    }
    Ok(Packed2 {
        firsts,
        counts,
        maxc,
    })
}

/// Encodes a list in layout version 3.
///
/// `imeis` are (IMEI body, packed meta) rows, in any order, bodies
/// distinct and below `10^14` (taken, and re-keyed in place); `parts` are
/// [`PartRow`]s with strictly increasing digests (`CompactList`'s builder
/// sorts and deduplicates both). A
/// packed meta is `reason | status << 2 | day << 3` (reason 0 to 2,
/// status 0 or 1, day below 2^16); a handset is an IMEI body or
/// [`NO_HANDSET`].
///
/// Errors: [`Error::NotCanonical`] (an IMEI twice, parts out of order),
/// [`Error::InvalidField`] (a value out of range) and
/// [`Error::LengthOverBound`] (more than [`MAX_KEYS`] of either).
pub(crate) fn build(imeis: Vec<(u64, u64)>, parts: &[PartRow]) -> Result<Vec<u8>, Error> {
    let n_imeis = imeis.len() as u64;
    let n_parts = parts.len() as u64;
    check_counts(n_imeis, n_parts)?;
    let width = fingerprint_width(n_parts);

    // IMEIs by key, in place (a national list's rows are gigabytes).
    let mut keyed = imeis;
    for (body, meta) in &mut keyed {
        *body =
            mix_imei(*body).ok_or(invalid("compact list rows: an IMEI body is out of range"))?;
        meta_fields(*meta)?;
    }
    keyed.sort_unstable();
    if keyed
        .windows(2)
        .any(|pair| matches!(pair, [a, b] if a.0 == b.0))
    {
        return Err(Error::NotCanonical(
            "compact list rows: an IMEI is given twice",
        ));
    }
    let (imei_days, imei_suspended) = day_range(keyed.iter().map(|(_, meta)| *meta))?;

    // Parts: in digest order, handsets in range.
    if parts
        .windows(2)
        .any(|pair| matches!(pair, [a, b] if a.id >= b.id))
    {
        return Err(Error::NotCanonical(
            "compact list rows: parts out of order or given twice",
        ));
    }
    let (part_days, part_suspended) = day_range(parts.iter().map(|row| row.meta))?;
    if parts
        .iter()
        .any(|row| row.handset >= IMEI_BODIES && row.handset != NO_HANDSET)
    {
        return Err(invalid("compact list rows: a handset IMEI is out of range"));
    }

    // The IMEI lines first: a part's handset points into them.
    let imei_code = MetaCode::new(imei_days.0, imei_days.1, imei_suspended, 1)?;
    let imei_seq = Seq::imeis(n_imeis, imei_code);
    let mut out = vec![0u8; HEADER_LEN];
    let mut imei_dir = Vec::new();
    let imei_pack = pack(
        &imei_seq,
        |i| keyed.get(i).map_or(0, |(key, _)| u128::from(*key)),
        |i| {
            let meta = keyed.get(i).map_or(0, |(_, meta)| *meta);
            imei_code.encode(meta, 0)
        },
        &mut out,
        &mut imei_dir,
    )?;
    let imei_lines = imei_pack.firsts.len() as u64;
    // Each part's handset code: one merge of the handsets, by key, with
    // the IMEIs (a binary search per part would wait on memory for each).
    let mut wanted: Vec<(u64, u64)> = Vec::new();
    for (index, row) in parts.iter().enumerate() {
        if row.handset != NO_HANDSET {
            let key = mix_imei(row.handset).ok_or_else(builder_bug)?;
            wanted.push((key, index as u64));
        }
    }
    wanted.sort_unstable();
    let mut codes = vec![0u64; parts.len()];
    let mut side: Vec<u64> = Vec::new();
    let mut unlisted: Vec<u64> = Vec::new();
    let (mut at, mut line) = (0usize, 0usize);
    for (key, index) in wanted {
        while keyed.get(at).is_some_and(|(here, _)| *here < key) {
            at += 1;
        }
        if keyed.get(at).is_some_and(|(here, _)| *here == key) {
            while imei_pack
                .firsts
                .get(line + 1)
                .is_some_and(|first| *first <= at as u64)
            {
                line += 1;
            }
            let first = imei_pack.firsts.get(line).ok_or_else(builder_bug)?;
            let pointer = line as u64 * imei_pack.maxc + (at as u64 - first);
            *codes.get_mut(index as usize).ok_or_else(builder_bug)? = 1 + pointer;
        } else {
            let body = unmix_imei(key).ok_or_else(builder_bug)?;
            side.push(body);
            unlisted.push(index);
        }
    }
    side.sort_unstable();
    side.dedup();
    let pointers = imei_lines * imei_pack.maxc;
    for index in unlisted {
        let body = parts.get(index as usize).ok_or_else(builder_bug)?.handset;
        let code = side.binary_search(&body).map_err(|_| builder_bug())?;
        *codes.get_mut(index as usize).ok_or_else(builder_bug)? = 1 + pointers + code as u64;
    }

    // The part lines.
    let part_code = MetaCode::new(
        part_days.0,
        part_days.1,
        part_suspended,
        1 + pointers + side.len() as u64,
    )?;
    let part_seq = Seq::params(n_parts, 1u128 << width, width, true, part_code);
    let mut part_dir = Vec::new();
    let part_pack = pack(
        &part_seq,
        |i| parts.get(i).map_or(0, |row| fingerprint_of(&row.id, width)),
        |_| Ok(0),
        &mut out,
        &mut part_dir,
    )?;
    for entry in imei_dir.into_iter().chain(part_dir) {
        out.extend_from_slice(&entry.to_le_bytes());
    }

    // The part records, then the side table.
    let part_lines = part_pack.firsts.len() as u64;
    let record_bits = part_lines * part_pack.maxc * u64::from(part_code.width);
    let mut records = PackedOut(vec![0; record_bits.div_ceil(64) as usize]);
    for (line, (first, count)) in part_pack.firsts.iter().zip(&part_pack.counts).enumerate() {
        for slot in 0..u64::from(*count) {
            let row = parts.get((first + slot) as usize).ok_or_else(builder_bug)?;
            let handset = codes.get((first + slot) as usize).copied().unwrap_or(0);
            let code = part_code.encode(row.meta, handset)?;
            let record = line as u64 * part_pack.maxc + slot;
            records.put(record * u64::from(part_code.width), part_code.width, code)?;
        }
    }
    records.append_to(&mut out);
    let side_bits = side.len() as u64 * u64::from(IMEI_BITS);
    let mut table = PackedOut(vec![0; side_bits.div_ceil(64) as usize]);
    for (index, body) in side.iter().enumerate() {
        table.put(index as u64 * u64::from(IMEI_BITS), IMEI_BITS, *body)?;
    }
    table.append_to(&mut out);

    let fields = Fields {
        width,
        n_imeis,
        n_parts,
        n_side: side.len() as u64,
        lines_imei: imei_lines,
        lines_part: part_lines,
        maxc_imei: imei_pack.maxc,
        maxc_part: part_pack.maxc,
        imei_days,
        part_days,
        flags: u8::from(imei_suspended) | u8::from(part_suspended) << 1,
    };
    if let Some(header) = out.first_chunk_mut::<HEADER_LEN>() {
        *header = fields.write();
    }
    // The reader's layout must be what was written.
    let layout = Layout::parse(&out)?;
    if layout.imeis.head != imei_seq.head || layout.parts.head != part_seq.head {
        return Err(builder_bug());
    }
    Ok(out)
}

// ---------------------------------------------------------------------
// Reading.

/// A key to look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// An IMEI's 14-digit body (the Luhn digit dropped).
    Imei(u64),
    /// A part's fingerprint at the list's width ([`View::part_key`]).
    Part(u128),
}

/// A part's handset, as the list keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Handset {
    /// None.
    None,
    /// The listed IMEI at this line and slot of the IMEI lines.
    Listed {
        /// The IMEI line.
        line: u64,
        /// The slot in it.
        slot: u64,
    },
    /// Entry `k` of the side table of unlisted handsets.
    Side(u64),
}

/// A listing found: `H` is how its handset is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Listed<H> {
    /// The key matched (an IMEI body, or a fingerprint).
    pub(crate) key: Key,
    /// 0 stolen, 1 lost, 2 fraud.
    pub(crate) reason: u8,
    /// Whether the listing is suspended.
    pub(crate) suspended: bool,
    /// The listing day (days since 2000-01-01).
    pub(crate) day: u16,
    /// A part's handset ([`Handset::None`] or `None` for an IMEI).
    pub(crate) handset: H,
}

/// A listing found, before its handset is resolved.
pub(crate) type Record = Listed<Handset>;

/// A listing found, its handset an IMEI body.
pub(crate) type Hit = Listed<Option<u64>>;

/// Where the bits of a list go ([`View::sizes`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sizes {
    /// IMEI keys: line headers, low bits and high parts.
    pub(crate) imei_key_bits: u64,
    /// Part keys: line headers, low bits and high parts.
    pub(crate) part_key_bits: u64,
    /// Both directories.
    pub(crate) directory_bits: u64,
    /// Metadata codes: IMEIs' in their lines, parts' records.
    pub(crate) metadata_bits: u64,
    /// The side table's handset IMEI bodies (47 bits each).
    pub(crate) side_table_bits: u64,
    /// Everything else: free line bits (fences included), unused record
    /// slots, section padding.
    pub(crate) padding_bits: u64,
    /// The header.
    pub(crate) header_bits: u64,
    /// The whole list, in bytes.
    pub(crate) total_bytes: u64,
}

/// The byte ranges of a list's sections ([`View::sections`]).
#[allow(dead_code)] // for the tests that compile this module in by path
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sections {
    /// The IMEI lines, 64 bytes each.
    pub(crate) imei_lines: core::ops::Range<usize>,
    /// The part lines.
    pub(crate) part_lines: core::ops::Range<usize>,
    /// The IMEI directory (u32 entries).
    pub(crate) imei_directory: core::ops::Range<usize>,
    /// The part directory.
    pub(crate) part_directory: core::ops::Range<usize>,
    /// The part records.
    pub(crate) part_records: core::ops::Range<usize>,
    /// The side table of unlisted handsets.
    pub(crate) side_table: core::ops::Range<usize>,
}

/// A key being looked up: its bucket, its offset from the bucket's base,
/// and the number of lines whose first key is below that base.
struct Query {
    bucket: u64,
    offset: u64,
    d0: u64,
}

/// What one line says of a key.
#[derive(Clone, Copy)]
enum Probe {
    /// The key is below the line's first key.
    Below,
    /// At this slot.
    Found(u32),
    /// Not listed.
    Miss,
    /// Above the line's keys, and the fence does not rule it out.
    Above,
}

/// A line, its header read.
struct Line {
    words: Words,
    first: u128,
    count: u32,
}

/// A compact list (layout version 3) borrowed from bytes, queried in
/// place, its layout its own.
#[allow(dead_code)] // for the tests and benches that compile this module in by path
pub(crate) type View<'a> = Reader<'a, Layout>;

/// What a reader holds its layout as: its own copy ([`View`]), or a
/// borrow of one kept beside the bytes (the crate's `CompactList`, which
/// reads without copying the layout per lookup).
pub(crate) trait Holds: Copy {
    /// The layout.
    fn get(&self) -> &Layout;
}

impl Holds for Layout {
    #[inline]
    fn get(&self) -> &Layout {
        self
    }
}

impl Holds for &Layout {
    #[inline]
    fn get(&self) -> &Layout {
        self
    }
}

/// A compact list (layout version 3) read in place: its bytes, its
/// layout, and what is told of every read, if anything ([`Touch`]).
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a, L: Holds = Layout> {
    bytes: &'a [u8],
    layout: L,
    check: Option<&'a dyn Touch>,
}

impl<L: Holds> fmt::Debug for Reader<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View")
            .field("imeis", &self.layout.get().imeis.n)
            .field("parts", &self.layout.get().parts.n)
            .field("bytes", &self.bytes.len())
            .field("checked", &self.check.is_some())
            .finish()
    }
}

#[allow(dead_code)] // for the tests and benches that compile this module in by path
impl<'a> View<'a> {
    /// Checks the header and that `bytes` is exactly as long as it says,
    /// in O(1). Errors: [`Error::Truncated`], [`Error::TrailingBytes`],
    /// [`Error::BadMagic`], [`Error::LengthOverBound`] and
    /// [`Error::InvalidField`].
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        Ok(Reader {
            layout: Layout::parse(bytes)?,
            bytes,
            check: None,
        })
    }
}

impl<'a> Reader<'a, &'a Layout> {
    /// A reader of `bytes` whose layout `layout` was parsed from them
    /// ([`Layout::parse`]; with another layout, answers are wrong but
    /// defined), telling `check` of every read.
    #[inline]
    pub(crate) fn with_layout(
        bytes: &'a [u8],
        layout: &'a Layout,
        check: Option<&'a dyn Touch>,
    ) -> Self {
        Reader {
            bytes,
            layout,
            check,
        }
    }
}

impl<'a, L: Holds> Reader<'a, L> {
    /// The same reader, telling `check` of every read from now on.
    #[allow(dead_code)] // for the tests that compile this module in by path
    pub(crate) fn checked(self, check: &'a dyn Touch) -> Self {
        Reader {
            check: Some(check),
            ..self
        }
    }

    /// Whether the lines are cache lines (the bytes start on a 64-byte
    /// boundary); lookups read two cache lines a line otherwise.
    pub(crate) fn lines_aligned(&self) -> bool {
        (self.bytes.as_ptr() as usize) % LINE_BYTES == 0
    }

    /// Entries: IMEIs and parts.
    pub(crate) fn len(&self) -> u64 {
        self.layout.get().imeis.n + self.layout.get().parts.n
    }

    /// Whether it lists nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Listed IMEIs.
    pub(crate) fn imei_count(&self) -> u64 {
        self.layout.get().imeis.n
    }

    /// Listed parts.
    pub(crate) fn part_count(&self) -> u64 {
        self.layout.get().parts.n
    }

    /// Bits kept of each part digest.
    pub(crate) fn fingerprint_width(&self) -> u32 {
        self.layout.get().fields.width
    }

    /// The key a part's identity digest is looked up by.
    #[allow(dead_code)] // for the tests and benches that compile this module in by path
    pub(crate) fn part_key(&self, digest: &[u8; 32]) -> Key {
        Key::Part(fingerprint_of(digest, self.layout.get().fields.width))
    }

    /// Whether `key` is listed, and how: for a part, the first listing
    /// with its fingerprint. Reads one line (an IMEI), or one line and one
    /// record (a part), usually; a part's handset costs one more read.
    pub(crate) fn lookup(&self, key: Key) -> Option<Hit> {
        let record = self.lookup_record(key)?;
        Some(self.resolve(&record))
    }

    /// As [`View::lookup`], with a part's handset left unresolved
    /// ([`View::handset`] resolves it).
    pub(crate) fn lookup_record(&self, key: Key) -> Option<Record> {
        let (part, value) = self.stored(key)?;
        let seq = self.seq(part);
        let (line, slot, words) = self.find(seq, value)?;
        Some(self.record(part, key, line, slot, &words))
    }

    /// Every listing `key` matches (several only for parts whose
    /// fingerprints collide), read one by one from the first.
    pub(crate) fn lookup_all(&self, key: Key) -> Run<'a, L> {
        let start = self.stored(key).and_then(|(part, value)| {
            let (line, slot, _) = self.find(self.seq(part), value)?;
            Some((part, value, line, slot))
        });
        Run {
            view: *self,
            key,
            next: start,
        }
    }

    /// A part's handset IMEI body. A pointer to an empty slot reads as
    /// none.
    pub(crate) fn handset(&self, handset: &Handset) -> Option<u64> {
        match *handset {
            Handset::None => None,
            Handset::Listed { line, slot } => {
                let seq = &self.layout.get().imeis;
                if line >= seq.lines {
                    return None;
                }
                let bucket = self.bucket_of_line(seq, line);
                let read = self.read_line(seq, line, bucket);
                if slot >= u64::from(read.count) {
                    return None;
                }
                let key = self.key_at(seq, &read, slot as u32);
                unmix_imei(u64::try_from(key).ok()?)
            }
            Handset::Side(index) => {
                if index >= self.layout.get().fields.n_side {
                    return None;
                }
                let table = self.section(self.layout.get().side_start, self.layout.get().total);
                Some(table.get(index * u64::from(IMEI_BITS), IMEI_BITS))
            }
        }
    }

    /// Every entry: the IMEIs in key order (the order of [`mix_imei`]),
    /// then the parts by fingerprint. A part's handset costs a read.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Hit> + use<'a, L>
    where
        L: 'a,
    {
        let view = *self;
        Entries::new(view, false)
            .chain(Entries::new(view, true))
            .map(move |(part, key, line, slot, words)| {
                let key = if part {
                    Key::Part(key)
                } else {
                    Key::Imei(unmix_imei(key as u64).unwrap_or(0))
                };
                view.resolve(&view.record(part, key, line, slot, &words))
            })
    }

    /// The byte ranges of the sections, in order.
    #[allow(dead_code)] // for the tests that compile this module in by path
    pub(crate) fn sections(&self) -> Sections {
        let (i, p) = (&self.layout.get().imeis, &self.layout.get().parts);
        let lines = |seq: &Seq| seq.line_start..seq.line_start + seq.lines as usize * LINE_BYTES;
        let dir = |seq: &Seq| {
            seq.dir_start..seq.dir_start + seq.dir_entries() as usize * DIR_BYTES as usize
        };
        Sections {
            imei_lines: lines(i),
            part_lines: lines(p),
            imei_directory: dir(i),
            part_directory: dir(p),
            part_records: p.ext_start..p.ext_start + p.ext_len,
            side_table: self.layout.get().side_start..self.layout.get().total,
        }
    }

    /// Where the bits go (one pass over the lines).
    pub(crate) fn sizes(&self) -> Sizes {
        let mut sizes = Sizes {
            header_bits: 8 * HEADER_LEN as u64,
            total_bytes: self.bytes.len() as u64,
            ..Sizes::default()
        };
        for part in [false, true] {
            let seq = self.seq(part);
            let (mut keys, mut meta) = (0u64, 0u64);
            let mut bucket = 0;
            for line in 0..seq.lines {
                bucket = self.advance_bucket(seq, line, bucket);
                let read = self.read_line(seq, line, bucket);
                let end = self.high_end(seq, &read).unwrap_or(LINE_BITS);
                keys += u64::from(end);
                meta += u64::from(read.count * seq.inline);
            }
            if part {
                sizes.part_key_bits = keys;
                let used = seq.n * u64::from(seq.meta.width);
                sizes.metadata_bits += used;
            } else {
                sizes.imei_key_bits = keys;
                sizes.metadata_bits += meta;
            }
            sizes.directory_bits += seq.dir_entries() * DIR_BYTES * 8;
        }
        sizes.side_table_bits = self.layout.get().fields.n_side * u64::from(IMEI_BITS);
        sizes.padding_bits = (sizes.total_bytes * 8).saturating_sub(
            sizes.header_bits
                + sizes.imei_key_bits
                + sizes.part_key_bits
                + sizes.directory_bits
                + sizes.metadata_bits
                + sizes.side_table_bits,
        );
        sizes
    }

    // -- internals --------------------------------------------------------

    fn seq(&self, part: bool) -> &Seq {
        if part {
            &self.layout.get().parts
        } else {
            &self.layout.get().imeis
        }
    }

    fn guard(&self) -> Guard<'a> {
        Guard {
            list: self.bytes,
            check: self.check,
        }
    }

    /// `len` bytes at `at`, told to the check first; `None` past the end.
    #[inline]
    fn read(&self, at: usize, len: usize) -> Option<&'a [u8]> {
        let bytes = self.bytes.get(at..at.checked_add(len)?)?;
        self.guard().touch(at, len);
        Some(bytes)
    }

    fn section(&self, start: usize, end: usize) -> Packed<'a> {
        Packed {
            bytes: self.bytes.get(start..end).unwrap_or_default(),
            start,
            guard: self.guard(),
        }
    }

    /// Which sequence a key is in, and its stored value.
    fn stored(&self, key: Key) -> Option<(bool, u128)> {
        match key {
            Key::Imei(body) => Some((false, u128::from(mix_imei(body)?))),
            Key::Part(bits) => {
                (bits >> self.layout.get().fields.width == 0).then_some((true, bits))
            }
        }
    }

    #[inline]
    fn dir(&self, seq: &Seq, bucket: u64) -> u64 {
        // Buckets come from keys below the universe: at most `B`.
        let at = (bucket as usize)
            .wrapping_mul(DIR_BYTES as usize)
            .wrapping_add(seq.dir_start);
        self.read(at, DIR_BYTES as usize)
            .and_then(<[u8]>::first_chunk::<4>)
            .map_or(0, |entry| u64::from(u32::from_le_bytes(*entry)))
    }

    /// Lines whose first key is below bucket `bucket`'s base.
    #[inline]
    fn lines_below(&self, seq: &Seq, bucket: u64) -> u64 {
        self.dir(seq, bucket).div_ceil(8)
    }

    #[inline]
    fn read_line(&self, seq: &Seq, line: u64, bucket: u64) -> Line {
        let start = usize::try_from(line)
            .ok()
            .and_then(|line| line.checked_mul(LINE_BYTES))
            .and_then(|at| at.checked_add(seq.line_start));
        let bytes = start
            .and_then(|at| self.read(at, LINE_BYTES))
            .unwrap_or_default();
        let words = Words::of(bytes);
        let offset = if seq.shift <= 64 {
            u128::from(words.get(0, seq.shift))
        } else {
            words.wide(0, seq.shift)
        };
        let count = words.get(seq.shift, seq.cbits) as u32 + 1;
        let base = u128::from(bucket).checked_shl(seq.shift).unwrap_or(0);
        Line {
            words,
            first: base.wrapping_add(offset),
            count,
        }
    }

    /// The bucket of line `line`'s first key: the largest `b` with
    /// `lines_below(b) ≤ line`, found from an estimate by galloping.
    fn bucket_of_line(&self, seq: &Seq, line: u64) -> u64 {
        if seq.buckets == 0 {
            return 0;
        }
        let last = seq.buckets - 1;
        let per_bucket = (u128::from(seq.lines.max(1)) * 8).div_ceil(u128::from(seq.buckets));
        let guess = (u128::from(line) * u128::from(seq.buckets) / u128::from(seq.lines.max(1)))
            .min(u128::from(last)) as u64;
        // One secant step: the directory is nearly linear in line numbers.
        let error = i128::from(8 * line) - i128::from(self.dir(seq, guess));
        let step = error / i128::try_from(per_bucket.max(1)).unwrap_or(1);
        let guess = (i128::from(guess) + step).clamp(0, i128::from(last)) as u64;
        let fits = |b: u64| self.lines_below(seq, b) <= line;
        // Invariant: the answer lies in [lo, hi].
        let (mut lo, mut hi);
        if fits(guess) {
            lo = guess;
            let mut step = 1;
            loop {
                let probe = lo.saturating_add(step).min(last);
                if probe == lo || !fits(probe) {
                    hi = probe.saturating_sub(1).max(lo);
                    if probe == lo {
                        hi = lo;
                    }
                    break;
                }
                lo = probe;
                step *= 2;
            }
        } else {
            hi = guess.saturating_sub(1);
            let mut step = 1;
            loop {
                let probe = hi.saturating_sub(step);
                if fits(probe) || probe == 0 {
                    lo = probe;
                    break;
                }
                hi = probe - 1;
                step *= 2;
            }
        }
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if fits(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }

    /// During a pass over the lines: the bucket of `line`, from the
    /// previous line's.
    #[inline]
    fn advance_bucket(&self, seq: &Seq, line: u64, mut bucket: u64) -> u64 {
        while bucket + 1 < seq.buckets && self.lines_below(seq, bucket + 1) <= line {
            bucket += 1;
        }
        bucket
    }

    /// Where line `read`'s unary part ends (just after its last one), or
    /// `None` if it lacks ones.
    #[inline]
    fn high_end(&self, seq: &Seq, read: &Line) -> Option<u32> {
        let ones = read.count.saturating_sub(1);
        let u0 = seq.head + ones * seq.low;
        if ones == 0 {
            return Some(u0);
        }
        if let Some(at) = select_in_word(read.words.get(u0, 64), ones - 1) {
            return Some(u0 + at + 1);
        }
        let mut pos = u0;
        for _ in 0..ones {
            pos = read.words.next_one(pos)? + 1;
        }
        Some(pos)
    }

    /// `v_j`, the offset of the key at slot `slot ≥ 1` from the line's
    /// first key (slots past the count read as the last).
    fn offset_at(&self, seq: &Seq, read: &Line, slot: u32) -> u128 {
        let ones = read.count.saturating_sub(1);
        let j = slot.min(ones);
        if j == 0 {
            return 0;
        }
        let l = seq.low;
        let u0 = seq.head + ones * l;
        let window = read.words.get(u0, 64);
        let at = if let Some(at) = select_in_word(window, j - 1) {
            at
        } else {
            let mut pos = u0;
            for _ in 0..j {
                match read.words.next_one(pos) {
                    Some(at) => pos = at + 1,
                    None => break,
                }
            }
            pos.saturating_sub(u0 + 1)
        };
        let high = u128::from(at.saturating_sub(j - 1));
        (high << l) | u128::from(read.words.get(seq.head + (j - 1) * l, l))
    }

    /// The key at `slot` of a line.
    fn key_at(&self, seq: &Seq, read: &Line, slot: u32) -> u128 {
        read.first.wrapping_add(self.offset_at(seq, read, slot))
    }

    /// A line's words, read in place (a line past the end reads as
    /// zeros).
    #[inline]
    fn line_words(&self, seq: &Seq, line: u64) -> Words {
        let at = (line as usize)
            .wrapping_mul(LINE_BYTES)
            .wrapping_add(seq.line_start);
        Words::of(self.read(at, LINE_BYTES).unwrap_or_default())
    }

    /// Past a line's last key (`last`, from the first key; the unary part
    /// ending at `end`): what the fence says of `t`, also from the first
    /// key.
    #[inline(never)]
    fn past_last(
        &self,
        seq: &Seq,
        words: &Words,
        count: u32,
        end: u32,
        last: u64,
        t: u64,
    ) -> Probe {
        let l = seq.low;
        let free = LINE_BITS
            .saturating_sub(count * seq.inline)
            .saturating_sub(end);
        let width = free.min(l + FENCE_SLACK);
        let fence = words.get(end, width);
        let clear = u128::from(last) + 1 + (u128::from(fence) << (l + FENCE_SLACK - width));
        if u128::from(t) < clear {
            Probe::Miss
        } else {
            Probe::Above
        }
    }

    /// What a line says of a key `q`, given as an offset from the base of
    /// the line's first key's bucket: the hot path of a lookup, all in 64
    /// bits. One `select0` in the unary part finds the keys whose high
    /// part is the key's; their low bits (usually one) decide.
    #[inline]
    fn probe(&self, seq: &Seq, words: &Words, q: u64) -> Probe {
        // The header lies in the first word (shift + count bits ≤ 57).
        let head = words.word(0);
        let first = head & seq.shift_mask;
        if q <= first {
            return if q == first {
                Probe::Found(0)
            } else {
                Probe::Below
            };
        }
        let t = q - first;
        let ones = ((head >> seq.shift) & seq.count_mask) as u32;
        let l = seq.low;
        let u0 = seq.head + ones * l;
        let window = words.get(u0, 64);
        let high = t >> l;
        // The keys whose high part is `high` follow its `high`-th zero.
        let (mut at, mut slot) = if high == 0 {
            (0, 1)
        } else {
            match select_in_word(!window, (high - 1) as u32) {
                Some(zero) => (zero + 1, (zero + 2).saturating_sub(high as u32)),
                None => return self.probe_slowly(seq, words, ones + 1, t),
            }
        };
        let low = t & seq.low_mask;
        while slot <= ones {
            if at >= 64 {
                return self.probe_slowly(seq, words, ones + 1, t);
            }
            if (window >> at) & 1 == 0 {
                return Probe::Miss;
            }
            let here = words.get(seq.head + (slot - 1) * l, l);
            if here >= low {
                return if here == low {
                    Probe::Found(slot)
                } else {
                    Probe::Miss
                };
            }
            slot += 1;
            at += 1;
        }
        // Past the last key: the fence.
        if ones == 0 {
            return self.past_last(seq, words, 1, u0, 0, t);
        }
        let Some(last_one) = select_in_word(window, ones - 1) else {
            return self.probe_slowly(seq, words, ones + 1, t);
        };
        let last_high = u64::from(last_one + 1 - ones);
        let last = last_high << l | words.get(seq.head + (ones - 1) * l, l);
        self.past_last(seq, words, ones + 1, u0 + last_one + 1, last, t)
    }

    /// [`View::probe`] for a line whose unary part outgrows one word: key
    /// by key.
    #[cold]
    #[inline(never)]
    fn probe_slowly(&self, seq: &Seq, words: &Words, count: u32, t: u64) -> Probe {
        let ones = count - 1;
        let l = seq.low;
        let u0 = seq.head + ones * l;
        let mut pos = u0;
        let mut last = 0u64;
        for slot in 1..=ones {
            let Some(at) = words.next_one(pos) else {
                return Probe::Miss;
            };
            let high = u64::from(at - u0 - (slot - 1));
            let value =
                high.checked_shl(l).unwrap_or(u64::MAX) | words.get(seq.head + (slot - 1) * l, l);
            if value >= t {
                return if value == t {
                    Probe::Found(slot)
                } else {
                    Probe::Miss
                };
            }
            last = value;
            pos = at + 1;
        }
        self.past_last(seq, words, count, pos, last, t)
    }

    /// The first entry holding `key`: its line, slot and the line's words.
    /// The common path: the directory, one predicted line, one probe.
    #[inline]
    fn find(&self, seq: &Seq, key: u128) -> Option<(u64, u32, Words)> {
        if seq.n == 0 || key >= seq.universe {
            return None;
        }
        let shift = seq.shift;
        let bucket = (key >> shift) as u64;
        // Bucket shifts are at most 48 bits (see `Layout::plan`).
        let offset = (key as u64) & seq.shift_mask;
        let (e0, e1) = (self.dir(seq, bucket), self.dir(seq, bucket + 1));
        let (d0, d1) = (e0.div_ceil(8), e1.div_ceil(8));
        // The last line whose first key is at most `key` lies in [lo, hi].
        let hi = d1.min(seq.lines).checked_sub(1)?;
        let lo = d0.saturating_sub(1);
        if lo > hi {
            return None;
        }
        let frac = if shift >= 16 {
            offset >> (shift - 16)
        } else {
            offset << (16 - shift)
        };
        let eighths = e0 + (e1.saturating_sub(e0).wrapping_mul(frac) >> 16);
        let line = (eighths / 8).clamp(lo, hi);
        let at = Query { bucket, offset, d0 };
        let q = if line >= d0 {
            offset
        } else {
            self.offset_from(seq, &at, line)
        };
        let words = self.line_words(seq, line);
        match self.probe(seq, &words, q) {
            Probe::Found(slot) if slot > 0 || !self.continues(seq, &words, line) => {
                Some((line, slot, words))
            }
            Probe::Miss => None,
            probe => self.walk(seq, &at, line, lo, hi, probe),
        }
    }

    /// Whether a line continues a run of equal fingerprints from the line
    /// before.
    #[inline]
    fn continues(&self, seq: &Seq, words: &Words, line: u64) -> bool {
        seq.run_flag && line > 0 && (words.word(0) >> (seq.shift + seq.cbits)) & 1 == 1
    }

    /// The key as an offset from the base of line `line`'s bucket, for the
    /// line before the key's bucket's first (an earlier bucket: at most
    /// 2^64 − 1, which is past any line).
    #[inline(never)]
    fn offset_from(&self, seq: &Seq, at: &Query, line: u64) -> u64 {
        let below = at.bucket - self.bucket_before(seq, at.bucket, line);
        below
            .checked_shl(seq.shift)
            .filter(|gap| *gap >> seq.shift == below)
            .map_or(u64::MAX, |gap| gap.saturating_add(at.offset))
    }

    /// The rest of [`View::find`] when the predicted line does not decide:
    /// a step or two to the neighbouring lines, then bisection of the
    /// lines that may hold the key.
    #[inline(never)]
    fn walk(
        &self,
        seq: &Seq,
        at: &Query,
        mut line: u64,
        mut lo: u64,
        mut hi: u64,
        mut probe: Probe,
    ) -> Option<(u64, u32, Words)> {
        let mut steps = 0u32;
        loop {
            let below = match probe {
                Probe::Found(0) => {
                    // A run of equal fingerprints began in an earlier line.
                    hi = line.checked_sub(1)?;
                    lo = lo.min(hi);
                    true
                }
                Probe::Found(_) | Probe::Miss => return None,
                Probe::Below => true,
                Probe::Above => false,
            };
            if below {
                if line == lo {
                    return None;
                }
                hi = line - 1;
            } else {
                if line == hi {
                    return None;
                }
                lo = line + 1;
            }
            steps += 1;
            line = if matches!(probe, Probe::Found(0)) {
                hi
            } else if steps < 3 {
                if below { line - 1 } else { line + 1 }
            } else {
                lo + (hi - lo) / 2
            };
            let q = if line >= at.d0 {
                at.offset
            } else {
                self.offset_from(seq, at, line)
            };
            let words = self.line_words(seq, line);
            probe = self.probe(seq, &words, q);
            match probe {
                Probe::Found(slot) if slot > 0 || !self.continues(seq, &words, line) => {
                    return Some((line, slot, words));
                }
                Probe::Miss => return None,
                _ => {}
            }
        }
    }

    /// The bucket of line `line = lines_below(bucket) − 1`: the largest
    /// `b < bucket` with `lines_below(b) ≤ line` (usually `bucket − 1`).
    fn bucket_before(&self, seq: &Seq, bucket: u64, line: u64) -> u64 {
        let fits = |b: u64| self.lines_below(seq, b) <= line;
        match bucket {
            0 => 0,
            1 => 0,
            _ if fits(bucket - 1) => bucket - 1,
            _ if fits(bucket - 2) => bucket - 2,
            _ => {
                let (mut lo, mut hi) = (0, bucket - 2);
                while lo < hi {
                    let mid = lo + (hi - lo).div_ceil(2);
                    if fits(mid) {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
                lo
            }
        }
    }

    /// The metadata code of the entry at `slot` of `line`.
    fn code(&self, part: bool, line: u64, slot: u32, words: &Words) -> u64 {
        let seq = self.seq(part);
        if part {
            let record = line.wrapping_mul(seq.maxc).wrapping_add(u64::from(slot));
            let ext = self.section(seq.ext_start, seq.ext_start.saturating_add(seq.ext_len));
            ext.get(
                record.wrapping_mul(u64::from(seq.meta.width)),
                seq.meta.width,
            )
        } else {
            let at = LINE_BITS.saturating_sub((slot + 1) * seq.inline);
            words.get(at, seq.inline)
        }
    }

    fn record(&self, part: bool, key: Key, line: u64, slot: u32, words: &Words) -> Record {
        let seq = self.seq(part);
        let (reason, suspended, day, handset) = seq.meta.decode(self.code(part, line, slot, words));
        let imeis = &self.layout.get().imeis;
        let pointers = imeis.lines * imeis.maxc;
        let handset = match handset {
            0 => Handset::None,
            code if code <= pointers => Handset::Listed {
                line: (code - 1) / imeis.maxc.max(1),
                slot: (code - 1) % imeis.maxc.max(1),
            },
            code => Handset::Side(code - 1 - pointers),
        };
        Record {
            key,
            reason,
            suspended,
            day,
            handset: if part { handset } else { Handset::None },
        }
    }

    fn resolve(&self, record: &Record) -> Hit {
        Hit {
            key: record.key,
            reason: record.reason,
            suspended: record.suspended,
            day: record.day,
            handset: self.handset(&record.handset),
        }
    }
}

/// The listings of one key, read one by one ([`View::lookup_all`]).
#[derive(Clone)]
pub(crate) struct Run<'a, L: Holds = Layout> {
    view: Reader<'a, L>,
    key: Key,
    /// The next entry: sequence, stored value, line, slot.
    next: Option<(bool, u128, u64, u32)>,
}

impl<L: Holds> Iterator for Run<'_, L> {
    type Item = Hit;

    fn next(&mut self) -> Option<Hit> {
        let (part, value, line, slot) = self.next?;
        let view = self.view;
        let seq = view.seq(part);
        let bucket = view.bucket_of_line(seq, line);
        let read = view.read_line(seq, line, bucket);
        let hit = view.resolve(&view.record(part, self.key, line, slot, &read.words));
        // The entry after it, if it holds the same key.
        let after = if slot + 1 < read.count {
            Some((line, slot + 1, view.key_at(seq, &read, slot + 1)))
        } else if line + 1 < seq.lines {
            let bucket = view.advance_bucket(seq, line + 1, bucket);
            Some((line + 1, 0, view.read_line(seq, line + 1, bucket).first))
        } else {
            None
        };
        self.next = after
            .filter(|(_, _, key)| *key == value)
            .map(|(line, slot, _)| (part, value, line, slot));
        Some(hit)
    }
}

/// Every entry of one sequence, in order: (part, key, line, slot, words).
struct Entries<'a, L: Holds> {
    view: Reader<'a, L>,
    part: bool,
    line: u64,
    bucket: u64,
    read: Option<Line>,
    slot: u32,
    unary: u32,
}

impl<'a, L: Holds> Entries<'a, L> {
    fn new(view: Reader<'a, L>, part: bool) -> Self {
        Entries {
            view,
            part,
            line: 0,
            bucket: 0,
            read: None,
            slot: 0,
            unary: 0,
        }
    }
}

impl<L: Holds> Iterator for Entries<'_, L> {
    type Item = (bool, u128, u64, u32, Words);

    fn next(&mut self) -> Option<Self::Item> {
        let view = self.view;
        let seq = *view.seq(self.part);
        let l = seq.low;
        loop {
            if let Some(read) = &self.read {
                if self.slot < read.count {
                    let mut key = read.first;
                    if self.slot > 0 {
                        let Some(at) = read.words.next_one(self.unary) else {
                            // A line missing ones (not checked yet).
                            self.slot = read.count;
                            continue;
                        };
                        let u0 = seq.head + (read.count - 1) * l;
                        let high = u128::from(at - u0 - (self.slot - 1));
                        let low = u128::from(read.words.get(seq.head + (self.slot - 1) * l, l));
                        key = key.wrapping_add(high << l | low);
                        self.unary = at + 1;
                    }
                    let item = (self.part, key, self.line, self.slot, read.words);
                    self.slot += 1;
                    return Some(item);
                }
                self.line += 1;
            }
            if self.line >= seq.lines {
                return None;
            }
            self.bucket = view.advance_bucket(&seq, self.line, self.bucket);
            let read = view.read_line(&seq, self.line, self.bucket);
            self.slot = 0;
            self.unary = seq.head + read.count.saturating_sub(1) * l;
            self.read = Some(read);
        }
    }
}

// ---------------------------------------------------------------------
// The structure check.

impl Words {
    /// Whether bits `[from, to)` are all zero.
    fn zero(&self, from: u32, to: u32) -> bool {
        let mut pos = from;
        while pos < to {
            let width = (to - pos).min(64 - pos % 64);
            if self.get(pos, width) != 0 {
                return false;
            }
            pos += width;
        }
        true
    }
}

/// What the check keeps of the line before.
struct Before {
    first: u128,
    count: u32,
    last: u128,
    /// The fence as read: its value, the bits it has, and its shift.
    fence: u64,
    fence_width: u32,
    fence_shift: u32,
}

impl<L: Holds> Reader<'_, L> {
    /// Checks, in one linear pass, that the list says the same thing to
    /// every reader: a lookup (directory, interpolation, fences) and an
    /// iteration. Keys strictly increase (IMEIs) or never decrease
    /// (parts, whose run flags are exact); every line holds its count's
    /// high parts, its fence as the builder writes it, zero free bits, and
    /// as many entries as greedy packing puts there; every directory entry
    /// is as the lines imply; every metadata code is below its alphabet;
    /// unused part records, padding and the side table are canonical.
    ///
    /// Errors: [`Error::NotCanonical`] (order, packing, free bits,
    /// padding) and [`Error::InvalidField`] (counts, directory, codes).
    ///
    /// A reader with a check tells it of the whole list once, up front.
    pub(crate) fn check_structure(&self) -> Result<(), Error> {
        if let Some(check) = self.check {
            check.touch_all(self.bytes);
        }
        let reader = Reader {
            check: None,
            ..*self
        };
        reader.check_seq(false)?;
        reader.check_seq(true)?;
        reader.check_side()
    }

    fn check_seq(&self, part: bool) -> Result<(), Error> {
        let seq = *self.seq(part);
        if seq.n == 0 {
            return Ok(());
        }
        let (l, m, shift) = (seq.low, seq.inline, seq.shift);
        let records = self.section(seq.ext_start, seq.ext_start + seq.ext_len);
        let mut stream = Stream::of(records.bytes());
        let width = seq.meta.width;
        let alphabet = seq.meta.alphabet;
        let mut bucket = 0u64;
        let mut next_dir = 0u64;
        let mut total = 0u64;
        let mut most = 0u64;
        let mut before: Option<Before> = None;
        let dir_is = |b: u64, expected: u64| {
            if self.dir(&seq, b) == expected {
                Ok(())
            } else {
                Err(invalid(
                    "compact list: a directory entry disagrees with the lines",
                ))
            }
        };
        for line in 0..seq.lines {
            bucket = self.advance_bucket(&seq, line, bucket);
            let words = self.line_words(&seq, line);
            let head = words.word(0);
            let ones = ((head >> shift) & seq.count_mask) as u32;
            let count = ones + 1;
            let continues = seq.run_flag && (head >> (shift + seq.cbits)) & 1 == 1;
            if u64::from(count) > seq.maxc {
                return Err(invalid("compact list: a line holds more than its maximum"));
            }
            let first = u128::from(bucket) << shift | u128::from(head & seq.shift_mask);
            if first >= seq.universe {
                return Err(Error::NotCanonical("compact list keys"));
            }
            match &before {
                None if continues => {
                    return Err(Error::NotCanonical("compact list run flags"));
                }
                None => {}
                Some(prev) => {
                    let in_order = if part {
                        first >= prev.last && continues == (first == prev.last)
                    } else {
                        first > prev.last
                    };
                    if !in_order {
                        return Err(Error::NotCanonical("compact list keys"));
                    }
                    // Greedy packing: this line's first key did not fit there.
                    let bits = u128::from(seq.head)
                        + u128::from(prev.count) * u128::from(l + 1)
                        + ((first - prev.first) >> l)
                        + u128::from(prev.count + 1) * u128::from(m);
                    if bits <= u128::from(LINE_BITS) {
                        return Err(Error::NotCanonical("compact list: a line is not full"));
                    }
                    let d = if first > prev.last {
                        first - prev.last - 1
                    } else {
                        0
                    };
                    let expected =
                        (d >> prev.fence_shift).min(u128::from(low_mask(prev.fence_width)));
                    if u128::from(prev.fence) != expected {
                        return Err(Error::NotCanonical("compact list fences"));
                    }
                }
            }
            // Buckets starting at this line's first key.
            let first_bucket = (first >> shift) as u64;
            while next_dir <= first_bucket {
                dir_is(next_dir, 8 * line)?;
                next_dir += 1;
            }
            // The keys after the first: every one present, IMEIs strictly
            // increasing, and the buckets starting among them.
            let u0 = seq.head + ones * l;
            let top = LINE_BITS.saturating_sub(count * m);
            if u0 > top {
                return Err(invalid("compact list: a line's count does not fit"));
            }
            let window = words.get(u0, 64);
            let end = match self.unary_end(&words, ones, u0, window) {
                Some(end) if end <= top => end,
                _ => return Err(invalid("compact list: a line lacks its high parts")),
            };
            let last_low = u128::from(words.get(seq.head + ones.saturating_sub(1) * l, l));
            let last_high = u128::from(end - u0 - ones);
            let last = if ones == 0 {
                first
            } else {
                first + (last_high << l | last_low)
            };
            if last >= seq.universe {
                return Err(Error::NotCanonical("compact list keys"));
            }
            // IMEIs strictly increase: keys sharing a high part (adjacent
            // ones) have increasing low bits, and the first key after the
            // line's first is above it.
            if !part && ones > 0 && end - u0 > 64 {
                self.check_keys_slowly(&seq, &words, count, u0)?;
            } else if !part && ones > 0 {
                let mut window = window;
                let (mut previous_at, mut previous_low) = (u32::MAX, 0u64);
                let mut pos = seq.head;
                for slot in 1..count {
                    let at = window.trailing_zeros();
                    window &= window.wrapping_sub(1);
                    let low = words.get(pos, l);
                    pos += l;
                    let same_high = if slot == 1 {
                        at == 0
                    } else {
                        at == previous_at.wrapping_add(1)
                    };
                    if same_high && low <= previous_low {
                        return Err(Error::NotCanonical("compact list keys"));
                    }
                    previous_at = at;
                    previous_low = low;
                }
            }
            // Buckets starting inside the line: the slot of each one's first
            // key, by one `select0` (or key by key if the unary part
            // outgrows a word).
            let last_bucket = (last >> shift) as u64;
            while next_dir <= last_bucket {
                let base = u128::from(next_dir) << shift;
                let target = u64::try_from(base - first).unwrap_or(u64::MAX);
                let slot = if end - u0 <= 64 {
                    first_at_least(&words, seq.head, l, ones, window, target)
                } else {
                    first_at_least_slowly(&words, seq.head, l, ones, u0, target)
                };
                dir_is(next_dir, 8 * line + u64::from((8 * slot).div_ceil(count)))?;
                next_dir += 1;
            }
            // The free bits: the fence, then zeros.
            let fence_width = (top - end).min(l + FENCE_SLACK);
            if !words.zero(end + fence_width, top) {
                return Err(Error::NotCanonical("compact list free bits"));
            }
            // The metadata codes, in range; unused records zero.
            if part {
                for slot in 0..seq.maxc {
                    let code = stream.take(width);
                    if code >= alphabet || (slot >= u64::from(count) && code != 0) {
                        return Err(invalid("compact list: a part record is out of range"));
                    }
                }
            } else {
                // From the last entry's code up to the first's, streamed.
                let mut index = top / 64;
                let mut used = top % 64;
                let (mut current, mut next) = (words.word(index), words.word(index + 1));
                for _ in 0..count {
                    let code = ((current >> used) | ((next << 1) << (63 - used))) & seq.low_meta;
                    if code >= alphabet {
                        return Err(invalid("compact list: a metadata code is out of range"));
                    }
                    used += m;
                    if used >= 64 {
                        used -= 64;
                        index += 1;
                        current = next;
                        next = words.word(index + 1);
                    }
                }
            }
            let words = &words;
            before = Some(Before {
                first,
                count,
                last,
                fence: words.get(end, fence_width),
                fence_width,
                fence_shift: l + FENCE_SLACK - fence_width,
            });
            total += u64::from(count);
            most = most.max(u64::from(count));
        }
        if before.is_some_and(|last| last.fence != 0) {
            return Err(Error::NotCanonical("compact list fences"));
        }
        if total != seq.n || most != seq.maxc {
            return Err(invalid("compact list: the lines do not match the counts"));
        }
        while next_dir <= seq.buckets {
            dir_is(next_dir, 8 * seq.lines)?;
            next_dir += 1;
        }
        if part {
            let used = seq.lines * seq.maxc * u64::from(width);
            if !packed_zero(records, used, seq.ext_len as u64 * 8) {
                return Err(Error::NotCanonical("compact list record padding"));
            }
        }
        Ok(())
    }

    /// The IMEI order check for a line whose unary part outgrows a word.
    #[cold]
    fn check_keys_slowly(
        &self,
        seq: &Seq,
        words: &Words,
        count: u32,
        u0: u32,
    ) -> Result<(), Error> {
        let l = seq.low;
        let mut pos = u0;
        let mut previous = 0u128;
        for slot in 1..count {
            let at = words.next_one(pos).unwrap_or(pos);
            let high = u128::from(at - u0 - (slot - 1));
            let value = high << l | u128::from(words.get(seq.head + (slot - 1) * l, l));
            if value <= previous {
                return Err(Error::NotCanonical("compact list keys"));
            }
            previous = value;
            pos = at + 1;
        }
        Ok(())
    }

    /// Just after the last of a line's `ones` ones from `u0` (`window`
    /// holding the 64 bits there), or `None` if it lacks them.
    #[inline]
    fn unary_end(&self, words: &Words, ones: u32, u0: u32, window: u64) -> Option<u32> {
        if ones == 0 {
            return Some(u0);
        }
        if let Some(at) = select_in_word(window, ones - 1) {
            return Some(u0 + at + 1);
        }
        let mut pos = u0;
        for _ in 0..ones {
            pos = words.next_one(pos)? + 1;
        }
        Some(pos)
    }

    fn check_side(&self) -> Result<(), Error> {
        let table = self.section(self.layout.get().side_start, self.layout.get().total);
        let count = self.layout.get().fields.n_side;
        let mut previous: Option<u64> = None;
        for index in 0..count {
            let body = table.get(index * u64::from(IMEI_BITS), IMEI_BITS);
            if body >= IMEI_BODIES || previous.is_some_and(|before| body <= before) {
                return Err(Error::NotCanonical("compact list side table"));
            }
            // A listed IMEI is named by pointer, never here.
            let key = u128::from(mix_imei(body).unwrap_or(0));
            if self.find(&self.layout.get().imeis, key).is_some() {
                return Err(Error::NotCanonical("compact list side table"));
            }
            previous = Some(body);
        }
        let used = count * u64::from(IMEI_BITS);
        let len = (self.layout.get().total - self.layout.get().side_start) as u64 * 8;
        if !packed_zero(table, used, len) {
            return Err(Error::NotCanonical("compact list side table padding"));
        }
        Ok(())
    }
}

/// Reads consecutive bit fields of a byte slice, front to back: a word
/// at a time, for the structure check's pass over every code.
struct Stream<'a> {
    /// The words after `next`.
    bytes: &'a [u8],
    /// The current word, of which bits `[used, 64)` are unread, and the
    /// one after it.
    current: u64,
    next: u64,
    used: u32,
}

impl<'a> Stream<'a> {
    /// The fields from the start of `bytes`.
    fn of(bytes: &'a [u8]) -> Self {
        let mut stream = Stream {
            bytes,
            current: 0,
            next: 0,
            used: 0,
        };
        stream.current = stream.word();
        stream.next = stream.word();
        stream
    }

    #[inline]
    fn word(&mut self) -> u64 {
        match self.bytes.split_first_chunk::<8>() {
            Some((word, rest)) => {
                self.bytes = rest;
                u64::from_le_bytes(*word)
            }
            None => 0,
        }
    }

    /// The next `width ≤ 64` bits (zeros past the end).
    #[inline]
    fn take(&mut self, width: u32) -> u64 {
        let used = self.used;
        let value = (self.current >> used) | ((self.next << 1) << (63 - used));
        self.used = used + width;
        if self.used >= 64 {
            self.used -= 64;
            self.current = self.next;
            self.next = self.word();
        }
        value & low_mask(width)
    }
}

/// The first slot (from 1) of a line whose offset from the line's first
/// key is at least `target` (`ones + 1` if none): the unary part lies in
/// `window`.
fn first_at_least(words: &Words, head: u32, l: u32, ones: u32, window: u64, target: u64) -> u32 {
    let high = target >> l;
    let (mut at, mut slot) = if high == 0 {
        (0, 1)
    } else {
        match select_in_word(!window, (high - 1).min(63) as u32) {
            Some(zero) => (zero + 1, (zero + 2).saturating_sub(high as u32)),
            None => return ones + 1,
        }
    };
    let low = target & low_mask(l);
    while slot <= ones && at < 64 && (window >> at) & 1 == 1 {
        if words.get(head + (slot - 1) * l, l) >= low {
            return slot;
        }
        slot += 1;
        at += 1;
    }
    slot.min(ones + 1)
}

/// [`first_at_least`] for a unary part longer than a word: key by key.
#[cold]
fn first_at_least_slowly(words: &Words, head: u32, l: u32, ones: u32, u0: u32, target: u64) -> u32 {
    let mut pos = u0;
    for slot in 1..=ones {
        let Some(at) = words.next_one(pos) else {
            return ones + 1;
        };
        let high = u64::from(at - u0 - (slot - 1));
        let value = high.checked_shl(l).unwrap_or(u64::MAX) | words.get(head + (slot - 1) * l, l);
        if value >= target {
            return slot;
        }
        pos = at + 1;
    }
    ones + 1
}

/// Whether bits `[from, to)` of a packed section are zero.
fn packed_zero(section: Packed<'_>, from: u64, to: u64) -> bool {
    let mut pos = from;
    while pos < to {
        let width = (to - pos).min(64 - pos % 64) as u32;
        if section.get(pos, width) != 0 {
            return false;
        }
        pos += u64::from(width);
    }
    true
}
