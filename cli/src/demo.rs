//! `partcert demo`: the London story, played with the tool's own commands
//! in a scratch folder, printing each command and what it says.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::args::{Cli, DemoArgs};
use crate::ctx::Ctx;
use crate::error::{CliError, ToolCode, exit};

struct Story<'a> {
    out: &'a mut dyn Write,
    surprises: Vec<String>,
}

impl Story<'_> {
    fn scene(&mut self, text: &str) -> Result<(), CliError> {
        writeln!(self.out, "\n== {text}")?;
        Ok(())
    }

    fn say(&mut self, text: &str) -> Result<(), CliError> {
        writeln!(self.out, "   {text}")?;
        Ok(())
    }

    /// Runs `partcert ARGS` as a user would type it; returns its exit code.
    fn partcert(&mut self, arguments: &[&str]) -> Result<u8, CliError> {
        let shown: Vec<String> = arguments
            .iter()
            .map(|argument| {
                if argument.contains(' ') {
                    format!("\"{argument}\"")
                } else {
                    (*argument).to_owned()
                }
            })
            .collect();
        writeln!(self.out, "$ partcert {}", shown.join(" "))?;
        let cli = Cli::try_parse_from(std::iter::once("partcert").chain(arguments.iter().copied()))
            .map_err(|error| {
                CliError::tool(
                    ToolCode::Internal,
                    format!("the demo's own command is wrong: {error}"),
                )
                .hint("a bug: please report it")
            })?;
        let mut report = Vec::new();
        let code = match crate::run(cli, &mut report) {
            Ok(code) => code,
            // Refused evidence is part of the story: show it as the tool prints it.
            Err(error) if error.exit_code() == exit::INVALID => {
                report.extend_from_slice(format!("partcert: {error}\n").as_bytes());
                error.exit_code()
            }
            Err(other) => return Err(other),
        };
        for line in String::from_utf8_lossy(&report).lines() {
            writeln!(self.out, "  {line}")?;
        }
        Ok(code)
    }

    /// Runs a command that must succeed.
    fn step(&mut self, arguments: &[&str]) -> Result<(), CliError> {
        self.expect(arguments, exit::OK, "done")
    }

    /// Runs a command and checks its exit code is the one the story needs.
    fn expect(&mut self, arguments: &[&str], wanted: u8, meaning: &str) -> Result<(), CliError> {
        let code = self.partcert(arguments)?;
        if code == wanted {
            if wanted != exit::OK || meaning != "done" {
                writeln!(self.out, "   -> exit code {code}: {meaning}")?;
            }
        } else {
            writeln!(
                self.out,
                "   -> exit code {code}, but the story expects {wanted} ({meaning})"
            )?;
            self.surprises
                .push(format!("partcert {}: exit {code}", arguments.join(" ")));
        }
        Ok(())
    }
}

/// `partcert demo`
pub fn demo(args: DemoArgs, ctx: Ctx, out: &mut dyn Write) -> Result<u8, CliError> {
    ctx.refuse_unused("demo", false, false)?;
    ctx.refuse_json("demo", "a story")?;
    let scratch;
    let folder: PathBuf = match args.keep {
        Some(folder) => {
            let in_use = std::fs::read_dir(&folder)
                .map(|mut entries| entries.next().is_some())
                .unwrap_or(false);
            if in_use {
                return Err(CliError::tool(
                    ToolCode::FileExists,
                    "the folder is not empty: the demo would mix its files with yours",
                )
                .file(&folder)
                .flag("--keep")
                .hint("give a new or empty folder"));
            }
            std::fs::create_dir_all(&folder).map_err(|source| CliError::io(&folder, &source))?;
            folder
        }
        None => {
            scratch = tempfile::Builder::new()
                .prefix("partcert-demo-")
                .tempdir()
                .map_err(|source| CliError::io(&std::env::temp_dir(), &source))?;
            scratch.path().to_owned()
        }
    };
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source: std::io::Error| CliError::io(&path, &source)
    };
    let home = std::env::current_dir().map_err(io(Path::new(".")))?;
    // The commands are shown as typed in that folder, so they run there.
    std::env::set_current_dir(&folder).map_err(io(&folder))?;
    let mut story = Story {
        out,
        surprises: Vec::new(),
    };
    let played = play(&mut story, &folder);
    std::env::set_current_dir(&home).map_err(io(&home))?;
    played?;
    if story.surprises.is_empty() {
        writeln!(
            story.out,
            "\nThe stolen phone's screen is worthless; the honest donor screen is fit to use."
        )?;
        Ok(exit::OK)
    } else {
        Err(CliError::tool(
            ToolCode::Internal,
            format!(
                "the demo did not go as the story says: {}",
                story.surprises.join("; ")
            ),
        )
        .hint("a bug: please report it"))
    }
}

