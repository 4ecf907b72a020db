//! What can go wrong in the tool, the one exit-code table, and the stable
//! codes of the tool's own errors.
//!
//! Every error names the file or the flag it is about and says what to do.
//! The library's errors keep the library's stable codes (1xx to 4xx); the
//! tool's own refusals have codes of their own, 6xx, listed in
//! [`ToolCode`]. Both appear in the human line (`[error 602 FileExists]`)
//! and in `--json` (`"code": 602, "name": "FileExists"`).

use std::fmt;
use std::path::Path;

use partcert::verify::{BlocklistStatus, Refusal};
use partcert::{Certificate, Verdict};
use serde_json::{Value, json};

use crate::text;

/// Exit codes: part of the tool's contract.
pub mod exit {
    /// Success; for `verify`: genuine and clean, or genuine and not checked
    /// against a blocklist with `--no-blocklist` (meant).
    pub const OK: u8 = 0;
    /// Any other failure: a file could not be read or written, or would be
    /// replaced; for `blocklist sync`, a network or server error.
    pub const FAILURE: u8 = 1;
    /// The command line is wrong: a flag, or a value given to one.
    pub const USAGE: u8 = 2;
    /// Genuine, but the part or its handset is blocklisted (even if the list is also stale).
    pub const BLOCKED: u8 = 10;
    /// Genuine, not blocklisted, but a blocklist consulted is stale.
    pub const STALE: u8 = 11;
    /// Genuine, but no blocklist was checked, and `--no-blocklist` did not
    /// say that was meant.
    pub const NOT_CHECKED: u8 = 12;
    /// The evidence is untrusted or invalid: a partcert error with a stable code.
    pub const INVALID: u8 = 20;
}

/// Which commands an exit-code help text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every command (the top-level help).
    All,
    /// `verify`.
    Verify,
    /// `handset check`.
    Handset,
    /// `blocklist apply`.
    Apply,
    /// `blocklist sync`.
    Sync,
}

/// One row of the exit-code table.
pub struct ExitRow {
    /// The code.
    pub code: u8,
    /// What it means for `verify`.
    pub verify: &'static str,
    /// What it means for `handset check`.
    pub handset: &'static str,
    /// What it means for `blocklist apply`.
    pub apply: &'static str,
    /// What it means for `blocklist sync`.
    pub sync: &'static str,
    /// What it means for every other command.
    pub other: &'static str,
}

/// The one exit-code table: every help text is generated from it.
pub const EXIT_CODES: &[ExitRow] = &[
    ExitRow {
        code: exit::OK,
        verify: "genuine and clean, or genuine and not checked against a blocklist with --no-blocklist",
        handset: "every part genuine and none blocklisted (parts swapped by a repair are reported, not failed); with no blocklist, only with --no-blocklist",
        apply: "every list applied; nothing is written unless all of them did",
        sync: "current: every file the repository's head names fetched, checked and applied, the state saved, and the head fresh",
        other: "done",
    },
    ExitRow {
        code: exit::BLOCKED,
        verify: "genuine, but the part or its handset is blocklisted (even if the list is also stale)",
        handset: "the handset or a part is blocklisted",
        apply: "",
        sync: "",
        other: "",
    },
    ExitRow {
        code: exit::STALE,
        verify: "genuine, not blocklisted, but a blocklist consulted is stale (expired, missing, signed by a since-revoked key, dated after this device's clock, or outdated by another register's newer list)",
        handset: "nothing blocklisted, but a blocklist consulted is stale",
        apply: "every list applied, but a list followed is stale: fetch a fresh one",
        sync: "freshness cannot be proven: the newest head the repository serves has expired (a frozen mirror, or updates withheld) or the list is stale; what it served was applied and saved",
        other: "",
    },
    ExitRow {
        code: exit::NOT_CHECKED,
        verify: "genuine, but not checked against any blocklist: it could be stolen (give a list, or --no-blocklist if that is meant)",
        handset: "nothing found wrong, but no blocklist was checked (give a list, or --no-blocklist if that is meant)",
        apply: "",
        sync: "",
        other: "",
    },
    ExitRow {
        code: exit::INVALID,
        verify: "untrusted or invalid evidence (the message and --json carry the stable error code)",
        handset: "the pairing record is untrusted or not this handset's, or a part's evidence is untrusted",
        apply: "a list is refused: bad signature, unpinned register, rollback, replayed or wrong-base delta, a publisher outside its epoch or revoked",
        sync: "data refused: a head or file that is not what it should be (rollback, unpinned register, bad signature, files of two days mixed, cut short or too long); the state is untouched",
        other: "the library refused an input file (bad, untrusted or wrong-key)",
    },
    ExitRow {
        code: exit::USAGE,
        verify: "usage error: a flag or its value is wrong (the message names it)",
        handset: "usage error",
        apply: "usage error",
        sync: "usage error",
        other: "usage error: a flag or its value is wrong (the message names it)",
    },
    ExitRow {
        code: exit::FAILURE,
        verify: "any other failure (a file could not be read)",
        handset: "any other failure",
        apply: "any other failure",
        sync: "a network or server error (no answer, a timeout, a file the head names missing), after the retries; the state is untouched",
        other: "any other failure: a file could not be read or written, or an existing file would be replaced without --force; blocklist sync: a network error",
    },
];

