//! Elias-Fano sequences, read in place from little-endian 64-bit words and
//! written by the builder.
//!
//! A sorted sequence of `n` values below `u` splits each value into `l =
//! floor(log2(u / n))` low bits, stored verbatim at the start of a
//! fixed-width record (the rest of the record is the entry's metadata),
//! and a high part `value >> l`, stored in unary: value `i` sets bit
//! `high_i + i` of a vector of `n + buckets` bits, where `buckets =
//! ((u - 1) >> l) + 1` is the number of zeros. Sampled positions of every
//! 128th zero (`select0`, to find a value's bucket) are stored too, so
//! nothing is built at load.
//!
//! Reading never panics: words past a section's end read as zero, every
//! scan is bounded by its section, and a corrupted sample or bit only
//! gives a wrong (but defined) answer.

use super::layout::{SELECT0_STEP, Section, SeqLayout};
use crate::error::Error;

/// Little-endian 64-bit words borrowed from bytes.
#[derive(Debug, Clone, Copy)]
struct Words<'a>(&'a [u8]);

impl<'a> Words<'a> {
    fn of(bytes: &'a [u8], section: Section) -> Self {
        Words(bytes.get(section.start..section.end).unwrap_or_default())
    }

    fn count(self) -> u64 {
        (self.0.len() / 8) as u64
    }

    /// Word `index`; past the end, zero.
    #[inline]
    fn word(self, index: u64) -> u64 {
        usize::try_from(index)
            .ok()
            .and_then(|index| index.checked_mul(8))
            .and_then(|at| self.0.get(at..))
            .and_then(<[u8]>::first_chunk::<8>)
            .map_or(0, |chunk| u64::from_le_bytes(*chunk))
    }

    /// `width` (at most 64) bits starting at bit `pos`.
    #[inline]
    fn bits(self, pos: u64, width: u32) -> u64 {
        if width == 0 {
            return 0;
        }
        let index = pos / 64;
        let offset = (pos % 64) as u32;
        let mut value = self.word(index) >> offset;
        if offset + width > 64 {
            // offset > 0 here, as width <= 64.
            value |= self.word(index.wrapping_add(1)) << (64 - offset);
        }
        if width >= 64 {
            value
        } else {
            value & ((1u64 << width) - 1)
        }
    }

    #[inline]
    fn bit(self, pos: u64) -> bool {
        (self.word(pos / 64) >> (pos % 64)) & 1 == 1
    }
}

/// The position of the set bit of rank `rank` (from 0) in `word`; the
/// caller ensures `rank < word.count_ones()`. Branch-free: a lookup scans
/// many words, and mispredicted branches would stall it.
#[inline]
fn select_in_word(word: u64, rank: u32) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Bits set per byte, then per byte the count up to and including it
    // (at most 64, so each byte's arithmetic below stays in its byte).
    let mut counts = word - ((word >> 1) & 0x5555_5555_5555_5555);
    counts = (counts & 0x3333_3333_3333_3333) + ((counts >> 2) & 0x3333_3333_3333_3333);
    counts = (counts + (counts >> 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    let prefix = counts.wrapping_mul(ONES);
    let rank = u64::from(rank) & 63;
    // The high bit of each byte whose count up to it is at most `rank`:
    // the bytes before the one holding the wanted bit.
    let at_most = ((rank.wrapping_mul(ONES) | HIGHS) - prefix) & HIGHS;
    let shift = 8 * at_most.count_ones().min(7);
    let before = ((prefix << 8) >> shift) & 0xff;
    let byte = (word >> shift) & 0xff;
    let in_byte = rank.wrapping_sub(before) & 7;
    // The same within the byte, one bit per byte: byte `i` of `bits` is
    // bit `i` of `byte`, and the positions whose count up to them is at
    // most `in_byte` are those before the wanted bit.
    let spread = byte.wrapping_mul(ONES) & 0x8040_2010_0804_0201;
    let bits = ((spread + 0x7f7f_7f7f_7f7f_7f7f) >> 7) & ONES;
    let counts = bits.wrapping_mul(ONES);
    let at_most = ((in_byte.wrapping_mul(ONES) | HIGHS) - counts) & HIGHS;
    shift + at_most.count_ones()
}

fn low_mask(width: u32) -> u128 {
    (1u128 << width) - 1
}

/// One Elias-Fano sequence, borrowed from the buffer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seq<'a> {
    layout: &'a SeqLayout,
    select0: Words<'a>,
    high: Words<'a>,
    records: Words<'a>,
}

