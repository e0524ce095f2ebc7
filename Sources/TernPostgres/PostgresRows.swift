import CLibpq

/// The outcome of one statement: its rows (none for a statement that returns none), their
/// column names, and the number of rows the statement inserted, updated or deleted.
///
/// The values are copied out of libpq's result when it arrives, so the rows are plain Swift
/// values that may be kept and sent across tasks.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// The result columns' names, in order.
    public let columns: [String]
    /// Rows inserted, updated, deleted (or returned, for SELECT), from the command tag;
    /// 0 when the command reports none.
    public let affectedRows: Int
    /// The command tag's verb, e.g. "INSERT", "COMMIT" or "ROLLBACK".
    public let command: String
    private let storage: [UInt8]
    /// Per cell, row by row: its start in `storage`, and its length or -1 for NULL.
    private let cells: [(start: Int32, length: Int32)]

    public var startIndex: Int { 0 }
    public let endIndex: Int

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(rows: self, index: position)
    }

    /// Copies `result` (PGRES_TUPLES_OK or PGRES_COMMAND_OK).
    init(copying result: OpaquePointer) {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(String(cString: PQfname(result, Int32(column))))
        }
        var storage: [UInt8] = []
        var cells: [(start: Int32, length: Int32)] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) != 0 {
                    cells.append((0, -1))
                    continue
                }
                let length = PQgetlength(result, row, column)
                let value = UnsafeRawPointer(PQgetvalue(result, row, column)!)
                cells.append((Int32(storage.count), length))
                storage.append(contentsOf: UnsafeRawBufferPointer(start: value, count: Int(length)))
            }
        }
        self.columns = columns
        self.storage = storage
        self.cells = cells
        self.endIndex = rowCount
        let tag = String(cString: PQcmdStatus(result))
        self.command = String(tag.prefix { $0 != " " })
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Calls `body` with the text of the cell at `row`, `column` (nil for NULL).
    func withCell<Value>(row: Int, column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws(PostgresDecodingError) -> Value) throws(PostgresDecodingError) -> Value {
        guard column >= 0, column < columns.count else { throw .noSuchColumn(column) }
        let cell = cells[row * columns.count + column]
        if cell.length < 0 { return try body(nil) }
        return try storage.withUnsafeBufferPointer { (buffer) throws(PostgresDecodingError) -> Value in
            try body(UnsafeBufferPointer(rebasing: buffer[Int(cell.start)..<Int(cell.start + cell.length)]))
        }
    }
}

/// One row of a result.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    /// The value of column `column` (from 0) as a `Value`.
    public func decode<Value: PostgresDecodable>(column: Int, as type: Value.Type = Value.self) throws(PostgresDecodingError) -> Value {
        try rows.withCell(row: index, column: column) { (text) throws(PostgresDecodingError) in try Value(postgresText: text) }
    }

    /// The first columns of the row as a tuple of the given types:
    /// `let (id, name) = try row.decode((Int64, String).self)`.
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws(PostgresDecodingError) -> (repeat each Value) {
        var column = 0
        func next<Column: PostgresDecodable>(_ type: Column.Type) throws(PostgresDecodingError) -> Column {
            defer { column += 1 }
            return try decode(column: column, as: type)
        }
        return (repeat try next((each Value).self))
    }
}
