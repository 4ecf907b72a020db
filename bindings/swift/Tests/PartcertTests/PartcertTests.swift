// Swift tests of the partcert bindings: plain checks, counted, ending in
// "N passed, 0 failed" (one XCTest case runs them all, in order). Run by
// bindings/tests/run.sh with PARTCERT_VECTORS and PARTCERT_FACTS set.

import Foundation
import Partcert
import XCTest

var passed = 0
var failed = 0

func check(_ what: String, _ ok: Bool, _ detail: @autoclosure () -> Any? = nil) {
    if ok { passed += 1 } else {
        failed += 1
        print("FAIL: \(what)" + (detail().map { " — \($0)" } ?? ""))
    }
}

@discardableResult
func expectError(_ what: String, _ code: UInt32, _ block: () throws -> Any) -> PartcertError? {
    do {
        _ = try block()
        check("\(what) throws \(code)", false, "no error")
    } catch let e as PartcertError {
        check("\(what) throws \(code)", e.code() == code, "got \(e.code()) \(e.name()): \(e.detail())")
        return e
    } catch {
        check("\(what) throws \(code)", false, "untyped error \(error)")
    }
    return nil
}

let T0: UInt64 = 1_767_225_600
let DAY: UInt64 = 86_400
let NOW = T0 + 12 * DAY

func key(_ n: UInt8) throws -> SecretKey { try SecretKey.fromSeed(seed: Data(repeating: n, count: 32)) }
func years(_ n: UInt64) -> Validity { validityDaysFrom(notBefore: T0 - 30 * DAY, days: 365 * n) }

struct Handset {
    let imei: String
    let board: Certificate, screen: Certificate, camera: Certificate
    let cameraKey: SecretKey
    let record: PairingRecord
}

/// The London story's cast, made with the bindings' own issuing side.
final class World {
    let acme: Authority, line: Authority, pairing: Authority, register: Authority
    var alice: Handset!, bob: Handset!
    var list1: BlocklistSnapshot!, list2: BlocklistSnapshot!, delta12: BlocklistDelta!
    var chain: [Certificate] { [line.certificate()] }

    init() throws {
        acme = try Authority.newManufacturerRoot(key: key(1), name: "Acme Phones root", manufacturers: ["Acme Phones"], validity: years(30))
        let lineKey = try key(2)
        line = try Authority(key: lineKey, certificate: acme.certifyPartIssuer(
            name: "Acme line 3", subjectKey: lineKey.publicKey(), permittedKinds: [.board, .screen, .rearCamera],
            manufacturers: ["Acme Phones"], serialNumber: 2, validity: years(20)))
        let pairingKey = try key(3)
        pairing = try Authority(key: pairingKey, certificate: acme.certifyPairingService(
            name: "Acme pairing", subjectKey: pairingKey.publicKey(), serialNumber: 3, validity: years(20)))
        register = try Authority.newBlocklistRoot(key: key(4), name: "National Mobile Property Register", validity: years(30))
        alice = try build(1, "ALICE")
        bob = try build(2, "BOB")
        list1 = try register.publishSnapshot(version: ListVersion(epoch: 0, sequence: 1), issuedAt: T0 + DAY, expiresAt: T0 + 30 * DAY, entries: [])
        list2 = try register.publishNextSnapshot(base: list1, version: ListVersion(epoch: 0, sequence: 2), issuedAt: T0 + 10 * DAY,
            expiresAt: T0 + 40 * DAY, delisted: [],
            listed: entriesForReportedHandset(record: alice.record, reason: .stolen, listedAt: T0 + 10 * DAY, status: .final))
        delta12 = try register.publishDelta(from: list1, to: list2)
    }

    func build(_ n: UInt64, _ who: String) throws -> Handset {
        let imei = try imeiWithCheckDigit(body: 35_693_803_564_380 + n)
        func spec(_ kind: PartKind, _ serial: String, _ imeis: [String] = [], _ key: String? = nil) -> PartSpec {
            PartSpec(kind: kind, manufacturer: "Acme Phones", model: "A1", serial: serial, imeis: imeis, key: key)
        }
        let board = try line.certifyPart(spec: spec(.board, "BRD-\(who)", [imei]), serialNumber: 10 * n, validity: years(30))
        let screen = try line.certifyPart(spec: spec(.screen, "SCR-\(who)"), serialNumber: 10 * n + 1, validity: years(30))
        let cameraKey = try key(UInt8(20 + n))
        let camera = try line.certifyPart(spec: spec(.rearCamera, "CAM-\(who)", [], cameraKey.publicKey()), serialNumber: 10 * n + 2, validity: years(30))
        let record = try pairing.pair(board: board, parts: [screen, camera], sequence: 1, event: .factoryBuild, issuedAt: T0)
        return Handset(imei: imei, board: board, screen: screen, camera: camera, cameraKey: cameraKey, record: record)
    }

