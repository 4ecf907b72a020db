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
                if let Some((headline, advice)) = error.verdict_words() {
                    report.extend_from_slice(format!("{headline}\n{advice}\n").as_bytes());
                }
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

/// The story, scene by scene.
#[rustfmt::skip]
fn play(story: &mut Story<'_>, folder: &Path) -> Result<(), CliError> {
    writeln!(story.out, "The London story, played with the partcert tool in {}", folder.display())?;
    writeln!(
        story.out,
        "In 2022, 90,864 phones were stolen in London, many broken up for parts.\n\
         Here is how a signed part certificate and a signed blocklist make those parts worthless,\n\
         while a genuine used part from a clean handset stays fit for repair."
    )?;
    acme_sets_up(story)?;
    register_sets_up(story)?;
    story.scene("The factory builds Alice's phone: a board carrying its IMEI, a keyed screen, a battery")?;
    let note = "(the screen's secret key stays inside its secure element; the factory certifies the public half)";
    let alice = Handset { owner: "alice", imei: ALICE_IMEI, number: "0001", battery: true, note: Some(note) };
    build_handset(story, &alice)?;
    story.scene("The factory builds Bob's phone the same way")?;
    let bob = Handset { owner: "bob", imei: BOB_IMEI, number: "0002", battery: false, note: None };
    build_handset(story, &bob)?;
    story.scene("Oxford Street: Alice's phone is snatched from her hand by a thief on an e-bike")?;
    story.say("She reports it. The register lists the handset's IMEI and every part paired to it.")?;
    alice_is_listed(story)?;
    shop_checks_screens(story)?;
    counterfeit_arrives(story)
}

const ALICE_IMEI: &str = "356938035643809";
const BOB_IMEI: &str = "490154203237518";

#[rustfmt::skip]
fn acme_sets_up(story: &mut Story<'_>) -> Result<(), CliError> {
    story.scene("Acme, a phone maker, creates its offline root, a factory line and a pairing service")?;
    story.say("(the root names the makers its lines may certify; a line certifies only those)")?;
    new_root(story, "acme-root")?;
    new_line(story, "acme-root", "board,screen,battery", "acme-line3")?;
    story.step(&[
        "authority", "new", "--root", "acme-root.key", "--root-cert", "acme-root.cert",
        "--role", "pairing", "--name", "Acme pairing service", "--out", "acme-pairing",
    ])
}

#[rustfmt::skip]
fn register_sets_up(story: &mut Story<'_>) -> Result<(), CliError> {
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
    ])
}

/// A maker's root named "Acme Phones root 2026" (Acme's own, or a forger's).
#[rustfmt::skip]
fn new_root(story: &mut Story<'_>, out: &str) -> Result<(), CliError> {
    story.step(&[
        "root", "new", "--name", "Acme Phones root 2026", "--manufacturer", "Acme", "--out", out,
    ])
}

/// A factory line named "Acme factory line 3", certified by `root`.
#[rustfmt::skip]
fn new_line(story: &mut Story<'_>, root: &str, kinds: &str, out: &str) -> Result<(), CliError> {
    let (key, cert) = (format!("{root}.key"), format!("{root}.cert"));
    story.step(&[
        "authority", "new", "--root", &key, "--root-cert", &cert,
        "--role", "part-issuer", "--name", "Acme factory line 3", "--kinds", kinds, "--out", out,
    ])
}

/// A part certified by the factory line `line` (`extra`: its IMEI or key).
#[rustfmt::skip]
fn issue_part(
    story: &mut Story<'_>,
    line: &str,
    (kind, serial, model): (&str, &str, &str),
    extra: &[&str],
    out: &str,
) -> Result<(), CliError> {
    let (key, cert) = (format!("{line}.key"), format!("{line}.cert"));
    let mut arguments = vec![
        "part", "issue", "--issuer", &key, "--issuer-cert", &cert,
        "--kind", kind, "--serial", serial, "--model", model, "--manufacturer", "Acme",
    ];
    arguments.extend_from_slice(extra);
    arguments.extend_from_slice(&["--out", out]);
    story.step(&arguments)
}

/// A handset the factory builds and pairs.
struct Handset<'a> {
    owner: &'a str,
    imei: &'a str,
    /// Its parts' serial number, e.g. `0001` for `BRD-0001`.
    number: &'a str,
    /// Whether it has a battery certified too.
    battery: bool,
    /// Said once its screen's key pair is made.
    note: Option<&'a str>,
}

