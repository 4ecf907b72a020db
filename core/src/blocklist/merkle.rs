//! A Merkle tree over a list's fixed-size blocks, in the shape of RFC 6962
//! (Certificate Transparency): leaves are hashed apart from inner nodes, and
//! a tree of `n` leaves splits at the largest power of two below `n`.
//!
//! A national compact list is signed through its root: the signature covers
//! a small header carrying the root, so loading a list costs one SHA-256
//! pass over its bytes (the blocks) and one signature check over a few
//! hundred bytes; a device holding the list on disk checks each block the
//! first time it reads it, against the leaves it kept; and a device that
//! holds no list can check one slice of it (a shard) against the same root
//! with a proof of a few hundred bytes.

use sha2::{Digest, Sha256};

/// A SHA-256 output: a leaf, an inner node or a root.
pub(crate) type Hash = [u8; 32];

/// Every leaf hash starts with this byte, every inner node with
/// [`NODE`], so no leaf can pose as a node (RFC 6962, 2.1).
const LEAF: u8 = 0;
const NODE: u8 = 1;

/// The hash of one block of the list.
pub(crate) fn leaf(block: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF]);
    hasher.update(block);
    hasher.finalize().into()
}

/// The leaf hash of a block given in parts (a domain, then the bytes).
pub(crate) fn leaf_of(parts: &[&[u8]]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF]);
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn node(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The leaf hashes of `bytes` cut into blocks of `block` bytes (the last
/// one may be shorter); an empty list has one empty block.
pub(crate) fn leaves(bytes: &[u8], block: usize) -> Vec<Hash> {
    if bytes.is_empty() || block == 0 {
        return vec![leaf(&[])];
    }
    bytes.chunks(block).map(leaf).collect()
}

/// The root of a tree over `leaves` (at least one): adjacent nodes are
/// paired level by level and an odd last node is carried up unchanged,
/// which is RFC 6962's split at the largest power of two.
pub(crate) fn root(leaves: &[Hash]) -> Hash {
    let mut level: Vec<Hash> = leaves.to_vec();
    while level.len() > 1 {
        level = up(&level);
    }
    level.first().copied().unwrap_or_else(|| leaf(&[]))
}

/// The level above `level`: adjacent nodes paired, an odd last one carried.
fn up(level: &[Hash]) -> Vec<Hash> {
    level
        .chunks(2)
        .map(|pair| match pair {
            [left, right] => node(left, right),
            [only] => *only,
            _ => leaf(&[]),
        })
        .collect()
}

/// Every level of the tree over `leaves` (at least one), the leaves
/// first and the root last: kept, they give any leaf's proof in
/// O(log n) ([`proof_in`]).
pub(crate) fn levels(leaves: Vec<Hash>) -> Vec<Vec<Hash>> {
    let mut levels = vec![if leaves.is_empty() {
        vec![leaf(&[])]
    } else {
        leaves
    }];
    while let Some(top) = levels.last().filter(|level| level.len() > 1) {
        let next = up(top);
        levels.push(next);
    }
    levels
}

/// The root of a tree kept as its [`levels`].
pub(crate) fn root_of_levels(levels: &[Vec<Hash>]) -> Hash {
    levels
        .last()
        .and_then(|top| top.first())
        .copied()
        .unwrap_or_else(|| leaf(&[]))
}

/// The proof for leaf `index` of a tree kept as its [`levels`]: as
/// [`proof`] gives it.
pub(crate) fn proof_in(levels: &[Vec<Hash>], index: usize) -> Vec<Hash> {
    let mut siblings = Vec::new();
    let mut at = index;
    for level in levels.iter().take(levels.len().saturating_sub(1)) {
        if let Some(hash) = level.get(at ^ 1) {
            siblings.push(*hash);
        }
        at /= 2;
    }
    siblings
}

/// The proof that leaf `index` of `leaves` belongs to their root: the
/// siblings from the leaf up (a carried node has none at its level).
#[cfg_attr(not(test), allow(dead_code))] // the reference for `proof_in`
pub(crate) fn proof(leaves: &[Hash], index: usize) -> Vec<Hash> {
    let mut siblings = Vec::new();
    let mut level: Vec<Hash> = leaves.to_vec();
    let mut at = index;
    while level.len() > 1 {
        let sibling = at ^ 1;
        if let Some(hash) = level.get(sibling) {
            siblings.push(*hash);
        }
        level = up(&level);
        at /= 2;
    }
    siblings
}

/// Whether `leaf_hash`, the leaf at `index` of a tree of `count` leaves,
/// leads with `siblings` to `root`.
pub(crate) fn verify(
    leaf_hash: &Hash,
    index: usize,
    count: usize,
    siblings: &[Hash],
    root: &Hash,
) -> bool {
    if index >= count {
        return false;
    }
    let mut hash = *leaf_hash;
    let mut at = index;
    let mut width = count;
    let mut siblings = siblings.iter();
    while width > 1 {
        let carried = at == width - 1 && width % 2 == 1;
        if !carried {
            let Some(sibling) = siblings.next() else {
                return false;
            };
            hash = if at % 2 == 0 {
                node(&hash, sibling)
            } else {
                node(sibling, &hash)
            };
        }
        at /= 2;
        width = width.div_ceil(2);
    }
    siblings.next().is_none() && hash == *root
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6962's recursive definition, to hold the level-by-level one to.
    fn rfc_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => leaf(&[]),
            1 => leaves[0],
            n => {
                // The largest power of two below n.
                let split = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
                node(&rfc_root(&leaves[..split]), &rfc_root(&leaves[split..]))
            }
        }
    }

    #[test]
    fn the_root_is_rfc_6962s_and_every_leaf_proves_its_place() {
        for n in 1..40usize {
            let leaves: Vec<Hash> = (0..n).map(|i| leaf(&i.to_be_bytes())).collect();
            let root = root(&leaves);
            assert_eq!(root, rfc_root(&leaves), "{n} leaves");
            for index in 0..n {
                let siblings = proof(&leaves, index);
                assert!(verify(&leaves[index], index, n, &siblings, &root));
                // Another leaf, place, count or root does not verify.
                assert!(!verify(&leaf(b"x"), index, n, &siblings, &root));
                if n > 1 {
                    assert!(!verify(
                        &leaves[index],
                        (index + 1) % n,
                        n,
                        &siblings,
                        &root
                    ));
                }
                assert!(!verify(&leaves[index], index, n, &siblings, &leaf(b"root")));
            }
        }
    }

    #[test]
    fn blocks_are_cut_from_the_bytes() {
        let bytes: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let leaves = leaves(&bytes, 4096);
        assert_eq!(leaves.len(), 3);
        assert_eq!(leaves[2], leaf(&bytes[8192..]));
        assert_eq!(super::leaves(&[], 4096), vec![leaf(&[])]);
    }
}
