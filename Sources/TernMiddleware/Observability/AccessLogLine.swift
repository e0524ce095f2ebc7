#if canImport(Glibc)
import Glibc
#endif
import Logging
@_spi(Tern) import TernHTTP

/// One access-log line, written straight into bytes from the request's fields: no metadata
/// dictionary and no `String` per field. The same line `TextLogHandler` or `JSONLogHandler`
/// would write for the event `GET /users/1 200` with the metadata `bytes`, `client`,
/// `duration_ms`, `method`, `path`, `route`, `status` and the logger's own (`request-id`,
/// trace ids), in key order; a field of the line wins over logger metadata of the same name.
struct AccessLogLine {
    /// Where the request came from: a trusted proxy's client, else the peer.
    enum Client {
        case forwarded(String)
        case peer(SocketAddress)
        case unknown
    }

    var timestamp: timespec
    var level: Logger.Level
    var label: String
    var method: String
    var path: Substring
    var status: Int
    /// Bytes of the body sent.
    var bytes: Int64
    var duration: Duration
    var client: Client
    /// The matched route's template; nil when none matched (written `-`).
    var route: String?
    /// The request logger's metadata, each key once.
    var metadata: [(key: String, value: Logger.Metadata.Value)]

    /// The line's own members, in the UTF-8 order of their keys.
    private enum Field: CaseIterable {
        case bytes, client, duration, method, path, route, status

        var key: String {
            switch self {
            case .bytes: "bytes"
            case .client: "client"
            case .duration: "duration_ms"
            case .method: "method"
            case .path: "path"
            case .route: "route"
            case .status: "status"
            }
        }

        /// The key as a text line writes it before the value: ` bytes=`. Literals, so that
        /// writing one is a copy of known length.
        var textKey: StaticString {
            switch self {
            case .bytes: " bytes="
            case .client: " client="
            case .duration: " duration_ms="
            case .method: " method="
            case .path: " path="
            case .route: " route="
            case .status: " status="
            }
        }

        /// The key as a JSON line writes it before the value's opening quote: `,"bytes":"`.
        var jsonKey: StaticString {
            switch self {
            case .bytes: #","bytes":""#
            case .client: #","client":""#
            case .duration: #","duration_ms":""#
            case .method: #","method":""#
            case .path: #","path":""#
            case .route: #","route":""#
            case .status: #","status":""#
            }
        }
    }

    /// Appends the line, its newline included, in `format`.
    func write(_ format: LogFormat, to out: inout OutputBuffer) {
        switch format {
        case .text: writeText(to: &out)
        case .json: writeJSON(to: &out)
        }
    }

