//! The global flags (`--json`, `--at`, `--force`), as every command sees
//! them, and the sanity checks on times and validities they govern.

use std::io::{IsTerminal, Write};

use serde_json::Value;

use crate::args::Global;
use crate::error::{CliError, ToolCode};
use crate::files;
use crate::text;

/// 2000-01-01 00:00:00 UTC: a time before it is implausible for partcert.
const PLAUSIBLE_FROM: u64 = 946_684_800;
/// 2200-01-01 00:00:00 UTC: a time after it is most likely milliseconds.
const PLAUSIBLE_UNTIL: u64 = 7_258_118_400;
/// A century: a longer validity or list lifetime is implausible.
pub const MAX_PLAUSIBLE_DAYS: u64 = 36_500;

/// What every command is told by the global flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ctx {
    /// Print one JSON object.
    pub json: bool,
    /// Act as of this time.
    pub at: Option<u64>,
    /// Replace existing files; accept implausible values.
    pub force: bool,
    /// Text output: add hex ids and protocol details.
    pub verbose: bool,
}

impl From<&Global> for Ctx {
    fn from(global: &Global) -> Self {
        Ctx {
            json: global.json,
            at: global.at,
            force: global.force,
            verbose: global.verbose,
        }
    }
}

impl Ctx {
    /// The time to act at: `--at` (checked to be plausible) or the clock.
    pub fn now(&self) -> Result<u64, CliError> {
        match self.at {
            Some(at) => {
                self.plausible_time("--at", at)?;
                Ok(at)
            }
            None => Ok(files::system_now()),
        }
    }

    /// Refuses a time before 2000 or after 2199 unless `--force`: most
    /// likely milliseconds, or a typo.
    pub fn plausible_time(&self, flag: &str, time: u64) -> Result<(), CliError> {
        if self.force || (PLAUSIBLE_FROM..PLAUSIBLE_UNTIL).contains(&time) {
            return Ok(());
        }
        let mut message = format!("{time} is {}", text::utc(time));
        let hint = if time >= PLAUSIBLE_UNTIL
            && (PLAUSIBLE_FROM..PLAUSIBLE_UNTIL).contains(&(time / 1000))
        {
            message.push_str(": this looks like milliseconds");
            format!(
                "give seconds ({} is {}) or an RFC 3339 date such as 2026-01-01T00:00:00Z; --force if you mean it",
                time / 1000,
                text::utc(time / 1000)
            )
        } else {
            message.push_str(": outside 2000-2199");
            "give seconds since the Unix epoch or an RFC 3339 date such as 2026-01-01T00:00:00Z; --force if you mean it".to_owned()
        };
        Err(CliError::tool(ToolCode::Implausible, message)
            .flag(format!("{flag} {time}"))
            .hint(hint))
    }

    /// Refuses a number of days of 0 or over a century unless `--force`.
    pub fn plausible_days(&self, flag: &str, days: u64) -> Result<(), CliError> {
        if self.force || (1..=MAX_PLAUSIBLE_DAYS).contains(&days) {
            return Ok(());
        }
        let message = if days == 0 {
            "0 days: what is signed would be out of date at once".to_owned()
        } else {
            format!("{days} days is over a century")
        };
        Err(CliError::tool(ToolCode::Implausible, message)
            .flag(format!("{flag} {days}"))
            .hint(format!(
                "give 1 to {MAX_PLAUSIBLE_DAYS} days; --force if you mean it"
            )))
    }

    /// Refuses a global flag a command has no use for: silently ignoring it
    /// would hide a mistake.
    pub fn refuse_unused(&self, command: &str, time: bool, force: bool) -> Result<(), CliError> {
        if !time && self.at.is_some() {
            return Err(
                CliError::usage(format!("`partcert {command}` does not use a time"))
                    .flag("--at")
                    .hint("drop --at"),
            );
        }
        if !force && self.force {
            return Err(
                CliError::usage(format!("`partcert {command}` replaces nothing"))
                    .flag("--force")
                    .hint("drop --force"),
            );
        }
        Ok(())
    }

    /// Refuses `--json` for a command that prints something else.
    pub fn refuse_json(&self, command: &str, prints: &str) -> Result<(), CliError> {
        if self.json {
            return Err(
                CliError::usage(format!("`partcert {command}` prints {prints}, not JSON"))
                    .flag("--json")
                    .hint("drop --json"),
            );
        }
        Ok(())
    }

