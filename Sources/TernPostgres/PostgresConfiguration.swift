import CLibpq

/// Where a `PostgresClient` connects and how it behaves when the server is slow or gone.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection URI or keyword string, e.g.
    /// `postgresql://tern@127.0.0.1:5432/tern` (see libpq's "Connection Strings").
    public var url: String
    /// Connections each event loop keeps open. Statements from a loop's handlers are
    /// pipelined on them; a transaction holds one alone until it ends.
    public var connectionsPerLoop: Int = 2
    /// How long a connection attempt may take.
    public var connectTimeout: Duration = .seconds(5)
    /// How long a statement may wait for a connection (when none is up, or every one is held
    /// by a transaction) before it fails as `.unavailable`.
    public var acquireTimeout: Duration = .seconds(3)
    /// How long a connection may go without answering a sent statement before it is taken for
    /// dead, closed and opened again (the statements on it fail as `.connectionLost`).
    public var responseTimeout: Duration = .seconds(10)
    /// The server-side `statement_timeout`: a statement running longer is cancelled (57014).
    public var statementTimeout: Duration = .seconds(5)
    /// The server-side `lock_timeout`: waiting longer for a lock fails the statement (55P03).
    public var lockTimeout: Duration = .seconds(3)
    /// The server-side `idle_in_transaction_session_timeout`: a session idle inside a
    /// transaction longer is ended by the server.
    public var idleInTransactionTimeout: Duration = .seconds(15)
    /// TCP keepalive: idle seconds before the first probe, seconds between probes, and
    /// probes lost before the connection is dropped.
    public var keepalive: (idle: Int, interval: Int, count: Int) = (30, 10, 3)
    /// After a failed connection attempt, the wait before the next one doubles from `initial`
    /// up to `maximum` (each with up to a quarter of jitter), and resets once connected.
    public var reconnectBackoff: (initial: Duration, maximum: Duration) = (.milliseconds(100), .seconds(5))
    /// The `application_name` the server shows in `pg_stat_activity`.
    public var applicationName: String = "tern"

    /// - Throws: `PostgresError` (`.invalidConfiguration`) when libpq cannot parse `url`.
    public init(url: String) throws(PostgresError) {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &message) else {
            let text = message.map { String(cString: $0) } ?? "cannot parse the connection string"
            if let message { PQfreemem(message) }
            throw PostgresError(.invalidConfiguration, message: text.trimmingTrailingWhitespace)
        }
        PQconninfoFree(options)
        self.url = url
    }

    /// The keywords and values for `PQconnectStartParams`: the URL first (expanded), then the
    /// settings every connection gets, which override the URL's.
    var connectionParameters: [(String, String)] {
        let options = [
            "statement_timeout=\(statementTimeout.milliseconds)",
            "lock_timeout=\(lockTimeout.milliseconds)",
            "idle_in_transaction_session_timeout=\(idleInTransactionTimeout.milliseconds)",
            "DateStyle=ISO",
            "TimeZone=UTC",
        ].map { "-c \($0)" }.joined(separator: " ")
        return [
            ("dbname", url),
            ("client_encoding", "UTF8"),
            ("application_name", applicationName),
            ("options", options),
            ("keepalives", "1"),
            ("keepalives_idle", "\(keepalive.idle)"),
            ("keepalives_interval", "\(keepalive.interval)"),
            ("keepalives_count", "\(keepalive.count)"),
        ]
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

extension String {
    var trimmingTrailingWhitespace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
