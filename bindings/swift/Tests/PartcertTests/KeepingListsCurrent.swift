// Swift tests of keeping a device's lists current from a register's repository, through the
// async `Blocklist.sync` (bindings/swift/Sources/Partcert/BlocklistSync.swift) with an
// in-memory fetch function standing in for URLSession. Run from PartcertTests.swift.

import Foundation
import Partcert

let HOUR: UInt64 = 3_600

/// The handset a register lists on `day` (a new one each day).
func stolenOn(_ day: UInt64) throws -> BlocklistEntry {
    BlocklistEntry(key: .imei(try imeiWithCheckDigit(body: 35_100_000_000_000 + day)), reason: .stolen,
                   listedAt: T0 + day * DAY, status: .final)
}

struct NotServed: Error { let path: String }

/// A register's repository, in memory: its files by path, the head written last.
final class Repository {
    let register: Authority
    var files: [String: Data] = [:]
    /// Every head it served, day 1's first.
    var heads: [Data] = []
    /// The files it published on each day, day 1's first.
    var published: [SignedList] = []
    private var head: RepositoryHead?
    private var master: Data?

    init(_ register: Authority) { self.register = register }

    /// Day `day`: `listed` reported; the first day's list as a snapshot, every later one as the
    /// delta over yesterday's; a head valid 24 hours, keeping 30 days of deltas.
    func publishDay(_ day: UInt64, _ listed: [BlocklistEntry], delisted: [BlockKey] = []) throws {
        let at = T0 + day * DAY
        func publication(_ format: Format) -> Publication {
            Publication(format: format, version: ListVersion(epoch: 0, sequence: day), issuedAt: at, expiresAt: at + 2 * DAY,
                        base: master.map { .snapshot(bytes: $0) }, delisted: delisted)
        }
        let full = try register.publish(publication: publication(.sorted), listed: listed).bytes
        let added = try SignedList.decode(bytes: master == nil ? full : register.publish(publication: publication(.delta), listed: listed).bytes)
        files[added.fileRef().path] = added.toBytes()
        published.append(added)
        let next = try register.publishHead(previous: head, added: [added], window: 30 * DAY, issuedAt: at, expiresAt: at + DAY)
        files[repositoryHeadPath()] = next.toBytes()
        heads.append(next.toBytes())
        head = next
        master = full
    }

    /// What an HTTP client reading from a mirror of it returns: at most maxBytes + 1 bytes.
    func fetch(_ path: String, _ maxBytes: UInt64) throws -> Data {
        guard let bytes = files[path] else { throw NotServed(path: path) }
        return bytes.prefix(Int(min(UInt64(bytes.count), maxBytes + 1)))
    }

    /// The repository as it stood on `day`: its files, and that day's head.
    func asOf(_ day: Int) -> (String, UInt64) async throws -> Data {
        { path, max in path == repositoryHeadPath() ? self.heads[day - 1] : try self.fetch(path, max) }
    }
}

/// A repository of six days: day 3 lists Alice's stolen handset, day 5 finds day 1's handset.
func sixDays(_ w: World) throws -> Repository {
    let repo = Repository(w.register)
    for day in UInt64(1)...6 {
        var listed = [try stolenOn(day)]
        if day == 3 { listed += entriesForReportedHandset(record: w.alice.record, reason: .stolen, listedAt: T0 + 3 * DAY, status: .final) }
        try repo.publishDay(day, listed, delisted: day == 5 ? [try stolenOn(1).key] : [])
    }
    return repo
}

func listed(_ device: Blocklist, _ day: UInt64) throws -> Bool { !(try device.lookup(keys: [stolenOn(day).key])).isEmpty }

/// Runs an async block expecting a PartcertError with `code`; returns it.
@discardableResult
func expectAsyncError(_ what: String, _ code: UInt32, _ block: () async throws -> Any) async -> PartcertError? {
    do {
        _ = try await block()
        return judgeError(what, code, nil)
    } catch {
        return judgeError(what, code, error)
    }
}

