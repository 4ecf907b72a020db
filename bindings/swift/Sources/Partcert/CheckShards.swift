// Hand-written, shipped with the generated bindings (compiled into the `Partcert` module
// beside Partcert.swift by bindings/tests/run.sh and bindings/apple.sh): an async shard check
// over the sans-I/O one. It only moves bytes between the app's HTTP stack and the core, which
// decides everything.

import Foundation

extension Blocklist {
    /// Checks `keys` against a register's list without holding it, with the app's own HTTP
    /// stack: fetches the head (`repositoryHeadPath()`), then every shard the check plans
    /// (`ShardCheck.fetches()`: one per slice of the key space a key lies in, none already
    /// held at the head's version) at once, concurrently — two round trips in all — and
    /// offers each in the plan's order to the core, which proves it against the root the head
    /// signs before keeping it; the first shard refused ends the check. Once every shard is
    /// proven, this blocklist holds the register's list as those shards: a `Verifier` over it
    /// answers each key as the whole list would (a key whose shard was never fetched throws
    /// 408 ShardNotHeld, never reads clean). Returns the version consulted, shards and bytes
    /// fetched, and when the head expires.
    ///
    /// `fetch` gets a path under the repository's base URL and the most bytes to read: the
    /// head's bound, or the largest shard's size; after the head, it is called for every
    /// shard concurrently (from child tasks). Read no more than `maxBytes + 1` bytes and
    /// return what came. A refused head or shard (altered, of another list or slice, an older
    /// head: 400) throws `PartcertError`; whatever `fetch` throws propagates as it is (the
    /// other fetches cancelled). Either way the lists held are untouched. The server learns
    /// which slices were asked for, never the keys.
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
        // No shard depends on another: every one is fetched at once (the second and last
        // round trip), then each is offered in the plan's order.
        for bytes in try await Self.fetchAll(check.fetches(), fetch) {
            try check.offer(bytes: bytes)
        }
        return try check.finish()
    }

    /// `fetch` of every shard of `plan` at once, in a task group: their bytes in the plan's
    /// order once all have come. The first error thrown cancels the other fetches and
    /// propagates.
    private static func fetchAll(
        _ plan: [ShardFetch],
        _ fetch: (_ path: String, _ maxBytes: UInt64) async throws -> Data
    ) async throws -> [Data] {
        // The group ends before this returns: `fetch` does not escape.
        try await withoutActuallyEscaping(fetch) { fetch in
            try await withThrowingTaskGroup(of: (Int, Data).self) { group in
                for (position, shard) in plan.enumerated() {
                    group.addTask { (position, try await fetch(shard.path, shard.maxSize)) }
                }
                var fetched: [(Int, Data)] = []
                for try await answer in group { fetched.append(answer) }
                return fetched.sorted { $0.0 < $1.0 }.map { $0.1 }
            }
        }
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
