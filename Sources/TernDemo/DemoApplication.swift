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
/// Middleware, outermost first: metrics (every request, with its final status), request id
/// (on every response, errors included), the access log, CORS for pages on localhost,
/// errors as problem+json, rate limit (per API key, else per client address; `/healthz` and
/// `/metrics` exempt), conditional GET, and compression. Bearer authentication wraps the
/// API's routes only, so an unknown path is 404 and a wrong method 405 whether or not the
/// request carries a key.
public final class DemoApplication: Responder {
    private let router: RouterResponder
    private let database: DemoDatabase
    /// Where the metrics are kept; `GET /metrics` writes it out.
    private let registry = PrometheusCollectorRegistry()
    /// Deletes expired idempotency records every ten minutes until `close()`.
    private let purge: Task<Void, Never>
    private let requestID = RequestID()

    /// Opens (or creates) the database in `configuration.dataDirectory` and builds the routes.
    public init(configuration: DemoConfiguration) throws {
        database = try DemoDatabase(directory: configuration.dataDirectory)
        let authentication = BearerAuthentication(realm: "tern-demo", keys: [
            .init(token: configuration.apiKey, principal: Principal(name: "demo", scopes: [.read, .write])),
            .init(token: configuration.readOnlyKey, principal: Principal(name: "readonly", scopes: [.read])),
        ])
        let registry = self.registry
        let metricsFactory = PrometheusMetricsFactory(registry: registry)
        let router = Router()
        router.use(HTTPMetrics(factory: metricsFactory))
        router.use(requestID)
        router.use(AccessLog())
        router.use(CORS(allowedOrigin: CORS.isLocalhost))
        router.use(ErrorMiddleware())
        if case .perWindow(let requests, let seconds) = configuration.rateLimit {
            router.use(RateLimit(policy: RateLimitPolicy(quota: requests, windowSeconds: seconds), exemptRoutes: ["/healthz", "/metrics"]) { request, context in
                authentication.principal(of: request).map { "key:" + $0.name } ?? RateLimit.principalOrHost(request, context)
            })
        }
        router.use(ConditionalGET(hashingBodies: true))
        router.use(Compression())
        router.get("/healthz") { _, _ in
            try Response(json: Health(status: "ok"))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headerFields: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .bytes(registry.emitToBuffer()))
        }
        PublicRoutes(folder: configuration.publicDirectory).register(in: router)
        let users = UserRoutes(store: CachingUserStore(wrapping: SQLiteUserStore(database: database)))
        // Compressed downloads are made once per file version, in the data folder.
        let copies = try CompressedCopies(folder: configuration.dataDirectory + "/gzip-copies")
        let downloads = DownloadRoutes(files: FileResponder(folder: configuration.filesDirectory, compressedCopies: copies))
        let transferStore = SQLiteTransferStore(database: database)
        let transfers = TransferRoutes(store: transferStore)
        let idempotency = Idempotency(store: transferStore, expiry: configuration.idempotencyExpiry, canonicalContent: JSONCoding.canonical)
        router.group("/", middleware: [authentication]) { api in
            users.register(in: api)
            DataRoutes.register(in: api)
            downloads.register(in: api)
            transfers.registerReads(in: api)
            api.group("/", middleware: [idempotency]) { guarded in
                transfers.registerCreate(in: guarded)
            }
        }
        TransferRoutes.registerOldPath(in: router)
        self.router = try router.build()
        purge = Task.detached {
            while !Task.isCancelled {
                _ = try? await transferStore.purgeExpired(now: Int64(Date().timeIntervalSince1970))
                try? await Task.sleep(for: .seconds(600))
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

    /// Finishes pending database work and closes it (at shutdown, after the server stopped).
    public func close() throws {
        purge.cancel()
        try database.close()
    }
}

/// `GET /healthz`'s body.
struct Health: Encodable {
    let status: String
}