/// A shop's device syncs every morning, fetching only the day's delta; one offline all week
/// catches up in one sync; the lists read as the register published them.
func aDeviceSyncingEveryMorning(_ w: World) async throws {
    let trust = try w.trust()
    let repo = try sixDays(w)
    let device = Blocklist()
    for day in 1...6 {
        var fetched: [String] = []
        let outcome = try await device.sync(trust: trust, now: T0 + UInt64(day) * DAY + HOUR) { path, max in
            fetched.append(path)
            return try await repo.asOf(day)(path, max)
        }
        let file = repo.published[day - 1]
        check("day \(day): the head, then the day's \(day == 1 ? "snapshot" : "delta") only",
              fetched == ["head.pchd", file.fileRef().path] && fetched[1].hasSuffix(day == 1 ? ".pcbl" : ".pcbd"), fetched)
        check("day \(day): version \(day - 1) → \(day), one file, head and file bytes counted",
              outcome.previous == (day == 1 ? nil : ListVersion(epoch: 0, sequence: UInt64(day - 1))) &&
              outcome.version == ListVersion(epoch: 0, sequence: UInt64(day)) && outcome.filesFetched == 1 &&
              outcome.bytesFetched == UInt64(repo.heads[day - 1].count + file.toBytes().count) &&
              outcome.headExpiresAt == T0 + UInt64(day + 1) * DAY, outcome)
        check("day \(day): the day's handset listed", try listed(device, UInt64(day)))
    }
    check("day 1's handset, found on day 5, no longer listed", try !listed(device, 1) && listed(device, 2))
    let shop = try Verifier(trust: trust, blocklist: device)
    let now = T0 + 6 * DAY + 2 * HOUR
    var bobClean = false
    if case .clean = try shop.verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: now).blocklist { bobClean = true }
    check("Alice's harvested screen reads blocked, Bob's clean",
          try shop.verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: now).isBlocked && bobClean)
    let again = try await device.sync(trust: trust, now: now, fetch: repo.fetch)
    check("a device already current fetches the head only", again.filesFetched == 0 &&
          again.bytesFetched == UInt64(repo.heads[5].count) && again.previous == again.version, again)

    let offline = Blocklist()
    _ = try await offline.sync(trust: trust, now: T0 + DAY + HOUR, fetch: repo.asOf(1))
    var fetched: [String] = []
    let week = try await offline.sync(trust: trust, now: T0 + 6 * DAY + HOUR) { path, max in
        fetched.append(path)
        return try repo.fetch(path, max)
    }
    check("offline from day 1 to day 6: five deltas in one sync, in order", week.filesFetched == 5 &&
          Array(fetched.dropFirst()) == repo.published.dropFirst().map { $0.fileRef().path }, fetched)
    check("and it holds what the daily device holds", try offline.lists() == device.lists() && !listed(offline, 1) && listed(offline, 6))
    let head = try RepositoryHead.decode(bytes: repo.heads[5]).info()
    check("the head names day 1's snapshot and five deltas, from sequence 1 to 5", head.version == ListVersion(epoch: 0, sequence: 6) &&
          head.snapshot.path.hasSuffix(".pcbl") && head.deltas.map { $0.from } == [1, 2, 3, 4, 5] &&
          head.expiresAt == T0 + 7 * DAY && head.authority == w.register.keyId(), head)
    var decodesAsHead = false
    if case .repositoryHead = try decodeObject(bytes: repo.heads[5]) { decodesAsHead = true }
    check("the head was signed by the register, and decodes as one",
          try RepositoryHead.decode(bytes: repo.heads[5]).signerCertificate() == w.register.certificate() && decodesAsHead)
}

