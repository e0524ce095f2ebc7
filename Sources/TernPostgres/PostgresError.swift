/// Why a statement or a transaction failed.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// No connection to the server could be had: it is down or unreachable, or every
        /// connection stayed busy past `acquireTimeout`. Nothing was sent.
        case unavailable
        /// The connection was lost (or stopped answering within `responseTimeout`) after the
        /// statement was sent: it may or may not have taken effect. A transaction that had not
        /// committed is rolled back by the server.
        case connectionLost
        /// The server refused the statement; `sqlState` says why.
        case server
        /// A result column could not be read as the type asked for.
        case decoding
        /// The configuration (the URL) is not one libpq accepts.
        case invalidConfiguration
    }

    /// What went wrong.
    public let kind: Kind
    /// The five-character SQLSTATE of a `.server` error (e.g. "23505"), else nil.
    public let sqlState: String?
    /// The server's or libpq's message (never holds parameter values sent by the client).
    public let message: String
    /// For a `.server` error, the constraint it names, if any.
    public let constraint: String?

    init(_ kind: Kind, message: String, sqlState: String? = nil, constraint: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
    }

    /// Whether the database could not be reached or answered, or is shutting down: a caller
    /// tells its own client to retry later (HTTP 503 with `Retry-After`). Besides `.unavailable`
    /// and `.connectionLost`, the server's own errors of SQLSTATE class 08 (connection
    /// exception) and 57P (operator intervention: shutdown, crash, not accepting connections yet).
    public var isUnavailable: Bool {
        switch kind {
        case .unavailable, .connectionLost: true
        case .server: sqlState.map { $0.hasPrefix("08") || $0.hasPrefix("57P") } ?? false
        case .decoding, .invalidConfiguration: false
        }
    }

    /// 23505: a unique constraint refused the row.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// 40001 or 40P01: the transaction lost a serialization conflict or a deadlock and may
    /// succeed if run again from the start.
    public var isRetryableConflict: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        switch kind {
        case .server: "PostgreSQL error \(sqlState ?? "?????"): \(message)"
        case .unavailable: "PostgreSQL unavailable: \(message)"
        case .connectionLost: "PostgreSQL connection lost: \(message)"
        case .decoding: "cannot decode a PostgreSQL column: \(message)"
        case .invalidConfiguration: "invalid PostgreSQL configuration: \(message)"
        }
    }
}
