//! Progress bars for long work (a million-entry list): drawn on standard
//! error only when it is a terminal, never in a pipe or a log.

use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ctx::progress_allowed;

/// A bar counting `len` steps of `unit`, or a hidden one off a terminal.
pub fn bar(len: u64, message: &str, unit: &str) -> ProgressBar {
    if !progress_allowed() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template =
        format!("{{msg}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{eta}} left)");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_owned());
    bar
}

/// A spinner for one long step whose length is unknown, or a hidden one
/// off a terminal.
pub fn spinner(message: &str) -> ProgressBar {
    if !progress_allowed() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        spinner.set_style(style);
    }
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner
}

/// Whether a list is big enough to be worth a progress bar.
pub fn worth_it(entries: usize) -> bool {
    entries >= 10_000
}

/// A bar counting the bytes read of `path` (`size` bytes), drawn only
/// for a file of at least `from` bytes.
pub fn reading(path: &Path, size: u64, from: u64) -> ProgressBar {
    if size < from {
        return ProgressBar::hidden();
    }
    bar(size, &format!("reading {}", path.display()), "bytes")
}

/// A bar counting the bytes fetched from `url` (`size` bytes), drawn only
/// for a file of a megabyte or more.
pub fn downloading(url: &str, size: u64) -> ProgressBar {
    if size < 1 << 20 {
        return ProgressBar::hidden();
    }
    bar(size, &format!("fetching {url}"), "bytes")
}

/// A bar counting `count` entries written, drawn only for a big list.
pub fn writing_entries(count: u64) -> ProgressBar {
    if !worth_it(usize::try_from(count).unwrap_or(usize::MAX)) {
        return ProgressBar::hidden();
    }
    bar(count, "writing entries", "entries")
}

/// A spinner for one step over about `entries` entries, drawn only for a
/// big list.
pub fn spinner_for(entries: usize, message: &str) -> ProgressBar {
    if !worth_it(entries) {
        return ProgressBar::hidden();
    }
    spinner(message)
}
