//! The tool is safe by default and usable by a national register: the
//! stories of issue 9, each driving the real binary, each one a mistake
//! users really make (or a register's real workload).

mod common;

use common::*;

#[test]
fn a_tired_technician_cannot_overwrite_a_secret_key_with_any_command() {
    let lab = Lab::london();
    lab.ok("challenge new --out shop.challenge");
    let root_key = lab.read("acme-root.key");
    let line_key = lab.read("line.key");
    // Every command that writes one file, pointed at a key, even with --force.
    for (line, key) in [
        (
            "part issue --issuer line.key --issuer-cert line.cert --kind battery --serial B-9 \
             --model A1 --out acme-root.key --force",
            "acme-root.key",
        ),
        ("challenge new --out line.key --force", "line.key"),
        (
            "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
             --out acme-root.key --force",
            "acme-root.key",
        ),
        (
            "blocklist new --authority register.key --authority-cert register.cert --sequence 1 \
             --out line.key --force",
            "line.key",
        ),
        (
            "part respond --part-key bob-screen.key --cert bob-screen.cert \
             --challenge shop.challenge --out line.key --force",
            "line.key",
        ),
    ] {
        let run = lab.run(line);
        run.assert_code(1);
        run.assert_one_line_error(&format!("{key} (--out)"), "[error 603 SecretKeyInTheWay]");
        assert!(run.stderr.contains("even with --force"), "{}", run.stderr);
    }
    assert_eq!(lab.read("acme-root.key"), root_key);
    assert_eq!(lab.read("line.key"), line_key);

    // No other file is replaced without --force either.
    let before = lab.read("bob.pair");
    let run = lab.at(
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --part bob-screen.cert --out bob.pair --json",
        T0 + DAY,
    );
    run.assert_code(1);
    let json = run.json();
    assert_eq!(json["error"]["name"], "FileExists");
    assert_eq!(json["error"]["code"], 602);
    assert_eq!(json["error"]["file"], "bob.pair");
    assert_eq!(lab.read("bob.pair"), before);
    lab.ok_at(
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --part bob-screen.cert --out bob.pair --force",
        T0 + DAY,
    );
    assert_ne!(lab.read("bob.pair"), before);
    // A key prefix: neither half is written if either exists.
    lab.write("new-line.cert", b"someone's notes");
    let run = lab.at(
        "authority new --root acme-root.key --root-cert acme-root.cert --role pairing \
         --name 'Acme pairing 2' --out new-line",
        T0,
    );
    run.assert_code(1);
    assert!(!lab.exists("new-line.key"));
    assert_eq!(lab.read("new-line.cert"), b"someone's notes");
    // A new key may replace a key, with --force (the old one is then lost).
    lab.ok_at(
        "root new --name 'Acme root' --manufacturer Acme --out acme-root --force",
        T0,
    );
    assert_ne!(lab.read("acme-root.key"), root_key);
}

