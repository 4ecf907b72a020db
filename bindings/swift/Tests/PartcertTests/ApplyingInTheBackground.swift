// A phone applies the register's lists from an async task, without blocking
// the main actor. Separate XCTest methods, run by `swift test` beside the
// counted checks.

import Foundation
import Partcert
import XCTest

final class ApplyingInTheBackground: XCTestCase {
    /// Day 1's list, then day 10's (Alice's phone stolen): each applied in the
    /// background, and Alice's screen reads blocked after.
    func testAPhoneAppliesEachMorningsListInTheBackground() async throws {
        let w = try World()
        let trust = try w.trust()
        let phone = Blocklist()
        let first = try await phone.applyInBackground(trust: trust, bytes: w.list1, now: T0 + DAY)
        XCTAssertEqual(first, ListVersion(epoch: 0, sequence: 1))
        try await phone.applyInBackground(trust: trust, bytes: w.list2, now: T0 + 10 * DAY)   // the version may be ignored
        let verdict = try Verifier(trust: trust, blocklist: phone)
            .verifyPart(evidence: PartEvidence(certificate: w.alice.screen, chain: w.chain), now: NOW)
        XCTAssertTrue(verdict.isBlocked)
    }

    /// An older list offered again in the background is refused, as `apply` refuses it.
    func testAnOlderListIsRefusedInTheBackgroundToo() async throws {
        let w = try World()
        let trust = try w.trust()
        let phone = Blocklist()
        try await phone.applyInBackground(trust: trust, bytes: w.list2, now: NOW)
        do {
            try await phone.applyInBackground(trust: trust, bytes: w.list1, now: NOW)
            XCTFail("an older list was applied")
        } catch let PartcertError.BlocklistState(info) {
            XCTAssertEqual(info.code, 400)
        }
    }
}
