//! Lists left in the bytes they arrived in.
//!
//! A sorted snapshot or a delta may carry two million entries. Decoding
//! checks every one in a single pass — bound, canonical encoding, order,
//! validity — without keeping any, so an object nobody has vouched for yet
//! holds only its own bytes; the entries are read again only once it is
//! used (after its signer's chain and signature are checked, when it is
//! applied), or when a caller asks for them.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::envelope::take_canonical;
use crate::error::Error;

/// Where a checked list lies in its object's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EncodedList {
    /// The first item's offset.
    start: usize,
    /// The offset after the last item.
    end: usize,
    /// How many items.
    count: usize,
}

impl EncodedList {
    /// Checks the list (a postcard length, then the items) that starts
    /// `bytes.len() - rest.len()` into `bytes`: at most `max` items, each
    /// canonically encoded and accepted by `check` in order. Returns the
    /// list and the bytes after it.
    pub(crate) fn check<'a, T: DeserializeOwned + Serialize>(
        bytes: &[u8],
        rest: &'a [u8],
        field: &'static str,
        max: usize,
        mut check: impl FnMut(&T) -> Result<(), Error>,
    ) -> Result<(Self, &'a [u8]), Error> {
        let (count, mut cursor) = take_canonical::<u64>(rest, field)?;
        let count = usize::try_from(count)
            .ok()
            .filter(|count| *count <= max)
            .ok_or(Error::DeclaredLengthOverBound)?;
        let start = bytes.len().saturating_sub(cursor.len());
        for _ in 0..count {
            let (item, next) = take_canonical::<T>(cursor, field)?;
            check(&item)?;
            cursor = next;
        }
        let end = bytes.len().saturating_sub(cursor.len());
        Ok((EncodedList { start, end, count }, cursor))
    }

    /// The same list, its offsets counted from `by` bytes earlier (from
    /// the object's start rather than its body's).
    pub(crate) fn shifted(self, by: usize) -> Self {
        EncodedList {
            start: self.start.saturating_add(by),
            end: self.end.saturating_add(by),
            count: self.count,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The items, decoded again one by one from `bytes` (the same bytes
    /// [`EncodedList::check`] was given: they decode, so nothing is lost).
    pub(crate) fn iter<'a, T: DeserializeOwned>(
        &self,
        bytes: &'a [u8],
    ) -> impl Iterator<Item = T> + 'a {
        let mut cursor = bytes.get(self.start..self.end).unwrap_or_default();
        (0..self.count).map_while(move |_| {
            let (item, next) = postcard::take_from_bytes::<T>(cursor).ok()?;
            cursor = next;
            Some(item)
        })
    }
}
