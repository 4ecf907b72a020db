// Swift tests of the partcert bindings: plain checks, counted, ending in
// "N passed, 0 failed" (one XCTest case runs them all, in order, with
// KeepingListsCurrent.swift's: syncing from a repository). Run by
// bindings/tests/run.sh with PARTCERT_VECTORS, PARTCERT_FACTS and PARTCERT_FORGED
// (the thief's foreign pairing records, as the Rust support program forges them) set.

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
        return judgeError(what, code, nil)
    } catch {
        return judgeError(what, code, error)
    }
}

/// Checks that `error` is a PartcertError with `code` (none: nothing was thrown); returns it.
func judgeError(_ what: String, _ code: UInt32, _ error: Error?) -> PartcertError? {
    guard let error else {
        check("\(what) throws \(code)", false, "no error")
        return nil
    }
    guard let e = error as? PartcertError else {
        check("\(what) throws \(code)", false, "untyped error \(error)")
        return nil
    }
    check("\(what) throws \(code)", e.info().code == code, "got \(e.info().code) \(e.info().name): \(e.info().message)")
    return e
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
    /// The register's lists (their exact bytes): day 1 empty; day 10 Alice's phone reported stolen, as a
    /// snapshot and as the delta from day 1's.
    var list1: Data!, list2: Data!, delta12: Data!
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
        list1 = try register.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: 1),
            issuedAt: T0 + DAY, expiresAt: T0 + 30 * DAY), listed: []).bytes
        let stolen = entriesForReportedHandset(record: alice.record, reason: .stolen, listedAt: T0 + 10 * DAY, status: .final)
        list2 = try register.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: 2),
            issuedAt: T0 + 10 * DAY, expiresAt: T0 + 40 * DAY, base: .snapshot(bytes: list1)), listed: stolen).bytes
        delta12 = try register.publish(publication: Publication(format: .delta, version: ListVersion(epoch: 0, sequence: 2),
            issuedAt: T0 + 10 * DAY, expiresAt: T0 + 40 * DAY, base: .snapshot(bytes: list1)), listed: stolen).bytes
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
    check("day 1 list accepted", try blocklist.apply(trust: trust, bytes: w.list1, now: T0 + DAY) == ListVersion(epoch: 0, sequence: 1))
    check("day 10 delta accepted", try blocklist.apply(trust: trust, bytes: w.delta12, now: T0 + 11 * DAY) == ListVersion(epoch: 0, sequence: 2))
    let shop = try Verifier(trust: trust, blocklist: blocklist)

    // Alice's phone was snatched; its screen is harvested and offered to a shop.
    let harvested = try shop.verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain, pairing: w.alice.record), now: NOW)
    check("harvested screen is blocked", harvested.isBlocked)
    check("harvested screen summary", harvested.summary == "genuine (serial-only), used, BLOCKED: stolen", harvested.summary)
    // What the technician reads first, and what to do: the core's words, as the CLI and C show them.
    check("harvested screen headline", harvested.headline.hasPrefix("BLOCKED — ") && harvested.headline.hasSuffix("is listed as stolen"), harvested.headline)
    check("harvested screen advice", harvested.advice.hasPrefix("Do not fit it."), harvested.advice)
    if case let .blocked(listings, capped, stale, lists) = harvested.blocklist {
        check("an exact match on the handset's IMEI, not capped", !capped && listings.allSatisfy { !$0.byFingerprint } &&
              listings.contains { $0.matched == .imei(w.alice.imei) }, listings)
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
    check("no retired line, no refused record", harvested.issuerRetiredAt == nil && harvested.pairingRefused == nil)
    check("provenance: first paired at the factory", harvested.provenance?.firstPaired == T0)

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
    if case let .Trust(info)? = e {
        check("counterfeit untrusted: trust family", info.code == 201 && info.name == "UnknownIssuer" && info.family == "trust" &&
              info.message.contains("counterfeit"), info)
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
    expectError("yesterday's list after today's (rollback)", 400) { try marksOnly.apply(trust: trust, bytes: w.list1, now: NOW) }
    check("a refused update changes nothing", marksOnly.lists().isEmpty && marksOnly.followsAny())

    let report = try Verifier(trust: trust, blocklist: blocklist).verifyHandset(evidence: HandsetEvidence(pairing: w.bob.record, modemImeis: [w.bob.imei],
        fitted: [FittedPart(certificate: w.bob.board, chain: w.chain), FittedPart(certificate: w.bob.screen, chain: w.chain),
                 FittedPart(certificate: w.bob.camera, chain: w.chain)]), now: NOW)
    check("Bob's handset all original and clean", report.allOriginal && report.allOriginalAndClean && !report.isBlocked, report)
    let aliceReport = try Verifier(trust: trust, blocklist: blocklist).verifyHandset(evidence: HandsetEvidence(pairing: w.alice.record,
        modemImeis: [w.alice.imei], fitted: [FittedPart(certificate: w.alice.board, chain: w.chain)]), now: NOW)
    check("Alice's handset reports blocked, two parts missing", aliceReport.isBlocked && aliceReport.missing.count == 2)
    check("Alice's handset headline", aliceReport.headline == "BLOCKED — this handset is listed as stolen", aliceReport.headline)
    check("Alice's own record was not refused", aliceReport.pairingRefused == nil && report.pairingRefused == nil)
    check("a missing keyed camera names its key", aliceReport.missing.first { $0.kind == .rearCamera }?.key == w.alice.cameraKey.keyId() &&
          aliceReport.missing.allSatisfy { $0.firstPaired == T0 })
}

func errorFamilies(_ w: World) throws {
    let trust = try w.trust()
    let e1 = expectError("malformed: truncated certificate", 100) { try Certificate.decode(bytes: w.alice.screen.toBytes().prefix(20)) }
    if case .Malformed? = e1 {} else { check("malformed family", false, e1) }
    var forged = w.bob.screen.toBytes()
    forged[forged.count - 1] ^= 1
    let e2 = expectError("trust: forged signature", 200) { try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: Certificate.decode(bytes: forged), chain: w.chain), now: NOW) }
    check("trust family", e2?.info().family == "trust")
    let e3 = expectError("policy: expired certificate", 301) { try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: T0 + 40 * 365 * DAY) }
    if case .Policy? = e3 {} else { check("policy family", false, e3) }
    let e4 = expectError("blocklist-state: rollback", 400) {
        let b = Blocklist()
        _ = try b.apply(trust: trust, bytes: w.list2, now: NOW)
        return try b.apply(trust: trust, bytes: w.list1, now: NOW)
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
    let lineId = w.line.keyId()
    let acmeId = w.acme.keyId()
    let revocation = try w.acme.revoke(sequence: 1, issuedAt: T0 + 6 * DAY, revoked: [RevokedKey(key: lineId, since: T0 + 5 * DAY)])
    check("revocation list reads back", revocation.info().revoked == [RevokedKey(key: lineId, since: T0 + 5 * DAY)])
    check("revocation applied", try trust.applyRevocationList(list: revocation, now: T0 + 6 * DAY) == 1)
    check("root clock raised to the list", try trust.clockForRoot(root: acmeId, now: T0) == T0 + 6 * DAY)
    // A revocation list Acme dates five years ahead raises its clock only to now plus the tolerance.
    let ahead = try w.acme.revoke(sequence: 2, issuedAt: T0 + 5 * 365 * DAY, revoked: [RevokedKey(key: lineId, since: T0 + 5 * DAY)])
    check("a revocation list from the future accepted", try trust.applyRevocationList(list: ahead, now: NOW) == 2)
    check("a maker's date from the future raises its clock only to now + tolerance",
          try clockTolerance() == DAY && trust.clockForRoot(root: acmeId, now: NOW) == NOW + clockTolerance())
    check("revoked since day 5", try trust.revokedSince(root: acmeId, key: lineId) == T0 + 5 * DAY)
    let v = try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain, pairing: w.bob.record), now: NOW)
    check("made before the leak", v.issuerRevokedSince == T0 + 5 * DAY, v.summary)
    expectError("no record placing it before the leak", 304) { try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: NOW) }
    let signerKey = try key(5)
    let signer = try Authority(key: signerKey, certificate: w.register.certifyBlocklistAuthority(name: "NMPR signing",
        subjectKey: signerKey.publicKey(), epoch: 0, serialNumber: 5, validity: years(5)))
    expectError("a delegated key signing another epoch", 406) {
        try signer.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 1, sequence: 1), issuedAt: NOW, expiresAt: NOW + DAY),
                           listed: [])
    }
    let list3 = try signer.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: 3), issuedAt: T0 + 11 * DAY,
        expiresAt: T0 + 40 * DAY, base: .snapshot(bytes: w.list2), delisted: [.imei(w.alice.imei)]), listed: []).bytes
    let bl = Blocklist()
    check("delegated list accepted", try bl.apply(trust: trust, bytes: list3, now: NOW) == ListVersion(epoch: 0, sequence: 3))
    check("handset delisted, parts still listed", try bl.lookup(keys: [.imei(w.alice.imei)]).isEmpty &&
        bl.lookup(keys: [.part(w.alice.screen.part()!.partId())]).count == 1)
    check("list expired later reads stale", bl.listsChecked(trust: trust, now: T0 + 41 * DAY).first?.staleReason == .expired)
    let json = try Verifier(trust: trust, blocklist: bl).verifyHandsetJson(evidence: HandsetEvidence(pairing: w.bob.record,
        modemImeis: [w.bob.imei], fitted: [FittedPart(certificate: w.bob.board, chain: w.chain)]), now: NOW)
    check("handset report JSON", json.contains("\"all_original\":false"), json)
    check("part kinds parse", try parsePartKind(text: "rear-camera") == .rearCamera && partKindName(kind: .other(42)) == "kind-42")
    check("format version 3", formatVersion() == 3)
    let challenge = try Challenge.fromNonce(nonce: Data(repeating: 7, count: 32))
    let response = try ChallengeResponse.respond(partKey: w.bob.cameraKey, challenge: challenge, certificate: w.bob.camera)
    check("response answers the nonce", (try? response.verify(challenge: challenge, certificate: w.bob.camera)) != nil)
    expectError("a response for another part's certificate", 203) { try response.verify(challenge: challenge, certificate: w.alice.camera) }
    expectError("a key that is not the part's", 205) { try ChallengeResponse.respond(partKey: w.alice.cameraKey, challenge: challenge, certificate: w.bob.camera) }
}

