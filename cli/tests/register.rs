//! A register's accidents, refused before anything reaches a device (issue
//! 18): an empty IMEI export, a truncated one that would delist 40 % of
//! the list, a delta built over a mirror that missed a day, and a root key
//! about to be replaced by a part key — and the repository `blocklist
//! publish` keeps: content-addressed lists under a head written last.

mod common;

use common::*;

/// Every file of the repository, with its bytes.
fn repository(lab: &Lab) -> Vec<(String, Vec<u8>)> {
    lab.files_under("repo")
        .into_iter()
        .map(|file| {
            let bytes = lab.read(&format!("repo/{file}"));
            (file, bytes)
        })
        .collect()
}

/// Runs `line` at `time`: refused with exit code `exit`, its message
/// saying `says`, and the repository left exactly as it was.
fn refused_untouched(lab: &Lab, line: &str, time: u64, exit: i32, says: &str) -> Run {
    let before = repository(lab);
    let run = lab.at(line, time);
    run.assert_code(exit);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains(says), "{said}");
    assert!(repository(lab) == before, "the repository is untouched");
    run
}

/// The IMEIs of the export: `count` handsets from the first.
fn export(lab: &Lab, name: &str, count: u64) {
    lab.write(name, imei_lines(count, 0).as_bytes());
}

#[test]
fn an_empty_imei_export_signs_nothing() {
    let lab = Lab::register();
    // The nightly export job failed and left an empty file behind.
    lab.write("export.txt", b"");
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --imeis-from export.txt --out list-1.pcbl"),
        T0 + DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error("export.txt (--imeis-from)", "[error 611 EmptyInput]");
    assert!(run.stderr.contains("holds no IMEI"), "{}", run.stderr);
    assert!(!lab.exists("list-1.pcbl"));
    // Only its header and comments survived: still nothing to list.
    lab.write("export.txt", b"# national export 2026-01-02\n\n# rows: 0\n");
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --imeis-from export.txt --out list-1.pcbl --json"),
        T0 + DAY,
    );
    run.assert_code(2);
    let json = run.json();
    assert_eq!(json["error"]["name"], "EmptyInput");
    assert_eq!(json["error"]["file"], "export.txt");
    assert!(!lab.exists("list-1.pcbl"));
    // A register that means to list nothing says so by giving no export.
    lab.ok_at(
        &format!("{PUBLISH} --sequence 1 --out list-1.pcbl"),
        T0 + DAY,
    );
}

#[test]
fn a_truncated_export_that_would_delist_forty_percent_is_refused_unless_the_count_is_confirmed() {
    let lab = Lab::register();
    // Day 1: ten thousand handsets, published; every device holds them.
    export(&lab, "export-1.txt", 10_000);
    lab.ok_at(
        &format!("{PUBLISH} --sequence 1 --imeis-from export-1.txt --out list-1.pcbl"),
        T0 + DAY,
    );
    lab.ok_at(&format!("{PUBLISH_TO_REPO} list-1.pcbl"), T0 + DAY);
    // Day 2: the export was cut short at 6,000 lines. `blocklist new`
    // cannot tell (a full export each night, no --base) ...
    export(&lab, "export-2.txt", 6_000);
    lab.ok_at(
        &format!("{PUBLISH} --sequence 2 --imeis-from export-2.txt --out list-2.pcbl"),
        T0 + 2 * DAY,
    );
    // ... but the repository knows what devices hold.
    let run = refused_untouched(
        &lab,
        &format!("{PUBLISH_TO_REPO} list-2.pcbl"),
        T0 + 2 * DAY,
        20,
        "would delist 4000 of the 10000 keys devices hold",
    );
    run.assert_one_line_error("list-2.pcbl", "[error 407 MassDelisting]");
    assert!(
        run.stderr.contains("--allow-delisting 4000"),
        "{}",
        run.stderr
    );
    // A count that is not the true one confirms nothing.
    let run = refused_untouched(
        &lab,
        &format!("{PUBLISH_TO_REPO} list-2.pcbl --allow-delisting 3999 --json"),
        T0 + 2 * DAY,
        20,
        "MassDelisting",
    );
    assert_eq!(run.json()["error"]["code"], 407);
    // The operator checked: 4,000 handsets really were found.
    let run = lab.ok_at(
        &format!("{PUBLISH_TO_REPO} list-2.pcbl --allow-delisting 4000 --json"),
        T0 + 2 * DAY,
    );
    let json = run.json();
    assert_eq!(json["added"][0]["delisted"], 4000);
    assert_eq!(json["head"]["sequence"], 2);
}

