//! Where a compact list's bytes live, and the proof, block by block, that
//! the bytes read are the bytes signed.
//!
//! A list is used in place: from the buffer it was received in (copied
//! once, so that its lines start on 64-byte boundaries: one line, one
//! cache line), or from a read-only memory map of the file a saved state
//! keeps it in. A list received whole is checked whole when it is applied
//! (one SHA-256 pass over its blocks, compared with the signed root). A
//! list loaded from a saved state is not read at load: the state keeps the
//! list's leaf hashes (checked against the signed root, a few milliseconds
//! for a national list), and each block is checked against its leaf the
//! first time a lookup reads it ([`BlockCheck`]). A block that does not
//! match marks the list damaged: the lookup that read it, and every later
//! one, fails with [`Error::FileMismatch`] — a damaged file never answers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::merkle::{self, Hash};
use crate::error::Error;

/// Bytes that stay put while anything borrows them.
pub(crate) trait Backing: Send + Sync {
    fn bytes(&self) -> &[u8];
}

/// The bytes of a signed compact list object (its signed header, padding
/// and the list), shared by every holder. Cloning shares them.
#[derive(Clone)]
pub(crate) struct ObjectBytes(Arc<dyn Backing>);

impl ObjectBytes {
    pub(crate) fn new(backing: impl Backing + 'static) -> Self {
        ObjectBytes(Arc::new(backing))
    }

    /// A copy of `bytes` whose byte `aligned_at` lies on a 64-byte
    /// boundary (the list's first line).
    pub(crate) fn copied(bytes: &[u8], aligned_at: usize) -> Self {
        Self::new(Aligned::copy_of(bytes, aligned_at))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.bytes()
    }
}

/// Equal when the bytes are.
impl PartialEq for ObjectBytes {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for ObjectBytes {}

impl core::fmt::Debug for ObjectBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ObjectBytes({} bytes)", self.bytes().len())
    }
}

/// Bytes copied into a buffer where one chosen byte is 64-byte aligned.
struct Aligned {
    buffer: Vec<u8>,
    start: usize,
    len: usize,
}

/// A cache line.
const LINE: usize = 64;

impl Aligned {
    fn copy_of(bytes: &[u8], aligned_at: usize) -> Self {
        let mut buffer = Vec::with_capacity(bytes.len() + LINE);
        // Room in front so that `aligned_at` lands on a line boundary; the
        // buffer never grows past its capacity, so it never moves.
        let address = buffer.as_ptr() as usize;
        let start = (LINE - (address + aligned_at % LINE) % LINE) % LINE;
        buffer.resize(start, 0);
        buffer.extend_from_slice(bytes);
        Aligned {
            buffer,
            start,
            len: bytes.len(),
        }
    }
}

impl Backing for Aligned {
    fn bytes(&self) -> &[u8] {
        self.buffer
            .get(self.start..self.start + self.len)
            .unwrap_or_default()
    }
}

impl Backing for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// The leaves of a list kept on disk, and which of its blocks have been
/// checked against them.
pub(crate) struct BlockCheck {
    leaves: Box<[Hash]>,
    block_log2: u32,
    checked: Box<[AtomicU64]>,
    damaged: AtomicBool,
    /// The file the list is kept in, for the error.
    file: String,
}

impl core::fmt::Debug for BlockCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BlockCheck")
            .field("blocks", &self.leaves.len())
            .field("damaged", &self.is_damaged())
            .finish()
    }
}

impl BlockCheck {
    /// Leaves already proven against the signed root, for blocks of
    /// `2^block_log2` bytes; nothing is checked yet.
    pub(crate) fn new(leaves: Box<[Hash]>, block_log2: u32, file: String) -> Self {
        let words = leaves.len().div_ceil(64);
        BlockCheck {
            checked: (0..words).map(|_| AtomicU64::new(0)).collect(),
            leaves,
            block_log2,
            damaged: AtomicBool::new(false),
            file,
        }
    }

