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
        guard isOpen, !machine.isEnding else { return nil }
        // A task waiting between requests keeps its frames' memory (about 10 KiB): the machine
        // lets it go (`.releaseHandler`) if no request comes within `handlerIdleLifetime`.
        return await withUnsafeContinuation { requestWaiter = $0 }
    }

    /// Ends the task if it waits for a request: the connection is closing, or has had none for
    /// the machine's `handlerIdleLifetime` (it stays open, and its next request starts another task).
    func releaseWaitingTask() {
        guard let waiter = requestWaiter else { return }
        requestWaiter = nil
        task = nil
        waiter.resume(returning: nil)
    }
}