/// The exit-code help of a command, generated from [`EXIT_CODES`].
pub fn exit_codes_help(scope: Scope) -> String {
    let mut text = String::from("Exit codes:");
    for row in EXIT_CODES {
        let meaning = match scope {
            Scope::Verify => row.verify,
            Scope::Handset => row.handset,
            Scope::Apply => row.apply,
            Scope::Sync => row.sync,
            Scope::All => {
                let mut all = String::new();
                if row.other.is_empty() {
                    all = format!("verify, handset check: {}", row.verify);
                } else if row.code == exit::OK || row.code == exit::INVALID {
                    all = format!("{}; verify: {}", row.other, row.verify);
                } else {
                    all.push_str(row.other);
                }
                text.push_str(&format!("\n  {:<3} {all}", row.code));
                continue;
            }
        };
        if !meaning.is_empty() {
            text.push_str(&format!("\n  {:<3} {meaning}", row.code));
        }
    }
    text
}

/// The exit code a verdict maps to; `unchecked_meant` (`--no-blocklist`)
/// makes "not checked" a success.
pub fn verdict_exit_code(verdict: &Verdict, unchecked_meant: bool) -> u8 {
    if verdict.is_blocked() {
        exit::BLOCKED
    } else if verdict.is_stale() {
        exit::STALE
    } else if verdict.blocklist == BlocklistStatus::NotChecked && !unchecked_meant {
        exit::NOT_CHECKED
    } else {
        exit::OK
    }
}

/// The tool's own error codes (the library's are 1xx to 4xx, the C
/// ABI's 5xx): stable, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolCode {
    /// 600: the command line is wrong (exit 2).
    Usage = 600,
    /// 601: a file could not be read or written (exit 1).
    Io = 601,
    /// 602: the output file exists; `--force` replaces it (exit 1).
    FileExists = 602,
    /// 603: the output file holds a secret key; only a new key of the same
    /// command may replace it, with `--force` (exit 1).
    SecretKeyInTheWay = 603,
    /// 604: a state file given does not exist; `--init` starts one (exit 2).
    NoSuchState = 604,
    /// 605: `--init` was given for a state that exists (exit 2).
    StateExists = 605,
    /// 606: a value is implausible (a time in milliseconds, a validity of
    /// zero days or over a century); `--force` if meant (exit 2).
    Implausible = 606,
    /// 607: lines of an input list are not what they should be (exit 2).
    BadLines = 607,
    // 608 (`Contradiction`, a key both listed and delisted) is retired:
    // the library refuses it now, with its own code 113 `Contradiction`.
    /// 609: the result could not be written as JSON (a bug; exit 1).
    Internal = 609,
    /// 610: `blocklist unfollow` named a register the state does not
    /// follow; nothing was written (exit 2).
    NotFollowed = 610,
    /// 611: an export file given to list from holds no entry (an export
    /// cut short or empty); nothing was signed (exit 2).
    EmptyInput = 611,
    /// 612: a repository could not be reached, or its server did not serve
    /// a file (after the retries); the state is untouched (exit 1).
    Network = 612,
}