impl<'a> Seq<'a> {
    /// The sequence `layout` describes within `bytes` (already checked to
    /// be as long as the layout says).
    pub(super) fn new(bytes: &'a [u8], layout: &'a SeqLayout) -> Self {
        Seq {
            layout,
            select0: Words::of(bytes, layout.select0),
            high: Words::of(bytes, layout.high),
            records: Words::of(bytes, layout.records),
        }
    }

    /// The position in the high bits of the `rank`-th zero (from 0)
    /// counting from `start`, itself of rank 0 if it is one.
    fn scan(self, start: u64, rank: u64) -> Option<u64> {
        let words = self.high.count();
        let mut rank = rank;
        let mut index = start / 64;
        let mut word = !self.high.word(index) & (u64::MAX << (start % 64));
        while index < words {
            let ones = u64::from(word.count_ones());
            if rank < ones {
                return Some(index * 64 + u64::from(select_in_word(word, rank as u32)));
            }
            rank -= ones;
            index += 1;
            word = !self.high.word(index);
        }
        None
    }

    /// Position of the zero of rank `rank`: the end of bucket `rank`.
    ///
    /// A lookup reads the record after this zero next, at an index the
    /// scan of the high bits finds; the sample already tells it to within
    /// a few entries, so that record's memory is touched first, and its
    /// fetch (cache line and page translation) overlaps the scan instead
    /// of following it.
    fn select0(self, rank: u64) -> Option<u64> {
        let layout = self.layout;
        if rank >= layout.zeros {
            return None;
        }
        let sampled = rank / SELECT0_STEP;
        let sample = self.select0.word(sampled);
        // Ones before the sampled zero, plus the expected ones between it
        // and the zero wanted.
        let before = sample.saturating_sub(sampled * SELECT0_STEP);
        let between = (rank % SELECT0_STEP).saturating_mul(layout.n) / layout.zeros.max(1);
        let expected = before
            .saturating_add(between)
            .min(layout.n.saturating_sub(1));
        // Only the load matters; `black_box` keeps it from being removed.
        core::hint::black_box(self.records.word(self.record_at(expected) / 64));
        self.scan(sample, rank % SELECT0_STEP)
    }

    fn record_at(self, index: u64) -> u64 {
        index.saturating_mul(self.layout.stride())
    }

    fn low(self, index: u64) -> u64 {
        self.records
            .bits(self.record_at(index), self.layout.low_width)
    }

    /// `width` (at most 64) metadata bits of value `index`, from bit
    /// `offset` of its metadata.
    pub(super) fn meta(self, index: u64, offset: u32, width: u32) -> u64 {
        let at = self
            .record_at(index)
            .saturating_add(u64::from(self.layout.low_width))
            .saturating_add(u64::from(offset));
        self.records.bits(at, width)
    }

    /// The first index holding `value`, and its position in the high bits.
    pub(super) fn first(self, value: u128) -> Option<(u64, u64)> {
        let layout = self.layout;
        let bucket = value >> layout.low_width;
        if bucket >= u128::from(layout.zeros) {
            return None;
        }
        let bucket = bucket as u64;
        let low = (value & low_mask(layout.low_width)) as u64;
        // The bucket's ones start right after the previous bucket's zero.
        let start = match bucket.checked_sub(1) {
            None => 0,
            Some(previous) => self.select0(previous)?.wrapping_add(1),
        };
        let mut index = start.checked_sub(bucket)?;
        let mut pos = start;
        loop {
            if index >= layout.n || !self.high.bit(pos) {
                return None;
            }
            let here = self.low(index);
            if here == low {
                break;
            }
            if here > low {
                return None;
            }
            index += 1;
            pos = pos.wrapping_add(1);
        }
        Some((index, pos))
    }

    /// The indices holding `value` (several only where values repeat).
    #[cfg(test)]
    pub(super) fn find(self, value: u128) -> Option<core::ops::Range<u64>> {
        let layout = self.layout;
        let low = (value & low_mask(layout.low_width)) as u64;
        let (first, mut pos) = self.first(value)?;
        let mut index = first;
        loop {
            index += 1;
            pos = pos.wrapping_add(1);
            if index >= layout.n || !self.high.bit(pos) || self.low(index) != low {
                return Some(first..index);
            }
        }
    }

