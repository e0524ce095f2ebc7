import HTTPTypes
import Logging
import TernHTTP
import TernServer
#if canImport(Glibc)
import Glibc
#endif

/// Calls a responder directly, then frames its response with the server's code and reads it
/// back, so what a test sees is what the wire would carry.
struct InProcessClient: TestClient {
    let responder: any Responder

    func execute(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: [UInt8]) async throws -> TestResponse {
        var logger = Logger(label: "tern.test")
        logger.logLevel = .critical
        let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path, headerFields: headers), body: body)
        let context = RequestContext(remoteAddress: SocketAddress(host: "127.0.0.1", port: 0), logger: logger)
        let response = await responder.respondRenderingErrors(to: request, context: context)
        let length = response.body.count
        let framing = HTTP1ResponseHead.framing(
            status: response.status, fields: response.headerFields, bodyLength: length, method: method,
            minorVersion: 1, mayKeepAlive: true)
        var bytes: [UInt8] = []
        var date = Array("date: ".utf8)
        HTTPDate(secondsSince1970: Int64(time(nil))).write(to: &date)
        date += Array("\r\n".utf8)
        HTTP1ResponseHead.write(response.head, framing: framing, bodyLength: length, method: method, minorVersion: 1, date: date, to: &bytes)
        if framing.body != .none {
            let content = try await Self.materialize(response.body)
            if framing.body == .chunked {
                if !content.isEmpty { bytes += Array("\(String(content.count, radix: 16))\r\n".utf8) + content + Array("\r\n".utf8) }
                bytes += Array("0\r\n\r\n".utf8)
            } else {
                bytes += content
            }
        }
        var reader = Reader(bytes: bytes)
        return try reader.readResponse(toHEAD: method == .head)
    }

    /// The body's bytes, collected.
    static func materialize(_ body: ResponseBody) async throws -> [UInt8] {
        let collector = Collector()
        try await body.write(to: collector)
        return await collector.bytes
    }
}

/// Collects a body in memory.
private actor Collector: ResponseBodyWriter {
    var bytes: [UInt8] = []

    func write(_ bytes: [UInt8]) async throws {
        self.bytes += bytes
    }
}

/// Sends each request on one keep-alive connection to a live server.
struct LiveClient: TestClient {
    let connection: TestConnection

    func execute(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: [UInt8]) async throws -> TestResponse {
        var head = "\(method.rawValue) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        for field in headers { head += "\(field.name.rawName): \(field.value)\r\n" }
        if !body.isEmpty || method == .post || method == .put || method == .patch {
            head += "Content-Length: \(body.count)\r\n"
        }
        try await connection.send(Array((head + "\r\n").utf8) + body)
        return try await connection.readResponse(toHEAD: method == .head)
    }
}
