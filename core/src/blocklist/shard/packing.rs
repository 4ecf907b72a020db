//! A compact list's listings in one shard, packed near their information
//! content: what a phone fetches for each identity it checks.
//!
//! The listings are the slice's IMEIs (by their mixed position), then its
//! part fingerprints, each list sorted. A key is written as the gap from
//! the one before it (the first from 0) over the bits its slice leaves
//! free, Rice-coded with the parameter its mean gap gives (so 191 IMEIs in
//! a slice of 2^30 positions cost about 24 bits each); then 6 bits of
//! metadata (the reason's number, the status, whether a handset follows),
//! the day as an offset from the slice's first day in as few bits as the
//! slice's days need, and, for a part listed with its handset, the IMEI in
//! 50 bits. Every choice the writer makes is the one the reader checks, so
//! a shard has one encoding.

use serde::{Deserialize, Serialize};

use super::{HitKey, ShardHit};
use crate::blocklist::objects::{ListingStatus, Reason};
use crate::error::Error;
use crate::ids::Imei;
use crate::limits::{MAX_SHARD_ENTRIES, MAX_SHARD_LEN};

/// The bits of an IMEI's mixed position (every IMEI is below 10^15 < 2^50).
pub(super) const IMEI_BITS: u32 = 50;
/// Metadata bits a listing: reason (4), status (1), handset follows (1).
const META_BITS: u32 = 6;

/// A slice's listings as a shard carries them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct PackedHits {
    imeis: u32,
    parts: u32,
    imei_rice: u8,
    part_rice: u8,
    base_day: u32,
    day_bits: u8,
    #[serde(deserialize_with = "crate::bounded::vec::<_, _, MAX_SHARD_LEN>")]
    bits: Vec<u8>,
}

/// The Rice parameter for `count` gaps summing to `total`: the floor of
/// the base-2 logarithm of their mean (0 for none).
fn rice_for(total: u64, count: u64) -> u8 {
    match total.checked_div(count) {
        Some(mean) if mean > 0 => (u64::BITS - 1 - mean.leading_zeros()) as u8,
        _ => 0,
    }
}

fn bits_for(value: u64) -> u8 {
    (u64::BITS - value.leading_zeros()) as u8
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Bits written most significant first, a word at a time.
#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
    /// Bits not yet written out, in the low `pending` bits.
    word: u64,
    pending: u32,
}

impl Writer {
    /// Appends the low `width` bits of `value` (at most 57 at once).
    fn put(&mut self, value: u64, width: u32) {
        if width > 56 {
            self.put(value >> 32, width - 32);
            self.put(value & mask(32), 32);
            return;
        }
        self.word = (self.word << width) | (value & mask(width));
        self.pending += width;
        while self.pending >= 8 {
            self.pending -= 8;
            self.bytes.push((self.word >> self.pending) as u8);
        }
        self.word &= mask(self.pending);
    }

    fn rice(&mut self, value: u64, k: u8) {
        let mut quotient = value >> k;
        while quotient >= 32 {
            self.put(mask(32), 32);
            quotient -= 32;
        }
        // The quotient's ones, then a zero.
        self.put(mask(quotient as u32) << 1, quotient as u32 + 1);
        self.put(value, u32::from(k));
    }