/// A national register's compact list applied by content; anything else refused with 105.
func compactByContent(_ w: World) throws {
    let trust = try w.trust()
    let bytes = try w.register.publish(publication: Publication(format: .compact, version: ListVersion(epoch: 0, sequence: 1),
        issuedAt: T0 + 10 * DAY, expiresAt: T0 + 40 * DAY),
        listed: entriesForReportedHandset(record: w.alice.record, reason: .stolen, listedAt: T0 + 10 * DAY, status: .final)).bytes
    let info = try SignedList.decode(bytes: bytes).info()
    check("compact snapshot round-trips", try SignedList.decode(bytes: bytes).toBytes() == bytes && info.format == .compact &&
        info.version == ListVersion(epoch: 0, sequence: 1) && info.authority == w.register.keyId() && info.entries.isEmpty, info)
    check("objectTypeOf knows a compact snapshot", try objectTypeOf(bytes: bytes) == .compactSnapshot)
    if case let .signedList(decoded) = try decodeObject(bytes: bytes) {
        check("decodeObject gives a compact signed list", decoded.toBytes() == bytes && decoded.info().format == .compact)
    } else {
        check("decodeObject gives a compact signed list", false)
    }
    let device = Blocklist()
    expectError("a compact snapshot given as a sorted snapshot (a publication's base)", 105) {
        try w.register.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: 2), issuedAt: NOW,
                                                        expiresAt: NOW + DAY, base: .snapshot(bytes: bytes)), listed: [])
    }
    check("compact snapshot applied by content", try device.apply(trust: trust, bytes: bytes, now: T0 + 10 * DAY) == ListVersion(epoch: 0, sequence: 1))
    let held = device.lists()
    check("compact list held: 5 keys, its digest", held.count == 1 && held[0].entryCount == 5 && held[0].digest == info.stateDigest, held)
    let verifier = try Verifier(trust: trust, blocklist: device)
    check("compact list blocks Alice's screen", try verifier.verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: NOW).isBlocked)
    check("compact list leaves Bob's screen clean", try !verifier.verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: NOW).isBlocked)

    let e = expectError("a certificate given to apply", 105) { try device.apply(trust: trust, bytes: w.alice.screen.toBytes(), now: NOW) }
    check("105 names what it is", e?.info().message.contains("but this is a certificate") == true, e?.info())
    expectError("a pairing record given to apply", 105) { try device.apply(trust: trust, bytes: w.alice.record.toBytes(), now: NOW) }
    expectError("truncated compact snapshot", 100) { try device.apply(trust: trust, bytes: bytes.prefix(bytes.count - 1), now: NOW) }
    check("a refused object changes nothing", device.lists() == held)
    check("a newer sorted snapshot replaces the compact list", try device.apply(trust: trust, bytes: w.list2, now: NOW) == ListVersion(epoch: 0, sequence: 2))
    expectError("the compact snapshot again after a newer list", 400) { try device.apply(trust: trust, bytes: bytes, now: NOW) }

    let sorted = Blocklist()
    check("sorted snapshot by content", try sorted.apply(trust: trust, bytes: w.list1, now: T0 + DAY) == ListVersion(epoch: 0, sequence: 1))
    check("delta by content", try sorted.apply(trust: trust, bytes: w.delta12, now: T0 + 11 * DAY) == ListVersion(epoch: 0, sequence: 2))
}