#[test]
fn a_secret_key_given_where_a_public_key_or_challenge_belongs_is_refused_by_name() {
    let lab = Lab::london();
    lab.ok("challenge new --out shop.challenge");
    let secret = String::from_utf8(lab.read("alice-screen.key")).unwrap_or_default();
    let seed = secret.lines().last().unwrap_or_default().to_owned();
    assert!(secret.starts_with("partcert secret key v1\n"), "{secret}");
    let public = String::from_utf8(lab.read("alice-screen.pub")).unwrap_or_default();
    assert!(public.starts_with("partcert public key v1\n"), "{public}");

    // The .key where the .pub belongs: the secret seed is never signed into a certificate.
    let run = lab.at(
        "part issue --issuer line.key --issuer-cert line.cert --kind screen --serial S-9 \
         --model A1 --part-key alice-screen.key --out leak.cert",
        T0 + DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error(
        "alice-screen.key (--part-key)",
        "[error 105 WrongObjectType]",
    );
    assert!(
        run.stderr
            .contains("expected a public key, but this is a secret key"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(&seed));
    assert!(!lab.exists("leak.cert"));

    // The .key where a challenge belongs: the seed is never sent as a nonce.
    let run = lab.run(
        "part respond --part-key alice-screen.key --cert alice-screen.cert \
         --challenge alice-screen.key --out leak.response",
    );
    run.assert_code(2);
    run.assert_one_line_error("alice-screen.key (--challenge)", "WrongObjectType");
    assert!(!lab.exists("leak.response"));
    // The .pub where the secret key belongs, and a certificate where a root's key belongs.
    let run = lab.run(
        "part respond --part-key alice-screen.pub --cert alice-screen.cert \
         --challenge shop.challenge --out r.response",
    );
    run.assert_code(2);
    run.assert_one_line_error("alice-screen.pub (--part-key)", "WrongObjectType");
    let run = lab.at(
        "authority new --root acme-root.cert --root-cert acme-root.cert --role pairing \
         --name 'Acme pairing 2' --out p2",
        T0,
    );
    run.assert_code(2);
    run.assert_one_line_error("acme-root.cert (--root)", "WrongObjectType");
    assert!(
        run.stderr
            .contains("expected a secret key, but this is a certificate"),
        "{}",
        run.stderr
    );
    // A challenge where a response belongs.
    let run = lab.shop_verify(
        "--challenge shop.challenge --response shop.challenge",
        "alice-screen.cert",
        T0 + DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error("shop.challenge (--response)", "WrongObjectType");

    // Bare hex, as older versions wrote: refused, with how to label it.
    let hex = public.lines().last().unwrap_or_default().to_owned();
    lab.write("old.pub", format!("{hex}\n").as_bytes());
    let run = lab.at(
        "part issue --issuer line.key --issuer-cert line.cert --kind screen --serial S-9 \
         --model A1 --part-key old.pub --out old.cert",
        T0 + DAY,
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("add the line `partcert public key v1`"),
        "{}",
        run.stderr
    );

    // part respond checks the key is the certificate's.
    let run = lab.run(
        "part respond --part-key bob-screen.key --cert alice-screen.cert \
         --challenge shop.challenge --out clone.response",
    );
    run.assert_code(20);
    run.assert_one_line_error("bob-screen.key (--part-key)", "[error 205 KeyMismatch]");

    // show tells a file's kind by its content, never its name.
    std::fs::copy(lab.path("alice-screen.key"), lab.path("innocent.cert")).expect("copy");
    std::fs::copy(lab.path("acme-root.cert"), lab.path("root.key")).expect("copy");
    std::fs::copy(lab.path("alice-screen.pub"), lab.path("nonce.challenge")).expect("copy");
    std::fs::copy(lab.path("shop.challenge"), lab.path("shop.pub")).expect("copy");
    for (file, kind) in [
        ("innocent.cert", "secret-key"),
        ("root.key", "certificate"),
        ("nonce.challenge", "public-key"),
        ("shop.pub", "challenge"),
        ("old.pub", "unlabelled-hex"),
    ] {
        let json = lab.ok(&format!("show --json {file}")).json();
        assert_eq!(json["type"], kind, "{file}");
    }
    let shown = lab.ok("show innocent.cert").stdout;
    assert!(shown.contains("secret key (not shown)"), "{shown}");
    assert!(!shown.contains(&seed));
    assert!(!lab.ok("show old.pub").stdout.contains(&hex));
}

#[test]
fn a_typo_in_a_state_path_is_refused_instead_of_turning_anti_rollback_off() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    let apply = "blocklist apply --blocklist-trust register-root.cert";
    lab.ok_at(
        &format!("{apply} --rollback-state device.pcrb --init list-1.pcbl"),
        T0 + 10 * DAY,
    );
    lab.ok_at(
        &format!("{apply} --state shop.pcbs --init list-1.pcbl"),
        T0 + 10 * DAY,
    );
    for (flag, typo) in [
        ("--rollback-state", "devcie.pcrb"),
        ("--state", "shpo.pcbs"),
    ] {
        let run = lab.at(&format!("{apply} {flag} {typo} list-1.pcbl"), T0 + 11 * DAY);
        run.assert_code(2);
        run.assert_one_line_error(&format!("{typo} ({flag})"), "[error 604 NoSuchState]");
        assert!(run.stderr.contains("--init"), "{}", run.stderr);
        assert!(!lab.exists(typo), "no new state is created");
    }
    // verify, which never writes, says how to make one.
    let run = lab.shop_verify("--rollback-state devcie.pcrb", "bob-screen.cert", T0 + DAY);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("partcert blocklist apply --rollback-state FILE --init LIST"),
        "{}",
        run.stderr
    );
    let run = lab.shop_verify("--blocklist-state shpo.pcbs", "bob-screen.cert", T0 + DAY);
    run.assert_code(2);
    // --init never silently drops an existing state's marks.
    let before = lab.read("device.pcrb");
    let run = lab.at(
        &format!("{apply} --rollback-state device.pcrb --init list-1.pcbl"),
        T0 + 11 * DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error("device.pcrb", "[error 605 StateExists]");
    assert_eq!(lab.read("device.pcrb"), before);
    lab.run(&format!("{apply} --init list-1.pcbl"))
        .assert_code(2);
    // A new --out state is a new file too.
    let run = lab.at(
        &format!("{apply} --state shop.pcbs --out device.pcrb"),
        T0 + 11 * DAY,
    );
    run.assert_code(1);
    assert_eq!(lab.read("device.pcrb"), before);
}

#[test]
fn issuing_refuses_what_verifiers_refuse_and_times_that_make_no_sense() {
    let lab = Lab::london();
    let issue = "part issue --issuer line.key --issuer-cert line.cert --model A1";
    // A board with no IMEI: the core refuses; the flag is named; exit 2.
    let run = lab.at(
        &format!("{issue} --kind board --serial B-9 --out b.cert"),
        T0,
    );
    run.assert_code(2);
    run.assert_one_line_error("--imei", "[error 111 InvalidField]");
    assert!(!lab.exists("b.cert"));
    // A sequence past what devices accept.
    let run = lab.at(
        &format!("{PUBLISH} --sequence 9007199254740992 --out big.pcbl"),
        T0,
    );
    run.assert_code(2);
    run.assert_one_line_error("--sequence 9007199254740992", "SequenceLeap");
    let run = lab.at(
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --sequence 9007199254740992 --out big.pair",
        T0,
    );
    run.assert_code(2);
    assert!(run.stderr.contains("--sequence"), "{}", run.stderr);

    // --at in milliseconds: a certificate valid from the year 57971.
    let run = lab.run(&format!(
        "{issue} --kind screen --serial S-9 --out ms.cert --at {}",
        T0 * 1000
    ));
    run.assert_code(2);
    run.assert_one_line_error(&format!("--at {}", T0 * 1000), "[error 606 Implausible]");
    assert!(run.stderr.contains("milliseconds"), "{}", run.stderr);
    assert!(
        run.stderr.contains("1767225600 is 2026-01-01 00:00:00 UTC"),
        "{}",
        run.stderr
    );
    assert!(!lab.exists("ms.cert"));
    // ... or an RFC 3339 date, the same second.
    lab.ok(&format!(
        "{issue} --kind screen --serial S-9 --out dated.cert --at 2026-01-01T01:00:00+01:00"
    ));
    let shown = lab.ok("show --json dated.cert").json();
    assert_eq!(shown["validity"]["not_before"], T0 - 3600);
    // Zero days, or three centuries, only when meant.
    for (options, flag) in [
        ("--expires-days 0", "--expires-days 0"),
        ("--expires-days 100000", "--expires-days 100000"),
    ] {
        let run = lab.at(
            &format!("{PUBLISH} --sequence 1 {options} --out x.pcbl"),
            T0,
        );
        run.assert_code(2);
        run.assert_one_line_error(flag, "Implausible");
    }
    let run = lab.at(
        &format!("{issue} --kind screen --serial S-8 --valid-days 0 --out zero.cert"),
        T0,
    );
    run.assert_code(2);
    run.assert_one_line_error("--valid-days 0", "Implausible");
    lab.ok_at(
        &format!("{PUBLISH} --sequence 1 --expires-days 100000 --force --out century.pcbl"),
        T0,
    );
    // A revocation "since" in milliseconds too.
    let run = lab.at(
        &format!(
            "revoke --root acme-root.key --root-cert acme-root.cert --sequence 1 \
             --authority line.cert --since {} --out r.pcrl",
            T0 * 1000
        ),
        T0,
    );
    run.assert_code(2);
    assert!(run.stderr.contains("--since"), "{}", run.stderr);
}

#[test]
fn a_register_lists_a_hundred_thousand_imeis_from_a_file_in_one_command() {
    let lab = Lab::london();
    lab.write("reported.txt", imei_lines(100_000, 0).as_bytes());
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --imeis-from reported.txt --out big.pcbl --json"),
        T0,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["entries"], 100_000);
    assert_eq!(json["counts"]["listed"], 100_000);
    assert!(run.stderr.is_empty(), "no progress bar off a terminal");
    // show streams it.
    let shown = lab.ok("show --json big.pcbl").json();
    assert_eq!(shown["entry_count"], 100_000);
    assert_eq!(shown["entries"].as_array().map(Vec::len), Some(100_000));
    if let Some(peak) = peak_memory_kib(&lab, "show --json big.pcbl") {
        // The list itself is 4 MB on disk and 7 MB decoded; a JSON tree
        // of its entries would take well over 100 MB.
        assert!(peak < 64 * 1024, "show --json peaked at {peak} KiB");
    }

    // From standard input, with comments and blank lines.
    let input = format!(
        "# today's reports\n\n{}  # from the police\n{}\n",
        imei(1),
        imei(2)
    );
    let run = lab.run_with_input(
        &format!("{PUBLISH} --sequence 2 --base big.pcbl --imeis-from - --out next.pcbl --at {T0}"),
        input.as_bytes(),
    );
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("100002 entries (100000 carried over, 2 newly listed"),
        "{}",
        run.stdout
    );
}

