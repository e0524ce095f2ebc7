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
        out.append(ascii: spaced(level))
        append(label, to: &out)
        out.append(ascii: ": ")
    }

    /// ` info `: a level's name between spaces, from a literal.
    static func spaced(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: " trace "
        case .debug: " debug "
        case .info: " info "
        case .notice: " notice "
        case .warning: " warning "
        case .error: " error "
        case .critical: " critical "
        }
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
        if !bytes.isEmpty && !needsQuoting(bytes) {
            out.append(bytes: bytes)
        } else {
            out.append(jsonString: bytes)
        }
    }

    /// Whether any of `bytes` is a control character, a space, `"`, `=`, `\` or DEL. Eight bytes
    /// at a time, each test true when any byte of the word meets it (a borrow runs only from a
    /// byte that does); the last, shorter stretch as one more word ending at the last byte. A
    /// value under eight bytes is tested as one word, filled out with `a`, which needs no quoting.
    private static func needsQuoting(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 8, let start = bytes.baseAddress else {
            var word = 0x6161_6161_6161_6161 as UInt64
            withUnsafeMutableBytes(of: &word) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
            return needsQuoting(word)
        }
        let raw = UnsafeRawPointer(start)
        var offset = 0
        while true {
            if needsQuoting(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return true }
            if offset == bytes.count - 8 { return false }
            offset = min(offset + 8, bytes.count - 8)
        }
    }

    /// Whether a byte of `word` needs quoting: below 0x21, `"`, `=`, `\` or DEL (none from
    /// 0x80, UTF-8).
    @inline(__always)
    private static func needsQuoting(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        let below = (word &- ones &* 0x21) & ~word & highs != 0
        return below || hasZeroByte(word ^ ones &* 0x22) || hasZeroByte(word ^ ones &* 0x3D)
            || hasZeroByte(word ^ ones &* 0x5C) || hasZeroByte(word ^ ones &* 0x7F)
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
