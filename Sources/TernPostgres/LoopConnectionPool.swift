import Logging
import TernServer

/// One event loop's connections to PostgreSQL, used only on that loop's thread.
///
/// A statement goes to the ready connection with the fewest statements in flight that no
/// transaction holds, pipelined behind them; a transaction takes such a connection for
/// itself until it ends. When none is available, callers wait in order, up to
/// `acquireTimeout`; while the database is known to be down (every connection's last attempt
/// failed), they fail at once, so a caller answers 503 instead of piling up.
final class LoopConnectionPool {
    typealias Acquired = (Result<PostgresConnection, PostgresError>) -> Void

    private struct Waiter {
        let exclusive: Bool
        let deadline: ContinuousClock.Instant
        let completion: Acquired
    }

    let loop: EventLoop
    private let configuration: PostgresConfiguration
    private var slots: [ConnectionSlot] = []
    private var waiters = StepQueue<Waiter>()
    private var waitTimer: LoopTimer?
    private var isClosed = false

    init(loop: EventLoop, configuration: PostgresConfiguration, logger: Logger) {
        precondition(loop.isCurrent, "a pool is made on its loop")
        self.loop = loop
        self.configuration = configuration
        waitTimer = LoopTimer(loop: loop) { [unowned self] in expireWaiters() }
        slots = (0..<max(1, configuration.connectionsPerLoop)).map { _ in
            ConnectionSlot(loop: loop, configuration: configuration, logger: logger, pool: self)
        }
        for slot in slots { slot.connect() }
    }

    /// Whether the database is known to be unreachable: no connection is ready and every
    /// slot's last attempt failed.
    var isDown: Bool {
        slots.allSatisfy { $0.readyConnection == nil && $0.failures > 0 }
    }

    /// Whether at least one connection is ready.
    var hasReadyConnection: Bool { slots.contains { $0.readyConnection != nil } }

    /// Calls `completion` with a connection for one statement (`exclusive: false`) or for a
    /// transaction (`exclusive: true`, reserved until `release`), or with `.unavailable`.
    func acquire(exclusive: Bool, _ completion: @escaping Acquired) {
        precondition(loop.isCurrent, "a pool is used on its loop only")
        if waiters.isEmpty, let connection = available() {
            if exclusive { connection.isReserved = true }
            return completion(.success(connection))
        }
        if isClosed || isDown {
            return completion(.failure(PostgresError(
                .unavailable, message: isClosed ? "the client was shut down" : "PostgreSQL cannot be reached")))
        }
        waiters.append(Waiter(exclusive: exclusive, deadline: .now.advanced(by: configuration.acquireTimeout), completion: completion))
        if waitTimer?.isArmed == false { waitTimer?.arm(after: configuration.acquireTimeout) }
    }

    /// Ends a transaction's hold on `connection`.
    func release(_ connection: PostgresConnection) {
        connection.isReserved = false
        serveWaiters()
    }

    /// The ready, unreserved connection with the fewest statements in flight.
    private func available() -> PostgresConnection? {
        var best: PostgresConnection?
        for slot in slots {
            guard let connection = slot.readyConnection, !connection.isReserved else { continue }
            if best == nil || connection.pendingStatements < best!.pendingStatements { best = connection }
        }
        return best
    }

    private func serveWaiters() {
        while !waiters.isEmpty, let connection = available() {
            let waiter = waiters.removeFirst()
            if waiter.exclusive { connection.isReserved = true }
            waiter.completion(.success(connection))
        }
    }

    func slotBecameReady() {
        serveWaiters()
    }

    func slotFailed() {
        guard isDown else { return }
        failWaiters(PostgresError(.unavailable, message: "PostgreSQL cannot be reached"))
    }

    private func expireWaiters() {
        let now = ContinuousClock.now
        while let waiter = waiters.first, waiter.deadline <= now {
            _ = waiters.removeFirst()
            waiter.completion(.failure(PostgresError(
                .unavailable, message: "no connection to PostgreSQL was free within \(configuration.acquireTimeout)")))
        }
        if let next = waiters.first { waitTimer?.arm(after: next.deadline - now) }
    }

    private func failWaiters(_ error: PostgresError) {
        for waiter in waiters.removeAll() { waiter.completion(.failure(error)) }
    }

    /// Closes every connection and fails whoever waits. Idempotent.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        for slot in slots { slot.close() }
        failWaiters(PostgresError(.unavailable, message: "the client was shut down"))
        waitTimer?.cancel()
    }
}
