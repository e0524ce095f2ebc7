#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
@_spi(Tern) import TernHTTP

/// What Tern's line handlers (`JSONLogHandler`, `TextLogHandler`) share: the wall-clock
/// timestamp, an event's metadata in key order, and one `write` per line, so lines from
/// several threads never interleave.
enum LogLine {
    /// A metadata key and its value.
    typealias Member = (key: String, value: Logger.Metadata.Value)

    /// The handler's metadata, then the provider's, then the event's, a later value replacing
    /// an earlier one with the same key; sorted by the keys' UTF-8 bytes. The keys are sorted
    /// by index (an access-log line has about eight): merging dictionaries, or moving whole
    /// members while sorting, cost more than writing the rest of the line.
    static func members(_ handler: Logger.Metadata, provider: Logger.MetadataProvider?, event: Logger.Metadata?) -> [Member] {
        let provided = provider?.get() ?? [:]
        let count = handler.count + provided.count + (event?.count ?? 0)
        var keys: [String] = []
        var values: [Logger.Metadata.Value] = []
        // The first byte of each key: most comparisons end there, without reading the strings.
        var firsts: [UInt8] = []
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
        firsts.reserveCapacity(count)
        func add(_ metadata: Logger.Metadata) {
            for (key, value) in metadata {
                keys.append(key)
                values.append(value)
                firsts.append(key.utf8.first ?? 0)
            }
        }
        add(handler)
        add(provided)
        if let event { add(event) }
        var order: [Int] = []
        order.reserveCapacity(count)
        next: for index in keys.indices {
            var position = order.count
            while position > 0 {
                let other = order[position - 1]
                let comparison = firsts[index] != firsts[other] ? Int(firsts[index]) - Int(firsts[other]) : UTF8Order.compare(keys[index], keys[other])
                if comparison > 0 { break }
                if comparison == 0 {
                    order[position - 1] = index
                    continue next
                }
                position -= 1
            }
            order.insert(index, at: position)
        }
        return order.map { (keys[$0], values[$0]) }
    }

    /// Appends `text`'s UTF-8 bytes in one copy.
    static func append(_ text: String, to out: inout OutputBuffer) {
        out.append(utf8Of: text)
    }

    /// A text line up to its message: `2026-11-21T22:41:45.123Z info tern: `.
    static func appendTextHead(timestamp: timespec, level: Logger.Level, label: String, to out: inout OutputBuffer) {
        appendTimestamp(timestamp, to: &out)
        out.append(UInt8(ascii: " "))
        append(level.rawValue, to: &out)
        out.append(UInt8(ascii: " "))
        append(label, to: &out)
        out.append(ascii: ": ")
    }

    /// A JSON line up to its message's value: `{"timestamp":"…","level":"info","label":"tern","message":`.
    static func appendJSONHead(timestamp: timespec, level: Logger.Level, label: String, to out: inout OutputBuffer) {
        out.append(ascii: #"{"timestamp":""#)
        appendTimestamp(timestamp, to: &out)
        out.append(ascii: #"","level":""#)
        append(level.rawValue, to: &out)
        out.append(ascii: #"","label":"#)
        out.append(jsonString: label)
        out.append(ascii: #","message":"#)
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-21T22:41:45.123Z`.
    static func appendTimestamp(_ time: timespec, to out: inout OutputBuffer) {
        // The text up to the second is the same for every line a thread writes in that second.
        let seconds = Int64(time.tv_sec)
        let last = secondTexts.object { SecondText() }
        if last.second != seconds {
            last.text.removeAll(keepingCapacity: true)
            RFC3339.append(secondsSince1970: seconds, milliseconds: 0, to: &last.text)
            last.text.removeLast(4)  // `000Z`
            last.second = seconds
        }
        out.append(last.text)
        let milliseconds = Int(time.tv_nsec / 1_000_000)
        out.append(UInt8(ascii: "0") + UInt8(milliseconds / 100))
        out.append(UInt8(ascii: "0") + UInt8(milliseconds / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(milliseconds % 10))
        out.append(UInt8(ascii: "Z"))
    }

    /// The timestamp a thread wrote last, up to its second: `2026-11-21T22:41:45.`.
    private final class SecondText {
        // Unchecked: each thread reads and writes its own.
        @exclusivity(unchecked) var second = Int64.min
        @exclusivity(unchecked) var text: [UInt8] = []
    }

    private static let secondTexts = ThreadSlot()

    /// A logfmt value: `bytes` bare when they need no quoting, else as a JSON string (empty, or
    /// holding a space, `=`, `"`, `\` or a control character).
    static func appendLogfmtValue(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout OutputBuffer) {
        let plain = !bytes.isEmpty && !bytes.contains { byte in
            byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
        }
        if plain {
            out.append(bytes: bytes)
        } else {
            out.append(jsonString: bytes)
        }
    }

    /// Held while lines are written, by every writer of log lines in the process: a `write` of
    /// more than `PIPE_BUF` bytes to a pipe may otherwise be interleaved with another thread's.
    static let writing = Mutex(())

    /// Writes `lines` (whole lines) to `descriptor`; a failed write drops the rest.
    static func write(_ lines: UnsafeRawBufferPointer, to descriptor: Int32) {
        writing.withLock { _ in
            var offset = 0
            while offset < lines.count {
                let written = Glibc.write(descriptor, lines.baseAddress! + offset, lines.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
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
