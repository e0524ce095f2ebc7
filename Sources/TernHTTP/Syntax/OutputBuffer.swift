/// Bytes written through a pointer into memory kept from use to use: a response on its way to
/// one `send` (each loop keeps one, so a response allocates no buffer and regrows none), a
/// loop's batch of log lines. It grows when a use needs more and returns to the capacity it
/// was made with when emptied.
///
/// For Tern's own modules (`@_spi(Tern) import TernHTTP`): the writers of numbers, JSON strings
/// and timestamps are its methods, and the small appends are inlined where they are called.
@_spi(Tern) public struct OutputBuffer: ~Copyable, ByteOutput {
    /// Room for a typical head and the largest body read into memory (16 KiB).
    public static let usualCapacity = 32 * 1024

    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var written = 0
    /// What `reset` returns to.
    private let usualCapacity: Int

    /// An empty buffer with room for `capacity` bytes before it grows.
    public init(capacity: Int = usualCapacity) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
        usualCapacity = capacity
    }

    deinit {
        base.deallocate()
    }

    /// How many bytes have been written.
    public var count: Int { written }

    /// What has been written, valid while the buffer is neither changed nor gone: read it
    /// through a stored buffer, or use `withBytes` or `array`.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: written) }

    /// Runs `body` on what has been written.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(bytes)
    }

    /// A copy of what has been written.
    public var array: [UInt8] { Array(bytes) }

    /// Empties it, giving back the memory a large use took.
    public mutating func reset() {
        written = 0
        guard capacity > usualCapacity else { return }
        base.deallocate()
        base = .allocate(capacity: usualCapacity)
        capacity = usualCapacity
    }

    /// Drops what was written after the first `count` bytes (`count` at most `self.count`).
    @inlinable
    public mutating func removeAll(after count: Int) {
        precondition(count >= 0 && count <= written, "cannot keep more bytes than were written")
        written = count
    }

    /// Room for `extra` more bytes after the written ones, grown first when there is less.
    @inlinable
    mutating func space(for extra: Int) -> UnsafeMutableBufferPointer<UInt8> {
        if written + extra > capacity { grow(toHold: written + extra) }
        return UnsafeMutableBufferPointer(start: base + written, count: capacity - written)
    }

    @usableFromInline
    mutating func grow(toHold needed: Int) {
        let grown = max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.initialize(from: base, count: written)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if written == capacity { grow(toHold: written + 1) }
        base[written] = byte
        written += 1
    }

    @inlinable @inline(__always)
    public mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if written + bytes.count > capacity { grow(toHold: written + bytes.count) }
        (base + written).initialize(from: source, count: bytes.count)
        written += bytes.count
    }

    mutating func write(upTo maximum: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        written += fill(space(for: maximum))
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes: bytes.assumingMemoryBound(to: UInt8.self))
    }

    @inlinable
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(bytes: $0) }
    }

    /// The bytes of an ASCII literal.
    @inlinable @inline(__always)
    public mutating func append(ascii literal: StaticString) {
        append(bytes: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `text`'s UTF-8 bytes.
    @inlinable @inline(__always)
    public mutating func append(utf8Of text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }

    /// `value`'s decimal digits, with `-` when negative.
    public mutating func append(decimal value: Int64) {
        DecimalText.put(value, into: &self)
    }

    /// `value`'s decimal digits.
    public mutating func append(unsignedDecimal value: UInt64) {
        DecimalText.put(value, into: &self)
    }

    /// `text` as a quoted JSON string (`JSONString`).
    public mutating func append(jsonString text: String) {
        JSONString.put(text, into: &self)
    }

    /// The UTF-8 `bytes` as a quoted JSON string.
    public mutating func append(jsonString bytes: UnsafeBufferPointer<UInt8>) {
        JSONString.put(bytes, into: &self)
    }

    /// The UTF-8 `bytes` as the inside of a JSON string: escaped, without the quotes.
    public mutating func append(jsonEscaped bytes: UnsafeBufferPointer<UInt8>) {
        JSONString.putEscaped(bytes, into: &self)
    }

    /// The RFC 3339 timestamp (UTC) of `seconds` since 1970 with `milliseconds` (`RFC3339`).
    public mutating func append(rfc3339SecondsSince1970 seconds: Int64, milliseconds: Int?) {
        RFC3339.put(secondsSince1970: seconds, milliseconds: milliseconds, into: &self)
    }

    /// A body segment's bytes; a file region is read straight into the buffer with `pread`.
    /// Throws when the file ends before the region does or a read fails.
    public mutating func append(_ segment: BodySegment) throws(FileRegionReadError) {
        switch segment {
        case .bytes(let content):
            append(content)
        case .file(let region):
            let length = Int(region.length)
            let read = region.read(into: UnsafeMutableRawBufferPointer(space(for: length)))
            written += read
            if read < length { throw FileRegionReadError(offset: region.offset + Int64(read)) }
        }
    }
}
