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
