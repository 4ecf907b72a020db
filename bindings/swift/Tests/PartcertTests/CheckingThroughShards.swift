// A phone checks parts against a register's list it never holds: the register cuts its list
// into shards under a root its head signs (`Authority.cutShards`, `headWithShards`), and the
// phone fetches only the shards its keys lie in, through the async `Blocklist.checkShards`
// (bindings/swift/Sources/Partcert/CheckShards.swift) with an in-memory fetch function standing
// in for URLSession. Separate XCTest methods, run by `swift test` beside the counted checks.

import Foundation
import Partcert
import XCTest

/// The register's repository on day 11, in memory: the head naming day 10's list (Alice's phone
/// reported stolen) cut into 4 shards, and the shard files, written before the head.
final class ShardedRepository {
    var files: [String: Data] = [:]
    let head: RepositoryHead
    let shards: ShardSet
    /// Every fetch asked for, in order: what the server learns (the shards are fetched
    /// concurrently: locked).
    private(set) var asked: [String] = []
    private let lock = NSLock()

    init(_ w: World) throws {
        // The register's own copy of its list, cut into 2^2 shards.
        let registerCopy = Blocklist()
        _ = try registerCopy.apply(trust: try w.trust(), bytes: w.list2, now: T0 + 10 * DAY)
        shards = try w.register.cutShards(device: registerCopy, bits: 2)
        for index in 0..<shards.count() { files[shards.path(index: index)] = shards.file(index: index) }
        let plain = try w.register.publishHead(previous: nil, added: [try SignedList.decode(bytes: w.list2)],
                                               window: 30 * DAY, issuedAt: NOW - HOUR, expiresAt: NOW + DAY)
        head = try w.register.headWithShards(head: plain, shards: shards)
        files[repositoryHeadPath()] = head.toBytes()
    }

    /// What an HTTP client reading from it returns: at most maxBytes + 1 bytes.
    func fetch(_ path: String, _ maxBytes: UInt64) throws -> Data {
        lock.lock()
        asked.append(path)
        lock.unlock()
        guard let bytes = files[path] else { throw NotServed(path: path) }
        return bytes.prefix(Int(min(UInt64(bytes.count), maxBytes + 1)))
    }
}

final class CheckingThroughShards: XCTestCase {
    /// Alice's phone was snatched; its screen is harvested and offered to a technician whose
    /// repair app never held the national list: it fetches the shards the screen's keys lie in
    /// and reads BLOCKED, with the words a shop holding the whole list reads. Alice's phone,
    /// found with a new owner, reports itself BLOCKED at boot the same way.
    func testAlicesHarvestedScreenReadsBlockedOnAPhoneThatNeverHeldTheList() async throws {
        let w = try World()
        let trust = try w.trust()
        let repo = try ShardedRepository(w)
        XCTAssertEqual(repo.head.info().shards?.bits, 2)
        XCTAssertEqual(repo.head.info().shards?.root, repo.shards.reference().root)
        let phone = Blocklist()
        let screen = PartEvidence(certificate: w.alice.screen, chain: w.chain, pairing: w.alice.record)
        let keys = try Verifier(trust: trust).blocklistKeys(evidence: screen, now: NOW)
        XCTAssertTrue(keys.contains(.imei(w.alice.imei)))
        let outcome = try await phone.checkShards(trust: trust, part: screen, now: NOW) { try repo.fetch($0, $1) }
        XCTAssertEqual(outcome.version, ListVersion(epoch: 0, sequence: 2))
        XCTAssertTrue((1...UInt32(keys.count)).contains(outcome.shardsFetched))
        XCTAssertEqual(repo.asked.first, repositoryHeadPath())
        XCTAssertTrue(repo.asked.dropFirst().allSatisfy { $0.hasPrefix("shards/") && $0.hasSuffix(".pcsh") })
        XCTAssertLessThan(outcome.bytesFetched, 20_000, "a few kilobytes, not the list")
        let verdict = try Verifier(trust: trust, blocklist: phone).verifyPart(evidence: screen, now: NOW)
        let whole = Blocklist()
        _ = try whole.apply(trust: trust, bytes: w.list2, now: NOW)
        let atTheShop = try Verifier(trust: trust, blocklist: whole).verifyPart(evidence: screen, now: NOW)
        XCTAssertTrue(verdict.isBlocked)
        XCTAssertEqual(verdict.summary, "genuine (serial-only), used, BLOCKED: stolen")
        XCTAssertEqual(verdict.headline, atTheShop.headline)
        XCTAssertEqual(verdict.blocklist, atTheShop.blocklist)

        let handset = HandsetEvidence(pairing: w.alice.record, modemImeis: [w.alice.imei],
                                      fitted: [FittedPart(certificate: w.alice.board, chain: w.chain)])
        let boot = Blocklist()
        try await boot.checkShards(trust: trust, handset: handset, now: NOW) { try repo.fetch($0, $1) }
        let report = try Verifier(trust: trust, blocklist: boot).verifyHandset(evidence: handset, now: NOW)
        XCTAssertTrue(report.isBlocked)
        XCTAssertEqual(report.headline, "BLOCKED — this handset is listed as stolen")
        // Checked again at the same version: every shard is held, only the head is fetched.
        let asked = repo.asked.count
        let again = try await boot.checkShards(trust: trust, handset: handset, now: NOW) { try repo.fetch($0, $1) }
        XCTAssertEqual(again.shardsFetched, 0)
        XCTAssertEqual(repo.asked.count, asked + 1)
    }

