// Hand-written, shipped with the generated bindings (copied into
// bindings/swift/Partcert by bindings/package.sh, beside the generated Swift by
// bindings/apple.sh): the errors read as words wherever an app shows them.
//
// The generated errors carry the Rust `Display` as `description` (the core's
// message, then "[error 201 UnknownIssuer]"); here they declare it, and give
// it as their `LocalizedError` description, so `error.localizedDescription`
// and `"\(error)"` read the message, never
// `Partcert.PartcertError.Trust(info: Partcert.ErrorInfo(code: 201, …))`.
// (uniffi's own conformance is turned off in bindings/uniffi.toml.)

import Foundation

extension PartcertError: CustomStringConvertible, LocalizedError {
    /// The core's message and code, as `description`.
    public var errorDescription: String? { description }
}

extension StateFileError: CustomStringConvertible, LocalizedError {
    /// The path and what went wrong, or the core's message and code.
    public var errorDescription: String? { description }
}
