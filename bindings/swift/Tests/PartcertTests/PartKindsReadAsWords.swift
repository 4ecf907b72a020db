// A part's kind prints as a technician reads it, as the CLI and JSON name it:
// "\(kind)" is "screen", never "PartKind.screen". Separate XCTest methods, run
// by `swift test` beside the counted checks.

import Partcert
import XCTest

final class PartKindsReadAsWords: XCTestCase {
    /// The shop's screen lists a part by the kind's name.
    func testAScreenPrintsAsScreen() {
        XCTAssertEqual("\(PartKind.screen)", "screen")
        XCTAssertEqual(PartKind.rearCamera.description, "rear-camera")
    }

    /// A kind a newer issuer uses, which this library does not name, prints its code.
    func testAKindThisLibraryDoesNotNamePrintsItsCode() {
        XCTAssertEqual("\(PartKind.other(42))", "kind-42")
    }

    /// Every named kind prints as partKindName names it.
    func testEveryNamedKindPrintsAsItsName() {
        let named: [PartKind] = [.board, .screen, .battery, .rearCamera, .frontCamera, .biometric, .housing, .chargingPort, .speaker]
        for kind in named {
            XCTAssertEqual("\(kind)", partKindName(kind: kind))
        }
    }
}