    /// Alice's phone, found with a new owner, checks itself at boot: the check plans one shard
    /// per slice its keys lie in (its IMEI, its board), each named by `nextFetch()` in turn;
    /// `checkShards` fetches the whole plan at once and reads the handset BLOCKED.
    func testAlicesPhoneAtBootPlansItsShardsAtOnce() async throws {
        let w = try World()
        let trust = try w.trust()
        let repo = try ShardedRepository(w)
        let handset = HandsetEvidence(pairing: w.alice.record, modemImeis: [w.alice.imei],
                                      fitted: [FittedPart(certificate: w.alice.board, chain: w.chain)])
        let keys = try Verifier(trust: trust).handsetBlocklistKeys(evidence: handset, now: NOW)
        // Each key's slice, from a check of that key alone.
        let slices = try Set(keys.map { key in
            try XCTUnwrap(Blocklist().beginShardCheck(trust: trust, head: repo.head.toBytes(), keys: [key], now: NOW)
                .fetches().first).index
        }).sorted()
        let check = try Blocklist().beginShardCheck(trust: trust, head: repo.head.toBytes(), keys: keys, now: NOW)
        let plan = check.fetches()
        XCTAssertEqual(plan.map { $0.index }, slices, "one shard per slice the keys lie in, in order")
        XCTAssertEqual(UInt32(plan.count), check.remaining())
        XCTAssertTrue((1...keys.count).contains(plan.count))
        for shard in plan {
            XCTAssertEqual(shard.path, repo.shards.path(index: shard.index))
            XCTAssertLessThanOrEqual(shard.maxSize, maxShardLen())
        }
        for (taken, shard) in plan.enumerated() {
            XCTAssertEqual(check.nextFetch(), shard)
            XCTAssertEqual(check.fetches(), Array(plan.dropFirst(taken)))
            try check.offer(bytes: try XCTUnwrap(repo.files[shard.path]))
        }
        XCTAssertNil(check.nextFetch())
        XCTAssertEqual(check.fetches(), [])

        let boot = Blocklist()
        let outcome = try await boot.checkShards(trust: trust, handset: handset, now: NOW) { try repo.fetch($0, $1) }
        XCTAssertEqual(Int(outcome.shardsFetched), plan.count)
        XCTAssertEqual(Set(repo.asked.dropFirst()), Set(plan.map { $0.path }), "the whole plan, each shard once")
        XCTAssertEqual(repo.asked.count, plan.count + 1)
        XCTAssertTrue(try Verifier(trust: trust, blocklist: boot).verifyHandset(evidence: handset, now: NOW).isBlocked)
    }

