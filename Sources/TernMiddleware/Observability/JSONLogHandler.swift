#if canImport(Glibc)
import Glibc
#endif
public import Logging
import TernHTTP

/// A swift-log handler that writes JSON lines (https://jsonlines.org) to standard error:
/// `{"timestamp":"2026-11-21T23:30:00.123Z","level":"info","label":"tern","message":"…",
/// "request-id":"…",…}`, metadata flattened into the object (nested dictionaries and arrays
/// as JSON). One `write` per line, so lines from several threads never interleave.
///
/// ```swift
/// LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
/// ```
public struct JSONLogHandler: LogHandler {
    /// The logger's label, written as `label`.
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let output: Int32

    /// - Parameter fileDescriptor: where lines go; 2 is standard error.
    public init(label: String, logLevel: Logger.Level = .info, fileDescriptor: Int32 = 2) {
        self.label = label
        self.logLevel = logLevel
        self.output = fileDescriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let line = Self.line(
            timestamp: timespec.now, level: event.level, label: label, message: event.message.description,
            metadata: metadata.merging(metadataProvider?.get() ?? [:]) { _, new in new }.merging(event.metadata ?? [:]) { _, new in new })
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(output, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// One JSON line, standard members first, metadata sorted by key.
    static func line(timestamp: timespec, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var members: [JSONValue.Member] = [
            .init("timestamp", .string(Self.timestamp(timestamp))),
            .init("level", .string(level.rawValue)),
            .init("label", .string(label)),
            .init("message", .string(message)),
        ]
        let reserved: Set<String> = ["timestamp", "level", "label", "message"]
        for key in metadata.keys.sorted() where !reserved.contains(key) {
            members.append(.init(key, Self.json(metadata[key]!)))
        }
        var out: [UInt8] = []
        JSONValue.object(members).write(to: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary): .object(dictionary.keys.sorted().map { .init($0, json(dictionary[$0]!)) })
        }
    }

    /// RFC 3339 in UTC with milliseconds.
    private static func timestamp(_ time: timespec) -> String {
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(time.tv_nsec / 1_000_000)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}

extension timespec {
    /// The wall-clock time.
    static var now: timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }
}
