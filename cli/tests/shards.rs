//! A phone or a repair app that cannot hold the national list checks a
//! part against the register's repository (nginx on loopback): `verify
//! --blocklist-repo URL` fetches the head and the one or two shards the
//! part's keys lie in, and the verdict reads as with the whole list —
//! Alice's harvested screen BLOCKED, Bob's donor screen clean — while the
//! server's log shows it was asked for a few kilobytes, never for a key.

mod common;

use common::server::Server;
use common::*;

/// The register publishes Alice's report to its repository with shards.
fn register_with_shards(lab: &Lab, options: &str) {
    lab.report_alice_stolen();
    lab.ok_at(
        &format!("{PUBLISH_TO_REPO} --shards {options} list-1.pcbl"),
        T0 + 10 * DAY,
    );
}

#[test]
fn alices_screen_reads_blocked_and_bobs_clean_through_shards_of_the_registers_repository() {
    let lab = Lab::london();
    register_with_shards(&lab, "--shard-bits 6");
    assert_eq!(
        lab.files_under("repo/shards").len(),
        64,
        "{:?}",
        lab.files_under("repo")
    );
    let server = Server::start(&lab.path("repo"));
    let now = T0 + 10 * DAY + 3_600;
    let repo = format!("--blocklist-repo {}", server.url);

    let run = lab.shop_verify(&format!("{repo} --json"), "alice-screen.cert", now);
    run.assert_code(10);
    let json = run.json();
    assert!(
        json["headline"].as_str().unwrap().starts_with("BLOCKED"),
        "{json}"
    );
    let fetched = &json["shards_fetched"][0];
    assert_eq!(fetched["sequence"], 1);
    assert_eq!(fetched["shard_bits"], 6);
    let shards = fetched["shards"].as_array().unwrap();
    assert!(!shards.is_empty() && shards.len() <= 2, "{fetched}");
    assert!(fetched["bytes"].as_u64().unwrap() < 4_096, "{fetched}");
    assert_schema("verify", &json);

    // The same verdict as a shop holding the whole list.
    let whole = lab.shop_verify("--blocklist list-1.pcbl --json", "alice-screen.cert", now);
    assert_eq!(whole.json()["details"], json["details"]);

    let run = lab.shop_verify(&repo, "bob-screen.cert", now);
    run.assert_code(0);
    assert!(run.stdout.starts_with("OK — genuine"), "{}", run.stdout);
    let run = lab.shop_verify(&format!("{repo} --verbose"), "bob-screen.cert", now);
    assert!(
        run.stdout.contains("checked through ")
            && run.stdout.contains("the server learned only which 1/2^6"),
        "{}",
        run.stdout
    );

    // The server saw the head and shard files: paths that name slices of
    // the key space, never an IMEI or a part.
    let log = server.access_log();
    assert!(log.contains("GET /head.pchd"), "{log}");
    assert!(log.contains("/shards/"), "{log}");
    assert!(
        !log.contains(ALICE_IMEI) && !log.contains("lists/"),
        "{log}"
    );
}

#[test]
fn a_handset_checks_itself_through_shards_and_a_repository_without_shards_is_refused() {
    let lab = Lab::london();
    register_with_shards(&lab, "");
    let server = Server::start(&lab.path("repo"));
    let now = T0 + 10 * DAY + 3_600;
    let run = lab.at(
        &format!(
            "handset check alice-board.cert alice-screen.cert alice-battery.cert --pairing \
             alice.pair --trust acme-root.cert --blocklist-trust register-root.cert --chain \
             line.cert --blocklist-repo {} --json",
            server.url
        ),
        now,
    );
    run.assert_code(10);
    let json = run.json();
    assert!(
        json["shards_fetched"][0]["shards"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );

    // Later publishes keep cutting shards; the older cut stays one round.
    lab.report_bob_lost();
    lab.ok_at(
        &format!("{PUBLISH_TO_REPO} list-2.pcbl --json"),
        T0 + 11 * DAY,
    );
    let run = lab.shop_verify(
        &format!("--blocklist-repo {}", server.url),
        "bob-screen.cert",
        T0 + 11 * DAY + 3_600,
    );
    run.assert_code(10);

    // A repository published without shards: said, not read as clean.
    let plain = Lab::london();
    plain.report_alice_stolen();
    plain.ok_at(&format!("{PUBLISH_TO_REPO} list-1.pcbl"), T0 + 10 * DAY);
    let server = Server::start(&plain.path("repo"));
    let run = plain.shop_verify(
        &format!("--blocklist-repo {}", server.url),
        "bob-screen.cert",
        now,
    );
    run.assert_code(20);
    assert!(run.stderr.contains("serves no shards"), "{}", run.stderr);
}