impl ToolCode {
    /// The code's name, as printed.
    pub fn name(self) -> &'static str {
        match self {
            ToolCode::Usage => "Usage",
            ToolCode::Io => "Io",
            ToolCode::FileExists => "FileExists",
            ToolCode::SecretKeyInTheWay => "SecretKeyInTheWay",
            ToolCode::NoSuchState => "NoSuchState",
            ToolCode::StateExists => "StateExists",
            ToolCode::Implausible => "Implausible",
            ToolCode::BadLines => "BadLines",
            ToolCode::Internal => "Internal",
            ToolCode::NotFollowed => "NotFollowed",
            ToolCode::EmptyInput => "EmptyInput",
            ToolCode::Network => "Network",
        }
    }

    /// The family, as printed: `usage`, `io`, `refused`, `network`.
    pub fn family(self) -> &'static str {
        match self {
            ToolCode::Usage
            | ToolCode::NoSuchState
            | ToolCode::StateExists
            | ToolCode::Implausible
            | ToolCode::BadLines
            | ToolCode::NotFollowed
            | ToolCode::EmptyInput => "usage",
            ToolCode::Io | ToolCode::Internal => "io",
            ToolCode::FileExists | ToolCode::SecretKeyInTheWay => "refused",
            ToolCode::Network => "network",
        }
    }

    /// The exit code.
    pub fn exit_code(self) -> u8 {
        match self.family() {
            "usage" => exit::USAGE,
            _ => exit::FAILURE,
        }
    }
}

/// One bad line of an input list.
#[derive(Debug, Clone)]
pub struct BadLine {
    /// Its number, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

/// A failure of one command: what went wrong, about which file or flag,
/// and what to do (boxed: results stay small).
#[derive(Debug)]
pub struct CliError(Box<ErrorData>);

impl std::ops::Deref for CliError {
    type Target = ErrorData;

    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for CliError {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

/// What a [`CliError`] holds.
#[derive(Debug)]
pub struct ErrorData {
    /// The stable code.
    pub code: u32,
    /// The code's name.
    pub name: &'static str,
    /// The code's family.
    pub family: &'static str,
    /// What went wrong.
    pub message: String,
    /// The file it is about.
    pub file: Option<String>,
    /// The flag it is about (with its value, as given).
    pub flag: Option<String>,
    /// What to do.
    pub hint: Option<String>,
    /// The process exit code.
    pub exit: u8,
    /// For an input list: every bad line.
    pub lines: Vec<BadLine>,
    /// For `verify` and `handset check`: the evidence itself was refused,
    /// so the verdict is "untrusted".
    pub untrusted: bool,
    /// The library's error, when it is one.
    pub core: Option<partcert::Error>,
    /// What the part refused claims to be (its certificate, if it was read).
    pub claim: Option<Certificate>,
    /// Whether an issuer chain was given with the part.
    pub chain_given: bool,
}

impl CliError {
    fn new(code: u32, name: &'static str, family: &'static str, message: String, exit: u8) -> Self {
        CliError(Box::new(ErrorData {
            code,
            name,
            family,
            message,
            file: None,
            flag: None,
            hint: None,
            exit,
            lines: Vec::new(),
            untrusted: false,
            core: None,
            claim: None,
            chain_given: true,
        }))
    }

    /// One of the tool's own errors.
    pub fn tool(code: ToolCode, message: impl Into<String>) -> Self {
        CliError::new(
            code as u32,
            code.name(),
            code.family(),
            message.into(),
            code.exit_code(),
        )
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::tool(ToolCode::Usage, message)
    }

    /// A library error (exit 20), with the core's hint for its code; a
    /// caller that knows the flag or file it is about says more.
    pub fn core(error: partcert::Error) -> Self {
        let code = error.code();
        let mut cli = CliError::new(
            code.code(),
            code.name(),
            code.family().name(),
            core_message(&error),
            exit::INVALID,
        )
        .hint(code.hint());
        cli.core = Some(error);
        cli
    }

    /// Names what the refused part claims to be, and whether its issuer
    /// chain was given: the headline says what it claims.
    pub fn claim(mut self, part: Option<&Certificate>, chain_given: bool) -> Self {
        self.claim = part.cloned();
        self.chain_given = chain_given;
        self
    }

    /// For a refusal of the evidence: the core's headline and advice.
    pub fn verdict_words(&self) -> Option<(String, String)> {
        if !self.untrusted {
            return None;
        }
        let core = self.core.as_ref()?;
        let refusal = Refusal::new(core, self.claim.as_ref(), self.chain_given);
        Some((refusal.headline(), refusal.advice()))
    }

    /// A file could not be read or written (exit 1). The system's message
    /// never carries a temporary file's name: only `path` is named.
    pub fn io(path: &Path, source: &std::io::Error) -> Self {
        let plain = match source.raw_os_error() {
            Some(os) => std::io::Error::from_raw_os_error(os).to_string(),
            None => std::io::Error::from(source.kind()).to_string(),
        };
        let hint = match source.kind() {
            std::io::ErrorKind::NotFound => "check the path",
            std::io::ErrorKind::PermissionDenied => "check the file's and its folder's permissions",
            _ => "check the path and the disk",
        };
        CliError::tool(ToolCode::Io, plain).file(path).hint(hint)
    }

    /// Wraps a library error about `path`.
    pub fn about(path: &Path) -> impl FnOnce(partcert::Error) -> CliError + '_ {
        move |error| CliError::core(error).file(path)
    }

    /// Wraps a library error about a command-line flag (exit 2: the value
    /// given is what to change).
    pub fn flagged(flag: impl Into<String>) -> impl FnOnce(partcert::Error) -> CliError {
        let flag = flag.into();
        move |error| CliError::core(error).flag(flag).exit(exit::USAGE)
    }

    /// Names the file.
    pub fn file(mut self, path: &Path) -> Self {
        self.file = Some(path.display().to_string());
        self
    }

    /// Names the address it is about (where a file would be named).
    pub fn url(mut self, url: &str) -> Self {
        self.file = Some(url.to_owned());
        self
    }

    /// Names the flag (with its value, as given).
    pub fn flag(mut self, flag: impl Into<String>) -> Self {
        self.flag = Some(flag.into());
        self
    }

    /// Says what to do.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Replaces the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Sets the exit code.
    pub fn exit(mut self, code: u8) -> Self {
        self.exit = code;
        self
    }

    /// Marks the error as a refusal of the evidence checked (verdict "untrusted").
    pub fn untrusted(mut self) -> Self {
        if self.exit == exit::INVALID {
            self.untrusted = true;
        }
        self
    }

    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        self.exit
    }

