//! The stories of issue 15 ("trust rules II"), driving the real binary: a
//! date from the future decides nothing, a repair never erases a part's
//! past, a device can stop following a register, and a listed handset
//! stays blocked whatever record it comes with.

mod common;

use common::*;
use serde_json::{Value, json};

/// About a year, in seconds.
const YEAR: u64 = 365 * DAY;
/// The largest sequence devices accept (2^53-1): where a thief signs.
const TOP_SEQUENCE: u64 = (1 << 53) - 1;

/// `show --json FILE`'s key id of a root: a root is its own issuer.
fn root_key_id(lab: &Lab, root: &str) -> String {
    lab.ok(&format!("show --json {root}")).json()["issuer"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// An operator runs its own register and lists Carol's handset (fraud) on
/// day 10; the shop saves the national list and the operator's on day 10.
fn shop_following_an_operator(lab: &Lab) {
    lab.report_alice_stolen();
    lab.ok_at(
        "root new --role blocklist --name 'Operator register' --out operator",
        T0,
    );
    lab.ok_at(
        &format!(
            "blocklist new --authority operator.key --authority-cert operator.cert --sequence 1 \
             --imei {CAROL_IMEI} --reason fraud --out operator-1.pcbl"
        ),
        T0 + 10 * DAY,
    );
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --blocklist-trust operator.cert \
         --state shop.pcbs --init list-1.pcbl operator-1.pcbl",
        T0 + 10 * DAY,
    );
}

#[test]
fn a_thiefs_future_dated_wipe_reads_stale_and_the_roots_correction_through_a_two_year_publisher_is_accepted()
 {
    let lab = Lab::london();
    lab.report_alice_stolen();
    let apply = "blocklist apply --blocklist-trust register-root.cert";
    // Two devices of each kind: one will be given the revocation list, one not.
    for device in ["a-plain", "a-told", "b-plain", "b-told"] {
        lab.ok_at(
            &format!("{apply} --state {device}.pcbs --init list-1.pcbl"),
            T0 + 10 * DAY,
        );
    }

    // Day 11: a thief holding the publisher's key delists Alice's handset
    // at the top sequence, dated nine years ahead (inside the stolen
    // certificate's ten years), confirming the count the mass-delisting
    // guard asks for (it stops accidents, not a key holder). Devices "a"
    // take it; devices "b" never do.
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence {TOP_SEQUENCE} --base list-1.pcbl --delist-pairing alice.pair \
             --allow-delisting 5 --out thief.pcbl"
        ),
        T0 + 9 * YEAR,
    );
    for device in ["a-plain", "a-told"] {
        let run = lab.at(
            &format!("{apply} --state {device}.pcbs --json thief.pcbl"),
            T0 + 11 * DAY,
        );
        run.assert_code(11);
        assert_eq!(
            run.json()["lists"][0]["stale_reason"],
            json!({"kind": "future-dated", "issued_at": T0 + 9 * YEAR})
        );
    }
    // Alice's harvested screen no longer reads clean there: the wipe is
    // dated after the device's clock, so it reads stale (exit 11).
    let run = lab.shop_verify(
        "--blocklist-state a-plain.pcbs",
        "alice-screen.cert",
        T0 + 11 * DAY,
    );
    run.assert_code(11);
    assert!(
        run.stdout.starts_with(
            "NOT SURE — genuine Acme screen SCREEN-ALICE, not listed, but the blocklist is out \
             of date\nDo not rely on it yet: check this computer's clock"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "\"National register\" #9007199254740991 stale: dated after this device's clock \
             (issued 2034-12-30 00:00:00 UTC, more than 24 hours ahead: this device's clock may be \
             behind, or the list is misdated"
        ),
        "{}",
        run.stdout
    );
    // A device given the thief's list directly reads the same.
    lab.shop_verify("--blocklist thief.pcbl", "alice-screen.cert", T0 + 11 * DAY)
        .assert_code(11);

    // Day 12, the README's recovery: the root revokes the stolen key and
    // certifies a short-lived publisher (two years) for epoch 1, which
    // republishes the honest list.
    lab.ok_at(
        "revoke --root register-root.key --root-cert register-root.cert --sequence 1 \
         --authority register.cert --out register-revoked.pcrl",
        T0 + 12 * DAY,
    );
    lab.ok_at(
        "authority new --root register-root.key --root-cert register-root.cert \
         --role blocklist --name 'Register publisher 2' --epoch 1 --valid-days 730 \
         --out register-e1",
        T0 + 12 * DAY,
    );
    lab.ok_at(
        "blocklist new --authority register-e1.key --authority-cert register-e1.cert \
         --epoch 1 --sequence 1 --base list-1.pcbl --out list-e1-1.pcbl",
        T0 + 12 * DAY,
    );

    // Every device accepts it, with or without the revocation list: the
    // ones that took the thief's list, the ones that never saw it, and new
    // ones. From then on the thief's date decides nothing.
    for device in [
        "a-plain", "a-told", "b-plain", "b-told", "c-plain", "c-told",
    ] {
        let told = device.ends_with("told");
        let revocations = if told {
            "--revocations register-revoked.pcrl"
        } else {
            ""
        };
        let init = if device.starts_with('c') {
            "--init"
        } else {
            ""
        };
        let run = lab.at(
            &format!("{apply} {revocations} --state {device}.pcbs {init} --json list-e1-1.pcbl"),
            T0 + 12 * DAY,
        );
        run.assert_code(0);
        let json = run.json();
        assert_eq!(json["lists"][0]["epoch"], 1, "device {device}");
        assert_eq!(json["lists"][0]["sequence"], 1, "device {device}");
        assert_eq!(json["lists"][0]["stale"], false, "device {device}");
        assert_eq!(
            json["lists"][0]["checked_at"],
            T0 + 12 * DAY,
            "device {device}"
        );
        let shop = format!("--blocklist-state {device}.pcbs {revocations}");
        let run = lab.shop_verify(
            &format!("{shop} --verbose"),
            "alice-screen.cert",
            T0 + 13 * DAY,
        );
        run.assert_code(10);
        assert!(
            run.stdout
                .contains("\"National register\" list #1 of epoch 1: matched part"),
            "device {device}: {}",
            run.stdout
        );
        let run = lab.shop_verify(&format!("{shop} --json"), "bob-screen.cert", T0 + 13 * DAY);
        run.assert_code(0);
        assert_eq!(run.json()["verdict"], "clean", "device {device}");
    }
}