/// The peak resident memory of `partcert ARGS`, measured by GNU time, if
/// this machine has it.
fn peak_memory_kib(lab: &Lab, arguments: &str) -> Option<u64> {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("no /usr/bin/time: memory not measured");
        return None;
    }
    let output = std::process::Command::new(time)
        .args(["-f", "peak %M"])
        .arg(PARTCERT)
        .args(words(arguments))
        .current_dir(lab.dir.path())
        .stdout(std::process::Stdio::null())
        .output()
        .expect("time runs");
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .find_map(|line| line.strip_prefix("peak "))
        .and_then(|kib| kib.trim().parse().ok())
}

#[test]
fn every_bad_line_of_an_imei_file_is_reported_and_nothing_is_signed() {
    let lab = Lab::london();
    let text = format!(
        "# reported today\n{}\n356938035643808\n\n{}\nnot-an-imei\n12345678901234\n",
        imei(1),
        imei(2)
    );
    lab.write("reported.txt", text.as_bytes());
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --imeis-from reported.txt --out l.pcbl"),
        T0,
    );
    run.assert_code(2);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with("partcert: reported.txt (--imeis-from): 3 bad lines (of 7)"),
        "{}",
        run.stderr
    );
    assert!(lines[0].contains("nothing was signed"), "{}", run.stderr);
    for number in [3, 6, 7] {
        assert!(
            run.stderr.contains(&format!("reported.txt:{number}: ")),
            "line {number}: {}",
            run.stderr
        );
    }
    assert!(!lab.exists("l.pcbl"));
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --imeis-from reported.txt --out l.pcbl --json"),
        T0,
    );
    let json = run.json();
    assert_eq!(json["error"]["name"], "BadLines");
    let numbers: Vec<u64> = json["error"]["lines"]
        .as_array()
        .map(|lines| lines.iter().filter_map(|l| l["line"].as_u64()).collect())
        .unwrap_or_default();
    assert_eq!(numbers, [3, 6, 7]);
}

