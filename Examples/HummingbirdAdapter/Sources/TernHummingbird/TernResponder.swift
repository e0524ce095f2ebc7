public import Hummingbird
public import TernHTTP
import NIOCore

/// Serves a Tern responder — a `RouterResponder`, a whole application — from Hummingbird 2.
///
/// The heads are swift-http-types on both sides, so they pass through as they are; the request
/// body is collected up to `maxBodySize` (past it, Hummingbird answers 413), and Tern's bodies
/// become Hummingbird's through `ResponseBody.write(to:)`: bytes at once, file regions read in
/// chunks (Hummingbird has no sendfile path for them), streams as they are written. Errors a Tern handler throws are rendered by Tern's
/// one renderer, `TernHTTP.Response(rendering:for:context:)`, byte for byte as Tern's server renders them.
///
/// ```swift
/// let app = Application(responder: TernResponder<BasicRequestContext>(try router.build()))
/// try await app.runService()
/// ```
public struct TernResponder<Context: Hummingbird.RequestContext>: HTTPResponder {
    let responder: any TernHTTP.Responder
    let maxBodySize: Int

    public init(_ responder: any TernHTTP.Responder, maxBodySize: Int = 1024 * 1024) {
        self.responder = responder
        self.maxBodySize = maxBodySize
    }

    public func respond(to request: Hummingbird.Request, context: Context) async throws -> Hummingbird.Response {
        var request = request
        let body = try await request.collectBody(upTo: maxBodySize)
        let ternRequest = TernHTTP.Request(head: request.head, body: Array(body.readableBytesView))
        let ternContext = TernHTTP.RequestContext(logger: context.logger)
        let response = await responder.respondRenderingErrors(to: ternRequest, context: ternContext)
        return Hummingbird.Response(status: response.status, headers: response.headerFields, body: Self.body(response.body))
    }

    static func body(_ body: TernHTTP.ResponseBody) -> Hummingbird.ResponseBody {
        let length = body.count.map(Int.init)
        return Hummingbird.ResponseBody(contentLength: length) { writer in
            let box = WriterBox(writer)
            try await body.write(to: box)
            try await box.writer.finish(nil)
        }
    }
}

/// Hummingbird's writer, for Tern's streaming `ResponseBodyWriter`.
final class WriterBox: TernHTTP.ResponseBodyWriter, @unchecked Sendable {
    // Sendable: Tern's contract is that writes do not overlap, and the box lives only for the
    // body closure that made it.
    var writer: any Hummingbird.ResponseBodyWriter

    init(_ writer: any Hummingbird.ResponseBodyWriter) {
        self.writer = writer
    }

    func write(_ bytes: [UInt8]) async throws {
        try await writer.write(ByteBuffer(bytes: bytes))
    }
}
