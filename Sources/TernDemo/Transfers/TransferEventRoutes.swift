import HTTPTypes
import TernHTTP
import TernRouter

/// `GET /transfers/events`: committed transfers as Server-Sent Events
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html), one event per transfer:
/// `id: <transfer id>`, `event: transfer`, `data: <the transfer's JSON>`. `Last-Event-ID` (or
/// `?after=`) resumes after that transfer; without either, the stream starts with the next one.
struct TransferEventRoutes: Sendable {
    static let lastEventIDField = HTTPField.Name("Last-Event-ID")!
    static let eventStream = MediaType(type: "text", subtype: "event-stream")

    let feed: TransferFeed

    func register(in routes: RouteGroup) {
        routes.get("/transfers/events") { request, _ in
            if let accept = Accept(fieldValues: request.headerFields[values: .accept]), accept.quality(of: Self.eventStream) == .zero {
                throw HTTPError(.notAcceptable, detail: "this resource is available as text/event-stream only")
            }
            let subscription = try await feed.subscribe(after: try Self.resumePoint(of: request))
            return Response(
                status: .ok, headerFields: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: .stream { writer in
                    // The client waits a second before reconnecting when the stream ends.
                    try await writer.write(Array("retry: 1000\n\n".utf8))
                    try await subscription.run { bytes in
                        try await writer.write(bytes)
                    }
                })
        }
    }

    /// The id to resume after: `Last-Event-ID`, else `?after=`; nil for neither.
    /// - Throws: 400 when the one given is not a transfer id.
    static func resumePoint(of request: Request) throws(HTTPError) -> Int64? {
        let text: String
        if let header = request.headerFields[lastEventIDField] {
            text = header
        } else if let query = try request.queryParameters()["after"] {
            text = query
        } else {
            return nil
        }
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let id = Int64(text) else {
            throw HTTPError(.badRequest, detail: "Last-Event-ID and after must be a transfer id: 1 to 18 digits")
        }
        return id
    }
}
