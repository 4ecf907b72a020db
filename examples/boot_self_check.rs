//! An OS vendor's boot-time self-check: the handset checks every fitted part
//! against its own pairing record, reports a swapped part, and is whole
//! again once the repair is paired (the repair record carries when each
//! part was first paired). It reports; it never disables.
//!
//! `cargo run -p partcert-examples --example boot_self_check`

use partcert::{
    Blocklist, BlocklistEntry, Challenge, ChallengeResponse, ErrorCode, FittedPart,
    HandsetEvidence, HandsetReport, Imei, ListVersion, ListingStatus, PairingEvent, Reason,
    Verifier,
};
use partcert_examples::{DAY, Manufacturer, Registry, T0, expect, trust_store};

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let acme = Manufacturer::acme()?;
    let register = Registry::national()?;
    let phone = acme.build_handset(3)?;
    let donor = acme.build_handset(4)?;
    let trust = trust_store(&acme, &register)?;

    // The device holds the register's latest list (today it lists another handset).
    let other = acme.build_handset(9)?;
    let entries = BlocklistEntry::for_reported_handset(
        &other.record,
        Reason::Stolen,
        T0 + DAY,
        ListingStatus::Final,
    );
    let snapshot = register.publisher.publish_snapshot(
        ListVersion::new(0, 1),
        T0 + DAY,
        T0 + 8 * DAY,
        entries,
    )?;
    let mut blocklist = Blocklist::new();
    blocklist.apply_snapshot(&trust, &snapshot, T0 + 2 * DAY)?;
    let verifier = Verifier::new(&trust).with_blocklist(&blocklist);
    let chain = acme.chain();
    let now = T0 + 3 * DAY;

    // The secure element in the screen answers a fresh nonce at every boot.
    let challenge = Challenge::new([42; 32]);
    let own_answer = ChallengeResponse::respond(&phone.screen_key, &challenge, &phone.screen)?;
    let fitted = [
        FittedPart {
            certificate: &phone.board,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &phone.screen,
            chain: &chain,
            challenge: Some((&challenge, &own_answer)),
        },
        FittedPart {
            certificate: &phone.battery,
            chain: &chain,
            challenge: None,
        },
    ];
    let modem = phone.imeis();
    let report = verifier.verify_handset(
        &HandsetEvidence {
            pairing: &phone.record,
            modem_imeis: &modem,
            fitted: &fitted,
        },
        now,
    )?;
    print_report("boot 1, as built", &report);
    expect(
        report.all_original_and_clean(),
        "the factory handset to be whole",
    )?;

    // A cracked screen is replaced with a used one from a clean donor.
    let donor_answer = ChallengeResponse::respond(&donor.screen_key, &challenge, &donor.screen)?;
    let fitted = [
        FittedPart {
            certificate: &phone.board,
            chain: &chain,
            challenge: None,
        },
        FittedPart {
            certificate: &donor.screen,
            chain: &chain,
            challenge: Some((&challenge, &donor_answer)),
        },
        FittedPart {
            certificate: &phone.battery,
            chain: &chain,
            challenge: None,
        },
    ];
    let report = verifier.verify_handset(
        &HandsetEvidence {
            pairing: &phone.record,
            modem_imeis: &modem,
            fitted: &fitted,
        },
        now,
    )?;
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
    let report = verifier.verify_handset(
        &HandsetEvidence {
            pairing: &repaired,
            modem_imeis: &modem,
            fitted: &fitted,
        },
        now + 60,
    )?;
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
    let error = verifier
        .verify_handset(
            &HandsetEvidence {
                pairing: &repaired,
                modem_imeis: &[rewritten],
                fitted: &fitted,
            },
            now + 60,
        )
        .expect_err("a rewritten IMEI must be caught");
    println!(
        "boot 4, IMEI rewritten to {rewritten}: refused, error {} — {error}",
        error.code()
    );
    expect(error.code() == ErrorCode::ImeiMismatch, "an IMEI mismatch")?;
    Ok(())
}