    func trust() throws -> TrustStore {
        let trust = TrustStore()
        _ = try trust.addManufacturerRoot(root: acme.certificate())
        _ = try trust.addBlocklistRoot(root: register.certificate())
        return trust
    }
}

func londonStory(_ w: World) throws {
    let trust = try w.trust()
    let blocklist = Blocklist()
    check("day 1 list accepted", try blocklist.applySnapshot(trust: trust, snapshot: w.list1, now: T0 + DAY) == ListVersion(epoch: 0, sequence: 1))
    check("day 10 delta accepted", try blocklist.applyDelta(trust: trust, delta: w.delta12, now: T0 + 11 * DAY) == ListVersion(epoch: 0, sequence: 2))
    let shop = try Verifier(trust: trust, blocklist: blocklist)

    // Alice's phone was snatched; its screen is harvested and offered to a shop.
    let harvested = try shop.verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain, pairing: w.alice.record), now: NOW)
    check("harvested screen is blocked", harvested.isBlocked)
    check("harvested screen summary", harvested.summary == "genuine (serial-only), used, BLOCKED: stolen", harvested.summary)
    if case let .blocked(listings, stale, lists) = harvested.blocklist {
        check("listing names the register", listings.first?.authorityName == "National Mobile Property Register")
        check("listing reason stolen, final", listings.allSatisfy { $0.reason == .stolen && $0.status == .final })
        check("listing epoch 0 sequence 2", listings.allSatisfy { $0.epoch == 0 && $0.sequence == 2 })
        check("not stale", !stale && !harvested.isStale)
        check("list consulted is epoch 0 sequence 2", lists.count == 1 && lists[0].sequence == 2 && lists[0].staleReason == nil)
    } else {
        check("harvested screen's status is blocked", false, harvested.blocklist)
    }
    check("harvested part fields", harvested.part.kind == .screen && harvested.part.serial == "SCR-ALICE")
    check("provenance names Alice's handset", harvested.provenance?.handsetImeis == [w.alice.imei] && harvested.provenance?.certificateRenewed == false)
    check("relation used", harvested.relation == .pairedElsewhere)
    check("issuer and root named", harvested.issuer.name == "Acme line 3" && harvested.root.name == "Acme Phones root")
    check("checked at now", harvested.checkedAt == NOW)

    // Bob's screen is a clean donor part.
    let donor = try shop.verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain, pairing: w.bob.record), now: NOW)
    check("donor screen genuine, used, clean", donor.summary == "genuine (serial-only), used, clean", donor.summary)
    if case .clean = donor.blocklist {} else { check("donor status clean", false, donor.blocklist) }
    let challenge = Challenge.generate()
    let answer = ChallengeAnswer(challenge: challenge, response: try ChallengeResponse.respond(partKey: w.bob.cameraKey, challenge: challenge, certificate: w.bob.camera))
    let camera = try shop.verifyPart(evidence: PartEvidence(certificate: w.bob.camera, chain: w.chain, pairing: w.bob.record, challenge: answer), now: NOW)
    check("donor camera key-proven", camera.binding == .keyProven && camera.summary == "genuine (key-proven), used, clean", camera.summary)
    expectError("a replayed challenge response", 203) {
        try shop.verifyPart(evidence: PartEvidence(certificate: w.bob.camera, chain: w.chain,
            challenge: ChallengeAnswer(challenge: Challenge.generate(), response: answer.response)), now: NOW)
    }

    // A counterfeit from a forged "Acme" root nobody pinned.
    let forgedRoot = try Authority.newManufacturerRoot(key: key(66), name: "Acme Phones root", manufacturers: ["Acme Phones"], validity: years(30))
    let forgedKey = try key(67)
    let forgedLine = try Authority(key: forgedKey, certificate: forgedRoot.certifyPartIssuer(name: "Acme line 3", subjectKey: forgedKey.publicKey(),
        permittedKinds: [.screen], manufacturers: ["Acme Phones"], serialNumber: 2, validity: years(20)))
    let fake = try forgedLine.certifyPart(spec: PartSpec(kind: .screen, manufacturer: "Acme Phones", model: "A1", serial: "SCR-FAKE"), serialNumber: 1, validity: years(30))
    let e = expectError("counterfeit screen", 201) { try shop.verifyPart(evidence: PartEvidence(certificate: fake, chain: [forgedLine.certificate()]), now: NOW) }
    if case let .Trust(code, name, family, message)? = e {
        check("counterfeit untrusted: trust family", code == 201 && name == "UnknownIssuer" && family == "trust" && message.contains("counterfeit"), message)
    } else { check("counterfeit is a trust error", false, e) }

    let json = try shop.verifyPartJson(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain, pairing: w.alice.record), now: NOW)
    check("JSON verdict blocked", json.contains("\"state\":\"blocked\"") && json.contains("\"reason\":\"stolen\""), json)

    let restored = try Blocklist.fromSavedState(state: blocklist.saveState(), trust: trust)
    check("restored state still blocks", try Verifier(trust: trust, blocklist: restored).verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: NOW).isBlocked)
    let marksOnly = try Blocklist.withRollbackState(state: blocklist.rollbackState())
    let stale = try Verifier(trust: trust, blocklist: marksOnly).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: NOW)
    if case let .stale(lists) = stale.blocklist {
        check("marks without the list read stale, missing", lists.count == 1 && lists[0].staleReason == .missing)
    } else { check("marks without the list read stale", false, stale.summary) }
    expectError("yesterday's list after today's (rollback)", 400) { try marksOnly.applySnapshot(trust: trust, snapshot: w.list1, now: NOW) }
    check("a refused update changes nothing", marksOnly.lists().isEmpty && marksOnly.followsAny())

    let report = try Verifier(trust: trust, blocklist: blocklist).verifyHandset(evidence: HandsetEvidence(pairing: w.bob.record, modemImeis: [w.bob.imei],
        fitted: [FittedPart(certificate: w.bob.board, chain: w.chain), FittedPart(certificate: w.bob.screen, chain: w.chain),
                 FittedPart(certificate: w.bob.camera, chain: w.chain)]), now: NOW)
    check("Bob's handset all original and clean", report.allOriginal && report.allOriginalAndClean && !report.isBlocked, report)
    let aliceReport = try Verifier(trust: trust, blocklist: blocklist).verifyHandset(evidence: HandsetEvidence(pairing: w.alice.record,
        modemImeis: [w.alice.imei], fitted: [FittedPart(certificate: w.alice.board, chain: w.chain)]), now: NOW)
    check("Alice's handset reports blocked, two parts missing", aliceReport.isBlocked && aliceReport.missing.count == 2)
}