#[test]
fn a_registers_counts_are_true_and_nothing_is_dropped_silently() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.write(
        "reports.txt",
        format!("{BOB_IMEI}\n{BOB_IMEI}\n{ALICE_IMEI}\n").as_bytes(),
    );
    // Bob twice, and again on the command line; Alice again, as lost: her
    // listing is changed, and said so.
    let run = lab.at(
        &format!(
            "{PUBLISH} --sequence 2 --base list-1.pcbl --imeis-from reports.txt --imei {BOB_IMEI} \
             --reason lost --delist-imei {CAROL_IMEI} --out list-2.pcbl --json"
        ),
        T0 + 11 * DAY,
    );
    run.assert_code(0);
    let json = run.json();
    let counts = &json["counts"];
    assert_eq!(counts["listed"], 1, "{json}");
    assert_eq!(counts["relisted"], 1, "{json}");
    assert_eq!(counts["duplicates"], 2, "{json}");
    assert_eq!(counts["not_listed"], 1, "{json}");
    assert_eq!(counts["delisted"], 0, "{json}");
    // Alice's board, screen, battery and screen key carried; her IMEI
    // re-listed; Bob's IMEI newly listed.
    assert_eq!(counts["carried"], 4, "{json}");
    assert_eq!(json["entries"], 6);
    assert_eq!(json["not_listed"][0], format!("IMEI {CAROL_IMEI}"));
    let run = lab.at(
        &format!(
            "{PUBLISH} --sequence 3 --base list-2.pcbl --imei {BOB_IMEI} --imei {BOB_IMEI} \
             --reason lost --delist-imei {CAROL_IMEI} --out list-3.pcbl"
        ),
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    for note in [
        "1 already listed as lost: kept as listed, with their original date",
        "1 key(s) were given more than once",
        &format!(
            "1 key(s) to delist were not listed in --base: nothing to delist (IMEI {CAROL_IMEI})"
        ),
    ] {
        assert!(run.stdout.contains(note), "{note}\n{}", run.stdout);
    }
    // Bob's listing kept its first date.
    let shown = lab.ok("show --json list-3.pcbl").json();
    let bob = shown["entries"]
        .as_array()
        .and_then(|entries| {
            entries
                .iter()
                .find(|entry| entry["key"]["imei"] == BOB_IMEI)
                .cloned()
        })
        .unwrap_or_default();
    assert_eq!(bob["listed_at"], T0 + 11 * DAY);
    // Listing and delisting one handset in one command cannot both be
    // meant: the library refuses it (code 113, which replaced the tool's
    // own 608), and the tool names the flags of both sides (exit 2).
    let run = lab.at(
        &format!(
            "{PUBLISH} --sequence 4 --base list-3.pcbl --imei {CAROL_IMEI} \
             --delist-imei {CAROL_IMEI} --out list-4.pcbl"
        ),
        T0 + 12 * DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error(
        "--imei/--imeis-from/--from-pairing and --delist-*",
        "[error 113 Contradiction]",
    );
    assert!(
        run.stderr.contains(&format!(
            "handset IMEI {CAROL_IMEI} is both listed and delisted"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was signed"), "{}", run.stderr);
    assert!(!lab.exists("list-4.pcbl"));
}

/// A part two records pair to different handsets (a harvested screen
/// fitted by a repair) cannot be listed from both: the library refuses a
/// key given twice differently, and the tool names --from-pairing.
#[test]
fn a_part_two_records_pair_to_different_handsets_is_refused_by_name() {
    let lab = Lab::london();
    lab.ok_at(
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --part alice-screen.cert --part bob-battery.cert --sequence 2 --repair --out bob-2.pair",
        T0 + DAY,
    );
    let run = lab.at(
        &format!(
            "{PUBLISH} --sequence 1 --from-pairing alice.pair --from-pairing bob-2.pair \
             --out l.pcbl"
        ),
        T0 + 2 * DAY,
    );
    run.assert_code(2);
    run.assert_one_line_error("--from-pairing", "[error 110 NotCanonical]");
    assert!(run.stderr.contains("is given twice"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was signed"), "{}", run.stderr);
    assert!(!lab.exists("l.pcbl"));
    // Each handset's newest record once: signed.
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 1 --from-pairing bob-2.pair --imei {ALICE_IMEI} --out l.pcbl"
        ),
        T0 + 2 * DAY,
    );
}

/// A delta between two snapshots leads devices to the later one exactly,
/// or is not signed: a listing whose date alone changed (re-listed with
/// another reason in between, then back) cannot be carried by a delta
/// over the first, since a key listed again alike keeps its first listing.
#[test]
fn a_delta_between_snapshots_leads_to_the_later_one_or_is_refused() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 2 --base list-1.pcbl --from-pairing alice.pair --reason lost \
             --out list-2.pcbl"
        ),
        T0 + 11 * DAY,
    );
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 3 --base list-2.pcbl --from-pairing alice.pair --reason stolen \
             --out list-3.pcbl"
        ),
        T0 + 12 * DAY,
    );
    let delta = "blocklist delta --authority register.key --authority-cert register.cert";
    lab.ok(&format!(
        "{delta} --from list-2.pcbl --to list-3.pcbl --out d-2-3.pcbd"
    ));
    let run = lab.at(
        "blocklist apply --blocklist-trust register-root.cert --state shop.pcbs --init --json \
         list-2.pcbl d-2-3.pcbd",
        T0 + 12 * DAY,
    );
    run.assert_code(0);
    let list_3 = lab.ok("show --json list-3.pcbl").json();
    assert_eq!(run.json()["lists"][0]["digest"], list_3["state_digest"]);

    let run = lab.run(&format!(
        "{delta} --from list-1.pcbl --to list-3.pcbl --out d-1-3.pcbd"
    ));
    run.assert_code(2);
    run.assert_one_line_error("list-3.pcbl (--to)", "[error 600 Usage]");
    assert!(run.stderr.contains("nothing was signed"), "{}", run.stderr);
    assert!(!lab.exists("d-1-3.pcbd"));
}

