//! What a technician reads (issue 19): every verdict leads with the core's
//! headline and a line saying what to do, the same words `--json` carries;
//! "not checked" has its own exit code unless it is meant; every `--json`
//! object says its format version; `partcert man --out DIR` writes a page
//! per command.

mod common;

use common::*;

/// One verdict a shop can meet, as a command line and the exit it gives.
struct Case {
    kind: &'static str,
    line: String,
    exit: i32,
}

/// The London shop on day 12: Alice's phone is listed stolen, Bob's lost
/// (suspended), a forger's "Acme" screen arrives, and a keyed donor screen
/// answers a challenge.
fn the_shop() -> (Lab, Vec<Case>) {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.report_bob_lost();
    lab.ok("challenge new --out shop.challenge");
    lab.ok(
        "part respond --part-key carol-screen.key --cert carol-screen.cert \
         --challenge shop.challenge --out carol-screen.response",
    );
    lab.forge_acme_line();
    // A certificate cut short in transit.
    let screen = lab.read("carol-screen.cert");
    lab.write("cut-screen.cert", &screen[..screen.len() / 2]);
    lab.ok_at(
        "part issue --issuer forger-line.key --issuer-cert forger-line.cert --kind screen \
         --serial SCREEN-FAKE --manufacturer Acme --model A1 --out fake-screen.cert",
        T0,
    );
    let verify = "verify --trust acme-root.cert --blocklist-trust register-root.cert \
                  --chain line.cert";
    let lists = "--blocklist list-1.pcbl";
    let check = "handset check --trust acme-root.cert --blocklist-trust register-root.cert \
                 --chain line.cert";
    let case = |kind, line: String, exit| Case { kind, line, exit };
    let cases = vec![
        case("blocked", format!("{verify} {lists} alice-screen.cert"), 10),
        case(
            "blocked, suspended",
            format!("{verify} --blocklist list-2.pcbl bob-battery.cert"),
            10,
        ),
        case(
            "stale",
            format!("{verify} {lists} --at 2026-01-20 carol-battery.cert"),
            11,
        ),
        case("not checked", format!("{verify} carol-battery.cert"), 12),
        case(
            "clean, key-proven",
            format!(
                "{verify} {lists} --challenge shop.challenge --response carol-screen.response \
                 carol-screen.cert"
            ),
            0,
        ),
        case(
            "clean, key not challenged",
            format!("{verify} {lists} carol-screen.cert"),
            0,
        ),
        case(
            "clean, serial-only",
            format!("{verify} {lists} carol-battery.cert"),
            0,
        ),
        case(
            "clean, used (paired elsewhere)",
            format!("{verify} {lists} --pairing carol.pair carol-battery.cert"),
            0,
        ),
        case(
            "clean, fitted in this handset",
            format!(
                "{verify} {lists} --pairing carol.pair --on-handset {CAROL_IMEI} \
                 carol-battery.cert"
            ),
            0,
        ),
        case(
            "counterfeit",
            "verify --trust acme-root.cert --chain forger-line.cert fake-screen.cert".to_owned(),
            20,
        ),
        case(
            "cannot tell (no --chain)",
            "verify --trust acme-root.cert --no-blocklist carol-screen.cert".to_owned(),
            20,
        ),
        case(
            "untrusted (expired)",
            "verify --trust acme-root.cert --chain line.cert --no-blocklist --at 2040-01-01 \
             --force carol-screen.cert"
                .to_owned(),
            20,
        ),
        case(
            "untrusted (another handset's record)",
            format!("{verify} {lists} --pairing alice.pair carol-screen.cert"),
            20,
        ),
        case(
            "handset blocked",
            format!("{check} {lists} --pairing alice.pair alice-board.cert alice-screen.cert"),
            10,
        ),
        case(
            "handset whose modem reports another IMEI",
            format!(
                "{check} {lists} --pairing carol.pair --modem-imei {BOB_IMEI} carol-board.cert"
            ),
            20,
        ),
        case(
            "unreadable part certificate",
            format!("{verify} {lists} cut-screen.cert"),
            20,
        ),
        case(
            "handset with a counterfeit part",
            format!("{check} {lists} --pairing carol.pair carol-board.cert fake-screen.cert"),
            20,
        ),
        case(
            "handset repaired (parts differ)",
            format!("{check} {lists} --pairing carol.pair carol-board.cert bob-screen.cert"),
            0,
        ),
        case(
            "handset stale",
            format!(
                "{check} {lists} --at 2026-01-20 --pairing carol.pair carol-board.cert \
                 carol-screen.cert carol-battery.cert"
            ),
            11,
        ),
        case(
            "handset not checked",
            format!(
                "{check} --pairing carol.pair carol-board.cert carol-screen.cert \
                 carol-battery.cert"
            ),
            12,
        ),
        case(
            "handset clean",
            format!(
                "{check} {lists} --pairing carol.pair carol-board.cert carol-screen.cert \
                 carol-battery.cert"
            ),
            0,
        ),
    ];
    (lab, cases)
}

