public import HTTPTypes
public import TernHTTP
import TernJSON
import TernMiddleware
import TernRouter
import Foundation

/// The demo API as a responder: its routes behind the framework's standard middleware.
///
/// Middleware, outermost first: request id (on every response, errors included), errors as
/// problem+json, rate limit (per API key, else per client address; `/healthz` exempt), and
/// conditional GET. Bearer authentication wraps the API's routes only, so an unknown path is
/// 404 and a wrong method 405 whether or not the request carries a key.
public final class DemoApplication: Responder {
    private let router: RouterResponder
    private let database: DemoDatabase
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
        let router = Router()
        router.use(requestID)
        router.use(ErrorMiddleware())
        if case .perWindow(let requests, let seconds) = configuration.rateLimit {
            router.use(RateLimit(policy: RateLimitPolicy(quota: requests, windowSeconds: seconds), exemptRoutes: ["/healthz", "/metrics"]) { request, context in
                authentication.principal(of: request).map { "key:" + $0.name } ?? RateLimit.principalOrHost(request, context)
            })
        }
        router.use(ConditionalGET(hashingBodies: true))
        router.get("/healthz") { _, _ in
            try Response(json: Health(status: "ok"))
        }
        let users = UserRoutes(store: CachingUserStore(wrapping: SQLiteUserStore(database: database)))
        let downloads = DownloadRoutes(files: FileResponder(folder: configuration.filesDirectory))
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
