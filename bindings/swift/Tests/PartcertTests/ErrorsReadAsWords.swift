// A repair shop's app shows an error to its technician as the core words it:
// `localizedDescription` and `"\(error)"` read the message and the code, never
// the enum's dump. Separate XCTest methods, run by `swift test` beside the
// counted checks.

import Foundation
import Partcert
import XCTest

final class ErrorsReadAsWords: XCTestCase {
    /// A certificate cut short in transit: the technician reads why, and the code.
    func testACertificateCutShortReadsAsTheCoresWords() throws {
        do {
            _ = try Certificate.decode(bytes: Data("PCRT".utf8))
            XCTFail("a certificate cut short decoded")
        } catch let error as PartcertError {
            let info = error.info()
            XCTAssertEqual(info.family, "malformed")
            let words = "\(info.message) [error \(info.code) \(info.name)]"
            XCTAssertEqual(error.localizedDescription, words)
            XCTAssertEqual("\(error)", words)
            XCTAssertEqual("\(info)", words)
            XCTAssertFalse(error.localizedDescription.contains("ErrorInfo("))
        }
    }

    /// A phone whose list was never saved: the error names the path.
    func testAStateNeverSavedReadsAsItsPath() throws {
        let path = NSTemporaryDirectory() + "partcert-missing-\(UUID().uuidString).pcbs"
        XCTAssertThrowsError(try loadBlocklistStateFrom(path: path, trust: TrustStore())) { error in
            XCTAssertEqual(error.localizedDescription, "\(path): no saved state")
        }
    }
}
