// A repair app on a technician's phone checks a part against the national register's list
// without holding it, in Swift: the register publishes its list cut into shards beside it,
// under a root its signed head names; the app fetches the head and only the shards the part's
// keys lie in (a few kilobytes, not the list), proves each against that root, and reads the
// same verdict a shop holding the whole list reads. The server learns which slices were asked
// for, never which phone or part.
//
// The register is played here too, writing its repository into a temporary folder (a real
// register runs `partcert blocklist publish --repo DIR --shards`; any web server or CDN serves
// it); the app's fetch reads that folder as URLSession reads a URL, no more than the bytes
// asked for, plus one. Run by bindings/tests/run.sh (`swift run RepairApp` in the staged
// package).

import Foundation
import Partcert

let T0: UInt64 = 1_767_225_600
let HOUR: UInt64 = 3_600
let DAY: UInt64 = 86_400

func key(_ n: UInt8) throws -> SecretKey { try SecretKey.fromSeed(seed: Data(repeating: n, count: 32)) }

func write(_ data: Data, _ dir: URL, _ path: String) throws {
    let file = dir.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: file, options: .atomic)
}

/// The register's repository in `dir`: the list, its shards, then the head naming both.
func publish(_ register: Authority, _ trust: TrustStore, _ dir: URL, _ listed: [BlocklistEntry], at: UInt64) throws -> Int {
    let bytes = try register.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: 1),
                                                              issuedAt: at, expiresAt: at + 7 * DAY), listed: listed).bytes
    let list = try SignedList.decode(bytes: bytes)
    try write(bytes, dir, list.fileRef().path)
    // The register's own copy of its list, cut into as many shards as its size needs.
    let copy = Blocklist()
    _ = try copy.apply(trust: trust, bytes: bytes, now: at)
    let shards = try register.cutShards(device: copy)
    for index in 0..<shards.count() { try write(shards.file(index: index)!, dir, shards.path(index: index)) }
    let head = try register.headWithShards(
        head: try register.publishHead(previous: nil, added: [list], window: 30 * DAY, issuedAt: at, expiresAt: at + DAY),
        shards: shards)
    try write(head.toBytes(), dir, repositoryHeadPath())
    print("The register publishes \(listed.count) listings (\(bytes.count) bytes) and \(shards.count()) shards "
        + "of at most \(shards.reference().maxSize) bytes.")
    return bytes.count
}

/// The app's fetch: a GET of base/path reading at most maxBytes + 1 bytes; here, the folder.
final class Repository {
    let dir: URL
    /// Every path asked for, in order (checkShards fetches the shards concurrently: locked).
    private(set) var asked: [String] = []
    private let lock = NSLock()
    init(_ dir: URL) { self.dir = dir }

    func fetch(_ path: String, _ maxBytes: UInt64) throws -> Data {
        lock.lock()
        asked.append(path)
        lock.unlock()
        let handle = try FileHandle(forReadingFrom: dir.appendingPathComponent(path))
        defer { try? handle.close() }
        return try handle.read(upToCount: Int(min(maxBytes + 1, UInt64(Int.max)))) ?? Data()
    }
}