func errorFamilies(_ w: World) throws {
    let trust = try w.trust()
    let e1 = expectError("malformed: truncated certificate", 100) { try Certificate.decode(bytes: w.alice.screen.toBytes().prefix(20)) }
    if case .Malformed? = e1 {} else { check("malformed family", false, e1) }
    var forged = w.bob.screen.toBytes()
    forged[forged.count - 1] ^= 1
    let e2 = expectError("trust: forged signature", 200) { try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: Certificate.decode(bytes: forged), chain: w.chain), now: NOW) }
    check("trust family", e2?.family() == "trust")
    let e3 = expectError("policy: expired certificate", 301) { try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: T0 + 40 * 365 * DAY) }
    if case .Policy? = e3 {} else { check("policy family", false, e3) }
    let e4 = expectError("blocklist-state: rollback", 400) {
        let b = Blocklist()
        _ = try b.applySnapshot(trust: trust, snapshot: w.list2, now: NOW)
        return try b.applySnapshot(trust: trust, snapshot: w.list1, now: NOW)
    }
    if case .BlocklistState? = e4 {} else { check("blocklist-state family", false, e4) }
    let e5 = expectError("misuse: a 31-byte seed", 503) { try SecretKey.fromSeed(seed: Data(count: 31)) }
    if case .Misuse? = e5 {} else { check("misuse family", false, e5) }
    expectError("invalid IMEI (Luhn)", 107) { try parseImei(text: "356938035643808") }
    check("valid IMEI parses", (try? parseImei(text: "356938035643809")) == "356938035643809")
    expectError("a line certifying a kind it may not", 302) { try w.line.certifyPart(spec: PartSpec(kind: .battery, manufacturer: "Acme Phones", model: "A1", serial: "BAT-1"), serialNumber: 9, validity: years(1)) }
    expectError("a serial not in its one written form", 111) { try w.line.certifyPart(spec: PartSpec(kind: .screen, manufacturer: "Acme Phones", model: "A1", serial: "scr 1"), serialNumber: 9, validity: years(1)) }
    check("error table has every family", Set(errorCodes().map { $0.family }) == ["malformed", "trust", "policy", "blocklist-state", "misuse", "internal"])
}

