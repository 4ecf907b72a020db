//! Drives the real `partcert` binary through the London story: a stolen
//! handset, its harvested screen, a clean donor part, a forged issuer, and
//! the files a careless or hostile world hands a repair shop.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

#[test]
fn a_harvested_screen_from_a_stolen_handset_is_blocked() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --json",
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    let json = run.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["exit_code"], 10);
    assert_eq!(
        json["summary"],
        "genuine (key not challenged), unpaired, BLOCKED: stolen"
    );
    let verdict = &json["details"];
    assert_eq!(verdict["part"]["kind"], "screen");
    assert_eq!(verdict["part"]["serial"], "SCREEN-ALICE");
    assert_eq!(verdict["blocklist"]["state"], "blocked");
    assert_eq!(verdict["blocklist"]["stale"], false);
    let listing = &verdict["blocklist"]["listings"][0];
    assert_eq!(listing["reason"], "stolen");
    assert_eq!(listing["status"], "final");
    assert_eq!(listing["handset"], ALICE_IMEI);
    assert_eq!(listing["authority_name"], "National register");
    // The part itself is listed, so it stays blocked without its pairing record.
    let listings = verdict["blocklist"]["listings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        listings
            .iter()
            .any(|listing| listing["matched"]["part"] == verdict["part"]["part_id"]),
        "{listings:?}"
    );

    // Shown with the stolen handset's own pairing record it is still blocked,
    // now on three keys: the handset's IMEI, the part, and the key its
    // certificate names (a reported handset's keyed parts are listed by key).
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --pairing alice.pair --json",
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    let listings = run.json()["details"]["blocklist"]["listings"].clone();
    let matched: Vec<&str> = listings
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|listing| listing["matched"].as_object())
        .filter_map(|matched| matched.keys().next().map(String::as_str))
        .collect();
    assert_eq!(matched, ["imei", "part", "part-key"], "{listings}");
    // The key listed is the screen's own (the key id of its public key).
    let screen_key = lab.ok("show --json alice-screen.pub").json();
    assert_eq!(listings[2]["matched"]["part-key"], screen_key["key_id"]);

    // The human report names the reason and the listing authority.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl",
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    // First what it is and what to do, in plain words; no hex id, no key id.
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("BLOCKED — Acme screen SCREEN-ALICE is listed as stolen"),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .starts_with("Do not fit it."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("BLOCKED:    stolen, listed 2026-01-"),
        "{}",
        run.stdout
    );
    let register = lab.ok("show --json register-root.cert").json()["issuer"].clone();
    let register = register.as_str().unwrap_or_default();
    assert!(!run.stdout.contains(register), "{}", run.stdout);
    assert!(!run.stdout.contains("list #1"), "{}", run.stdout);
    // --verbose adds the protocol's words: the list's sequence, the
    // listing's status.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --verbose",
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    assert!(
        run.stdout.contains("BLOCKED:    stolen (final)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\"National register\" list #1"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_clean_donor_screen_proves_its_key_and_is_genuine_used_and_clean() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok("challenge new --out shop.challenge");
    lab.ok(
        "part respond --part-key bob-screen.key --cert bob-screen.cert \
         --challenge shop.challenge --out bob-screen.response",
    );
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --pairing bob.pair --challenge shop.challenge \
         --response bob-screen.response --json",
        "bob-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["summary"], "genuine (key-proven), used, clean");
    let verdict = &json["details"];
    assert_eq!(verdict["binding"], "key-proven");
    assert_eq!(verdict["relation"], "paired-elsewhere");
    assert_eq!(verdict["provenance"]["handset_imeis"][0], BOB_IMEI);
    assert_eq!(verdict["provenance"]["event"], "factory-build");
    assert_eq!(verdict["blocklist"]["state"], "clean");
    assert_eq!(verdict["blocklist"]["lists"][0]["sequence"], 1);
    assert_eq!(verdict["root"]["name"], "Acme root");
    assert_eq!(verdict["issuer"]["name"], "Acme line 3");
    assert_eq!(verdict["checked_at"], T0 + 12 * DAY);
}

#[test]
fn a_part_in_its_own_handset_is_fitted_here_before_and_after_a_repair() {
    let lab = Lab::london();
    let run = lab.shop_verify(
        &format!("--pairing bob.pair --on-handset {BOB_IMEI} --json"),
        "bob-battery.cert",
        T0 + DAY,
    );
    // No list given, and not said to be meant: "not checked" has its own code.
    run.assert_code(12);
    let json = run.json();
    assert_eq!(
        json["summary"],
        "genuine (serial-only), fitted in this handset, blocklist not checked"
    );
    assert_eq!(json["details"]["relation"], "paired-here");
    assert_eq!(json["details"]["blocklist"]["state"], "not-checked");

    // Bob's screen cracks; a shop fits Carol's and signs a repair record.
    lab.ok_at(
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --part carol-screen.cert --part bob-battery.cert --sequence 2 --repair \
         --out bob-2.pair",
        T0 + 5 * DAY,
    );
    let run = lab.shop_verify(
        &format!("--pairing bob-2.pair --on-handset {BOB_IMEI} --no-blocklist --json"),
        "carol-screen.cert",
        T0 + 6 * DAY,
    );
    run.assert_code(0);
    let verdict = &run.json()["details"];
    assert_eq!(verdict["relation"], "paired-here");
    assert_eq!(verdict["provenance"]["event"], "repair");
    assert_eq!(verdict["provenance"]["pairing_sequence"], 2);
    assert_eq!(verdict["provenance"]["paired_at"], T0 + 5 * DAY);
    // Bob's old screen is no longer in his handset's record.
    let run = lab.shop_verify(
        "--pairing bob-2.pair --json",
        "bob-screen.cert",
        T0 + 6 * DAY,
    );
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "PartNotInPairingRecord");
}

#[test]
fn an_expired_list_makes_a_clean_answer_stale_but_never_hides_a_theft() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // List #1 was issued on day 10 and is stale after day 17.
    let late = T0 + 20 * DAY;
    let run = lab.shop_verify("--blocklist list-1.pcbl --json", "bob-screen.cert", late);
    run.assert_code(11);
    let json = run.json();
    assert_eq!(json["exit_code"], 11);
    assert_eq!(json["details"]["blocklist"]["state"], "stale");
    assert_eq!(json["details"]["blocklist"]["lists"][0]["stale"], true);

    let run = lab.shop_verify("--blocklist list-1.pcbl --json", "alice-screen.cert", late);
    run.assert_code(10);
    let json = run.json();
    assert_eq!(json["details"]["blocklist"]["state"], "blocked");
    assert_eq!(json["details"]["blocklist"]["stale"], true);
}

#[test]
fn a_clock_set_back_is_raised_by_the_parts_own_root_only() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // The shop's clock says day 1. The register's list (issued day 10) is
    // dated after it by more than the tolerance (a day): it flags only
    // itself, and never moves the part's clock.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --json",
        "bob-screen.cert",
        T0 + DAY,
    );
    run.assert_code(11);
    let json = run.json();
    assert_eq!(
        json["summary"],
        "genuine (key not challenged), unpaired, clean but blocklist stale \
         (National register: dated after this device's clock)"
    );
    assert_eq!(json["details"]["checked_at"], T0 + DAY);
    assert_eq!(
        json["details"]["blocklist"]["lists"][0]["stale_reason"],
        serde_json::json!({"kind": "future-dated", "issued_at": T0 + 10 * DAY})
    );
    // A day ahead is within the tolerance: on day 9 the list is current.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --json",
        "bob-screen.cert",
        T0 + 9 * DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["details"]["blocklist"]["state"], "clean");

    // Acme's own revocation list, issued on day 5, raises Acme's clock for
    // a shop whose clock says day 4 (within the tolerance) ...
    lab.ok_at(
        "revoke --root acme-root.key --root-cert acme-root.cert --sequence 1 --out acme.pcrl",
        T0 + 5 * DAY,
    );
    let run = lab.shop_verify(
        "--revocations acme.pcrl --no-blocklist --json",
        "bob-screen.cert",
        T0 + 4 * DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["details"]["checked_at"], T0 + 5 * DAY);
    // ... and for one whose clock says day 1, by the tolerance only.
    let run = lab.shop_verify(
        "--revocations acme.pcrl --no-blocklist --json",
        "bob-screen.cert",
        T0 + DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["details"]["checked_at"], T0 + 2 * DAY);

    // blocklist apply judges each list at its register's own clock: on
    // day 9 the list of day 10 raises the register's clock to day 10 ...
    let apply = "blocklist apply --blocklist-trust register-root.cert --json list-1.pcbl";
    let run = lab.at(apply, T0 + 9 * DAY);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["checked_at"], T0 + 9 * DAY);
    assert_eq!(json["lists"][0]["checked_at"], T0 + 10 * DAY);
    // ... and on day 1 no further than the tolerance, the list flagging itself.
    let run = lab.at(apply, T0 + DAY);
    run.assert_code(11);
    let json = run.json();
    assert_eq!(json["lists"][0]["checked_at"], T0 + 2 * DAY);
    assert_eq!(json["lists"][0]["stale_reason"]["kind"], "future-dated");
}

