//! A real web server for the tests that sync: nginx on 127.0.0.1, started
//! by `scripts/serve.sh` (which installs Debian's nginx-light when it is
//! missing) and stopped when the test's `Server` is dropped, even when the
//! test fails.

use std::path::Path;
use std::process::Command;

/// nginx serving a folder on loopback, until dropped.
pub struct Server {
    run: tempfile::TempDir,
    /// Its base address, `http://127.0.0.1:PORT`.
    pub url: String,
}

fn serve_script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/serve.sh")
}

impl Server {
    /// Serves `folder` as it is.
    pub fn start(folder: &Path) -> Self {
        Self::start_with(folder, "")
    }

    /// Serves `folder`, with `extra` (nginx directives, e.g. `location
    /// /lists/ { limit_rate 20; }`) in its server block.
    pub fn start_with(folder: &Path, extra: &str) -> Self {
        let run = tempfile::tempdir().expect("a folder for nginx's files");
        let mut command = Command::new("bash");
        command
            .arg(serve_script())
            .arg("start")
            .arg(folder)
            .arg(run.path().join("nginx"));
        if !extra.is_empty() {
            let conf = run.path().join("extra.conf");
            std::fs::write(&conf, extra).expect("write the extra configuration");
            command.arg(conf);
        }
        let output = command.output().expect("bash runs scripts/serve.sh");
        assert!(
            output.status.success(),
            "nginx did not start: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let url = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Server { run, url }
    }

    /// What nginx logged of each request: `GET /path 200 BYTES_SENT`.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.run.path().join("nginx/access.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(serve_script())
            .arg("stop")
            .arg(self.run.path().join("nginx"))
            .output();
    }
}
