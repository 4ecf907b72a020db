//! The compact list (layout version 3), two ways:
//!
//! - any bytes as a list: the loader, the structure check, lookups and
//!   iteration never panic, whatever passes the length checks;
//! - a list built from entries the input describes: every listed key is
//!   answered with its reason, status, day and handset (as a sorted list
//!   would, dates kept to the day), an unlisted IMEI is not listed, and the
//!   same list with one byte altered still never panics.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use partcert::blocklist::{
    BlockKey, BlocklistEntry, CompactKey, CompactList, ListingStatus, Reason,
};
use partcert::ids::{Imei, KeyId, PartId, PartKind};

/// 2000-01-01T00:00:00Z, day 0 of a compact list's dates.
const DAY_ZERO: u64 = 946_684_800;
const DAY: u64 = 86_400;
const IMEI_BODIES: u64 = 100_000_000_000_000;

/// Reads the input a few bytes at a time (zeros once it runs out).
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn take(&mut self, n: usize) -> u64 {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head.iter().fold(0, |acc, b| acc << 8 | u64::from(*b))
    }
}

fn imei(body: u64) -> Imei {
    Imei::with_check_digit(body % IMEI_BODIES).expect("a body below 10^14 has a check digit")
}

/// A screen's identity, serial `n` of one maker.
fn part(n: u64) -> PartId {
    let root = KeyId::from_hex(&"ac".repeat(32)).expect("64 hex digits");
    PartId::compute(&root, "Acme", PartKind::Screen, &n.to_string())
}

/// Entries the input describes: a few handsets and parts, a part's handset
/// a listed IMEI, another one, or none.
fn entries(input: &mut Input<'_>) -> Vec<BlocklistEntry> {
    let handsets = input.take(1) % 40;
    let parts = input.take(1) % 40;
    let mut listed = Vec::new();
    let mut out = Vec::new();
    let meta = |input: &mut Input<'_>| {
        let reason = Reason::ALL[(input.take(1) % Reason::ALL.len() as u64) as usize];
        let status = if input.take(1) % 2 == 0 {
            ListingStatus::Final
        } else {
            ListingStatus::Suspended
        };
        (reason, DAY_ZERO + input.take(3) % (65_536 * DAY), status)
    };
    for _ in 0..handsets {
        let key = imei(input.take(6));
        let (reason, listed_at, status) = meta(input);
        listed.push(key);
        out.push(BlocklistEntry {
            key: BlockKey::Imei(key),
            reason,
            listed_at,
            status,
            handset: None,
        });
    }
    for _ in 0..parts {
        let id = part(input.take(4));
        let (reason, listed_at, status) = meta(input);
        let handset = match input.take(1) % 3 {
            0 if !listed.is_empty() => Some(listed[(input.take(1) as usize) % listed.len()]),
            1 => Some(imei(input.take(6))),
            _ => None,
        };
        out.push(BlocklistEntry {
            key: BlockKey::Part(id),
            reason,
            listed_at,
            status,
            handset,
        });
    }
    out
}

/// Every listed key is answered with what was listed; an IMEI never
/// listed is not.
fn answers_like_its_entries(list: &CompactList, entries: &[BlocklistEntry], probe: Imei) {
    let mut by_key: BTreeMap<BlockKey, &BlocklistEntry> = BTreeMap::new();
    for entry in entries {
        by_key.insert(entry.key, entry);
    }
    for entry in by_key.values() {
        let day = entry.listed_at - (entry.listed_at - DAY_ZERO) % DAY;
        let found = list.lookup_all(&entry.key).any(|hit| {
            hit.reason == entry.reason
                && hit.status == entry.status
                && hit.listed_at == day
                && hit.handset == entry.handset
                && match (hit.key, entry.key) {
                    (CompactKey::Imei(a), BlockKey::Imei(b)) => a == b,
                    (CompactKey::Part(print), BlockKey::Part(part)) => print.matches(&part),
                    _ => false,
                }
        });
        assert!(found, "{entry:?} not answered");
    }
    if !by_key.contains_key(&BlockKey::Imei(probe)) {
        assert!(list.lookup(&BlockKey::Imei(probe)).is_none());
    }
    assert_eq!(list.iter().count(), by_key.len());
}

fn exercise(list: &CompactList, input: &mut Input<'_>) {
    let _ = list.check_structure();
    for _ in 0..4 {
        let _ = list.lookup(&BlockKey::Imei(imei(input.take(6))));
        let id = part(input.take(4));
        let _ = list.lookup_all(&BlockKey::Part(id)).take(64).count();
    }
    let _ = list.iter().take(4096).count();
    let _ = list.sizes();
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        // Any bytes: typed errors or a list that never panics.
        if let Ok(list) = CompactList::from_bytes(rest) {
            exercise(&list, &mut Input(rest));
        }
        return;
    }
    let mut input = Input(rest);
    // One listing a key (the builder refuses a key given twice).
    let mut entries = entries(&mut input);
    let mut seen = std::collections::BTreeSet::new();
    entries.retain(|entry| seen.insert(entry.key));
    let list = CompactList::build(&entries).expect("a few valid entries always build");
    assert!(list.check_structure().is_ok());
    let probe = imei(input.take(6));
    answers_like_its_entries(&list, &entries, probe);
    let again = CompactList::from_bytes(list.as_bytes()).expect("its own bytes load");
    assert_eq!(again, list);

    // One byte altered: the loader or the structure check may refuse it,
    // and nothing panics either way.
    let mut bytes = list.as_bytes().to_vec();
    if !bytes.is_empty() {
        let at = (input.take(4) as usize) % bytes.len();
        bytes[at] ^= (input.take(1) as u8).max(1);
        if let Ok(altered) = CompactList::from_bytes(&bytes) {
            exercise(&altered, &mut input);
        }
    }
});
