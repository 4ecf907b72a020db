//! The sans-I/O updater's state machine, driven by a hostile network.
//!
//! A register has published eight days to its repository (a sorted
//! snapshot, deltas, a compact snapshot on day 5, a delta over it); the
//! input plays a device's syncs: which head it is served (any day's, or
//! bytes of the input), and for each file the updater asks for, the right
//! file, another day's, the right one cut short, grown or with a byte
//! altered, or bytes of the input; then it finishes or gives up. Whatever
//! happens: no panic, only published error codes, a failed sync leaves
//! the device exactly as it was, a finished one holds a list the register
//! published (version and digest), and every key that list holds is
//! found by a lookup (never read clean).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use partcert::blocklist::{
    Base, BlockKey, BlocklistEntry, BlocklistSnapshot, FileRef, Format, Head, ListVersion,
    ListingStatus, Publication, Reason, SignedList,
};
use partcert::certificate::Validity;
use partcert::ids::{Imei, StateDigest};
use partcert::issue::Authority;
use partcert::{Blocklist, ErrorCode, SecretKey, TrustStore};

const T0: u64 = 1_767_225_600;
const DAY: u64 = 86_400;
const DAYS: u64 = 8;

struct Repository {
    trust: TrustStore,
    /// Each day's head.
    heads: Vec<Vec<u8>>,
    /// Every file served, by path.
    files: Vec<(String, Vec<u8>)>,
    /// What each day published: its version and digest.
    published: Vec<(ListVersion, StateDigest)>,
}

fn handset(body: u64, day: u64) -> BlocklistEntry {
    let imei = Imei::with_check_digit(35_000_000_000_000 + body).expect("an IMEI body");
    BlocklistEntry::handset(imei, Reason::Stolen, T0 + day * DAY, ListingStatus::Final)
}

fn repository() -> &'static Repository {
    static REPOSITORY: OnceLock<Repository> = OnceLock::new();
    REPOSITORY.get_or_init(|| {
        let validity = Validity::days_from(T0 - 365 * DAY, 40 * 365);
        let register =
            Authority::new_blocklist_root(SecretKey::from_seed(&[4; 32]), "Register", validity)
                .expect("a register");
        let mut trust = TrustStore::new();
        trust
            .add_blocklist_root(register.certificate().clone())
            .expect("pinned");
        let mut master: Option<BlocklistSnapshot> = None;
        let mut head: Option<Head> = None;
        let mut repository = Repository {
            trust,
            heads: Vec::new(),
            files: Vec::new(),
            published: Vec::new(),
        };
        for day in 1..=DAYS {
            // Each day two handsets reported, and from day 3 one found.
            let listed = vec![handset(2 * day, day), handset(2 * day + 1, day)];
            let found: Vec<BlockKey> = (day >= 3)
                .then(|| handset(2 * (day - 2), day).key)
                .into_iter()
                .collect();
            let base = master.as_ref().map_or(Base::None, Base::Snapshot);
            let publication = |format| Publication {
                format,
                version: ListVersion::new(0, day),
                issued_at: T0 + day * DAY,
                expires_at: T0 + (day + 3) * DAY,
                base,
                delisted: &found,
            };
            let full = register
                .publish(&publication(Format::Sorted), listed.clone())
                .expect("the day's list")
                .list;
            let added = match day {
                1 => full.clone(),
                5 => {
                    register
                        .publish(&publication(Format::Compact), listed)
                        .expect("the compact list")
                        .list
                }
                _ => {
                    register
                        .publish(&publication(Format::Delta), listed)
                        .expect("the day's delta")
                        .list
                }
            };
            repository
                .files
                .push((FileRef::path_for(&added), added.as_bytes().to_vec()));
            let next = Head::next(
                &register,
                head.as_ref(),
                &[added],
                30 * DAY,
                T0 + day * DAY,
                T0 + day * DAY + DAY,
            )
            .expect("the day's head");
            repository.heads.push(next.as_bytes().to_vec());
            repository.published.push((next.version(), next.digest()));
            head = Some(next);
            let SignedList::Sorted(snapshot) = full else {
                unreachable!("a sorted list")
            };
            master = Some(snapshot);
        }
        repository
    })
}

/// Reads the input a byte at a time (zeros once it runs out).
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> u8 {
        let Some((&first, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        first
    }

    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What the network serves for `file`.
fn served(repository: &Repository, file: &FileRef, input: &mut Input<'_>) -> Vec<u8> {
    let right = repository
        .files
        .iter()
        .find(|(path, _)| *path == file.path)
        .map(|(_, bytes)| bytes.clone())
        .unwrap_or_default();
    match input.byte() % 8 {
        0..=2 => right,
        3 => {
            let other = input.byte() as usize % repository.files.len();
            repository.files[other].1.clone()
        }
        4 => {
            let cut = input.byte() as usize % right.len().max(1);
            right[..cut].to_vec()
        }
        5 => {
            let mut grown = right;
            grown.extend_from_slice(input.bytes(8));
            grown.push(0);
            grown
        }
        6 => {
            let mut altered = right;
            if !altered.is_empty() {
                let at =
                    (usize::from(input.byte()) << 8 | usize::from(input.byte())) % altered.len();
                altered[at] ^= input.byte() | 1;
            }
            altered
        }
        _ => {
            let n = usize::from(input.byte());
            input.bytes(n).to_vec()
        }
    }
}

fn check_error(error: &partcert::Error) {
    assert!(ErrorCode::ALL.contains(&error.code()), "{error:?}");
}

fuzz_target!(|data: &[u8]| {
    let repository = repository();
    let trust = &repository.trust;
    let mut input = Input(data);
    let mut device = Blocklist::new();
    let mut syncs = 0;
    while !input.is_empty() && syncs < 16 {
        syncs += 1;
        let which = input.byte();
        let day = u64::from(input.byte() % (DAYS as u8 + 4));
        let now = T0 + day * DAY + u64::from(input.byte()) * 600;
        let head: Vec<u8> = if which < 224 {
            repository.heads[usize::from(which) % repository.heads.len()].clone()
        } else {
            let n = usize::from(input.byte());
            input.bytes(n).to_vec()
        };
        let before = device.clone();
        let result = (|| {
            let mut update = device.update(trust, &head, now)?;
            while let Some(file) = update.next_fetch().cloned() {
                if input.byte() == 0xff {
                    // The device gives up (the network went away).
                    return Ok(None);
                }
                let bytes = served(repository, &file, &mut input);
                update.offer(trust, &bytes)?;
            }
            update.finish().map(Some)
        })();
        assert_eq!(
            device, before,
            "a sync changed the device before it was taken"
        );
        match result {
            Ok(Some(next)) => device = next,
            Ok(None) => {}
            Err(error) => check_error(&error),
        }
        // The device holds what the register published, and never reads
        // clean what that list holds.
        for list in device.lists() {
            assert!(
                repository.published.contains(&(list.version, list.digest)),
                "a state the register never published"
            );
            for entry in list.entries().iter().take(64) {
                let found = device.lookup(&[entry.key]).expect("in memory");
                assert!(!found.is_empty(), "a listed key read clean");
            }
        }
    }
});