/// The rest of the surface: revocation, a delegated register key, lookups, JSON.
func restOfSurface(_ w: World) throws {
    let trust = try w.trust()
    let lineId = w.line.certificate().authority()!.keyId
    let acmeId = w.acme.certificate().authority()!.keyId
    let revocation = try w.acme.revoke(sequence: 1, issuedAt: T0 + 6 * DAY, revoked: [RevokedKey(key: lineId, since: T0 + 5 * DAY)])
    check("revocation list reads back", revocation.info().revoked == [RevokedKey(key: lineId, since: T0 + 5 * DAY)])
    check("revocation applied", try trust.applyRevocationList(list: revocation) == 1)
    check("revoked since day 5", try trust.revokedSince(root: acmeId, key: lineId) == T0 + 5 * DAY)
    let v = try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain, pairing: w.bob.record), now: NOW)
    check("made before the leak", v.issuerRevokedSince == T0 + 5 * DAY, v.summary)
    expectError("no record placing it before the leak", 304) { try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: NOW) }
    let signerKey = try key(5)
    let signer = try Authority(key: signerKey, certificate: w.register.certifyBlocklistAuthority(name: "NMPR signing",
        subjectKey: signerKey.publicKey(), epoch: 0, serialNumber: 5, validity: years(5)))
    expectError("a delegated key signing another epoch", 406) { try signer.publishSnapshot(version: ListVersion(epoch: 1, sequence: 1), issuedAt: NOW, expiresAt: NOW + DAY, entries: []) }
    let list3 = try signer.publishNextSnapshot(base: w.list2, version: ListVersion(epoch: 0, sequence: 3), issuedAt: T0 + 11 * DAY,
        expiresAt: T0 + 40 * DAY, delisted: [.imei(imei: w.alice.imei)], listed: [])
    let bl = Blocklist()
    check("delegated list accepted", try bl.applySnapshot(trust: trust, snapshot: list3, now: NOW) == ListVersion(epoch: 0, sequence: 3))
    check("handset delisted, parts still listed", try bl.lookup(keys: [.imei(imei: w.alice.imei)]).isEmpty &&
        bl.lookup(keys: [.part(partId: w.alice.screen.part()!.partId)]).count == 1)
    check("list expired later reads stale", bl.listsChecked(trust: trust, now: T0 + 41 * DAY).first?.staleReason == .expired)
    let json = try Verifier(trust: trust, blocklist: bl).verifyHandsetJson(evidence: HandsetEvidence(pairing: w.bob.record,
        modemImeis: [w.bob.imei], fitted: [FittedPart(certificate: w.bob.board, chain: w.chain)]), now: NOW)
    check("handset report JSON", json.contains("\"all_original\":false"), json)
    check("part kinds parse", try parsePartKind(text: "rear-camera") == .rearCamera && partKindName(kind: .other(code: 42)) == "kind-42")
    check("format version 2", formatVersion() == 2)
    let challenge = try Challenge.fromNonce(nonce: Data(repeating: 7, count: 32))
    let response = try ChallengeResponse.respond(partKey: w.bob.cameraKey, challenge: challenge, certificate: w.bob.camera)
    check("response answers the nonce", (try? response.verify(challenge: challenge, certificate: w.bob.camera)) != nil)
    expectError("a response for another part's certificate", 203) { try response.verify(challenge: challenge, certificate: w.alice.camera) }
    expectError("a key that is not the part's", 205) { try ChallengeResponse.respond(partKey: w.alice.cameraKey, challenge: challenge, certificate: w.bob.camera) }
}

