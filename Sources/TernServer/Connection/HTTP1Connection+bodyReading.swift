import CLibevent
import TernHTTP

extension HTTP1Connection {
    /// The content of the request just dispatched, as its handler will read it.
    func requestBody(_ body: HTTP1ConnectionStateMachine.DispatchedBody) -> RequestBody {
        let limit = server.configuration.limits.maxBodyLength
        switch body {
        case .none:
            return RequestBody([], limit: limit)
        case .complete(let content):
            return RequestBody(content, limit: limit)
        case .streamed(let length):
            let source = ConnectionBodySource(connection: LoopBound(self, on: loop), exchange: exchange)
            return RequestBody(source: source, length: length, limit: limit)
        }
    }

    /// The next piece of the content of request `exchange`, read for its handler: at once
    /// when the machine holds it, else once it arrives (after `100 Continue`, when the client
    /// waits for it).
    func readBody(exchange: UInt64) async throws -> [UInt8]? {
        guard isOpen else { throw CancellationError() }
        guard exchange == self.exchange, machine.isResponding else { throw BodyReadAfterResponse() }
        let now = ContinuousClock.now
        let action = machine.bodyRequested(now: now)
        switch action {
        case .deliverBody(let piece):
            settle(now: now)
            return piece
        case .endBody:
            settle(now: now)
            return nil
        case .failBody(let status, let reason):
            throw HTTPError(status, detail: reason)
        case .sendContinue, .wait:
            perform(action)
            settle(now: now)
            return try await withUnsafeThrowingContinuation { bodyWaiter = $0 }
        case .dispatch, .sendError, .shutdownWrite, .close, .writeContent, .writeLastChunk, .resumeStream, .failStream, .releaseHandler,
            .pauseReading, .resumeReading, .armTimer, .writeResponse, .sendFileRegions, .writeStream:
            preconditionFailure("a read of the content answered \(action)")
        }
    }

    /// Gives the pending read `piece` (nil: the end), if a read is pending.
    func resumeBodyRead(returning piece: [UInt8]?) {
        guard let waiter = bodyWaiter else { return }
        bodyWaiter = nil
        waiter.resume(returning: piece)
    }

    /// Fails the pending read, if one is pending, with `error` (made only then: most exchanges
    /// end with no read pending).
    func failBodyRead(_ error: @autoclosure () -> any Error) {
        guard let waiter = bodyWaiter else { return }
        bodyWaiter = nil
        waiter.resume(throwing: error())
    }
}

/// A request's content as its connection receives it. Reads run on the connection's loop;
/// a reader elsewhere (a detached task, an actor) is carried there for each read.
final class ConnectionBodySource: RequestBodySource {
    private let connection: LoopBound<HTTP1Connection>
    private let exchange: UInt64

    init(connection: LoopBound<HTTP1Connection>, exchange: UInt64) {
        self.connection = connection
        self.exchange = exchange
    }

    func next() async throws -> [UInt8]? {
        if connection.loop.isCurrent { return try await connection.value.readBody(exchange: exchange) }
        return try await withTaskExecutorPreference(connection.loop) { try await self.nextOnLoop() }
    }

    /// `next()` on the task's preferred executor: the loop.
    @concurrent private func nextOnLoop() async throws -> [UInt8]? {
        try await connection.value.readBody(exchange: exchange)
    }
}

/// A request's content was read after its response was sent: its exchange is over.
struct BodyReadAfterResponse: Error, CustomStringConvertible {
    var description: String { "the request content was read after the response was sent" }
}
