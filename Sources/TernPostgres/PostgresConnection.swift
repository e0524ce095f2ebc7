import CLibevent
import CLibpq
import Logging
import TernServer
#if canImport(Glibc)
import Glibc
#endif

/// What a connection tells whoever keeps it.
protocol PostgresConnectionDelegate: AnyObject {
    /// Connected and in pipeline mode: statements may be sent.
    func connectionReady(_ connection: PostgresConnection)
    /// Closed for good (a failed attempt, a lost connection, or `close`); every statement on it
    /// has been failed.
    func connectionClosed(_ connection: PostgresConnection, reason: String)
}

/// One libpq connection driven by one event loop, in non-blocking pipeline mode.
///
/// Statements are sent as soon as they are asked for (prepared once per connection, then
/// executed by name) and their results are read as the socket becomes readable, in the order
/// sent; nothing here ever blocks the loop. Every method runs on the loop's thread.
final class PostgresConnection {
    enum State { case connecting, ready, closed }

    /// One thing sent whose results are still to be read.
    private enum Step {
        case prepare(sql: String)
        case statement(Statement)
        case sync
    }

    private struct Statement {
        let completion: (Result<PostgresRows, PostgresError>) -> Void
        let deadline: ContinuousClock.Instant
    }

    let loop: EventLoop
    private(set) var state = State.connecting
    /// Held by a transaction: no other statement is sent here until it ends.
    var isReserved = false
    /// Called with the channel and payload of each NOTIFY for a channel this connection LISTENs to.
    var onNotification: ((String, String) -> Void)?
    private weak var delegate: (any PostgresConnectionDelegate)?
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private var connection: OpaquePointer?
    private var socketEvent: OpaquePointer?
    private var writeEvent: OpaquePointer?
    private var writeEventAdded = false
    private var timer: LoopTimer?
    private var steps = StepQueue<Step>()
    private var statementCount = 0
    /// The outcome read for the statement at the front, until its end (a NULL result).
    private var currentOutcome: Result<PostgresRows, PostgresError>?
    /// Statements whose results were read, in order, held until the sync point after them:
    /// a statement outside `BEGIN` commits only when PostgreSQL reaches that sync point (its
    /// implicit transaction ends there), so its success is not known before.
    private var answered: [(statement: Statement, outcome: Result<PostgresRows, PostgresError>)] = []
    /// The sync point at the front reported its commit's failure; libpq's NULL comes next.
    private var commitFailed = false
    /// The error that aborted the pipeline up to its next sync, for the statements it skipped.
    private var pipelineError: PostgresError?
    private var preparedNames: [String: String] = [:]
    private var nextStatementNumber = 0

    /// Statements sent and not yet answered.
    var pendingStatements: Int { statementCount }

    init(loop: EventLoop, configuration: PostgresConfiguration, logger: Logger, delegate: any PostgresConnectionDelegate) {
        precondition(loop.isCurrent, "a PostgreSQL connection is made on its loop")
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        self.delegate = delegate
        timer = LoopTimer(loop: loop) { [unowned self] in timerFired() }
    }

    // MARK: Connecting

