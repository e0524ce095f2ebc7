import TernHTTP

/// A response's bytes on their way to one `send`: written through a pointer into memory the
/// loop keeps from response to response, so a response allocates no buffer and regrows none.
/// It grows when a response needs more and returns to its usual size when emptied.
struct OutputBuffer: ~Copyable {
    /// Room for a typical head and the largest body read into memory (16 KiB).
    static let usualCapacity = 32 * 1024

    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The bytes written so far.
    private(set) var count = 0

    /// An empty buffer with room for `capacity` bytes before it grows.
    init(capacity: Int = usualCapacity) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit {
        base.deallocate()
    }

    /// What has been written.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Empties it, giving back the memory a large response took.
    mutating func reset() {
        count = 0
        guard capacity > Self.usualCapacity else { return }
        base.deallocate()
        base = .allocate(capacity: Self.usualCapacity)
        capacity = Self.usualCapacity
    }

    /// Room for `extra` more bytes after the written ones, grown first when there is less.
    private mutating func space(for extra: Int) -> UnsafeMutableBufferPointer<UInt8> {
        if count + extra > capacity {
            let grown = max(count + extra, capacity * 2)
            let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            moved.initialize(from: base, count: count)
            base.deallocate()
            base = moved
            capacity = grown
        }
        return UnsafeMutableBufferPointer(start: base + count, count: capacity - count)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        let room = space(for: bytes.count)
        UnsafeMutableRawPointer(room.baseAddress!).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ byte: UInt8) {
        space(for: 1)[0] = byte
        count += 1
    }

    mutating func append(ascii literal: StaticString) {
        literal.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(utf8Of string: String) {
        var string = string
        string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// `value`'s decimal digits.
    mutating func append(decimal value: Int64) {
        let room = space(for: DecimalText.maxLength)
        count += DecimalText.write(value, into: room, at: 0)
    }

    /// A body segment's bytes; a file region is read straight into the buffer with `pread`.
    /// Throws when the file ends before the region does or a read fails.
    mutating func append(_ segment: BodySegment) throws(FileRegionReadError) {
        switch segment {
        case .bytes(let content):
            append(content)
        case .file(let region):
            let length = Int(region.length)
            let read = region.read(into: UnsafeMutableRawBufferPointer(space(for: length)))
            count += read
            if read < length { throw FileRegionReadError(offset: region.offset + Int64(read)) }
        }
    }
}