/// The factory builds a handset: a keyed screen's key pair, a board
/// carrying its IMEI, the screen (and a battery), and its pairing record.
#[rustfmt::skip]
fn build_handset(story: &mut Story<'_>, handset: &Handset<'_>) -> Result<(), CliError> {
    let file = |part: &str| format!("{}-{part}", handset.owner);
    let (board, screen, battery, key) =
        (file("board.cert"), file("screen.cert"), file("battery.cert"), file("screen.pub"));
    story.step(&["part", "keygen", "--out", &file("screen")])?;
    if let Some(note) = handset.note {
        story.say(note)?;
    }
    let (board_serial, screen_serial) =
        (format!("BRD-{}", handset.number), format!("SCR-{}", handset.number));
    issue_part(story, "acme-line3", ("board", &board_serial, "A1"), &["--imei", handset.imei], &board)?;
    issue_part(story, "acme-line3", ("screen", &screen_serial, "A1 OLED"), &["--part-key", &key], &screen)?;
    let record = format!("{}.pair", handset.owner);
    let mut pair = vec![
        "pair", "--service", "acme-pairing.key", "--service-cert", "acme-pairing.cert",
        "--board", &board, "--part", &screen,
    ];
    if handset.battery {
        issue_part(story, "acme-line3", ("battery", "BAT-0001", "A1 4000mAh"), &[], &battery)?;
        pair.push(&battery);
    }
    pair.extend_from_slice(&["--out", &record]);
    story.step(&pair)
}

/// The register lists Alice's handset, its IMEI and every part paired to it.
#[rustfmt::skip]
fn alice_is_listed(story: &mut Story<'_>) -> Result<(), CliError> {
    story.step(&[
        "blocklist", "new", "--authority", "register.key", "--authority-cert", "register.cert",
        "--sequence", "1", "--from-pairing", "alice.pair", "--reason", "stolen",
        "--out", "register-1.pcbl",
    ])?;
    story.step(&["show", "register-1.pcbl"])
}

#[rustfmt::skip]
fn shop_checks_screens(story: &mut Story<'_>) -> Result<(), CliError> {
    story.scene("The phone is broken up for parts; its screen is offered to a repair shop")?;
    story.say("The shop sends the screen a fresh challenge; the screen's secure element answers it.")?;
    story.step(&["challenge", "new", "--out", "shop.challenge"])?;
    respond(story, "alice")?;
    let verify = [
        "verify", "--trust", "acme-root.cert", "--blocklist-trust", "register-root.cert",
        "--blocklist", "register-1.pcbl", "--chain", "acme-line3.cert",
        "--challenge", "shop.challenge", "--response",
    ];
    story.expect(
        &[&verify[..], &["alice-screen.response", "alice-screen.cert"]].concat(),
        exit::BLOCKED,
        "genuine, but BLOCKED: do not fit it; the shop can tell the police",
    )?;
    story.scene("Bob dropped his phone in the Thames; its screen survived and is sold as a donor part")?;
    respond(story, "bob")?;
    story.expect(
        &[&verify[..], &["bob-screen.response", "--pairing", "bob.pair", "bob-screen.cert"]].concat(),
        exit::OK,
        "genuine, used, clean: fit it; repair stays open",
    )
}

/// `owner`'s screen answers the shop's challenge.
#[rustfmt::skip]
fn respond(story: &mut Story<'_>, owner: &str) -> Result<(), CliError> {
    let (key, cert, out) = (
        format!("{owner}-screen.key"), format!("{owner}-screen.cert"),
        format!("{owner}-screen.response"),
    );
    story.step(&[
        "part", "respond", "--part-key", &key, "--cert", &cert,
        "--challenge", "shop.challenge", "--out", &out,
    ])
}

#[rustfmt::skip]
fn counterfeit_arrives(story: &mut Story<'_>) -> Result<(), CliError> {
    story.scene("A counterfeit screen arrives, certified by a forger's own \"Acme\" root")?;
    new_root(story, "forger-root")?;
    new_line(story, "forger-root", "screen", "forger-line")?;
    let screen = ("screen", "SCR-0003", "A1 OLED");
    issue_part(story, "forger-line", screen, &[], "fake-screen.cert")?;
    story.expect(
        &["verify", "--trust", "acme-root.cert", "--chain", "forger-line.cert", "fake-screen.cert"],
        exit::INVALID,
        "untrusted: it claims to be Acme's, but is not signed by the Acme root the shop trusts",
    )
}