/// An entry listing the handset with IMEI body `body`, for `reason`, on day `day`.
func handsetEntry(_ body: UInt64, _ reason: Reason, _ day: UInt64) throws -> BlocklistEntry {
    BlocklistEntry(key: .imei(try imeiWithCheckDigit(body: body)), reason: reason, listedAt: T0 + day * DAY, status: .final)
}

/// One publishing call in every format: a register's Tuesday list, over Monday's master list (a sorted
/// snapshot) or over the list devices hold, says what changed the same way; and one apply call takes each.
func publishingInEveryFormat(_ w: World) throws {
    let trust = try w.trust()
    let alice = try handsetEntry(35_000_000_000_001, .stolen, 1), bob = try handsetEntry(35_000_000_000_002, .lost, 1)
    let carol = try handsetEntry(35_000_000_000_003, .stolen, 1), dave = try handsetEntry(35_000_000_000_004, .fraud, 2)
    func publication(_ format: Format, _ sequence: UInt64, _ base: ListBase? = nil, _ delisted: [BlockKey] = []) -> Publication {
        Publication(format: format, version: ListVersion(epoch: 0, sequence: sequence), issuedAt: T0 + sequence * DAY,
                    expiresAt: T0 + (sequence + 7) * DAY, base: base, delisted: delisted)
    }
    let monday = try w.register.publish(publication: publication(.sorted, 1), listed: [alice, bob, carol])
    check("Monday's master list: 3 listed, 3 in all", monday.changes.listed == 3 && monday.changes.total == 3 && monday.changes.carried == 0,
          monday.changes)
    let device = Blocklist()
    _ = try device.apply(trust: trust, bytes: monday.bytes, now: T0 + DAY)

    // Tuesday: Bob's lost phone turns out stolen, Carol's is found, Dave's is reported (twice); Alice's is
    // reported again alike (it keeps its first listing), and a phone never listed is "found".
    let neverListed = BlockKey.imei(try imeiWithCheckDigit(body: 35_000_000_000_009))
    var aliceAgain = alice, bobStolen = bob
    aliceAgain.listedAt += DAY
    bobStolen.reason = .stolen
    let tuesday = [aliceAgain, bobStolen, dave, dave]
    // carried, listed, relisted, delisted, given twice, total; and the key found that was never listed.
    func counts(_ c: Changes) -> [UInt64] { [c.carried, c.listed, c.relisted, c.delisted, c.givenTwice, c.total] }
    let bases: [(Format, ListBase, String)] = [(.sorted, .snapshot(bytes: monday.bytes), "Monday's snapshot"),
        (.compact, .snapshot(bytes: monday.bytes), "Monday's snapshot"), (.delta, .snapshot(bytes: monday.bytes), "Monday's snapshot"),
        (.delta, .held(device: device), "the list devices hold")]
    for (format, base, over) in bases {
        let published = try w.register.publish(publication: publication(format, 2, base, [carol.key, neverListed]), listed: tuesday)
        check("\(format) over \(over): the core's change counts",
              counts(published.changes) == [1, 1, 1, 1, 1, 3] && published.changes.notListed == [neverListed], published.changes)
        check("\(format) over \(over): signed in its format", try SignedList.decode(bytes: published.bytes).info().format == format)
        // One apply call takes every format and leads to the same answers.
        let applied = format == .compact ? Blocklist() : copyOf(device)
        check("\(format) over \(over): applied", try applied.apply(trust: trust, bytes: published.bytes, now: T0 + 2 * DAY) == ListVersion(epoch: 0, sequence: 2))
        func listed(_ entry: BlocklistEntry) throws -> [Listing] { try applied.lookup(keys: [entry.key]) }
        check("\(format) over \(over): Alice, Bob and Dave listed, Carol not",
              try !listed(alice).isEmpty && !listed(bob).isEmpty && !listed(dave).isEmpty && listed(carol).isEmpty)
        check("\(format) over \(over): Bob now stolen, Alice still listed on day 1",
              try listed(bob).first?.reason == .stolen && listed(alice).first?.listedAt == alice.listedAt)
    }
    check("publishing over a device's list leaves the device as it was", device.lists().first?.version == ListVersion(epoch: 0, sequence: 1))

    // What no device would take is refused before anything is signed.
    expectError("a key both listed and delisted", 113) {
        try w.register.publish(publication: publication(.sorted, 2, .snapshot(bytes: monday.bytes), [alice.key]), listed: [alice])
    }
    var aliceLost = alice
    aliceLost.reason = .lost
    expectError("one key listed twice differently", 110) {
        try w.register.publish(publication: publication(.compact, 2), listed: [alice, aliceLost])
    }
    expectError("a delta with no base", 111) { try w.register.publish(publication: publication(.delta, 2), listed: []) }
    expectError("a list no later than its base", 400) {
        try w.register.publish(publication: publication(.delta, 1, .held(device: device)), listed: [])
    }
    expectError("a held base from a device that holds no list of the register", 503) {
        try w.register.publish(publication: publication(.delta, 2, .held(device: Blocklist())), listed: [])
    }
    let streamed = try w.register.publish(publication: publication(.compact, 2), listed: [alice, alice, alice]).changes
    check("a national list streamed: the same entry thrice is listed once, given twice twice",
          streamed.listed == 1 && streamed.givenTwice == 2 && streamed.total == 1, streamed)
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
            fact("marks", try decodeRollbackState(bytes: bytes).map { "\($0.authority)@\($0.epoch)/\($0.sequence):\($0.digest)^\($0.clockFloor)" }.joined(separator: ","))
            continue
        }
        if n.hasSuffix(".pcsh") {
            // A shard file is not an envelope: its structure is read without a head.
            let shard = try checkShardStructure(bytes: bytes)
            fact("version", "\(shard.version.epoch)/\(shard.version.sequence)"); fact("bits", shard.bits); fact("index", shard.index)
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
                fact("key", p.key ?? ""); fact("part_id", p.partId())
            }
        case let .pairingRecord(record):
            let r = record.info()
            fact("imeis", r.imeis.joined(separator: ",")); fact("board", r.board.partId)
            fact("parts", r.parts.map { $0.partId }.joined(separator: ","))
            fact("keys", ([r.board] + r.parts).map { $0.key ?? "" }.joined(separator: ","))
            fact("first_paired", ([r.board] + r.parts).map { String($0.firstPaired) }.joined(separator: ","))
            fact("sequence", r.sequence)
            fact("event", r.event == .factoryBuild ? "factorybuild" : "repair"); fact("issued_at", r.issuedAt); fact("fingerprint", r.fingerprint)
        case let .signedList(list):
            let s = list.info()
            switch s.format {
            case .sorted:
                fact("authority", s.authority); fact("version", "\(s.version.epoch)/\(s.version.sequence)")
                fact("issued_at", s.issuedAt); fact("expires_at", s.expiresAt); fact("entries", s.entries.count)
                fact("state_digest", s.stateDigest); fact("fingerprint", s.fingerprint)
            case .delta:
                fact("authority", s.authority); fact("from", "\(s.base?.version.epoch ?? 0)/\(s.base?.version.sequence ?? 0)")
                fact("to", "\(s.version.epoch)/\(s.version.sequence)"); fact("from_digest", s.base?.stateDigest ?? "")
                fact("result_digest", s.stateDigest); fact("upserts", s.entries.count); fact("removals", s.delisted.count)
            case .compact:
                fact("authority", s.authority); fact("version", "\(s.version.epoch)/\(s.version.sequence)")
                fact("issued_at", s.issuedAt); fact("expires_at", s.expiresAt)
                fact("state_digest", s.stateDigest); fact("fingerprint", s.fingerprint)
            }
        case let .revocationList(list):
            let l = list.info()
            fact("root", l.root); fact("sequence", l.sequence); fact("issued_at", l.issuedAt)
            fact("revoked", l.revoked.map { "\($0.key)@\($0.since)" }.joined(separator: ","))
        case let .challengeResponse(response):
            let r = response.info()
            fact("nonce", hex(r.nonce)); fact("certificate", r.certificate)
        case let .repositoryHead(head):
            let h = head.info()
            func file(_ f: FileRef) -> String { "\(f.path):\(f.size):\(f.sha256)@\(f.version.epoch)/\(f.version.sequence)^\(f.issuedAt)" }
            fact("authority", h.authority); fact("version", "\(h.version.epoch)/\(h.version.sequence)")
            fact("issued_at", h.issuedAt); fact("expires_at", h.expiresAt); fact("digest", h.digest)
            fact("snapshot", file(h.snapshot)); fact("deltas", h.deltas.map { "\($0.from)>\(file($0.file))" }.joined(separator: ","))
            fact("fingerprint", h.fingerprint)
            fact("shards", h.shards.map { "\($0.bits):\($0.root):\($0.maxSize)" } ?? "")
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
    for file in try vectorFiles(dir) where !file.lastPathComponent.hasSuffix(".pcrb") && !file.lastPathComponent.hasSuffix(".pcsh") {
        let bytes = try Data(contentsOf: file)
        let round: Data
        switch try decodeObject(bytes: bytes) {
        case let .certificate(o): round = o.toBytes()
        case let .pairingRecord(o): round = o.toBytes()
        case let .signedList(o): round = o.toBytes()
        case let .revocationList(o): round = o.toBytes()
        case let .challengeResponse(o): round = o.toBytes()
        case let .repositoryHead(o): round = o.toBytes()
        }
        check("\(file.lastPathComponent) re-encodes to the same bytes", round == bytes)
    }
    func v(_ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }
    let now = UInt64(expected.first { $0.hasPrefix("now=") }!.dropFirst(4))!
    let trust = TrustStore()
    _ = try trust.addManufacturerRoot(root: Certificate.decode(bytes: v("manufacturer_root.cert")))
    _ = try trust.addBlocklistRoot(root: Certificate.decode(bytes: v("blocklist_root.cert")))
    let blocklist = Blocklist()
    _ = try blocklist.apply(trust: trust, bytes: v("stolen_v2.pcbl"), now: now)
    let chain = [try Certificate.decode(bytes: v("part_issuer.cert"))]
    let verifier = try Verifier(trust: trust, blocklist: blocklist)
    let screen = try verifier.verifyPart(evidence: PartEvidence(certificate: Certificate.decode(bytes: v("screen.cert")), chain: chain,
        pairing: PairingRecord.decode(bytes: v("handset.pair"))), now: now)
    check("golden screen verdict as in Rust", expected.contains("verdict:screen=\(screen.summary)"), screen.summary)
    var listings = 0
    if case let .blocked(l, _, _, _) = screen.blocklist { listings = l.count }
    check("golden screen listings as in Rust", expected.contains("verdict:screen_listings=\(listings)"))
    let camera = try verifier.verifyPart(evidence: PartEvidence(certificate: Certificate.decode(bytes: v("keyed_camera.cert")), chain: chain,
        challenge: ChallengeAnswer(challenge: Challenge.fromNonce(nonce: Data(repeating: 0x42, count: 32)),
                                   response: ChallengeResponse.decode(bytes: v("camera_response.pcr")))), now: now)
    check("golden camera verdict as in Rust", expected.contains("verdict:camera=\(camera.summary)"), camera.summary)
    // Alice's screen on a phone that holds no list, through the one shard the head names for it.
    let head = try v("repository_head.pchd")
    let shardNow = try RepositoryHead.decode(bytes: head).info().issuedAt + 3_600
    let bare = PartEvidence(certificate: try Certificate.decode(bytes: v("screen.cert")), chain: chain)
    let phone = Blocklist()
    let shardCheck = try phone.beginShardCheck(trust: trust, head: head,
        keys: try Verifier(trust: trust).blocklistKeys(evidence: bare, now: shardNow), now: shardNow)
    while shardCheck.nextFetch() != nil { try shardCheck.offer(bytes: v("screen_shard.pcsh")) }
    _ = try shardCheck.finish()
    let throughShard = try Verifier(trust: trust, blocklist: phone).verifyPart(evidence: bare, now: shardNow)
    check("golden screen through its shard as in Rust", expected.contains("verdict:screen_through_shard=\(throughShard.summary)"),
          throughShard.summary)
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
    _ = try bl.apply(trust: trust, bytes: w.list2, now: NOW)
    let seeds = try vectorFiles(dir).map { try Data(contentsOf: $0) } +
        [w.alice.screen.toBytes(), w.alice.record.toBytes(), w.list2!, w.delta12!, bl.saveState(), bl.rollbackState()]
    let decoders: [(String, (Data) throws -> Any)] = [
        ("Certificate", { try Certificate.decode(bytes: $0) }), ("PairingRecord", { try PairingRecord.decode(bytes: $0) }),
        ("SignedList", { try SignedList.decode(bytes: $0) }),
        ("RevocationList", { try RevocationList.decode(bytes: $0) }), ("ChallengeResponse", { try ChallengeResponse.decode(bytes: $0) }),
        ("decodeObject", { try decodeObject(bytes: $0) }), ("objectTypeOf", { try objectTypeOf(bytes: $0) }),
        ("decodeRollbackState", { try decodeRollbackState(bytes: $0) }), ("Blocklist.withRollbackState", { try Blocklist.withRollbackState(state: $0) }),
        ("Blocklist.fromSavedState", { try Blocklist.fromSavedState(state: $0, trust: trust) }),
        ("checkShardStructure", { try checkShardStructure(bytes: $0) }),
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
                if errorCodeInfo(code: e.info().code) == nil { wrong += 1; print("untyped code \(e.info().code) from \(name)") }
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
    _ = try shared.apply(trust: trust, bytes: w.list1, now: NOW)
    let day1 = Blocklist(); _ = try day1.apply(trust: trust, bytes: w.list1, now: NOW)
    let day10 = Blocklist(); _ = try day10.apply(trust: trust, bytes: w.list2, now: NOW)
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
                    case let .blocked(_, _, _, lists): seq = lists.first?.sequence ?? 0
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
                _ = try? shared.apply(trust: trust, bytes: w.list1, now: NOW)  // refused: older
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
    _ = try bl.apply(trust: trust, bytes: w.list2, now: NOW)
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

// ---------------------------------------------------------------------
// Trust rules II (issue 15), each told as the attack or accident it stops.
// ---------------------------------------------------------------------

let YEAR: UInt64 = 365 * DAY

/// Alice's handset as the register lists it when she reports it stolen on day 1.
func aliceStolen(_ w: World) -> [BlocklistEntry] {
    entriesForReportedHandset(record: w.alice.record, reason: .stolen, listedAt: T0 + DAY, status: .final)
}

/// A register publishing key certified for `epoch`.
func publisher(_ w: World, _ seed: UInt8, _ epoch: UInt64, _ validity: Validity) throws -> Authority {
    let k = try key(seed)
    return try Authority(key: k, certificate: w.register.certifyBlocklistAuthority(name: "NMPR publisher", subjectKey: k.publicKey(),
        epoch: epoch, serialNumber: UInt64(seed), validity: validity))
}

func listsOf(_ status: BlocklistStatus) -> [ListChecked] {
    switch status {
    case let .clean(lists), let .stale(lists): return lists
    case let .blocked(_, _, _, lists): return lists
    case .notChecked: return []
    }
}

func registerList(_ lists: [ListChecked], _ w: World) -> ListChecked? {
    lists.first { $0.authority == w.register.keyId() }
}

func copyOf(_ blocklist: Blocklist) -> Blocklist {
    let copy = Blocklist()
    copy.replaceWith(other: blocklist)
    return copy
}

/// 1. The register's epoch-0 key is stolen: the thief wipes Alice's listing with a list dated 14 years ahead.
func aThiefsFutureDatedWipe(_ w: World) throws {
    let trust = try w.trust()
    let epoch0 = try publisher(w, 45, 0, validityDaysFrom(notBefore: T0 - DAY, days: 15 * 365))
    let honest = try epoch0.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: 1),
        issuedAt: T0 + 2 * DAY, expiresAt: T0 + 9 * DAY), listed: aliceStolen(w)).bytes
    let top: UInt64 = (1 << 53) - 1
    let wipe = try epoch0.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: top),
        issuedAt: T0 + 14 * YEAR, expiresAt: T0 + 14 * YEAR + 7 * DAY), listed: []).bytes
    let tookWipe = Blocklist()
    _ = try tookWipe.apply(trust: trust, bytes: honest, now: T0 + 2 * DAY)
    check("the thief's wipe looks genuine", try tookWipe.apply(trust: trust, bytes: wipe, now: T0 + 3 * DAY).sequence == top)
    let wiped = try Verifier(trust: trust, blocklist: tookWipe).verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: T0 + 3 * DAY)
    var readsStale = false
    if case .stale = wiped.blocklist { readsStale = true }
    check("after the wipe Alice's screen reads stale, never clean", !wiped.isBlocked && wiped.isStale && readsStale, wiped.summary)
    check("the wipe is stale: FutureDated at its own date",
          registerList(listsOf(wiped.blocklist), w)?.staleReason == .futureDated(issuedAt: T0 + 14 * YEAR), wiped.blocklist)
    check("the summary says the list is dated after this device's clock", wiped.summary.contains("dated after this device's clock"), wiped.summary)
    let marks = tookWipe.rollbackMarks()
    check("the wipe's mark keeps its date but floors the clock at receipt + tolerance",
          marks.count == 1 && marks[0].issuedAt == T0 + 14 * YEAR && marks[0].clockFloor == T0 + 3 * DAY + clockTolerance(), marks)
    let sawHonest = Blocklist()
    _ = try sawHonest.apply(trust: trust, bytes: honest, now: T0 + 2 * DAY)

    // The README's recovery: revoke the stolen key, certify a short-lived publisher for epoch 1.
    let revocation = try w.register.revoke(sequence: 1, issuedAt: T0 + 4 * DAY,
        revoked: [RevokedKey(key: epoch0.keyId(), since: T0 + 3 * DAY)])
    let withRevocation = try w.trust()
    _ = try withRevocation.applyRevocationList(list: revocation, now: T0 + 4 * DAY)
    let epoch1 = try publisher(w, 46, 1, validityDaysFrom(notBefore: T0 + 4 * DAY, days: 2 * 365))
    let correction = try epoch1.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 1, sequence: 1),
        issuedAt: T0 + 4 * DAY, expiresAt: T0 + 11 * DAY), listed: aliceStolen(w)).bytes
    let registerId = w.register.keyId()
    for (trustName, store) in [("without", trust), ("with", withRevocation)] {
        for (name, device) in [("took the wipe", tookWipe), ("saw only the honest list", sawHonest), ("is new", Blocklist())] {
            let d = copyOf(device)
            let who = "a device that \(name), \(trustName) the revocation list"
            check("\(who) accepts the epoch-1 correction", try d.apply(trust: store, bytes: correction, now: T0 + 4 * DAY) == ListVersion(epoch: 1, sequence: 1))
            check("\(who): the register's clock is the device's", try d.clockFor(trust: store, authority: registerId, now: T0 + 5 * DAY) == T0 + 5 * DAY)
            let v = try Verifier(trust: store, blocklist: d).verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: T0 + 5 * DAY)
            check("\(who): Alice's screen blocked again, every list current", v.isBlocked && !v.isStale, v.summary)
        }
    }
}

