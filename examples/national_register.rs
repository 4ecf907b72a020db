//! A national register publishes a million reported IMEIs, and one
//! snatched handset's parts, as a compact snapshot; a device loads it.
//! The next day the register lists another snatched handset and delists
//! one found again, as a delta built over the list devices hold: the
//! device applies it at the cost of the delta, keeps it across a restart,
//! and the parts read blocked or clean accordingly.
//!
//! `cargo run -p partcert-examples --example national_register`

use std::time::Instant;

use partcert::{
    BlockKey, Blocklist, BlocklistEntry, Imei, ListVersion, ListingStatus, MatchedKey,
    PartEvidence, Reason, Verifier,
};
use partcert_examples::{DAY, Manufacturer, Registry, T0, expect, trust_store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let acme = Manufacturer::acme()?;
    let register = Registry::national()?;
    let snatched = acme.build_handset(7)?;
    let snatched_tonight = acme.build_handset(8)?;
    let trust = trust_store(&acme, &register)?;
    let chain = acme.chain();

    // Day 1: the national list, compact. A million IMEIs from the
    // operators' reports (made up here), and one handset's parts.
    let day1 = T0 + 40 * DAY;
    let mut entries: Vec<BlocklistEntry> = (0..1_000_000u64)
        .map(|i| {
            let imei = Imei::with_check_digit(35_100_000_000_000 + i * 13)?;
            Ok(BlocklistEntry::handset(
                imei,
                Reason::Stolen,
                day1,
                ListingStatus::Final,
            ))
        })
        .collect::<Result<_, partcert::Error>>()?;
    entries.extend(BlocklistEntry::for_reported_handset(
        &snatched.record,
        Reason::Stolen,
        day1,
        ListingStatus::Final,
    ));
    let compact = register.publisher.publish_compact_snapshot(
        ListVersion::new(0, 1),
        day1,
        day1 + 7 * DAY,
        &entries,
    )?;
    println!(
        "compact snapshot 1: {} keys in {} bytes ({:.1} bits a key)",
        compact.list().len(),
        compact.as_bytes().len(),
        compact.as_bytes().len() as f64 * 8.0 / compact.list().len() as f64
    );

    let mut device = Blocklist::new();
    let started = Instant::now();
    device.apply_bytes(&trust, compact.as_bytes(), day1 + 60)?;
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
    let found: Vec<BlockKey> = BlocklistEntry::for_reported_handset(
        &snatched.record,
        Reason::Stolen,
        day1,
        ListingStatus::Final,
    )
    .iter()
    .map(|entry| entry.key)
    .collect();
    let delta = register.publisher.publish_delta_over(
        held,
        ListVersion::new(0, 2),
        day2,
        day2 + 7 * DAY,
        &found,
        BlocklistEntry::for_reported_handset(
            &snatched_tonight.record,
            Reason::Stolen,
            day2,
            ListingStatus::Final,
        ),
    )?;
    println!(
        "delta 1 -> 2: {} listed, {} delisted, {} bytes (the compact list is {} bytes)",
        delta.upserts().len(),
        delta.removals().len(),
        delta.as_bytes().len(),
        compact.as_bytes().len()
    );
    let started = Instant::now();
    let version = device.apply_bytes(&trust, delta.as_bytes(), day2 + 60)?;
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