/// A national register's compact list applied by content; anything else refused with 105.
func compactByContent(_ w: World) throws {
    let trust = try w.trust()
    let compact = try w.register.publishCompactSnapshot(version: ListVersion(epoch: 0, sequence: 1), issuedAt: T0 + 10 * DAY,
        expiresAt: T0 + 40 * DAY,
        entries: entriesForReportedHandset(record: w.alice.record, reason: .stolen, listedAt: T0 + 10 * DAY, status: .final))
    let bytes = compact.toBytes()
    let info = try CompactSnapshot.decode(bytes: bytes).info()
    check("compact snapshot round-trips", try CompactSnapshot.decode(bytes: bytes).toBytes() == bytes &&
        info.version == ListVersion(epoch: 0, sequence: 1) && info.authority == w.register.certificate().authority()!.keyId, info)
    check("objectTypeOf knows a compact snapshot", try objectTypeOf(bytes: bytes) == .compactSnapshot)
    if case let .compactSnapshot(decoded) = try decodeObject(bytes: bytes) {
        check("decodeObject gives a compact snapshot", decoded.toBytes() == bytes)
    } else {
        check("decodeObject gives a compact snapshot", false)
    }
    let device = Blocklist()
    expectError("applySnapshot given a compact snapshot", 105) {
        try device.applySnapshot(trust: trust, snapshot: BlocklistSnapshot.decode(bytes: bytes), now: NOW)
    }
    check("compact snapshot applied by content", try device.apply(trust: trust, bytes: bytes, now: T0 + 10 * DAY) == ListVersion(epoch: 0, sequence: 1))
    let held = device.lists()
    check("compact list held: 4 keys, its digest", held.count == 1 && held[0].entryCount == 4 && held[0].digest == info.stateDigest, held)
    let verifier = try Verifier(trust: trust, blocklist: device)
    check("compact list blocks Alice's screen", try verifier.verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: NOW).isBlocked)
    check("compact list leaves Bob's screen clean", try !verifier.verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: NOW).isBlocked)

    let e = expectError("a certificate given to apply", 105) { try device.apply(trust: trust, bytes: w.alice.screen.toBytes(), now: NOW) }
    check("105 names what it is", e?.detail().contains("but this is a certificate") == true, e?.detail())
    expectError("a pairing record given to apply", 105) { try device.apply(trust: trust, bytes: w.alice.record.toBytes(), now: NOW) }
    expectError("truncated compact snapshot", 100) { try device.apply(trust: trust, bytes: bytes.prefix(bytes.count - 1), now: NOW) }
    check("a refused object changes nothing", device.lists() == held)
    check("a newer sorted snapshot replaces the compact list", try device.apply(trust: trust, bytes: w.list2.toBytes(), now: NOW) == ListVersion(epoch: 0, sequence: 2))
    expectError("the compact snapshot again after a newer list", 400) { try device.apply(trust: trust, bytes: bytes, now: NOW) }

    let sorted = Blocklist()
    check("sorted snapshot by content", try sorted.apply(trust: trust, bytes: w.list1.toBytes(), now: T0 + DAY) == ListVersion(epoch: 0, sequence: 1))
    check("delta by content", try sorted.apply(trust: trust, bytes: w.delta12.toBytes(), now: T0 + 11 * DAY) == ListVersion(epoch: 0, sequence: 2))
}

func hex(_ d: Data) -> String { d.map { String(format: "%02x", $0) }.joined() }

func roleName(_ r: AuthorityRole) -> String {
    switch r {
    case .manufacturerRoot: return "manufacturer root"
    case .partIssuer: return "part issuer"
    case .pairingService: return "pairing service"
    case .blocklistRoot: return "blocklist root"
    case .blocklistAuthority: return "blocklist authority"
    }
}