    /// Before `list[at..at + len]` is read: checks each block it covers
    /// that was not checked yet. A block that does not match its leaf (or
    /// lies past the list) marks the list damaged; the read goes on
    /// (defined, wrong bytes) and the caller then refuses the answer.
    #[inline]
    pub(crate) fn touch(&self, list: &[u8], at: usize, len: usize) {
        let first = at >> self.block_log2;
        let last = (at + len.max(1) - 1) >> self.block_log2;
        for block in first..=last {
            let (word, bit) = (block / 64, 1u64 << (block % 64));
            let done = self
                .checked
                .get(word)
                .is_some_and(|word| word.load(Ordering::Acquire) & bit != 0);
            if !done {
                self.check_block(list, block);
            }
        }
    }

    #[cold]
    fn check_block(&self, list: &[u8], block: usize) {
        let size = 1usize << self.block_log2;
        let start = block.saturating_mul(size);
        let bytes = list.get(start..list.len().min(start.saturating_add(size)));
        let good = match (bytes, self.leaves.get(block)) {
            (Some(bytes), Some(leaf)) if !bytes.is_empty() || list.is_empty() => {
                merkle::leaf(bytes) == *leaf
            }
            _ => false,
        };
        match (good, self.checked.get(block / 64)) {
            (true, Some(word)) => {
                word.fetch_or(1 << (block % 64), Ordering::AcqRel);
            }
            _ => self.damaged.store(true, Ordering::Release),
        }
    }

    /// Whether some block read did not match: the list must not answer.
    #[inline]
    pub(crate) fn is_damaged(&self) -> bool {
        self.damaged.load(Ordering::Acquire)
    }

    /// Checks every block not checked yet (for a reader of the whole list:
    /// an iteration, a delta's base digest).
    pub(crate) fn touch_all(&self, list: &[u8]) {
        self.touch(list, 0, list.len());
    }

    /// The error a damaged list answers with.
    pub(crate) fn result(&self) -> Result<(), Error> {
        if self.is_damaged() {
            return Err(Error::FileMismatch {
                path: self.file.clone(),
                what: "list block (the saved list file was altered)",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_byte_is_line_aligned_whatever_the_allocation() {
        let bytes: Vec<u8> = (0..=255).collect();
        for at in [0, 1, 63, 64, 100, 255] {
            let copy = ObjectBytes::copied(&bytes, at);
            assert_eq!(copy.bytes(), &bytes[..]);
            assert_eq!((copy.bytes().as_ptr() as usize + at) % LINE, 0);
        }
    }

    #[test]
    fn a_block_is_checked_once_and_an_altered_one_damages_the_list() {
        let list: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let leaves: Box<[Hash]> = merkle::leaves(&list, 1024).into();
        let check = BlockCheck::new(leaves.clone(), 10, "lists/a.pccs".into());
        check.touch(&list, 5000, 64);
        check.touch(&list, 0, list.len());
        assert!(!check.is_damaged());
        assert!(check.result().is_ok());

        let mut altered = list.clone();
        altered[9_000] ^= 1;
        let check = BlockCheck::new(leaves, 10, "lists/a.pccs".into());
        check.touch(&altered, 0, 64); // block 0: fine
        assert!(!check.is_damaged());
        check.touch(&altered, 8_990, 20); // block 8: altered
        assert!(check.is_damaged());
        assert_eq!(
            check.result().map_err(|e| e.code()),
            Err(crate::ErrorCode::FileMismatch)
        );
    }

    #[test]
    fn a_read_past_the_list_or_a_truncated_file_damages_it() {
        let list = vec![7u8; 4096];
        let leaves: Box<[Hash]> = merkle::leaves(&list, 1024).into();
        let check = BlockCheck::new(leaves.clone(), 10, "lists/a.pccs".into());
        check.touch(&list[..3000], 2048, 64); // block 2 cut short
        assert!(check.is_damaged());
        let check = BlockCheck::new(leaves, 10, "lists/a.pccs".into());
        check.touch(&list, 5000, 8); // block 4 does not exist
        assert!(check.is_damaged());
    }
}