func runApp() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("partcert-repo-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let validity = validityDaysFrom(notBefore: T0 - 30 * DAY, days: 365 * 20)
    let acme = try Authority.newManufacturerRoot(key: try key(1), name: "Acme Phones root", manufacturers: ["Acme Phones"], validity: validity)
    let lineKey = try key(2)
    let line = try Authority(key: lineKey, certificate: try acme.certifyPartIssuer(
        name: "Acme line 3", subjectKey: lineKey.publicKey(), permittedKinds: [.board, .screen], manufacturers: ["Acme Phones"],
        serialNumber: 2, validity: validity))
    let pairingKey = try key(3)
    let pairing = try Authority(key: pairingKey, certificate: try acme.certifyPairingService(
        name: "Acme pairing", subjectKey: pairingKey.publicKey(), serialNumber: 3, validity: validity))
    let register = try Authority.newBlocklistRoot(key: try key(4), name: "National Mobile Property Register", validity: validity)
    let trust = TrustStore()
    _ = try trust.addManufacturerRoot(root: acme.certificate())
    _ = try trust.addBlocklistRoot(root: register.certificate())
    func handset(_ n: UInt64, _ who: String) throws -> (Certificate, PairingRecord) {
        let imei = try imeiWithCheckDigit(body: 35_693_803_564_380 + n)
        let board = try line.certifyPart(spec: PartSpec(kind: .board, manufacturer: "Acme Phones", model: "A1", serial: "BRD-\(who)", imeis: [imei]),
                                         serialNumber: 10 * n, validity: validity)
        let screen = try line.certifyPart(spec: PartSpec(kind: .screen, manufacturer: "Acme Phones", model: "A1 OLED", serial: "SCR-\(who)"),
                                          serialNumber: 10 * n + 1, validity: validity)
        return (screen, try pairing.pair(board: board, parts: [screen], sequence: 1, event: .factoryBuild, issuedAt: T0))
    }
    let (aliceScreen, aliceRecord) = try handset(1, "ALICE")
    let (bobScreen, bobRecord) = try handset(2, "BOB")

    // Day 10: Alice's phone is snatched; the register lists it among 5,000 other handsets.
    var listed = try (UInt64(1)...5_000).map { n in
        BlocklistEntry(key: .imei(try imeiWithCheckDigit(body: 35_100_000_000_000 + n)), reason: .stolen, listedAt: T0 + DAY, status: .final)
    }
    listed += entriesForReportedHandset(record: aliceRecord, reason: .stolen, listedAt: T0 + 10 * DAY, status: .final)
    let listSize = try publish(register, trust, dir, listed, at: T0 + 10 * DAY)

    var failures: [String] = []
    func expect(_ what: String, _ ok: Bool) { if !ok { failures.append(what) } }
    let now = T0 + 10 * DAY + 2 * HOUR
    let chain = [line.certificate()]
    print("\nA technician's repair app checks two screens against the register's list, holding none of it:")
    for (label, evidence, stolen) in [
        ("Screen offered by a walk-in seller", PartEvidence(certificate: aliceScreen, chain: chain, pairing: aliceRecord), true),
        ("Screen from a donor phone bought at auction", PartEvidence(certificate: bobScreen, chain: chain, pairing: bobRecord), false),
    ] {
        let repository = Repository(dir)
        let phone = Blocklist()
        let outcome = try await phone.checkShards(trust: trust, part: evidence, now: now) { try repository.fetch($0, $1) }
        let verdict = try Verifier(trust: trust, blocklist: phone).verifyPart(evidence: evidence, now: now)
        print("┌ \(label)")
        print("│ fetched the head and \(outcome.shardsFetched) shard(s): \(outcome.bytesFetched) bytes of a \(listSize)-byte list")
        print("│ the server learns only: \(repository.asked.dropFirst().map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: ", "))")
        print("│ \(verdict.headline)")
        print("└ \(verdict.summary)")
        expect("\(label): a few kilobytes", outcome.bytesFetched < 20_000 && outcome.bytesFetched * 10 < UInt64(listSize))
        expect("\(label): the list reads current", !verdict.isStale)
        if stolen { expect("Alice's screen BLOCKED", verdict.isBlocked) } else {
            expect("Bob's screen clean", verdict.summary == "genuine (serial-only), used, clean")
        }
    }

    // A mirror that alters a shard in transit is refused; the phone's lists are untouched.
    let phone = Blocklist()
    let keys = try Verifier(trust: trust).blocklistKeys(evidence: PartEvidence(certificate: bobScreen, chain: chain, pairing: bobRecord), now: now)
    let repository = Repository(dir)
    do {
        try await phone.checkShards(trust: trust, keys: keys, now: now) { path, max in
            var bytes = try repository.fetch(path, max)
            if path.hasSuffix(".pcsh") { bytes[bytes.count / 2] ^= 1 }
            return bytes
        }
        expect("a tampered shard refused", false)
    } catch let error as PartcertError {
        print("\nA shard altered in transit: \(error)")
        expect("a tampered shard refused, nothing kept", phone.lists().isEmpty)
    }

    if !failures.isEmpty {
        print("the story changed: \(failures.joined(separator: ", "))")
        exit(1)
    }
}

try await runApp()
