//! The byte layout of a compact list: a fixed 24-byte header, then two
//! Elias-Fano sequences (listed IMEIs, listed part fingerprints), each as
//! three sections of little-endian 64-bit words.
//!
//! Every offset and length is a function of the three counts in the
//! header, so loading checks the header and one total length: nothing is
//! read per entry, and a hostile count can only make the expected length
//! disagree with the bytes given.

use crate::error::Error;

/// The first four bytes of every compact list.
pub(super) const MAGIC: [u8; 4] = *b"PCCL";
/// The layout version this module reads and writes. Version 2 keeps a
/// part's handset IMEI in its own record (version 1 kept an index into
/// the listed IMEIs and a side sequence of unlisted ones).
pub(crate) const VERSION: u8 = 2;
/// The fixed header: magic, version, fingerprint width, two zero bytes,
/// then the two counts as little-endian u64.
pub(super) const HEADER_LEN: usize = 24;
/// One `select0` sample every this many zeros of a high-bits vector.
pub(super) const SELECT0_STEP: u64 = 128;
/// Most keys per sequence.
pub(super) const MAX_KEYS: u64 = 1 << 32;
/// IMEIs are stored as their 14-digit body (the Luhn digit is implied).
pub(super) const IMEI_BODIES: u128 = 100_000_000_000_000;
/// Fingerprint bits beyond `ceil(log2 n)`: a miss matches with
/// probability at most `2^-MISS_BITS`.
pub(super) const MISS_BITS: u32 = 41;
/// Metadata bits every listed entry carries: reason (2), status (1), day (16).
pub(super) const ENTRY_META_BITS: u32 = 19;
/// Bits of a part's handset IMEI body (every body is below 2^47); all
/// ones means none.
pub(super) const HANDSET_BITS: u32 = 47;
const _: () = assert!(IMEI_BODIES < 1 << HANDSET_BITS);

const WORD_BYTES: u64 = 8;

/// A byte range of the buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Section {
    pub start: usize,
    pub end: usize,
}

impl Section {
    pub(super) fn bits(self) -> u64 {
        (self.end.saturating_sub(self.start) as u64).saturating_mul(8)
    }
}

/// Where one Elias-Fano sequence lives and how it is coded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct SeqLayout {
    /// Number of values.
    pub n: u64,
    /// Every value is below this.
    pub universe: u128,
    /// Low bits per value, stored in the records.
    pub low_width: u32,
    /// Metadata bits per record, after the low bits.
    pub meta_width: u32,
    /// Buckets of the high part: zeros in the high-bits vector.
    pub zeros: u64,
    /// Positions of every `SELECT0_STEP`-th zero.
    pub select0: Section,
    /// The high parts in unary: `n + zeros` bits.
    pub high: Section,
    /// Per value: low bits, then metadata; `stride()` bits each.
    pub records: Section,
}

impl SeqLayout {
    /// Plans a sequence of `n ≤ MAX_KEYS` values below `universe` at byte
    /// offset `cursor`, advancing it.
    pub(super) fn plan(
        n: u64,
        universe: u128,
        meta_width: u32,
        cursor: &mut u64,
    ) -> Result<Self, Error> {
        let (low_width, zeros) = if n == 0 {
            (0, 0)
        } else {
            let ratio = universe
                .checked_div(u128::from(n))
                .filter(|ratio| *ratio > 0)
                .ok_or(Error::InvalidField("compact list: more keys than values"))?;
            let low_width = 127 - ratio.leading_zeros();
            if low_width > 64 {
                return Err(Error::InvalidField("compact list: too few keys"));
            }
            let buckets = (universe.saturating_sub(1) >> low_width).saturating_add(1);
            // universe / 2^low_width < 2n: at most 2^33 + 1 buckets.
            let zeros = u64::try_from(buckets)
                .map_err(|_| Error::InvalidField("compact list: too many buckets"))?;
            (low_width, zeros)
        };
        let stride = u64::from(low_width.saturating_add(meta_width));
        let mut take = |words: Option<u64>| -> Result<Section, Error> {
            let bytes = words
                .and_then(|words| words.checked_mul(WORD_BYTES))
                .ok_or(Error::InvalidField("compact list: size overflows"))?;
            let start = *cursor;
            let end = start
                .checked_add(bytes)
                .ok_or(Error::InvalidField("compact list: size overflows"))?;
            *cursor = end;
            // Converted to usize once the total is known to fit.
            Ok(Section {
                start: start as usize,
                end: end as usize,
            })
        };
        let select0 = take(Some(zeros.div_ceil(SELECT0_STEP)))?;
        let high = take(n.checked_add(zeros).map(|bits| bits.div_ceil(64)))?;
        let records = take(n.checked_mul(stride).map(|bits| bits.div_ceil(64)))?;
        Ok(SeqLayout {
            n,
            universe,
            low_width,
            meta_width,
            zeros,
            select0,
            high,
            records,
        })
    }

    /// Bits per record.
    pub(super) fn stride(&self) -> u64 {
        u64::from(self.low_width) + u64::from(self.meta_width)
    }

    /// Bits spent on the keys: high bits, low bits and select samples.
    pub(super) fn key_bits(&self) -> u64 {
        self.select0.bits() + self.high.bits() + self.n * u64::from(self.low_width)
    }

