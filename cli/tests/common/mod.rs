//! What every test of the `partcert` binary shares: a scratch folder, the
//! London cast, a runner for the real binary, and a check of every
//! `--json` output against its schema in `cli/schemas/`.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// 1 January 2026, 00:00 UTC.
pub const T0: u64 = 1_767_225_600;
pub const DAY: u64 = 86_400;
pub const ALICE_IMEI: &str = "356938035643809";
pub const BOB_IMEI: &str = "490154203237518";
pub const CAROL_IMEI: &str = "356938035640011";

/// The real binary.
pub const PARTCERT: &str = env!("CARGO_BIN_EXE_partcert");

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Standard output as bytes (an object written with `--out -`).
    pub raw: Vec<u8>,
    /// The schema its `--json` output must follow.
    pub schema: String,
}

/// The schemas' folder.
pub fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(schema_dir().join(&name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// Checks `value` against `cli/schemas/NAME.schema.json`.
pub fn assert_schema(name: &str, value: &Value) {
    static CACHE: OnceLock<
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
    > = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let validator = {
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(name.to_owned())
            .or_insert_with(|| {
                let path = schema_dir().join(format!("{name}.schema.json"));
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("no schema {}: {e}", path.display()));
                let schema: Value = serde_json::from_str(&text).expect("a schema is JSON");
                std::sync::Arc::new(
                    jsonschema::options()
                        .with_retriever(LocalSchemas)
                        .build(&schema)
                        .unwrap_or_else(|e| panic!("schema {name} does not compile: {e}")),
                )
            })
            .clone()
    };
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "--json output does not follow {name}.schema.json:\n{}\n{value}",
        errors.join("\n")
    );
}

/// The schema of a command line's `--json` output: its command words.
pub fn schema_of(arguments: &[String]) -> String {
    const COMMANDS: [&str; 11] = [
        "root",
        "authority",
        "part",
        "pair",
        "blocklist",
        "revoke",
        "challenge",
        "verify",
        "handset",
        "show",
        "man",
    ];
    let Some(start) = arguments
        .iter()
        .position(|word| COMMANDS.contains(&word.as_str()))
    else {
        return "error".to_owned();
    };
    let first = arguments[start].as_str();
    match first {
        "verify" | "show" | "pair" | "revoke" | "man" => first.to_owned(),
        _ => match arguments.get(start + 1) {
            Some(second) => format!("{first}-{second}"),
            None => "error".to_owned(),
        },
    }
}