    private func writeText(to out: inout OutputBuffer) {
        LogLine.appendTextHead(timestamp: timestamp, level: level, label: label, to: &out)
        var path = path
        path.withUTF8 { bytes in
            if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                var message = OutputBuffer(capacity: 256)
                writeMessage(path: bytes, to: &message)
                message.withBytes { out.append(jsonString: $0.assumingMemoryBound(to: UInt8.self)) }
            } else {
                writeMessage(path: bytes, to: &out)
            }
        }
        writeMembers(.text, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    private func writeJSON(to out: inout OutputBuffer) {
        LogLine.appendJSONHead(timestamp: timestamp, level: level, label: label, to: &out)
        out.append(UInt8(ascii: "\""))
        var path = path
        path.withUTF8 { bytes in
            LogLine.append(method, to: &out)
            out.append(UInt8(ascii: " "))
            out.append(jsonEscaped: bytes)
            out.append(UInt8(ascii: " "))
            out.append(decimal: Int64(status))
        }
        out.append(UInt8(ascii: "\""))
        writeMembers(.json, to: &out)
        out.append(ascii: "}\n")
    }

    /// `Field.allCases`, made once (the synthesized property makes an array at every call).
    private static let fields = Field.allCases
    private static let fieldKeys = fields.map(\.key)
    /// The first byte of each field's key, the first key's lowest: `b`, `c`, `d`, `m`, `p`, `r`, `s`.
    private static let fieldInitials: UInt64 = fieldKeys.reversed().reduce(0) { $0 << 8 | UInt64($1.utf8.first!) }

    /// JSON lines' standard members, which metadata of the same name does not repeat.
    private static let reservedJSONKeys = ["timestamp", "level", "label", "message"]

    /// `GET /users/1 200`.
    private func writeMessage(path: UnsafeBufferPointer<UInt8>, to out: inout OutputBuffer) {
        LogLine.append(method, to: &out)
        out.append(UInt8(ascii: " "))
        out.append(bytes: path)
        out.append(UInt8(ascii: " "))
        out.append(decimal: Int64(status))
    }

    /// Appends `field`'s value: numbers and the peer's address (digits, dots, colons and
    /// brackets) as they are, text by the format's rule for a value.
    private func appendValue(of field: Field, _ format: LogFormat, to out: inout OutputBuffer) {
        switch field {
        case .bytes: out.append(decimal: bytes)
        case .duration: Self.appendMilliseconds(duration, to: &out)
        case .status: out.append(decimal: Int64(status))
        // A method is a token (RFC 9110 section 9.1), which neither format quotes or escapes.
        case .method: LogLine.append(method, to: &out)
        case .path:
            var path = path
            path.withUTF8 { Self.appendText($0, format, to: &out) }
        case .route: Self.appendText(route ?? "-", format, to: &out)
        case .client:
            switch client {
            case .forwarded(let address): Self.appendText(address, format, to: &out)
            case .peer(let address): Self.append(address, to: &out)
            case .unknown: out.append(UInt8(ascii: "-"))
            }
        }
    }

    /// Text inside a value: logfmt's rule (bare, or quoted when it must be), or escaped inside
    /// the JSON string the key opened.
    private static func appendText(_ bytes: UnsafeBufferPointer<UInt8>, _ format: LogFormat, to out: inout OutputBuffer) {
        switch format {
        case .text: LogLine.appendLogfmtValue(bytes, to: &out)
        case .json: out.append(jsonEscaped: bytes)
        }
    }

    private static func appendText(_ text: String, _ format: LogFormat, to out: inout OutputBuffer) {
        var text = text
        text.withUTF8 { appendText($0, format, to: &out) }
    }

    /// Writes the line's fields and the logger's metadata merged in key order, a field winning
    /// over metadata of its name, and in JSON the standard members' names left out. The
    /// metadata holds a few keys (a request id, trace ids): each is placed among the fields
    /// once, and the fields' keys are written from literals. One key alone (a request id,
    /// the common case) is placed without sorting.
    private func writeMembers(_ format: LogFormat, to out: inout OutputBuffer) {
        var written = 0
        if metadata.count == 1 {
            let (key, value) = metadata[0]
            let placed = Self.placeRemembered(key, format)
            if let after = placed.after {
                writeFields(written..<after, format, to: &out)
                out.append(placed.keyText)
                Self.appendMetadataValue(value, format, to: &out)
                written = after
            }
        } else if !metadata.isEmpty {
            // Each member with the number of fields whose keys sort before its own, in key order.
            var extras: [(key: String, value: Logger.Metadata.Value, after: Int)] = []
            extras.reserveCapacity(metadata.count)
            for (key, value) in metadata {
                if let after = Self.place(key, format) { extras.append((key, value, after)) }
            }
            extras.sort { UTF8Order.compare($0.key, $1.key) < 0 }
            for extra in extras {
                writeFields(written..<extra.after, format, to: &out)
                writeMetadata(extra.key, extra.value, format, to: &out)
                written = extra.after
            }
        }
        writeFields(written..<Self.fields.count, format, to: &out)
    }

    /// The line's own fields in `range`, each key from a literal.
    private func writeFields(_ range: Range<Int>, _ format: LogFormat, to out: inout OutputBuffer) {
        let fields = Self.fields
        for index in range {
            let field = fields[index]
            switch format {
            case .text: out.append(ascii: field.textKey)
            case .json: out.append(ascii: field.jsonKey)
            }
            appendValue(of: field, format, to: &out)
            if format == .json { out.append(UInt8(ascii: "\"")) }
        }
    }

    /// Where each thread placed its last lone metadata key, and the key as written: lines carry
    /// the same one (the request id's) again and again, and comparing it with the last is
    /// cheaper than placing and writing it.
    private final class LastPlacement {
        var key = ""
        var format = LogFormat.text
        var after: Int?
        /// `key` as `format` writes it before a value: ` request-id=`, `,"request-id":`.
        var keyText: [UInt8] = []
    }

    private static let lastPlacement = ThreadSlot()

    /// `place(key, format)` and the key as written, remembered per thread for the last key.
    private static func placeRemembered(_ key: String, _ format: LogFormat) -> LastPlacement {
        let last: LastPlacement
        if let object = lastPlacement.object {
            last = unsafeDowncast(object, to: LastPlacement.self)
            if last.key == key, last.format == format { return last }
        } else {
            last = LastPlacement()
            lastPlacement.object = last
        }
        var keyText = OutputBuffer(capacity: 64)
        appendMetadataKey(key, format, to: &keyText)
        (last.key, last.format, last.after, last.keyText) = (key, format, place(key, format), keyText.array)
        return last
    }

    /// How many of the fields come before metadata `key`; nil when the key is a field's own
    /// (the field wins) or, in JSON, a standard member's.
    private static func place(_ key: String, _ format: LogFormat) -> Int? {
        if format == .json && reservedJSONKeys.contains(key) { return nil }
        let after = fieldsBefore(key)
        // A field's own key sorts right after the fields before it: one comparison tells.
        if after < fieldKeys.count, fieldKeys[after] == key { return nil }
        return after
    }

    /// How many of the fields' keys sort before `key`. The keys begin with different letters
    /// (`fieldInitials`, one byte each, in order), so the first byte decides but for a key that
    /// begins like one of them.
    private static func fieldsBefore(_ key: String) -> Int {
        let first = UInt64(key.utf8.first ?? 0)
        var initials = fieldInitials
        var count = 0
        while initials != 0, initials & 0xFF < first {
            count += 1
            initials >>= 8
        }
        if initials & 0xFF == first, UTF8Order.compare(fieldKeys[count], key) < 0 { count += 1 }
        return count
    }

    /// One member of the logger's metadata, as the format's log handler writes it.
    private func writeMetadata(_ key: String, _ value: Logger.Metadata.Value, _ format: LogFormat, to out: inout OutputBuffer) {
        Self.appendMetadataKey(key, format, to: &out)
        Self.appendMetadataValue(value, format, to: &out)
    }

    /// A metadata member's key and what separates it from the value: ` key=`, `,"key":`.
    private static func appendMetadataKey(_ key: String, _ format: LogFormat, to out: inout OutputBuffer) {
        switch format {
        case .text:
            out.append(UInt8(ascii: " "))
            appendText(key, .text, to: &out)
            out.append(UInt8(ascii: "="))
        case .json:
            out.append(UInt8(ascii: ","))
            out.append(jsonString: key)
            out.append(UInt8(ascii: ":"))
        }
    }

    /// A metadata member's value.
    private static func appendMetadataValue(_ value: Logger.Metadata.Value, _ format: LogFormat, to out: inout OutputBuffer) {
        switch format {
        case .text:
            switch value {
            case .string(let text): appendText(text, .text, to: &out)
            case .stringConvertible(let convertible): appendText(convertible.description, .text, to: &out)
            case .array, .dictionary: out.append(jsonString: TextLogHandler.json(value))
            }
        case .json:
            var json: [UInt8] = []
            JSONLogHandler.json(value).write(to: &json)
            json.withUnsafeBufferPointer { out.append(bytes: $0) }
        }
    }

    /// `host:port`, an IPv6 host in brackets (https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2).
    static func append(_ address: SocketAddress, to out: inout OutputBuffer) {
        var host = address.host
        host.withUTF8 { bytes in
            let bracketed = bytes.contains(UInt8(ascii: ":"))
            if bracketed { out.append(UInt8(ascii: "[")) }
            out.append(bytes: bytes)
            if bracketed { out.append(UInt8(ascii: "]")) }
        }
        out.append(UInt8(ascii: ":"))
        out.append(decimal: Int64(address.port))
    }

    /// `duration` in milliseconds with three decimals (microseconds): `12.345`.
    static func appendMilliseconds(_ duration: Duration, to out: inout OutputBuffer) {
        let microseconds = max(0, duration.wholeNanoseconds / 1000)
        out.append(decimal: microseconds / 1000)
        out.append(UInt8(ascii: "."))
        let fraction = microseconds % 1000
        out.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }
}
