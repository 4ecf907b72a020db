//! `partcert`: issue part certificates, pairing records and blocklists, and
//! check a part before fitting it. A thin front over the `partcert` crate:
//! every rule lives in the library; this tool parses arguments, reads and
//! writes files, and turns verdicts and errors into text, JSON and exit
//! codes. Run `partcert demo` to watch the whole story.

mod args;
mod demo;
mod error;
mod files;
mod issue;
mod lists;
mod show;
mod text;
mod verify;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use serde_json::json;

use crate::args::{
    AuthorityCommand, BlocklistCommand, ChallengeCommand, Cli, Command, HandsetCommand,
    PartCommand, RootCommand,
};
use crate::error::{CliError, exit};

/// Runs one parsed command, writing its report to `out`; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, CliError> {
    match cli.command {
        Command::Root(RootCommand::New(args)) => issue::root_new(args, out),
        Command::Authority(AuthorityCommand::New(args)) => issue::authority_new(args, out),
        Command::Part(PartCommand::Issue(args)) => issue::part_issue(args, out),
        Command::Part(PartCommand::Keygen(args)) => issue::part_keygen(args, out),
        Command::Part(PartCommand::Respond(args)) => issue::part_respond(args, out),
        Command::Challenge(ChallengeCommand::New(args)) => issue::challenge_new(args, out),
        Command::Pair(args) => issue::pair(args, out),
        Command::Revoke(args) => issue::revoke(args, out),
        Command::Blocklist(BlocklistCommand::New(args)) => lists::new(args, out),
        Command::Blocklist(BlocklistCommand::Delta(args)) => lists::delta(args, out),
        Command::Blocklist(BlocklistCommand::Apply(args)) => lists::apply(args, out),
        Command::Verify(args) => verify::verify(args, out),
        Command::Handset(HandsetCommand::Check(args)) => verify::handset_check(args, out),
        Command::Show(args) => show::show(args, out),
        Command::Demo(args) => demo::demo(args, out),
    }
}

/// Whether the command asked for JSON output (errors then come as JSON too).
fn wants_json(command: &Command) -> bool {
    match command {
        Command::Verify(args) => args.trust.json,
        Command::Handset(HandsetCommand::Check(args)) => args.trust.json,
        Command::Show(args) => args.json,
        Command::Blocklist(BlocklistCommand::Apply(args)) => args.json,
        _ => false,
    }
}

fn main() -> ExitCode {
    // A bug must still end in one line, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("partcert: internal error (a bug, please report it): {info}");
    }));
    let arguments: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&arguments) {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error, &arguments),
    };
    let json = wants_json(&cli.command);
    let mut out = QuietPipe(std::io::stdout().lock());
    let code = match run(cli, &mut out) {
        Ok(code) => code,
        Err(error) => {
            if json {
                let _ = writeln!(out, "{}", error.to_json());
            } else {
                eprintln!("partcert: {error}");
            }
            error.exit_code()
        }
    };
    let _ = out.flush();
    ExitCode::from(code)
}

/// Standard output that treats a closed pipe (`partcert verify ... | head -1`)
/// as written, so the command still finishes and exits with its verdict.
struct QuietPipe<W>(W);

impl<W: Write> Write for QuietPipe<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.0.write(bytes) {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(bytes.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.flush() {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

fn usage_error(error: &clap::Error, arguments: &[OsString]) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            return ExitCode::from(exit::OK);
        }
        _ => {}
    }
    if arguments.iter().any(|argument| argument == "--json") {
        let message = error.render().to_string();
        let first_line = message.lines().next().unwrap_or("usage error");
        let value = json!({
            "ok": false,
            "exit_code": exit::USAGE,
            "error": {
                "code": null,
                "name": "Usage",
                "family": "usage",
                "message": first_line.trim_start_matches("error: "),
            },
        });
        println!("{value}");
    } else {
        let _ = error.print();
    }
    ExitCode::from(exit::USAGE)
}
