//! `partcert`: issue part certificates, pairing records and blocklists, and
//! check a part before fitting it. A thin front over the `partcert` crate:
//! every rule lives in the library; this tool parses arguments, reads and
//! writes files, and turns verdicts and errors into text, JSON and exit
//! codes. Run `partcert demo` to watch the whole story.

mod args;
mod blocklist;
mod ctx;
mod demo;
mod error;
mod files;
mod http;
mod issue;
mod progress;
mod show;
mod text;
mod trust;
mod verify;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgMatches, CommandFactory, Parser};
use serde_json::json;

use crate::args::{
    AuthorityCommand, BlocklistCommand, ChallengeCommand, Cli, Command, HandsetCommand,
    PartCommand, RootCommand,
};
use crate::ctx::Ctx;
use crate::error::{CliError, ToolCode, exit};

/// Runs one parsed command, writing its report to `out`; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, CliError> {
    let ctx = Ctx::from(&cli.global);
    let verdict = matches!(
        cli.command,
        Command::Verify(_) | Command::Handset(HandsetCommand::Check(_))
    );
    if ctx.verbose && !verdict {
        return Err(CliError::usage(
            "--verbose adds details to a verdict's text: only `verify` and `handset check` take it",
        )
        .flag("--verbose")
        .hint("drop --verbose"));
    }
    match cli.command {
        Command::Root(RootCommand::New(args)) => issue::root_new(args, ctx, out),
        Command::Authority(AuthorityCommand::New(args)) => issue::authority_new(args, ctx, out),
        Command::Part(PartCommand::Issue(args)) => issue::part_issue(args, ctx, out),
        Command::Part(PartCommand::Keygen(args)) => issue::part_keygen(args, ctx, out),
        Command::Part(PartCommand::Respond(args)) => issue::part_respond(args, ctx, out),
        Command::Challenge(ChallengeCommand::New(args)) => issue::challenge_new(args, ctx, out),
        Command::Pair(args) => issue::pair(args, ctx, out),
        Command::Revoke(args) => issue::revoke(args, ctx, out),
        Command::Blocklist(BlocklistCommand::New(args)) => blocklist::new(args, ctx, out),
        Command::Blocklist(BlocklistCommand::Delta(args)) => blocklist::delta(args, ctx, out),
        Command::Blocklist(BlocklistCommand::Apply(args)) => blocklist::apply(args, ctx, out),
        Command::Blocklist(BlocklistCommand::Unfollow(args)) => blocklist::unfollow(args, ctx, out),
        Command::Blocklist(BlocklistCommand::Publish(args)) => blocklist::publish(args, ctx, out),
        Command::Blocklist(BlocklistCommand::Sync(args)) => blocklist::sync(args, ctx, out),
        Command::Verify(args) => verify::verify(args, ctx, out),
        Command::Handset(HandsetCommand::Check(args)) => verify::handset_check(args, ctx, out),
        Command::Show(args) => show::show(args, ctx, out),
        Command::Demo(args) => demo::demo(args, ctx, out),
        Command::Completions(args) => {
            ctx.refuse_unused("completions", false, false)?;
            ctx.refuse_json("completions", "a shell script")?;
            clap_complete::generate(args.shell, &mut Cli::command(), "partcert", out);
            Ok(exit::OK)
        }
        Command::Man(args) => man(args, ctx, out),
    }
}

/// `partcert man`: the main page to standard output, or a page per
/// command (`partcert-verify.1`, `partcert-blocklist-apply.1` …) into
/// `--out DIR`.
fn man(args: args::ManArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    ctx.refuse_unused("man", false, args.out.is_some())?;
    let Some(folder) = args.out else {
        ctx.refuse_json("man", "a man page")?;
        clap_mangen::Man::new(Cli::command())
            .render(out)
            .map_err(|source| CliError::io(std::path::Path::new("standard output"), &source))?;
        return Ok(exit::OK);
    };
    std::fs::create_dir_all(&folder).map_err(|source| CliError::io(&folder, &source))?;
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    man_pages(&command, "partcert", &folder, ctx.force, &mut pages)?;
    let mut report = ctx::Report::new("man");
    for page in &pages {
        report.line(format!("wrote {}", page.display()));
    }
    report.set(
        "pages",
        pages
            .iter()
            .map(|page| json!(page.display().to_string()))
            .collect(),
    );
    report.finish(ctx, out)
}