#[test]
fn a_screen_from_a_forged_issuer_is_untrusted() {
    let lab = Lab::london();
    lab.forge_acme_line();
    lab.ok_at(
        "part issue --issuer forger-line.key --issuer-cert forger-line.cert --kind screen \
         --serial SCREEN-FAKE --model A1 --out fake.cert",
        T0,
    );
    let verify = "verify --trust acme-root.cert --chain forger-line.cert";
    let run = lab.at(&format!("{verify} --json fake.cert"), T0 + DAY);
    run.assert_code(20);
    let json = run.json();
    // verify did its job: the verdict is "untrusted".
    assert_eq!(json["ok"], true);
    assert_eq!(json["verdict"], "untrusted");
    assert_eq!(json["exit_code"], 20);
    assert_eq!(json["error"]["code"], 201);
    assert_eq!(json["error"]["name"], "UnknownIssuer");
    assert_eq!(json["error"]["family"], "trust");
    assert_eq!(json["error"]["file"], "fake.cert");
    let message = json["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("does not chain to a trusted root"),
        "{json}"
    );
    // It says what the part claims, and never to trust the root it came with.
    assert_eq!(
        json["headline"],
        "COUNTERFEIT? — claims to be an Acme screen (serial SCREEN-FAKE), but is not signed by \
         the Acme root this shop trusts"
    );
    let advice = json["advice"].as_str().unwrap_or_default();
    assert!(advice.starts_with("Do not fit it"), "{advice}");
    for word in ["pin", "--trust"] {
        assert!(!advice.contains(word), "{advice}");
        assert!(
            !json["error"]["hint"]
                .as_str()
                .unwrap_or_default()
                .contains(word),
            "{json}"
        );
    }

    let run = lab.at(&format!("{verify} fake.cert"), T0 + DAY);
    run.assert_code(20);
    run.assert_one_line_error("fake.cert", "[error 201 UnknownIssuer]");
    // The headline and what to do lead on standard output; the error, with
    // its code, on standard error.
    assert!(
        run.stdout
            .starts_with("COUNTERFEIT? — claims to be an Acme screen"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);

    // A genuine part checked without its factory line's certificate is not
    // called counterfeit: the tool says which flag was forgotten.
    let run = lab.at(
        "verify --trust acme-root.cert --no-blocklist bob-screen.cert",
        T0 + DAY,
    );
    run.assert_code(20);
    assert!(
        run.stdout.starts_with(
            "CANNOT TELL — claims to be an Acme screen (serial SCREEN-BOB), but the certificate \
             of the factory line that made it was not given"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("no --chain was given"),
        "{}",
        run.stderr
    );

    // A manufacturer root offered as a blocklist root is refused: roles are
    // pinned apart (an argument mistake: exit 2, naming the flag).
    let run = lab.at(
        "verify --trust acme-root.cert --blocklist-trust forger-root.cert --chain line.cert \
         bob-screen.cert",
        T0 + DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error("forger-root.cert", "RoleNotPermitted");
}

#[test]
fn a_genuine_part_checked_without_its_issuer_certificate_gets_a_hint() {
    let lab = Lab::london();
    let run = lab.at("verify --trust acme-root.cert bob-screen.cert", T0 + DAY);
    run.assert_code(20);
    run.assert_one_line_error("bob-screen.cert", "UnknownIssuer");
    assert!(
        run.stderr.contains("no --chain was given"),
        "{}",
        run.stderr
    );
    let run = lab.at(
        "verify --trust acme-root.cert --json bob-screen.cert",
        T0 + DAY,
    );
    run.assert_code(20);
    let json = run.json();
    assert_eq!(json["error"]["code"], 201);
    assert_eq!(json["error"]["file"], "bob-screen.cert");
    assert!(
        json["error"]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("--chain"))
    );
}

#[test]
fn a_recorded_challenge_answer_cannot_be_replayed() {
    let lab = Lab::london();
    lab.ok("challenge new --out yesterday.challenge");
    lab.ok("challenge new --out today.challenge");
    lab.ok(
        "part respond --part-key alice-screen.key --cert alice-screen.cert \
         --challenge yesterday.challenge --out recorded.response",
    );
    let run = lab.shop_verify(
        "--challenge today.challenge --response recorded.response --json",
        "alice-screen.cert",
        T0 + DAY,
    );
    run.assert_code(20);
    assert_eq!(run.json()["error"]["code"], 203);
    assert_eq!(run.json()["error"]["name"], "WrongChallengeResponse");

    // A copied certificate cannot be answered with a key the part does not
    // hold: the tool refuses to sign such an answer, naming the key.
    let run = lab.run(
        "part respond --part-key bob-screen.key --cert alice-screen.cert \
         --challenge today.challenge --out clone.response",
    );
    run.assert_code(20);
    run.assert_one_line_error("bob-screen.key", "[error 205 KeyMismatch]");
    assert!(!lab.path("clone.response").exists());
    // Nor a part with no secure element: its certificate names no key.
    let run = lab.run(
        "part respond --part-key bob-screen.key --cert bob-battery.cert \
         --challenge today.challenge --out battery.response",
    );
    run.assert_code(20);
    run.assert_one_line_error("bob-battery.cert", "[error 204 NoPartKey]");

    // --challenge without --response is a usage error.
    let run = lab.shop_verify("--challenge today.challenge", "alice-screen.cert", T0);
    run.assert_code(2);
}

#[test]
fn a_board_whose_imei_was_rewritten_is_refused() {
    let lab = Lab::london();
    let run = lab.shop_verify(
        &format!("--presented-imei {BOB_IMEI} --json"),
        "alice-board.cert",
        T0 + DAY,
    );
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "ImeiMismatch");
    assert_eq!(run.json()["error"]["family"], "policy");

    let run = lab.shop_verify(
        &format!("--presented-imei {ALICE_IMEI} --no-blocklist"),
        "alice-board.cert",
        T0 + DAY,
    );
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!("IMEI:       {ALICE_IMEI}")),
        "{}",
        run.stdout
    );

    // A listed board stays blocked whatever its modem says; the mismatch is reported.
    lab.report_alice_stolen();
    let options = format!("--blocklist list-1.pcbl --presented-imei {BOB_IMEI}");
    let run = lab.shop_verify(&options, "alice-board.cert", T0 + 12 * DAY);
    run.assert_code(10);
    assert!(
        run.stdout.contains(&format!(
            "MISMATCH:   the modem reports IMEI {BOB_IMEI}, not signed into this board"
        )),
        "{}",
        run.stdout
    );
    let run = lab.shop_verify(
        &format!("{options} --json"),
        "alice-board.cert",
        T0 + 12 * DAY,
    );
    let json = run.json();
    assert_eq!(json["details"]["mismatched_imeis"][0], BOB_IMEI);
    assert_eq!(
        json["summary"],
        "genuine (serial-only), unpaired, BLOCKED: stolen, modem IMEI does not match the board"
    );
}

#[test]
fn a_part_certificate_can_come_through_a_pipe() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    let mut child = Command::new(env!("CARGO_BIN_EXE_partcert"))
        .args(words(&format!(
            "verify --trust acme-root.cert --blocklist-trust register-root.cert \
             --chain line.cert --blocklist list-1.pcbl --at {} --json -",
            T0 + 12 * DAY
        )))
        .current_dir(lab.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the partcert binary runs");
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(&lab.read("alice-battery.cert"))
            .expect("write the certificate to the pipe");
    }
    let output = child.wait_with_output().expect("partcert finishes");
    assert_eq!(output.status.code(), Some(10));
    let json: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(json["file"], "-");
    assert_eq!(json["details"]["part"]["serial"], "BATTERY-ALICE");
}

#[test]
fn a_part_shown_with_another_handsets_record_is_refused() {
    let lab = Lab::london();
    let run = lab.shop_verify("--pairing bob.pair --json", "alice-screen.cert", T0 + DAY);
    run.assert_code(20);
    assert_eq!(run.json()["error"]["code"], 306);
    assert_eq!(run.json()["error"]["name"], "PartNotInPairingRecord");
}

#[test]
fn certificates_expire_and_are_not_valid_before_they_start() {
    let lab = Lab::london();
    let run = lab.shop_verify("--json", "bob-screen.cert", T0 + 40 * 365 * DAY);
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "Expired");
    let run = lab.shop_verify("--json", "bob-screen.cert", T0 - DAY);
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "NotYetValid");
    // A shop whose clock runs half an hour slow still accepts a part certified just now.
    lab.shop_verify("--no-blocklist", "bob-screen.cert", T0 - 1800)
        .assert_code(0);
}

