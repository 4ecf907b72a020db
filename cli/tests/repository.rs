//! A register's repository served by a real web server (nginx on
//! loopback, `scripts/serve.sh`), and the devices that sync from it, told
//! as what they meet (issue 18): a month of daily syncs, two months
//! offline, a frozen mirror, files of two days mixed, a file cut short and
//! one that never ends, a server that trickles, a file missing in the
//! middle of a chain, and the head replaced while a device reads. Each
//! asserts the exit code and what the device's state then holds.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::Server;
use common::*;
use serde_json::Value;

const HOUR: u64 = 3_600;

/// A register publishing a day's list to its repository `repo`: a
/// national export of 300 handsets on day 1, then each day one handset
/// reported and (from day 6) the one reported four days before found.
struct Register {
    lab: Lab,
    day: u64,
    /// `--delta-window-days`.
    window_days: u64,
    /// The head the last publish signed (`--json`).
    head: Value,
}

/// A handset reported on `day`.
fn reported(day: u64) -> String {
    imei(36_000_000_000_000 + day)
}

impl Register {
    /// Day 1: the export, signed and published.
    fn open(lab: Lab, window_days: u64) -> Self {
        lab.write("export.txt", imei_lines(300, 0).as_bytes());
        lab.ok_at(
            &format!("{PUBLISH} --sequence 1 --imeis-from export.txt --out list-1.pcbl"),
            T0 + DAY,
        );
        let mut register = Register {
            lab,
            day: 1,
            window_days,
            head: Value::Null,
        };
        register.publish(&["list-1.pcbl".to_owned()]);
        register
    }

    fn publish(&mut self, lists: &[String]) {
        let run = self.lab.ok_at(
            &format!(
                "{PUBLISH_TO_REPO} --delta-window-days {} {} --json",
                self.window_days,
                lists.join(" ")
            ),
            T0 + self.day * DAY,
        );
        self.head = run.json()["head"].clone();
    }

    /// The next day's list: the delta published, and the snapshot too
    /// when `snapshot`.
    fn next_day(&mut self, snapshot: bool) {
        let (before, day) = (self.day, self.day + 1);
        let mut changes = format!("--imei {}", reported(day));
        if day > 5 {
            changes.push_str(&format!(" --delist-imei {}", reported(day - 4)));
        }
        self.lab.ok_at(
            &format!(
                "{PUBLISH} --sequence {day} --base list-{before}.pcbl {changes} \
                 --out list-{day}.pcbl"
            ),
            T0 + day * DAY,
        );
        self.lab.ok(&format!(
            "blocklist delta --from list-{before}.pcbl --to list-{day}.pcbl \
             --authority register.key --authority-cert register.cert --out d-{day}.pcbd"
        ));
        self.day = day;
        let mut lists = vec![format!("d-{day}.pcbd")];
        if snapshot {
            lists.push(format!("list-{day}.pcbl"));
        }
        self.publish(&lists);
    }

    /// Every day up to `day`, a snapshot every `snapshot_every` days.
    fn until(&mut self, day: u64, snapshot_every: u64) {
        while self.day < day {
            let next = self.day + 1;
            self.next_day(next % snapshot_every == 0);
        }
    }

    /// The path the head names for the delta that leads to `sequence`.
    fn delta_path(&self, sequence: u64) -> String {
        self.head["deltas"]
            .as_array()
            .and_then(|deltas| deltas.iter().find(|d| d["sequence"] == sequence))
            .and_then(|delta| delta["path"].as_str())
            .unwrap_or_else(|| panic!("the head names no delta to #{sequence}: {}", self.head))
            .to_owned()
    }

    /// A copy of the repository as it is now, at `name`: a mirror.
    fn mirror(&self, name: &str) {
        copy_folder(&self.lab.path("repo"), &self.lab.path(name));
    }
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copied");
        }
    }
}

/// A device's sync from `url` into `state`, at `time`.
fn sync(lab: &Lab, url: &str, state: &str, options: &str, time: u64) -> Run {
    lab.at(
        &format!(
            "blocklist sync {url} --blocklist-trust register-root.cert --state {state} {options}"
        ),
        time,
    )
}

/// The register's version a device's state holds, read back by a sync
/// report's `lists` (the one register it follows).
fn held_sequence(json: &Value) -> &Value {
    &json["lists"][0]["sequence"]
}

