import CLibevent
import Glibc
import HTTPTypes
import Logging
import TernHTTP

/// A parsed request waiting for the connection's task.
struct ReceivedRequest: Sendable {
    let head: HTTP1RequestHead
    let body: RequestBody
}

extension HTTP1Connection {
    /// Hands a parsed request to the connection's task: resumes it if it waits for one, else
    /// leaves the request for it (it is finishing the previous response), starting it first if
    /// this is the connection's first request. When the responder never suspends, the request
    /// is answered before the current callback returns.
    func dispatch(_ head: HTTP1RequestHead, body: HTTP1ConnectionStateMachine.DispatchedBody) {
        exchange &+= 1
        let received = ReceivedRequest(head: head, body: requestBody(body))
        if let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(returning: received)
            return
        }
        pendingRequest = received
        if task == nil { startTask() }
    }

    /// One task per connection answers its requests in turn and waits in between, so a
    /// request costs a resumption, not a task created and destroyed.
    private func startTask() {
        let responder = server.responder
        let logger = server.logger
        let remoteAddress = remoteAddress
        let connection = LoopBound(self, on: loop)
        task = Task(executorPreference: loop) {
            await HTTP1Connection.serve(connection, responder: responder, logger: logger, remoteAddress: remoteAddress)
        }
    }

    /// The task's work: each request in turn until the connection closes.
    private static func serve(
        _ connection: LoopBound<HTTP1Connection>, responder: any Responder, logger: Logger, remoteAddress: SocketAddress?
    ) async {
        while true {
            guard let received = await connection.value.nextRequest() else { return }
            let request = Request(head: received.head.request, body: received.body)
            let context = RequestContext(remoteAddress: remoteAddress, logger: logger)
            let response = await responder.respondRenderingErrors(to: request, context: context)
            // Async for a stream's sake alone. Sending synchronously and awaiting only a stream
            // saved an async call per request (about 300 instructions) but raised the memory a
            // task waiting for the next request keeps from 12.4 to 20 KB a connection.
            await connection.value.send(response, to: received.head)
        }
    }

    /// The next request, once parsed; nil when the connection is closing.
    private func nextRequest() async -> ReceivedRequest? {
        if let pending = pendingRequest {
            pendingRequest = nil
            return pending
        }
        guard isOpen, !closing else { return nil }
        // A task waiting between requests keeps its frames' memory (about 10 KiB): the timer
        // lets it go if no request comes within a second, and the next request starts another.
        // Counted from the response just sent: no clock read of its own.
        armTimer(by: responseSentAt + Self.idleTaskLifetime)
        return await withUnsafeContinuation { requestWaiter = $0 }
    }

    /// How long the connection's task waits for another request before it ends.
    static let idleTaskLifetime = Duration.seconds(1)

    /// Ends the task if it waits for a request: the connection is closing, or has had none for
    /// `idleTaskLifetime` (it stays open, and its next request starts another task).
    func releaseWaitingTask() {
        guard let waiter = requestWaiter else { return }
        requestWaiter = nil
        task = nil
        waiter.resume(returning: nil)
    }

    /// Writes `response`, then lets the machine continue with the connection.
    func send(_ final: Response, to head: HTTP1RequestHead) async {
        guard let output, machine.isResponding else { return }
        var response = final
        var status = response.status
        if status.code < 200 {
            response = Response(
                rendering: InterimStatusAsFinalResponse(status: status), instance: String(Request.path(of: head.request.path ?? "/")),
                logger: server.logger)
            status = .internalServerError
        }
        let bodyLength = response.body.count
        let method = head.request.method
        let framing = HTTP1ResponseHead.framing(
            status: status, fields: response.headerFields, bodyLength: bodyLength,
            method: method, minorVersion: head.minorVersion, mayKeepAlive: machine.mayKeepAlive)
        // Written into the loop's output buffer, which every response on this loop reuses:
        // it is sent, or copied to the socket's output, before anything awaits.
        loop.output.reset()
        HTTP1ResponseHead.write(
            response.head, status: status, framing: framing, bodyLength: bodyLength, method: method,
            minorVersion: head.minorVersion, date: loop.dateFieldLine(), to: &loop.output)
        if framing.body != .none, case .stream(_, let producer) = response.body.storage {
            add(loop.output.bytes, to: output)
            guard await stream(producer, framing: framing.body) else { return }
        } else {
            guard send(framing.body == .none ? .empty : response.body, to: output) else { return }
        }
        let now = ContinuousClock.now
        responseSentAt = HTTP1ConnectionStateMachine.offset(now)
        // A read still pending (a child task of the handler's) ends with the exchange.
        failBodyRead(BodyReadAfterResponse())
        perform(machine.responseSent(keepAlive: framing.keepAlive, now: now))
        process(now: now)
    }

    /// Sends the head in the loop's output buffer and `body` (not a stream): in the same
    /// `send` when it is in memory or small file regions, else the head and then the regions
    /// through the socket's output. False when the connection was closed instead.
    private func send(_ body: ResponseBody, to output: OpaquePointer) -> Bool {
        switch body.storage {
        case .empty, .stream:
            break
        case .bytes(let content):
            loop.output.append(content)
        case .file(let region):
            return send(CollectionOfOne(.file(region)), length: region.length, to: output)
        case .segments(let segments, let length):
            return send(segments, length: length, to: output)
        }
        write(loop.output.bytes, to: output)
        return true
    }

    /// `send(_:to:)` for file regions and bytes: read into the loop's output buffer and sent
    /// with the head when small, else queued after the head.
    private func send(_ segments: some Collection<BodySegment>, length: Int64, to output: OpaquePointer) -> Bool {
        guard length <= Self.copiedBodyLimit else {
            add(loop.output.bytes, to: output)
            for segment in segments {
                guard add(segment, to: output) else {
                    server.logger.error("cannot queue a file region; closing the connection")
                    free()
                    return false
                }
            }
            return true
        }
        do {
            for segment in segments { try loop.output.append(segment) }
        } catch {
            server.logger.error("a file region ended early; closing the connection", metadata: ["offset": "\(error.offset)"])
            free()
            return false
        }
        write(loop.output.bytes, to: output)
        return true
    }

    /// The largest segmented body (file regions) read into memory and sent with the head in
    /// one `send`. Below this size, `pread` and one copy cost less than what sendfile needs: the
    /// head written first, a second call for the file, and the write event armed in between.
    static let copiedBodyLimit: Int64 = 16 * 1024

    /// Sends `bytes` straight to the socket when nothing is queued before them, and queues
    /// what the socket does not take. Most responses leave in this one `send`, without arming
    /// the bufferevent's write event (two `epoll_ctl`s and a loop iteration) for them.
    private func write(_ bytes: UnsafeRawBufferPointer, to output: OpaquePointer) {
        guard !bytes.isEmpty else { return }
        guard evbuffer_get_length(output) == 0, let bufferEvent else {
            add(bytes, to: output)
            return
        }
        let sent = Glibc.send(bufferevent_getfd(bufferEvent), bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        if sent == bytes.count { return }
        // Partly sent, or the socket would block or failed: the rest goes through the
        // bufferevent (a copy), which reports a failure as an error event.
        add(sent > 0 ? UnsafeRawBufferPointer(rebasing: bytes[sent...]) : bytes, to: output)
    }

    /// Answers with a problem+json `status` and closes; for errors found before a responder
    /// is involved (parse errors, timeouts, the connection limit). `instance` is the request's
    /// path when its request line was read.
    func sendError(_ status: HTTPResponse.Status, reason: String, instance: String?) {
        if let output {
            var response = Response(rendering: HTTPError(status, detail: reason), instance: instance, logger: server.logger)
            for field in server.configuration.serverResponseFields() { response.headerFields.append(field) }
            guard case .bytes(let body) = response.body.storage else { preconditionFailure("a problem is rendered in memory") }
            loop.output.reset()
            HTTP1ResponseHead.write(
                response.head, status: status, framing: HTTP1ResponseFraming(body: .length(Int64(body.count)), keepAlive: false),
                bodyLength: Int64(body.count), method: .get, minorVersion: 1,
                date: loop.dateFieldLine(), to: &loop.output)
            loop.output.append(body)
            add(loop.output.bytes, to: output)
        }
        beginClose()
    }

    private func add(_ bytes: [UInt8], to output: OpaquePointer) {
        bytes.withUnsafeBytes { add($0, to: output) }
    }

    /// Queues a copy of `bytes` on the socket's output.
    private func add(_ bytes: UnsafeRawBufferPointer, to output: OpaquePointer) {
        guard !bytes.isEmpty else { return }
        _ = evbuffer_add(output, bytes.baseAddress, bytes.count)
    }

    /// Queues a segment; a file region as a libevent file segment, which the socket's
    /// output sends with sendfile. The segment holds a reference to the file until sent.
    private func add(_ segment: BodySegment, to output: OpaquePointer) -> Bool {
        switch segment {
        case .bytes(let bytes):
            add(bytes, to: output)
            return true
        case .file(let region):
            guard region.length > 0 else { return true }
            guard let fileSegment = evbuffer_file_segment_new(region.file.descriptor, region.offset, region.length, 0)
            else { return false }
            evbuffer_file_segment_add_cleanup_cb(
                fileSegment,
                { _, _, context in Unmanaged<OpenFile>.fromOpaque(context!).release() },
                Unmanaged.passRetained(region.file).toOpaque())
            let added = evbuffer_add_file_segment(output, fileSegment, 0, region.length)
            evbuffer_file_segment_free(fileSegment)
            return added == 0
        }
    }

    /// Runs a stream body's producer. False when the connection was closed instead: the
    /// producer failed, wrote a length other than the one announced, or the client left.
    private func stream(
        _ producer: @Sendable (any ResponseBodyWriter) async throws -> Void, framing: HTTP1ResponseFraming.Body
    ) async -> Bool {
        let writer = StreamWriter(connection: LoopBound(self, on: loop), framing: framing)
        do {
            try await producer(writer)
            try writer.finish()
            return true
        } catch {
            if isOpen {
                server.logger.error("response stream failed; closing the connection", metadata: ["error": "\(String(reflecting: error))"])
                free()
            }
            return false
        }
    }

    /// Queues streamed bytes; suspends while output is above the stream watermark.
    func writeStreamed(_ bytes: [UInt8]) async throws {
        guard let output, !bytes.isEmpty else {
            if output == nil { throw ConnectionClosedError() }
            return
        }
        add(bytes, to: output)
        if evbuffer_get_length(output) > 64 * 1024 {
            try await withCheckedThrowingContinuation { drainWaiter = $0 }
        }
    }
}

