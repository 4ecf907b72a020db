//! A device's state survives a power cut: `blocklist apply` and
//! `blocklist sync` are killed with SIGKILL at random points of their run,
//! 240 times in all, and after each the saved state is byte for byte the
//! old one or the new one — never a mix, never empty, never gone — and
//! it loads. (A killed write may leave its temporary `.partcert-*` file
//! beside the state; it is never the state.)

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::server::Server;
use common::*;

/// Kills of each command.
const KILLS: usize = 120;

/// A small, reproducible source of random delays (the seed is printed).
struct Random(u64);

impl Random {
    fn new() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.as_nanos() as u64)
            | 1;
        println!("random seed {seed}");
        Random(seed)
    }

    /// A number below `bound`.
    fn below(&mut self, bound: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound.max(1)
    }
}

/// Runs `partcert ARGS` in `folder` and waits: how long it took, and
/// whether it exited 0.
fn run_whole(folder: &Path, arguments: &[String]) -> (Duration, bool) {
    let started = Instant::now();
    let status = Command::new(PARTCERT)
        .args(arguments)
        .current_dir(folder)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("partcert runs");
    (started.elapsed(), status.success())
}

/// Starts `partcert ARGS`, kills it with SIGKILL after `delay` (if it is
/// still running), and waits for it.
fn run_killed(folder: &Path, arguments: &[String], delay: Duration) {
    let mut child = Command::new(PARTCERT)
        .args(arguments)
        .current_dir(folder)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("partcert starts");
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL on Unix; an error if it already exited.
    let _ = child.wait();
}

/// Removes what killed writes left beside the state: their temporary files.
fn sweep_temporaries(folder: &Path) -> usize {
    let mut swept = 0;
    for entry in std::fs::read_dir(folder).expect("the folder").flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(".partcert-")
        {
            std::fs::remove_file(entry.path()).expect("remove a temporary file");
            swept += 1;
        }
    }
    swept
}

/// How the kills ended: the state as it was, or as the whole run saves it.
#[derive(Debug, Default)]
struct Outcomes {
    old: usize,
    new: usize,
    temporaries: usize,
}

/// Kills `command` (which updates `state` from `old` to `new`) `KILLS`
/// times at random points, checking the state after each.
fn kill_repeatedly(lab: &Lab, command: &str, (old, new): (&[u8], &[u8])) -> Outcomes {
    let arguments = words(command);
    let state = lab.path("state.pcbs");
    // How long a whole run takes (the median of five), to spread the
    // kills over it and half as long again.
    let mut runs = Vec::new();
    for _ in 0..5 {
        std::fs::write(&state, old).expect("the old state");
        let (took, done) = run_whole(lab.dir.path(), &arguments);
        assert!(done, "{command} runs to its end");
        assert_eq!(
            std::fs::read(&state).expect("state"),
            new,
            "a whole run saves the new state"
        );
        runs.push(took);
    }
    runs.sort();
    let whole = runs[2];
    let span = (whole.as_micros() as u64).saturating_mul(3) / 2;
    let mut random = Random::new();
    let mut outcomes = Outcomes::default();
    for kill in 0..KILLS {
        std::fs::write(&state, old).expect("the old state");
        let delay = Duration::from_micros(random.below(span));
        run_killed(lab.dir.path(), &arguments, delay);
        let after = std::fs::read(&state)
            .unwrap_or_else(|e| panic!("kill {kill} after {delay:?}: the state is gone ({e})"));
        if after == old {
            outcomes.old += 1;
        } else if after == new {
            outcomes.new += 1;
        } else {
            panic!(
                "kill {kill} after {delay:?}: the state is neither the old nor the new one \
                 ({} bytes)",
                after.len()
            );
        }
        outcomes.temporaries += sweep_temporaries(lab.dir.path());
    }
    println!("{command}: {outcomes:?} over {whole:?} a run");
    outcomes
}

/// The state loads: a device applies nothing more to it and exits 0.
fn assert_loads(lab: &Lab, bytes: &[u8], time: u64) {
    lab.write("check.pcbs", bytes);
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --state check.pcbs",
        time,
    );
}

/// A register with a small list on day 1 and the next day's delta, and
/// `state.pcbs` as a device holds it on day 1.
fn two_days() -> Lab {
    let lab = Lab::register();
    lab.write("day-1.txt", imei_lines(300, 0).as_bytes());
    lab.write("day-2.txt", imei_lines(50, 1_000).as_bytes());
    lab.ok_at(
        &format!("{PUBLISH} --sequence 1 --imeis-from day-1.txt --out list-1.pcbl"),
        T0 + DAY,
    );
    lab.ok_at(
        &format!(
            "{PUBLISH} --sequence 2 --base list-1.pcbl --imeis-from day-2.txt --out list-2.pcbl"
        ),
        T0 + 2 * DAY,
    );
    lab.ok(
        "blocklist delta --from list-1.pcbl --to list-2.pcbl --authority register.key \
         --authority-cert register.cert --out d-1-2.pcbd",
    );
    lab
}

#[test]
fn a_device_killed_while_applying_keeps_the_old_state_or_the_new_one() {
    let lab = two_days();
    lab.ok_at(
        "blocklist apply --blocklist-trust register-root.cert --state state.pcbs --init \
         list-1.pcbl",
        T0 + DAY,
    );
    let old = lab.read("state.pcbs");
    let apply = format!(
        "blocklist apply --blocklist-trust register-root.cert --state state.pcbs d-1-2.pcbd \
         --at {}",
        T0 + 2 * DAY
    );
    lab.ok(&apply);
    let new = lab.read("state.pcbs");
    assert_ne!(old, new);
    let outcomes = kill_repeatedly(&lab, &apply, (&old, &new));
    assert_eq!(outcomes.old + outcomes.new, KILLS);
    assert!(outcomes.old > 0 && outcomes.new > 0, "{outcomes:?}");
    assert_loads(&lab, &old, T0 + 2 * DAY);
    assert_loads(&lab, &new, T0 + 2 * DAY);
}

#[test]
fn a_device_killed_while_syncing_keeps_the_old_state_or_the_new_one() {
    let lab = two_days();
    lab.ok_at(&format!("{PUBLISH_TO_REPO} list-1.pcbl"), T0 + DAY);
    let server = Server::start(&lab.path("repo"));
    let sync = |time: u64| {
        format!(
            "blocklist sync {} --blocklist-trust register-root.cert --state state.pcbs --at {time}",
            server.url
        )
    };
    lab.ok(&format!("{} --init", sync(T0 + DAY + 3_600)));
    let old = lab.read("state.pcbs");
    lab.ok_at(
        &format!("{PUBLISH_TO_REPO} d-1-2.pcbd list-2.pcbl"),
        T0 + 2 * DAY,
    );
    let day_two = sync(T0 + 2 * DAY + 3_600);
    lab.ok(&day_two);
    let new = lab.read("state.pcbs");
    assert_ne!(old, new);
    let outcomes = kill_repeatedly(&lab, &day_two, (&old, &new));
    assert_eq!(outcomes.old + outcomes.new, KILLS);
    assert!(outcomes.old > 0 && outcomes.new > 0, "{outcomes:?}");
    assert_loads(&lab, &old, T0 + 2 * DAY);
    assert_loads(&lab, &new, T0 + 2 * DAY);
}