#[test]
fn a_tampered_truncated_or_mistyped_file_is_one_clear_line() {
    let lab = Lab::london();
    let good = lab.read("bob-screen.cert");

    let mut tampered = good.clone();
    if let Some(last) = tampered.last_mut() {
        *last ^= 1;
    }
    lab.write("tampered.cert", &tampered);
    let run = lab.shop_verify("", "tampered.cert", T0 + DAY);
    run.assert_code(20);
    run.assert_one_line_error("tampered.cert", "[error 200 BadSignature]");

    lab.write("truncated.cert", &good[..good.len() / 2]);
    let run = lab.shop_verify("", "truncated.cert", T0 + DAY);
    run.assert_code(20);
    run.assert_one_line_error("truncated.cert", "the data is truncated");
    let run = lab.shop_verify("--json", "truncated.cert", T0 + DAY);
    assert_eq!(run.json()["error"]["code"], 100);
    assert_eq!(run.json()["error"]["family"], "malformed");

    lab.write("empty.cert", b"");
    let run = lab.shop_verify("", "empty.cert", T0 + DAY);
    run.assert_code(20);
    run.assert_one_line_error("empty.cert", "Truncated");

    lab.write("photo.cert", b"\x89PNG\r\n\x1a\n not a certificate at all");
    let run = lab.shop_verify("", "photo.cert", T0 + DAY);
    run.assert_code(20);
    run.assert_one_line_error("photo.cert", "[error 102 BadMagic]");

    let mut trailing = good.clone();
    trailing.extend_from_slice(b"extra");
    lab.write("trailing.cert", &trailing);
    let run = lab.shop_verify("", "trailing.cert", T0 + DAY);
    run.assert_code(20);
    run.assert_one_line_error("trailing.cert", "TrailingBytes");

    // A pairing record where a certificate belongs: an argument mistake
    // (exit 2), saying what the file is and which flag takes it.
    let run = lab.shop_verify("", "bob.pair", T0 + DAY);
    run.assert_code(2);
    run.assert_one_line_error("bob.pair (PART.cert)", "[error 105 WrongObjectType]");
    assert!(
        run.stderr
            .contains("expected a certificate, but this is a pairing record")
    );
    assert!(
        run.stderr.contains("a pairing record goes to --pairing"),
        "{}",
        run.stderr
    );

    // A part certificate where a root belongs.
    let run = lab.at("verify --trust bob-screen.cert bob-screen.cert", T0);
    run.assert_code(2);
    run.assert_one_line_error("bob-screen.cert (--trust)", "RoleNotPermitted");

    // A snapshot where a pairing record belongs.
    lab.report_alice_stolen();
    let run = lab.shop_verify("--pairing list-1.pcbl", "bob-screen.cert", T0 + DAY);
    run.assert_code(2);
    run.assert_one_line_error("list-1.pcbl (--pairing)", "WrongObjectType");

    // A missing file is an I/O failure: exit 1, and the file is named.
    let run = lab.shop_verify("", "nowhere.cert", T0 + DAY);
    run.assert_code(1);
    assert!(
        run.stderr.starts_with("partcert: nowhere.cert: "),
        "{}",
        run.stderr
    );
    let run = lab.shop_verify("--json", "nowhere.cert", T0 + DAY);
    run.assert_code(1);
    assert_eq!(run.json()["error"]["family"], "io");
    assert_eq!(run.json()["error"]["code"], 601);
    assert_eq!(run.json()["error"]["file"], "nowhere.cert");
}

#[test]
fn signing_with_the_wrong_key_or_beyond_a_permit_is_refused_and_writes_nothing() {
    let lab = Lab::london();
    // The pairing service's key does not match the factory line's certificate.
    let run = lab.run(
        "part issue --issuer pairing.key --issuer-cert line.cert --kind screen --serial S-1 \
         --model A1 --out stray.cert",
    );
    run.assert_code(20);
    run.assert_one_line_error("pairing.key", "[error 205 KeyMismatch]");
    assert!(!lab.path("stray.cert").exists());

    // Line 3 may certify boards, screens and batteries, not speakers.
    let run = lab.run(
        "part issue --issuer line.key --issuer-cert line.cert --kind speaker --serial SPK-1 \
         --model A1 --out speaker.cert",
    );
    run.assert_code(2);
    run.assert_one_line_error("--kind speaker", "KindNotPermitted");
    assert!(!lab.path("speaker.cert").exists());

    // Acme's line may only certify Acme's parts; the root names its makers.
    let run = lab.run(
        "part issue --issuer line.key --issuer-cert line.cert --kind screen --serial SCR-9 \
         --model A1 --manufacturer Zeta --out zeta.cert",
    );
    run.assert_code(2);
    run.assert_one_line_error(
        "--manufacturer \"Zeta\"",
        "[error 308 ManufacturerNotPermitted]",
    );
    let run = lab.run(
        "authority new --root acme-root.key --root-cert acme-root.cert --role part-issuer \
         --name 'Zeta line' --kinds screen --manufacturer Zeta --out zeta-line",
    );
    run.assert_code(2);
    run.assert_one_line_error("--manufacturer \"Zeta\"", "ManufacturerNotPermitted");
    assert!(!lab.path("zeta-line.key").exists());
    // A manufacturer root must name its makers.
    lab.run("root new --name 'Nameless root' --out nameless")
        .assert_code(2);

    // A serial has one written form: upper case, no spaces.
    let run = lab.run(
        "part issue --issuer line.key --issuer-cert line.cert --kind screen --serial scr-1 \
         --model A1 --out lower.cert",
    );
    run.assert_code(2);
    run.assert_one_line_error("--serial \"scr-1\"", "[error 111 InvalidField]");
    assert!(!lab.path("lower.cert").exists());

    // A factory line cannot sign pairing records; the old record stays whole.
    let before = lab.read("bob.pair");
    let run = lab.run(
        "pair --service line.key --service-cert line.cert --board alice-board.cert \
         --part alice-screen.cert --out bob.pair --force",
    );
    run.assert_code(20);
    assert!(run.stderr.contains("RoleNotPermitted"), "{}", run.stderr);
    assert_eq!(lab.read("bob.pair"), before);

    // A key file that is not one.
    lab.write("garbage.key", b"# partcert secret key\nnot hex at all\n");
    let run = lab.run(
        "part issue --issuer garbage.key --issuer-cert line.cert --kind screen --serial S-2 \
         --model A1 --out stray.cert",
    );
    run.assert_code(20);
    run.assert_one_line_error("garbage.key", "InvalidField");

    // Writing into a folder that does not exist fails cleanly.
    let run = lab.run("challenge new --out no/such/folder/c.challenge");
    run.assert_code(1);
    assert!(
        run.stderr
            .starts_with("partcert: no/such/folder/c.challenge: "),
        "{}",
        run.stderr
    );

    let leftovers = std::fs::read_dir(lab.dir.path())
        .expect("list the folder")
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(".partcert-")
        })
        .count();
    assert_eq!(leftovers, 0, "temporary files left behind");
}

#[test]
fn secret_keys_are_private_and_never_silently_replaced() {
    let lab = Lab::london();
    let before = lab.read("acme-root.key");
    let text = String::from_utf8(before.clone()).expect("a key file is text");
    assert!(text.starts_with("partcert secret key v1\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |name: &str| {
            std::fs::metadata(lab.path(name))
                .expect("metadata")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("acme-root.key"), 0o600);
        assert_eq!(mode("alice-screen.key"), 0o600);
        assert_eq!(mode("acme-root.cert"), 0o644);
    }
    let run = lab.run("root new --name 'Acme root' --out acme-root");
    run.assert_code(1);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(lab.read("acme-root.key"), before);
    lab.ok("root new --name 'Acme root' --manufacturer Acme --out acme-root --force");
    assert_ne!(lab.read("acme-root.key"), before);
}

#[test]
fn a_register_publishes_a_snapshot_then_a_delta_and_devices_refuse_rollback() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // Day 11: Bob's phone is reported lost (suspended: it may turn up).
    lab.report_bob_lost();
    let run = lab.ok(
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority register.key \
         --authority-cert register.cert --out d-1-2.pcbd",
    );
    assert!(
        run.stdout
            .contains("#1 -> #2, 5 listed or changed, 0 delisted"),
        "{}",
        run.stdout
    );

    // A device holding list 1 applies the delta and keeps its anti-rollback state.
    let apply = "blocklist apply --blocklist-trust register-root.cert --rollback-state device.pcrb";
    let run = lab.at(
        &format!("{apply} --init --json list-1.pcbl d-1-2.pcbd"),
        T0 + 11 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["applied"][0]["type"], "blocklist-snapshot");
    assert_eq!(json["applied"][1]["type"], "blocklist-delta");
    assert_eq!(json["lists"][0]["sequence"], 2);
    // Two reported handsets: each IMEI, board, screen, battery and screen key.
    assert_eq!(json["lists"][0]["entries"], 10);
    assert_eq!(json["lists"][0]["authority_name"], "National register");
    let list_2 = lab.ok("show --json list-2.pcbl").json();
    assert_eq!(json["lists"][0]["digest"], list_2["state_digest"]);
    assert!(lab.path("device.pcrb").exists());

    // Replaying list 1 to clear Bob's listing is refused, and the state is kept.
    let state = lab.read("device.pcrb");
    let run = lab.at(&format!("{apply} list-1.pcbl"), T0 + 12 * DAY);
    run.assert_code(20);
    run.assert_one_line_error("list-1.pcbl", "[error 400 Rollback]");
    assert_eq!(lab.read("device.pcrb"), state);

    // A delta alone, on a device that holds nothing, has no base.
    let run = lab.at(
        "blocklist apply --blocklist-trust register-root.cert --json d-1-2.pcbd",
        T0 + 12 * DAY,
    );
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "DeltaBaseMismatch");
    assert_eq!(run.json()["error"]["code"], 402);

    // verify takes the snapshot and the delta in order: Bob's battery is listed lost.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --blocklist d-1-2.pcbd --json",
        "bob-battery.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    assert_eq!(
        run.json()["summary"],
        "genuine (serial-only), unpaired, BLOCKED: lost (suspended)"
    );

    // A device that follows the register but is given no list from it
    // (withheld, or not fetched after a restart) reads stale, never clean.
    let run = lab.shop_verify(
        "--rollback-state device.pcrb",
        "carol-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(11);
    assert!(
        run.stdout.starts_with(
            "NOT SURE — genuine Acme screen SCREEN-CAROL, not listed, but the blocklist is out \
             of date\nDo not rely on it yet: update the blocklist"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"National register\" #2 stale: missing (this device follows"),
        "{}",
        run.stdout
    );

    // verify with the device's state refuses the older list as well.
    let run = lab.shop_verify(
        "--rollback-state device.pcrb --blocklist list-1.pcbl",
        "bob-battery.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(20);
    run.assert_one_line_error("list-1.pcbl", "Rollback");

    // Weeks later the list has expired: apply says so with exit 11.
    let run = lab.at(&format!("{apply} list-2.pcbl"), T0 + 30 * DAY);
    run.assert_code(11);
    assert!(run.stdout.contains("stale: expired at"), "{}", run.stdout);
    let run = lab.at(&format!("{apply} --json list-2.pcbl"), T0 + 30 * DAY);
    run.assert_code(11);
    assert_eq!(run.json()["lists"][0]["stale_reason"]["kind"], "expired");

    // A list signed by a register this device does not pin is refused.
    lab.ok_at("root new --role blocklist --name Rogue --out rogue", T0);
    lab.ok_at(
        "blocklist new --authority rogue.key --authority-cert rogue.cert --sequence 99 \
         --out rogue.pcbl",
        T0 + DAY,
    );
    let run = lab.at(&format!("{apply} --json rogue.pcbl"), T0 + 12 * DAY);
    run.assert_code(20);
    assert_eq!(run.json()["error"]["family"], "trust");
    // Nor can another authority publish a delta between the register's lists.
    let run = lab.run(
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority rogue.key \
         --authority-cert rogue.cert --out rogue.pcbd",
    );
    run.assert_code(20);
    assert!(run.stderr.contains("WrongAuthority"), "{}", run.stderr);
}

#[test]
fn a_lost_phone_that_turns_up_is_delisted_and_its_parts_are_clean_again() {
    let lab = Lab::london();
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 1 --from-pairing carol.pair --imei {BOB_IMEI} --reason lost \
             --suspended --out l1.pcbl"
        ),
        T0 + DAY,
    );
    let run = lab.shop_verify("--blocklist l1.pcbl", "carol-screen.cert", T0 + 2 * DAY);
    run.assert_code(10);
    assert!(
        run.stdout.contains("lost (suspended pending inquiry)"),
        "{}",
        run.stdout
    );

    // Carol's handset and parts are 5 of the list's 6 keys: more than 1 %,
    // so the register confirms the count it read in the refusal.
    let refused = lab.at(
        &format!("{PUBLISH} --sequence 2 --base l1.pcbl --delist-pairing carol.pair --out l2.pcbl"),
        T0 + 3 * DAY,
    );
    refused.assert_code(20);
    assert!(
        refused.stderr.contains("--allow-delisting 5"),
        "{}",
        refused.stderr
    );
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 2 --base l1.pcbl --delist-pairing carol.pair \
             --allow-delisting 5 --out l2.pcbl"
        ),
        T0 + 3 * DAY,
    );
    let shown = lab.ok("show --json l2.pcbl").json();
    let entries = shown["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 1, "only Bob's IMEI stays listed: {shown}");
    assert_eq!(entries[0]["key"]["imei"], BOB_IMEI);
    let run = lab.shop_verify("--blocklist l2.pcbl", "carol-screen.cert", T0 + 4 * DAY);
    run.assert_code(0);

    // Sequences only go up: the flag to change is named, with the number to give.
    let run = lab.run(&format!(
        "{PUBLISH} --sequence 2 --base l2.pcbl --out l3.pcbl"
    ));
    run.assert_code(2);
    run.assert_one_line_error("--sequence 2", "[error 400 Rollback]");
    assert!(
        run.stderr.contains("give --sequence 3 or higher"),
        "{}",
        run.stderr
    );
    assert!(!lab.path("l3.pcbl").exists());
}