/// A mirror replays an older head, or serves a file of another day, cut short or too long: each
/// is refused, and the device keeps the lists it held.
func aMirrorThatLies(_ w: World) async throws {
    let trust = try w.trust()
    let repo = try sixDays(w)
    let device = Blocklist()
    _ = try await device.sync(trust: trust, now: T0 + 3 * DAY + HOUR, fetch: repo.asOf(3))
    let held = device.saveState()
    let now = T0 + 5 * DAY + HOUR
    let rolledBack = await expectAsyncError("day 2's head after day 3's (rollback)", 400) {
        try await device.sync(trust: trust, now: now, fetch: repo.asOf(2))
    }
    var isBlocklistState = false
    if case .BlocklistState = rolledBack { isBlocklistState = true }
    check("a rollback is a blocklist-state error", isBlocklistState, rolledBack)
    check("after the rollback the device keeps day 3", device.saveState() == held &&
          device.lists().first?.version == ListVersion(epoch: 0, sequence: 3))

    let dayFour = repo.published[3].toBytes(), dayFivePath = repo.published[4].fileRef().path
    let mixed = await expectAsyncError("day 4's delta served as day 5's", 206) {
        try await device.sync(trust: trust, now: now) { path, max in path == dayFivePath ? dayFour : try await repo.asOf(5)(path, max) }
    }
    check("a mixed-up file is FileMismatch, naming the file", mixed?.info().name == "FileMismatch" &&
          mixed?.info().message.contains(dayFivePath) == true, mixed?.info())
    check("after the mixed-up file the device keeps day 3", device.saveState() == held)
    await expectAsyncError("day 4's delta cut short by one byte", 206) {
        try await device.sync(trust: trust, now: now) { path, max in
            let bytes = try await repo.asOf(5)(path, max)
            return path.hasSuffix(".pcbd") ? bytes.dropLast() : bytes
        }
    }
    await expectAsyncError("an endless file, read to its size plus one", 206) {
        try await device.sync(trust: trust, now: now) { path, max in
            path.hasSuffix(".pcbd") ? Data(count: Int(max + 1)) : try await repo.asOf(5)(path, max)
        }
    }
    var propagated = false
    do {
        _ = try await device.sync(trust: trust, now: now) { path, max in
            if path.hasSuffix(".pcbd") { throw NotServed(path: path) }
            return try await repo.asOf(5)(path, max)
        }
    } catch is NotServed { propagated = true }
    check("the fetch function's own error propagates as it is", propagated)
    check("after every refusal the device keeps day 3", device.saveState() == held)
    check("and the honest mirror brings it to day 5",
          try await device.sync(trust: trust, now: now, fetch: repo.asOf(5)).version == ListVersion(epoch: 0, sequence: 5))
}

/// The mirror freezes on day 6's head: once it has expired, the list reads stale, naming no
/// fresh head since day 6 — never clean — until a fresh head arrives.
func aFrozenMirror(_ w: World) async throws {
    let trust = try w.trust()
    let repo = try sixDays(w)
    let device = Blocklist()
    _ = try await device.sync(trust: trust, now: T0 + 6 * DAY + HOUR, fetch: repo.fetch)
    let later = T0 + 7 * DAY + HOUR
    let frozen = try await device.sync(trust: trust, now: later, fetch: repo.fetch)
    check("the frozen head syncs without error, fetching nothing", frozen.filesFetched == 0 && frozen.headExpiresAt < later)
    check("the list reads stale: no fresh head since day 6",
          device.listsChecked(trust: trust, now: later).first?.staleReason == .noFreshHead(since: T0 + 6 * DAY))
    let bob = try Verifier(trust: trust, blocklist: device).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: later)
    var readsStale = false
    if case .stale = bob.blocklist { readsStale = true }
    check("Bob's screen reads stale, never clean", bob.isStale && readsStale && bob.summary.contains("no fresh head"), bob.summary)
    try repo.publishDay(7, [try stolenOn(7)])
    _ = try await device.sync(trust: trust, now: later, fetch: repo.fetch)
    var clean = false
    if case .clean = try Verifier(trust: trust, blocklist: device).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: later).blocklist {
        clean = true
    }
    check("a fresh head makes it current again", device.listsChecked(trust: trust, now: later).first?.staleReason == nil && clean)
}

