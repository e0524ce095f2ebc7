import OpenAPIRuntime
import HTTPTypes
import TernHTTP

/// How `Router`'s `ServerTransport` conformance translates between Tern's requests and responses
/// and swift-openapi-runtime's.
public enum OpenAPIBodies {
    /// A response body of a known length up to this many bytes is sent as bytes; a longer one is
    /// streamed.
    public static let bufferedLimit = 1 << 20

    /// The matched route's parameters as the generated code expects them: as a client sends
    /// them, percent-encoded. Tern hands handlers decoded values, so each is encoded again, every
    /// byte outside RFC 3986's unreserved set as `%XX` (section 2.1): decoding gives it back.
    static func pathParameters(of context: RequestContext) -> [String: Substring] {
        var parameters: [String: Substring] = [:]
        for (name, value) in context.parameters.pairs {
            parameters[name] = Substring(percentEncoded(value))
        }
        return parameters
    }

    static func percentEncoded(_ text: String) -> String {
        PercentEncoding.encoded(text, allowing: PercentEncoding.isUnreserved)
    }

    /// What Tern answers for an operation's failure.
    static func answer(for error: ServerError) -> any Error {
        if let own = error.underlyingError as? any HTTPResponseError { return own }
        if error.httpStatus.kind == .clientError {
            return HTTPError(error.httpStatus, detail: error.causeDescription, headerFields: error.httpHeaderFields)
        }
        return error
    }

    /// A request's content for the generated code: read once, as the operation consumes it.
    static func requestBody(_ body: RequestBody) -> HTTPBody {
        let length: HTTPBody.Length = body.length.map { .known(Int64($0)) } ?? .unknown
        return HTTPBody(body, length: length, iterationBehavior: .single)
    }

    /// `body` as a Tern response body.
    static func responseBody(_ body: HTTPBody?) async throws -> ResponseBody {
        guard let body else { return .bytes([]) }
        switch body.length {
        case .known(let length) where length <= bufferedLimit:
            return .bytes(try await [UInt8](collecting: body, upTo: Int(length)))
        case .known(let length):
            return .stream(length: length) { writer in try await write(body, to: writer) }
        case .unknown:
            return .stream { writer in try await write(body, to: writer) }
        }
    }

    private static func write(_ body: HTTPBody, to writer: any ResponseBodyWriter) async throws {
        for try await chunk in body { try await writer.write(Array(chunk)) }
    }
}