func vectorFiles(_ dir: URL) throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
        .filter { $0.lastPathComponent != "README.md" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

/// What the bindings say about each vector, in vector-facts' format.
func vectorFacts(_ dir: URL) throws -> [String] {
    var out: [String] = []
    for file in try vectorFiles(dir) {
        let n = file.lastPathComponent
        let bytes = try Data(contentsOf: file)
        func fact(_ field: String, _ value: Any) { out.append("\(n):\(field)=\(value)") }
        if n.hasSuffix(".pcrb") {
            fact("marks", try decodeRollbackState(bytes: bytes).map { "\($0.authority)@\($0.epoch)/\($0.sequence):\($0.digest)" }.joined(separator: ","))
            continue
        }
        switch try decodeObject(bytes: bytes) {
        case let .certificate(certificate):
            let c = certificate.info()
            fact("serial_number", c.serialNumber); fact("issuer", c.issuer)
            fact("not_before", c.validity.notBefore); fact("not_after", c.validity.notAfter); fact("fingerprint", c.fingerprint)
            switch c.subject {
            case let .authority(a):
                fact("role", roleName(a.role)); fact("name", a.name); fact("key", a.key)
                fact("permitted_kinds", a.permittedKinds.map(partKindName).joined(separator: ","))
                fact("manufacturers", a.manufacturers.joined(separator: ",")); fact("epoch", a.epoch)
            case let .part(p):
                fact("root", p.root); fact("kind", partKindName(kind: p.kind)); fact("manufacturer", p.manufacturer)
                fact("model", p.model); fact("serial", p.serial); fact("imeis", p.imeis.joined(separator: ","))
                fact("key", p.key ?? ""); fact("part_id", p.partId)
            }
        case let .pairingRecord(record):
            let r = record.info()
            fact("imeis", r.imeis.joined(separator: ",")); fact("board", r.board.partId)
            fact("parts", r.parts.map { $0.partId }.joined(separator: ",")); fact("sequence", r.sequence)
            fact("event", r.event == .factoryBuild ? "factorybuild" : "repair"); fact("issued_at", r.issuedAt); fact("fingerprint", r.fingerprint)
        case let .blocklistSnapshot(snapshot):
            let s = snapshot.info()
            fact("authority", s.authority); fact("version", "\(s.version.epoch)/\(s.version.sequence)")
            fact("issued_at", s.issuedAt); fact("expires_at", s.expiresAt); fact("entries", s.entries.count)
            fact("state_digest", s.stateDigest); fact("fingerprint", s.fingerprint)
        case let .blocklistDelta(delta):
            let d = delta.info()
            fact("authority", d.authority); fact("from", "\(d.fromVersion.epoch)/\(d.fromVersion.sequence)")
            fact("to", "\(d.toVersion.epoch)/\(d.toVersion.sequence)"); fact("from_digest", d.fromDigest)
            fact("result_digest", d.resultDigest); fact("upserts", d.upserts.count); fact("removals", d.removals.count)
        case let .revocationList(list):
            let l = list.info()
            fact("root", l.root); fact("sequence", l.sequence); fact("issued_at", l.issuedAt)
            fact("revoked", l.revoked.map { "\($0.key)@\($0.since)" }.joined(separator: ","))
        case let .challengeResponse(response):
            let r = response.info()
            fact("nonce", hex(r.nonce)); fact("certificate", r.certificate)
        case let .compactSnapshot(snapshot):
            // No golden vector is a compact list (its layout is pinned in core/tests/compact.rs).
            fact("state_digest", snapshot.info().stateDigest)
        }
    }
    return out
}

func goldenVectors(_ dir: URL, _ factsFile: URL) throws {
    let expected = try String(contentsOf: factsFile, encoding: .utf8).split(separator: "\n").map(String.init)
    let decoded = expected.filter { !$0.hasPrefix("verdict:") && !$0.hasPrefix("now=") }.sorted()
    let actual = try vectorFacts(dir).sorted()
    check("every golden vector decodes to the fields Rust reads (\(decoded.count) fields)", actual == decoded,
          "\(Set(actual).subtracting(decoded)) vs \(Set(decoded).subtracting(actual))")
    check("vectors present", decoded.count > 50, decoded.count)
    for file in try vectorFiles(dir) where !file.lastPathComponent.hasSuffix(".pcrb") {
        let bytes = try Data(contentsOf: file)
        let round: Data
        switch try decodeObject(bytes: bytes) {
        case let .certificate(o): round = o.toBytes()
        case let .pairingRecord(o): round = o.toBytes()
        case let .blocklistSnapshot(o): round = o.toBytes()
        case let .blocklistDelta(o): round = o.toBytes()
        case let .revocationList(o): round = o.toBytes()
        case let .challengeResponse(o): round = o.toBytes()
        case let .compactSnapshot(o): round = o.toBytes()
        }
        check("\(file.lastPathComponent) re-encodes to the same bytes", round == bytes)
    }
    func v(_ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }
    let now = UInt64(expected.first { $0.hasPrefix("now=") }!.dropFirst(4))!
    let trust = TrustStore()
    _ = try trust.addManufacturerRoot(root: Certificate.decode(bytes: v("manufacturer_root.cert")))
    _ = try trust.addBlocklistRoot(root: Certificate.decode(bytes: v("blocklist_root.cert")))
    let blocklist = Blocklist()
    _ = try blocklist.applySnapshot(trust: trust, snapshot: BlocklistSnapshot.decode(bytes: v("stolen_v2.pcbl")), now: now)
    let chain = [try Certificate.decode(bytes: v("part_issuer.cert"))]
    let verifier = try Verifier(trust: trust, blocklist: blocklist)
    let screen = try verifier.verifyPart(evidence: PartEvidence(certificate: Certificate.decode(bytes: v("screen.cert")), chain: chain,
        pairing: PairingRecord.decode(bytes: v("handset.pair"))), now: now)
    check("golden screen verdict as in Rust", expected.contains("verdict:screen=\(screen.summary)"), screen.summary)
    var listings = 0
    if case let .blocked(l, _, _) = screen.blocklist { listings = l.count }
    check("golden screen listings as in Rust", expected.contains("verdict:screen_listings=\(listings)"))
    let camera = try verifier.verifyPart(evidence: PartEvidence(certificate: Certificate.decode(bytes: v("keyed_camera.cert")), chain: chain,
        challenge: ChallengeAnswer(challenge: Challenge.fromNonce(nonce: Data(repeating: 0x42, count: 32)),
                                   response: ChallengeResponse.decode(bytes: v("camera_response.pcr")))), now: now)
    check("golden camera verdict as in Rust", expected.contains("verdict:camera=\(camera.summary)"), camera.summary)
}

/// xorshift64*: the same sequence in the Kotlin and Swift tests.
struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

func malformedInputs(_ w: World, _ dir: URL) throws {
    let trust = try w.trust()
    let bl = Blocklist()
    _ = try bl.applySnapshot(trust: trust, snapshot: w.list2, now: NOW)
    let seeds = try vectorFiles(dir).map { try Data(contentsOf: $0) } +
        [w.alice.screen.toBytes(), w.alice.record.toBytes(), w.list2.toBytes(), w.delta12.toBytes(), bl.saveState(), bl.rollbackState()]
    let decoders: [(String, (Data) throws -> Any)] = [
        ("Certificate", { try Certificate.decode(bytes: $0) }), ("PairingRecord", { try PairingRecord.decode(bytes: $0) }),
        ("BlocklistSnapshot", { try BlocklistSnapshot.decode(bytes: $0) }), ("BlocklistDelta", { try BlocklistDelta.decode(bytes: $0) }),
        ("RevocationList", { try RevocationList.decode(bytes: $0) }), ("ChallengeResponse", { try ChallengeResponse.decode(bytes: $0) }),
        ("decodeObject", { try decodeObject(bytes: $0) }), ("objectTypeOf", { try objectTypeOf(bytes: $0) }),
        ("decodeRollbackState", { try decodeRollbackState(bytes: $0) }), ("Blocklist.withRollbackState", { try Blocklist.withRollbackState(state: $0) }),
        ("Blocklist.fromSavedState", { try Blocklist.fromSavedState(state: $0, trust: trust) }),
    ]
    var rng = Rng(state: 0x5eed_2026)
    var typed = 0, accepted = 0, wrong = 0, mustFail = 0, mustFailRefused = 0
    for i in 0..<10_000 {
        let base = seeds[rng.below(seeds.count)]
        let kind = i % 4
        var input: Data
        switch kind {
        case 0: input = base.prefix(rng.below(base.count))
        case 1: input = base + Data((0..<(1 + rng.below(16))).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        case 2:
            input = base
            for _ in 0..<(1 + rng.below(4)) { let p = rng.below(input.count); input[p] ^= UInt8(1 << rng.below(8)) }
        default: input = Data((0..<rng.below(300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
        input = Data(input)  // a fresh buffer starting at index 0
        for (name, decode) in decoders {
            do { _ = try decode(input); accepted += 1 }
            catch let e as PartcertError {
                typed += 1
                if kind <= 1 && name != "objectTypeOf" { mustFailRefused += 1 }
                if errorCodeInfo(code: e.code()) == nil { wrong += 1; print("untyped code \(e.code()) from \(name)") }
            } catch { wrong += 1; print("\(name) threw \(error)") }
            // objectTypeOf reads the header only: a cut or extended body keeps its type.
            if kind <= 1 && name != "objectTypeOf" { mustFail += 1 }
        }
    }
    check("10,000 malformed inputs × \(decoders.count) decoders: only typed errors (\(typed) typed, \(accepted) accepted)", wrong == 0, wrong)
    check("every truncated or extended input refused", mustFail == mustFailRefused, "\(mustFailRefused) of \(mustFail)")
}

/// What the threads share, behind a lock.
final class Shared: @unchecked Sendable {
    struct State { var problem: String? = nil; var verified = 0; var done = false }
    private var state = State()
    private let lock = NSLock()
    func with<T>(_ body: (inout State) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&state) }
}

func threads(_ w: World) throws {
    let trust = try w.trust()
    let shared = Blocklist()
    _ = try shared.applySnapshot(trust: trust, snapshot: w.list1, now: NOW)
    let day1 = Blocklist(); _ = try day1.applySnapshot(trust: trust, snapshot: w.list1, now: NOW)
    let day10 = Blocklist(); _ = try day10.applySnapshot(trust: trust, snapshot: w.list2, now: NOW)
    let verifier = try Verifier(trust: trust, blocklist: shared)
    let shared_ = Shared()
    let isDone: @Sendable () -> Bool = { shared_.with { $0.done } }
    let report: @Sendable (String) -> Void = { p in shared_.with { $0.problem = p } }
    let group = DispatchGroup()
    for t in 1...2 {
        group.enter()
        Thread {
            defer { group.leave() }
            do {
                var count = 0
                while !isDone() {
                    let v = try verifier.verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: NOW)
                    var seq: UInt64 = 0
                    switch v.blocklist {
                    case let .clean(lists): seq = lists.first?.sequence ?? 0
                    case let .blocked(_, _, lists): seq = lists.first?.sequence ?? 0
                    default: break
                    }
                    if v.isBlocked != (seq == 2) || seq == 0 { report("thread \(t) saw a torn state: \(v.summary) at sequence \(seq)") }
                    let bob = try verifier.verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: NOW)
                    if bob.isBlocked { report("Bob's screen blocked") }
                    count += 2
                }
                shared_.with { $0.verified += count }
            } catch { report("thread \(t): \(error)") }
        }.start()
    }
    group.enter()
    Thread {
        defer { group.leave() }
        for i in 0..<300 {
            if i % 3 == 2 {
                _ = try? shared.applySnapshot(trust: trust, snapshot: w.list1, now: NOW)  // refused: older
            } else {
                shared.replaceWith(other: i % 2 == 0 ? day10 : day1)
            }
            usleep(1000)
        }
        shared_.with { $0.done = true }
    }.start()
    group.wait()
    let (problem, verified) = shared_.with { ($0.problem, $0.verified) }
    check("two threads verify while a third swaps blocklists (\(verified) verdicts)", problem == nil && verified > 0, problem)
}

func rssKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
}

func memory(_ w: World) throws {
    let trust = try w.trust()
    let bl = Blocklist()
    _ = try bl.applySnapshot(trust: trust, snapshot: w.list2, now: NOW)
    let verifier = try Verifier(trust: trust, blocklist: bl)
    let evidence = PartEvidence(certificate: w.bob.screen, chain: w.chain, pairing: w.bob.record)
    for _ in 0..<10_000 { _ = try verifier.verifyPart(evidence: evidence, now: NOW) }
    let before = rssKiB()
    var clean = 0
    for _ in 0..<100_000 { if try !verifier.verifyPart(evidence: evidence, now: NOW).isBlocked { clean += 1 } }
    let after = rssKiB()
    print("memory: VmRSS before \(before / 1024) MiB, after 100,000 verifications \(after / 1024) MiB (\((after - before) / 1024) MiB)")
    check("100,000 verifications all clean", clean == 100_000)
    check("resident memory does not grow (bound 16 MiB)", after - before < 16 * 1024, "\(after - before) KiB")
}

final class PartcertTests: XCTestCase {
    func testEverything() throws {
        let env = ProcessInfo.processInfo.environment
        let vectors = URL(fileURLWithPath: env["PARTCERT_VECTORS"] ?? "core/tests/vectors")
        let facts = URL(fileURLWithPath: env["PARTCERT_FACTS"] ?? "target/bindings/vector-facts.txt")
        let w = try World()
        let sections: [(String, () throws -> Void)] = [
            ("London story", { try londonStory(w) }), ("error families", { try errorFamilies(w) }),
            ("rest of the surface", { try restOfSurface(w) }), ("compact list by content", { try compactByContent(w) }),
            ("golden vectors", { try goldenVectors(vectors, facts) }), ("malformed inputs", { try malformedInputs(w, vectors) }),
            ("threads", { try threads(w) }), ("memory", { try memory(w) }),
        ]
        for (name, run) in sections {
            do { try run() } catch { check("\(name) ran to the end", false, error) }
            print("swift: \(name) done")
        }
        print("\(passed) passed, \(failed) failed")
        XCTAssertEqual(failed, 0)
    }
}
