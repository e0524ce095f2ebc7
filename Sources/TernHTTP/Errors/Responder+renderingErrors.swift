extension Responder {
    /// The response to `request`, with a thrown `HTTPResponseError` turned into its response;
    /// any other error is rethrown. For middleware that must annotate every response it passes
    /// (request id, rate-limit fields) whether or not an error middleware runs inside it.
    public func respondRenderingHTTPErrors(to request: Request, context: RequestContext) async throws -> Response {
        do {
            return try await respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            return error.response(for: request, context: context)
        }
    }
}