    /// The indices holding `value`, read one by one from the first (so a
    /// caller that takes a few never scans a long run of equal values).
    pub(super) fn run(self, value: u128) -> impl Iterator<Item = u64> + 'a {
        let layout = self.layout;
        let low = (value & low_mask(layout.low_width)) as u64;
        let first = self.first(value);
        let mut next = first;
        core::iter::from_fn(move || {
            let (index, pos) = next?;
            let (after, after_pos) = (index + 1, pos.wrapping_add(1));
            next = (after < layout.n && self.high.bit(after_pos) && self.low(after) == low)
                .then_some((after, after_pos));
            Some(index)
        })
    }

    /// Checks, in one pass over the sequence, that it says one thing to
    /// every reader: the high bits hold exactly `n` ones and `zeros` zeros
    /// with nothing set after them, every `select0` sample points at its
    /// zero, values never decrease (strictly increase when `distinct`) and
    /// stay below the universe, record padding is zero, and `record_ok`
    /// accepts every record's index. A list failing this could answer a
    /// lookup one way and an iteration another.
    pub(super) fn check(
        self,
        distinct: bool,
        record_ok: impl Fn(u64) -> bool,
    ) -> Result<(), Error> {
        let layout = self.layout;
        let bits = layout.n + layout.zeros;
        let (mut ones, mut zeros, mut samples) = (0u64, 0u64, 0u64);
        let mut previous: Option<u128> = None;
        for word_index in 0..self.high.count() {
            let word = self.high.word(word_index);
            let start = word_index * 64;
            let valid = bits.saturating_sub(start).min(64) as u32;
            let mask = if valid == 64 {
                u64::MAX
            } else {
                (1u64 << valid) - 1
            };
            if word & !mask != 0 {
                return Err(Error::NotCanonical("compact list high bits"));
            }
            // The ones: one value each, in order.
            let mut set = word;
            while set != 0 {
                let pos = start + u64::from(set.trailing_zeros());
                set &= set - 1;
                let index = ones;
                let high = u128::from(pos - index);
                let value = (high << layout.low_width) | u128::from(self.low(index));
                let ordered = match previous {
                    None => true,
                    Some(before) if distinct => value > before,
                    Some(before) => value >= before,
                };
                if !ordered || value >= layout.universe {
                    return Err(Error::NotCanonical("compact list keys"));
                }
                if !record_ok(index) {
                    return Err(Error::InvalidField(
                        "compact list: a record is out of range",
                    ));
                }
                previous = Some(value);
                ones += 1;
            }
            // The zeros: every sampled one where its sample says.
            let clear = !word & mask;
            let here = u64::from(clear.count_ones());
            let mut rank = samples * SELECT0_STEP;
            while rank < zeros + here {
                let at = start + u64::from(select_in_word(clear, (rank - zeros) as u32));
                if self.select0.word(samples) != at {
                    return Err(Error::InvalidField(
                        "compact list: a select sample points elsewhere",
                    ));
                }
                samples += 1;
                rank += SELECT0_STEP;
            }
            zeros += here;
        }
        if ones != layout.n || zeros != layout.zeros || samples != self.select0.count() {
            return Err(Error::InvalidField(
                "compact list: the high bits do not match the counts",
            ));
        }
        let used = layout.n.saturating_mul(layout.stride());
        let last = used / 64;
        let tail = self.records.word(last) >> (used % 64);
        let beyond = (last + 1..self.records.count()).any(|word| self.records.word(word) != 0);
        if (used % 64 != 0 && tail != 0)
            || (used % 64 == 0 && self.records.word(last) != 0)
            || beyond
        {
            return Err(Error::NotCanonical("compact list record padding"));
        }
        Ok(())
    }

    /// Every `(index, value)` in order, read sequentially.
    pub(super) fn values(self) -> Values<'a> {
        Values {
            seq: self,
            index: 0,
            pos: 0,
        }
    }
}

