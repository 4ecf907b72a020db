//! The README's command walkthrough ("The commands") runs as written: this
//! test extracts every `sh` block of that section from README.md and runs
//! its commands one by one with bash, in an empty folder, with the built
//! `partcert` first on PATH. A command exits 0 unless its line ends in a
//! comment saying `exits N`.

use std::path::Path;
use std::process::Command;

/// One command of the walkthrough: its text (continuation lines joined)
/// and the exit code it must end with.
struct Step {
    text: String,
    exit: i32,
}

/// The `sh` blocks of the README section `### The commands`, up to the next
/// `### ` heading (its `####` subsections included).
fn walkthrough(readme: &str) -> Vec<Step> {
    let start = readme
        .find("\n### The commands\n")
        .expect("README.md has a section \"### The commands\"");
    let section = &readme[start + 1..];
    let end = section[4..]
        .find("\n### ")
        .map_or(section.len(), |end| end + 4);
    let section = &section[..end];
    let mut steps = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in section.lines() {
        if line.starts_with("```") {
            in_block = !in_block && line == "```sh";
            continue;
        }
        if !in_block || (pending.is_empty() && line.trim().is_empty()) {
            continue;
        }
        let (body, continues) = match line.trim_end().strip_suffix('\\') {
            Some(body) => (body, true),
            None => (line, false),
        };
        pending.push_str(body);
        pending.push(' ');
        if continues {
            continue;
        }
        let text = std::mem::take(&mut pending);
        let exit = text
            .split_once("# exits ")
            .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|digits| digits.parse().ok())
            .unwrap_or(0);
        steps.push(Step {
            text: text.trim().to_owned(),
            exit,
        });
    }
    assert!(!in_block, "an sh block of \"The commands\" is not closed");
    steps
}

#[test]
fn the_readme_walkthrough_runs_as_written_in_an_empty_folder() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("README.md");
    let steps = walkthrough(&readme);
    assert!(
        steps.len() >= 20,
        "the walkthrough has {} commands",
        steps.len()
    );
    for step in &steps {
        assert!(
            !step.text.contains("..."),
            "no elided command: {}",
            step.text
        );
        assert!(
            !step.text.contains("cargo run"),
            "partcert is on PATH: {}",
            step.text
        );
    }

    let bin = Path::new(env!("CARGO_BIN_EXE_partcert"))
        .parent()
        .expect("the binary's folder")
        .to_owned();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    // The README serves its repository on port 8750; the test on a port
    // free now, so that two runs on one machine never meet (a command that
    // cannot bind would otherwise sync from the other run's server).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let folder = tempfile::tempdir().expect("an empty folder");
    let _server = StopServer(port.clone());
    for (index, step) in steps.iter().enumerate() {
        let text = step
            .text
            .replace("127.0.0.1:8750", &format!("127.0.0.1:{port}"))
            .replace("http.server 8750", &format!("http.server {port}"));
        let output = Command::new("bash")
            .args(["-c", &text])
            .env("PATH", &path)
            .current_dir(folder.path())
            .output()
            .expect("bash runs");
        assert_eq!(
            output.status.code(),
            Some(step.exit),
            "README command {} of {}:\n{}\nstdout: {}\nstderr: {}",
            index + 1,
            steps.len(),
            text,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&output.stderr).contains("command not found"),
            "{text}"
        );
    }
}

/// Stops the walkthrough's web server (started in the background with a
/// time limit) when the test ends, however it ends.
struct StopServer(String);

impl Drop for StopServer {
    fn drop(&mut self) {
        let _ = Command::new("pkill")
            .args(["-f", &format!("http.server {} ", self.0)])
            .status();
    }
}
