// swift-tools-version: 6.2
// A Tern service traced with OpenTelemetry: swift-otel's OTLP/HTTP exporter bootstrapped beside
// the server in one ServiceGroup, RequestTracing continuing each caller's W3C trace, and the
// trace ids on every access-log line. `make examples` (from the repository root) builds and
// tests it; it is not part of `make test`, since swift-otel and its HTTP client take minutes to
// build.
import Foundation
import PackageDescription

/// A path dependency is named after its folder, which differs between clones.
let tern = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "tern-opentelemetry",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        // OTLP over HTTP only: the gRPC exporter's packages would double the build.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "TracedHello",
            dependencies: [
                .product(name: "Tern", package: tern),
                .product(name: "TernTracing", package: tern),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "TracedHelloServer",
            dependencies: ["TracedHello"]
        ),
        .testTarget(
            name: "TracedHelloTests",
            dependencies: [
                "TracedHello",
                .product(name: "Tern", package: tern),
                .product(name: "TernTesting", package: tern),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