/// Bolt: another maker whose root also names Acme Phones (a contract maker), with a line and a pairing service.
struct Rival {
    let root: Authority, line: Authority, pairing: Authority
    init() throws {
        root = try Authority.newManufacturerRoot(key: key(50), name: "Bolt root", manufacturers: ["Bolt", "Acme Phones"], validity: years(40))
        let lineKey = try key(52)
        line = try Authority(key: lineKey, certificate: root.certifyPartIssuer(name: "Bolt line", subjectKey: lineKey.publicKey(),
            permittedKinds: [.board, .screen, .rearCamera], manufacturers: ["Bolt", "Acme Phones"], serialNumber: 2, validity: years(25)))
        let pairingKey = try key(51)
        pairing = try Authority(key: pairingKey, certificate: root.certifyPairingService(name: "Bolt pairing",
            subjectKey: pairingKey.publicKey(), serialNumber: 3, validity: years(25)))
    }
}

/// 6. Alice's listed board shown with a record signed by a rival maker's service: blocked wins, the 307 beside it.
/// The bindings' honest `pair` refuses another root's board, and Swift on Linux has no Ed25519 signer: the
/// thief's records are the ones the Rust support program (bindings/tests/support/forged.rs) forges with
/// ed25519-dalek (the same world, seed for seed), read from PARTCERT_FORGED.
func aListedBoardWithAForeignRecord(_ w: World, _ forged: URL) throws {
    let bolt = try Rival()
    let trust = try w.trust()
    _ = try trust.addManufacturerRoot(root: bolt.root.certificate())
    let blocklist = Blocklist()
    _ = try blocklist.apply(trust: trust, bytes: w.list2, now: NOW)
    let record = try PairingRecord.decode(bytes: Data(contentsOf: forged.appendingPathComponent("alice_board_foreign.pair")))
    let bobs = try PairingRecord.decode(bytes: Data(contentsOf: forged.appendingPathComponent("bob_board_foreign.pair")))
    let info = record.info()
    check("the foreign record names Alice's board, signed by Bolt's service",
          info.board.partId == w.alice.board.part()!.partId() && record.serviceCertificate().authority()?.name == "Bolt pairing" &&
          record.serviceCertificate().authority()?.key == bolt.pairing.certificate().authority()?.key, info)
    let verifier = try Verifier(trust: trust, blocklist: blocklist)
    let v = try verifier.verifyPart(evidence: PartEvidence(certificate: w.alice.board, chain: w.chain, pairing: record), now: NOW)
    check("the listed board stays blocked", v.isBlocked, v.summary)
    check("pairingRefused: 307 ForeignPairingService", v.pairingRefused?.code == 307 && v.pairingRefused?.name == "ForeignPairingService" &&
          v.pairingRefused?.family == "policy", v.pairingRefused)
    check("the refused record places it nowhere", v.relation == .unpaired && v.provenance == nil)
    check("the summary says the record was refused", v.summary.contains("BLOCKED: stolen, its pairing record was refused"), v.summary)
    let report = try verifier.verifyHandset(evidence: HandsetEvidence(pairing: record, modemImeis: [w.alice.imei],
        fitted: [FittedPart(certificate: w.alice.board, chain: w.chain)]), now: NOW)
    check("the dressed-up handset reports blocked, record refused with 307",
          report.isBlocked && report.pairingRefused?.code == 307 && !report.allOriginal, report)
    expectError("Bob's clean board with a foreign record", 307) {
        try verifier.verifyPart(evidence: PartEvidence(certificate: w.bob.board, chain: w.chain, pairing: bobs), now: NOW)
    }
}