    /// The bytes, the last one's spare bits zero.
    fn finish(mut self) -> Vec<u8> {
        if self.pending > 0 {
            self.bytes.push((self.word << (8 - self.pending)) as u8);
        }
        self.bytes
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn bit(&mut self) -> Result<bool, Error> {
        let byte = self.bytes.get(self.at / 8).ok_or(Error::Truncated)?;
        let one = byte & (0x80 >> (self.at % 8)) != 0;
        self.at += 1;
        Ok(one)
    }

    fn get(&mut self, width: u32) -> Result<u64, Error> {
        let mut value = 0u64;
        for _ in 0..width {
            value = (value << 1) | u64::from(self.bit()?);
        }
        Ok(value)
    }

    /// A Rice-coded value, refused past `limit`.
    fn rice(&mut self, k: u8, limit: u64) -> Result<u64, Error> {
        let mut quotient = 0u64;
        while self.bit()? {
            quotient += 1;
            if quotient > limit >> k {
                return Err(Error::InvalidField("a shard key past its slice"));
            }
        }
        let value = (quotient << k) | self.get(u32::from(k))?;
        if value > limit {
            return Err(Error::InvalidField("a shard key past its slice"));
        }
        Ok(value)
    }

    /// Nothing may follow the last listing but the last byte's zero bits.
    fn finish(self) -> Result<(), Error> {
        let used = self.at.div_ceil(8);
        if self.bytes.len() > used {
            return Err(Error::TrailingBytes(self.bytes.len() - used));
        }
        let spare = (used * 8 - self.at) as u32;
        let last = self.bytes.last().copied().unwrap_or(0);
        if spare > 0 && u64::from(last) & mask(spare) != 0 {
            return Err(Error::NotCanonical("a shard's padding"));
        }
        Ok(())
    }
}

/// Where a key's bits start within its slice: an IMEI's mixed position or
/// a part's fingerprint, less the bits the slice fixes.
fn low(key: &HitKey, imei_free: u32, part_free: u32) -> u64 {
    match key {
        HitKey::Imei(position) => position & mask(imei_free),
        HitKey::Part(print) => (*print as u64) & mask(part_free),
    }
}

impl PackedHits {
    /// Packs a slice's listings (IMEIs, then parts, each sorted; equal
    /// fingerprints in the list's order). `imei_free` and `part_free` are
    /// the key bits the slice leaves free.
    pub(super) fn pack(hits: &[ShardHit], imei_free: u32, part_free: u32) -> Result<Self, Error> {
        let (imeis, parts): (Vec<&ShardHit>, Vec<&ShardHit>) = hits
            .iter()
            .partition(|hit| matches!(hit.key, HitKey::Imei(_)));
        let gaps = |group: &[&ShardHit], strict: bool| -> Vec<u64> {
            let mut previous: Option<u64> = None;
            group
                .iter()
                .map(|hit| {
                    let value = low(&hit.key, imei_free, part_free);
                    let gap = match previous {
                        None => value,
                        Some(before) => value - before - u64::from(strict),
                    };
                    previous = Some(value);
                    gap
                })
                .collect()
        };
        let imei_gaps = gaps(&imeis, true);
        let part_gaps = gaps(&parts, false);
        let imei_rice = rice_for(imei_gaps.iter().sum(), imei_gaps.len() as u64);
        let part_rice = rice_for(part_gaps.iter().sum(), part_gaps.len() as u64);
        let base_day = hits.iter().map(|hit| hit.day).min().unwrap_or(0);
        let day_bits = bits_for(
            hits.iter()
                .map(|hit| u64::from(hit.day - base_day))
                .max()
                .unwrap_or(0),
        );
        let mut out = Writer::default();
        for (group, gaps, k) in [
            (&imeis, &imei_gaps, imei_rice),
            (&parts, &part_gaps, part_rice),
        ] {
            for (hit, gap) in group.iter().zip(gaps) {
                out.rice(*gap, k);
                let meta = u64::from(hit.reason.code()) << 2
                    | u64::from(hit.status == ListingStatus::Suspended) << 1
                    | u64::from(hit.handset.is_some());
                out.put(meta, META_BITS);
                out.put(u64::from(hit.day - base_day), u32::from(day_bits));
                if let Some(handset) = hit.handset {
                    out.put(handset.as_u64(), IMEI_BITS);
                }
            }
        }
        Ok(PackedHits {
            imeis: imeis.len() as u32,
            parts: parts.len() as u32,
            imei_rice,
            part_rice,
            base_day,
            day_bits,
            bits: out.finish(),
        })
    }

