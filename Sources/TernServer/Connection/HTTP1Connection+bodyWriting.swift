import CLibevent
import Glibc
import HTTPTypes
import Logging
@_spi(Tern) import TernHTTP

extension HTTP1Connection {
    /// Sends the head in the loop's output buffer with `body` in the same `send`: bytes, or
    /// file regions read into the buffer (`.writeResponse`). False when the connection was
    /// closed instead (a file ended before its region did).
    func writeWithHead(_ body: ResponseBody, to output: OpaquePointer) -> Bool {
        do {
            switch body.storage {
            case .empty, .stream:
                break
            case .bytes(let content):
                loop.output.append(content)
            case .file(let region):
                try loop.output.append(.file(region))
            case .segments(let segments, _):
                for segment in segments { try loop.output.append(segment) }
            }
        } catch {
            server.logger.error("a file region ended early; closing the connection", metadata: ["offset": "\(error.offset)"])
            perform(machine.connectionFailed())
            return false
        }
        write(loop.output.bytes, to: output)
        return true
    }

    /// Queues the head in the loop's output buffer, then `body`'s file regions as file
    /// segments that the socket's output sends with sendfile (`.sendFileRegions`). False when
    /// the connection was closed instead.
    func sendFileRegions(of body: ResponseBody, to output: OpaquePointer) -> Bool {
        add(loop.output.bytes, to: output)
        let queued = switch body.storage {
        case .file(let region): add(.file(region), to: output)
        case .segments(let segments, _): segments.allSatisfy { add($0, to: output) }
        case .empty, .bytes, .stream: preconditionFailure("file regions to send from a body without any")
        }
        guard queued else {
            server.logger.error("cannot queue a file region; closing the connection")
            perform(machine.connectionFailed())
            return false
        }
        return true
    }

    /// Sends `bytes` straight to the socket when nothing is queued before them, and queues
    /// what the socket does not take. Most responses leave in this one `send`, without arming
    /// the bufferevent's write event (two `epoll_ctl`s and a loop iteration) for them.
    func write(_ bytes: UnsafeRawBufferPointer, to output: OpaquePointer) {
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

    func add(_ bytes: [UInt8], to output: OpaquePointer) {
        bytes.withUnsafeBytes { add($0, to: output) }
    }

    /// Queues a copy of `bytes` on the socket's output.
    func add(_ bytes: UnsafeRawBufferPointer, to output: OpaquePointer) {
        guard !bytes.isEmpty else { return }
        _ = evbuffer_add(output, bytes.baseAddress, bytes.count)
    }

    /// Queues a segment; a file region as a libevent file segment, which the socket's
    /// output sends with sendfile. The segment holds a reference to the file until sent.
    func add(_ segment: BodySegment, to output: OpaquePointer) -> Bool {
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
    func stream(_ producer: @Sendable (any ResponseBodyWriter) async throws -> Void) async -> Bool {
        do {
            try await producer(StreamWriter(connection: LoopBound(self, on: loop)))
            guard isOpen else { throw ConnectionClosedError() }
            let ending = machine.contentEnded()
            if case .failStream(let announced) = ending { throw StreamLengthError(announced: announced) }
            perform(ending)
            return true
        } catch {
            if isOpen {
                server.logger.error("response stream failed; closing the connection", metadata: ["error": "\(String(reflecting: error))"])
                perform(machine.connectionFailed())
            }
            return false
        }
    }

    /// Queues what a stream's producer wrote, framed as the machine says; suspends while the
    /// output is over the stream watermark.
    func writeStreamed(_ bytes: [UInt8]) async throws {
        guard let output else { throw ConnectionClosedError() }
        guard !bytes.isEmpty else { return }
        let now = ContinuousClock.now
        let action = machine.contentProduced(bytes, pendingOutput: evbuffer_get_length(output), now: now)
        if case .failStream(let announced) = action { throw StreamLengthError(announced: announced) }
        perform(action)
        settle(now: now)
        if machine.isStreamPaused {
            try await withCheckedThrowingContinuation { drainWaiter = $0 }
        }
    }

    /// Queues `content` as one chunk of a chunked body (https://www.rfc-editor.org/rfc/rfc9112#section-7.1).
    func addChunk(_ content: [UInt8], to output: OpaquePointer) {
        var size = Array(String(content.count, radix: 16).utf8)
        size.append(contentsOf: "\r\n".utf8)
        add(size, to: output)
        add(content, to: output)
        _ = evbuffer_add(output, "\r\n", 2)
    }
}

/// A streamed body's writer: hands each write to the connection, which frames it.
final class StreamWriter: ResponseBodyWriter {
    private let connection: LoopBound<HTTP1Connection>

    init(connection: LoopBound<HTTP1Connection>) {
        self.connection = connection
    }

    func write(_ bytes: [UInt8]) async throws {
        try await connection.value.writeStreamed(bytes)
    }
}

/// The connection closed while a streamed body was being written.
public struct ConnectionClosedError: Error, Sendable {}

/// A streamed body did not write the length it announced.
public struct StreamLengthError: Error, Sendable {
    /// The length the response announced.
    public let announced: Int64
}
