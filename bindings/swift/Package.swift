// swift-tools-version:5.7
// The Swift package of partcert's bindings. Its sources are mostly generated:
// `bash bindings/tests/run.sh` lays the package out, complete, in
// target/bindings/swift-package (Sources/Partcert/Partcert.swift and
// PartcertCore.swift, the core's values, and Sources/PartcertFFI/ from
// uniffi-bindgen; the hand-written Sources/Partcert/BlocklistSync.swift and
// the tests from here; the example apps from examples/swift/). Link it
// against libpartcert_uniffi (cargo build -p partcert-uniffi): on Linux,
//   LD_LIBRARY_PATH=$LIB swift test -Xlinker -L$LIB
// On Apple platforms use the XCFramework made by bindings/apple.sh.
import PackageDescription

let package = Package(
    name: "Partcert",
    products: [
        .library(name: "Partcert", targets: ["Partcert"]),
    ],
    targets: [
        // The C header and module map uniffi generates for the Rust library.
        .systemLibrary(name: "PartcertFFI", path: "Sources/PartcertFFI"),
        // The generated Swift API: the calls and the core's values.
        .target(name: "Partcert", dependencies: ["PartcertFFI"], path: "Sources/Partcert"),
        // examples/swift: an app checking its own parts at launch.
        .executableTarget(name: "BootCheck", dependencies: ["Partcert"], path: "Examples/BootCheck"),
        // examples/swift: a phone keeping a register's list current from a web server.
        .executableTarget(name: "SyncFromServer", dependencies: ["Partcert"], path: "Examples/SyncFromServer"),
        .testTarget(name: "PartcertTests", dependencies: ["Partcert"], path: "Tests/PartcertTests"),
    ]
)