#[test]
fn a_revoked_factory_line_can_no_longer_vouch_for_parts() {
    let lab = Lab::london();
    lab.ok_at(
        "revoke --root acme-root.key --root-cert acme-root.cert --sequence 1 \
         --authority line.cert --out revoked.pcrl",
        T0 + 5 * DAY,
    );
    let run = lab.shop_verify(
        "--revocations revoked.pcrl --json",
        "bob-screen.cert",
        T0 + 6 * DAY,
    );
    run.assert_code(20);
    assert_eq!(run.json()["error"]["code"], 304);
    assert_eq!(run.json()["error"]["name"], "IssuerRevoked");

    // Revoked only from day 3 (when its key leaked), the line still vouches
    // for parts a pairing record places before the leak.
    lab.ok_at(
        &format!(
            "revoke --root acme-root.key --root-cert acme-root.cert --sequence 2 \
             --authority line.cert --since {} --out revoked-2.pcrl",
            T0 + 3 * DAY
        ),
        T0 + 5 * DAY,
    );
    let run = lab.shop_verify(
        "--revocations revoked-2.pcrl --pairing bob.pair --no-blocklist --verbose",
        "bob-screen.cert",
        T0 + 6 * DAY,
    );
    run.assert_code(0);
    assert!(
        run.stdout.contains(
            "summary:    genuine (key not challenged), used, blocklist not checked, \
             made before its line's key was revoked"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("REVOKED:"), "{}", run.stdout);
    let run = lab.shop_verify(
        "--revocations revoked-2.pcrl --pairing bob.pair --json",
        "bob-screen.cert",
        T0 + 6 * DAY,
    );
    assert_eq!(run.json()["details"]["issuer_revoked_since"], T0 + 3 * DAY);
    // Without that evidence it is refused.
    let run = lab.shop_verify(
        "--revocations revoked-2.pcrl",
        "bob-screen.cert",
        T0 + 6 * DAY,
    );
    run.assert_code(20);
    run.assert_one_line_error("bob-screen.cert", "[error 304 IssuerRevoked]");
    // An older revocation list is a rollback.
    let run = lab.shop_verify(
        "--revocations revoked-2.pcrl --revocations revoked.pcrl",
        "bob-screen.cert",
        T0 + 6 * DAY,
    );
    run.assert_code(20);
    run.assert_one_line_error("revoked.pcrl", "Rollback");
}

#[test]
fn show_reads_every_kind_of_file() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok("challenge new --out c.challenge");
    lab.ok(
        "part respond --part-key alice-screen.key --cert alice-screen.cert \
         --challenge c.challenge --out r.response",
    );
    lab.ok_at(
        "revoke --root acme-root.key --root-cert acme-root.cert --sequence 1 --out none.pcrl",
        T0,
    );
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --rollback-state s.pcrb --init \
         list-1.pcbl",
        T0 + 10 * DAY,
    );

    let root = lab.ok("show --json acme-root.cert").json();
    assert_eq!(root["type"], "certificate");
    assert_eq!(root["self_signature_valid"], true);
    assert_eq!(root["subject"]["authority"]["role"], "manufacturer-root");
    assert_eq!(root["subject"]["authority"]["manufacturers"][0], "Acme");
    // Valid from an hour before signing, so a slightly slow clock accepts it.
    assert_eq!(root["validity"]["not_before"], T0 - 3600);
    let text = lab.ok("show acme-root.cert").stdout;
    assert!(text.contains("manufacturers Acme"), "{text}");
    let publisher = lab.ok("show --json register.cert").json();
    assert_eq!(publisher["subject"]["authority"]["epoch"], 0);
    let text = lab.ok("show register.cert").stdout;
    assert!(text.contains("epoch 0 (the only epoch"), "{text}");

    let board = lab.ok("show --json alice-board.cert").json();
    assert_eq!(board["subject"]["part"]["imeis"][0], ALICE_IMEI);
    assert_eq!(board["subject"]["part"]["root"], root["issuer"]);
    let text = lab.ok("show alice-board.cert").stdout;
    assert!(
        text.contains("board part Acme A1, serial BOARD-ALICE, IMEI 356938035643809"),
        "{text}"
    );
    assert!(text.contains("valid 2025-12-31 23:00:00 UTC to"), "{text}");
    assert!(text.contains("root key id "), "{text}");

    let record = lab.ok("show --json alice.pair").json();
    assert_eq!(record["type"], "pairing-record");
    assert_eq!(record["imeis"][0], ALICE_IMEI);
    assert_eq!(record["parts"].as_array().map(Vec::len), Some(2));
    let service = &record["service_certificate"]["subject"]["authority"];
    assert_eq!(service["name"], "Acme pairing");

    let list = lab.ok("show --json list-1.pcbl").json();
    assert_eq!(list["type"], "blocklist-snapshot");
    assert_eq!(list["epoch"], 0);
    assert_eq!(list["sequence"], 1);
    assert_eq!(list["expires_at"], T0 + 17 * DAY);
    // Alice's IMEI, her board, screen and battery, and her screen's key.
    assert_eq!(list["entries"].as_array().map(Vec::len), Some(5));

    assert_eq!(
        lab.ok("show --json none.pcrl").json()["type"],
        "revocation-list"
    );
    lab.ok_at(
        "revoke --root register-root.key --root-cert register-root.cert --sequence 1 \
         --authority register.cert --since 1767600000 --out since.pcrl",
        T0 + 5 * DAY,
    );
    let revoked = lab.ok("show --json since.pcrl").json();
    assert_eq!(revoked["revoked"][0]["since"], 1_767_600_000);
    let text = lab.ok("show since.pcrl").stdout;
    assert!(
        text.contains("revoked since 2026-01-05 08:00:00 UTC"),
        "{text}"
    );
    let response = lab.ok("show --json r.response").json();
    assert_eq!(response["type"], "challenge-response");
    let challenge = String::from_utf8(lab.read("c.challenge")).unwrap_or_default();
    assert!(
        challenge.starts_with("partcert challenge v1\n"),
        "{challenge}"
    );
    let nonce = challenge.lines().last().unwrap_or_default().to_owned();
    assert_eq!(response["nonce"], nonce);
    let state = lab.ok("show --json s.pcrb").json();
    assert_eq!(state["marks"][0]["sequence"], 1);
    assert_eq!(state["marks"][0]["epoch"], 0);
    assert_eq!(state["marks"][0]["expires_at"], T0 + 17 * DAY);

    let key = lab.ok("show --json alice-screen.key").json();
    let public = lab.ok("show --json alice-screen.pub").json();
    assert_eq!(key["type"], "secret-key");
    assert_eq!(key["public_key"], public["public_key"]);
    // Text files are read line by line, trimmed: spaces and CRLF line ends are fine.
    let hex = public["public_key"].as_str().unwrap_or_default().to_owned();
    lab.write(
        "spaced.pub",
        format!("partcert public key v1\r\n  {hex}  \r\n").as_bytes(),
    );
    assert_eq!(lab.ok("show --json spaced.pub").json()["public_key"], hex);
    lab.write(
        "crlf.challenge",
        format!("partcert challenge v1\r\n# a challenge\r\n {nonce}\t\r\n").as_bytes(),
    );
    lab.ok(
        "part respond --part-key alice-screen.key --cert alice-screen.cert \
         --challenge crlf.challenge --out r2.response",
    );
    assert_eq!(lab.read("r2.response"), lab.read("r.response"));
    let shown = lab.ok("show alice-screen.key").stdout;
    let secret = String::from_utf8(lab.read("alice-screen.key")).unwrap_or_default();
    let seed = secret.lines().last().unwrap_or_default();
    assert_eq!(seed.len(), 64);
    assert!(!shown.contains(seed), "show must not print the secret");

    lab.write("junk.bin", b"PCRT\x03\x09junk");
    let run = lab.run("show --json junk.bin");
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "UnknownObjectType");
}