    /// Bob's phone was broken up honestly: his screen reads clean through shards; a key whose
    /// shard the phone never fetched is refused (408 ShardNotHeld), never read as clean.
    func testBobsDonorScreenReadsCleanThroughShards() async throws {
        let w = try World()
        let trust = try w.trust()
        let repo = try ShardedRepository(w)
        let phone = Blocklist()
        let screen = PartEvidence(certificate: w.bob.screen, chain: w.chain, pairing: w.bob.record)
        try await phone.checkShards(trust: trust, part: screen, now: NOW) { try repo.fetch($0, $1) }
        let verdict = try Verifier(trust: trust, blocklist: phone).verifyPart(evidence: screen, now: NOW)
        XCTAssertEqual(verdict.summary, "genuine (serial-only), used, clean")
        XCTAssertFalse(verdict.isStale)
        XCTAssertEqual(phone.lists().map { $0.version }, [ListVersion(epoch: 0, sequence: 2)])
        var elsewhere: BlockKey?
        for n in UInt64(1)...64 where elsewhere == nil {
            let key = try stolenOn(100 + n).key
            if (try? phone.lookup(keys: [key])) == nil { elsewhere = key }
        }
        let key = try XCTUnwrap(elsewhere, "some key lies in a shard never fetched")
        XCTAssertThrowsError(try phone.lookup(keys: [key])) { error in
            guard case let PartcertError.BlocklistState(info) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(info.code, 408)
            XCTAssertEqual(info.name, "ShardNotHeld")
        }
    }

    /// A mirror alters a shard in transit: the phone refuses it (206: the proof no longer leads
    /// to the root the head signs) and its lists are as before; a head naming no shards is
    /// refused too (111).
    func testATamperedShardIsRefusedAndChangesNothing() throws {
        let w = try World()
        let trust = try w.trust()
        let repo = try ShardedRepository(w)
        let phone = Blocklist()
        let before = phone.saveState()
        let screen = PartEvidence(certificate: w.alice.screen, chain: w.chain, pairing: w.alice.record)
        let keys = try Verifier(trust: trust).blocklistKeys(evidence: screen, now: NOW)
        let check = try phone.beginShardCheck(trust: trust, head: repo.head.toBytes(), keys: keys, now: NOW)
        let shard = try XCTUnwrap(check.nextFetch())
        XCTAssertEqual(shard.path, repo.shards.path(index: shard.index))
        XCTAssertLessThanOrEqual(shard.maxSize, maxShardLen())
        let structure = try checkShardStructure(bytes: try XCTUnwrap(repo.files[shard.path]))
        XCTAssertEqual(structure, ShardStructure(version: ListVersion(epoch: 0, sequence: 2), bits: 2, index: shard.index))
        var tampered = try XCTUnwrap(repo.files[shard.path])
        tampered[tampered.count - 1] ^= 1
        XCTAssertThrowsError(try check.offer(bytes: tampered)) { error in
            XCTAssertEqual((error as? PartcertError)?.info().code, 206)
        }
        XCTAssertNil(check.nextFetch())
        XCTAssertThrowsError(try check.finish()) { error in
            XCTAssertEqual((error as? PartcertError)?.info().code, 503)
        }
        XCTAssertEqual(phone.saveState(), before)
        XCTAssertTrue(phone.lists().isEmpty)
        let plain = try w.register.publishHead(previous: nil, added: [try SignedList.decode(bytes: w.list2)],
                                               window: 30 * DAY, issuedAt: NOW - HOUR, expiresAt: NOW + DAY)
        XCTAssertThrowsError(try phone.beginShardCheck(trust: trust, head: plain.toBytes(), keys: keys, now: NOW)) { error in
            XCTAssertEqual((error as? PartcertError)?.info().code, 111)
        }
    }
}
