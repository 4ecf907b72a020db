// Hand-written, shipped with the generated bindings (copied into
// bindings/swift/Partcert by bindings/package.sh, beside the generated Swift by
// bindings/apple.sh): applying a list without blocking the caller.

import Foundation

extension Blocklist {
    /// `apply(trust:bytes:now:)` on a background queue, suspending the caller
    /// (say, the main actor) until the list is applied: a national list takes
    /// from milliseconds to a few hundred. Returns the version now held (an
    /// app may ignore it); a refused list throws the same `PartcertError`
    /// `apply` throws (400 Rollback for an older list, 105 for an object that
    /// is not a list) and changes nothing. Cancelling the task does not stop
    /// an apply under way: it completes (all or nothing).
    @discardableResult
    public func applyInBackground(trust: TrustStore, bytes: Data, now: UInt64) async throws -> ListVersion {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try self.apply(trust: trust, bytes: bytes, now: now) })
            }
        }
    }
}