#[test]
fn usage_errors_exit_2_and_help_names_the_exit_codes() {
    let lab = Lab::new();
    lab.run("verify").assert_code(2);
    lab.run("frobnicate").assert_code(2);
    let run = lab.run(
        "blocklist new --authority a.key --authority-cert a.cert --sequence 1 \
         --imei 356938035643808 --out x.pcbl",
    );
    run.assert_code(2);
    assert!(run.stderr.contains("Luhn"), "{}", run.stderr);
    let run = lab.run("part issue --issuer a --issuer-cert b --kind toaster --serial 1 --out x");
    run.assert_code(2);
    assert!(run.stderr.contains("unknown part kind"), "{}", run.stderr);

    let run = lab.run("verify --json --trust r.cert --at yesterday x.cert");
    run.assert_code(2);
    let json = run.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["exit_code"], 2);
    assert_eq!(json["error"]["family"], "usage");

    let help = lab.ok("verify --help").stdout;
    for line in [
        "10  genuine, but",
        "11  genuine, not blocklisted",
        "20  untrusted",
    ] {
        assert!(help.contains(line), "{help}");
    }
    assert!(lab.ok("--version").stdout.starts_with("partcert "));
}

#[test]
fn the_demo_plays_the_london_story() {
    let lab = Lab::new();
    let run = lab.ok("demo");
    let out = &run.stdout;
    assert!(
        out.contains("BLOCKED — Acme screen SCR-0001 is listed as stolen"),
        "{out}"
    );
    assert!(out.contains("-> exit code 10"), "{out}");
    assert!(
        out.contains(
            "OK — genuine Acme screen SCR-0002, used (from another handset), not reported \
             stolen or lost, and it proved it is the part its certificate names\n  Fine to fit."
        ),
        "{out}"
    );
    assert!(out.contains("[error 201 UnknownIssuer]"), "{out}");
    assert!(
        out.contains("COUNTERFEIT? — claims to be an Acme screen (serial SCR-0003)"),
        "{out}"
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // It plays in a scratch folder and leaves nothing where it was started.
    let left = std::fs::read_dir(lab.dir.path()).map(Iterator::count).ok();
    assert_eq!(left, Some(0));

    lab.ok("demo --keep story");
    for file in [
        "acme-root.cert",
        "alice.pair",
        "register-1.pcbl",
        "bob-screen.response",
    ] {
        assert!(lab.path("story").join(file).exists(), "{file}");
    }
}

#[test]
fn a_shop_saves_the_lists_it_accepted_and_checks_parts_against_them_later() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 2 --base list-1.pcbl --from-pairing bob.pair --reason fraud \
             --out list-2.pcbl"
        ),
        T0 + 11 * DAY,
    );
    lab.ok(
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority register.key \
         --authority-cert register.cert --out d-1-2.pcbd",
    );
    // Monday: the shop takes list 1 and saves what it accepted.
    let apply = "blocklist apply --blocklist-trust register-root.cert";
    let run = lab.ok_at(
        &format!("{apply} list-1.pcbl --out shop.pcbs"),
        T0 + 10 * DAY,
    );
    assert!(run.stdout.contains("saved to shop.pcbs"), "{}", run.stdout);
    let shown = lab.ok("show --json shop.pcbs").json();
    assert_eq!(shown["type"], "blocklist-state");

    // Tuesday: only the delta is downloaded; the saved state is updated in place.
    let run = lab.at(
        &format!("{apply} --state shop.pcbs --json d-1-2.pcbd"),
        T0 + 11 * DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["lists"][0]["sequence"], 2);
    assert_eq!(run.json()["lists"][0]["entries"], 10);

    // Parts are checked against the saved state, with no list files at hand.
    let verify = "--blocklist-state shop.pcbs --json";
    let run = lab.shop_verify(verify, "bob-screen.cert", T0 + 12 * DAY);
    run.assert_code(10);
    assert_eq!(
        run.json()["details"]["blocklist"]["listings"][0]["reason"],
        "fraud"
    );
    lab.shop_verify(verify, "carol-screen.cert", T0 + 12 * DAY)
        .assert_code(0);

    // The saved state remembers sequence 2: list 1 is a rollback.
    let run = lab.at(
        &format!("{apply} --state shop.pcbs list-1.pcbl"),
        T0 + 12 * DAY,
    );
    run.assert_code(20);
    run.assert_one_line_error("list-1.pcbl", "Rollback");

    // A saved state damaged on disk is refused, never half loaded.
    let mut damaged = lab.read("shop.pcbs");
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x55;
    lab.write("damaged.pcbs", &damaged);
    let run = lab.shop_verify(
        "--blocklist-state damaged.pcbs",
        "bob-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(20);
    run.assert_one_line_error("damaged.pcbs", "[error 112 CorruptState]");

    // Read with another register pinned instead, the state no longer
    // follows the register: its list is dropped, and said so, apart from
    // the verdict (which consulted no list).
    lab.ok_at("root new --role blocklist --name Other --out other", T0);
    let run = lab.at(
        "verify --trust acme-root.cert --blocklist-trust other.cert --chain line.cert \
         --blocklist-state shop.pcbs --json bob-screen.cert",
        T0 + 12 * DAY,
    );
    // Following no register any more, nothing was checked: its own code.
    run.assert_code(12);
    let json = run.json();
    assert_eq!(json["verdict"], "not-checked");
    let register = lab.ok("show --json register-root.cert").json()["issuer"].clone();
    assert_eq!(json["dropped"], serde_json::json!([register]));
    assert!(
        run.stderr.starts_with(&format!(
            "partcert: note: shop.pcbs (--blocklist-state): no longer following register {}",
            register.as_str().unwrap_or_default()
        )),
        "{}",
        run.stderr
    );

    // A register cannot carry another register's list into its own.
    let run = lab.run(
        "blocklist new --authority other.key --authority-cert other.cert --sequence 5 \
         --base list-2.pcbl --out stolen-entries.pcbl",
    );
    run.assert_code(2);
    run.assert_one_line_error("list-2.pcbl (--base)", "[error 401 WrongAuthority]");
    assert!(!lab.path("stolen-entries.pcbl").exists());
}