/// The device saves its state to a path after each sync and reads it back after a restart: the
/// lists, the heads seen and the anti-rollback protection survive.
func aStateSavedToAPath(_ w: World) async throws {
    let trust = try w.trust()
    let repo = try sixDays(w)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("partcert-state-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("device.pcbs").path
    do {
        _ = try loadBlocklistStateFrom(path: path, trust: trust)
        check("nothing saved yet: NoSuchState", false, "loaded")
    } catch let StateFileError.NoSuchState(missing) {
        check("nothing saved yet: NoSuchState, naming the path", missing == path, missing)
    }
    let device = Blocklist()
    _ = try await device.sync(trust: trust, now: T0 + 4 * DAY + HOUR, fetch: repo.asOf(4))
    try device.saveStateTo(path: path)
    _ = try await device.sync(trust: trust, now: T0 + 5 * DAY + HOUR, fetch: repo.asOf(5))
    try device.saveStateTo(path: path)
    check("the save replaced the file whole, nothing left beside it",
          try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["device.pcbs"])
    let restarted = try loadBlocklistStateFrom(path: path, trust: trust)
    check("after a restart: day 5's list, nothing dropped", restarted.dropped.isEmpty &&
          restarted.blocklist.lists() == device.lists() && restarted.blocklist.lists().first?.version == ListVersion(epoch: 0, sequence: 5))
    let mark = restarted.blocklist.rollbackMarks().first
    check("the head seen is kept with the marks", mark?.headIssuedAt == T0 + 5 * DAY && mark?.headExpiresAt == T0 + 6 * DAY, mark)
    await expectAsyncError("after a restart day 4's head is still a rollback", 400) {
        try await restarted.blocklist.sync(trust: trust, now: T0 + 5 * DAY + 2 * HOUR, fetch: repo.asOf(4))
    }
    check("and the restarted device syncs on to day 6",
          try await restarted.blocklist.sync(trust: trust, now: T0 + 6 * DAY + HOUR, fetch: repo.fetch).filesFetched == 1)
    let nowhere = folder.appendingPathComponent("no-such-folder")
    do {
        try device.saveStateTo(path: nowhere.appendingPathComponent("device.pcbs").path)
        check("a save into a missing folder is Io", false, "saved")
    } catch StateFileError.Io {
        check("a save into a missing folder is Io, and writes nothing", !FileManager.default.fileExists(atPath: nowhere.path))
    }
    try Data([0x50, 0x43, 0x42, 0x53, 1, 2, 3]).write(to: URL(fileURLWithPath: path))
    do {
        _ = try loadBlocklistStateFrom(path: path, trust: trust)
        check("a damaged state file is refused", false, "loaded")
    } catch let StateFileError.Refused(info) {
        check("a damaged state file is refused with the core's code", info.family == "malformed", info)
    }
}

/// A national register's compact list is saved in a file of its own beside the state
/// (`device.lists/<sha256>.pccs`, the core's layout, as the CLI and C keep it) and read back in
/// place: the restarted device finds the same handset; a list file lost is an Io error naming it.
func aCompactListSavedBesideTheState(_ w: World) throws {
    let trust = try w.trust()
    let device = Blocklist()
    let snapshot = try w.register.publish(publication: Publication(format: .compact, version: ListVersion(epoch: 0, sequence: 1),
        issuedAt: T0 + DAY, expiresAt: T0 + 3 * DAY), listed: (1...3).map { try stolenOn($0) }).bytes
    _ = try device.apply(trust: trust, bytes: snapshot, now: T0 + DAY + HOUR)
    let files = FileManager.default
    let folder = files.temporaryDirectory.appendingPathComponent("partcert-compact-\(ProcessInfo.processInfo.processIdentifier)")
    try files.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? files.removeItem(at: folder) }
    let path = folder.appendingPathComponent("device.pcbs").path
    try device.saveStateTo(path: path)
    let lists = folder.appendingPathComponent("device.lists")
    let listFiles = try files.contentsOfDirectory(atPath: lists.path)
    let saved = try files.contentsOfDirectory(atPath: folder.path).sorted()
    check("the compact list is a file of its own beside the state",
          listFiles.count == 1 && listFiles[0].hasSuffix(".pccs") && saved == ["device.lists", "device.pcbs"], saved + listFiles)
    guard listFiles.count == 1 else { return }
    let restarted = try loadBlocklistStateFrom(path: path, trust: trust).blocklist
    check("read back, it holds the same list and finds day 2's handset",
          try restarted.lists() == device.lists() && listed(restarted, 2) && !listed(restarted, 4))
    let listFile = lists.appendingPathComponent(listFiles[0]).path
    try files.removeItem(atPath: listFile)
    do {
        _ = try loadBlocklistStateFrom(path: path, trust: trust)
        check("a list file lost is Io", false, "loaded")
    } catch let StateFileError.Io(lost, _) {
        check("a list file lost is Io, naming it", lost == listFile, lost)
    }
}
