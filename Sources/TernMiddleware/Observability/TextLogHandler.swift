#if canImport(Glibc)
import Glibc
#endif
public import Logging
@_spi(Tern) import TernHTTP

/// A swift-log handler that writes one human-readable line per event to standard error:
/// the time, level, label and message, then the metadata as `key=value` pairs sorted by key
/// (logfmt): `2026-11-21T22:41:45.123Z info tern: GET /users/1 200 method=GET status=200`.
/// A value that is empty or holds a space, `=`, `"`, `\` or a control character is written
/// as a JSON string, and so is a message with a control character, so every event stays on
/// one line whatever a client sent; nested arrays and dictionaries as their JSON text, quoted. One
/// `write` per line, so lines from several threads never interleave.
///
/// ```swift
/// LoggingSystem.bootstrap { label in TextLogHandler(label: label) }
/// ```
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private var destination: LogDestination

    /// - Parameter fileDescriptor: where lines go; 2 is standard error.
    public init(label: String, logLevel: Logger.Level = .info, fileDescriptor: Int32 = 2) {
        self.logLevel = logLevel
        destination = LogDestination(label: label, metadataProvider: nil, output: fileDescriptor)
    }

    /// The logger's label.
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

    /// One line: time, level, `label:`, the message, the metadata in key order.
    static func line(timestamp: timespec, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        line(timestamp: timestamp, level: level, label: label, message: message, members: LogLine.members(metadata, provider: nil, event: nil)).array
    }

    private static func line(timestamp: timespec, level: Logger.Level, label: String, message: String, members: [LogLine.Member]) -> OutputBuffer {
        var out = OutputBuffer(capacity: 256)
        LogLine.appendTextHead(timestamp: timestamp, level: level, label: label, to: &out)
        if message.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            out.append(jsonString: message)
        } else {
            LogLine.append(message, to: &out)
        }
        for member in members {
            out.append(UInt8(ascii: " "))
            appendValue(member.key, to: &out)
            out.append(UInt8(ascii: "="))
            switch member.value {
            case .string(let text): appendValue(text, to: &out)
            case .stringConvertible(let convertible): appendValue(convertible.description, to: &out)
            case .array, .dictionary: out.append(jsonString: json(member.value))
            }
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// `text` bare when it needs no quoting, else as a JSON string.
    private static func appendValue(_ text: String, to out: inout OutputBuffer) {
        var text = text
        text.withUTF8 { LogLine.appendLogfmtValue($0, to: &out) }
    }

    /// A nested value's JSON text.
    static func json(_ value: Logger.Metadata.Value) -> String {
        var out: [UInt8] = []
        JSONLogHandler.json(value).write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