/// A streamed body's writer: frames each write (chunked, or counted against the announced
/// length) and hands it to the connection.
final class StreamWriter: ResponseBodyWriter {
    // Sendable: `written` is read and written only on the connection's loop (`connection.value`
    // checks it), where the producer's nonisolated calls run.
    private let connection: LoopBound<HTTP1Connection>
    private let framing: HTTP1ResponseFraming.Body
    private nonisolated(unsafe) var written: Int64 = 0

    init(connection: LoopBound<HTTP1Connection>, framing: HTTP1ResponseFraming.Body) {
        self.connection = connection
        self.framing = framing
    }

    func write(_ bytes: [UInt8]) async throws {
        let target = connection.value
        guard !bytes.isEmpty else { return }
        written += Int64(bytes.count)
        switch framing {
        case .chunked:
            var chunk = Array(String(bytes.count, radix: 16).utf8)
            chunk.append(contentsOf: "\r\n".utf8)
            chunk.append(contentsOf: bytes)
            chunk.append(contentsOf: "\r\n".utf8)
            try await target.writeStreamed(chunk)
        case .length(let length):
            guard written <= length else { throw StreamLengthError(announced: length) }
            try await target.writeStreamed(bytes)
        case .untilClose, .none:
            try await target.writeStreamed(bytes)
        }
    }

    /// Ends the body: the last chunk, or a check that the announced length was written.
    func finish() throws {
        switch framing {
        case .chunked:
            guard let output = connection.value.output else { throw ConnectionClosedError() }
            _ = evbuffer_add(output, "0\r\n\r\n", 5)
        case .length(let length):
            guard written == length else { throw StreamLengthError(announced: length) }
        case .untilClose, .none:
            break
        }
    }
}

/// The connection closed while a streamed body was being written.
public struct ConnectionClosedError: Error, Sendable {}

/// A streamed body did not write the length it announced.
public struct StreamLengthError: Error, Sendable {
    /// The length the response announced.
    public let announced: Int64
}

/// A responder answered with a 1xx status, which only the server may send as an interim
/// response: the client gets a 500 instead.
struct InterimStatusAsFinalResponse: Error, CustomStringConvertible {
    let status: HTTPResponse.Status

    var description: String { "the responder returned the interim status \(status.code) as a final response" }
}