#[test]
fn a_register_lists_every_pairing_record_in_a_folder_or_a_list_file() {
    let lab = Lab::london();
    std::fs::create_dir(lab.path("reports")).expect("a folder");
    for owner in ["alice", "bob"] {
        std::fs::copy(
            lab.path(&format!("{owner}.pair")),
            lab.path(&format!("reports/{owner}.pair")),
        )
        .expect("copy");
    }
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --from-pairing reports --out l1.pcbl --json"),
        T0,
    );
    run.assert_code(0);
    // Two IMEIs and two boards, two screens, two batteries, two screen keys.
    assert_eq!(run.json()["entries"], 10);
    // A list file, relative to its folder, with comments.
    lab.write(
        "reports/today.txt",
        b"# handsets reported today\nalice.pair\n\nbob.pair\n",
    );
    std::fs::rename(lab.path("reports/today.txt"), lab.path("today.txt")).expect("move");
    lab.write(
        "today.txt",
        b"# handsets reported today\nreports/alice.pair\nreports/bob.pair\n",
    );
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --from-pairing today.txt --out l2.pcbl --json"),
        T0,
    );
    run.assert_code(0);
    assert_eq!(run.json()["entries"], 10);
    // A line naming no record, and a folder holding a stray file: all reported.
    lab.write("bad.txt", b"reports/alice.pair\nreports/nobody.pair\n");
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --from-pairing bad.txt --out l3.pcbl"),
        T0,
    );
    run.assert_code(2);
    assert!(run.stderr.contains("bad.txt:2: "), "{}", run.stderr);
    std::fs::copy(lab.path("acme-root.cert"), lab.path("reports/root.cert")).expect("copy");
    let run = lab.at(
        &format!("{PUBLISH} --sequence 1 --from-pairing reports --out l4.pcbl"),
        T0,
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("root.cert (certificate)"),
        "{}",
        run.stderr
    );
    assert!(!lab.exists("l3.pcbl") && !lab.exists("l4.pcbl"));
}