    /// The listings of slice `index` of `shard_bits`, checked as they are
    /// read: keys in order and in the slice, known reasons, valid handset
    /// IMEIs, and the one encoding the writer makes.
    pub(super) fn unpack(
        &self,
        index: u32,
        imei_free: u32,
        part_free: u32,
    ) -> Result<Vec<ShardHit>, Error> {
        let count = u64::from(self.imeis) + u64::from(self.parts);
        if count > MAX_SHARD_ENTRIES as u64 {
            return Err(Error::LengthOverBound {
                field: "shard listings",
                length: usize::try_from(count).unwrap_or(usize::MAX),
                max: MAX_SHARD_ENTRIES,
            });
        }
        if u32::from(self.day_bits) > 32 {
            return Err(Error::InvalidField("a shard's day width"));
        }
        let mut input = Reader {
            bytes: &self.bits,
            at: 0,
        };
        let mut hits = Vec::with_capacity(count.min(self.bits.len() as u64) as usize);
        let groups = [
            (self.imeis, self.imei_rice, imei_free, true),
            (self.parts, self.part_rice, part_free, false),
        ];
        for (n, k, free, is_imei) in groups {
            if u32::from(k) > free.max(1) {
                return Err(Error::NotCanonical("a shard's Rice parameter"));
            }
            let mut previous: Option<u64> = None;
            let mut total = 0u64;
            for _ in 0..n {
                let limit = mask(free);
                let gap = input.rice(k, limit)?;
                total = total.saturating_add(gap);
                let value = match previous {
                    None => gap,
                    Some(before) => before
                        .checked_add(gap)
                        .and_then(|v| v.checked_add(u64::from(is_imei)))
                        .filter(|v| *v <= limit)
                        .ok_or(Error::InvalidField("a shard key past its slice"))?,
                };
                previous = Some(value);
                let meta = input.get(META_BITS)?;
                let reason = Reason::from_code((meta >> 2) as u32)
                    .ok_or(Error::InvalidField("a shard listing's reason"))?;
                let status = if meta & 2 != 0 {
                    ListingStatus::Suspended
                } else {
                    ListingStatus::Final
                };
                let offset = input.get(u32::from(self.day_bits))?;
                let day = u32::try_from(offset)
                    .ok()
                    .and_then(|offset| self.base_day.checked_add(offset))
                    .ok_or(Error::InvalidField("a shard listing's day"))?;
                let handset = if meta & 1 != 0 {
                    if is_imei {
                        return Err(Error::InvalidField("a handset named by a listed IMEI"));
                    }
                    let imei = Imei::from_u64(input.get(IMEI_BITS)?)?;
                    imei.check()?;
                    Some(imei)
                } else {
                    None
                };
                // The slice's bits above the free ones: a fingerprint may be
                // wider than 64 bits (a list of 2^23 parts or more).
                let key = if is_imei {
                    HitKey::Imei((u64::from(index) << free) | value)
                } else {
                    HitKey::Part((u128::from(index) << free) | u128::from(value))
                };
                hits.push(ShardHit {
                    key,
                    reason,
                    status,
                    day,
                    handset,
                });
            }
            if k != rice_for(total, u64::from(n)) {
                return Err(Error::NotCanonical("a shard's Rice parameter"));
            }
        }
        input.finish()?;
        let offsets = hits.iter().map(|hit| hit.day - self.base_day);
        let canonical_days = match offsets.clone().min() {
            None => self.base_day == 0 && self.day_bits == 0,
            Some(first) => {
                first == 0 && bits_for(u64::from(offsets.max().unwrap_or(0))) == self.day_bits
            }
        };
        if !canonical_days {
            return Err(Error::NotCanonical("a shard's days"));
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(key: HitKey, day: u32, handset: Option<Imei>) -> ShardHit {
        ShardHit {
            key,
            reason: Reason::Stolen,
            status: ListingStatus::Final,
            day,
            handset,
        }
    }

    /// A national list with 2^33 parts keeps 74-bit fingerprints: a slice
    /// of 20 bits leaves 54 free, and the slice's own bits sit above 64.
    #[test]
    fn fingerprints_wider_than_64_bits_come_back_whole() {
        let (bits, width, index) = (20u32, 74u32, 0xa_bcdeu32);
        let (imei_free, part_free) = (IMEI_BITS - bits, width - bits);
        let print = |low: u128| (u128::from(index) << part_free) | low;
        let imei = |low: u64| (u64::from(index) << imei_free) | low;
        let handset = Imei::from_u64(356_938_035_643_809).ok();
        let hits = vec![
            hit(HitKey::Imei(imei(7)), 20_000, None),
            hit(HitKey::Imei(imei((1 << imei_free) - 1)), 20_001, None),
            hit(HitKey::Part(print(0)), 19_000, handset),
            hit(HitKey::Part(print(0)), 19_500, None),
            hit(HitKey::Part(print((1 << part_free) - 1)), 21_000, handset),
        ];
        let packed = PackedHits::pack(&hits, imei_free, part_free).unwrap();
        assert_eq!(packed.unpack(index, imei_free, part_free).unwrap(), hits);
        // Another slice reads other keys: the slice's bits are not in the
        // bytes, so a shard proves itself only at its own index.
        let elsewhere = packed.unpack(index ^ 1, imei_free, part_free).unwrap();
        assert_ne!(elsewhere, hits);
    }

    #[test]
    fn an_empty_slice_packs_to_nothing_and_padding_must_be_zero() {
        let packed = PackedHits::pack(&[], 30, 30).unwrap();
        assert!(packed.bits.is_empty() && packed.unpack(0, 30, 30).unwrap().is_empty());
        let one = [hit(HitKey::Imei(5), 1, None)];
        let mut packed = PackedHits::pack(&one, 30, 30).unwrap();
        if let Some(last) = packed.bits.last_mut() {
            *last |= 1;
        }
        assert!(packed.unpack(0, 30, 30).is_err());
    }
}