/// 10. Alice's harvested rear camera, re-certified with its own key under a new serial or another root.
func aHarvestedKeyedCameraListedByKey(_ w: World) throws {
    let trust = try w.trust()
    let bolt = try Rival()
    _ = try trust.addManufacturerRoot(root: bolt.root.certificate())
    let cameraKeyId = w.alice.cameraKey.keyId()
    let keyListing = try partIdOfPartKey(key: cameraKeyId)
    let entries = entriesForReportedHandset(record: w.alice.record, reason: .stolen, listedAt: T0 + 10 * DAY, status: .final)
    check("a reported handset lists its IMEI, 3 parts and the camera's key (5 entries)", entries.count == 5 &&
          entries.contains { $0.key == .part(keyListing) && $0.handset == w.alice.imei }, entries.map { $0.key })
    let blocklist = Blocklist()
    _ = try blocklist.apply(trust: trust, bytes: w.list2, now: NOW)
    let verifier = try Verifier(trust: trust, blocklist: blocklist)
    let reissued = try w.line.certifyPart(spec: PartSpec(kind: .rearCamera, manufacturer: "Acme Phones", model: "A1", serial: "CAM-NEW-7",
        key: w.alice.cameraKey.publicKey()), serialNumber: 78, validity: years(30))
    let recertified = try bolt.line.certifyPart(spec: PartSpec(kind: .rearCamera, manufacturer: "Acme Phones", model: "A1", serial: "CAM-RECERT",
        key: w.alice.cameraKey.publicKey()), serialNumber: 77, validity: years(30))
    for (name, certificate, chain) in [("under a new serial", reissued, w.chain), ("under another root", recertified, [bolt.line.certificate()])] {
        let challenge = Challenge.generate()
        let answer = ChallengeAnswer(challenge: challenge, response: try ChallengeResponse.respond(partKey: w.alice.cameraKey, challenge: challenge, certificate: certificate))
        let v = try verifier.verifyPart(evidence: PartEvidence(certificate: certificate, chain: chain, challenge: answer), now: NOW)
        check("the camera re-certified \(name) reads key-proven and blocked", v.binding == .keyProven && v.isBlocked, v.summary)
        if case let .blocked(listings, _, _, _) = v.blocklist {
            check("the camera re-certified \(name) matched PartKey", listings.count == 1 && listings[0].matched == .partKey(cameraKeyId) &&
                  !listings[0].byFingerprint && listings[0].handset == w.alice.imei, listings)
        } else { check("the camera re-certified \(name) is blocked", false, v.blocklist) }
    }
    check("lookup by the key's listing id finds the register's entry",
          try blocklist.lookup(keys: [.part(keyListing)]).map { $0.matched } == [.part(keyListing)])
    let bob = try verifier.verifyPart(evidence: PartEvidence(certificate: w.bob.camera, chain: w.chain), now: NOW)
    if case .clean = bob.blocklist {} else { check("Bob's keyed camera is clean", false, bob.summary) }
    expectError("a key id that is not 64 hex digits", 111) { try partIdOfPartKey(key: "xyz") }
}