#[test]
fn each_refusal_of_a_list_says_exactly_what_happened() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    lab.ok_at(
        &format!("{PUBLISH} --sequence 2 --base list-1.pcbl --imei {BOB_IMEI} --out list-2.pcbl"),
        T0 + 11 * DAY,
    );
    lab.ok(
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority register.key \
         --authority-cert register.cert --out d-1-2.pcbd",
    );
    let apply = "blocklist apply --blocklist-trust register-root.cert --state shop.pcbs";
    lab.ok_at(
        &format!("{apply} --init list-1.pcbl d-1-2.pcbd"),
        T0 + 11 * DAY,
    );
    // The same delta again: a replay, not a "rollback of #2 to #2".
    let run = lab.at(&format!("{apply} d-1-2.pcbd"), T0 + 12 * DAY);
    run.assert_code(20);
    run.assert_one_line_error("d-1-2.pcbd", "[error 400 Rollback]");
    assert!(
        run.stderr
            .contains("this delta (#1 -> #2) was already applied: the state holds #2"),
        "{}",
        run.stderr
    );
    // An old snapshot: a rollback.
    let run = lab.at(&format!("{apply} list-1.pcbl"), T0 + 12 * DAY);
    run.assert_code(20);
    assert!(
        run.stderr
            .contains("this list is #1, older than #2 already accepted"),
        "{}",
        run.stderr
    );
    // A register this device does not pin.
    lab.ok_at("root new --role blocklist --name Rogue --out rogue", T0);
    lab.ok_at(
        "blocklist new --authority rogue.key --authority-cert rogue.cert --sequence 9 \
         --out rogue.pcbl",
        T0 + DAY,
    );
    let run = lab.at(&format!("{apply} rogue.pcbl"), T0 + 12 * DAY);
    run.assert_code(20);
    assert!(run.stderr.contains("signed by \"Rogue\""), "{}", run.stderr);
    assert!(run.stderr.contains("is not pinned here"), "{}", run.stderr);
    assert!(run.stderr.contains("--blocklist-trust"), "{}", run.stderr);
    // An older revocation list after a newer one.
    for sequence in [1, 2] {
        lab.ok_at(
            &format!(
                "revoke --root acme-root.key --root-cert acme-root.cert --sequence {sequence} \
                 --out r{sequence}.pcrl"
            ),
            T0 + DAY,
        );
    }
    let run = lab.shop_verify(
        "--revocations r2.pcrl --revocations r1.pcrl",
        "bob-screen.cert",
        T0 + 2 * DAY,
    );
    run.assert_code(20);
    run.assert_one_line_error("r1.pcrl (--revocations)", "Rollback");
    assert!(
        run.stderr
            .contains("revocation list #1 is older than #2 of the same root"),
        "{}",
        run.stderr
    );
    // Times are dates, never bare seconds.
    let run = lab.shop_verify("", "bob-screen.cert", T0 + 40 * 365 * DAY);
    run.assert_code(20);
    assert!(
        run.stderr.contains(" UTC (checked at 2065-"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(&(T0 + 40 * 365 * DAY).to_string()));
    // A write that fails names the file asked for, never a temporary file.
    let run = lab.run("challenge new --out no/such/folder/c.challenge");
    run.assert_code(1);
    run.assert_one_line_error("no/such/folder/c.challenge", "[error 601 Io]");
}