/// A device's sync into `state` at `time` that leaves it current with
/// the register's newest list: the paths it fetched, and its report.
fn current(register: &Register, server: &Server, state: &str, time: u64) -> (Vec<String>, Value) {
    let run = sync(&register.lab, &server.url, state, "--json", time);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(*held_sequence(&json), register.day);
    assert_eq!(json["lists"][0]["digest"], register.head["digest"]);
    (fetched(&json), json)
}

/// The paths a sync fetched.
fn fetched(json: &Value) -> Vec<String> {
    json["fetched"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|file| file["path"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_device_syncing_daily_follows_thirty_days_fetching_only_each_days_delta() {
    let mut register = Register::open(Lab::register(), 30);
    let server = Server::start(&register.lab.path("repo"));
    let lab = &register.lab;
    let run = sync(
        lab,
        &server.url,
        "device.pcbs",
        "--init --json",
        T0 + DAY + HOUR,
    );
    run.assert_code(0);
    assert!(fetched(&run.json())[0].ends_with(".pcbl"));
    for day in 2..=30 {
        register.next_day(false);
        let (paths, _) = current(&register, &server, "device.pcbs", T0 + day * DAY + HOUR);
        assert_eq!(paths.len(), 1, "day {day}: {paths:?}");
        assert!(paths[0].ends_with(".pcbd"), "day {day}: {paths:?}");
    }
    // 300 exported, 29 reported, 25 of them found again.
    let run = sync(
        &register.lab,
        &server.url,
        "device.pcbs",
        "--json",
        T0 + 30 * DAY + 2 * HOUR,
    );
    run.assert_code(0);
    assert_eq!(run.json()["lists"][0]["entries"], 300 + 29 - 25);
    // The register stops publishing: a day later the head has expired, and
    // the device cannot prove it is current.
    let run = sync(
        &register.lab,
        &server.url,
        "device.pcbs",
        "--json",
        T0 + 31 * DAY + HOUR,
    );
    run.assert_code(11);
    let json = run.json();
    assert_eq!(json["lists"][0]["stale_reason"]["kind"], "no-fresh-head");
    assert_eq!(json["lists"][0]["stale_reason"]["since"], T0 + 30 * DAY);
}

#[test]
fn a_device_offline_for_sixty_days_falls_back_to_the_snapshot() {
    // Deltas stay in the head 14 days; a snapshot every week.
    let mut register = Register::open(Lab::register(), 14);
    let server = Server::start(&register.lab.path("repo"));
    sync(
        &register.lab,
        &server.url,
        "away.pcbs",
        "--init",
        T0 + DAY + HOUR,
    )
    .assert_code(0);
    register.until(51, 7);
    sync(
        &register.lab,
        &server.url,
        "back-soon.pcbs",
        "--init",
        T0 + 51 * DAY + HOUR,
    )
    .assert_code(0);
    register.until(61, 7);
    // Sixty days away: the newest snapshot (day 56) and the deltas after it.
    let (paths, json) = current(&register, &server, "away.pcbs", T0 + 61 * DAY + HOUR);
    assert_eq!(paths.len(), 6, "{paths:?}");
    assert!(paths[0].ends_with(".pcbl"), "{paths:?}");
    assert_eq!(json["fetched"][0]["sequence"], 56);
    assert!(paths[1..].iter().all(|path| path.ends_with(".pcbd")));
    // Ten days away, within the window: only the ten deltas.
    let (paths, _) = current(&register, &server, "back-soon.pcbs", T0 + 61 * DAY + HOUR);
    assert_eq!(paths.len(), 10, "{paths:?}");
    assert!(
        paths.iter().all(|path| path.ends_with(".pcbd")),
        "{paths:?}"
    );
}

#[test]
fn a_mirror_serving_a_stale_head_reads_stale_after_its_expiry_never_clean() {
    let mut register = Register::open(Lab::london(), 30);
    // A mirror that stopped copying after day 1.
    register.mirror("frozen");
    register.until(3, 7);
    let lab = &register.lab;
    let frozen = Server::start(&lab.path("frozen"));
    sync(lab, &frozen.url, "shop.pcbs", "--init", T0 + DAY + HOUR).assert_code(0);
    // Within the head's day the shop is current.
    sync(lab, &frozen.url, "shop.pcbs", "", T0 + DAY + 20 * HOUR).assert_code(0);
    // Day 3: the frozen head has expired; the list itself has not.
    let run = sync(lab, &frozen.url, "shop.pcbs", "--json", T0 + 3 * DAY + HOUR);
    run.assert_code(11);
    let json = run.json();
    assert_eq!(json["stale"], true);
    assert_eq!(
        json["lists"][0]["stale_reason"],
        serde_json::json!({"kind": "no-fresh-head", "since": T0 + DAY})
    );
    assert!(json["lists"][0]["expires_at"].as_u64() > Some(T0 + 3 * DAY));
    // A clean part now reads stale, never clean.
    let run = lab.shop_verify(
        "--blocklist-state shop.pcbs",
        "bob-screen.cert",
        T0 + 3 * DAY + HOUR,
    );
    run.assert_code(11);
    assert!(run.stdout.contains("no fresh head"), "{}", run.stdout);
    // The register's own server brings the shop back to current.
    let live = Server::start(&lab.path("repo"));
    let run = sync(lab, &live.url, "shop.pcbs", "--json", T0 + 3 * DAY + HOUR);
    run.assert_code(0);
    assert_eq!(*held_sequence(&run.json()), 3);
}

/// A register at day 4 and a device that synced on day 1: what a mirror
/// serving it a damaged copy can and cannot do.
fn device_a_few_days_behind() -> Register {
    let mut register = Register::open(Lab::register(), 30);
    {
        let server = Server::start(&register.lab.path("repo"));
        sync(
            &register.lab,
            &server.url,
            "device.pcbs",
            "--init",
            T0 + DAY + HOUR,
        )
        .assert_code(0);
    }
    register.until(4, 7);
    register
}

/// Syncing from `mirror` is refused with `exit` and `says`, and the
/// device's state is untouched.
fn refused_by(register: &Register, server: &Server, options: &str, exit: i32, says: &str) -> Run {
    let lab = &register.lab;
    let before = lab.read("device.pcbs");
    let run = sync(
        lab,
        &server.url,
        "device.pcbs",
        options,
        T0 + 4 * DAY + HOUR,
    );
    run.assert_code(exit);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains(says), "{said}");
    assert_eq!(lab.read("device.pcbs"), before, "the state is untouched");
    run
}

#[test]
fn files_of_two_days_mixed_are_refused_before_decoding() {
    let register = device_a_few_days_behind();
    register.mirror("mixed");
    let lab = &register.lab;
    // The mirror serves day 4's head, but day 2's delta under day 3's name.
    let (day2, day3) = (register.delta_path(2), register.delta_path(3));
    std::fs::copy(
        lab.path(&format!("mixed/{day2}")),
        lab.path(&format!("mixed/{day3}")),
    )
    .expect("copied");
    let server = Server::start(&lab.path("mixed"));
    let run = refused_by(&register, &server, "--json", 20, "FileMismatch");
    let json = run.json();
    assert_eq!(json["error"]["code"], 206);
    assert_eq!(json["error"]["file"], format!("{}/{day3}", server.url));
    // The honest repository still serves the device.
    let live = Server::start(&lab.path("repo"));
    sync(lab, &live.url, "device.pcbs", "", T0 + 4 * DAY + HOUR).assert_code(0);
}

#[test]
fn a_file_cut_short_or_one_that_never_ends_is_refused_before_decoding() {
    let register = device_a_few_days_behind();
    let lab = &register.lab;
    let day3 = register.delta_path(3);
    // Cut short: half of day 3's delta.
    register.mirror("short");
    let bytes = lab.read(&format!("short/{day3}"));
    lab.write(&format!("short/{day3}"), &bytes[..bytes.len() / 2]);
    let short = Server::start(&lab.path("short"));
    refused_by(&register, &short, "", 20, "[error 206 FileMismatch]");
    // Endless: day 3's delta followed by 64 MiB more (a sparse file).
    register.mirror("endless");
    let endless_path = lab.path(&format!("endless/{day3}"));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&endless_path)
        .expect("open");
    file.set_len(64 << 20).expect("grown");
    let endless = Server::start(&lab.path("endless"));
    let run = refused_by(&register, &endless, "", 20, "[error 206 FileMismatch]");
    assert!(run.stderr.contains("not read"), "{}", run.stderr);
    // The server sent a small part of it at most: the device read none.
    let sent = bytes_sent(&endless, &day3);
    println!("nginx sent {sent} bytes of the endless file");
    assert!(sent < 16 << 20, "nginx sent {sent} bytes of 64 MiB");
}

/// The bytes nginx logged sending for `path` (once the request is over).
fn bytes_sent(server: &Server, path: &str) -> u64 {
    let started = Instant::now();
    loop {
        let log = server.access_log();
        let line = log
            .lines()
            .find(|line| line.contains(&format!("GET /{path} ")));
        if let Some(line) = line {
            // `... "GET /path HTTP/1.1" 200 BYTES "-" "agent"`
            let after = line.split('"').nth(2).unwrap_or_default();
            return after
                .split_whitespace()
                .nth(1)
                .and_then(|bytes| bytes.parse().ok())
                .unwrap_or_else(|| panic!("no byte count in {line}"));
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx logged no request for {path}:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_server_that_trickles_bytes_is_given_up_on_within_the_timeout() {
    let register = device_a_few_days_behind();
    let lab = &register.lab;
    let server = Server::start_with(&lab.path("repo"), "location /lists/ { limit_rate 20; }");
    let started = Instant::now();
    let run = refused_by(
        &register,
        &server,
        "--timeout-secs 1 --retries 0 --json",
        1,
        "timed out",
    );
    assert_eq!(run.json()["error"]["name"], "Network");
    // 400-odd bytes at 20 a second would take 20 s.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_file_missing_in_the_middle_of_a_chain_leaves_the_device_where_it_was() {
    let register = device_a_few_days_behind();
    register.mirror("holed");
    let lab = &register.lab;
    std::fs::remove_file(lab.path(&format!("holed/{}", register.delta_path(3)))).expect("removed");
    let holed = Server::start(&lab.path("holed"));
    let run = refused_by(&register, &holed, "--json", 1, "HTTP 404");
    assert_eq!(run.json()["error"]["code"], 612);
    // Once the mirror is whole again, the device reaches day 4.
    copy_folder(&lab.path("repo"), &lab.path("holed"));
    let (paths, _) = current(&register, &holed, "device.pcbs", T0 + 4 * DAY + HOUR);
    assert_eq!(paths.len(), 3, "{paths:?}");
}

#[test]
fn the_head_replaced_while_a_device_reads_leaves_it_at_the_head_it_fetched() {
    let mut register = device_a_few_days_behind();
    {
        let server = Server::start(&register.lab.path("repo"));
        sync(
            &register.lab,
            &server.url,
            "device.pcbs",
            "",
            T0 + 4 * DAY + HOUR,
        )
        .assert_code(0);
    }
    register.next_day(false);
    // The lists trickle at 300 bytes a second: day 5's delta takes over a
    // second to read, and the register publishes day 6 meanwhile.
    let server = Server::start_with(
        &register.lab.path("repo"),
        "location /lists/ { limit_rate 300; }",
    );
    let arguments = words(&format!(
        "blocklist sync {} --blocklist-trust register-root.cert --state device.pcbs --json \
         --at {}",
        server.url,
        T0 + 5 * DAY + HOUR
    ));
    let device = Command::new(PARTCERT)
        .args(&arguments)
        .current_dir(register.lab.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sync starts");
    let started = Instant::now();
    while !server.access_log().contains("GET /head.pchd ") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no head fetched"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let day5 = register.delta_path(5);
    register.next_day(false);
    assert!(
        !server.access_log().contains(&day5),
        "the device was still reading day 5's delta when day 6 was published"
    );
    let output = device.wait_with_output().expect("the sync ends");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        raw: output.stdout,
        schema: schema_of(&arguments),
    };
    // Day 5's files stay: the device finishes the head it fetched.
    run.assert_code(0);
    assert_eq!(run.json()["head"]["sequence"], 5);
    assert_eq!(*held_sequence(&run.json()), 5);
    // The next sync takes day 6.
    let run = sync(
        &register.lab,
        &server.url,
        "device.pcbs",
        "--json",
        T0 + 6 * DAY + HOUR,
    );
    run.assert_code(0);
    assert_eq!(*held_sequence(&run.json()), 6);
}