    /// Starts connecting; the delegate hears `connectionReady` or `connectionClosed`.
    func connect() {
        let parameters = configuration.connectionParameters
        var keywords = parameters.map { strdup($0.0) }
        var values = parameters.map { strdup($0.1) }
        keywords.append(nil)
        values.append(nil)
        defer {
            for pointer in keywords { free(pointer) }
            for pointer in values { free(pointer) }
        }
        let started = keywords.withUnsafeBufferPointer { keywords in
            values.withUnsafeBufferPointer { values in
                keywords.withMemoryRebound(to: UnsafePointer<CChar>?.self) { keywords in
                    values.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                        PQconnectStartParams(keywords.baseAddress, values.baseAddress, 1)
                    }
                }
            }
        }
        guard let started else { return close(reason: "out of memory") }
        connection = started
        guard PQstatus(started) != CONNECTION_BAD else { return close(reason: libpqMessage) }
        PQsetnonblocking(started, 1)
        // The server's notices go to the log (warnings as warnings), not to standard error.
        PQsetNoticeProcessor(started, { context, message in
            guard let context, let message else { return }
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
            let text = String(cString: message).trimmingTrailingWhitespace
            connection.logger.log(level: text.hasPrefix("WARNING") ? .warning : .debug, "PostgreSQL: \(text)")
        }, Unmanaged.passUnretained(self).toOpaque())
        armTimer(after: configuration.connectTimeout)
        poll(PGRES_POLLING_WRITING)
    }

    /// One step of libpq's connection state machine: wait for what it asks for, or finish.
    private func poll(_ status: PostgresPollingStatusType) {
        switch status {
        case PGRES_POLLING_OK:
            connected()
        case PGRES_POLLING_READING:
            waitForSocket(Int16(EV_READ))
        case PGRES_POLLING_WRITING:
            waitForSocket(Int16(EV_WRITE))
        default:
            close(reason: libpqMessage)
        }
    }

    private func waitForSocket(_ events: Int16) {
        if let socketEvent { event_free(socketEvent) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        // libpq may open a new socket between steps (another address, another host).
        socketEvent = event_new(loop.base, PQsocket(connection), events, { _, _, context in
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context!).takeUnretainedValue()
            connection.loop.withJobScope {
                guard connection.state == .connecting, let pq = connection.connection else { return }
                connection.poll(PQconnectPoll(pq))
            }
        }, context)
        event_add(socketEvent, nil)
    }

    private func connected() {
        guard let connection, PQenterPipelineMode(connection) == 1 else { return close(reason: libpqMessage) }
        if let socketEvent { event_free(socketEvent) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let socket = PQsocket(connection)
        socketEvent = event_new(loop.base, socket, Int16(EV_READ | EV_PERSIST), { _, _, context in
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context!).takeUnretainedValue()
            connection.loop.withJobScope { connection.readable() }
        }, context)
        writeEvent = event_new(loop.base, socket, Int16(EV_WRITE | EV_PERSIST), { _, _, context in
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context!).takeUnretainedValue()
            connection.loop.withJobScope { connection.flush() }
        }, context)
        event_add(socketEvent, nil)
        timer?.cancel()
        state = .ready
        delegate?.connectionReady(self)
    }

    // MARK: Sending

    /// Sends `query` (preparing it first if this connection has not yet) and, with `sync`, a
    /// sync point after it, so that its failure aborts nothing sent later. Without `sync`, an
    /// error aborts the statements up to the next sync, which then fail with the same error.
    /// `completion` is called once, on the loop, with the rows or the error.
    func send(_ query: PostgresQuery, sync: Bool, completion: @escaping (Result<PostgresRows, PostgresError>) -> Void) {
        precondition(loop.isCurrent, "a PostgreSQL connection is used on its loop only")
        guard state == .ready, let connection else {
            return completion(.failure(PostgresError(.connectionLost, message: "the connection is closed")))
        }
        // Parameters travel as C strings: a NUL would cut one short. PostgreSQL's text holds no
        // NUL either, so refuse as the server would (22021), sending nothing.
        if query.bindings.contains(where: { $0.map(Self.containsNUL) == true }) {
            return completion(.failure(PostgresError(
                .server, message: "a parameter contains a NUL character, which PostgreSQL text cannot hold", sqlState: "22021")))
        }
        let name: String
        var sent = true
        if let prepared = preparedNames[query.sql] {
            name = prepared
        } else {
            nextStatementNumber += 1
            name = "tern_\(nextStatementNumber)"
            sent = PQsendPrepare(connection, name, query.sql, Int32(query.bindings.count), nil) == 1
            preparedNames[query.sql] = name
            steps.append(.prepare(sql: query.sql))
        }
        if sent {
            sent = Self.withParameters(query.bindings) { values in
                PQsendQueryPrepared(connection, name, Int32(query.bindings.count), values, nil, nil, 0) == 1
            }
        }
        let deadline = ContinuousClock.now.advanced(by: configuration.responseTimeout)
        if statementCount == 0 { armTimer(after: configuration.responseTimeout) }
        steps.append(.statement(Statement(completion: completion, deadline: deadline)))
        statementCount += 1
        if sent, sync {
            sent = PQpipelineSync(connection) == 1
            steps.append(.sync)
        }
        guard sent else { return close(reason: libpqMessage) }
        flush()
    }

    /// Calls `body` with the bindings as C strings (nil for NULL), all in one allocation.
    private static func withParameters<Result>(_ bindings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> Result) -> Result {
        guard !bindings.isEmpty else { return body(nil) }
        var storage: [UInt8] = []
        storage.reserveCapacity(bindings.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
        var offsets: [Int] = []
        offsets.reserveCapacity(bindings.count)
        for binding in bindings {
            guard let binding else {
                offsets.append(-1)
                continue
            }
            offsets.append(storage.count)
            storage.append(contentsOf: binding.utf8)
            storage.append(0)
        }
        return storage.withUnsafeBytes { storage in
            let base = storage.baseAddress!.assumingMemoryBound(to: CChar.self)
            let pointers = offsets.map { $0 < 0 ? nil : UnsafePointer(base + $0) }
            return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }

    /// Whether `text` holds a NUL, which would cut its C string short.
    private static func containsNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
            return memchr(base, 0, bytes.count) != nil
        }
    }

    /// Sends what libpq holds; waits for the socket to take the rest when it cannot.
    private func flush() {
        guard let connection, state == .ready else { return }
        switch PQflush(connection) {
        case 0:
            if writeEventAdded, let writeEvent {
                event_del(writeEvent)
                writeEventAdded = false
            }
        case 1:
            if !writeEventAdded, let writeEvent {
                event_add(writeEvent, nil)
                writeEventAdded = true
            }
        default:
            close(reason: libpqMessage)
        }
    }

    // MARK: Receiving

    private func readable() {
        guard state == .ready, let connection else { return }
        guard PQconsumeInput(connection) == 1 else { return close(reason: libpqMessage) }
        if writeEventAdded { flush() }
        while let notification = PQnotifies(connection) {
            let channel = String(cString: notification.pointee.relname)
            let payload = String(cString: notification.pointee.extra)
            PQfreemem(notification)
            onNotification?(channel, payload)
        }
        readResults()
        if state == .ready, PQstatus(connection) == CONNECTION_BAD { close(reason: libpqMessage) }
    }

    /// Reads every result libpq can give without blocking, completing statements in order.
    private func readResults() {
        while state == .ready, let connection, let step = steps.first {
            guard PQisBusy(connection) == 0 else { return }
            let result = PQgetResult(connection)
            defer { if let result { PQclear(result) } }
            switch step {
            case .sync:
                switch result.map(PQresultStatus) {
                case PGRES_PIPELINE_SYNC:
                    break
                case PGRES_FATAL_ERROR:
                    // The implicit transaction did not commit (a deferred constraint, a
                    // serialization failure): every statement in it failed with it. libpq
                    // ends the error with a NULL result, then gives the sync point.
                    let error = Self.serverError(result!)
                    for index in answered.indices { answered[index].outcome = .failure(error) }
                    commitFailed = true
                    continue
                case nil where commitFailed:
                    commitFailed = false
                    continue
                default:
                    return close(reason: "PostgreSQL answered out of order (a sync point was expected)")
                }
                _ = steps.removeFirst()
                pipelineError = nil
                let reached = answered
                answered.removeAll(keepingCapacity: true)
                statementCount -= reached.count
                for (statement, outcome) in reached { statement.completion(outcome) }
            case .prepare(let sql):
                if let result {
                    if PQresultStatus(result) == PGRES_FATAL_ERROR {
                        let error = Self.serverError(result)
                        pipelineError = error
                        preparedNames[sql] = nil
                    }
                    continue
                }
                _ = steps.removeFirst()
            case .statement(let statement):
                if let result {
                    if currentOutcome == nil { currentOutcome = outcome(of: result) }
                    continue
                }
                _ = steps.removeFirst()
                let outcome = currentOutcome ?? .failure(PostgresError(.server, message: "the statement returned no result"))
                currentOutcome = nil
                answered.append((statement, outcome))
            }
        }
    }

    private func outcome(of result: OpaquePointer) -> Result<PostgresRows, PostgresError> {
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            return .success(PostgresRows(copying: result))
        case PGRES_PIPELINE_ABORTED:
            return .failure(pipelineError ?? PostgresError(.server, message: "an earlier statement in the pipeline failed"))
        case PGRES_FATAL_ERROR:
            let error = Self.serverError(result)
            pipelineError = error
            return .failure(error)
        default:
            return .failure(PostgresError(.server, message: "unexpected result: \(String(cString: PQresStatus(PQresultStatus(result))))"))
        }
    }

    private static func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        return PostgresError(
            .server, message: field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingWhitespace,
            sqlState: field("C"), constraint: field("n"))
    }

    // MARK: Deadlines and closing

    private func armTimer(after duration: Duration) {
        timer?.arm(after: duration)
    }

    private func timerFired() {
        switch state {
        case .connecting:
            close(reason: "no connection within \(configuration.connectTimeout)")
        case .ready:
            guard let oldest = oldestDeadline else { return }
            let now = ContinuousClock.now
            if oldest <= now {
                close(reason: "no answer within \(configuration.responseTimeout)")
            } else {
                armTimer(after: oldest - now)
            }
        case .closed:
            break
        }
    }

    private var oldestDeadline: ContinuousClock.Instant? {
        guard statementCount > 0 else { return nil }
        if let first = answered.first { return first.statement.deadline }
        var deadline: ContinuousClock.Instant?
        // The front statement is the oldest; steps before it are prepares and syncs.
        var queue = steps
        while deadline == nil, !queue.isEmpty {
            if case .statement(let statement) = queue.removeFirst() { deadline = statement.deadline }
        }
        return deadline
    }

    /// Closes the connection and fails what is in flight on it (`.connectionLost`). Idempotent.
    func close(reason: String) {
        guard state != .closed else { return }
        state = .closed
        for event in [socketEvent, writeEvent] {
            if let event { event_free(event) }
        }
        socketEvent = nil
        writeEvent = nil
        timer?.cancel()
        if let connection { PQfinish(connection) }
        connection = nil
        currentOutcome = nil
        commitFailed = false
        let error = PostgresError(.connectionLost, message: reason)
        let unsettled = answered
        answered.removeAll()
        for (statement, _) in unsettled { statement.completion(.failure(error)) }
        for step in steps.removeAll() {
            if case .statement(let statement) = step { statement.completion(.failure(error)) }
        }
        statementCount = 0
        delegate?.connectionClosed(self, reason: reason)
    }

    private var libpqMessage: String {
        guard let connection else { return "no connection" }
        return String(cString: PQerrorMessage(connection)).trimmingTrailingWhitespace
    }
}