/// Writes the page of `command` (named `name`), then of each subcommand.
fn man_pages(
    command: &clap::Command,
    name: &str,
    folder: &std::path::Path,
    force: bool,
    pages: &mut Vec<std::path::PathBuf>,
) -> Result<(), CliError> {
    let path = folder.join(format!("{name}.1"));
    if !force && path.exists() {
        return Err(CliError::tool(ToolCode::FileExists, "the page exists")
            .file(&path)
            .hint("give --force to replace the pages, or another --out folder"));
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone().display_name(name.to_owned()))
        .render(&mut page)
        .map_err(|source| CliError::io(&path, &source))?;
    std::fs::write(&path, page).map_err(|source| CliError::io(&path, &source))?;
    pages.push(path);
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        man_pages(
            sub,
            &format!("{name}-{}", sub.get_name()),
            folder,
            force,
            pages,
        )?;
    }
    Ok(())
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
    let json = cli.global.json;
    let mut out = QuietPipe(std::io::stdout().lock());
    let code = match run(cli, &mut out) {
        Ok(code) => code,
        Err(error) => {
            if json {
                let _ = ctx::print_json(&mut out, error.to_json());
            } else {
                // A refused part's verdict leads, as every verdict does.
                if let Some((headline, advice)) = error.verdict_words() {
                    let _ = writeln!(out, "{headline}\n{advice}");
                }
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

/// Whether `--json` was given, read by clap itself from a command line it
/// could not fully parse.
fn asked_for_json(arguments: &[OsString]) -> bool {
    fn any(matches: &ArgMatches) -> bool {
        matches!(matches.try_get_one::<bool>("json"), Ok(Some(true)))
            || matches.subcommand().is_some_and(|(_, sub)| any(sub))
    }
    Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(arguments)
        .is_ok_and(|matches| any(&matches))
}

/// The usage line of the (sub)command a command line names, as clap
/// writes it.
fn usage_of(arguments: &[OsString]) -> Option<String> {
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(arguments)
        .ok()?;
    let mut command = Cli::command();
    command.build();
    let mut current = &mut command;
    let mut matches = &matches;
    while let Some((name, sub)) = matches.subcommand() {
        current = current.find_subcommand_mut(name)?;
        matches = sub;
    }
    let usage = current.render_usage().to_string();
    Some(usage.trim().to_owned())
}

/// `InvalidValue` as `invalid-value`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn usage_error(error: &clap::Error, arguments: &[OsString]) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            let code = if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                exit::USAGE
            } else {
                exit::OK
            };
            return ExitCode::from(code);
        }
        _ => {}
    }
    if asked_for_json(arguments) {
        let rendered = error.render().to_string();
        let message = rendered
            .lines()
            .next()
            .unwrap_or("usage error")
            .trim_start_matches("error: ")
            .to_owned();
        let context = |kind: ContextKind| match error.get(kind) {
            Some(ContextValue::String(text)) => Some(text.clone()),
            Some(ContextValue::Strings(texts)) => Some(texts.join(", ")),
            _ => None,
        };
        let usage = rendered
            .lines()
            .map(str::trim)
            .find(|line| line.starts_with("Usage:"))
            .map(str::to_owned)
            .or_else(|| usage_of(arguments));
        let tip = rendered
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with("tip:") || line.starts_with("For more information"))
            .collect::<Vec<_>>()
            .join(" ");
        let mut detail = json!({
            "code": ToolCode::Usage as u32,
            "name": ToolCode::Usage.name(),
            "family": ToolCode::Usage.family(),
            "message": message,
            "kind": kebab(&format!("{:?}", error.kind())),
            "hint": if tip.is_empty() { "see --help".to_owned() } else { tip },
        });
        if let Some(flag) = context(ContextKind::InvalidArg) {
            detail["flag"] = json!(flag);
        }
        if let Some(value) = context(ContextKind::InvalidValue) {
            detail["value"] = json!(value);
        }
        if let Some(usage) = usage {
            detail["usage"] = json!(usage);
        }
        let value = json!({ "ok": false, "exit_code": exit::USAGE, "error": detail });
        println!("{}", ctx::versioned(value));
    } else {
        let _ = error.print();
    }
    ExitCode::from(exit::USAGE)
}