/// The run of a case, at the shop's clock unless the line sets its own.
fn run(lab: &Lab, case: &Case, extra: &str) -> Run {
    let line = format!("{} {extra}", case.line);
    if line.contains("--at ") {
        lab.run(&line)
    } else {
        lab.at(&line, T0 + 12 * DAY)
    }
}

#[test]
fn every_verdict_leads_with_what_it_is_and_what_to_do_in_plain_words() {
    let (lab, cases) = the_shop();
    let mut table = vec![
        "| verdict | first line | what to do |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for case in &cases {
        let json = run(&lab, case, "--json");
        json.assert_code(case.exit);
        let json = json.json();
        let headline = json["headline"].as_str().unwrap_or_default().to_owned();
        let advice = json["advice"].as_str().unwrap_or_default().to_owned();
        assert!(!headline.is_empty(), "{}: {json}", case.kind);
        assert!(!advice.is_empty(), "{}: {json}", case.kind);
        // A verdict's two lines are words, never ids or protocol details.
        for line in [&headline, &advice] {
            assert!(
                !line.contains("2^-41")
                    && !line.contains("key not challenged")
                    && !line
                        .split(|c: char| !c.is_ascii_hexdigit())
                        .any(|word| word.len() >= 16),
                "{}: {line}",
                case.kind
            );
        }
        // A counterfeit says what it claims, and never to trust a root.
        if case.kind.starts_with("counterfeit") || case.kind.contains("counterfeit part") {
            for line in [&headline, &advice] {
                let lower = line.to_lowercase();
                assert!(
                    !lower.contains("pin") && !line.contains("--trust"),
                    "{}: {line}",
                    case.kind
                );
            }
            let hint = json["error"]["hint"].as_str().unwrap_or_default();
            assert!(!hint.contains("pin") && !hint.contains("--trust"), "{hint}");
        }
        if case.kind.starts_with("counterfeit") {
            assert!(
                headline.starts_with(
                    "COUNTERFEIT? — claims to be an Acme screen (serial SCREEN-FAKE), but"
                ),
                "{headline}"
            );
        }
        // The text report's first two lines are the same words.
        let text = run(&lab, case, "");
        text.assert_code(case.exit);
        let mut lines = text.stdout.lines();
        assert_eq!(lines.next(), Some(headline.as_str()), "{}", case.kind);
        assert_eq!(lines.next(), Some(advice.as_str()), "{}", case.kind);
        table.push(format!("| {} | {headline} | {advice} |", case.kind));
    }
    // The table a technician reads (`cargo test -p partcert-cli --test
    // technician -- --nocapture` prints it).
    println!("{}", table.join("\n"));
}

