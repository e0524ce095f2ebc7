#if canImport(Glibc)
import Glibc
#endif
import Logging
import TernHTTP

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
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-21T22:41:45.123Z`.
    static func appendTimestamp(_ time: timespec, to out: inout [UInt8]) {
        RFC3339.append(secondsSince1970: Int64(time.tv_sec), milliseconds: Int(time.tv_nsec / 1_000_000), to: &out)
    }

    /// Writes `line` whole to `descriptor`; a failed write drops the rest of the line.
    static func write(_ line: [UInt8], to descriptor: Int32) {
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
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
