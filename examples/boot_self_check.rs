//! An OS vendor's boot-time self-check: the handset checks every fitted part
//! against its own pairing record, reports a swapped part, and is whole
//! again once the repair is paired (the repair record carries when each
//! part was first paired). It reports; it never disables.
//!
//! `cargo run -p partcert-examples --example boot_self_check`

use partcert::blocklist::{ListVersion, ListingStatus, Reason};
use partcert::challenge::{Challenge, ChallengeResponse};
use partcert::pairing::PairingEvent;
use partcert::verify::{FittedPart, HandsetEvidence, HandsetReport};
use partcert::{Blocklist, Certificate, ErrorCode, Imei, Verifier};
use partcert_examples::{
    DAY, Handset, Manufacturer, Registry, T0, expect, publication, refused, trust_store,
};

fn print_report(title: &str, report: &HandsetReport) {
    println!(
        "{title}: handset {:?}, pairing #{}",
        report.handset_imeis, report.pairing_sequence
    );
    for part in &report.parts {
        match &part.outcome {
            Ok(verdict) => println!(
                "  {} {}: {}",
                verdict.part.kind,
                verdict.part.serial,
                verdict.summary()
            ),
            Err(error) => println!(
                "  {}: refused, error {} — {error}",
                part.fingerprint,
                error.code()
            ),
        }
    }
    for missing in &report.missing {
        println!(
            "  missing: the {} it was built with ({})",
            missing.kind, missing.part_id
        );
    }
    println!(
        "  all original and clean: {}",
        report.all_original_and_clean()
    );
}

/// The handset's board and battery, with `screen` fitted: it answers the
/// boot's challenge.
fn fitted_with<'a>(
    phone: &'a Handset,
    chain: &'a [Certificate],
    screen: &'a Certificate,
    answer: (&'a Challenge, &'a ChallengeResponse),
) -> [FittedPart<'a>; 3] {
    let part = |certificate, challenge| FittedPart {
        certificate,
        chain,
        challenge,
    };
    [
        part(&phone.board, None),
        part(screen, Some(answer)),
        part(&phone.battery, None),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let acme = Manufacturer::acme()?;
    let register = Registry::national()?;
    let phone = acme.build_handset(3)?;
    let donor = acme.build_handset(4)?;
    let trust = trust_store(&acme, &register)?;

    // The device holds the register's latest list (today it lists another handset).
    let other = acme.build_handset(9)?;
    let entries = other.reported(Reason::Stolen, T0 + DAY, ListingStatus::Final);
    let latest = register
        .publisher
        .publish(&publication(ListVersion::new(0, 1), T0 + DAY, 7), entries)?;
    let mut blocklist = Blocklist::new();
    blocklist.apply(&trust, &latest.list, T0 + 2 * DAY)?;
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);
    let chain = acme.chain();
    let now = T0 + 3 * DAY;

    // The secure element in the screen answers a fresh nonce at every boot.
    let challenge = Challenge::new([42; 32]);
    let own_answer = ChallengeResponse::respond(&phone.screen_key, &challenge, &phone.screen)?;
    let fitted = fitted_with(&phone, &chain, &phone.screen, (&challenge, &own_answer));
    let modem = phone.imeis();
    let boot = |pairing, modem_imeis, fitted, at| {
        let evidence = HandsetEvidence {
            pairing,
            modem_imeis,
            fitted,
        };
        verifier.verify_handset(&evidence, at)
    };
    let report = boot(&phone.record, &modem, &fitted, now)?;
    print_report("boot 1, as built", &report);
    expect(
        report.all_original_and_clean(),
        "the factory handset to be whole",
    )?;

    // A cracked screen is replaced with a used one from a clean donor.
    let donor_answer = ChallengeResponse::respond(&donor.screen_key, &challenge, &donor.screen)?;
    let fitted = fitted_with(&phone, &chain, &donor.screen, (&challenge, &donor_answer));
    let report = boot(&phone.record, &modem, &fitted, now)?;
    print_report("boot 2, screen swapped, not yet paired", &report);
    expect(
        !report.all_original_and_clean() && report.missing.len() == 1,
        "the swap to be reported",
    )?;
    let screen_verdict = report.parts.get(1).and_then(|p| p.outcome.as_ref().ok());
    expect(
        screen_verdict.is_some_and(|v| !v.is_blocked()),
        "the donor screen to be genuine and clean",
    )?;

    // The shop's pairing service signs a repair record: the handset is
    // whole again. It signs after the handset's own record and the donor's,
    // so every part keeps the time its maker first paired it: a repair
    // never erases a part's past (what keeps a part made before a factory
    // key leaked, or before its line retired, genuine after any repair).
    let repaired = acme.pairing.pair_after(
        &trust,
        &[phone.record.clone(), donor.record.clone()],
        &phone.board,
        &[donor.screen.clone(), phone.battery.clone()],
        2,
        PairingEvent::Repair,
        now,
    )?;
    let donor_screen = donor.screen.part().ok_or("a part certificate")?.part_id();
    let first_paired = repaired
        .find(&donor_screen)
        .map(|paired| paired.first_paired);
    println!(
        "repair record #2, signed on day {}: the donor screen was first paired on day {}",
        (now - T0) / DAY,
        first_paired.map_or(0, |at| at.saturating_sub(T0) / DAY)
    );
    expect(
        first_paired == Some(T0),
        "the repair record to carry the donor screen's factory pairing time",
    )?;
    let report = boot(&repaired, &modem, &fitted, now + 60)?;
    print_report("boot 3, repair paired", &report);
    expect(
        report.all_original_and_clean(),
        "the repaired handset to be whole",
    )?;
    let screen_verdict = report.parts.get(1).and_then(|p| p.outcome.as_ref().ok());
    expect(
        screen_verdict
            .and_then(|verdict| verdict.provenance.as_ref())
            .is_some_and(|provenance| provenance.first_paired == T0 && provenance.paired_at == now),
        "the verdict to tell the donor screen's first pairing from its repair",
    )?;

    // A flashing tool rewrote the modem's IMEI: it no longer matches the board.
    let rewritten: Imei = "490154203237518".parse()?;
    refused(
        &format!("boot 4, IMEI rewritten to {rewritten}"),
        boot(&repaired, &[rewritten], &fitted, now + 60),
        ErrorCode::ImeiMismatch,
    )
}
