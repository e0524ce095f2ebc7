public import HTTPTypes
public import TernHTTP

/// Limits each client to a `RateLimitPolicy` with a token bucket, and says so on every
/// response it lets through with the fields of draft-ietf-httpapi-ratelimit-headers-11:
/// `RateLimit-Policy: "default";q=100;w=1` and `RateLimit: "default";r=42;t=1` (`r`: requests
/// left, `t`: seconds until more quota is available).
///
/// Over the limit: 429 (https://www.rfc-editor.org/rfc/rfc6585#section-4) with the same
/// fields, `Retry-After` in whole seconds, and a problem body; the handler does not run.
///
/// The client is whatever `key` returns: by default the authenticated principal's name,
/// else the remote host. Routes in `exemptRoutes` (templates, e.g. `/healthz`) are neither
/// counted nor annotated.
///
/// ```swift
/// router.use(RateLimit(policy: RateLimitPolicy(quota: 100, windowSeconds: 1), exemptRoutes: ["/healthz"]))
/// ```
public struct RateLimit: Middleware {
    /// `RateLimit-Policy`.
    public static let policyField = HTTPField.Name("RateLimit-Policy")!
    /// `RateLimit`.
    public static let limitField = HTTPField.Name("RateLimit")!

    private let limiter: Limiter
    /// `RateLimit-Policy`, made once, and the start of `RateLimit`'s value.
    private let policyLine: HTTPField
    private let limitPrefix: String
    private let key: @Sendable (Request, RequestContext) -> String
    /// A handful of templates: a linear scan beats hashing the route per request.
    private let exemptRoutes: [String]
    private let clock: @Sendable () -> ContinuousClock.Instant

    /// Where the buckets are: in this process, or shared by several.
    enum Limiter: Sendable {
        case local(RateLimiter)
        case leased(LeasedRateLimiter)

        var policy: RateLimitPolicy {
            switch self {
            case .local(let limiter): limiter.policy
            case .leased(let limiter): limiter.policy
            }
        }

        func take(_ key: String, at now: ContinuousClock.Instant) async -> TokenBucket.Outcome {
            switch self {
            case .local(let limiter): limiter.take(key, at: now)
            case .leased(let limiter): await limiter.take(key, at: now)
            }
        }
    }

    /// A limit of `policy` per client (`key`), except for `exemptRoutes`, in this process.
    public init(
        policy: RateLimitPolicy, exemptRoutes: Set<String> = [],
        key: @escaping @Sendable (Request, RequestContext) -> String = RateLimit.principalOrHost
    ) {
        self.init(limiter: .local(RateLimiter(policy: policy)), exemptRoutes: exemptRoutes, key: key, clock: { .now })
    }

    /// A limit per client shared by every process that leases from the same store.
    public init(
        shared limiter: LeasedRateLimiter, exemptRoutes: Set<String> = [],
        key: @escaping @Sendable (Request, RequestContext) -> String = RateLimit.principalOrHost
    ) {
        self.init(limiter: .leased(limiter), exemptRoutes: exemptRoutes, key: key, clock: { .now })
    }

    init(
        limiter: Limiter, exemptRoutes: Set<String>, key: @escaping @Sendable (Request, RequestContext) -> String,
        clock: @escaping @Sendable () -> ContinuousClock.Instant
    ) {
        self.limiter = limiter
        self.policyLine = HTTPField(name: Self.policyField, value: limiter.policy.policyFieldValue)
        self.limitPrefix = limiter.policy.quotedName + ";r="
        self.key = key
        self.exemptRoutes = Array(exemptRoutes)
        self.clock = clock
    }

    /// The default client key: `principal:NAME` when a principal is known, else `host:ADDRESS`
    /// (the address a trusted proxy forwarded, else the peer's).
    public static func principalOrHost(_ request: Request, _ context: RequestContext) -> String {
        if let principal = Principal.current(in: context) { return "principal:" + principal.name }
        return "host:" + (TrustedProxies.clientAddress(in: context) ?? "-")
    }

    /// `"default";r=42;t=1`: the prefix made once, the numbers written in place, one string.
    private func limitValue(_ outcome: TokenBucket.Outcome) -> String {
        let prefix = limitPrefix.utf8
        return String(unsafeUninitializedCapacity: prefix.count + 3 + 2 * DecimalText.maxLength) { buffer in
            var index = buffer.initialize(fromContentsOf: prefix)
            index = DecimalText.write(Int64(outcome.remaining), into: buffer, at: index)
            for byte in ";t=".utf8 {
                buffer[index] = byte
                index += 1
            }
            return DecimalText.write(Int64(outcome.secondsUntilRefill), into: buffer, at: index)
        }
    }

    public func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
        if let route = context.route, exemptRoutes.contains(route) {
            return try await next.respond(to: request, context: context)
        }
        let limit = try admit(await limiter.take(key(request, context), at: clock()))
        var response = await next.respondRenderingErrors(to: request, context: context)
        annotate(&response, limit: limit)
        return response
    }

    /// With the buckets in this process, nothing awaits: the chain runs it with the
    /// synchronous middleware around it.
    public var synchronousForm: (any SynchronousMiddleware)? {
        guard case .local(let buckets) = limiter else { return nil }
        return Local(limit: self, buckets: buckets)
    }

    /// `RateLimit` over buckets in this process, as a `SynchronousMiddleware`.
    struct Local: SynchronousMiddleware {
        let limit: RateLimit
        let buckets: RateLimiter

        /// The `RateLimit` field's value for the request, from `begin` to `end`.
        enum LimitKey: ContextKey { typealias Value = String }

        func begin(_ request: Request, context: inout RequestContext) throws -> Response? {
            if let route = context.route, limit.exemptRoutes.contains(route) { return nil }
            context.storage[LimitKey.self] = try limit.admit(buckets.take(limit.key(request, context), at: limit.clock()))
            return nil
        }

        func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
            throws -> Response
        {
            guard let value = context.storage[LimitKey.self] else { return try outcome.get() }
            var response = outcome.rendered(for: request, context: context)
            limit.annotate(&response, limit: value)
            return response
        }
    }

    /// The `RateLimit` field's value for a request the bucket let through; over the limit, a
    /// 429 with the fields and `Retry-After`.
    private func admit(_ outcome: TokenBucket.Outcome) throws -> String {
        let policy = limiter.policy
        let limit = limitValue(outcome)
        guard outcome.allowed else {
            throw HTTPError(
                .tooManyRequests,
                detail: "more than \(policy.quota) requests in \(policy.windowSeconds) s; retry after \(outcome.secondsUntilRefill) s",
                headerFields: [
                    .retryAfter: String(outcome.secondsUntilRefill),
                    Self.policyField: policyLine.value,
                    Self.limitField: limit,
                ])
        }
        return limit
    }

    private func annotate(_ response: inout Response, limit: String) {
        response.headerFields.set(policyLine)
        response.headerFields.set(HTTPField(name: Self.limitField, value: limit))
    }
}
