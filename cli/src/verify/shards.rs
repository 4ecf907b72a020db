//! `--blocklist-repo URL`: a check against a register's list without
//! holding it. The head is fetched, then only the shards the keys checked
//! lie in (the core plans them: `Blocklist::check_shards`), each proven
//! against the root the head signs before it is kept; the verdict is then
//! given exactly as with the whole list. The server learns which shards
//! were fetched, nothing finer.

use std::time::Duration;

use partcert::blocklist::{BlockKey, Head};
use partcert::{Blocklist, ObjectType, TrustStore, Verifier};
use serde_json::{Value, json};

use crate::blocklist::{HEAD, file_refused, head_refused};
use crate::error::{CliError, ToolCode};
use crate::http::Fetcher;

/// How long to wait for a repository, and how many more tries.
const TIMEOUT: Duration = Duration::from_secs(30);
const RETRIES: u32 = 3;

/// What one repository served for a check.
pub struct Fetched {
    url: String,
    head: Head,
    /// The shard files fetched, by path.
    paths: Vec<String>,
    /// Every byte fetched, the head's included.
    bytes: u64,
}

/// Fetches, from each repository in `urls` (none: nothing is done), its
/// head and the shards that the keys a verdict looks up lie in (`keys`
/// says which, from a verifier), and holds each register's list in
/// `blocklist` as those shards.
pub fn fetch(
    blocklist: &mut Blocklist,
    trust: &TrustStore,
    now: u64,
    urls: &[String],
    keys: impl FnOnce(Verifier<'_>) -> Vec<BlockKey>,
) -> Result<Vec<Fetched>, CliError> {
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    let keys = keys(Verifier::new(trust));
    let keys = keys.as_slice();
    let mut fetched = Vec::with_capacity(urls.len());
    for url in urls {
        let fetcher = Fetcher::new(url, TIMEOUT, RETRIES);
        let head_bytes = fetcher.get(HEAD, ObjectType::RepositoryHead.max_len() as u64)?;
        let mut bytes = head_bytes.len() as u64;
        let mut check = blocklist
            .check_shards(trust, &head_bytes, keys, now)
            .map_err(|error| head_refused(error, &fetcher.url(HEAD)))?;
        let head = check.head().clone();
        // Every shard at once: the second and last round trip.
        let plan = check.fetches();
        let bodies: Vec<Result<Vec<u8>, CliError>> = std::thread::scope(|scope| {
            let fetching: Vec<_> = plan
                .iter()
                .map(|shard| scope.spawn(|| fetcher.get(&shard.path, shard.max_size)))
                .collect();
            fetching
                .into_iter()
                .map(|fetch| {
                    fetch.join().unwrap_or_else(|_| {
                        Err(
                            CliError::tool(ToolCode::Internal, "a fetch thread panicked")
                                .hint("a bug: please report it"),
                        )
                    })
                })
                .collect()
        });
        let mut paths = Vec::with_capacity(plan.len());
        for (shard, body) in plan.into_iter().zip(bodies) {
            let body = body?;
            bytes += body.len() as u64;
            check
                .offer(&body)
                .map_err(|error| file_refused(error, &fetcher.url(&shard.path)))?;
            paths.push(shard.path);
        }
        *blocklist = check
            .finish()
            .map_err(|error| file_refused(error, &fetcher.url(HEAD)))?;
        fetched.push(Fetched {
            url: url.clone(),
            head,
            paths,
            bytes,
        });
    }
    Ok(fetched)
}

/// What was fetched, in words (under `--verbose`).
pub fn fetched_lines(fetched: &[Fetched]) -> Vec<String> {
    fetched
        .iter()
        .map(|repo| {
            let bits = repo.head.shards().map_or(0, |shards| shards.bits);
            format!(
                "checked through {} shard{} of {} ({} bytes with its head); the server learned \
                 only which 1/2^{bits} of the key space each key checked lies in",
                repo.paths.len(),
                if repo.paths.len() == 1 { "" } else { "s" },
                repo.url,
                repo.bytes,
            )
        })
        .collect()
}

/// What was fetched, in `--json`.
pub fn fetched_json(fetched: &[Fetched]) -> Value {
    fetched
        .iter()
        .map(|repo| {
            json!({
                "url": repo.url,
                "epoch": repo.head.version().epoch,
                "sequence": repo.head.version().sequence,
                "shard_bits": repo.head.shards().map(|shards| shards.bits),
                "shards": repo.paths,
                "bytes": repo.bytes,
            })
        })
        .collect()
}
