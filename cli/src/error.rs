//! What can go wrong in the tool, and the exit code each failure maps to.

use std::fmt;
use std::path::{Path, PathBuf};

use partcert::Verdict;
use serde_json::{Value, json};

/// Exit codes: part of the tool's contract (see `partcert verify --help`).
pub mod exit {
    /// Success; for `verify`: genuine and clean, or not checked against a blocklist.
    pub const OK: u8 = 0;
    /// Any other failure: a file could not be read or written.
    pub const FAILURE: u8 = 1;
    /// The command line is wrong.
    pub const USAGE: u8 = 2;
    /// Genuine, but the part or its handset is blocklisted (even if the list is also stale).
    pub const BLOCKED: u8 = 10;
    /// Genuine, not blocklisted, but a blocklist consulted is stale.
    pub const STALE: u8 = 11;
    /// The evidence is untrusted or invalid: a partcert error with a stable code.
    pub const INVALID: u8 = 20;
}

/// The exit code a verdict maps to.
pub fn verdict_exit_code(verdict: &Verdict) -> u8 {
    if verdict.is_blocked() {
        exit::BLOCKED
    } else if verdict.is_stale() {
        exit::STALE
    } else {
        exit::OK
    }
}

/// A failure of one command.
#[derive(Debug)]
pub enum CliError {
    /// The command line asks for something impossible (exit 2).
    Usage(String),
    /// A file could not be read or written (exit 1).
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Writing to standard output failed (exit 1).
    Output(std::io::Error),
    /// A refusal that is not about evidence, e.g. overwriting a secret key (exit 1).
    Refused(String),
    /// The library refused the input (exit 20): a file that is malformed, of
    /// the wrong type, signed by the wrong key, untrusted or expired.
    Partcert {
        /// The file the error is about, when one is.
        path: Option<PathBuf>,
        /// The library's error, with its stable code.
        error: partcert::Error,
    },
    /// The library refused a value given on the command line (exit 20).
    Flagged {
        /// The flag and its value, as the user gave it (or its default).
        flag: String,
        /// The library's error, with its stable code.
        error: partcert::Error,
    },
    /// Another failure, with a hint at its likely cause.
    Hinted {
        /// The failure.
        error: Box<CliError>,
        /// What probably went wrong.
        hint: &'static str,
    },
}

impl CliError {
    /// Wraps a library error about `path`.
    pub fn about(path: &Path) -> impl FnOnce(partcert::Error) -> CliError + '_ {
        move |error| CliError::Partcert {
            path: Some(path.to_owned()),
            error,
        }
    }

    /// Wraps a library error about a command-line flag.
    pub fn flag(flag: impl Into<String>) -> impl FnOnce(partcert::Error) -> CliError {
        let flag = flag.into();
        move |error| CliError::Flagged { flag, error }
    }

    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::Io { .. } | CliError::Output(_) | CliError::Refused(_) => exit::FAILURE,
            CliError::Partcert { .. } | CliError::Flagged { .. } => exit::INVALID,
            CliError::Hinted { error, .. } => error.exit_code(),
        }
    }

    /// The error as the JSON object `--json` prints.
    pub fn to_json(&self) -> Value {
        if let CliError::Hinted { error, hint } = self {
            let mut value = error.to_json();
            value["error"]["hint"] = json!(hint);
            return value;
        }
        let error = match self {
            CliError::Hinted { .. } => Value::Null,
            CliError::Partcert { path, error } => {
                let mut value = partcert_error_json(error);
                if let Some(path) = path {
                    value["file"] = json!(path.display().to_string());
                }
                value
            }
            CliError::Flagged { flag, error } => {
                let mut value = partcert_error_json(error);
                value["flag"] = json!(flag);
                value
            }
            CliError::Io { path, source } => json!({
                "code": null,
                "name": "Io",
                "family": "io",
                "file": path.display().to_string(),
                "message": source.to_string(),
            }),
            CliError::Output(source) => json!({
                "code": null, "name": "Io", "family": "io", "message": source.to_string(),
            }),
            CliError::Refused(message) => json!({
                "code": null, "name": "Refused", "family": "refused", "message": message,
            }),
            CliError::Usage(message) => json!({
                "code": null, "name": "Usage", "family": "usage", "message": message,
            }),
        };
        json!({ "ok": false, "exit_code": self.exit_code(), "error": error })
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) | CliError::Refused(message) => f.write_str(message),
            CliError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            CliError::Output(source) => write!(f, "cannot write the output: {source}"),
            CliError::Partcert { path, error } => {
                if let Some(path) = path {
                    write!(f, "{}: ", path.display())?;
                }
                let code = error.code();
                write!(f, "{error} [error {} {}]", code.as_u32(), code.name())
            }
            CliError::Flagged { flag, error } => {
                let code = error.code();
                write!(
                    f,
                    "{flag}: {error} [error {} {}]",
                    code.as_u32(),
                    code.name()
                )
            }
            CliError::Hinted { error, hint } => write!(f, "{error} ({hint})"),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(source: std::io::Error) -> Self {
        CliError::Output(source)
    }
}

/// A library error as JSON: its stable code, name, family and message.
pub fn partcert_error_json(error: &partcert::Error) -> Value {
    // The core's shape, shared with the C ABI: code, name, family, message.
    serde_json::to_value(error).unwrap_or(Value::Null)
}
