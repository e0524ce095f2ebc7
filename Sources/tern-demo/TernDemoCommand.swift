public import ArgumentParser
import Logging
import TernDemo
import TernMiddleware
import TernPostgres
import TernServer
import ServiceLifecycle
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// `tern-demo`: the demo API. Every flag also reads an environment variable.
@main
struct TernDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern-demo", abstract: "The Tern demo API.")

    @Option(help: "Address to bind (TERN_HOST).")
    var host: String = Environment.value("TERN_HOST") ?? "127.0.0.1"

    @Option(help: "Port; 0 picks a free one (TERN_PORT).")
    var port: Int = Environment.integer("TERN_PORT") ?? 8080

    @Option(help: "Event-loop threads; default: one per core (TERN_WORKERS).")
    var workers: Int = Environment.integer("TERN_WORKERS") ?? ServerConfiguration.processorCount

    @Option(name: .customLong("data-dir"), help: "Where the SQLite database lives (TERN_DATA_DIR).")
    var dataDirectory: String = Environment.value("TERN_DATA_DIR") ?? "./data"

    @Option(name: .customLong("database-url"), help: "PostgreSQL instead of SQLite, shared by every instance, e.g. postgresql://tern@127.0.0.1:5432/tern (TERN_DATABASE_URL; empty: SQLite).")
    var databaseURL: String = Environment.value("TERN_DATABASE_URL") ?? ""

    @Option(name: .customLong("files-dir"), help: "Files served under /download (TERN_FILES_DIR).")
    var filesDirectory: String = Environment.value("TERN_FILES_DIR") ?? "./Public/files"

    @Option(name: .customLong("public-dir"), help: "The browser page and its assets (TERN_PUBLIC_DIR).")
    var publicDirectory: String = Environment.value("TERN_PUBLIC_DIR") ?? "./Public"

    @Option(name: .customLong("rate-limit"), help: "N/S requests per client, or off (TERN_RATE_LIMIT).")
    var rateLimit: RateLimitSetting = Environment.value("TERN_RATE_LIMIT").flatMap(RateLimitSetting.init) ?? .perWindow(requests: 100, seconds: 1)

    @Option(name: .customLong("max-upload"), help: "The largest file PUT /download/{file} stores: bytes, or with K, M or G (TERN_MAX_UPLOAD).")
    var maxUpload: ByteSize = Environment.value("TERN_MAX_UPLOAD").flatMap(ByteSize.init) ?? ByteSize(bytes: 1 << 30)

    @Option(name: .customLong("max-subscribers"), help: "Transfer event streams at once; past it, 503 (TERN_MAX_SUBSCRIBERS).")
    var maxSubscribers: Int = Environment.integer("TERN_MAX_SUBSCRIBERS") ?? 1000

    @Option(name: .customLong("unix-socket"), help: "Listen on this Unix domain socket instead of --host and --port (TERN_UNIX_SOCKET).")
    var unixSocket: String = Environment.value("TERN_UNIX_SOCKET") ?? ""

    @Option(name: .customLong("trusted-proxies"), help: "Comma-separated CIDR blocks, and unix for peers on --unix-socket, whose X-Forwarded-For names the client (TERN_TRUSTED_PROXIES); default none.")
    var trustedProxies: String = Environment.value("TERN_TRUSTED_PROXIES") ?? ""

    @Option(name: .customLong("idempotency-expiry"), help: "Seconds a transfer's response is replayed for its key (TERN_IDEMPOTENCY_EXPIRY).")
    var idempotencyExpiry: Int = Environment.integer("TERN_IDEMPOTENCY_EXPIRY") ?? 86_400

    @Option(name: .customLong("max-connections"), help: "Open connections across all loops; past it, 503 and close (TERN_MAX_CONNECTIONS).")
    var maxConnections: Int = Environment.integer("TERN_MAX_CONNECTIONS") ?? 10_000

    @Option(name: .customLong("body-timeout"), help: "Seconds a handler waits for more of a request's content before it is 408 (TERN_BODY_TIMEOUT).")
    var bodyTimeout: Int = Environment.integer("TERN_BODY_TIMEOUT") ?? 30

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (TERN_LOG_LEVEL).")
    var logLevel: Logger.Level = Environment.value("TERN_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

    @Option(name: .customLong("log-format"), help: "text or json (TERN_LOG_FORMAT).")
    var logFormat: LogFormat = Environment.value("TERN_LOG_FORMAT").flatMap(LogFormat.init(rawValue:)) ?? .text

    @Option(name: .customLong("access-log"), help: "on or off: one line per request (TERN_ACCESS_LOG).")
    var accessLog: Switch = Environment.value("TERN_ACCESS_LOG").flatMap(Switch.init(rawValue:)) ?? .on

    @Flag(name: .customLong("write-sample-files"), help: "Write the large range-demo sample into --files-dir and exit.")
    var writeSampleFilesOnly = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard maxSubscribers >= 1 else { throw ValidationError("--max-subscribers must be at least 1") }
        guard bodyTimeout >= 1 else { throw ValidationError("--body-timeout must be at least 1 second") }
        guard idempotencyExpiry >= 1 else { throw ValidationError("--idempotency-expiry must be at least 1 second") }
        for block in trustedProxyBlocks where block != "unix" && IPAddressRange(block) == nil {
            throw ValidationError("--trusted-proxies: '\(block)' is not an address or CIDR block")
        }
    }

    func run() throws {
        if writeSampleFilesOnly {
            try SampleFiles.ensureLarge(in: filesDirectory)
            return
        }
        let level = logLevel
        switch logFormat {
        case .text:
            LoggingSystem.bootstrap { label in TextLogHandler(label: label, logLevel: level) }
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, logLevel: level) }
        }
        var demo = DemoConfiguration(workers: workers)
        demo.host = host
        demo.port = port
        demo.dataDirectory = dataDirectory
        demo.filesDirectory = filesDirectory
        demo.publicDirectory = publicDirectory
        demo.rateLimit = rateLimit
        demo.logLevel = logLevel.rawValue
        demo.logFormat = logFormat
        demo.accessLog = accessLog == .on
        demo.idempotencyExpiry = .seconds(idempotencyExpiry)
        demo.maxSubscribers = maxSubscribers
        demo.maxUpload = maxUpload
        demo.trustedProxies = trustedProxyBlocks.compactMap(IPAddressRange.init)
        demo.trustsUnixSocketPeers = trustedProxyBlocks.contains("unix")
        demo.unixSocketPath = unixSocketPath
        demo.apiKey = Environment.value("DEMO_API_KEY") ?? demo.apiKey
        demo.readOnlyKey = Environment.value("DEMO_READONLY_KEY") ?? demo.readOnlyKey
        let logger = Logger(label: "tern-demo")
        let loops: EventLoopGroup
        let application: DemoApplication
        var postgres: PostgresClient?
        do {
            loops = try EventLoopGroup(loopCount: workers)
            try SampleFiles.ensureLarge(in: filesDirectory)
            if !databaseURL.isEmpty {
                var settings = try PostgresConfiguration(url: databaseURL)
                // Named after this instance: the rate limit counts the instances by it.
                settings.applicationName = PostgresRateLimitStore.applicationNamePrefix + instanceName
                let client = PostgresClient(configuration: settings, loops: loops)
                postgres = client
                let database = DemoPostgres(client: client)
                _ = try waitFor { try await database.migrate() }
                application = try DemoApplication(configuration: demo, postgres: database)
            } else {
                application = try DemoApplication(configuration: demo)
            }
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode.failure
        }
        var configuration = ServerConfiguration(host: host, port: port)
        configuration.maxConnections = maxConnections
        configuration.timeouts.bodyIdle = .seconds(bodyTimeout)
        configuration.unixSocketPath = unixSocketPath
        configuration.serverResponseFields = application.serverResponseFields
        configuration.metricsFactory = application.metricsFactory
        let server = Server(configuration: configuration, responder: application, loops: loops)
        let address: SocketAddress
        do throws(ServerError) {
            address = try server.start()
        } catch {
            throw ValidationError(error.description)
        }
        let ready = unixSocketPath.map { "listening on unix:\($0)" } ?? "listening on http://\(address)"
        // Started in this order; at SIGTERM or SIGINT shut down in the reverse one, each step once
        // the one before it is done: /healthz answers 503, event streams end, the server stops
        // accepting and answers what is in flight (up to 10 s), the purger stops, the database
        // closes.
        let postgresClient = postgres
        let services: [any Service] = [
            ShutdownStep("database closed", logger: logger) {
                try application.close()
                if let postgresClient { await postgresClient.close() }
            },
            application.purger,
            ShutdownStep("server stopped: every request answered", logger: logger) {},
            server,
            ShutdownStep("event streams ended", logger: logger) { application.endEventStreams() },
            ShutdownStep("draining: /healthz answers 503", logger: logger) { application.beginDraining() },
            // Last, so the group catches SIGTERM and SIGINT before anyone learns it is ready.
            ReadyLine(ready),
        ]
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        // The main thread only waits: the loops serve, the group's tasks run on the pool.
        try waitFor { try await group.run() }
        loops.shutdown()
        loops.wait()
    }
}

extension TernDemoCommand {
    /// `HOST:PID`, unique among running instances.
    var instanceName: String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + ":\(getpid())"
    }

    /// `--unix-socket`, nil when empty.
    var unixSocketPath: String? { unixSocket.isEmpty ? nil : unixSocket }

    /// `--trusted-proxies` split at commas, blanks dropped.
    var trustedProxyBlocks: [String] {
        trustedProxies.split(separator: ",").map { $0.filter { $0 != " " } }.filter { !$0.isEmpty }
    }
}

extension RateLimitSetting: ExpressibleByArgument {}
extension ByteSize: ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

/// `on` or `off`.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}
extension Logger.Level: @retroactive ExpressibleByArgument {}