#[test]
fn a_technician_checks_a_whole_handset_before_and_after_a_repair() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    let check = "handset check --trust acme-root.cert --blocklist-trust register-root.cert \
                 --chain line.cert --blocklist list-1.pcbl --json";
    let when = T0 + 12 * DAY;

    // Bob's phone as built: every part is in its record, nothing listed.
    let run = lab.at(
        &format!(
            "{check} --pairing bob.pair --modem-imei {BOB_IMEI} bob-board.cert \
             bob-screen.cert bob-battery.cert"
        ),
        when,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["all_original_and_clean"], true);
    assert_eq!(json["handset_imeis"][0], BOB_IMEI);
    assert_eq!(json["handset_blocklist"]["state"], "clean");
    assert_eq!(json["parts"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["parts"][1]["file"], "bob-screen.cert");
    assert_eq!(json["parts"][1]["details"]["relation"], "paired-here");

    // Carol's screen fitted, not yet paired: reported, not failed.
    let run = lab.at(
        &format!("{check} --pairing bob.pair bob-board.cert carol-screen.cert bob-battery.cert"),
        when,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["all_original_and_clean"], false);
    assert_eq!(json["missing"][0]["kind"], "screen");
    assert_eq!(json["parts"][1]["details"]["relation"], "unpaired");

    // Paired after the repair, the handset is as its record says again.
    lab.ok_at(
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --part carol-screen.cert --part bob-battery.cert --sequence 2 --repair \
         --out bob-2.pair",
        when,
    );
    let run = lab.at(
        &format!("{check} --pairing bob-2.pair bob-board.cert carol-screen.cert bob-battery.cert"),
        when,
    );
    run.assert_code(0);
    assert_eq!(run.json()["all_original_and_clean"], true);
    assert_eq!(run.json()["all_original"], true);
    assert_eq!(run.json()["pairing_sequence"], 2);

    // Alice's stolen phone, found intact: the handset and its parts are listed.
    let run = lab.at(
        &format!("{check} --pairing alice.pair alice-board.cert alice-screen.cert"),
        when,
    );
    run.assert_code(10);
    assert_eq!(run.json()["handset_blocklist"]["state"], "blocked");
    // ... and stays listed whatever its modem has been made to report.
    let run = lab.at(
        &format!(
            "{check} --pairing alice.pair --modem-imei {BOB_IMEI} alice-board.cert \
             alice-screen.cert"
        ),
        when,
    );
    run.assert_code(10);
    assert_eq!(run.json()["mismatched_modem_imeis"][0], BOB_IMEI);
    assert_eq!(run.json()["all_original"], false);
    let run = lab.at(
        &format!(
            "handset check --trust acme-root.cert --blocklist-trust register-root.cert \
             --chain line.cert --blocklist list-1.pcbl --pairing alice.pair \
             --modem-imei {BOB_IMEI} alice-board.cert alice-screen.cert --verbose"
        ),
        when,
    );
    run.assert_code(10);
    assert!(
        run.stdout
            .starts_with("BLOCKED — this handset is listed as stolen\nDo not repair or resell"),
        "{}",
        run.stdout
    );
    // Blocked and parts as recorded are said apart, never "clean: no: blocklisted".
    assert!(
        run.stdout.contains(
            "parts as its record lists: no: the modem reports an IMEI the record does not carry"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("and clean"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "the modem reports IMEI {BOB_IMEI}, which the record does not carry"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("modem IMEI does not match the board"),
        "{}",
        run.stdout
    );

    // A device that follows the register but holds no list reads stale.
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --rollback-state dev.pcrb --init \
         list-1.pcbl",
        when,
    );
    let run = lab.at(
        "handset check --trust acme-root.cert --chain line.cert \
         --blocklist-trust register-root.cert --rollback-state dev.pcrb \
         --pairing bob-2.pair bob-board.cert carol-screen.cert bob-battery.cert",
        when,
    );
    run.assert_code(11);
    for expected in [
        "NOT SURE — every part is this handset's own, but a blocklist is out of date\n",
        "the handset itself: clean but blocklist stale (National register: missing)",
        "list: \"National register\" #1 stale: missing",
        "parts as its record lists: yes",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }

    // A counterfeit part among genuine ones: its own outcome is the error.
    lab.ok_at(
        "root new --name 'Acme root' --manufacturer Acme --out forger",
        T0,
    );
    lab.ok_at(
        "authority new --root forger.key --root-cert forger.cert --role part-issuer \
         --name 'Acme line 3' --kinds battery --out forger-line",
        T0,
    );
    lab.ok_at(
        "part issue --issuer forger-line.key --issuer-cert forger-line.cert --kind battery \
         --serial BATTERY-BOB --manufacturer Acme --model A1 --out fake-battery.cert",
        T0,
    );
    let run = lab.at(
        &format!("{check} --pairing bob-2.pair bob-board.cert carol-screen.cert fake-battery.cert"),
        when,
    );
    run.assert_code(20);
    let json = run.json();
    assert_eq!(json["parts"][2]["ok"], false);
    assert_eq!(json["parts"][2]["error"]["name"], "UnknownIssuer");
    assert_eq!(json["parts"][0]["ok"], true);
    // In words: what the fake claims, with its code; no key id.
    let text = lab.at(
        &format!(
            "{} --pairing bob-2.pair bob-board.cert carol-screen.cert fake-battery.cert",
            check.replace(" --json", "")
        ),
        when,
    );
    text.assert_code(20);
    assert!(
        text.stdout.contains(
            "  fake-battery.cert: COUNTERFEIT? — claims to be an Acme battery (serial \
             BATTERY-BOB), but is not signed by the Acme root this shop trusts [error 201 \
             UnknownIssuer]\n"
        ),
        "{}",
        text.stdout
    );

    // A modem reporting another IMEI than the record's: the record is not this handset's.
    let human = "handset check --trust acme-root.cert --chain line.cert";
    let run = lab.at(
        &format!("{human} --pairing bob-2.pair --modem-imei {ALICE_IMEI} bob-board.cert"),
        when,
    );
    run.assert_code(20);
    run.assert_one_line_error("bob-2.pair", "ImeiMismatch");

    // The human report names each part and what is missing; no list was
    // given, and --no-blocklist says that is meant.
    let run = lab.at(
        &format!("{human} --pairing bob.pair bob-board.cert carol-screen.cert"),
        when,
    );
    run.assert_code(12);
    let run = lab.at(
        &format!("{human} --no-blocklist --pairing bob.pair bob-board.cert carol-screen.cert"),
        when,
    );
    run.assert_code(0);
    assert!(
        run.stdout
            .starts_with("REPAIRED — parts differ from this handset's record"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "carol-screen.cert: NOT CHECKED — genuine Acme screen SCREEN-CAROL, but no \
             blocklist was checked"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("missing: the screen"), "{}", run.stdout);
    assert!(
        run.stdout.contains("missing: the battery"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("parts as its record lists: no: its parts differ"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_shop_clock_set_back_is_caught_by_another_registers_newer_list() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // An operator runs its own register; its list is issued on day 20,
    // after the national list (day 10, stale after day 17) expired.
    lab.ok_at(
        "root new --role blocklist --name 'Operator register' --out operator",
        T0,
    );
    lab.ok_at(
        &format!(
            "blocklist new --authority operator.key --authority-cert operator.cert --sequence 1 \
             --imei {CAROL_IMEI} --reason fraud --out operator-1.pcbl"
        ),
        T0 + 20 * DAY,
    );
    // The shop's clock says day 12 and it is handed both lists (applied at
    // its clock): the operator's, dated after the shop's clock, flags
    // itself (the clock may be behind, or the list misdated), and never
    // another register's list.
    let verify = "verify --trust acme-root.cert --blocklist-trust register-root.cert \
                  --blocklist-trust operator.cert --chain line.cert";
    let both = "--blocklist list-1.pcbl --blocklist operator-1.pcbl";
    let run = lab.at(&format!("{verify} {both} bob-screen.cert"), T0 + 12 * DAY);
    run.assert_code(11);
    // The clock may be behind: the advice says to look at it.
    assert!(
        run.stdout
            .lines()
            .nth(1)
            .unwrap_or_default()
            .contains("check this computer's clock"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"Operator register\" #1 stale: dated after this device's clock"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"National register\" #1 valid until 2026-01-18"),
        "{}",
        run.stdout
    );
    let run = lab.at(
        &format!("{verify} {both} --json bob-screen.cert"),
        T0 + 12 * DAY,
    );
    run.assert_code(11);
    let lists = run.json()["details"]["blocklist"]["lists"].clone();
    assert_eq!(
        list_named(&lists, "National register")["stale"],
        false,
        "{lists}"
    );
    let operator = list_named(&lists, "Operator register");
    assert_eq!(operator["stale_reason"]["kind"], "future-dated", "{lists}");
    assert_eq!(operator["stale_reason"]["issued_at"], T0 + 20 * DAY);

    // The shop took the national list into its saved state on day 10, and
    // the operator's on day 20, its clock right. Its clock set back to day
    // 12 is still caught: the floor the operator's list set on day 20 is
    // saved, and the national list reads outdated by it.
    let apply = "blocklist apply --blocklist-trust register-root.cert \
                 --blocklist-trust operator.cert --state shop.pcbs";
    lab.ok_at(&format!("{apply} --init list-1.pcbl"), T0 + 10 * DAY);
    let run = lab.at(&format!("{apply} operator-1.pcbl"), T0 + 20 * DAY);
    run.assert_code(11);
    assert!(run.stdout.contains("stale: expired at"), "{}", run.stdout);
    let run = lab.at(
        &format!("{verify} --blocklist-state shop.pcbs bob-screen.cert"),
        T0 + 12 * DAY,
    );
    run.assert_code(11);
    assert!(
        run.stdout
            .lines()
            .nth(1)
            .unwrap_or_default()
            .contains("check this computer's clock"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"National register\" #1 stale: outdated by Operator register"),
        "{}",
        run.stdout
    );
    let run = lab.at(
        &format!("{verify} --blocklist-state shop.pcbs --json bob-screen.cert"),
        T0 + 12 * DAY,
    );
    run.assert_code(11);
    let lists = run.json()["details"]["blocklist"]["lists"].clone();
    let national = list_named(&lists, "National register");
    assert_eq!(national["stale_reason"]["kind"], "outdated-by", "{lists}");
    assert_eq!(national["stale_reason"]["issued_at"], T0 + 20 * DAY);
    // The operator's list, dated after the clock as it reads now, flags itself too.
    let operator = list_named(&lists, "Operator register");
    assert_eq!(operator["stale_reason"]["kind"], "future-dated", "{lists}");
}

/// The list of the register named `name` among the lists a verdict consulted.
fn list_named(lists: &Value, name: &str) -> Value {
    lists
        .as_array()
        .and_then(|lists| lists.iter().find(|list| list["authority_name"] == name))
        .cloned()
        .unwrap_or_default()
}

/// The README's recipe ("A stolen delegated signing key"), played with the
/// real binary on three devices: one that saw the thief's list, one that
/// did not, and a new one.
#[test]
fn a_stolen_register_key_is_superseded_by_the_roots_next_epoch() {
    let lab = Lab::london();
    // Day 10: the register's publisher (certified for epoch 0) lists Alice's phone.
    lab.report_alice_stolen();
    let apply = "blocklist apply --blocklist-trust register-root.cert";
    for device in ["a", "b"] {
        lab.ok_at(
            &format!("{apply} --state {device}.pcbs --init list-1.pcbl"),
            T0 + 10 * DAY,
        );
    }

    // Day 11: a thief with the publisher's key delists Alice's phone in a
    // list far ahead in sequence (confirming the count the guard asks for:
    // it stops accidents, not a key holder). Device A takes it; device B
    // never sees it.
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 1000 --base list-1.pcbl --delist-pairing alice.pair \
             --allow-delisting 5 --out thief-1000.pcbl"
        ),
        T0 + 11 * DAY,
    );
    lab.ok_at(
        &format!("{apply} --state a.pcbs thief-1000.pcbl"),
        T0 + 11 * DAY,
    );
    let shop_a = "--blocklist-state a.pcbs";
    lab.shop_verify(shop_a, "alice-screen.cert", T0 + 11 * DAY)
        .assert_code(0);

    // Day 12, the recipe. 1: the register's root revokes the stolen key.
    lab.ok_at(
        "revoke --root register-root.key --root-cert register-root.cert --sequence 1 \
         --authority register.cert --out register-revoked.pcrl",
        T0 + 12 * DAY,
    );
    // Device A, given the revocation, no longer trusts what it holds.
    let run = lab.shop_verify(
        &format!("{shop_a} --revocations register-revoked.pcrl"),
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(11);
    assert!(
        run.stdout.contains("stale: signer revoked"),
        "{}",
        run.stdout
    );

    // 2: a new publisher key, certified for the next epoch, republishes the
    // last honest list there.
    lab.ok_at(
        "authority new --root register-root.key --root-cert register-root.cert \
         --role blocklist --name 'Register publisher 2' --epoch 1 --out register-e1",
        T0 + 12 * DAY,
    );
    lab.ok_at(
        "blocklist new --authority register-e1.key --authority-cert register-e1.cert \
         --epoch 1 --sequence 1 --base list-1.pcbl --out list-e1-1.pcbl",
        T0 + 12 * DAY,
    );

    // 3: every device accepts it: the one that saw the thief's list, the
    // one that did not, and a new one.
    let apply_fixed = format!("{apply} --revocations register-revoked.pcrl");
    for device in ["a", "b", "c"] {
        // Device c is new: its first run starts its state.
        let init = if device == "c" { "--init" } else { "" };
        let run = lab.at(
            &format!("{apply_fixed} --state {device}.pcbs {init} --json list-e1-1.pcbl"),
            T0 + 12 * DAY,
        );
        run.assert_code(0);
        assert_eq!(run.json()["lists"][0]["epoch"], 1, "device {device}");
        assert_eq!(run.json()["lists"][0]["sequence"], 1, "device {device}");
        let shop = format!("--blocklist-state {device}.pcbs --revocations register-revoked.pcrl");
        lab.shop_verify(&shop, "alice-screen.cert", T0 + 13 * DAY)
            .assert_code(10);
        lab.shop_verify(&shop, "bob-screen.cert", T0 + 13 * DAY)
            .assert_code(0);
    }

    // The thief's later lists are refused everywhere: in its own epoch they
    // are older than epoch 1 (even on a device never told of the
    // revocation), and its key is revoked.
    lab.ok_at(
        &format!("{PUBLISH} --sequence 2000 --base thief-1000.pcbl --out thief-2000.pcbl"),
        T0 + 13 * DAY,
    );
    for device in ["a", "b", "c"] {
        let state = lab.read(&format!("{device}.pcbs"));
        let run = lab.at(
            &format!("{apply} --state {device}.pcbs thief-2000.pcbl"),
            T0 + 13 * DAY,
        );
        run.assert_code(20);
        run.assert_one_line_error("thief-2000.pcbl", "[error 400 Rollback]");
        let run = lab.at(
            &format!("{apply_fixed} --state {device}.pcbs thief-2000.pcbl"),
            T0 + 13 * DAY,
        );
        run.assert_code(20);
        run.assert_one_line_error("thief-2000.pcbl", "[error 304 IssuerRevoked]");
        assert_eq!(
            lab.read(&format!("{device}.pcbs")),
            state,
            "device {device}"
        );
    }
    // Nor can the stolen key sign in the new epoch: only the root opens one.
    let run = lab.at(
        &format!("{PUBLISH} --epoch 1 --sequence 2 --base list-e1-1.pcbl --out thief-e1.pcbl"),
        T0 + 13 * DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error("--epoch 1", "[error 406 EpochNotPermitted]");
    assert!(!lab.path("thief-e1.pcbl").exists());
    // The new key is bound to its epoch too, and the default is its base's.
    let publish_e1 = "blocklist new --authority register-e1.key --authority-cert register-e1.cert";
    let run = lab.at(
        &format!("{publish_e1} --sequence 2 --base list-1.pcbl --out wrong.pcbl"),
        T0 + 13 * DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error(
        "--epoch (not given: 0, the epoch of list-1.pcbl)",
        "EpochNotPermitted",
    );
    lab.ok_at(
        &format!("{publish_e1} --sequence 2 --base list-e1-1.pcbl --out list-e1-2.pcbl"),
        T0 + 13 * DAY,
    );
    // The root itself may publish in any epoch.
    lab.ok_at(
        "blocklist new --authority register-root.key --authority-cert register-root.cert \
         --epoch 2 --sequence 1 --base list-e1-2.pcbl --out list-e2-1.pcbl",
        T0 + 13 * DAY,
    );
    lab.ok_at(
        &format!("{apply_fixed} --state c.pcbs list-e2-1.pcbl"),
        T0 + 13 * DAY,
    );
    let shown = lab.ok("show list-e2-1.pcbl").stdout;
    assert!(
        shown.contains("blocklist snapshot #1 of epoch 2"),
        "{shown}"
    );
}

#[test]
fn a_national_register_publishes_its_list_compact_and_shops_apply_it() {
    let lab = Lab::london();
    // Day 10: the register's sorted master list, then the same list
    // published compact as #2 with one more IMEI reported.
    lab.report_alice_stolen();
    let run = lab.at(
        &format!(
            "{PUBLISH} --sequence 2 --base list-1.pcbl --imei {CAROL_IMEI} --compact --json \
             --out list-2.pcbc"
        ),
        T0 + 10 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["format"], "compact");
    assert_eq!(json["wrote"][0]["kind"], "compact-blocklist-snapshot");
    assert_eq!(json["entries"], 6);
    assert_eq!(json["counts"]["carried"], 5);
    assert_eq!(json["counts"]["listed"], 1);
    // Never overwritten without --force.
    let run = lab.at(
        &format!("{PUBLISH} --sequence 2 --base list-1.pcbl --compact --out list-2.pcbc"),
        T0 + 10 * DAY,
    );
    run.assert_code(1);
    run.assert_one_line_error("list-2.pcbc", "FileExists");

    // `show` tells it by content: counts, fingerprint width, the bound, sizes.
    let shown = lab.ok("show --json list-2.pcbc").json();
    assert_eq!(shown["type"], "compact-blocklist-snapshot");
    assert_eq!(shown["sequence"], 2);
    assert_eq!(shown["imei_count"], 2);
    // Alice's board, screen and battery, and her screen's key.
    assert_eq!(shown["part_count"], 4);
    assert_eq!(shown["fingerprint_width"], 43);
    assert_eq!(shown["false_positive_bound_log2"], -41);
    assert_eq!(shown["state_digest"], json["state_digest"]);
    let entries = shown["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 6);
    let parts: Vec<&Value> = entries
        .iter()
        .filter(|entry| entry["key"]["part_fingerprint"].is_string())
        .collect();
    assert_eq!(parts.len(), 4);
    for part in parts {
        assert!(
            part["key"]["part_fingerprint"]
                .as_str()
                .is_some_and(|f| f.ends_with("/43")),
            "{part}"
        );
        assert_eq!(part["handset"], ALICE_IMEI);
        assert_eq!(part["listed_at"], T0 + 10 * DAY);
    }
    let text = lab.ok("show list-2.pcbc").stdout;
    assert!(
        text.contains("compact blocklist snapshot #2 with 6 entries"),
        "{text}"
    );
    assert!(text.contains("2^-41 per lookup"), "{text}");
    assert!(text.contains("    part fingerprint "), "{text}");
    assert!(
        text.contains(&format!("handset IMEI {CAROL_IMEI}")),
        "{text}"
    );

    // A shop applies it (told by content) and saves it in its state.
    let apply = "blocklist apply --blocklist-trust register-root.cert --state shop.pcbs";
    let run = lab.at(&format!("{apply} --init --json list-2.pcbc"), T0 + 11 * DAY);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["applied"][0]["type"], "compact-blocklist-snapshot");
    assert_eq!(json["lists"][0]["entries"], 6);
    assert_eq!(json["lists"][0]["format"], "compact");
    assert_eq!(json["lists"][0]["digest"], shown["state_digest"]);
    let run = lab.at(&format!("{apply} list-2.pcbc"), T0 + 11 * DAY);
    assert!(run.stdout.contains("6 entries (compact)"), "{}", run.stdout);

    // The harvested screen is blocked, by its fingerprint: the verdict
    // names the fingerprint that matched, never the part's own identity.
    let state = "--blocklist-state shop.pcbs";
    let run = lab.shop_verify(
        &format!("{state} --json"),
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    let json = run.json();
    assert_eq!(
        json["summary"],
        "genuine (key not challenged), unpaired, BLOCKED: stolen (by fingerprint)"
    );
    let listing = &json["details"]["blocklist"]["listings"][0];
    assert_eq!(listing["by_fingerprint"], true);
    assert_eq!(listing["reason"], "stolen");
    assert_eq!(listing["sequence"], 2);
    assert_eq!(listing["handset"], ALICE_IMEI);
    assert!(listing["matched"].get("part").is_none(), "{listing}");
    let fingerprint = listing["matched"]["part-fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(fingerprint.ends_with("/43"), "{listing}");
    let part_id = json["details"]["part"]["part_id"]
        .as_str()
        .unwrap_or_default();
    assert!(!fingerprint.contains(part_id), "{listing}");
    // A compact list keeps listing days only: the technician reads a date,
    // not a time of day, and no fingerprint.
    let run = lab.shop_verify(state, "alice-screen.cert", T0 + 12 * DAY);
    run.assert_code(10);
    let blocked = run
        .stdout
        .lines()
        .find(|line| line.starts_with("  BLOCKED:"))
        .unwrap_or_default();
    assert!(
        blocked.contains("listed 2026-01-") && blocked.contains(" (UTC) by"),
        "{}",
        run.stdout
    );
    assert!(!blocked.contains(":00"), "{}", run.stdout);
    assert!(!run.stdout.contains(&fingerprint), "{}", run.stdout);
    assert!(!run.stdout.contains("2^-41"), "{}", run.stdout);
    let run = lab.shop_verify(
        &format!("{state} --verbose"),
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    assert!(run.stdout.contains("2^-41"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "matched by fingerprint {fingerprint} in a compact list"
        )),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(&format!("matched part {part_id}")),
        "{}",
        run.stdout
    );
    // The file itself, given to --blocklist, says the same.
    lab.shop_verify(
        "--blocklist list-2.pcbc",
        "alice-screen.cert",
        T0 + 12 * DAY,
    )
    .assert_code(10);
    // A listed IMEI matches exactly, not by fingerprint.
    let run = lab.at(
        "handset check --trust acme-root.cert --blocklist-trust register-root.cert \
         --chain line.cert --blocklist list-2.pcbc --json --pairing carol.pair \
         carol-board.cert carol-screen.cert carol-battery.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    let json = run.json();
    assert_eq!(
        json["handset_blocklist"]["listings"][0]["matched"]["imei"],
        CAROL_IMEI
    );
    assert_eq!(
        json["handset_blocklist"]["listings"][0]["by_fingerprint"],
        false
    );

    // The donor screen is clean.
    let run = lab.shop_verify(&format!("{state} --json"), "bob-screen.cert", T0 + 12 * DAY);
    run.assert_code(0);
    assert_eq!(run.json()["verdict"], "clean");

    // Rolling back to the sorted #1 is refused; the state is kept.
    let kept = lab.read("shop.pcbs");
    let run = lab.at(&format!("{apply} list-1.pcbl"), T0 + 12 * DAY);
    run.assert_code(20);
    run.assert_one_line_error("list-1.pcbl", "[error 400 Rollback]");
    assert_eq!(lab.read("shop.pcbs"), kept);

    // `blocklist delta` is between sorted lists: it refuses a compact one,
    // and a device holding the compact list refuses a delta between sorted
    // lists, which does not start from its state (code 402).
    let run = lab.run(
        "blocklist delta --from list-2.pcbc --to list-1.pcbl --authority register.key \
         --authority-cert register.cert --out d.pcbd",
    );
    run.assert_code(2);
    run.assert_one_line_error("list-2.pcbc", "WrongObjectType");
    assert!(run.stderr.contains("--over STATE.pcbs"), "{}", run.stderr);
    assert!(!lab.exists("d.pcbd"));
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 3 --base list-1.pcbl --from-pairing bob.pair --reason lost \
             --out list-3.pcbl"
        ),
        T0 + 12 * DAY,
    );
    lab.ok(
        "blocklist delta --from list-1.pcbl --to list-3.pcbl --authority register.key \
         --authority-cert register.cert --out d-1-3.pcbd",
    );
    let run = lab.at(&format!("{apply} --json d-1-3.pcbd"), T0 + 12 * DAY);
    run.assert_code(20);
    let json = run.json();
    assert_eq!(json["error"]["code"], 402);
    assert_eq!(json["error"]["file"], "d-1-3.pcbd");
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("compact list #2")),
        "{json}"
    );
    assert_eq!(lab.read("shop.pcbs"), kept);

    // A compact list cannot be a base: its parts are fingerprints only.
    let run = lab.at(
        &format!("{PUBLISH} --sequence 4 --base list-2.pcbc --compact --out list-4.pcbc"),
        T0 + 12 * DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error("list-2.pcbc", "WrongObjectType");
    assert!(run.stderr.contains("--base"), "{}", run.stderr);
    assert!(!lab.exists("list-4.pcbc"));
    // The register publishes its next compact list from its sorted master.
    lab.ok_at(
        &format!("{PUBLISH} --sequence 4 --base list-3.pcbl --compact --out list-4.pcbc"),
        T0 + 13 * DAY,
    );
    let run = lab.at(&format!("{apply} --json list-4.pcbc"), T0 + 13 * DAY);
    run.assert_code(0);
    assert_eq!(run.json()["lists"][0]["entries"], 10);
    lab.shop_verify(state, "bob-battery.cert", T0 + 13 * DAY)
        .assert_code(10);
}

/// A national register's first compact list, straight from its IMEI file:
/// every line counted once (a repeated line, or a reported handset's board
/// IMEI that is also a line), and nothing listed and delisted at once.
#[test]
fn a_register_signs_its_first_compact_list_straight_from_an_imei_file() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.write(
        "national.txt",
        format!(
            "{CAROL_IMEI}\n# from the operators\n{ALICE_IMEI}\n{CAROL_IMEI}\n490154203237518\n"
        )
        .as_bytes(),
    );
    let run = lab.at(
        &format!(
            "{PUBLISH} --sequence 1 --imeis-from national.txt --from-pairing alice.pair \
             --compact --json --out national-1.pcbc"
        ),
        T0 + 10 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    // Three IMEIs, Alice's handset's three parts and her screen's key (its
    // board IMEI is a line).
    assert_eq!(json["entries"], 7);
    assert_eq!(json["counts"]["listed"], 7);
    assert_eq!(json["counts"]["carried"], 0);
    assert_eq!(json["counts"]["duplicates"], 2);
    let shown = lab.ok("show --json national-1.pcbc").json();
    assert_eq!(shown["imei_count"], 3);
    assert_eq!(shown["part_count"], 4);

    // Listing and delisting one IMEI is still refused, nothing written.
    let run = lab.at(
        &format!(
            "{PUBLISH} --sequence 1 --imeis-from national.txt --delist-imei {CAROL_IMEI} \
             --compact --out national-2.pcbc"
        ),
        T0 + 10 * DAY,
    );
    run.assert_code(2);
    assert!(!lab.exists("national-2.pcbc"));
}

/// A national register keeps its compact list current with daily deltas
/// from the tool: it keeps a mirror of what devices hold, builds each
/// delta over it from the day's reports, and shops apply the delta to the
/// compact list they hold.
#[test]
fn a_register_keeps_its_compact_list_current_with_deltas_over_what_devices_hold() {
    let lab = Lab::london();
    let mirror = "blocklist apply --blocklist-trust register-root.cert --state mirror.pcbs";
    let shop = "blocklist apply --blocklist-trust register-root.cert --state shop.pcbs";
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 1 --from-pairing alice.pair --compact --out national-1.pcbc"
        ),
        T0 + 10 * DAY,
    );
    lab.ok_at(&format!("{mirror} --init national-1.pcbc"), T0 + 10 * DAY);
    lab.ok_at(&format!("{shop} --init national-1.pcbc"), T0 + 10 * DAY);

    // Day 11: Bob's handset reported stolen; Alice's found again.
    let over = "blocklist delta --over mirror.pcbs --blocklist-trust register-root.cert \
                --authority register.key --authority-cert register.cert";
    let run = lab.at(
        &format!(
            "{over} --sequence 2 --from-pairing bob.pair --delist-pairing alice.pair --json \
             --out d-1-2.pcbd"
        ),
        T0 + 11 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["from_sequence"], 1);
    assert_eq!(json["to_sequence"], 2);
    assert_eq!(json["upserts"], 5);
    assert_eq!(json["removals"], 5);
    lab.ok_at(&format!("{mirror} d-1-2.pcbd"), T0 + 11 * DAY);
    let run = lab.at(&format!("{shop} --json d-1-2.pcbd"), T0 + 11 * DAY);
    run.assert_code(0);
    assert_eq!(run.json()["lists"][0]["sequence"], 2);
    lab.shop_verify(
        "--blocklist-state shop.pcbs",
        "bob-battery.cert",
        T0 + 11 * DAY,
    )
    .assert_code(10);
    let run = lab.shop_verify(
        "--blocklist-state shop.pcbs --json",
        "alice-screen.cert",
        T0 + 11 * DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["verdict"], "clean");

    // The mirror now holds #2: a delta to #2 again is refused, naming the
    // sequence to give; nothing is written.
    let run = lab.at(
        &format!("{over} --sequence 2 --imei {CAROL_IMEI} --out d-again.pcbd"),
        T0 + 12 * DAY,
    );
    run.assert_code(2);
    assert!(run.stderr.contains("--sequence 3"), "{}", run.stderr);
    assert!(!lab.exists("d-again.pcbd"));
    // No change given, or changes given with --from/--to: refused.
    let run = lab.at(
        &format!("{over} --sequence 3 --out d-none.pcbd"),
        T0 + 12 * DAY,
    );
    run.assert_code(2);
    assert!(!lab.exists("d-none.pcbd"));
    let run = lab.run(
        "blocklist delta --from a.pcbl --to b.pcbl --imei 356938035640011 \
         --authority register.key --authority-cert register.cert --out d.pcbd",
    );
    run.assert_code(2);
    assert!(!lab.exists("d.pcbd"));
    // A state that holds no list of this register.
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --state empty.pcbs --init",
        T0 + 12 * DAY,
    );
    let run = lab.at(
        &format!(
            "blocklist delta --over empty.pcbs --blocklist-trust register-root.cert \
             --authority register.key --authority-cert register.cert --sequence 3 \
             --imei {CAROL_IMEI} --out d-empty.pcbd"
        ),
        T0 + 12 * DAY,
    );
    run.assert_code(2);
    assert!(run.stderr.contains("holds no list"), "{}", run.stderr);
}
