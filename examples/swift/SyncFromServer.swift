// A phone keeps the national register's list current from the register's repository on a
// web server, in Swift with URLSession (FoundationNetworking on Linux): each morning it
// restarts from its saved state, fetches the head and only the files it lacks, and saves the
// new state atomically. When the server stops publishing, the list reads stale — never clean.
//
// The register is played here too, writing its repository into the folder the server serves
// (a real register runs `partcert blocklist publish --repo`). Run by bindings/tests/run.sh, with
// nginx serving REPO_DIR at BASE_URL (scripts/serve.sh):
//   SyncFromServer BASE_URL REPO_DIR STATE_DIR      (`swift run SyncFromServer …` in the staged package)

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Partcert

let T0: UInt64 = 1_767_225_600 // 2026-01-01
let HOUR: UInt64 = 3_600
let DAY: UInt64 = 86_400

func date(_ t: UInt64) -> String {
    String(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(t))).prefix(16)).replacingOccurrences(of: "T", with: " ")
}
func stolen(_ n: UInt64, _ day: UInt64) throws -> BlocklistEntry {
    BlocklistEntry(key: .imei(try imeiWithCheckDigit(body: 35_693_803_564_000 + n)), reason: .stolen, listedAt: T0 + day * DAY, status: .final)
}

/// The register: signs each day's list and a head, and lays them out as files in `dir`.
final class Register {
    let dir: URL
    let authority: Authority
    private var master: Data?
    private var head: RepositoryHead?

    init(_ dir: URL) throws {
        self.dir = dir
        authority = try Authority.newBlocklistRoot(key: SecretKey.fromSeed(seed: Data(repeating: 4, count: 32)),
            name: "National Mobile Property Register", validity: validityDaysFrom(notBefore: T0 - 30 * DAY, days: 365 * 20))
    }

    /// Day `day`'s reports: the first list a snapshot, then each day the delta over yesterday's.
    func publish(_ day: UInt64, _ listed: [BlocklistEntry]) throws {
        let at = T0 + day * DAY
        func publication(_ format: Format) -> Publication {
            Publication(format: format, version: ListVersion(epoch: 0, sequence: day), issuedAt: at, expiresAt: at + 7 * DAY,
                        base: master.map { .snapshot(bytes: $0) })
        }
        let full = try authority.publish(publication: publication(.sorted), listed: listed).bytes
        let list = try SignedList.decode(bytes: master == nil ? full : authority.publish(publication: publication(.delta), listed: listed).bytes)
        // Lists first, under names that never change; the head last, renamed into place whole.
        let file = dir.appendingPathComponent(list.fileRef().path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try list.toBytes().write(to: file)
        let next = try authority.publishHead(previous: head, added: [list], window: 30 * DAY, issuedAt: at, expiresAt: at + DAY)
        try next.toBytes().write(to: dir.appendingPathComponent(repositoryHeadPath()), options: .atomic)
        master = full
        head = next
    }
}

struct HTTPStatus: Error { let path: String, status: Int }

/// One GET's body, read up to a cap: past it the transfer is cut (and the core refuses what
/// came, since it is longer than the head says).
final class CappedBody: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let path: String, cap: Int
    var body = Data()
    var continuation: CheckedContinuation<Data, Error>?

    init(path: String, cap: Int) { self.path = path; self.cap = cap }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        body.append(data.prefix(cap - body.count))
        if body.count >= cap { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let status = (task.response as? HTTPURLResponse)?.statusCode ?? 0
        if body.count >= cap {
            continuation?.resume(returning: body)
        } else if let error {
            continuation?.resume(throwing: error)
        } else if status != 200 {
            continuation?.resume(throwing: HTTPStatus(path: path, status: status))
        } else {
            continuation?.resume(returning: body)
        }
        continuation = nil
    }
}

/// The app's own HTTP stack: GET base/path, reading at most maxBytes + 1 bytes of the body.
func fetch(from base: URL, _ path: String, _ maxBytes: UInt64) async throws -> Data {
    var request = URLRequest(url: base.appendingPathComponent(path), timeoutInterval: 10)
    request.setValue("no-cache", forHTTPHeaderField: "Cache-Control")
    let reader = CappedBody(path: path, cap: Int(min(maxBytes + 1, UInt64(Int.max))))
    let session = URLSession(configuration: .ephemeral, delegate: reader, delegateQueue: nil)
    defer { session.finishTasksAndInvalidate() }
    return try await withCheckedThrowingContinuation { continuation in
        reader.continuation = continuation
        session.dataTask(with: request).resume()
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let base = URL(string: arguments[1]) else {
    print("usage: SyncFromServer BASE_URL REPO_DIR STATE_DIR")
    exit(2)
}
let register = try Register(URL(fileURLWithPath: arguments[2]))
let state = URL(fileURLWithPath: arguments[3]).appendingPathComponent("phone.pcbs").path
let trust = TrustStore()
_ = try trust.addBlocklistRoot(root: register.authority.certificate())
var failures: [String] = []
func expect(_ what: String, _ ok: Bool) { if !ok { failures.append(what) } }

/// One morning on the phone: restart from the saved state, sync, save.
func morning(_ day: UInt64) async throws -> Blocklist {
    let now = T0 + day * DAY + 8 * HOUR
    let device: Blocklist
    do { device = try loadBlocklistStateFrom(path: state, trust: trust).blocklist } catch StateFileError.NoSuchState { device = Blocklist() }
    let outcome = try await device.sync(trust: trust, now: now) { path, maxBytes in try await fetch(from: base, path, maxBytes) }
    try device.saveStateTo(path: state)
    let from = outcome.previous.map { "list \($0.sequence)" } ?? "nothing"
    let standing: String
    switch device.listsChecked(trust: trust, now: now)[0].staleReason {
    case nil: standing = "current"
    case let .noFreshHead(since)?: standing = "STALE: no fresh head since \(date(since))"
    case let reason?: standing = "STALE (\(reason))"
    }
    print("\(date(now))  \(from) → list \(outcome.version.sequence): \(outcome.filesFetched) file(s), "
        + "\(outcome.bytesFetched) bytes with the head; \(standing)")
    return device
}

print("A phone keeps \(register.authority.certificate().authority()!.name)'s list current from \(base)\n")
try register.publish(1, (1...3).map { try stolen($0, 1) })
expect("day 1 fetches the snapshot", try await morning(1).lists()[0].entryCount == 3)
try register.publish(2, [try stolen(4, 2)])
try register.publish(3, [try stolen(5, 3)])
let third = try await morning(3)
expect("day 3 catches up through two deltas", third.lists()[0].version == ListVersion(epoch: 0, sequence: 3))
expect("the handset stolen on day 3 is listed", try third.lookup(keys: [stolen(5, 3).key]).first?.reason == .stolen)
try register.publish(4, [try stolen(6, 4)])
expect("day 4 fetches one delta", try await morning(4).lists()[0].entryCount == 6)
// The register's server stops publishing: day 4's head expires on day 5.
let frozen = try await morning(6).listsChecked(trust: trust, now: T0 + 6 * DAY + 8 * HOUR)[0]
expect("a frozen server reads stale, never clean", frozen.staleReason == .noFreshHead(since: T0 + 4 * DAY))
print("\nA part checked on day 6 reads \"stale\", not \"clean\": no fresh head from the register since \(date(T0 + 4 * DAY)).")

if !failures.isEmpty {
    print("the story changed: \(failures.joined(separator: ", "))")
    exit(1)
}
