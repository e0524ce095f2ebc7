import Logging
import TernServer

/// Keeps one connection of a loop's pool open: connects, and after a failed attempt or a lost
/// connection connects again after a backoff that doubles up to the configured maximum (with
/// jitter, so instances that lost the database together do not return together).
final class ConnectionSlot: PostgresConnectionDelegate {
    private let loop: EventLoop
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private unowned let pool: LoopConnectionPool
    /// The current connection (connecting or ready), nil while waiting to retry or closed.
    private(set) var connection: PostgresConnection?
    /// Failed attempts since the last success; 0 while connected.
    private(set) var failures = 0
    private var retryTimer: LoopTimer?
    private var isClosed = false

    init(loop: EventLoop, configuration: PostgresConfiguration, logger: Logger, pool: LoopConnectionPool) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        self.pool = pool
        retryTimer = LoopTimer(loop: loop) { [unowned self] in connect() }
    }

    /// The connection, when it is ready for statements.
    var readyConnection: PostgresConnection? {
        guard let connection, connection.state == .ready else { return nil }
        return connection
    }

    func connect() {
        guard !isClosed, connection == nil else { return }
        let connection = PostgresConnection(loop: loop, configuration: configuration, logger: logger, delegate: self)
        self.connection = connection
        connection.connect()
    }

    func connectionReady(_ connection: PostgresConnection) {
        if failures > 0 {
            logger.info("connected to PostgreSQL again", metadata: ["failed_attempts": "\(failures)"])
        }
        failures = 0
        pool.slotBecameReady()
    }

    func connectionClosed(_ connection: PostgresConnection, reason: String) {
        guard connection === self.connection else { return }
        self.connection = nil
        guard !isClosed else { return }
        failures += 1
        if failures == 1 {
            logger.warning("PostgreSQL connection lost or refused; reconnecting", metadata: ["reason": "\(reason)"])
        }
        let delay = backoff(afterFailures: failures)
        retryTimer?.arm(after: delay)
        pool.slotFailed()
    }

    /// `initial × 2^(failures-1)`, at most `maximum`, less up to a quarter at random.
    private func backoff(afterFailures failures: Int) -> Duration {
        let (initial, maximum) = configuration.reconnectBackoff
        var delay = initial
        for _ in 1..<min(failures, 30) where delay < maximum { delay *= 2 }
        delay = min(delay, maximum)
        return delay - delay * Double.random(in: 0..<0.25)
    }

    /// Closes the connection and stops reconnecting.
    func close() {
        isClosed = true
        retryTimer?.cancel()
        connection?.close(reason: "the client was shut down")
        connection = nil
    }
}
