// Hand-written, shipped with the generated bindings (compiled into the `Partcert` module
// beside Partcert.swift by bindings/tests/run.sh and bindings/apple.sh): an async shard check
// over the sans-I/O one. It only moves bytes between the app's HTTP stack and the core, which
// decides everything.

import Foundation

extension Blocklist {
    /// Checks `keys` against a register's list without holding it, with the app's own HTTP
    /// stack: fetches the head (`repositoryHeadPath()`), then each shard the check asks for
    /// (`ShardCheck.nextFetch()`: one per slice of the key space a key lies in, none already
    /// held at the head's version), offering each to the core, which proves it against the
    /// root the head signs before keeping it. Once every shard is proven, this blocklist holds
    /// the register's list as those shards: a `Verifier` over it answers each key as the whole
    /// list would (a key whose shard was never fetched throws 408 ShardNotHeld, never reads
    /// clean). Returns the version consulted, shards and bytes fetched, and when the head
    /// expires.
    ///
    /// `fetch` gets a path under the repository's base URL and the most bytes to read: the
    /// head's bound, or the largest shard's size. Read no more than `maxBytes + 1` bytes and
    /// return what came. A refused head or shard (altered, of another list or slice, an older
    /// head: 400) throws `PartcertError`; whatever `fetch` throws propagates as it is. Either
    /// way the lists held are untouched. The server learns which slices were asked for, never
    /// the keys.
    ///
    /// `now` is this device's clock, in seconds since the Unix epoch. Each shard is proven on
    /// the calling task's thread.
    @discardableResult
    public func checkShards(
        trust: TrustStore,
        keys: [BlockKey],
        now: UInt64 = UInt64(Date().timeIntervalSince1970),
        fetch: (_ path: String, _ maxBytes: UInt64) async throws -> Data
    ) async throws -> ShardCheckOutcome {
        let head = try await fetch(repositoryHeadPath(), maxHeadLen())
        let check = try beginShardCheck(trust: trust, head: head, keys: keys, now: now)
        while let shard = check.nextFetch() {
            try check.offer(bytes: try await fetch(shard.path, shard.maxSize))
        }
        return try check.finish()
    }

    /// `checkShards(trust:keys:now:fetch:)` for the keys a verdict on `part` looks up
    /// (`Verifier.blocklistKeys`: the part's identity, its key's, the IMEIs of the handset it
    /// came from): then `Verifier(trust:blocklist:).verifyPart` reads as it would against the
    /// whole list.
    @discardableResult
    public func checkShards(
        trust: TrustStore,
        part: PartEvidence,
        now: UInt64 = UInt64(Date().timeIntervalSince1970),
        fetch: (_ path: String, _ maxBytes: UInt64) async throws -> Data
    ) async throws -> ShardCheckOutcome {
        let keys = try Verifier(trust: trust).blocklistKeys(evidence: part, now: now)
        return try await checkShards(trust: trust, keys: keys, now: now, fetch: fetch)
    }

    /// `checkShards(trust:keys:now:fetch:)` for the keys a handset's self-check of `handset`
    /// looks up (`Verifier.handsetBlocklistKeys`: its IMEIs and every fitted part's): then
    /// `Verifier(trust:blocklist:).verifyHandset` reads as it would against the whole list.
    @discardableResult
    public func checkShards(
        trust: TrustStore,
        handset: HandsetEvidence,
        now: UInt64 = UInt64(Date().timeIntervalSince1970),
        fetch: (_ path: String, _ maxBytes: UInt64) async throws -> Data
    ) async throws -> ShardCheckOutcome {
        let keys = try Verifier(trust: trust).handsetBlocklistKeys(evidence: handset, now: now)
        return try await checkShards(trust: trust, keys: keys, now: now, fetch: fetch)
    }
}