#[test]
fn a_delist_file_naming_the_whole_export_is_refused_by_blocklist_new_itself() {
    let lab = Lab::register();
    export(&lab, "export-1.txt", 10_000);
    lab.ok_at(
        &format!("{PUBLISH} --sequence 1 --imeis-from export-1.txt --out list-1.pcbl"),
        T0 + DAY,
    );
    // The day's found handsets should be a few; the script handed over the
    // first 4,000 lines of the full export instead.
    export(&lab, "found.txt", 4_000);
    let next = format!(
        "{PUBLISH} --sequence 2 --base list-1.pcbl --delist-imeis-from found.txt --out list-2.pcbl"
    );
    let run = lab.at(&next, T0 + 2 * DAY);
    run.assert_code(20);
    run.assert_one_line_error("list-1.pcbl (--base)", "[error 407 MassDelisting]");
    assert!(
        run.stderr
            .contains("would delist 4000 of the 10000 keys --base lists"),
        "{}",
        run.stderr
    );
    assert!(!lab.exists("list-2.pcbl"));
    // A day's few found handsets (1 % or less) need no confirmation.
    export(&lab, "found.txt", 100);
    lab.ok_at(&next, T0 + 2 * DAY);
    std::fs::remove_file(lab.path("list-2.pcbl")).expect("removed");
    // Confirmed with the exact count, the mass delisting is signed.
    export(&lab, "found.txt", 4_000);
    let run = lab.ok_at(
        &format!("{next} --allow-delisting 4000 --json"),
        T0 + 2 * DAY,
    );
    assert_eq!(run.json()["counts"]["delisted"], 4000);
    assert_eq!(run.json()["entries"], 6000);
    // The confirmation means nothing without a base to delist from.
    let run = lab.at(
        &format!("{PUBLISH} --sequence 3 --allow-delisting 4 --out list-3.pcbl"),
        T0 + 3 * DAY,
    );
    run.assert_code(2);
}

/// Day 1 of a register that keeps a mirror of what devices hold: a
/// snapshot of two handsets, published and applied to the mirror.
fn register_with_mirror() -> Lab {
    let lab = Lab::register();
    lab.ok_at(
        &format!("{PUBLISH} --sequence 1 --imei {ALICE_IMEI} --imei {BOB_IMEI} --out list-1.pcbl"),
        T0 + DAY,
    );
    lab.ok_at(&format!("{PUBLISH_TO_REPO} list-1.pcbl"), T0 + DAY);
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --state mirror.pcbs --init \
         list-1.pcbl",
        T0 + DAY,
    );
    lab
}

/// The register's delta over a mirror state: the day's changes.
fn delta_over(mirror: &str, sequence: u64, changes: &str, out: &str) -> String {
    format!(
        "blocklist delta --over {mirror} --blocklist-trust register-root.cert \
         --authority register.key --authority-cert register.cert --sequence {sequence} \
         {changes} --out {out}"
    )
}

#[test]
fn a_delta_over_a_mirror_that_missed_a_day_is_refused_naming_both_versions() {
    let lab = register_with_mirror();
    // Last night's backup of the mirror, restored by mistake tomorrow.
    std::fs::copy(lab.path("mirror.pcbs"), lab.path("backup.pcbs")).expect("copied");
    // Day 2: a delta over the mirror, published, and the mirror follows.
    lab.ok_at(
        &delta_over(
            "mirror.pcbs --repo repo",
            2,
            &format!("--imei {CAROL_IMEI}"),
            "d-2.pcbd",
        ),
        T0 + 2 * DAY,
    );
    lab.ok_at(&format!("{PUBLISH_TO_REPO} d-2.pcbd"), T0 + 2 * DAY);
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --state mirror.pcbs d-2.pcbd",
        T0 + 2 * DAY,
    );
    // Day 3, over the restored backup: it missed day 2.
    let day3 = delta_over(
        "backup.pcbs --repo repo",
        3,
        "--imei 353918050000013",
        "d-3.pcbd",
    );
    let run = lab.at(&day3, T0 + 3 * DAY);
    run.assert_code(20);
    run.assert_one_line_error("backup.pcbs (--over)", "[error 402 DeltaBaseMismatch]");
    assert!(
        run.stderr
            .contains("it holds #1, the repository's head serves #2"),
        "{}",
        run.stderr
    );
    assert!(!lab.exists("d-3.pcbd"), "nothing was signed");
    // Without --repo the delta is signed, and publishing is where it stops:
    // no device would ever see a list it must refuse.
    lab.ok_at(
        &delta_over("backup.pcbs", 3, "--imei 353918050000013", "d-3.pcbd"),
        T0 + 3 * DAY,
    );
    let run = refused_untouched(
        &lab,
        &format!("{PUBLISH_TO_REPO} d-3.pcbd"),
        T0 + 3 * DAY,
        20,
        "the repository serves #2",
    );
    run.assert_one_line_error("d-3.pcbd", "[error 402 DeltaBaseMismatch]");
    // Caught up with day 2, the backup builds day 3 as it should.
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --state backup.pcbs d-2.pcbd",
        T0 + 3 * DAY,
    );
    lab.ok_at(&day3.replace("d-3.pcbd", "d-3b.pcbd"), T0 + 3 * DAY);
    lab.ok_at(&format!("{PUBLISH_TO_REPO} d-3b.pcbd"), T0 + 3 * DAY);
}