/// A part identity sharing `partId`'s first 128 bits (every fingerprint a compact list keeps), differing after.
func sharingFingerprint(_ partId: String, _ tail: Int) -> String {
    String(partId.prefix(48)) + String(format: "%016llx", UInt64(tail) ^ 0x5a5a_5a5a_5a5a)
}

/// 8, 9. A compact list whose part shares Bob's screen's fingerprint: blocked "by fingerprint", naming the fingerprint.
func aFingerprintHit(_ w: World) throws {
    let trust = try w.trust()
    let bobId = w.bob.screen.part()!.partId()
    func device(_ count: Int) throws -> Blocklist {
        let entries = (1...count).map { BlocklistEntry(key: .part(sharingFingerprint(bobId, $0)), reason: .stolen, listedAt: T0, status: .final) }
        let compact = try w.register.publish(publication: Publication(format: .compact, version: ListVersion(epoch: 0, sequence: 1),
            issuedAt: T0 + 2 * DAY, expiresAt: T0 + 9 * DAY), listed: entries)
        let d = Blocklist()
        _ = try d.apply(trust: trust, bytes: compact.bytes, now: T0 + 2 * DAY)
        return d
    }
    let v = try Verifier(trust: trust, blocklist: device(1)).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: T0 + 3 * DAY)
    check("a fingerprint hit reads blocked by fingerprint", v.summary == "genuine (serial-only), unpaired, BLOCKED: stolen (by fingerprint)", v.summary)
    guard case let .blocked(listings, capped, _, _) = v.blocklist, listings.count == 1 else {
        check("a fingerprint hit is one blocked listing", false, v.blocklist); return
    }
    check("a fingerprint hit is flagged and not capped", listings[0].byFingerprint && !capped)
    if case let .partFingerprint(fingerprint) = listings[0].matched {
        let halves = fingerprint.split(separator: "/")
        let prefix = String(halves[0]), width = Int(halves[1]) ?? 0
        check("the fingerprint is Bob's digest's first bits, not his full identity",
              (41...128).contains(width) && prefix.count == (width + 3) / 4 && bobId.hasPrefix(String(prefix.prefix(width / 4))), fingerprint)
    } else { check("a fingerprint hit matched PartFingerprint", false, listings[0].matched) }
    // A flood of listings sharing the fingerprint: the lookup stops at the cap and says so.
    let flood = try Verifier(trust: trust, blocklist: device(Int(maxListings()) + 36)).verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: T0 + 3 * DAY)
    if case let .blocked(listings, capped, _, _) = flood.blocklist {
        check("a fingerprint flood is capped at maxListings() and says so", maxListings() == 64 && capped && listings.count == 64 &&
              listings.allSatisfy { $0.byFingerprint }, listings.count)
    } else { check("a fingerprint flood is blocked", false, flood.blocklist) }
}

