public import CoreMetrics
import Foundation
public import HTTPTypes
import Prometheus
public import TernHTTP
import TernJSON
import TernMiddleware
public import TernRouter

/// The demo API as a responder: its routes behind the framework's standard middleware.
///
/// Middleware, outermost first: the client behind trusted proxies (when any are set), metrics (every request, with its final status), request id
/// (on every response, errors included), the access log (unless turned off), CORS for pages on localhost,
/// errors as problem+json, rate limit (per API key, else per client address; `/healthz` and
/// `/metrics` exempt), conditional GET, and compression. Bearer authentication wraps the
/// API's routes only, so an unknown path is 404 and a wrong method 405 whether or not the
/// request carries a key.
public final class DemoApplication: Responder {
    private let router: RouterResponder
    /// The SQLite database, when the application keeps its state there (it owns it).
    private let database: DemoDatabase?
    /// Set by `beginDraining()`: `/healthz` answers 503 from then on.
    private let draining = Locked(false)
    /// `GET /transfers/events`' source.
    private let feed: TransferFeed
    /// Where the metrics are kept; `GET /metrics` writes it out.
    private let registry = PrometheusCollectorRegistry()
    /// Deletes expired idempotency records (and, on PostgreSQL, full rate-limit buckets) every
    /// ten minutes: a service for the group that runs the application.
    public let purger: Purger
    private let requestID = RequestID()

