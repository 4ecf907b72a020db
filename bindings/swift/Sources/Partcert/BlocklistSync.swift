// Hand-written, shipped with the generated bindings (compiled into the `Partcert` module
// beside Partcert.swift by bindings/tests/run.sh and bindings/apple.sh): an async sync over
// the sans-I/O updater. It only moves bytes between the app's HTTP stack and the core,
// which decides everything.

import Foundation

extension Blocklist {
    /// Brings this device's list of one register up to date from the register's repository,
    /// with the app's own HTTP stack: fetches the head (`repositoryHeadPath()`), then each file
    /// the update asks for (`BlocklistUpdate.nextFetch()`), offering each to the core, which
    /// checks its size and SHA-256 before anything decodes it; the new lists replace the old
    /// only when every file was accepted. Returns what changed: the version before and after,
    /// files and bytes fetched, and when the head expires (sync again before then, or the list
    /// reads stale).
    ///
    /// `fetch` gets a path under the repository's base URL and the most bytes to read: the
    /// head's bound, or the file's exact size. Read no more than `maxBytes + 1` bytes and
    /// return what came: a file cut short or too long is refused by the core (206
    /// FileMismatch), as is a file of another day. A refused head or file throws
    /// `PartcertError`; whatever `fetch` throws (a `URLError`, cancellation) propagates as it
    /// is. Either way the lists held are untouched.
    ///
    /// `now` is this device's clock, in seconds since the Unix epoch. Each file is decoded and
    /// applied on the calling task's thread.
    public func sync(
        trust: TrustStore,
        now: UInt64 = UInt64(Date().timeIntervalSince1970),
        fetch: (_ path: String, _ maxBytes: UInt64) async throws -> Data
    ) async throws -> UpdateOutcome {
        let head = try await fetch(repositoryHeadPath(), maxHeadLen())
        let update = try beginUpdate(trust: trust, head: head, now: now)
        while let file = update.nextFetch() {
            try update.offer(bytes: try await fetch(file.path, file.size))
        }
        return try update.finish()
    }
}