/// The values of a sequence in order, with their indices.
#[derive(Debug, Clone)]
pub(super) struct Values<'a> {
    seq: Seq<'a>,
    index: u64,
    pos: u64,
}

impl Iterator for Values<'_> {
    type Item = (u64, u128);

    fn next(&mut self) -> Option<Self::Item> {
        let seq = self.seq;
        if self.index >= seq.layout.n {
            return None;
        }
        let words = seq.high.count();
        let mut word_index = self.pos / 64;
        let mut word = seq.high.word(word_index) & (u64::MAX << (self.pos % 64));
        while word == 0 {
            word_index += 1;
            if word_index >= words {
                self.index = seq.layout.n;
                return None;
            }
            word = seq.high.word(word_index);
        }
        let pos = word_index * 64 + u64::from(word.trailing_zeros());
        let index = self.index;
        let high = pos.saturating_sub(index);
        self.index += 1;
        self.pos = pos + 1;
        Some((
            index,
            (u128::from(high) << seq.layout.low_width) | u128::from(seq.low(index)),
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.seq.layout.n.saturating_sub(self.index);
        (0, usize::try_from(left).ok())
    }
}

fn builder_error() -> Error {
    Error::InvalidField("compact list builder: values out of order or out of range")
}

/// Sets `width` (up to 128) bits from `pos` to `value`.
fn set_wide(words: &mut [u64], pos: u64, width: u32, value: u128) -> Result<(), Error> {
    if width < 128 && value >> width != 0 {
        return Err(builder_error());
    }
    let low = width.min(64);
    set_bits(words, pos, low, value as u64)?;
    set_bits(
        words,
        pos + u64::from(low),
        width - low,
        (value >> 64) as u64,
    )
}

fn set_bits(words: &mut [u64], pos: u64, width: u32, value: u64) -> Result<(), Error> {
    if width == 0 {
        return Ok(());
    }
    if width < 64 && value >> width != 0 {
        return Err(builder_error());
    }
    let index = usize::try_from(pos / 64).map_err(|_| builder_error())?;
    let offset = (pos % 64) as u32;
    let first = words.get_mut(index).ok_or_else(builder_error)?;
    *first |= value << offset;
    if offset + width > 64 {
        let second = words.get_mut(index + 1).ok_or_else(builder_error)?;
        *second |= value >> (64 - offset);
    }
    Ok(())
}

fn words_in(section: Section) -> usize {
    section.end.saturating_sub(section.start) / 8
}

/// Appends the sequence `layout` plans, from `items` (value, metadata) in
/// non-decreasing value order, to `out`, which must end where the
/// sequence starts.
pub(super) fn write(
    out: &mut Vec<u8>,
    layout: &SeqLayout,
    items: impl Iterator<Item = (u128, u128)>,
) -> Result<(), Error> {
    let n = layout.n;
    let low_width = layout.low_width;
    let stride = layout.stride();
    let mut select0 = Vec::with_capacity(words_in(layout.select0));
    let mut high = vec![0u64; words_in(layout.high)];
    let mut records = vec![0u64; words_in(layout.records)];
    let mut next_zero = 0u64;
    let mut count = 0u64;
    let mut previous = 0u128;
    for (value, meta) in items {
        if count >= n || value >= layout.universe || value < previous {
            return Err(builder_error());
        }
        previous = value;
        let bucket = u64::try_from(value >> low_width).map_err(|_| builder_error())?;
        // Zeros of rank below `bucket` not yet sampled lie after every
        // value so far and before this one.
        while next_zero < bucket {
            select0.push(next_zero + count);
            next_zero += SELECT0_STEP;
        }
        set_bits(&mut high, bucket + count, 1, 1)?;
        let at = count * stride;
        set_bits(
            &mut records,
            at,
            low_width,
            (value & low_mask(low_width)) as u64,
        )?;
        set_wide(
            &mut records,
            at + u64::from(low_width),
            layout.meta_width,
            meta,
        )?;
        count += 1;
    }
    if count != n {
        return Err(builder_error());
    }
    while next_zero < layout.zeros {
        select0.push(next_zero + n);
        next_zero += SELECT0_STEP;
    }
    for (section, words) in [
        (layout.select0, select0),
        (layout.high, high),
        (layout.records, records),
    ] {
        if out.len() != section.start || words.len() != words_in(section) {
            return Err(builder_error());
        }
        for word in words {
            out.extend_from_slice(&word.to_le_bytes());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::layout::HEADER_LEN;
    use super::*;

    /// Test metadata for `value`: `width` bits, the top ones set.
    fn meta_of(value: u128, width: u32) -> u128 {
        let mask = (1u128 << width) - 1;
        (value ^ 0x5555 ^ (u128::MAX << width.saturating_sub(3))) & mask
    }

    fn sequence(values: &[u128], universe: u128, meta_width: u32) -> (SeqLayout, Vec<u8>) {
        let mut cursor = HEADER_LEN as u64;
        let layout =
            SeqLayout::plan(values.len() as u64, universe, meta_width, &mut cursor).unwrap();
        let mut out = vec![0u8; HEADER_LEN];
        write(
            &mut out,
            &layout,
            values.iter().map(|v| (*v, meta_of(*v, meta_width))),
        )
        .unwrap();
        assert_eq!(out.len() as u64, cursor);
        (layout, out)
    }

    #[test]
    fn select_in_word_finds_every_bit() {
        let word = 0x8000_0100_0001_0011u64;
        let positions: Vec<u32> = (0..word.count_ones())
            .map(|r| select_in_word(word, r))
            .collect();
        assert_eq!(positions, [0, 4, 16, 40, 63]);
        let mut word = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            word ^= word << 13;
            word ^= word >> 7;
            word ^= word << 17;
            let naive: Vec<u32> = (0..64).filter(|bit| (word >> bit) & 1 == 1).collect();
            for (rank, position) in naive.iter().enumerate() {
                assert_eq!(select_in_word(word, rank as u32), *position);
            }
        }
        assert_eq!(select_in_word(u64::MAX, 63), 63);
    }

    #[test]
    fn finds_every_value_and_no_other() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (n, universe) in [
            (1u64, 1000u128),
            (7, 8),
            (300, 1 << 20),
            (5000, 1 << 50),
            (3000, 3001),
        ] {
            let mut values: Vec<u128> = (0..n).map(|_| u128::from(next()) % universe).collect();
            values.sort_unstable();
            values.dedup();
            for meta_width in [0, 19, 45, 66, 100] {
                let (layout, bytes) = sequence(&values, universe, meta_width);
                let seq = Seq::new(&bytes, &layout);
                let read: Vec<u128> = seq.values().map(|(_, v)| v).collect();
                assert_eq!(read, values);
                for (i, v) in values.iter().enumerate() {
                    assert_eq!(seq.find(*v), Some(i as u64..i as u64 + 1));
                    assert_eq!(seq.first(*v).map(|(index, _)| index), Some(i as u64));
                    let low = meta_width.min(64);
                    let meta = u128::from(seq.meta(i as u64, 0, low))
                        | u128::from(seq.meta(i as u64, low, meta_width - low)) << low;
                    assert_eq!(meta, meta_of(*v, meta_width));
                }
                for _ in 0..2000 {
                    let probe = u128::from(next()) % universe;
                    assert_eq!(
                        seq.find(probe).is_some(),
                        values.binary_search(&probe).is_ok()
                    );
                    assert_eq!(seq.first(probe).is_some(), seq.find(probe).is_some());
                }
            }
        }
    }

    #[test]
    fn repeated_values_form_a_range() {
        let values = [3u128, 3, 3, 9, 9, 200, 1000, 1000];
        let (layout, bytes) = sequence(&values, 1 << 12, 5);
        let seq = Seq::new(&bytes, &layout);
        assert_eq!(seq.find(3), Some(0..3));
        assert_eq!(seq.first(9).map(|(index, _)| index), Some(3));
        assert_eq!(seq.find(9), Some(3..5));
        assert_eq!(seq.find(200), Some(5..6));
        assert_eq!(seq.find(1000), Some(6..8));
        assert_eq!(seq.find(4), None);
    }

    #[test]
    fn builder_refuses_unsorted_values() {
        let mut cursor = HEADER_LEN as u64;
        let layout = SeqLayout::plan(2, 100, 0, &mut cursor).unwrap();
        let mut out = vec![0u8; HEADER_LEN];
        assert!(write(&mut out, &layout, [(5u128, 0u128), (4, 0)].into_iter()).is_err());
    }
}
