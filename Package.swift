// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // SE-0461: nonisolated async functions run on their caller's executor, so a request's
    // trip through the router, middleware and handler stays on its loop without an executor
    // check at every await.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "tern",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Tern", targets: ["Tern"]),
        .library(name: "TernHTTP", targets: ["TernHTTP"]),
        .library(name: "TernTracing", targets: ["TernTracing"]),
        .library(name: "TernOpenAPI", targets: ["TernOpenAPI"]),
        .library(name: "TernServer", targets: ["TernServer"]),
        .library(name: "TernRouter", targets: ["TernRouter"]),
        .library(name: "TernMiddleware", targets: ["TernMiddleware"]),
        .library(name: "TernJSON", targets: ["TernJSON"]),
        .library(name: "TernPostgres", targets: ["TernPostgres"]),
        .library(name: "TernTesting", targets: ["TernTesting"]),
        .library(name: "TernDemo", targets: ["TernDemo"]),
        .executable(name: "tern-demo", targets: ["tern-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel-semantic-conventions.git", from: "1.44.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibevent",
            pkgConfig: "libevent",
            providers: [.apt(["libevent-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "TernHTTP",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TernServer",
            dependencies: [
                "CLibevent",
                "TernHTTP",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TernRouter",
            dependencies: ["TernHTTP", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: strict
        ),
        .target(
            name: "TernMiddleware",
            dependencies: [
                "TernHTTP",
                "CZlib",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TernJSON",
            dependencies: ["TernHTTP", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: strict
        ),
        .target(
            name: "Tern",
            dependencies: [
                "TernHTTP", "TernServer", "TernRouter", "TernMiddleware", "TernJSON",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TernTracing",
            dependencies: [
                "TernHTTP", "TernMiddleware",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTelSemanticConventions", package: "swift-otel-semantic-conventions"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TernOpenAPI",
            dependencies: [
                "TernHTTP", "TernRouter",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TernPostgres",
            dependencies: [
                "CLibpq",
                "CLibevent",
                "TernServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "CTernSpawn"),
        .target(
            name: "TernTesting",
            dependencies: [
                "TernHTTP",
                "TernServer",
                "CZlib",
                "CTernSpawn",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TernDemo",
            dependencies: [
                "TernHTTP", "TernRouter", "TernMiddleware", "TernJSON", "TernPostgres", "TernServer",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tern-demo",
            dependencies: [
                "TernDemo",
                "TernHTTP",
                "TernMiddleware",
                "TernPostgres",
                "TernServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "HelloWorld",
            dependencies: ["Tern"],
            path: "Examples/HelloWorld",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernTests",
            dependencies: ["Tern", "TernTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernTracingTests",
            dependencies: [
                "TernTracing", "TernHTTP", "TernMiddleware", "TernRouter", "TernTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernOpenAPITests",
            dependencies: [
                "TernOpenAPI", "TernHTTP", "TernRouter", "TernMiddleware", "TernTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernHTTPTests",
            dependencies: ["TernHTTP", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernRouterTests",
            dependencies: [
                "TernHTTP", "TernRouter", "TernMiddleware", "TernJSON", "TernTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernMiddlewareTests",
            dependencies: [
                "TernHTTP", "TernMiddleware", "TernTesting", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernJSONTests",
            dependencies: [
                "TernHTTP", "TernRouter", "TernMiddleware", "TernJSON", "TernTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernServerTests",
            dependencies: [
                "TernServer", "TernHTTP", "TernTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernPostgresTests",
            dependencies: ["TernPostgres", "TernServer", "TernHTTP", "TernTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TernDemoTests",
            dependencies: [
                "TernDemo", "TernHTTP", "TernServer", "TernTesting", "tern-demo",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
