//! A shop's national list kept beside its state (issue 17): `blocklist
//! apply --state` writes the small state file and each compact list in a
//! file of its own in `<state>.lists/`, which `verify` maps and checks as
//! it reads it, never re-reading the whole list. A list file someone
//! altered after it was applied never answers clean: the verify that reads
//! the damage is refused (206), and so is one given another register's
//! list in its place.

mod common;

use std::path::PathBuf;

use common::*;

/// The list files kept beside `state` in `lab`.
fn list_files(lab: &Lab, state: &str) -> Vec<PathBuf> {
    let folder = lab.path(&state.replace(".pcbs", ".lists"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// A register's compact list #2 (Alice's handset and its parts, Carol's
/// handset), applied by a shop into `shop.pcbs`.
fn shop_holding_a_compact_list() -> Lab {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 2 --base list-1.pcbl --imei {CAROL_IMEI} --compact \
             --out list-2.pcbc"
        ),
        T0 + 10 * DAY,
    );
    lab.at(
        "blocklist apply --blocklist-trust register-root.cert --state shop.pcbs --init \
         list-2.pcbc",
        T0 + 11 * DAY,
    )
    .assert_code(0);
    lab
}

#[test]
fn a_shops_compact_list_is_kept_in_its_own_file_and_used_in_place() {
    let lab = shop_holding_a_compact_list();
    let files = list_files(&lab, "shop.pcbs");
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].extension().is_some_and(|e| e == "pccs"),
        "{files:?}"
    );
    // The list file is the snapshot as the register signed it.
    assert_eq!(
        std::fs::read(&files[0]).expect("list file"),
        lab.read("list-2.pcbc")
    );

    // The harvested screen is blocked and the donor's is clean, answered
    // from the mapped list.
    let state = "--blocklist-state shop.pcbs";
    lab.shop_verify(state, "alice-screen.cert", T0 + 12 * DAY)
        .assert_code(10);
    lab.shop_verify(state, "bob-screen.cert", T0 + 12 * DAY)
        .assert_code(0);

    // Applying it again rewrites the state, keeps the one list file.
    lab.at(
        "blocklist apply --blocklist-trust register-root.cert --state shop.pcbs list-2.pcbc",
        T0 + 12 * DAY,
    );
    assert_eq!(list_files(&lab, "shop.pcbs"), files);
}

#[test]
fn a_list_file_altered_after_it_was_applied_never_answers_clean() {
    let lab = shop_holding_a_compact_list();
    let files = list_files(&lab, "shop.pcbs");
    // Someone flips every byte of the list past its header: every key the
    // verify reads is in a block that no longer matches what was applied.
    let mut bytes = std::fs::read(&files[0]).expect("list file");
    let header = bytes.len().saturating_sub(64).min(512);
    for byte in &mut bytes[header..] {
        *byte ^= 0x5a;
    }
    std::fs::write(&files[0], &bytes).expect("alter");

    let state = "--blocklist-state shop.pcbs --json";
    for screen in ["alice-screen.cert", "bob-screen.cert"] {
        let run = lab.shop_verify(state, screen, T0 + 12 * DAY);
        assert_ne!(run.code, 0, "{screen}: {}", run.stdout);
        assert_ne!(run.code, 10, "{screen}: {}", run.stdout);
        let text = format!("{}{}", run.stdout, run.stderr);
        assert!(text.contains("206"), "{screen}: {text}");
    }
}

#[test]
fn another_list_in_place_of_the_one_applied_is_refused_at_load() {
    let lab = shop_holding_a_compact_list();
    // The register's next list, #3, copied over the file #2 was saved in.
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 3 --base list-1.pcbl --imei {CAROL_IMEI} --imei {BOB_IMEI} \
             --compact --out list-3.pcbc"
        ),
        T0 + 12 * DAY,
    );
    let files = list_files(&lab, "shop.pcbs");
    std::fs::write(&files[0], lab.read("list-3.pcbc")).expect("replace");
    let run = lab.shop_verify(
        "--blocklist-state shop.pcbs",
        "bob-screen.cert",
        T0 + 12 * DAY,
    );
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(run.stderr.contains("206"), "{}", run.stderr);
}

#[test]
fn show_of_a_saved_state_lists_the_registers_it_follows_and_what_it_holds() {
    let lab = shop_holding_a_compact_list();
    // The shop follows an operator's register too, by a sorted list.
    lab.ok_at(
        "root new --role blocklist --name 'Operator register' --out operator",
        T0,
    );
    lab.ok_at(
        "blocklist new --authority operator.key --authority-cert operator.cert --sequence 1 \
         --imei 353918050000013 --reason fraud --out operator-1.pcbl",
        T0 + 10 * DAY,
    );
    lab.at(
        "blocklist apply --blocklist-trust register-root.cert --blocklist-trust operator.cert \
         --state shop.pcbs operator-1.pcbl",
        T0 + 11 * DAY,
    )
    .assert_code(0);

    // With the roots given: each register's list, version, dates and counts.
    let run = lab
        .ok("show --blocklist-trust register-root.cert --blocklist-trust operator.cert shop.pcbs");
    let text = &run.stdout;
    assert!(text.contains("following 2 register(s)"), "{text}");
    assert!(
        text.contains("\"National register\" (register ")
            && text
                .contains("compact list #2 with 6 entries, 0 change(s) since its compact snapshot"),
        "{text}"
    );
    assert!(
        text.contains("\"Operator register\" (register ")
            && text.contains("sorted list #1 with 1 entries"),
        "{text}"
    );
    let json = lab
        .ok("show --json --blocklist-trust register-root.cert --blocklist-trust operator.cert shop.pcbs")
        .json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["followed"], 2);
    let registers = json["registers"].as_array().cloned().unwrap_or_default();
    let register = |name: &str| {
        registers
            .iter()
            .find(|r| r["authority_name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {json}"))
    };
    let national = register("National register");
    assert_eq!(national["format"], "compact");
    assert_eq!(national["sequence"], 2);
    assert_eq!(national["epoch"], 0);
    assert_eq!(national["entry_count"], 6);
    assert_eq!(national["issued_at"], T0 + 10 * DAY);
    let operator = register("Operator register");
    assert_eq!(operator["format"], "sorted");
    assert_eq!(operator["entry_count"], 1);

    // Without the roots: the registers followed, named by key id; nothing
    // of a list is shown as if trusted.
    let json = lab.ok("show --json shop.pcbs").json();
    assert_eq!(json["followed"], 2);
    assert_eq!(json["registers"], serde_json::json!([]));
    assert_eq!(json["roots_not_given"].as_array().map(Vec::len), Some(2));
    let text = lab.ok("show shop.pcbs").stdout;
    assert!(
        text.contains("give its root with --blocklist-trust"),
        "{text}"
    );
    // --blocklist-trust means nothing for another kind of file.
    lab.run("show --blocklist-trust operator.cert list-2.pcbc")
        .assert_code(2);
}