#[test]
fn hex_ids_and_protocol_details_only_under_verbose() {
    let (lab, cases) = the_shop();
    let blocked = &cases[0];
    let part_id = run(&lab, blocked, "--json").json()["details"]["part"]["part_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let plain = run(&lab, blocked, "");
    assert!(!plain.stdout.contains(&part_id), "{}", plain.stdout);
    assert!(!plain.stdout.contains("checked at:"), "{}", plain.stdout);
    assert!(
        !plain.stdout.contains("key not challenged"),
        "{}",
        plain.stdout
    );
    let verbose = run(&lab, blocked, "--verbose");
    verbose.assert_code(10);
    assert!(verbose.stdout.contains(&part_id), "{}", verbose.stdout);
    assert!(verbose.stdout.contains("checked at:"), "{}", verbose.stdout);
    assert!(
        verbose.stdout.contains("key not challenged"),
        "{}",
        verbose.stdout
    );
    // The headline leads either way.
    assert_eq!(plain.stdout.lines().next(), verbose.stdout.lines().next());
}

#[test]
fn a_part_never_checked_against_a_list_does_not_exit_like_a_clean_one() {
    let lab = Lab::london();
    let verify = "verify --trust acme-root.cert --chain line.cert";
    // A script that checks only the exit code no longer fits a part it never
    // checked: "not checked" exits 12.
    let run = lab.at(&format!("{verify} bob-battery.cert"), T0 + DAY);
    run.assert_code(12);
    let json = lab
        .at(&format!("{verify} --json bob-battery.cert"), T0 + DAY)
        .json();
    assert_eq!(json["exit_code"], 12);
    assert_eq!(json["verdict"], "not-checked");
    // Said to be meant: exit 0, and the verdict still says "not-checked".
    let run = lab.at(
        &format!("{verify} --no-blocklist bob-battery.cert"),
        T0 + DAY,
    );
    run.assert_code(0);
    assert!(run.stdout.starts_with("NOT CHECKED — "), "{}", run.stdout);
    let json = lab
        .at(
            &format!("{verify} --no-blocklist --json bob-battery.cert"),
            T0 + DAY,
        )
        .json();
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["verdict"], "not-checked");
    // The same for a whole handset.
    let check = "handset check --trust acme-root.cert --chain line.cert --pairing bob.pair \
                 bob-board.cert bob-screen.cert bob-battery.cert";
    lab.at(check, T0 + DAY).assert_code(12);
    lab.at(&format!("{check} --no-blocklist"), T0 + DAY)
        .assert_code(0);
    // --no-blocklist with a list is a contradiction: a usage error.
    lab.report_alice_stolen();
    lab.at(
        &format!(
            "{verify} --blocklist-trust register-root.cert --blocklist list-1.pcbl \
             --no-blocklist bob-battery.cert"
        ),
        T0 + 12 * DAY,
    )
    .assert_code(2);
    // Every help text has the code.
    let help = lab.ok("--help").stdout;
    assert!(
        help.contains("12  verify, handset check: genuine, but not checked"),
        "{help}"
    );
    let help = lab.ok("verify --help").stdout;
    assert!(help.contains("--no-blocklist"), "{help}");
}

#[test]
fn every_json_object_says_its_format_version() {
    let lab = Lab::london();
    // Run::json checks `format_version` on every object the tests read;
    // here a success, a verdict, a refusal, a usage error and a `show`.
    for (line, code) in [
        ("challenge new --out c.challenge --json", 0),
        (
            "verify --trust acme-root.cert --chain line.cert --no-blocklist --at 2026-01-02 --json bob-screen.cert",
            0,
        ),
        (
            "verify --trust acme-root.cert --at 2026-01-02 --json bob-screen.cert",
            20,
        ),
        ("verify --json --no-such-flag", 2),
        ("show --json bob-screen.cert", 0),
        ("show --json nothing-here.cert", 1),
    ] {
        let run = lab.run(line);
        run.assert_code(code);
        let json: serde_json::Value = serde_json::from_str(run.stdout.trim())
            .unwrap_or_else(|e| panic!("{line}: {e}: {}", run.stdout));
        assert_eq!(json["format_version"], 1, "{line}: {json}");
        assert_eq!(json["exit_code"], code, "{line}: {json}");
    }
    let shown = lab.ok("show --json bob-screen.cert").json();
    assert_eq!(shown["ok"], true);
    assert_eq!(shown["exit_code"], 0);
}

#[test]
fn man_writes_a_page_for_every_command() {
    let lab = Lab::new();
    let run = lab.run("man --out pages --json");
    run.assert_code(0);
    let pages = run.json()["pages"].as_array().cloned().unwrap_or_default();
    for page in [
        "partcert.1",
        "partcert-verify.1",
        "partcert-handset-check.1",
        "partcert-blocklist-apply.1",
        "partcert-blocklist-sync.1",
        "partcert-show.1",
        "partcert-man.1",
    ] {
        let path = lab.path("pages").join(page);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(text.starts_with(".ie"), "{page}: a roff page");
        assert!(
            pages
                .iter()
                .any(|p| p.as_str().is_some_and(|p| p.ends_with(page))),
            "{page} reported"
        );
    }
    let verify = std::fs::read_to_string(lab.path("pages/partcert-verify.1")).unwrap_or_default();
    assert!(verify.contains("no\\-blocklist"), "{verify}");
    // The pages are not replaced without --force; with it they are.
    lab.run("man --out pages").assert_code(1);
    lab.run("man --out pages --force").assert_code(0);
    // Without --out, the main page goes to standard output, as before.
    assert!(lab.ok("man").stdout.starts_with(".ie"));
}
