// swift-tools-version: 6.0
// A Tern router served by Hummingbird 2: proof that TernRouter, TernMiddleware and TernJSON
// embed behind another server. `make examples` (from the repository root) builds and tests it;
// it is not part of `make test`, since Hummingbird takes minutes to build.
import Foundation
import PackageDescription

/// A path dependency is named after its folder, which differs between clones.
let tern = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "tern-hummingbird",
    platforms: [.macOS(.v15)],
    products: [.library(name: "TernHummingbird", targets: ["TernHummingbird"])],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .target(
            name: "TernHummingbird",
            dependencies: [
                .product(name: "TernHTTP", package: tern),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TernHummingbirdTests",
            dependencies: [
                "TernHummingbird",
                .product(name: "TernHTTP", package: tern),
                .product(name: "TernRouter", package: tern),
                .product(name: "TernMiddleware", package: tern),
                .product(name: "TernJSON", package: tern),
                .product(name: "TernTesting", package: tern),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
