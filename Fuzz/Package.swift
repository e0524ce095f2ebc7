// swift-tools-version: 6.0
// libFuzzer targets for Tern's parsers, kept out of the main package so `make test` never
// builds them. `make fuzz` (from the repository root) builds with -sanitize=fuzzer and runs each.
import Foundation
import PackageDescription

/// A path dependency is named after its folder, which differs between clones.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "tern-fuzz",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .executableTarget(
            name: "FuzzRequestParser",
            dependencies: [.product(name: "TernServer", package: root)]
        ),
        .executableTarget(
            name: "FuzzConnection",
            dependencies: [.product(name: "TernServer", package: root)]
        ),
        .executableTarget(
            name: "FuzzHTTPDate",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
        .executableTarget(
            name: "FuzzEntityTag",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
        .executableTarget(
            name: "FuzzByteRange",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
        .executableTarget(
            name: "FuzzContentRange",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
        .executableTarget(
            name: "FuzzMediaType",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
        .executableTarget(
            name: "FuzzAccept",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
        .executableTarget(
            name: "FuzzAcceptEncoding",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
        .executableTarget(
            name: "FuzzCacheControl",
            dependencies: [.product(name: "TernHTTP", package: root)]
        ),
    ],
    swiftLanguageModes: [.v6]
)
