// swift-tools-version: 6.0
// libFuzzer targets for Tern's parsers, kept out of the main package so `make test` never
// builds them. `make fuzz` (from the repository root) builds with -sanitize=fuzzer and runs each.
import Foundation
import PackageDescription

/// A path dependency is named after its folder, which differs between clones.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

/// Each target and the module whose parser it exercises.
let targets: [(name: String, module: String)] = [
    ("FuzzRequestParser", "TernServer"),
    ("FuzzConnection", "TernServer"),
    ("FuzzHTTPDate", "TernHTTP"),
    ("FuzzEntityTag", "TernHTTP"),
    ("FuzzByteRange", "TernHTTP"),
    ("FuzzContentRange", "TernHTTP"),
    ("FuzzMediaType", "TernHTTP"),
    ("FuzzAccept", "TernHTTP"),
    ("FuzzAcceptEncoding", "TernHTTP"),
    ("FuzzCacheControl", "TernHTTP"),
]

let package = Package(
    name: "tern-fuzz",
    dependencies: [.package(path: "..")],
    targets: targets.map { target in
        .executableTarget(name: target.name, dependencies: [.product(name: target.module, package: root)])
    },
    swiftLanguageModes: [.v6]
)