    /// Bits spent on metadata (with the records' padding).
    pub(super) fn meta_bits(&self) -> u64 {
        self.records.bits() - self.n * u64::from(self.low_width)
    }
}

/// The whole buffer's layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Layout {
    pub imeis: SeqLayout,
    pub parts: SeqLayout,
    pub fingerprint_width: u32,
    pub total: usize,
}

/// Bits needed to write every value in `0..count`.
pub(super) fn bits_for(count: u64) -> u32 {
    if count <= 1 {
        0
    } else {
        64 - (count - 1).leading_zeros()
    }
}

/// The part fingerprint width for `n_parts` listed parts:
/// `ceil(log2(max(n, 2))) + 41`.
pub(super) fn fingerprint_width(n_parts: u64) -> u32 {
    bits_for(n_parts.max(2)) + MISS_BITS
}

fn over(field: &'static str, length: u64, max: u64) -> Error {
    Error::LengthOverBound {
        field,
        length: usize::try_from(length).unwrap_or(usize::MAX),
        max: usize::try_from(max).unwrap_or(usize::MAX),
    }
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..)
        .and_then(<[u8]>::first_chunk::<8>)
        .map_or(0, |chunk| u64::from_le_bytes(*chunk))
}

fn byte_at(bytes: &[u8], at: usize) -> u8 {
    bytes.get(at).copied().unwrap_or(0)
}

impl Layout {
    /// The layout for these counts, or why there can be none.
    pub(super) fn plan(n_imeis: u64, n_parts: u64) -> Result<Self, Error> {
        if n_imeis > MAX_KEYS {
            return Err(over("compact list IMEI entries", n_imeis, MAX_KEYS));
        }
        if n_parts > MAX_KEYS {
            return Err(over("compact list part entries", n_parts, MAX_KEYS));
        }
        let fingerprint_width = fingerprint_width(n_parts);
        let mut cursor = HEADER_LEN as u64;
        let imeis = SeqLayout::plan(n_imeis, IMEI_BODIES, ENTRY_META_BITS, &mut cursor)?;
        let parts = SeqLayout::plan(
            n_parts,
            1u128 << fingerprint_width,
            ENTRY_META_BITS + HANDSET_BITS,
            &mut cursor,
        )?;
        let total = usize::try_from(cursor)
            .map_err(|_| over("compact list bytes", cursor, usize::MAX as u64))?;
        Ok(Layout {
            imeis,
            parts,
            fingerprint_width,
            total,
        })
    }

    /// Checks the header and the total length: O(1), nothing per entry.
    pub(super) fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let header = bytes.first_chunk::<HEADER_LEN>().ok_or(Error::Truncated)?;
        if header.first_chunk::<4>() != Some(&MAGIC) {
            return Err(Error::BadMagic);
        }
        if byte_at(header, 4) != VERSION {
            return Err(Error::InvalidField("compact list layout version"));
        }
        if byte_at(header, 6) != 0 || byte_at(header, 7) != 0 {
            return Err(Error::InvalidField("compact list reserved byte"));
        }
        let layout = Layout::plan(u64_at(header, 8), u64_at(header, 16))?;
        if u32::from(byte_at(header, 5)) != layout.fingerprint_width {
            return Err(Error::InvalidField("compact list part fingerprint width"));
        }
        if bytes.len() < layout.total {
            return Err(Error::Truncated);
        }
        if bytes.len() > layout.total {
            return Err(Error::TrailingBytes(bytes.len() - layout.total));
        }
        Ok(layout)
    }

    /// The encoded header.
    pub(super) fn header(&self) -> [u8; HEADER_LEN] {
        let mut header = [0u8; HEADER_LEN];
        let fields = MAGIC
            .into_iter()
            .chain([VERSION, self.fingerprint_width as u8, 0, 0])
            .chain(self.imeis.n.to_le_bytes())
            .chain(self.parts.n.to_le_bytes());
        for (slot, byte) in header.iter_mut().zip(fields) {
            *slot = byte;
        }
        header
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(bits_for(0), 0);
        assert_eq!(bits_for(1), 0);
        assert_eq!(bits_for(2), 1);
        assert_eq!(bits_for(3), 2);
        assert_eq!(bits_for(4), 2);
        assert_eq!(bits_for(5), 3);
        assert_eq!(fingerprint_width(0), 42);
        assert_eq!(fingerprint_width(2), 42);
        assert_eq!(fingerprint_width(3), 43);
        assert_eq!(fingerprint_width(1 << 20), 61);
        assert_eq!(fingerprint_width((1 << 20) + 1), 62);
        assert_eq!(fingerprint_width(MAX_KEYS), 73);
    }

    #[test]
    fn header_round_trips() {
        let layout = Layout::plan(1000, 2000).unwrap();
        let mut bytes = vec![0u8; layout.total];
        bytes[..HEADER_LEN].copy_from_slice(&layout.header());
        assert_eq!(Layout::parse(&bytes).unwrap(), layout);
    }

    #[test]
    fn largest_layout_fits() {
        let layout = Layout::plan(MAX_KEYS, MAX_KEYS).unwrap();
        assert_eq!(layout.fingerprint_width, 73);
        assert!(layout.parts.low_width <= 64 && layout.imeis.low_width <= 64);
        assert!(Layout::plan(MAX_KEYS + 1, 0).is_err());
        assert!(Layout::plan(0, MAX_KEYS + 1).is_err());
    }
}