/// 5. A device unpins a rogue operator: it keeps every other list and mark, and says what it dropped.
func aDeviceThatUnpinsARogueOperator(_ w: World) throws {
    let op = try Authority.newBlocklistRoot(key: key(6), name: "Rogue Operator", validity: years(30))
    let operatorId = op.keyId()
    let trust = try w.trust()
    _ = try trust.addBlocklistRoot(root: op.certificate())
    let device = Blocklist()
    _ = try device.apply(trust: trust, bytes: w.list2, now: NOW)
    _ = try device.apply(trust: trust, bytes: op.publish(publication: Publication(format: .sorted, version: ListVersion(epoch: 0, sequence: 1),
        issuedAt: T0 + 2 * DAY, expiresAt: T0 + 40 * DAY), listed: []).bytes, now: NOW)
    let saved = device.saveState()
    let marks = device.rollbackState()
    let withoutOperator = try w.trust()
    let loaded = try loadBlocklistState(state: saved, trust: withoutOperator)
    check("loading with fewer roots reports the operator dropped", loaded.dropped == [operatorId], loaded.dropped)
    check("the register's list is kept", loaded.blocklist.lists().map { $0.authorityName } == ["National Mobile Property Register"])
    func verdicts(_ b: Blocklist) throws -> (Verdict, Verdict) {
        let v = try Verifier(trust: withoutOperator, blocklist: b)
        return (try v.verifyPart(evidence: PartEvidence(certificate: w.bob.screen, chain: w.chain), now: NOW),
                try v.verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: NOW))
    }
    let (bob, alice) = try verdicts(loaded.blocklist)
    var bobClean = false
    if case .clean = bob.blocklist { bobClean = true }
    check("after loading, Bob's screen is clean and Alice's blocked", bobClean && alice.isBlocked, bob.summary)
    check("fromSavedState with fewer roots drops too (no longer 201)",
          try Blocklist.fromSavedState(state: saved, trust: withoutOperator).rollbackMarks().count == 1)
    // Restarting from the marks only: the unpinned operator is unfollowed explicitly.
    let restarted = try Blocklist.withRollbackState(state: marks)
    _ = try restarted.apply(trust: withoutOperator, bytes: w.list2, now: NOW)
    check("marks only: the operator reads missing", try verdicts(restarted).0.isStale)
    check("unfollowUnpinned names the operator", restarted.unfollowUnpinned(trust: withoutOperator) == [operatorId])
    check("then Bob's screen is clean", try !verdicts(restarted).0.isStale)
    // Unfollowing by name works the same, and says what it dropped.
    let explicit = copyOf(device)
    let dropped = try explicit.unfollow(authority: operatorId)
    check("unfollow returns the operator's mark", dropped?.authority == operatorId && dropped?.sequence == 1, dropped)
    check("unfollowing again drops nothing", try explicit.unfollow(authority: operatorId) == nil && explicit.rollbackMarks().count == 1)
    expectError("unfollow given a key id that is not hex", 111) { try explicit.unfollow(authority: "operator") as Any }
}

