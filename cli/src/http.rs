//! Fetching a repository's files over HTTP or HTTPS, for `blocklist sync`:
//! each file read to no more than the size its head names, within a time
//! budget, tried again after a network or server error with a growing
//! pause. What the bytes mean is the core's to check (`Update::offer`).
//!
//! ureq with rustls: pure Rust, no system TLS library to install or keep
//! patched on a shop's PC, the webpki roots built in.

use std::io::Read;
use std::time::Duration;

use indicatif::ProgressBar;

use crate::error::{CliError, ToolCode};
use crate::progress;

/// A file must arrive at this rate at least (after the fixed timeout): a
/// server that trickles bytes is given up on, as TUF's clients do.
const MIN_RATE: u64 = 64 * 1024;
/// The first pause before trying again; it doubles each time.
const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// The longest pause between two tries.
const MAX_PAUSE: Duration = Duration::from_secs(8);

/// A repository's address and how patiently to fetch from it.
pub struct Fetcher {
    agent: ureq::Agent,
    base: String,
    timeout: Duration,
    retries: u32,
}

/// Why one try failed.
enum Failed {
    /// A network or server error: worth another try.
    Again(String),
    /// An error another try will not mend (a missing file).
    Final(String),
    /// The server announces more bytes than the head names: not read.
    TooLong(u64),
}

impl Fetcher {
    /// Fetches from `base` (no trailing `/`); `timeout` bounds connecting,
    /// each read, and each file beyond what its size needs at 64 KiB/s;
    /// `retries` more tries follow a network or server error.
    pub fn new(base: &str, timeout: Duration, retries: u32) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(timeout))
            .timeout_per_read(Some(timeout))
            .user_agent(concat!("partcert/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Fetcher {
            agent,
            base: base.trim_end_matches('/').to_owned(),
            timeout,
            retries,
        }
    }

    /// The URL of `path` under the repository.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    /// The bytes at `path`, read to at most `size` + 1 bytes (one more
    /// than a file of `size` has: the core refuses a file of another
    /// size). A body the server announces longer than `size` is not read.
    pub fn get(&self, path: &str, size: u64) -> Result<Vec<u8>, CliError> {
        let url = self.url(path);
        let mut pause = FIRST_PAUSE;
        let mut tries = 0;
        loop {
            let message = match self.try_get(&url, size) {
                Ok(bytes) => return Ok(bytes),
                Err(Failed::Again(_)) if tries < self.retries => {
                    tries += 1;
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(MAX_PAUSE);
                    continue;
                }
                Err(Failed::TooLong(announced)) => {
                    return Err(too_long(&url, path, announced, size));
                }
                Err(Failed::Again(message) | Failed::Final(message)) => message,
            };
            let tried = match tries {
                0 => String::new(),
                _ => format!(" (tried {} times)", tries + 1),
            };
            return Err(network(&url, format!("{message}{tried}")));
        }
    }

    fn try_get(&self, url: &str, size: u64) -> Result<Vec<u8>, Failed> {
        let budget = self.timeout + Duration::from_secs(size / MIN_RATE);
        let response = self
            .agent
            .get(url)
            .config()
            .timeout_per_call(Some(budget))
            .build()
            .call()
            .map_err(|error| failed(&error))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let reason = response.status().canonical_reason().unwrap_or("");
            let message = format!("the server answered HTTP {status} {reason}");
            // A server error or a busy server may pass; a missing file will not.
            return Err(if status >= 500 || status == 408 || status == 429 {
                Failed::Again(message)
            } else {
                Failed::Final(message)
            });
        }
        let announced = response.body().content_length();
        if let Some(announced) = announced.filter(|announced| *announced > size) {
            return Err(Failed::TooLong(announced));
        }
        let bar = progress::downloading(url, announced.unwrap_or(size));
        let read = read_body(response.into_body(), size, &bar);
        bar.finish_and_clear();
        read
    }
}

/// The body, to at most `size` + 1 bytes.
fn read_body(body: ureq::Body, size: u64, bar: &ProgressBar) -> Result<Vec<u8>, Failed> {
    let mut reader = body.into_reader().take(size.saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(64 << 20)).unwrap_or(0));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let read = reader
            .read(&mut chunk)
            .map_err(|error| failed(&ureq::Error::from(error)))?;
        if read == 0 {
            return Ok(bytes);
        }
        bytes.extend_from_slice(&chunk[..read]);
        bar.inc(read as u64);
    }
}

/// A failed try, said plainly: the network's errors are worth another try.
fn failed(error: &ureq::Error) -> Failed {
    let message = match error {
        ureq::Error::Timeout(_) => "timed out (see --timeout-secs)".to_owned(),
        other => other.to_string(),
    };
    match error {
        ureq::Error::Io(_)
        | ureq::Error::Timeout(_)
        | ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::Protocol(_)
        | ureq::Error::BodyStalled => Failed::Again(message),
        _ => Failed::Final(message),
    }
}

/// A body announced longer than the head names, refused unread: the
/// core's refusal of a file of another size, said before reading.
fn too_long(url: &str, path: &str, announced: u64, size: u64) -> CliError {
    CliError::core(partcert::Error::FileMismatch {
        path: path.to_owned(),
        what: "size",
    })
    .message(format!(
        "the server offers {announced} bytes where the repository's head names {size}: not read"
    ))
    .hint("the mirror serves another file than its head names: the state is untouched")
    .url(url)
}

/// A network or server error about `url` (exit 1): nothing was changed.
pub fn network(url: &str, message: String) -> CliError {
    CliError::tool(ToolCode::Network, message)
        .hint(
            "the state is untouched: check the address and the network, then try again later \
             or from another mirror",
        )
        .url(url)
}