#[test]
fn scripts_get_json_they_can_trust() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // Serial numbers are strings: no JSON reader loses digits.
    let run = lab.at(
        "authority new --root acme-root.key --root-cert acme-root.cert --role pairing \
         --name 'Acme pairing 2' --serial-number 18446744073709551615 --out p2 --json",
        T0,
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["certificate"]["serial_number"], "18446744073709551615");
    assert_eq!(json["wrote"][0]["kind"], "secret-key");
    assert_eq!(json["wrote"][1]["file"], "p2.cert");
    let shown = lab.ok("show --json p2.cert").json();
    assert_eq!(shown["serial_number"], "18446744073709551615");
    assert!(lab.ok("show --json acme-root.cert").json()["serial_number"].is_string());

    // ok says the command did its job; verdict is what a script checks.
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --json",
        "alice-screen.cert",
        T0 + 11 * DAY,
    );
    run.assert_code(10);
    let json = run.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["verdict"], "blocked");
    let run = lab.shop_verify(
        "--blocklist list-1.pcbl --json",
        "bob-screen.cert",
        T0 + 11 * DAY,
    );
    assert_eq!(run.json()["verdict"], "clean");
    let run = lab.shop_verify("--json", "bob-board.cert", T0 + 11 * DAY);
    assert_eq!(run.json()["verdict"], "not-checked");
    lab.write("bad.cert", b"PCRT");
    let run = lab.shop_verify("--json", "bad.cert", T0 + 11 * DAY);
    run.assert_code(20);
    assert_eq!(run.json()["verdict"], "untrusted");
    // A usage error's JSON is complete.
    let run = lab.run("verify --json --trust r.cert --at yesterday x.cert");
    run.assert_code(2);
    let json = run.json();
    assert_eq!(json["error"]["code"], 600);
    assert_eq!(json["error"]["kind"], "value-validation");
    assert_eq!(json["error"]["flag"], "--at <WHEN>");
    assert_eq!(json["error"]["value"], "yesterday");
    assert!(
        json["error"]["usage"]
            .as_str()
            .is_some_and(|u| u.starts_with("Usage: partcert verify"))
    );
    // Every signing command speaks JSON (each checked against its schema).
    for line in [
        "challenge new --out c.challenge --json",
        "part keygen --out k --json",
        "part respond --part-key bob-screen.key --cert bob-screen.cert --challenge c.challenge \
         --out r.response --json",
    ] {
        let run = lab.ok(line);
        assert_eq!(run.json()["ok"], true, "{line}");
    }
    for line in [
        "part issue --issuer line.key --issuer-cert line.cert --kind battery --serial B-2 \
         --model A1 --out b2.cert --json",
        "pair --service pairing.key --service-cert pairing.cert --board bob-board.cert \
         --part b2.cert --sequence 2 --repair --out bob-2.pair --json",
        "revoke --root acme-root.key --root-cert acme-root.cert --sequence 1 --out r.pcrl --json",
        "blocklist new --authority register.key --authority-cert register.cert --sequence 2 \
         --base list-1.pcbl --out list-2.pcbl --json",
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority register.key \
         --authority-cert register.cert --out d.pcbd --json",
    ] {
        let time = if line.starts_with("blocklist delta") {
            None
        } else {
            Some(T0 + 11 * DAY)
        };
        let run = match time {
            Some(time) => lab.at(line, time),
            None => lab.run(line),
        };
        run.assert_code(0);
        assert_eq!(run.json()["ok"], true, "{line}");
    }
    // --out - writes the object to standard output, the report to standard error.
    let run = lab.at(
        "part issue --issuer line.key --issuer-cert line.cert --kind battery --serial B-3 \
         --model A1 --out -",
        T0,
    );
    run.assert_code(0);
    assert!(run.stdout.starts_with("PCRT"), "the certificate itself");
    assert!(run.stderr.starts_with("wrote -"), "{}", run.stderr);
    let piped = lab.run_with_input(
        &format!(
            "verify --trust acme-root.cert --chain line.cert --no-blocklist --at {} --json -",
            T0 + DAY
        ),
        &run.raw,
    );
    piped.assert_code(0);
    assert_eq!(piped.json()["details"]["part"]["serial"], "B-3");
    let run = lab.run("challenge new --out - --json");
    run.assert_code(2);
    let run = lab.ok("challenge new --out -");
    assert!(
        run.stdout.starts_with("partcert challenge v1\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_schemas_are_checked_in_for_every_json_output() {
    let outputs = [
        "error",
        "verify",
        "handset-check",
        "blocklist-apply",
        "blocklist-new",
        "blocklist-delta",
        "blocklist-unfollow",
        "blocklist-publish",
        "blocklist-sync",
        "show",
        "root-new",
        "authority-new",
        "part-keygen",
        "part-issue",
        "part-respond",
        "challenge-new",
        "pair",
        "revoke",
        "man",
    ];
    for name in outputs {
        // Compiles, and refuses what no output ever is.
        let refused = std::panic::catch_unwind(|| {
            assert_schema(name, &serde_json::json!({"ok": "maybe"}));
        });
        assert!(refused.is_err(), "{name} accepts anything");
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(schema_dir())
        .expect("cli/schemas")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        // Shared parts: definitions, and the compact snapshot `show` prints.
        .filter(|name| {
            !["defs.schema.json", "compact-snapshot.schema.json"].contains(&name.as_str())
        })
        .collect();
    let refused = std::panic::catch_unwind(|| {
        assert_schema("compact-snapshot", &serde_json::json!({"ok": "maybe"}));
    });
    assert!(refused.is_err(), "compact-snapshot accepts anything");
    on_disk.sort();
    let mut expected: Vec<String> = outputs
        .iter()
        .map(|name| format!("{name}.schema.json"))
        .collect();
    expected.sort();
    assert_eq!(on_disk, expected);
}

#[test]
fn the_global_flags_are_declared_once_and_refused_where_they_mean_nothing() {
    let lab = Lab::london();
    lab.report_alice_stolen();
    // Before or after the command, as with cargo.
    let run = lab.run(&format!(
        "--json --at {} verify --trust acme-root.cert --blocklist-trust register-root.cert \
         --chain line.cert --blocklist list-1.pcbl alice-screen.cert",
        T0 + 11 * DAY
    ));
    run.assert_code(10);
    assert_eq!(run.json()["verdict"], "blocked");
    // A flag that would do nothing is an error, not silently ignored.
    let run = lab.run(&format!("show list-1.pcbl --at {T0}"));
    run.assert_code(2);
    run.assert_one_line_error("--at", "[error 600 Usage]");
    lab.run("part keygen --out k --at 2026-01-01")
        .assert_code(2);
    lab.run("show list-1.pcbl --force").assert_code(2);
    lab.run("show list-1.pcbl --verbose").assert_code(2);
    // The exit codes in every help come from one table.
    let help = lab.ok("--help").stdout;
    for code in ["0 ", "10 ", "11 ", "12 ", "20 ", "2 ", "1 "] {
        assert!(help.contains(&format!("\n  {code}")), "{code}: {help}");
    }
    let help = lab.ok("blocklist apply --help").stdout;
    assert!(
        help.contains("11  every list applied, but a list followed is stale"),
        "{help}"
    );
    assert!(!help.contains("\n  10 "), "{help}");
}

#[test]
fn completions_and_a_man_page_come_from_the_command_definitions() {
    let lab = Lab::new();
    let bash = lab.ok("completions bash").stdout;
    assert!(bash.contains("_partcert()"), "{bash}");
    assert!(bash.contains("--imeis-from"), "every flag is completed");
    let zsh = lab.ok("completions zsh").stdout;
    assert!(zsh.contains("#compdef partcert"), "{zsh}");
    let man = lab.ok("man").stdout;
    assert!(man.contains(".TH partcert"), "{man}");
    assert!(man.contains("blocklist"), "{man}");
    lab.run("completions tcsh").assert_code(2);
}

/// Runs `partcert ARGS` inside a pseudo-terminal (util-linux `script`), so
/// standard error is a terminal.
fn on_a_terminal(lab: &Lab, arguments: &str) -> Option<String> {
    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("no /usr/bin/script: the terminal half of this test is skipped");
        return None;
    }
    let output = std::process::Command::new(script)
        .args([
            "-qec",
            &format!("{PARTCERT} {arguments} > out.json"),
            "/dev/null",
        ])
        .current_dir(lab.dir.path())
        .output()
        .expect("script runs");
    assert!(output.status.success(), "{output:?}");
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn long_list_work_shows_progress_on_a_terminal_and_nothing_in_a_pipe() {
    let lab = Lab::london();
    lab.write("reported.txt", imei_lines(200_000, 0).as_bytes());
    let build =
        format!("{PUBLISH} --sequence 1 --imeis-from reported.txt --out big.pcbl --at {T0}");
    let run = lab.ok(&build);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let run = lab.ok("show big.pcbl");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let Some(screen) = on_a_terminal(&lab, "show --json big.pcbl") else {
        return;
    };
    assert!(screen.contains("writing entries"), "{screen}");
    let Some(screen) = on_a_terminal(&lab, &format!("{build} --force --json")) else {
        return;
    };
    assert!(
        screen.contains("reading reported.txt") || screen.contains("signing the snapshot"),
        "{screen}"
    );
    let Some(screen) = on_a_terminal(
        &lab,
        &format!(
            "blocklist apply --blocklist-trust register-root.cert --at {} --json big.pcbl",
            T0 + DAY
        ),
    ) else {
        return;
    };
    assert!(
        screen.contains("checking and applying big.pcbl"),
        "{screen}"
    );
}