impl Run {
    /// The one JSON object on standard output, checked against its schema.
    pub fn json(&self) -> Value {
        let value: Value = serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", self.stdout));
        // Every object says its layout's version (fields are only added).
        assert_eq!(value["format_version"], 1, "{value}");
        if value["ok"] == false {
            assert_schema("error", &value);
        } else {
            assert_schema(&self.schema, &value);
        }
        value
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// A failure reads as one line naming the file (or flag) first, with
    /// its stable code and what to do, never a panic.
    pub fn assert_one_line_error(&self, subject: &str, code_name: &str) {
        let line = self.stderr.trim_end();
        assert_eq!(line.lines().count(), 1, "one line: {line}");
        assert!(line.starts_with(&format!("partcert: {subject}")), "{line}");
        assert!(line.contains(code_name), "{line}");
        assert!(line.ends_with(')'), "says what to do: {line}");
        assert!(!line.contains("panicked"), "{line}");
        assert!(
            !line.contains(".partcert-"),
            "no temporary file name: {line}"
        );
    }
}

/// A scratch folder where the cast of the story keeps its files.
pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new() -> Self {
        Lab {
            dir: tempfile::tempdir().expect("a scratch folder"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `partcert LINE`; LINE is split on spaces, 'single quotes' group words.
    pub fn run(&self, line: &str) -> Run {
        self.run_args(&words(line))
    }

    pub fn run_args(&self, arguments: &[String]) -> Run {
        let output = Command::new(PARTCERT)
            .args(arguments)
            .current_dir(self.dir.path())
            .output()
            .expect("the partcert binary runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            raw: output.stdout,
            schema: schema_of(arguments),
        }
    }

    /// Runs `partcert LINE` with `input` on standard input.
    pub fn run_with_input(&self, line: &str, input: &[u8]) -> Run {
        use std::io::Write;
        let arguments = words(line);
        let mut child = Command::new(PARTCERT)
            .args(&arguments)
            .current_dir(self.dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the partcert binary runs");
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input).expect("write to the pipe");
        }
        let output = child.wait_with_output().expect("partcert finishes");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            raw: output.stdout,
            schema: schema_of(&arguments),
        }
    }

    /// Runs a command that must succeed.
    pub fn ok(&self, line: &str) -> Run {
        let run = self.run(line);
        run.assert_code(0);
        run
    }

    /// Runs a command as of `time`.
    pub fn at(&self, line: &str, time: u64) -> Run {
        self.run(&format!("{line} --at {time}"))
    }

    pub fn ok_at(&self, line: &str, time: u64) -> Run {
        let run = self.at(line, time);
        run.assert_code(0);
        run
    }

    pub fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path(name), bytes).expect("write a test file");
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).expect("read a test file")
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }
    /// Acme with a factory line and a pairing service; the register with
    /// its publisher; Alice's, Bob's and Carol's phones built and paired.
    pub fn london() -> Self {
        let lab = Lab::new();
        lab.ok_at(
            "root new --name 'Acme root' --manufacturer Acme --out acme-root",
            T0,
        );
        lab.ok_at(
            "authority new --root acme-root.key --root-cert acme-root.cert --role part-issuer \
             --name 'Acme line 3' --kinds board,screen,battery --out line",
            T0,
        );
        lab.ok_at(
            "authority new --root acme-root.key --root-cert acme-root.cert --role pairing \
             --name 'Acme pairing' --out pairing",
            T0,
        );
        lab.register_setup();
        for (owner, imei) in [
            ("alice", ALICE_IMEI),
            ("bob", BOB_IMEI),
            ("carol", CAROL_IMEI),
        ] {
            lab.build_handset(owner, imei);
        }
        lab
    }

    /// The factory builds one handset: a board with its IMEI, a keyed
    /// screen, a serial-only battery, and the pairing record.
    pub fn build_handset(&self, owner: &str, imei: &str) {
        // Serials have one written form: upper case.
        let tag = owner.to_uppercase();
        self.ok(&format!("part keygen --out {owner}-screen"));
        let issue = "part issue --issuer line.key --issuer-cert line.cert --model A1 \
                     --manufacturer Acme";
        self.ok_at(
            &format!(
                "{issue} --kind board --serial BOARD-{tag} --imei {imei} --out {owner}-board.cert"
            ),
            T0,
        );
        self.ok_at(
            &format!(
                "{issue} --kind screen --serial SCREEN-{tag} --part-key {owner}-screen.pub \
                 --out {owner}-screen.cert"
            ),
            T0,
        );
        self.ok_at(
            &format!("{issue} --kind battery --serial BATTERY-{tag} --out {owner}-battery.cert"),
            T0,
        );
        self.ok_at(
            &format!(
                "pair --service pairing.key --service-cert pairing.cert --board {owner}-board.cert \
                 --part {owner}-screen.cert --part {owner}-battery.cert --out {owner}.pair"
            ),
            T0,
        );
    }

    /// Day 10: Alice's phone is snatched and reported; list #1 is valid a week.
    pub fn report_alice_stolen(&self) {
        self.ok_at(
            &format!(
                "{PUBLISH} --sequence 1 --from-pairing alice.pair --reason stolen --out list-1.pcbl"
            ),
            T0 + 10 * DAY,
        );
    }

    /// Day 11: Bob's phone is reported lost, suspended (it may turn up):
    /// list #2 over list #1.
    pub fn report_bob_lost(&self) {
        self.ok_at(
            &format!(
                "{PUBLISH} --sequence 2 --base list-1.pcbl --from-pairing bob.pair --reason lost \
                 --suspended --out list-2.pcbl"
            ),
            T0 + 11 * DAY,
        );
    }

    /// A forger's own "Acme root" and "Acme line 3" (forger-root,
    /// forger-line), certifying screens: what a counterfeit claims to be.
    pub fn forge_acme_line(&self) {
        self.ok_at(
            "root new --name 'Acme root' --manufacturer Acme --out forger-root",
            T0,
        );
        self.ok_at(
            "authority new --root forger-root.key --root-cert forger-root.cert --role \
             part-issuer --name 'Acme line 3' --kinds screen --out forger-line",
            T0,
        );
    }

    /// A repair shop checks a part against Acme's root and the register's list.
    pub fn shop_verify(&self, options: &str, part: &str, time: u64) -> Run {
        self.at(
            &format!(
                "verify --trust acme-root.cert --blocklist-trust register-root.cert \
                 --chain line.cert {options} {part}"
            ),
            time,
        )
    }
}

/// The register's publisher signing a snapshot.
pub const PUBLISH: &str = "blocklist new --authority register.key --authority-cert register.cert";

/// The register adding lists to its repository, `repo`.
pub const PUBLISH_TO_REPO: &str = "blocklist publish --repo repo --authority register.key \
     --authority-cert register.cert --blocklist-trust register-root.cert";

impl Lab {
    /// A register alone: its root and its publisher, made at T0.
    pub fn register() -> Self {
        let lab = Lab::new();
        lab.register_setup();
        lab
    }

    /// The register's root and its publisher, made at T0.
    fn register_setup(&self) {
        self.ok_at(
            "root new --role blocklist --name 'National register' --out register-root",
            T0,
        );
        self.ok_at(
            "authority new --root register-root.key --root-cert register-root.cert \
             --role blocklist --name 'Register publisher' --out register",
            T0,
        );
    }

    /// Every file under `folder`, by path relative to it, sorted.
    pub fn files_under(&self, folder: &str) -> Vec<String> {
        fn walk(root: &Path, at: &Path, into: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(at) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, into);
                } else if let Ok(relative) = path.strip_prefix(root) {
                    into.push(relative.display().to_string());
                }
            }
        }
        let root = self.path(folder);
        let mut files = Vec::new();
        walk(&root, &root, &mut files);
        files.sort();
        files
    }
}

/// Splits a command line on whitespace; 'single quotes' keep words together.
pub fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// A valid IMEI: `body` as 14 digits, then its Luhn check digit.
pub fn imei(body: u64) -> String {
    let digits = format!("{:014}", body % 100_000_000_000_000);
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let double = d * 2;
                if double > 9 { double - 9 } else { double }
            } else {
                d
            }
        })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

/// `count` distinct IMEIs, one per line.
pub fn imei_lines(count: u64, from: u64) -> String {
    let mut text = String::with_capacity(count as usize * 16);
    for n in 0..count {
        text.push_str(&imei(35_000_000_000_000 + from + n));
        text.push('\n');
    }
    text
}