    /// Builds the routes over `postgres`, a database several instances may share, or when it is
    /// nil over the SQLite database in `configuration.dataDirectory` (opened, or created).
    public init(configuration: DemoConfiguration, postgres: DemoPostgres? = nil) throws {
        let database = try postgres == nil ? DemoDatabase(directory: configuration.dataDirectory) : nil
        self.database = database
        let authentication = BearerAuthentication(realm: "tern-demo", keys: [
            .init(token: configuration.apiKey, principal: Principal(name: "demo", scopes: [.read, .write])),
            .init(token: configuration.readOnlyKey, principal: Principal(name: "readonly", scopes: [.read])),
        ])
        let registry = self.registry
        let metricsFactory = PrometheusMetricsFactory(registry: registry)
        let router = Router()
        if !configuration.trustedProxies.isEmpty || configuration.trustsUnixSocketPeers {
            router.use(TrustedProxies(configuration.trustedProxies, unixSocketPeers: configuration.trustsUnixSocketPeers))
        }
        router.use(HTTPMetrics(factory: metricsFactory))
        router.use(requestID)
        if configuration.accessLog { router.use(AccessLog(format: configuration.logFormat)) }
        router.use(CORS(allowedOrigin: CORS.isLocalhost))
        router.use(ErrorMiddleware())
        if case .perWindow(let requests, let seconds) = configuration.rateLimit {
            let policy = RateLimitPolicy(quota: requests, windowSeconds: seconds)
            let key: @Sendable (Request, RequestContext) -> String = { request, context in
                authentication.principal(of: request).map { "key:" + $0.name } ?? RateLimit.principalOrHost(request, context)
            }
            if let postgres {
                let shared = LeasedRateLimiter(policy: policy, store: PostgresRateLimitStore(database: postgres))
                router.use(RateLimit(shared: shared, exemptRoutes: ["/healthz", "/metrics"], key: key))
            } else {
                router.use(RateLimit(policy: policy, exemptRoutes: ["/healthz", "/metrics"], key: key))
            }
        }
        router.use(ConditionalGET(hashingBodies: true))
        router.use(Compression())
        let draining = self.draining
        router.get("/healthz") { _, _ in
            guard !draining.withLock({ $0 }) else {
                throw HTTPError(.serviceUnavailable, detail: "the server is shutting down", headerFields: [.retryAfter: "1"])
            }
            if let postgres, await !postgres.client.isConnected {
                throw HTTPError(.serviceUnavailable, detail: "the database cannot be reached", headerFields: [.retryAfter: "1"])
            }
            return try Response(json: Health(status: "ok"))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headerFields: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .bytes(registry.emitToBuffer()))
        }
        PublicRoutes(folder: configuration.publicDirectory).register(in: router)
        let userStore: any UserStore
        let transferStore: any TransferStore & IdempotencyStore & TransferFeedStore
        if let database {
            userStore = CachingUserStore(wrapping: SQLiteUserStore(database: database))
            transferStore = SQLiteTransferStore(database: database)
        } else if let postgres {
            userStore = PostgresUserStore(database: postgres)
            transferStore = PostgresTransferStore(database: postgres)
        } else {
            preconditionFailure("either SQLite or PostgreSQL")
        }
        let users = UserRoutes(store: userStore)
        // Compressed downloads are made once per file version, in the data folder.
        let copies = try CompressedCopies(folder: configuration.dataDirectory + "/gzip-copies")
        let digests = FileDigests()
        let downloads = DownloadRoutes(
            files: FileResponder(folder: configuration.filesDirectory, compressedCopies: copies, digests: digests),
            upload: FileUpload(
                folder: configuration.filesDirectory, maxSize: configuration.maxUpload.bytes,
                digestMismatchType: DownloadRoutes.digestMismatchType, digests: digests))
        let transfers = TransferRoutes(store: transferStore)
        let feed = TransferFeed(store: transferStore, maxSubscribers: configuration.maxSubscribers)
        self.feed = feed
        let idempotency = Idempotency(store: transferStore, expiry: configuration.idempotencyExpiry, canonicalContent: JSONCoding.canonical)
        router.group("/", middleware: [authentication]) { api in
            users.register(in: api)
            DataRoutes.register(in: api)
            downloads.register(in: api)
            TransferEventRoutes(feed: feed).register(in: api)
            transfers.registerReads(in: api)
            api.group("/", middleware: [idempotency]) { guarded in
                transfers.registerCreate(in: guarded)
            }
        }
        TransferRoutes.registerOldPath(in: router)
        self.router = try router.build()
        let rateLimitWindow: Int? = if case .perWindow(_, let seconds) = configuration.rateLimit { seconds } else { nil }
        purger = Purger {
            _ = try? await transferStore.purgeExpired(now: Int64(Date().timeIntervalSince1970))
            if let postgres, let rateLimitWindow {
                try? await PostgresRateLimitStore(database: postgres).purgeFull(windowSeconds: rateLimitWindow)
            }
        }
    }

    public func respond(to request: Request, context: RequestContext) async throws -> Response {
        try await router.respond(to: request, context: context)
    }

    /// The route table, for the OpenAPI document's test.
    public var routes: [RouteDescription] { router.routes }

    /// The metrics backend this application reports to; give it to the server too
    /// (`ServerConfiguration.metricsFactory`) so `/metrics` shows its open connections.
    public var metricsFactory: any MetricsFactory {
        PrometheusMetricsFactory(registry: registry)
    }

    /// Fields for the responses the server writes before the application sees a request
    /// (`ServerConfiguration.serverResponseFields`): a request id, as on every other response.
    public var serverResponseFields: @Sendable () -> HTTPFields {
        { [requestID] in [RequestID.fieldName: requestID.newID()] }
    }

    /// From now on `/healthz` answers 503, so that a load balancer stops sending requests
    /// here while the server finishes those in flight (at SIGTERM, before the server shuts down).
    public func beginDraining() {
        draining.withLock { $0 = true }
    }

    /// Ends every event stream (`GET /transfers/events`) and accepts no new one: they never end
    /// by themselves, and a server shutting down waits for the requests in flight.
    public func endEventStreams() {
        feed.close()
    }

    /// Finishes pending work on the SQLite database and closes it (at shutdown, after the server
    /// stopped). A PostgreSQL client belongs to whoever made it, who closes it.
    public func close() throws {
        try database?.close()
    }
}

/// `GET /healthz`'s body.
struct Health: Encodable {
    let status: String
}