/// 11. Acme's line key leaks on day 10; Alice's screen is swapped for Bob's at an Acme repair centre after the leak.
func aScreenSwapAfterALeak(_ w: World) throws {
    let trust = try w.trust()
    let leak = T0 + 10 * DAY
    let lineId = w.line.keyId()
    _ = try trust.applyRevocationList(list: w.acme.revoke(sequence: 1, issuedAt: T0 + 11 * DAY, revoked: [RevokedKey(key: lineId, since: leak)]), now: T0 + 11 * DAY)
    let repairedAt = leak + 5 * DAY
    let repair = try w.pairing.pair(board: w.alice.board, parts: [w.bob.screen, w.alice.camera], sequence: 2, event: .repair,
                                    issuedAt: repairedAt, after: EarlierRecords(trust: trust, records: [w.alice.record, w.bob.record]))
    let info = repair.info()
    check("pairing after earlier records keeps every part's first pairing at the factory",
          ([info.board] + info.parts).allSatisfy { $0.firstPaired == T0 } && info.issuedAt == repairedAt, info)
    check("the repair record carries the camera's key", info.parts.first { $0.kind == .rearCamera }?.key == w.alice.cameraKey.keyId())
    let report = try Verifier(trust: trust).verifyHandset(evidence: HandsetEvidence(pairing: repair, modemImeis: [w.alice.imei],
        fitted: [w.alice.board, w.bob.screen, w.alice.camera].map { FittedPart(certificate: $0, chain: w.chain) }), now: repairedAt + DAY)
    check("after the repair the handset is all original", report.allOriginal && !report.hasRefusedParts, report)
    check("every part made before the leak, first paired at the factory", report.parts.allSatisfy { part in
        if case let .verified(verdict) = part.outcome { return verdict.issuerRevokedSince == leak && verdict.provenance?.firstPaired == T0 }
        return false
    })
    // A record made without the earlier ones says every part was first paired at the repair: the board reads untrusted.
    let plain = try w.pairing.pair(board: w.alice.board, parts: [w.bob.screen, w.alice.camera], sequence: 2, event: .repair, issuedAt: repairedAt)
    expectError("the board with a repair record that forgot its past", 304) {
        try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.alice.board, chain: w.chain, pairing: plain), now: repairedAt + DAY)
    }
    // And again after a second repair: the past survives every record.
    let again = try w.pairing.pair(board: w.alice.board, parts: [w.bob.screen], sequence: 3, event: .repair,
                                   issuedAt: repairedAt + 30 * DAY, after: EarlierRecords(trust: trust, records: [repair]))
    let board = try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: w.alice.board, chain: w.chain, pairing: again), now: repairedAt + 31 * DAY)
    check("after a second repair the board keeps its past", board.issuerRevokedSince == leak &&
          board.summary.hasSuffix("made before its line's key was revoked"), board.summary)
    expectError("pairing after an earlier record the trust store cannot verify", 201) {
        try w.pairing.pair(board: w.alice.board, parts: [], sequence: 2, event: .repair, issuedAt: repairedAt,
                           after: EarlierRecords(trust: TrustStore(), records: [w.alice.record]))
    }
}

/// 12. Acme retires line 1 at the end of 2026; five years on, its parts live on with their maker's record.
func aRetiredLinesPartsLiveOn(_ w: World) throws {
    let trust = try w.trust()
    let lineEnd = T0 + YEAR
    let lineKey = try key(48)
    let line1 = try Authority(key: lineKey, certificate: w.acme.certifyPartIssuer(name: "Acme line 1", subjectKey: lineKey.publicKey(),
        permittedKinds: [.board, .screen], manufacturers: ["Acme Phones"], serialNumber: 48, validity: Validity(notBefore: T0 - 30 * DAY, notAfter: lineEnd)))
    let imei = try imeiWithCheckDigit(body: 35_200_000_000_001)
    let board = try line1.certifyPart(spec: PartSpec(kind: .board, manufacturer: "Acme Phones", model: "A0", serial: "BRD-OLD", imeis: [imei]),
                                      serialNumber: 1, validity: years(30))
    let screen = try line1.certifyPart(spec: PartSpec(kind: .screen, manufacturer: "Acme Phones", model: "A0", serial: "SCR-OLD"),
                                       serialNumber: 2, validity: years(30))
    let record = try w.pairing.pair(board: board, parts: [screen], sequence: 1, event: .factoryBuild, issuedAt: T0)
    let chain = [line1.certificate()]
    let v = try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: screen, chain: chain, pairing: record), now: T0 + 5 * YEAR)
    check("a retired line's screen is genuine five years on: issuerRetiredAt", v.issuerRetiredAt == lineEnd &&
          v.summary.contains("made before its line retired"), v.summary)
    expectError("without its maker's record, as its line: expired", 301) {
        try Verifier(trust: trust).verifyPart(evidence: PartEvidence(certificate: screen, chain: chain), now: T0 + 5 * YEAR)
    }
}

final class PartcertTests: XCTestCase {
    func testEverything() async throws {
        let env = ProcessInfo.processInfo.environment
        let vectors = URL(fileURLWithPath: env["PARTCERT_VECTORS"] ?? "core/tests/vectors")
        let facts = URL(fileURLWithPath: env["PARTCERT_FACTS"] ?? "target/bindings/vector-facts.txt")
        let forged = URL(fileURLWithPath: env["PARTCERT_FORGED"] ?? "target/bindings/forged")
        let w = try World()
        let sections: [(String, () async throws -> Void)] = [
            ("London story", { try londonStory(w) }), ("error families", { try errorFamilies(w) }),
            ("rest of the surface", { try restOfSurface(w) }), ("compact list by content", { try compactByContent(w) }),
            ("publishing in every format", { try publishingInEveryFormat(w) }),
            ("golden vectors", { try goldenVectors(vectors, facts) }), ("malformed inputs", { try malformedInputs(w, vectors) }),
            ("a thief's future-dated wipe", { try aThiefsFutureDatedWipe(w) }),
            ("a listed board with a foreign record", { try aListedBoardWithAForeignRecord(w, forged) }),
            ("a harvested keyed camera listed by key", { try aHarvestedKeyedCameraListedByKey(w) }),
            ("a fingerprint hit", { try aFingerprintHit(w) }), ("a device that unpins a rogue operator", { try aDeviceThatUnpinsARogueOperator(w) }),
            ("a screen swap after a leak", { try aScreenSwapAfterALeak(w) }), ("a retired line's parts live on", { try aRetiredLinesPartsLiveOn(w) }),
            ("a device syncing every morning", { try await aDeviceSyncingEveryMorning(w) }),
            ("a mirror that lies", { try await aMirrorThatLies(w) }), ("a frozen mirror", { try await aFrozenMirror(w) }),
            ("a state saved to a path", { try await aStateSavedToAPath(w) }),
            ("a compact list saved beside the state", { try aCompactListSavedBesideTheState(w) }),
            ("threads", { try threads(w) }), ("memory", { try memory(w) }),
        ]
        for (name, run) in sections {
            do { try await run() } catch { check("\(name) ran to the end", false, error) }
            print("swift: \(name) done")
        }
        print("\(passed) passed, \(failed) failed")
        XCTAssertEqual(failed, 0)
    }
}