#[test]
fn a_makers_revocation_list_from_the_future_does_not_expire_its_parts() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // Acme's root signs a revocation list dated eleven years ahead: past
    // the ten years its factory line is certified for.
    lab.ok_at(
        "revoke --root acme-root.key --root-cert acme-root.cert --sequence 1 --out acme.pcrl",
        T0 + 11 * YEAR,
    );
    // The part's clock moves by the tolerance (a day) at most: the donor
    // screen is genuine and the register's list current.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --revocations acme.pcrl --pairing bob.pair --json",
        "bob-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["summary"], "genuine (key not challenged), used, clean");
    assert_eq!(json["details"]["checked_at"], T0 + 13 * DAY);
    assert_eq!(json["details"]["blocklist"]["lists"][0]["stale"], false);
    // The handset check agrees.
    let run = lab.at(
        &format!(
            "handset check --trust acme-root.cert --chain line.cert \
             --blocklist-trust register-root.cert --blocklist list-1.pcbl \
             --revocations acme.pcrl --pairing bob.pair --modem-imei {BOB_IMEI} --json \
             bob-board.cert bob-screen.cert bob-battery.cert"
        ),
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "clean");
    assert_eq!(json["all_original_and_clean"], true);
    assert_eq!(json["checked_at"], T0 + 13 * DAY);
}