#[test]
fn a_delta_reports_a_never_listed_delisting_and_the_lists_true_total() {
    let lab = register_with_mirror();
    let never = "353918050000013";
    let run = lab.ok_at(
        &delta_over(
            "mirror.pcbs --repo repo",
            2,
            &format!("--imei {CAROL_IMEI} --delist-imei {never} --delist-imei {BOB_IMEI}"),
            "d-2.pcbd",
        ),
        T0 + 2 * DAY,
    );
    assert!(
        run.stdout.contains(&format!(
            "1 key(s) to delist were not listed in the list mirror.pcbs holds: nothing to \
             delist (IMEI {never})"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("the list then holds 2 entries"),
        "{}",
        run.stdout
    );
    std::fs::remove_file(lab.path("d-2.pcbd")).expect("removed");
    let run = lab.ok_at(
        &delta_over(
            "mirror.pcbs --repo repo",
            2,
            &format!("--imei {CAROL_IMEI} --delist-imei {never} --delist-imei {BOB_IMEI} --json"),
            "d-2.pcbd",
        ),
        T0 + 2 * DAY,
    );
    let json = run.json();
    assert_eq!(json["entries"], 2);
    assert_eq!(json["counts"]["delisted"], 1);
    assert_eq!(json["counts"]["listed"], 1);
    assert_eq!(json["counts"]["not_listed"], 1);
    assert_eq!(json["not_listed"][0], format!("IMEI {never}"));
    assert_eq!(json["removals"], 1, "only the listed handset is removed");
}

#[test]
fn a_registers_root_key_about_to_be_replaced_by_a_part_key_is_kept() {
    let lab = Lab::register();
    let root_key = lab.read("register-root.key");
    assert!(
        String::from_utf8_lossy(&root_key).contains("\n# role: blocklist-root\n"),
        "a key file records its role"
    );
    // A technician generating a part key in the register's folder.
    let run = lab.run("part keygen --out register-root --force");
    run.assert_code(1);
    run.assert_one_line_error("register-root.key (--out)", "[error 603 SecretKeyInTheWay]");
    assert!(
        run.stderr
            .contains("holds a blocklist-root secret key; refusing to replace it with a part key"),
        "{}",
        run.stderr
    );
    assert_eq!(lab.read("register-root.key"), root_key);
    assert!(!lab.exists("register-root.pub"));
    // Nor by another authority's key, or a maker's root.
    for line in [
        "authority new --root register-root.key --root-cert register-root.cert \
         --role blocklist --name 'Publisher 2' --out register-root --force",
        "root new --name 'Acme root' --manufacturer Acme --out register-root --force",
    ] {
        let run = lab.at(line, T0);
        run.assert_code(1);
        assert!(
            run.stderr.contains("603 SecretKeyInTheWay"),
            "{}",
            run.stderr
        );
        assert_eq!(lab.read("register-root.key"), root_key);
    }
    // A key file written before files recorded their role says it in its
    // label: it is still recognised.
    let older: String = String::from_utf8_lossy(&root_key)
        .lines()
        .filter(|line| !line.starts_with("# role:"))
        .map(|line| format!("{line}\n"))
        .collect();
    lab.write("register-root.key", older.as_bytes());
    let run = lab.run("part keygen --out register-root --force");
    run.assert_code(1);
    assert!(
        run.stderr.contains("holds a blocklist-root secret key"),
        "{}",
        run.stderr
    );
    // A new root of the same role may replace it, with --force.
    lab.ok_at(
        "root new --role blocklist --name 'National register' --out register-root --force",
        T0,
    );
    assert_ne!(lab.read("register-root.key"), older.as_bytes());
}

#[test]
fn a_repository_grows_by_content_addressed_lists_under_a_head_written_last() {
    let lab = Lab::register();
    lab.ok_at(
        &format!("{PUBLISH} --sequence 1 --imei {ALICE_IMEI} --out list-1.pcbl"),
        T0 + DAY,
    );
    lab.ok_at(
        &format!("{PUBLISH} --sequence 2 --base list-1.pcbl --imei {BOB_IMEI} --out list-2.pcbl"),
        T0 + 2 * DAY,
    );
    lab.ok(
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority register.key \
         --authority-cert register.cert --out d-1-2.pcbd",
    );
    // A repository starts with a snapshot: a delta alone creates nothing.
    let run = lab.at(&format!("{PUBLISH_TO_REPO} d-1-2.pcbd"), T0 + DAY);
    run.assert_code(20);
    assert!(!lab.exists("repo"));
    // The first publish creates the folder.
    let run = lab.ok_at(&format!("{PUBLISH_TO_REPO} list-1.pcbl --json"), T0 + DAY);
    let first = run.json();
    let path = first["added"][0]["path"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        path.starts_with("lists/") && path.ends_with(".pcbl"),
        "{path}"
    );
    assert_eq!(lab.read(&format!("repo/{path}")), lab.read("list-1.pcbl"));
    assert_eq!(first["head"]["snapshot"]["path"], path.as_str());
    assert_eq!(first["head"]["expires_at"], T0 + DAY + 24 * 3_600);
    assert_eq!(
        first["wrote"]
            .as_array()
            .and_then(|w| w.last())
            .map(|w| &w["kind"]),
        Some(&serde_json::json!("repository-head"))
    );
    // Day 2: the delta and the new snapshot; the head names both, and
    // day 1's file stays for a device mid-read.
    let run = lab.ok_at(
        &format!("{PUBLISH_TO_REPO} d-1-2.pcbd list-2.pcbl --head-expires-hours 6 --json"),
        T0 + 2 * DAY,
    );
    let second = run.json();
    assert_eq!(second["head"]["sequence"], 2);
    assert_eq!(second["head"]["deltas"][0]["from_sequence"], 1);
    assert_eq!(second["head"]["expires_at"], T0 + 2 * DAY + 6 * 3_600);
    assert_eq!(
        lab.files_under("repo").len(),
        4,
        "{:?}",
        lab.files_under("repo")
    );
    assert!(lab.exists(&format!("repo/{path}")));
    // An older list again: a device holds a later one, so it is refused
    // as a rollback would be, and the repository stays as it is.
    refused_untouched(
        &lab,
        &format!("{PUBLISH_TO_REPO} list-1.pcbl"),
        T0 + 2 * DAY,
        20,
        "the repository serves #2",
    );
    // Another register's list has no place here.
    lab.ok_at(
        "root new --role blocklist --name 'Operator' --out operator-root",
        T0,
    );
    lab.ok_at(
        &format!(
            "blocklist new --authority operator-root.key --authority-cert operator-root.cert \
             --sequence 3 --imei {CAROL_IMEI} --out operator.pcbl"
        ),
        T0 + 2 * DAY,
    );
    refused_untouched(
        &lab,
        &format!("{PUBLISH_TO_REPO} operator.pcbl"),
        T0 + 2 * DAY,
        2,
        "401 WrongAuthority",
    );
    // With no list, the head is signed afresh: same lists, later expiry.
    let run = lab.ok_at(&format!("{PUBLISH_TO_REPO} --json"), T0 + 3 * DAY);
    let fresh = run.json();
    assert_eq!(fresh["head"]["sequence"], 2);
    assert_eq!(fresh["head"]["issued_at"], T0 + 3 * DAY);
    // A list file damaged on the server's disk is found before anything
    // new is published.
    let snapshot = fresh["head"]["snapshot"]["path"]
        .as_str()
        .unwrap_or_default();
    let mut damaged = lab.read(&format!("repo/{snapshot}"));
    damaged[100] ^= 1;
    lab.write(&format!("repo/{snapshot}"), &damaged);
    refused_untouched(&lab, PUBLISH_TO_REPO, T0 + 4 * DAY, 20, "206 FileMismatch");
}