#[rustfmt::skip]
fn play(story: &mut Story<'_>, folder: &Path) -> Result<(), CliError> {
    let alice_imei = "356938035643809";
    let bob_imei = "490154203237518";
    writeln!(
        story.out,
        "The London story, played with the partcert tool in {}",
        folder.display()
    )?;
    writeln!(
        story.out,
        "In 2022, 90,864 phones were stolen in London, many broken up for parts.\n\
         Here is how a signed part certificate and a signed blocklist make those parts worthless,\n\
         while a genuine used part from a clean handset stays fit for repair."
    )?;

    story.scene("Acme, a phone maker, creates its offline root, a factory line and a pairing service")?;
    story.say("(the root names the makers its lines may certify; a line certifies only those)")?;
    story.step(&[
        "root", "new", "--name", "Acme Phones root 2026", "--manufacturer", "Acme",
        "--out", "acme-root",
    ])?;
    story.step(&[
        "authority", "new", "--root", "acme-root.key", "--root-cert", "acme-root.cert",
        "--role", "part-issuer", "--name", "Acme factory line 3",
        "--kinds", "board,screen,battery", "--out", "acme-line3",
    ])?;
    story.step(&[
        "authority", "new", "--root", "acme-root.key", "--root-cert", "acme-root.cert",
        "--role", "pairing", "--name", "Acme pairing service", "--out", "acme-pairing",
    ])?;

    story.scene("The national register of stolen phones creates its root and its daily publisher")?;
    story.say("(the publisher key signs lists of epoch 0 only: if it is ever stolen, the root opens epoch 1)")?;
    story.step(&[
        "root", "new", "--role", "blocklist", "--name", "National Mobile Property Register",
        "--out", "register-root",
    ])?;
    story.step(&[
        "authority", "new", "--root", "register-root.key", "--root-cert", "register-root.cert",
        "--role", "blocklist", "--name", "Register daily publisher", "--epoch", "0",
        "--out", "register",
    ])?;

    story.scene("The factory builds Alice's phone: a board carrying its IMEI, a keyed screen, a battery")?;
    story.step(&["part", "keygen", "--out", "alice-screen"])?;
    story.say("(the screen's secret key stays inside its secure element; the factory certifies the public half)")?;
    story.step(&[
        "part", "issue", "--issuer", "acme-line3.key", "--issuer-cert", "acme-line3.cert",
        "--kind", "board", "--serial", "BRD-0001", "--model", "A1", "--manufacturer", "Acme",
        "--imei", alice_imei, "--out", "alice-board.cert",
    ])?;
    story.step(&[
        "part", "issue", "--issuer", "acme-line3.key", "--issuer-cert", "acme-line3.cert",
        "--kind", "screen", "--serial", "SCR-0001", "--model", "A1 OLED", "--manufacturer", "Acme",
        "--part-key", "alice-screen.pub", "--out", "alice-screen.cert",
    ])?;
    story.step(&[
        "part", "issue", "--issuer", "acme-line3.key", "--issuer-cert", "acme-line3.cert",
        "--kind", "battery", "--serial", "BAT-0001", "--model", "A1 4000mAh",
        "--manufacturer", "Acme", "--out", "alice-battery.cert",
    ])?;
    story.step(&[
        "pair", "--service", "acme-pairing.key", "--service-cert", "acme-pairing.cert",
        "--board", "alice-board.cert", "--part", "alice-screen.cert", "alice-battery.cert",
        "--out", "alice.pair",
    ])?;

    story.scene("The factory builds Bob's phone the same way")?;
    story.step(&["part", "keygen", "--out", "bob-screen"])?;
    story.step(&[
        "part", "issue", "--issuer", "acme-line3.key", "--issuer-cert", "acme-line3.cert",
        "--kind", "board", "--serial", "BRD-0002", "--model", "A1", "--manufacturer", "Acme",
        "--imei", bob_imei, "--out", "bob-board.cert",
    ])?;
    story.step(&[
        "part", "issue", "--issuer", "acme-line3.key", "--issuer-cert", "acme-line3.cert",
        "--kind", "screen", "--serial", "SCR-0002", "--model", "A1 OLED", "--manufacturer", "Acme",
        "--part-key", "bob-screen.pub", "--out", "bob-screen.cert",
    ])?;
    story.step(&[
        "pair", "--service", "acme-pairing.key", "--service-cert", "acme-pairing.cert",
        "--board", "bob-board.cert", "--part", "bob-screen.cert", "--out", "bob.pair",
    ])?;

    story.scene("Oxford Street: Alice's phone is snatched from her hand by a thief on an e-bike")?;
    story.say("She reports it. The register lists the handset's IMEI and every part paired to it.")?;
    story.step(&[
        "blocklist", "new", "--authority", "register.key", "--authority-cert", "register.cert",
        "--sequence", "1", "--from-pairing", "alice.pair", "--reason", "stolen",
        "--out", "register-1.pcbl",
    ])?;
    story.step(&["show", "register-1.pcbl"])?;

    story.scene("The phone is broken up for parts; its screen is offered to a repair shop")?;
    story.say("The shop sends the screen a fresh challenge; the screen's secure element answers it.")?;
    story.step(&["challenge", "new", "--out", "shop.challenge"])?;
    story.step(&[
        "part", "respond", "--part-key", "alice-screen.key", "--cert", "alice-screen.cert",
        "--challenge", "shop.challenge", "--out", "alice-screen.response",
    ])?;
    story.expect(
        &[
            "verify", "--trust", "acme-root.cert", "--blocklist-trust", "register-root.cert",
            "--blocklist", "register-1.pcbl", "--chain", "acme-line3.cert",
            "--challenge", "shop.challenge", "--response", "alice-screen.response",
            "alice-screen.cert",
        ],
        exit::BLOCKED,
        "genuine, but BLOCKED: do not fit it; the shop can tell the police",
    )?;

    story.scene("Bob dropped his phone in the Thames; its screen survived and is sold as a donor part")?;
    story.step(&[
        "part", "respond", "--part-key", "bob-screen.key", "--cert", "bob-screen.cert",
        "--challenge", "shop.challenge", "--out", "bob-screen.response",
    ])?;
    story.expect(
        &[
            "verify", "--trust", "acme-root.cert", "--blocklist-trust", "register-root.cert",
            "--blocklist", "register-1.pcbl", "--chain", "acme-line3.cert",
            "--pairing", "bob.pair", "--challenge", "shop.challenge",
            "--response", "bob-screen.response", "bob-screen.cert",
        ],
        exit::OK,
        "genuine, used, clean: fit it; repair stays open",
    )?;

    story.scene("A counterfeit screen arrives, certified by a forger's own \"Acme\" root")?;
    story.step(&[
        "root", "new", "--name", "Acme Phones root 2026", "--manufacturer", "Acme",
        "--out", "forger-root",
    ])?;
    story.step(&[
        "authority", "new", "--root", "forger-root.key", "--root-cert", "forger-root.cert",
        "--role", "part-issuer", "--name", "Acme factory line 3", "--kinds", "screen",
        "--out", "forger-line",
    ])?;
    story.step(&[
        "part", "issue", "--issuer", "forger-line.key", "--issuer-cert", "forger-line.cert",
        "--kind", "screen", "--serial", "SCR-0003", "--model", "A1 OLED", "--manufacturer", "Acme",
        "--out", "fake-screen.cert",
    ])?;
    story.expect(
        &[
            "verify", "--trust", "acme-root.cert", "--chain", "forger-line.cert",
            "fake-screen.cert",
        ],
        exit::INVALID,
        "untrusted: it does not chain to the Acme root the shop pins",
    )?;
    Ok(())
}
