//! A national register publishes a million reported IMEIs, and one
//! snatched handset's parts, as a compact snapshot; a device loads it.
//! The next day the register lists another snatched handset and delists
//! one found again, as a delta built over the list devices hold: the
//! device applies it at the cost of the delta, keeps it across a restart,
//! and the parts read blocked or clean accordingly.
//!
//! `cargo run -p partcert-examples --example national_register`

use std::time::Instant;

use partcert::blocklist::{
    Base, BlockKey, BlocklistEntry, Format, ListVersion, ListingStatus, MatchedKey, Publication,
    Reason,
};
use partcert::{Blocklist, Imei, PartEvidence, Verifier};
use partcert_examples::{
    DAY, Manufacturer, Registry, T0, describe, expect, publication, trust_store,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let acme = Manufacturer::acme()?;
    let register = Registry::national()?;
    let snatched = acme.build_handset(7)?;
    let snatched_tonight = acme.build_handset(8)?;
    let trust = trust_store(&acme, &register)?;
    let chain = acme.chain();

    // Day 1: the national list, compact. A million IMEIs from the
    // operators' reports (made up here, read one at a time as from a file),
    // and one handset's parts, coded straight from the iterator: the
    // register never holds the list as entries. The first unreadable IMEI
    // stops the reading, and the list signed so far is thrown away.
    let day1 = T0 + 40 * DAY;
    const REPORTED: u64 = 1_000_000;
    let mut unreadable = None;
    let reported = (0..REPORTED).map_while(|i| {
        Imei::with_check_digit(35_100_000_000_000 + i * 13)
            .map_err(|error| unreadable = Some(error))
            .ok()
    });
    let snatched_entries = snatched.reported(Reason::Stolen, day1, ListingStatus::Final);
    let listed = reported
        .map(|imei| BlocklistEntry::handset(imei, Reason::Stolen, day1, ListingStatus::Final))
        .chain(snatched_entries.iter().copied());
    let national = Publication {
        format: Format::Compact,
        ..publication(ListVersion::new(0, 1), day1, 7)
    };
    let published = register.publisher.publish(&national, listed)?;
    if let Some(error) = unreadable {
        return Err(error.into());
    }
    let compact = &published.list;
    println!(
        "compact snapshot 1: {} ({:.1} bits a key)",
        describe(&published),
        compact.as_bytes().len() as f64 * 8.0 / published.changes.total as f64
    );
    expect(
        published.changes.total == REPORTED + snatched_entries.len() as u64,
        "every reported key in the compact list",
    )?;

    let mut device = Blocklist::new();
    let started = Instant::now();
    device.apply(&trust, compact, day1 + 60)?;
    println!("device loaded it in {:?}", started.elapsed());
    let verifier = Verifier::new(&trust).with_blocklist(&device);
    let verdict =
        verifier.verify_part(&PartEvidence::new(&snatched.battery, &chain), day1 + 120)?;
    println!("snatched handset's battery: {}", verdict.summary());
    expect(
        verdict.is_blocked(),
        "the snatched handset's battery to be blocked",
    )?;
    // A compact list keeps a fingerprint of each part's identity: the hit
    // names the fingerprint that matched, not the part's full identity.
    let listing = &verdict.blocklist.listings()[0];
    if let MatchedKey::PartFingerprint(fingerprint) = &listing.matched {
        println!("  matched fingerprint {fingerprint}");
    }
    expect(
        listing.by_fingerprint && matches!(listing.matched, MatchedKey::PartFingerprint(_)),
        "a compact list's part hit to be a fingerprint hit",
    )?;

    // Day 2: another handset snatched; the first one found and returned.
    // The register builds the delta over the list as devices hold it.
    let day2 = day1 + DAY;
    let authority = register.root.certificate().issuer();
    let held = device
        .list(&authority)
        .ok_or("the register's list is held")?;
    let found: Vec<BlockKey> = snatched_entries.iter().map(|entry| entry.key).collect();
    let tonight = snatched_tonight.reported(Reason::Stolen, day2, ListingStatus::Final);
    let next = Publication {
        format: Format::Delta,
        base: Base::Held(held),
        delisted: &found,
        ..publication(ListVersion::new(0, 2), day2, 7)
    };
    let delta = register.publisher.publish(&next, tonight.clone())?;
    println!(
        "delta 1 -> 2: {} (the compact list is {} bytes)",
        describe(&delta),
        compact.as_bytes().len()
    );
    expect(
        delta.changes.listed == tonight.len() as u64
            && delta.changes.delisted == found.len() as u64
            && delta.changes.total
                == published.changes.total + tonight.len() as u64 - found.len() as u64,
        "tonight's handset listed, the found one delisted, over the million",
    )?;
    let started = Instant::now();
    let version = device.apply_bytes(&trust, delta.list.as_bytes(), day2 + 60)?;
    println!(
        "device applied it in {:?}: now at {version}, {} changes kept beside the compact list",
        started.elapsed(),
        device
            .list(&authority)
            .map_or(0, |list| list.changes_since_snapshot())
    );

    // A restart from the saved state keeps the list and its changes (and
    // drops nothing: the register is still pinned).
    let loaded = Blocklist::load_state(&device.encode_state(), &trust)?;
    expect(
        loaded.dropped.is_empty(),
        "no authority dropped on a restart",
    )?;
    let device = loaded.blocklist;
    let verifier = Verifier::new(&trust).with_blocklist(&device);
    let tonight = verifier.verify_part(
        &PartEvidence::new(&snatched_tonight.screen, &chain),
        day2 + 120,
    )?;
    println!(
        "screen of the handset snatched tonight: {}",
        tonight.summary()
    );
    expect(
        tonight.is_blocked(),
        "tonight's handset's screen to be blocked",
    )?;
    let returned =
        verifier.verify_part(&PartEvidence::new(&snatched.battery, &chain), day2 + 120)?;
    println!("battery of the handset found again: {}", returned.summary());
    expect(
        !returned.is_blocked(),
        "the returned handset's battery to be clean once delisted",
    )?;
    Ok(())
}
