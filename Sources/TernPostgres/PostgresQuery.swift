/// A SQL statement and the values bound to its parameters.
///
/// Written as a string literal, each interpolated value becomes a parameter (`$1`, `$2`, ...)
/// sent apart from the SQL text, never spliced into it, so a value cannot change what the
/// statement does:
///
/// ```swift
/// let rows = try await db.query("SELECT name FROM users WHERE id = \(id) AND active = \(true)")
/// ```
///
/// The server infers each parameter's type from where it is used; where it cannot (a bare
/// `SELECT \(value)`), cast it in the SQL: `SELECT \(value)::int8`.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The statement, with `$n` in place of each bound value.
    public var sql: String
    /// The parameters' values in PostgreSQL's text format, nil for NULL.
    public var bindings: [String?]

    /// A statement with parameters bound explicitly: `bindings[0]` is `$1`.
    public init(sql: String, bindings: [any PostgresEncodable] = []) {
        self.sql = sql
        self.bindings = bindings.map(\.postgresText)
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.bindings = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.bindings = stringInterpolation.bindings
    }

    /// Builds the SQL text and its bindings from a literal.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var bindings: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + 3 * interpolationCount)
            bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds `value` as the next parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            bindings.append(value.postgresText)
            sql += "$\(bindings.count)"
        }

        /// Binds `value`, or NULL when it is nil, as the next parameter.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            bindings.append(value?.postgresText)
            sql += "$\(bindings.count)"
        }
    }
}