#[test]
fn a_shop_unfollows_an_operator_and_keeps_the_registers_list() {
    let lab = Lab::london();
    shop_following_an_operator(&lab);
    let both = "--blocklist-trust register-root.cert --blocklist-trust operator.cert";
    let verify = format!(
        "verify --trust acme-root.cert --chain line.cert {both} --blocklist-state shop.pcbs"
    );
    lab.at(&format!("{verify} carol-board.cert"), T0 + 12 * DAY)
        .assert_code(10);

    // The operator turns rogue: the shop stops following it.
    lab.write("kept.pcbs", &lab.read("shop.pcbs"));
    let run = lab.ok(
        "blocklist unfollow --state shop.pcbs --authority-cert operator.cert \
         --blocklist-trust register-root.cert",
    );
    let operator = root_key_id(&lab, "operator.cert");
    let register = root_key_id(&lab, "register-root.cert");
    for line in [
        format!(
            "no longer following register \"Operator register\" (root key {operator}): its list \
             #1 and anti-rollback mark dropped"
        ),
        format!("still following \"National register\" (root key {register}) at list #1"),
        "saved to shop.pcbs".to_owned(),
    ] {
        assert!(run.stdout.contains(&line), "{line}\n{}", run.stdout);
    }
    // The same in --json, on the copy kept.
    let run = lab.ok(
        "blocklist unfollow --state kept.pcbs --authority-cert operator.cert \
         --blocklist-trust register-root.cert --out unfollowed.pcbs --json",
    );
    let json = run.json();
    assert_eq!(
        json["unfollowed"],
        json!([{"authority": operator, "authority_name": "Operator register", "epoch": 0,
                "sequence": 1}])
    );
    assert_eq!(json["following"][0]["authority"], register);
    assert_eq!(json["wrote"][0]["file"], "unfollowed.pcbs");
    assert_eq!(lab.read("unfollowed.pcbs"), lab.read("shop.pcbs"));

    // With the operator unpinned, the register's list still blocks Alice's
    // screen, and a clean part reads clean: no "stale: missing" for the
    // operator, nothing dropped on the way.
    let verify = "--blocklist-state shop.pcbs --json";
    let run = lab.shop_verify(verify, "alice-screen.cert", T0 + 12 * DAY);
    run.assert_code(10);
    assert_eq!(run.json()["dropped"], json!([]));
    let run = lab.shop_verify(verify, "bob-screen.cert", T0 + 12 * DAY);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["verdict"], "clean");
    assert_eq!(
        json["details"]["blocklist"]["lists"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(run.stderr, "");

    // Unfollowing it again is refused loudly, and the state is kept.
    let state = lab.read("shop.pcbs");
    let run = lab.run(
        "blocklist unfollow --state shop.pcbs --authority-cert operator.cert \
         --blocklist-trust register-root.cert",
    );
    run.assert_code(2);
    run.assert_one_line_error("shop.pcbs (--state)", "[error 610 NotFollowed]");
    assert!(run.stderr.contains("does not follow"), "{}", run.stderr);
    assert_eq!(lab.read("shop.pcbs"), state);

    // Naming the operator without the register's root would drop the
    // register too: refused, nothing written.
    let run = lab.run("blocklist unfollow --state kept.pcbs --authority-cert operator.cert");
    run.assert_code(2);
    run.assert_one_line_error("kept.pcbs (--blocklist-trust)", "[error 600 Usage]");
    assert!(run.stderr.contains(&register), "{}", run.stderr);
    // A maker's root is no register.
    let run = lab.run(
        "blocklist unfollow --state kept.pcbs --authority-cert acme-root.cert \
         --blocklist-trust register-root.cert",
    );
    run.assert_code(2);
    run.assert_one_line_error("acme-root.cert (--authority-cert)", "RoleNotPermitted");

    // A device keeping only anti-rollback marks unfollows by key id.
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --blocklist-trust operator.cert \
         --rollback-state marks.pcrb --init list-1.pcbl operator-1.pcbl",
        T0 + 10 * DAY,
    );
    let run = lab.ok(&format!(
        "blocklist unfollow --rollback-state marks.pcrb --key {operator} --json"
    ));
    assert_eq!(run.json()["unfollowed"][0]["authority"], operator);
    let run = lab.shop_verify(
        "--rollback-state marks.pcrb --blocklist list-1.pcbl --json",
        "bob-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["dropped"], json!([]));
}

#[test]
fn a_state_loaded_with_fewer_blocklist_roots_reports_the_register_it_dropped() {
    let lab = Lab::london();
    shop_following_an_operator(&lab);
    let operator = root_key_id(&lab, "operator.cert");
    let register = root_key_id(&lab, "register-root.cert");
    let note = format!(
        "partcert: note: shop.pcbs (--blocklist-state): no longer following register {operator}: \
         its root is not given with --blocklist-trust"
    );

    // verify and handset check, given only the national root: the
    // operator's list is dropped and said so, on standard error and in
    // --json, and the national list still answers.
    let run = lab.shop_verify(
        "--blocklist-state shop.pcbs",
        "bob-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    assert!(run.stderr.starts_with(&note), "{}", run.stderr);
    let run = lab.shop_verify(
        "--blocklist-state shop.pcbs --json",
        "alice-screen.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    assert_eq!(run.json()["dropped"], json!([operator]));
    let run = lab.at(
        "handset check --trust acme-root.cert --chain line.cert \
         --blocklist-trust register-root.cert --blocklist-state shop.pcbs --json \
         --pairing bob.pair bob-board.cert bob-screen.cert bob-battery.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["dropped"], json!([operator]));
    assert!(run.stderr.starts_with(&note), "{}", run.stderr);

    // blocklist apply with fewer roots saves the state without it.
    let run = lab.at(
        "blocklist apply --blocklist-trust register-root.cert --state shop.pcbs --json",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["dropped"], json!([operator]));
    let followed: Vec<&Value> = json["lists"]
        .as_array()
        .map(|lists| lists.iter().map(|list| &list["authority"]).collect())
        .unwrap_or_default();
    assert_eq!(followed, [&json!(register)]);
    assert!(
        run.stderr.starts_with(&format!(
            "partcert: note: shop.pcbs (--state): no longer following register {operator}"
        )),
        "{}",
        run.stderr
    );
    // Given both roots again, the operator is no longer followed.
    let run = lab.at(
        "blocklist apply --blocklist-trust register-root.cert --blocklist-trust operator.cert \
         --state shop.pcbs --json",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    assert_eq!(run.json()["dropped"], json!([]));
    assert_eq!(run.json()["lists"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_repair_after_a_line_key_leak_keeps_the_board_genuine_with_its_earlier_records() {
    let lab = Lab::london();
    // Day 20: Acme's line 3 key leaks; Acme revokes it since that day.
    lab.ok_at(
        &format!(
            "revoke --root acme-root.key --root-cert acme-root.cert --sequence 1 \
             --authority line.cert --since {} --out line-revoked.pcrl",
            T0 + 20 * DAY
        ),
        T0 + 20 * DAY,
    );
    // Day 25: a forger holding the key mints a screen.
    lab.ok_at(
        "part issue --issuer line.key --issuer-cert line.cert --kind screen \
         --serial SCREEN-FAKE --model A1 --manufacturer Acme --out fake-screen.cert",
        T0 + 25 * DAY,
    );
    let pair = "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
                --part bob-battery.cert --sequence 2 --repair";
    let check = "--revocations line-revoked.pcrl --json";

    // Day 30: Bob's screen is swapped for Carol's. Signed from this record
    // alone, the repair dates every part "now", after the leak: Bob's own
    // board would read untrusted.
    lab.ok_at(
        &format!("{pair} --part carol-screen.cert --out bob-2-alone.pair"),
        T0 + 30 * DAY,
    );
    let run = lab.shop_verify(
        &format!("{check} --pairing bob-2-alone.pair"),
        "bob-board.cert",
        T0 + 31 * DAY,
    );
    run.assert_code(20);
    assert_eq!(run.json()["error"]["code"], 304);

    // With the handset's previous record and the donor's, verified against
    // Acme's root, each part keeps its first pairing (day 0).
    let previous = "--previous bob.pair --previous carol.pair --trust acme-root.cert \
                    --revocations line-revoked.pcrl";
    let run = lab.at(
        &format!("{pair} --part carol-screen.cert {previous} --out bob-2.pair"),
        T0 + 30 * DAY,
    );
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("keeps its first pairing, 2026-01-01 00:00:00 UTC"),
        "{}",
        run.stdout
    );
    let run = lab.at(
        &format!("{pair} --part carol-screen.cert {previous} --json --out bob-2-again.pair"),
        T0 + 30 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["previous"], json!(["bob.pair", "carol.pair"]));
    let firsts: Vec<&Value> = json["first_paired"]
        .as_array()
        .map(|parts| parts.iter().map(|part| &part["first_paired"]).collect())
        .unwrap_or_default();
    assert_eq!(firsts, [&json!(T0); 3]);
    let shown = lab.ok("show bob-2.pair").stdout;
    assert!(
        shown.contains("first paired 2026-01-01 00:00:00 UTC"),
        "{shown}"
    );

    // Bob's board, his battery and Carol's screen: genuine, made before
    // their line's key was revoked.
    for part in ["bob-board.cert", "bob-battery.cert", "carol-screen.cert"] {
        let run = lab.shop_verify(
            &format!("{check} --pairing bob-2.pair --no-blocklist"),
            part,
            T0 + 31 * DAY,
        );
        run.assert_code(0);
        let json = run.json();
        assert!(
            json["summary"]
                .as_str()
                .is_some_and(|s| s.ends_with("made before its line's key was revoked")),
            "{part}: {json}"
        );
        assert_eq!(json["details"]["issuer_revoked_since"], T0 + 20 * DAY);
        assert_eq!(json["details"]["provenance"]["first_paired"], T0);
        assert_eq!(json["details"]["provenance"]["paired_at"], T0 + 30 * DAY);
    }
    let run = lab.shop_verify(
        "--revocations line-revoked.pcrl --pairing bob-2.pair --no-blocklist",
        "bob-board.cert",
        T0 + 31 * DAY,
    );
    run.assert_code(0);
    for line in [
        "REVOKED:",
        "made before its line's key was revoked",
        "first paired 2026-01-01 00:00:00 UTC",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }

    // The forger's screen has no past to carry: earlier records place it
    // nowhere, so it stays untrusted.
    lab.ok_at(
        &format!("{pair} --part fake-screen.cert {previous} --out bob-3.pair"),
        T0 + 30 * DAY,
    );
    let run = lab.shop_verify(
        &format!("{check} --pairing bob-3.pair"),
        "fake-screen.cert",
        T0 + 31 * DAY,
    );
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "IssuerRevoked");

    // An earlier record is checked: one signed under a root not given to
    // --trust is refused by name, and nothing is written.
    lab.ok_at(
        "root new --name 'Bolt root' --manufacturer Bolt --out bolt-root",
        T0,
    );
    let run = lab.at(
        &format!(
            "{pair} --part carol-screen.cert --previous bob.pair --trust bolt-root.cert \
             --out bob-4.pair"
        ),
        T0 + 30 * DAY,
    );
    run.assert_code(20);
    run.assert_one_line_error("bob.pair (--previous)", "[error 201 UnknownIssuer]");
    assert!(!lab.exists("bob-4.pair"));
    // --previous needs the roots to check it against.
    let run = lab.at(
        &format!("{pair} --part carol-screen.cert --previous bob.pair --out bob-4.pair"),
        T0 + 30 * DAY,
    );
    run.assert_code(2);
    assert!(!lab.exists("bob-4.pair"));
}

/// A thief dresses Alice's listed handset with a rival maker's pairing
/// record. (A record naming Acme's own board signed by a rival's service,
/// code 307, cannot be made with the tool: the issuing API refuses it, so
/// the core's tests forge it. Here the rival's record is refused as what
/// the tool can make it: unknown to the shop (201), or not listing the
/// board (306).) Blocked wins, and the refusal is shown beside it.
#[test]
fn a_listed_handset_with_a_rival_makers_record_stays_blocked_and_shows_the_refusal() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // Bolt, a rival maker, certifies boards that carry Alice's and Bob's
    // IMEIs, and pairs them through its own service.
    lab.ok_at(
        "root new --name 'Bolt root' --manufacturer Bolt --out bolt-root",
        T0,
    );
    lab.ok_at(
        "authority new --root bolt-root.key --root-cert bolt-root.cert --role part-issuer \
         --name 'Bolt line 1' --kinds board --out bolt-line",
        T0,
    );
    lab.ok_at(
        "authority new --root bolt-root.key --root-cert bolt-root.cert --role pairing \
         --name 'Bolt pairing' --out bolt-pairing",
        T0,
    );
    for (owner, imei) in [("alice", ALICE_IMEI), ("bob", BOB_IMEI)] {
        let tag = owner.to_uppercase();
        lab.ok_at(
            &format!(
                "part issue --issuer bolt-line.key --issuer-cert bolt-line.cert --kind board \
                 --serial BOLT-{tag} --model B1 --imei {imei} --out bolt-{owner}-board.cert"
            ),
            T0 + 11 * DAY,
        );
        lab.ok_at(
            &format!(
                "pair --service bolt-pairing.key --service-cert bolt-pairing.cert \
                 --board bolt-{owner}-board.cert --sequence 7 --repair --out {owner}-bolt.pair"
            ),
            T0 + 11 * DAY,
        );
    }
    let check = "handset check --trust acme-root.cert --chain line.cert \
                 --blocklist-trust register-root.cert --blocklist list-1.pcbl";

    // The handset check: the record is refused (the shop does not pin
    // Bolt), the handset is named by its fitted board and modem, and it is
    // blocked (exit 10) with the refusal reported.
    let alice = format!(
        "{check} --modem-imei {ALICE_IMEI} --pairing alice-bolt.pair alice-board.cert \
         alice-screen.cert"
    );
    let run = lab.at(&format!("{alice} --json"), T0 + 12 * DAY);
    run.assert_code(10);
    let json = run.json();
    assert_eq!(json["verdict"], "blocked");
    assert_eq!(json["handset_imeis"], json!([ALICE_IMEI]));
    assert_eq!(json["pairing_refused"]["code"], 201);
    assert_eq!(json["pairing_refused"]["name"], "UnknownIssuer");
    assert_eq!(json["parts"][0]["verdict"], "blocked");
    let run = lab.at(&alice, T0 + 12 * DAY);
    run.assert_code(10);
    for expected in [
        "  the handset itself: BLOCKED: stolen\n",
        "  the pairing record was refused: unknown issuer ",
        "[error 201 UnknownIssuer]; blocked wins: the handset is named by its fitted board \
         and modem, and its parts were checked without the record",
        "parts as its record lists: no: its parts differ from its record",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    // Blocked and the parts' record are said apart: never "clean: no: blocklisted".
    for expected in [
        "BLOCKED — this handset is listed as stolen\n",
        "alice-board.cert: BLOCKED — Acme board BOARD-ALICE is listed as stolen\n",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }

    // The board alone with that record: blocked, the refusal beside it.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --pairing alice-bolt.pair",
        "alice-board.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    assert!(
        run.stdout
            .starts_with("BLOCKED — Acme board BOARD-ALICE is listed as stolen\n"),
        "{}",
        run.stdout
    );
    for expected in [
        "  REFUSED:    the pairing record given was refused: unknown issuer ",
        "[error 201 UnknownIssuer]; blocked wins, so it was checked without the record\n",
        "  paired to:  unknown: the pairing record given was refused\n",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    // A shop pinning Bolt too: the record verifies, but does not list
    // Acme's board. Still blocked, the refusal's code beside it.
    let run = lab.shop_verify(
        "--trust bolt-root.cert --blocklist list-1.pcbl --pairing alice-bolt.pair --json",
        "alice-board.cert",
        T0 + 12 * DAY,
    );
    run.assert_code(10);
    let json = run.json();
    assert_eq!(json["verdict"], "blocked");
    assert_eq!(
        json["details"]["pairing_refused"],
        json!({"code": 306, "name": "PartNotInPairingRecord", "family": "policy",
               "message": "the pairing record does not list this part"})
    );
    assert_eq!(json["details"]["provenance"], Value::Null);

    // Bob's clean handset with Bolt's record: the refusal is the answer.
    let run = lab.at(
        &format!("{check} --pairing bob-bolt.pair --json bob-board.cert"),
        T0 + 12 * DAY,
    );
    run.assert_code(20);
    let json = run.json();
    assert_eq!(json["verdict"], "untrusted");
    assert_eq!(json["error"]["code"], 201);
}

#[test]
fn a_part_from_a_retired_line_lives_on_with_its_makers_record() {
    let lab = Lab::london();
    // Acme certifies line 9 for thirty days only, then retires it.
    lab.ok_at(
        "authority new --root acme-root.key --root-cert acme-root.cert --role part-issuer \
         --name 'Acme line 9' --kinds screen --valid-days 30 --out line9",
        T0,
    );
    lab.ok_at(
        "part issue --issuer line9.key --issuer-cert line9.cert --kind screen \
         --serial SCREEN-DAVE --model A1 --manufacturer Acme --out dave-screen.cert",
        T0 + DAY,
    );
    lab.ok_at(
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --part dave-screen.cert --part bob-battery.cert --sequence 2 --repair \
         --out bob-2.pair",
        T0 + 2 * DAY,
    );
    let verify = "verify --trust acme-root.cert --chain line9.cert";
    // Day 60: the line's certificate has ended. Alone, the screen is refused.
    let run = lab.at(&format!("{verify} --json dave-screen.cert"), T0 + 60 * DAY);
    run.assert_code(20);
    assert_eq!(run.json()["error"]["name"], "Expired");
    // Its own maker's record places it inside the line's years: genuine.
    let run = lab.at(
        &format!("{verify} --pairing bob-2.pair --no-blocklist --json dave-screen.cert"),
        T0 + 60 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(
        json["summary"],
        "genuine (serial-only), used, blocklist not checked, made before its line retired"
    );
    // Certificates start an hour early (clock skew), so end an hour early too.
    assert_eq!(json["details"]["issuer_retired_at"], T0 + 30 * DAY - 3600);
    let run = lab.at(
        &format!("{verify} --pairing bob-2.pair dave-screen.cert"),
        T0 + 60 * DAY,
    );
    run.assert_code(12);
    assert!(
        run.stdout
            .contains("RETIRED:    made before its line retired, 2026-01-30 23:00:00 UTC"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_part_listed_by_more_registers_than_a_lookup_reads_says_the_rest_were_not_read() {
    let lab = Lab::london();
    // Twenty-two registers each list Alice's handset: with its pairing
    // record her screen matches three keys in each (IMEI, part, key), 66
    // listings, past the 64 one lookup reads.
    let mut options = String::from("--pairing alice.pair --json");
    for number in 1..=22 {
        lab.ok_at(
            &format!("root new --role blocklist --name 'Register {number}' --out reg-{number}"),
            T0,
        );
        lab.ok_at(
            &format!(
                "blocklist new --authority reg-{number}.key --authority-cert reg-{number}.cert \
                 --sequence 1 --from-pairing alice.pair --out reg-{number}.pcbl"
            ),
            T0 + 10 * DAY,
        );
        options.push_str(&format!(
            " --blocklist-trust reg-{number}.cert --blocklist reg-{number}.pcbl"
        ));
    }
    let run = lab.shop_verify(&options, "alice-screen.cert", T0 + 11 * DAY);
    run.assert_code(10);
    let json = run.json();
    let blocklist = &json["details"]["blocklist"];
    assert_eq!(blocklist["capped"], true);
    assert_eq!(blocklist["listings"].as_array().map(Vec::len), Some(64));
    let text = options.replace(" --json", "");
    let run = lab.shop_verify(&text, "alice-screen.cert", T0 + 11 * DAY);
    run.assert_code(10);
    assert!(
        run.stdout
            .contains("BLOCKED:    and more listings not read (a lookup reads at most 64)"),
        "{}",
        run.stdout
    );
    // One register's list alone is read whole.
    let run = lab.shop_verify(
        "--pairing alice.pair --blocklist-trust reg-1.cert --blocklist reg-1.pcbl --json",
        "alice-screen.cert",
        T0 + 11 * DAY,
    );
    run.assert_code(10);
    assert_eq!(run.json()["details"]["blocklist"]["capped"], false);
}