    /// Refuses `--json` with `--out -`: the object and the report would mix.
    pub fn check_out(&self, flag: &str, out: &std::path::Path) -> Result<(), CliError> {
        if self.json && files::is_stdout(out) {
            return Err(CliError::usage(
                "--out - writes the object to standard output, where --json would print too",
            )
            .flag(format!("{flag} -"))
            .hint("give --out a file, or drop --json"));
        }
        Ok(())
    }
}

/// A JSON value made safe for every reader: a serial number is always a
/// string, and so is any other number above 2^53-1 (JavaScript and many
/// JSON parsers lose digits past it).
pub fn json_safe(value: Value) -> Value {
    const MAX_EXACT: u64 = (1 << 53) - 1;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("serial_number", Value::Number(number)) => {
                            Value::String(number.to_string())
                        }
                        (_, value) => json_safe(value),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(json_safe).collect()),
        Value::Number(number) if number.as_u64().is_some_and(|n| n > MAX_EXACT) => {
            Value::String(number.to_string())
        }
        other => other,
    }
}

/// The version of every `--json` object's layout: fields are only ever
/// added within a version; one removed or changed in meaning bumps it.
pub const FORMAT_VERSION: u64 = 1;

/// `value` with its `format_version` first.
pub fn versioned(value: Value) -> Value {
    match value {
        Value::Object(fields) => {
            let mut object = serde_json::Map::new();
            object.insert("format_version".to_owned(), FORMAT_VERSION.into());
            object.extend(
                fields
                    .into_iter()
                    .filter(|(key, _)| key != "format_version"),
            );
            Value::Object(object)
        }
        other => other,
    }
}

/// Prints one JSON object (made safe with [`json_safe`], with its
/// `format_version`) on its own line.
pub fn print_json(out: &mut dyn Write, value: Value) -> Result<(), CliError> {
    writeln!(out, "{}", json_safe(versioned(value)))?;
    Ok(())
}

/// Whether progress bars may be drawn: only on a terminal.
pub fn progress_allowed() -> bool {
    std::io::stderr().is_terminal()
}

/// What a command did, printed once at its end: human lines, or one JSON
/// object (`ok`, `exit_code`, `command`, `wrote`, and the command's own fields).
pub struct Report {
    lines: Vec<String>,
    json: Value,
    object_on_stdout: bool,
}

impl Report {
    /// A report of `command` (e.g. `part issue`).
    pub fn new(command: &str) -> Self {
        Report {
            lines: Vec::new(),
            json: serde_json::json!({
                "ok": true,
                "exit_code": crate::error::exit::OK,
                "command": command,
                "wrote": [],
            }),
            object_on_stdout: false,
        }
    }

    /// Writes the object `command` made to `path` (its `--out`: a new
    /// file of `kind`, or standard output for `-`), and starts the report
    /// that says so.
    pub fn written(
        command: &str,
        path: &std::path::Path,
        bytes: &[u8],
        kind: files::Kind,
        ctx: Ctx,
    ) -> Result<Self, CliError> {
        files::write_new(path, bytes, kind, ctx.force, "--out")?;
        let mut report = Report::new(command);
        report.wrote(path, kind);
        Ok(report)
    }

    /// Records a file written (`-`: standard output).
    pub fn wrote(&mut self, path: &std::path::Path, kind: files::Kind) {
        if files::is_stdout(path) {
            self.object_on_stdout = true;
        }
        if let Some(wrote) = self.json["wrote"].as_array_mut() {
            wrote.push(serde_json::json!({
                "file": path.display().to_string(),
                "kind": kind.tag(),
            }));
        }
    }

    /// Adds a human line.
    pub fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// Sets a JSON field.
    pub fn set(&mut self, key: &str, value: Value) {
        self.json[key] = value;
    }

    /// Prints the report (on standard error when standard output carries
    /// the object) and returns the exit code.
    pub fn finish(self, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
        let code = self.json["exit_code"]
            .as_u64()
            .and_then(|code| u8::try_from(code).ok())
            .unwrap_or(crate::error::exit::OK);
        if ctx.json {
            print_json(out, self.json)?;
        } else if self.object_on_stdout {
            let mut stderr = std::io::stderr().lock();
            for line in &self.lines {
                writeln!(stderr, "{line}")?;
            }
        } else {
            for line in &self.lines {
                writeln!(out, "{line}")?;
            }
        }
        Ok(code)
    }
}
