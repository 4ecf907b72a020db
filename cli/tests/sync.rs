//! A repair shop keeps its blocklist current from the register's
//! repository, served by a real web server (nginx on loopback): `blocklist
//! sync` fetches the head and only what it lacks, and its exit code says
//! whether the shop is current (0), cannot prove it is (11), was served
//! data it refused (20) or could not reach the server (1) — the state
//! untouched in the last two.

mod common;

use common::server::Server;
use common::*;

/// The shop's sync from `url` at `time`.
fn sync(lab: &Lab, url: &str, options: &str, time: u64) -> Run {
    lab.at(
        &format!(
            "blocklist sync {url} --blocklist-trust register-root.cert --state shop.pcbs \
             {options}"
        ),
        time,
    )
}

#[test]
fn a_shop_syncs_the_registers_list_and_then_only_the_days_delta() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok_at(&format!("{PUBLISH_TO_REPO} list-1.pcbl"), T0 + 10 * DAY);
    let server = Server::start(&lab.path("repo"));
    // The shop's first sync starts its state.
    let run = sync(&lab, &server.url, "--init --json", T0 + 10 * DAY + 3_600);
    run.assert_code(0);
    let first = run.json();
    assert_eq!(first["from"], serde_json::Value::Null);
    assert_eq!(first["head"]["sequence"], 1);
    assert_eq!(first["fetched"].as_array().map(Vec::len), Some(1));
    assert_eq!(first["lists"][0]["entries"], 5, "Alice's IMEI and parts");
    let run = lab.shop_verify(
        "--blocklist-state shop.pcbs",
        "alice-screen.cert",
        T0 + 10 * DAY + 3_600,
    );
    run.assert_code(10);
    // A second --init would drop the state's anti-rollback marks.
    let state = lab.read("shop.pcbs");
    let run = sync(&lab, &server.url, "--init", T0 + 10 * DAY + 3_600);
    run.assert_code(2);
    run.assert_one_line_error("shop.pcbs (--state with --init)", "[error 605 StateExists]");
    assert_eq!(lab.read("shop.pcbs"), state);
    // Day 11: Bob's phone is reported; the register publishes the delta.
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 2 --base list-1.pcbl --from-pairing bob.pair --out list-2.pcbl"
        ),
        T0 + 11 * DAY,
    );
    lab.ok(
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority register.key \
         --authority-cert register.cert --out d-1-2.pcbd",
    );
    lab.ok_at(
        &format!("{PUBLISH_TO_REPO} d-1-2.pcbd list-2.pcbl"),
        T0 + 11 * DAY,
    );
    let run = sync(&lab, &server.url, "", T0 + 11 * DAY + 3_600);
    run.assert_code(0);
    assert!(run.stdout.contains("#1 -> #2: 1 file(s)"), "{}", run.stdout);
    assert!(run.stdout.contains(".pcbd: #2"), "{}", run.stdout);
    let run = lab.shop_verify(
        "--blocklist-state shop.pcbs",
        "bob-screen.cert",
        T0 + 11 * DAY + 3_600,
    );
    run.assert_code(10);
    // Nothing new: the head alone is fetched, and the shop is current.
    let run = sync(&lab, &server.url, "--json", T0 + 11 * DAY + 7_200);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["fetched"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["bytes"], json["head"]["bytes"]);
    assert_eq!(json["stale"], false);
}

#[test]
fn a_refused_head_or_an_unreachable_server_leaves_the_state_as_it_was() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok_at(&format!("{PUBLISH_TO_REPO} list-1.pcbl"), T0 + 10 * DAY);
    let url = {
        let server = Server::start(&lab.path("repo"));
        sync(&lab, &server.url, "--init", T0 + 10 * DAY).assert_code(0);
        server.url.clone()
    };
    let state = lab.read("shop.pcbs");
    // The server is gone: a network error, after the retries.
    let run = sync(&lab, &url, "--retries 1 --json", T0 + 10 * DAY + 3_600);
    run.assert_code(1);
    let json = run.json();
    assert_eq!(json["error"]["name"], "Network");
    assert_eq!(json["error"]["code"], 612);
    assert_eq!(json["error"]["family"], "network");
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("(tried 2 times)")),
        "{json}"
    );
    assert_eq!(lab.read("shop.pcbs"), state);
    // A head whose bytes were altered on the way: refused, untouched.
    let mut head = lab.read("repo/head.pchd");
    let last = head.len() - 1;
    head[last] ^= 1;
    lab.write("repo/head.pchd", &head);
    let server = Server::start(&lab.path("repo"));
    let run = sync(&lab, &server.url, "", T0 + 10 * DAY + 3_600);
    run.assert_code(20);
    run.assert_one_line_error(
        &format!("{}/head.pchd", server.url),
        "[error 200 BadSignature]",
    );
    assert_eq!(lab.read("shop.pcbs"), state);
    // An address that serves no repository (a web page): refused by name.
    lab.write("repo/head.pchd", b"<html>Welcome to nginx!</html>");
    let run = sync(&lab, &server.url, "", T0 + 10 * DAY + 3_600);
    run.assert_code(20);
    assert!(run.stderr.contains("no valid head"), "{}", run.stderr);
    assert_eq!(lab.read("shop.pcbs"), state);
    // Not an http(s) address at all: a usage error.
    let run = sync(&lab, "ftp://example.org/repo", "", T0 + 10 * DAY + 3_600);
    run.assert_code(2);
}
