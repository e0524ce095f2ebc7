/// Rows of JSON objects as CSV (https://www.rfc-editor.org/rfc/rfc4180): a header line of the
/// member names (in the order they first appear), then one line per row, CRLF-terminated.
/// Strings are quoted when they hold `,`, `"`, CR or LF (quotes doubled); numbers and
/// booleans are their JSON text; `null` and a missing member are empty fields; nested arrays
/// and objects are their compact JSON text, quoted.
///
/// A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
/// CR) is prefixed with `'` (OWASP "CSV injection"), except numbers.
enum CSVRendering {
    static func document(rows: [JSONTree]) -> [UInt8] {
        var columns: [String] = []
        for case .object(let members) in rows {
            for (name, _) in members where !columns.contains(name) { columns.append(name) }
        }
        var out: [UInt8] = []
        appendLine(columns.map(JSONTree.string), into: &out)
        for row in rows {
            guard case .object(let members) = row else { continue }
            appendLine(columns.map { column in members.first { $0.0 == column }?.1 ?? .null }, into: &out)
        }
        return out
    }

    private static func appendLine(_ cells: [JSONTree], into out: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendCell(cell, into: &out)
        }
        out.append(contentsOf: "\r\n".utf8)
    }

    private static func appendCell(_ cell: JSONTree, into out: inout [UInt8]) {
        switch cell {
        case .null: break
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): appendText(text, into: &out)
        case .array, .object:
            var json: [UInt8] = []
            cell.write(to: &json)
            appendText(String(decoding: json, as: UTF8.self), into: &out)
        }
    }

    private static func appendText(_ text: String, into out: inout [UInt8]) {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(contentsOf: text.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
