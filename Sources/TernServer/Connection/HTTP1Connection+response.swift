import CLibevent
import Glibc
import HTTPTypes
import Logging
@_spi(Tern) import TernHTTP

extension HTTP1Connection {
    /// Writes `response`, then lets the machine continue with the connection.
    func send(_ response: Response, to head: HTTP1RequestHead) async {
        guard let output, machine.isResponding else { return }
        if response.statusCode < 200 {
            let problem = Response(
                rendering: InterimStatusAsFinalResponse(status: response.status),
                instance: String(Request.path(of: head.request.path ?? "/")), logger: server.logger)
            return await send(problem, to: head)
        }
        // The response as it came, not a copy of it (a copy counts a reference per field).
        let status = response.status
        let method = head.request.method
        let action = machine.responseStarted(
            status: status, fields: response.headerFields, content: Self.content(of: response.body), method: method,
            minorVersion: head.minorVersion)
        let framing: HTTP1ResponseFraming
        switch action {
        case .writeResponse(let decided), .sendFileRegions(let decided), .writeStream(let decided): framing = decided
        default: preconditionFailure("a response started with \(action)")
        }
        // Written into the loop's output buffer, which every response on this loop reuses:
        // it is sent, or copied to the socket's output, before anything awaits.
        loop.output.reset()
        HTTP1ResponseHead.write(
            response.head, status: status, framing: framing, bodyLength: response.body.count, method: method,
            minorVersion: head.minorVersion, date: loop.dateFieldLine(), to: &loop.output)
        switch action {
        case .writeResponse:
            guard writeWithHead(framing.body == .none ? .empty : response.body, to: output) else { return }
        case .sendFileRegions:
            guard sendFileRegions(of: response.body, to: output) else { return }
        default:
            guard case .stream(_, let producer) = response.body.storage else { preconditionFailure("a stream's action for \(action)") }
            add(loop.output.bytes, to: output)
            guard await stream(producer) else { return }
        }
        let now = ContinuousClock.now
        // A read still pending (a child task of the handler's) ends with the exchange.
        failBodyRead(BodyReadAfterResponse())
        process(after: machine.responseSent(pendingOutput: evbuffer_get_length(output), now: now), now: now)
    }

    /// Answers with a problem+json `status`, then the connection ends; for errors found
    /// before a responder is involved (parse errors, timeouts, the connection limit).
    /// `instance` is the request's path when its request line was read.
    func sendError(_ status: HTTPResponse.Status, reason: String, instance: String?) {
        guard let output else { return }
        var response = Response(rendering: HTTPError(status, detail: reason), instance: instance, logger: server.logger)
        for field in server.configuration.serverResponseFields() { response.headerFields.append(field) }
        guard case .bytes(let body) = response.body.storage else { preconditionFailure("a problem is rendered in memory") }
        // Framed by the one rule every response follows, for a request that ends the connection.
        let framing = HTTP1ResponseHead.framing(
            status: status, fields: response.headerFields, bodyLength: Int64(body.count), method: .get, minorVersion: 1, mayKeepAlive: false)
        loop.output.reset()
        HTTP1ResponseHead.write(
            response.head, status: status, framing: framing, bodyLength: Int64(body.count), method: .get, minorVersion: 1,
            date: loop.dateFieldLine(), to: &loop.output)
        loop.output.append(body)
        add(loop.output.bytes, to: output)
        let now = ContinuousClock.now
        process(after: machine.errorQueued(pendingOutput: evbuffer_get_length(output), now: now), now: now)
    }
}

extension HTTP1Connection {
    /// What the machine needs to know of a body to decide how it is written.
    static func content(of body: ResponseBody) -> HTTP1ConnectionStateMachine.ResponseContent {
        switch body.storage {
        case .empty: .bytes(count: 0)
        case .bytes(let bytes): .bytes(count: bytes.count)
        case .file(let region): .fileRegions(length: region.length)
        case .segments(_, let length): .fileRegions(length: length)
        case .stream(let length, _): .stream(length: length)
        }
    }
}

/// A responder answered with a 1xx status, which only the server may send as an interim
/// response: the client gets a 500 instead.
struct InterimStatusAsFinalResponse: Error, CustomStringConvertible {
    let status: HTTPResponse.Status

    var description: String { "the responder returned the interim status \(status.code) as a final response" }
}
