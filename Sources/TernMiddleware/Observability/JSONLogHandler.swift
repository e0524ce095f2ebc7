#if canImport(Glibc)
import Glibc
#endif
public import Logging
@_spi(Tern) import TernHTTP

/// A swift-log handler that writes JSON lines (https://jsonlines.org) to standard error:
/// `{"timestamp":"2026-11-21T23:30:00.123Z","level":"info","label":"tern","message":"…",
/// "request-id":"…",…}`, metadata flattened into the object (nested dictionaries and arrays
/// as JSON). One `write` per line, so lines from several threads never interleave.
///
/// ```swift
/// LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
/// ```
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private var destination: LogDestination

    /// - Parameter fileDescriptor: where lines go; 2 is standard error.
    public init(label: String, logLevel: Logger.Level = .info, fileDescriptor: Int32 = 2) {
        self.logLevel = logLevel
        destination = LogDestination(label: label, metadataProvider: nil, output: fileDescriptor)
    }

    /// The logger's label, written as `label`.
    public var label: String { destination.label }

    public var metadataProvider: Logger.MetadataProvider? {
        get { destination.metadataProvider }
        set { destination = destination.with(metadataProvider: newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let members = LogLine.members(metadata, provider: destination.metadataProvider, event: event.metadata)
        Self.line(timestamp: .now, level: event.level, label: label, message: event.message.description, members: members)
            .withBytes { LogLine.write($0, to: destination.output) }
    }

    /// One JSON line, standard members first, metadata sorted by key.
    static func line(timestamp: timespec, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        line(timestamp: timestamp, level: level, label: label, message: message, members: LogLine.members(metadata, provider: nil, event: nil)).array
    }

    private static func line(timestamp: timespec, level: Logger.Level, label: String, message: String, members: [LogLine.Member]) -> OutputBuffer {
        var out = OutputBuffer(capacity: 256)
        LogLine.appendJSONHead(timestamp: timestamp, level: level, label: label, to: &out)
        out.append(jsonString: message)
        for member in members where !reserved.contains(member.key) {
            out.append(UInt8(ascii: ","))
            out.append(jsonString: member.key)
            out.append(UInt8(ascii: ":"))
            switch member.value {
            case .string(let text): out.append(jsonString: text)
            case .stringConvertible(let convertible): out.append(jsonString: convertible.description)
            case .array, .dictionary:
                var json: [UInt8] = []
                Self.json(member.value).write(to: &json)
                out.append(json)
            }
        }
        out.append(ascii: "}\n")
        return out
    }

    /// The standard members, which metadata of the same name does not repeat.
    private static let reserved: Set<String> = ["timestamp", "level", "label", "message"]

    /// A metadata value as JSON; arrays and dictionaries (keys sorted) nested.
    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary): .object(dictionary.keys.sorted { UTF8Order.compare($0, $1) < 0 }.map { .init($0, json(dictionary[$0]!)) })
        }
    }
}