    /// The error object of `--json`.
    pub fn error_json(&self) -> Value {
        let mut value = json!({
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "message": self.message,
        });
        if let Some(file) = &self.file {
            value["file"] = json!(file);
        }
        if let Some(flag) = &self.flag {
            value["flag"] = json!(flag);
        }
        if let Some(hint) = &self.hint {
            value["hint"] = json!(hint);
        }
        if !self.lines.is_empty() {
            value["lines"] = self
                .lines
                .iter()
                .map(|bad| json!({"line": bad.line, "message": bad.message}))
                .collect();
        }
        value
    }

    /// The whole object `--json` prints.
    pub fn to_json(&self) -> Value {
        if self.untrusted {
            // verify and handset check did their job: the evidence is refused.
            let mut value = json!({
                "ok": true,
                "exit_code": self.exit,
                "verdict": "untrusted",
                "error": self.error_json(),
            });
            if let Some((headline, advice)) = self.verdict_words() {
                value["headline"] = json!(headline);
                value["advice"] = json!(advice);
            }
            return value;
        }
        json!({ "ok": false, "exit_code": self.exit, "error": self.error_json() })
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.flag) {
            (Some(file), Some(flag)) => write!(f, "{file} ({flag}): ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(flag)) => write!(f, "{flag}: ")?,
            (None, None) => {}
        }
        write!(f, "{} [error {} {}]", self.message, self.code, self.name)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        for bad in &self.lines {
            let file = self.file.as_deref().unwrap_or("line");
            write!(f, "\n  {file}:{}: {}", bad.line, bad.message)?;
        }
        Ok(())
    }
}

impl From<std::io::Error> for CliError {
    fn from(source: std::io::Error) -> Self {
        CliError::io(Path::new("standard output"), &source)
    }
}

/// A library error's message, with every time printed as a date.
pub fn core_message(error: &partcert::Error) -> String {
    let (what, when, at, now) = match error {
        partcert::Error::NotYetValid {
            what,
            not_before,
            now,
        } => (what, "is not valid until", not_before, now),
        partcert::Error::Expired {
            what,
            not_after,
            now,
        } => (what, "expired at", not_after, now),
        other => return other.to_string(),
    };
    format!(
        "the {what} {when} {} (checked at {})",
        text::utc(*at),
        text::utc(*now)
    )
}
