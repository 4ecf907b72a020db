// swift-tools-version:5.7
// partcert's Swift package for apps, at a stable path in the repository:
// bindings/swift/Partcert (package identity `partcert`, product `Partcert`).
// `bash bindings/package.sh` writes its Sources/ (the Swift uniffi generates
// and the hand-written async sync) and lib/libpartcert_uniffi.so (the release
// library, stripped). In an app's Package.swift:
//
//   .package(path: "path/to/partcert/bindings/swift/Partcert"),
//   .executableTarget(name: "ShopApp", dependencies: [.product(name: "Partcert", package: "Partcert")]),
//
// On Linux the library is linked from lib/ with that folder as the run path,
// so the app runs without LD_LIBRARY_PATH; ship lib/libpartcert_uniffi.so
// beside an app you move elsewhere. On Apple platforms use the XCFramework
// bindings/apple.sh makes.
import PackageDescription

/// The folder of this manifest, so the library is found wherever the checkout is.
let here = String(#filePath.dropLast("/Package.swift".count))

let package = Package(
    name: "Partcert",
    products: [
        .library(name: "Partcert", targets: ["Partcert"]),
    ],
    targets: [
        // The C headers and module map uniffi generates for the Rust library.
        .systemLibrary(name: "PartcertFFI", path: "Sources/PartcertFFI"),
        // The Swift API: the calls, the core's values and the async sync.
        .target(
            name: "Partcert", dependencies: ["PartcertFFI"], path: "Sources/Partcert",
            linkerSettings: [
                .unsafeFlags(["-L\(here)/lib", "-Xlinker", "-rpath", "-Xlinker", "\(here)/lib"],
                             .when(platforms: [.linux])),
            ]),
    ]
)
