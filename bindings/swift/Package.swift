// swift-tools-version:5.7
// The test harness of partcert's Swift bindings: the tests in Tests/ and the
// example apps in examples/swift/, laid out by `bash bindings/tests/run.sh`
// in target/bindings/swift-package and built there against the package apps
// use, bindings/swift/Partcert (which `bash bindings/package.sh` fills with
// the generated sources and the release library): the tests exercise what
// ships. No linker flags or LD_LIBRARY_PATH: that package links the library
// with its folder on the run path.
import PackageDescription

let package = Package(
    name: "PartcertHarness",
    dependencies: [
        // target/bindings/swift-package -> the checkout's bindings/swift/Partcert
        .package(path: "../../../bindings/swift/Partcert"),
    ],
    targets: [
        // examples/swift: an app checking its own parts at launch.
        .executableTarget(name: "BootCheck", dependencies: ["Partcert"], path: "Examples/BootCheck"),
        // examples/swift: a repair app checking parts through shards of a list it never holds.
        .executableTarget(name: "RepairApp", dependencies: ["Partcert"], path: "Examples/RepairApp"),
        // examples/swift: a phone keeping a register's list current from a web server.
        .executableTarget(name: "SyncFromServer", dependencies: ["Partcert"], path: "Examples/SyncFromServer"),
        .testTarget(name: "PartcertTests", dependencies: ["Partcert"], path: "Tests/PartcertTests"),
    ]
)
