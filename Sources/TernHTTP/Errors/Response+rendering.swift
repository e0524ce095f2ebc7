import HTTPTypes
public import Logging

extension Response {
    /// The response for an error: the one place Tern turns an error into a response, called
    /// by the server for its own refusals, by `ErrorMiddleware`, by the test clients and by
    /// embedding adapters, so an error reads the same wherever it arises.
    ///
    /// - An `HTTPResponseError` becomes its problem as `application/problem+json`
    ///   (https://www.rfc-editor.org/rfc/rfc9457#section-3) with its header fields, and
    ///   `instance` set to `instance` when the problem has none of its own.
    /// - Any other error becomes a fixed 500 whose `detail` says nothing of the error: what
    ///   went wrong goes to `logger`, never to the client.
    /// - Every 5xx is logged at error level with the error's full description.
    ///
    /// - Parameters:
    ///   - error: what was thrown.
    ///   - instance: the request's path, as sent; nil only when the request target was never
    ///     read (a connection refused before its request line).
    ///   - logger: where server errors are reported.
    public init(rendering error: any Error, instance: String?, logger: Logger) {
        self.init(rendering: error, instance: instance, reportingTo: { logger })
    }

    /// `init(rendering:instance:logger:)` with the logger made only when a 5xx is reported.
    private init(rendering error: any Error, instance: String?, reportingTo logger: () -> Logger) {
        var problem: ProblemDetails
        let headerFields: HTTPFields
        if let error = error as? any HTTPResponseError {
            problem = error.problem
            headerFields = error.headerFields
        } else {
            problem = Self.internalServerError
            headerFields = [:]
        }
        if problem.instance == nil { problem.instance = instance }
        if problem.status.kind == .serverError {
            logger().error(
                "request failed", metadata: ["status": "\(problem.status.code)", "error": "\(String(reflecting: error))"])
        }
        self.init(problem: problem, headerFields: headerFields)
    }

    /// The response for an error thrown while answering `request`: `init(rendering:instance:logger:)`
    /// with the request's path and the context's logger.
    public init(rendering error: any Error, for request: Request, context: RequestContext) {
        self.init(rendering: error, instance: String(request.path), reportingTo: { context.logger })
    }

    /// What the client learns of an error that is not an `HTTPResponseError`.
    static let internalServerError = ProblemDetails(
        status: .internalServerError, detail: "the server failed to answer this request; the failure has been logged")
}

extension Responder {
    /// The response to `request`, with any thrown error rendered by
    /// `Response(rendering:for:context:)`. For middleware that must annotate every response
    /// it passes (request id, rate-limit fields) whether or not an error middleware runs
    /// inside it, and for transports.
    public func respondRenderingErrors(to request: Request, context: RequestContext) async -> Response {
        do {
            return try await respond(to: request, context: context)
        } catch {
            return Response(rendering: error, for: request, context: context)
        }
    }
}

extension Result where Success == Response, Failure == any Error {
    /// The response, or the error rendered by `Response(rendering:for:context:)`: what
    /// `respondRenderingErrors(to:context:)` gives, for a `SynchronousMiddleware`'s `end`.
    public consuming func rendered(for request: Request, context: RequestContext) -> Response {
        switch self {
        case .success(let response): response
        case .failure(let error): Response(rendering: error, for: request, context: context)
        }
    }
}
