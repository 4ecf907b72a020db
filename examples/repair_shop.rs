//! A repair shop is offered parts and checks each one before fitting it:
//! a screen harvested from a stolen handset (listed by identity and by its
//! key; blocked whatever record comes with it), a genuine used screen from
//! a clean donor, and a counterfeit screen with a forged certificate.
//!
//! `cargo run -p partcert-examples --example repair_shop`

use partcert::blocklist::{ListVersion, ListingStatus, MatchedKey, Reason};
use partcert::challenge::{Challenge, ChallengeResponse};
use partcert::issue::{Authority, PartSpec};
use partcert::{
    Blocklist, Error, ErrorCode, PartEvidence, PartKind, SecretKey, Validity, Verifier,
};
use partcert_examples::{
    DAY, Manufacturer, Registry, T0, expect, publication, refused, trust_store,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let acme = Manufacturer::acme()?;
    let register = Registry::national()?;
    let stolen = acme.build_handset(1)?;
    let donor = acme.build_handset(2)?;

    // Day 10: handset 1 is snatched on Oxford Street and reported. The
    // register lists its IMEI and every part paired to it.
    let entries = stolen.reported(Reason::Stolen, T0 + 10 * DAY, ListingStatus::Final);
    let published = register.publisher.publish(
        &publication(ListVersion::new(0, 11), T0 + 10 * DAY, 7),
        entries,
    )?;
    println!(
        "register: handset {} reported stolen; snapshot {} lists {} keys",
        stolen.imei,
        published.list.version(),
        published.changes.total
    );

    // The shop pins Acme's root and the register's root, and loads today's list.
    let trust = trust_store(&acme, &register)?;
    let mut blocklist = Blocklist::new();
    blocklist.apply(&trust, &published.list, T0 + 11 * DAY)?;
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);
    let chain = acme.chain();
    let now = T0 + 12 * DAY;

    // 1. The harvested screen, with a fresh challenge so the part proves it
    //    holds the key in its certificate (it does: it is genuine).
    let challenge = Challenge::new([7; 32]);
    let response = ChallengeResponse::respond(&stolen.screen_key, &challenge, &stolen.screen)?;
    let evidence = PartEvidence::new(&stolen.screen, &chain).with_challenge(&challenge, &response);
    let verdict = verifier.verify_part(&evidence, now)?;
    println!("harvested screen SCR-0001: {}", verdict.summary());
    expect(verdict.is_blocked(), "the harvested screen to be blocked")?;
    expect(
        verdict.summary() == "genuine (key-proven), unpaired, BLOCKED: stolen",
        "the harvested screen to be genuine, but BLOCKED: stolen",
    )?;

    //    It is listed twice over: by its identity, and by the key in its
    //    secure element, so no new certificate for that key reads clean.
    let matched: Vec<String> = verdict
        .blocklist
        .listings()
        .iter()
        .map(|listing| describe(&listing.matched))
        .collect();
    println!("  listed as: {}", matched.join(", "));
    expect(
        verdict
            .blocklist
            .listings()
            .iter()
            .any(|listing| listing.matched == MatchedKey::PartKey(stolen.screen_key.key_id())),
        "the harvested screen to be listed by its key too",
    )?;

    //    Showing an older, clean-looking pairing record does not launder it:
    //    the part itself is listed, not only the handset.
    let verdict = verifier.verify_part(&evidence.with_pairing(&stolen.record), now)?;
    println!("  ... with its pairing record: {}", verdict.summary());
    expect(verdict.is_blocked(), "the harvested screen to stay blocked")?;

    //    Nor does a record it is not in turn "stolen" into "bad evidence":
    //    blocked wins, and the refused record is reported beside it.
    let verdict = verifier.verify_part(&evidence.with_pairing(&donor.record), now)?;
    println!("  ... with another handset's record: {}", verdict.summary());
    expect(
        verdict.is_blocked() && verdict.pairing_refused == Some(Error::PartNotInPairingRecord),
        "the harvested screen to stay blocked, its record refused beside it",
    )?;

    // 2. A used screen from a clean donor handset: repair stays open.
    let response = ChallengeResponse::respond(&donor.screen_key, &challenge, &donor.screen)?;
    let evidence = PartEvidence::new(&donor.screen, &chain)
        .with_pairing(&donor.record)
        .with_challenge(&challenge, &response);
    let verdict = verifier.verify_part(&evidence, now)?;
    println!("donor screen SCR-0002: {}", verdict.summary());
    expect(
        !verdict.is_blocked() && verdict.summary() == "genuine (key-proven), used, clean",
        "the donor screen to be genuine, used, clean",
    )?;

    // 3. A counterfeit: a screen certified by a "factory" key nobody certified.
    let forger = Authority::new_manufacturer_root(
        SecretKey::from_seed(&[66; 32]),
        "Acme root (fake)",
        &["Acme"],
        Validity::days_from(T0 - DAY, 3650),
    )?;
    let fake_line_key = SecretKey::from_seed(&[67; 32]);
    let fake_line = Authority::new(
        fake_line_key.clone(),
        forger.certify_part_issuer(
            "Acme factory line 3",
            fake_line_key.public_key(),
            &[PartKind::Screen],
            &["Acme"],
            2,
            Validity::days_from(T0 - DAY, 3650),
        )?,
    )?;
    let fake = fake_line.certify_part(
        &PartSpec {
            kind: PartKind::Screen,
            manufacturer: "Acme".into(),
            model: "A1".into(),
            serial: "SCR-9999".into(),
            imeis: vec![],
            key: None,
        },
        1,
        Validity::days_from(T0 - DAY, 3650),
    )?;
    let fake_chain = [fake_line.certificate().clone()];
    refused(
        "counterfeit screen SCR-9999",
        verifier.verify_part(&PartEvidence::new(&fake, &fake_chain), now),
        ErrorCode::UnknownIssuer,
    )
}

/// What a listing matched, for the shop's screen.
fn describe(matched: &MatchedKey) -> String {
    match matched {
        MatchedKey::Imei(imei) => format!("IMEI {imei}"),
        MatchedKey::Part(part) => format!("part {part}"),
        MatchedKey::PartKey(key) => format!("part key {key}"),
        MatchedKey::PartFingerprint(fingerprint) => format!("part fingerprint {fingerprint}"),
    }
}
