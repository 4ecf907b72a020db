// An app checking its own handset's parts at launch, in Swift (the OS
// vendor's "parts and service history" screen): first all original, then
// after a screen swap the new screen is reported as a repair — a genuine
// part, never a failure — and after the repair is paired (after the
// factory's record: the parts already fitted keep the day they were first
// paired), all original again.
//
// Run by bindings/tests/run.sh (`swift run BootCheck` in the staged package).

import Foundation
import Partcert

let T0: UInt64 = 1_767_225_600
let DAY: UInt64 = 86_400

func key(_ n: UInt8) throws -> SecretKey { try SecretKey.fromSeed(seed: Data(repeating: n, count: 32)) }

/// What the settings screen shows for a self-check.
func show(_ title: String, _ report: HandsetReport) {
    print("\(title)")
    print("  handset \(report.handsetImeis.joined(separator: ", ")), pairing record #\(report.pairingSequence)")
    for part in report.parts {
        switch part.outcome {
        case let .verified(verdict):
            let name = "\(partKindName(kind: verdict.part.kind)) \(verdict.part.serial)"
            switch verdict.relation {
            case .pairedHere:
                let day = ((verdict.provenance?.firstPaired ?? T0) - T0) / DAY
                print("  ✔ \(name): original (\(verdict.part.manufacturer)), first paired on day \(day)")
            case .pairedElsewhere, .unpaired: print("  ↺ \(name): replaced by a genuine \(verdict.part.manufacturer) part — a repair")
            }
        case let .refused(error):
            print("  ? part \(part.fingerprint.prefix(16)): could not be verified [error \(error.code) \(error.name)]")
        }
    }
    for missing in report.missing {
        print("  · original \(partKindName(kind: missing.kind)) no longer fitted")
    }
    print(report.allOriginal ? "  → all parts original" : "  → this phone has been repaired (that is fine)")
    print("")
}

do {
    let validity = validityDaysFrom(notBefore: T0 - 30 * DAY, days: 365 * 20)
    let acme = try Authority.newManufacturerRoot(key: key(1), name: "Acme Phones root", manufacturers: ["Acme Phones"], validity: validity)
    let lineKey = try key(2), pairingKey = try key(3)
    let line = try Authority(key: lineKey, certificate: acme.certifyPartIssuer(name: "Acme line 3", subjectKey: lineKey.publicKey(),
        permittedKinds: [.board, .screen, .battery], manufacturers: ["Acme Phones"], serialNumber: 2, validity: validity))
    let pairing = try Authority(key: pairingKey, certificate: acme.certifyPairingService(name: "Acme pairing",
        subjectKey: pairingKey.publicKey(), serialNumber: 3, validity: validity))
    func part(_ kind: PartKind, _ serial: String, _ imeis: [String] = [], _ n: UInt64) throws -> Certificate {
        try line.certifyPart(spec: PartSpec(kind: kind, manufacturer: "Acme Phones", model: "A1", serial: serial, imeis: imeis),
                             serialNumber: n, validity: validity)
    }
    let imei = try imeiWithCheckDigit(body: 35_693_803_564_380)
    let board = try part(.board, "BRD-0001", [imei], 10)
    let screen = try part(.screen, "SCR-0001", [], 11)
    let battery = try part(.battery, "BAT-0001", [], 12)
    let factory = try pairing.pair(board: board, parts: [screen, battery], sequence: 1, event: .factoryBuild, issuedAt: T0)

    // What the phone pins (shipped in its OS image).
    let trust = TrustStore()
    _ = try trust.addManufacturerRoot(root: acme.certificate())
    let verifier = try Verifier(trust: trust)
    let chain = [line.certificate()]
    func fitted(_ parts: [Certificate]) -> [FittedPart] { parts.map { FittedPart(certificate: $0, chain: chain) } }

    // 1. Launch, as it left the factory.
    show("At launch, day 1:", try verifier.verifyHandset(evidence: HandsetEvidence(pairing: factory, modemImeis: [imei],
        fitted: fitted([board, screen, battery])), now: T0 + DAY))

    // 2. The screen cracked; an independent shop fitted a genuine screen from a donor.
    let donorScreen = try part(.screen, "SCR-0777", [], 77)
    let swapped = try verifier.verifyHandset(evidence: HandsetEvidence(pairing: factory, modemImeis: [imei],
        fitted: fitted([board, donorScreen, battery])), now: T0 + 200 * DAY)
    show("At launch after the screen was replaced, day 200:", swapped)
    guard !swapped.hasRefusedParts else { fatalError("a genuine repair part must never be refused") }

    // 3. The repair was paired by the manufacturer's service, after the factory record: original
    //    again, and the board and battery keep the day they were first paired (their past).
    let repaired = try pairing.pair(board: board, parts: [donorScreen, battery], sequence: 2, event: .repair,
                                    issuedAt: T0 + 201 * DAY, after: EarlierRecords(trust: trust, records: [factory]))
    show("At launch after the repair was registered, day 202:", try verifier.verifyHandset(evidence: HandsetEvidence(
        pairing: repaired, modemImeis: [imei], fitted: fitted([board, donorScreen, battery])), now: T0 + 202 * DAY))
} catch let error as PartcertError {
    print("self-check could not run: \(error) [code \(error.info().code)]")
    exit(1)
}
