// swift-tools-version: 6.0
// `make bench`: Tern against Hummingbird 2, Vapor 4, a plain C libevent server and nginx,
// answering the same routes. A separate package so `make test` never builds NIO.
import Foundation
import PackageDescription

/// A path dependency is named after its folder, which differs between clones.
let tern = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "tern-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "BenchPayload", path: "Sources/BenchPayload"),
        .executableTarget(
            name: "TernBench",
            dependencies: [
                "BenchPayload",
                .product(name: "TernHTTP", package: tern),
                .product(name: "TernJSON", package: tern),
                .product(name: "TernMiddleware", package: tern),
                .product(name: "TernRouter", package: tern),
                .product(name: "TernServer", package: tern),
            ]
        ),
        .executableTarget(
            name: "HummingbirdBench",
            dependencies: [
                "BenchPayload",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "HummingbirdPostgresBench",
            dependencies: [
                "BenchPayload",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "VaporBench",
            dependencies: ["BenchPayload", .product(name: "Vapor", package: "vapor")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
