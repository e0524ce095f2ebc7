#if canImport(Glibc)
import Glibc
#endif
@_spi(Tern) import TernHTTP

/// An `Encoder` that writes a value's JSON text as the value encodes itself: no tree, no
/// node per member. Its output is `JSONTreeEncoder`'s, byte for byte: an object's members
/// are written as they come, then put in key order (code-point order, the last of a
/// repeated key kept) when the object is complete, by moving their bytes.
///
/// Text written in order needs the value to encode itself in order: each container written
/// to while it is the innermost one, as every synthesized `encode(to:)` does. A value that
/// asks for more (a nested container, a super encoder, a second value in a single-value
/// container, a key that JSON must escape) makes the encoder give up (`abandoned`); the
/// caller then encodes the value again with `JSONTreeEncoder`, which allows all of that.
final class JSONTextEncoder: Encoder {
    /// The text written so far.
    @exclusivity(unchecked) var out: OutputBuffer
    /// Set when the value asked for something text written in order cannot give; from then
    /// on nothing is written, and the text is not the value's.
    @exclusivity(unchecked) private(set) var abandoned = false
    /// The values being encoded, outermost first: the top one is the only one written to.
    @exclusivity(unchecked) private var frames: [Frame] = []
    /// The members of the objects still open, each object's together, innermost last.
    @exclusivity(unchecked) private var members: [Member] = []
    /// Frames made so far: each frame's serial tells it from a later frame at its depth.
    @exclusivity(unchecked) private var framesMade = 0
    let userInfo: [CodingUserInfoKey: Any] = [:]

    /// One value being encoded: its key (nil for the root and for a single-value container's
    /// value), its serial and what it has asked for.
    private struct Frame {
        let key: (any CodingKey)?
        let serial: Int
        var shape: Shape
    }

    /// Where a container writes: its frame's depth, and the frame's serial, so that a container
    /// kept past its value's encoding does not write into a later value at the same depth.
    struct FramePosition {
        let depth: Int
        let serial: Int
    }

    private enum Shape {
        case undecided
        /// An object whose members start at `firstMember` in `members`.
        case object(firstMember: Int)
        case array(count: Int)
        case single
    }

    /// One member of an open object: its key's bytes (quotes included) from `start`, then `:`
    /// and its value up to `end`. Members of one object are separated by one comma.
    private struct Member {
        let start: Int
        let keyLength: Int
        let end: Int
    }

    private init() {
        out = OutputBuffer(capacity: 256)
        frames.reserveCapacity(8)
        members.reserveCapacity(16)
    }

    /// Each thread's encoder between uses: its buffer and scratch arrays are made once.
    private static let spare = ThreadSlot()

    /// `value`'s compact JSON text, or nil when the value needs `JSONTreeEncoder`.
    static func text(of value: some Encodable) throws -> [UInt8]? {
        // Taken from the slot while in use, so a value that encodes JSON inside its own
        // encoding gets a new one; put back only if nothing else kept a reference to it.
        var encoder: JSONTextEncoder
        if let kept = spare.object {
            encoder = unsafeDowncast(kept, to: JSONTextEncoder.self)
            spare.object = nil
        } else {
            encoder = JSONTextEncoder()
        }
        defer {
            encoder.clear()
            if isKnownUniquelyReferenced(&encoder) { spare.object = encoder }
        }
        do {
            try encoder.write(value, key: nil)
        } catch {
            if encoder.abandoned { return nil }
            throw error
        }
        return encoder.abandoned ? nil : encoder.out.array
    }

    /// Ready for another value, keeping the memory it has.
    private func clear() {
        out.reset()
        abandoned = false
        frames.removeAll(keepingCapacity: true)
        members.removeAll(keepingCapacity: true)
    }

    var codingPath: [any CodingKey] { frames.compactMap(\.key) }

    /// The coding path of the frame at `depth` (a container's).
    func codingPath(at depth: Int) -> [any CodingKey] { frames.prefix(depth + 1).compactMap(\.key) }

    /// The coding path of a value under `key` in the top value.
    func path(with key: any CodingKey) -> [any CodingKey] { codingPath + [key] }

    // MARK: values

    /// Writes `value`: JSON's own values and Foundation's special types as the tree writes
    /// them, anything else through its `encode(to:)` in a new frame. On a throw, what was
    /// written for it is left for the caller to take back.
    func write<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        if let leaf = try JSONTreeEncoder.leaf(value, at: key.map(path(with:)) ?? codingPath) { return leaf.write(to: &out) }
        framesMade &+= 1
        frames.append(Frame(key: key, serial: framesMade, shape: .undecided))
        do {
            try value.encode(to: self)
        } catch {
            frames.removeLast()
            throw error
        }
        finishFrame()
    }

    func write(bool value: Bool) {
        value ? out.append(ascii: "true") : out.append(ascii: "false")
    }

    /// A finite number, as `JSONTreeEncoder` writes it; NaN and infinities are refused.
    func write(double value: Double, at codingPath: @autoclosure () -> [any CodingKey]) throws {
        try JSONTreeEncoder.number(value, at: codingPath()).write(to: &out)
    }

    /// Any integer, as `JSONTreeEncoder` writes it.
    func write(integer value: some BinaryInteger) {
        JSONTreeEncoder.integer(value).write(to: &out)
    }

    // MARK: frames

    /// Gives up: from now on nothing is written.
    func abandon() {
        abandoned = true
    }

    /// Whether a container of the frame at `position` may write now: that frame is the top one,
    /// and the encoder has not given up.
    @inline(__always)
    func mayWrite(_ position: FramePosition) -> Bool {
        if abandoned { return false }
        if position.depth != frames.count - 1 || frames[position.depth].serial != position.serial {
            abandon()
            return false
        }
        return true
    }

    /// The top frame's position, for the containers made for it.
    var top: FramePosition { FramePosition(depth: frames.count - 1, serial: frames[frames.count - 1].serial) }

    /// Ends the top frame: an object's members put in order and closed, an array closed,
    /// `{}` for a value that encoded nothing (as Foundation's encoder writes it).
    private func finishFrame() {
        let frame = frames.removeLast()
        guard !abandoned else { return }
        switch frame.shape {
        case .undecided:
            out.append(ascii: "{}")
        case .object(let first):
            if members.count - first > 1 { orderMembers(from: first) }
            members.removeLast(members.count - first)
            out.append(UInt8(ascii: "}"))
        case .array:
            out.append(UInt8(ascii: "]"))
        case .single:
            break
        }
    }

    /// The top frame's object, opened at its first request.
    func openObject() {
        guard !abandoned else { return }
        switch frames[frames.count - 1].shape {
        case .undecided:
            frames[frames.count - 1].shape = .object(firstMember: members.count)
            out.append(UInt8(ascii: "{"))
        case .object:
            break
        case .array, .single:
            abandon()
        }
    }

    /// The top frame's array, opened at its first request.
    func openArray() {
        guard !abandoned else { return }
        switch frames[frames.count - 1].shape {
        case .undecided:
            frames[frames.count - 1].shape = .array(count: 0)
            out.append(UInt8(ascii: "["))
        case .array:
            break
        case .object, .single:
            abandon()
        }
    }

    // MARK: members and elements

    /// Where the text and the open objects' members stand: what a value that throws is taken
    /// back to.
    private struct Mark {
        let text: Int
        let members: Int
    }

    private var mark: Mark { Mark(text: out.count, members: members.count) }

    /// Takes back everything written since `mark`: bytes, and members of objects opened since.
    private func takeBack(to mark: Mark) {
        out.removeAll(after: mark.text)
        members.removeSubrange(mark.members...)
    }

    /// Writes one member of the top frame's object: `"key":` then what `value` writes. When
    /// `value` throws, its member's bytes are taken back, so a caller that goes on after the
    /// error (`try?`) leaves no trace of it, as with `JSONTreeEncoder`.
    @inline(__always)
    func member(_ key: String, value: () throws -> Void) rethrows {
        let mark = mark
        if case .object(let first) = frames[frames.count - 1].shape, mark.members > first { out.append(UInt8(ascii: ",")) }
        let keyStart = out.count
        out.append(jsonString: key)
        let keyLength = out.count - keyStart
        // A key JSON escapes would be ordered by its escaped bytes: the tree orders it.
        guard keyLength == key.utf8.count + 2 else { return abandon() }
        out.append(UInt8(ascii: ":"))
        do {
            try value()
        } catch {
            takeBack(to: mark)
            throw error
        }
        members.append(Member(start: keyStart, keyLength: keyLength, end: out.count))
    }

    /// Writes one element of the top frame's array (taken back when it throws); `value` gets
    /// its index.
    @inline(__always)
    func element(value: (_ index: Int) throws -> Void) rethrows {
        guard case .array(let count) = frames[frames.count - 1].shape else { return abandon() }
        let mark = mark
        if count > 0 { out.append(UInt8(ascii: ",")) }
        do {
            try value(count)
        } catch {
            takeBack(to: mark)
            throw error
        }
        frames[frames.count - 1].shape = .array(count: count + 1)
    }

    /// Writes the top frame's single value. When `value` throws, what it wrote is taken back
    /// and the frame has no value yet (a value that catches the error is then written `{}`,
    /// as by the tree).
    @inline(__always)
    func single(value: () throws -> Void) rethrows {
        switch frames[frames.count - 1].shape {
        case .undecided:
            let mark = mark
            frames[frames.count - 1].shape = .single
            do {
                try value()
            } catch {
                takeBack(to: mark)
                frames[frames.count - 1].shape = .undecided
                throw error
            }
        case .object, .array, .single:
            abandon()
        }
    }

    /// Puts the members from `first` in key order, keeping the last of a repeated key, by
    /// rewriting their bytes; nothing moves when they came in order (a type whose properties
    /// are declared in key order).
    private func orderMembers(from first: Int) {
        let text = out.bytes
        let count = members.count - first
        var isOrdered = true
        for index in first + 1..<members.count where Self.compareKeys(members[index - 1], members[index], in: text) >= 0 {
            isOrdered = false
            break
        }
        if isOrdered { return }
        let regionStart = members[first].start
        let regionLength = out.count - regionStart
        // Scratch on the stack: the members' order, and a copy of their bytes to write back from.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { order in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: regionLength) { region in
                members.withUnsafeBufferPointer { all in
                    let members = UnsafeBufferPointer(rebasing: all[first...])
                    // By key, then by arrival (an insertion sort keeps it): of a repeated key, the
                    // last in this order came last. Objects are small; a large one (a dictionary's)
                    // is sorted by the library.
                    if count <= 32 {
                        for index in 0..<count {
                            var place = index
                            while place > 0, Self.compareKeys(members[order[place - 1]], members[index], in: text) > 0 {
                                order[place] = order[place - 1]
                                place -= 1
                            }
                            order[place] = index
                        }
                    } else {
                        for index in 0..<count { order[index] = index }
                        var sorted = order
                        sorted.sort { a, b in
                            let comparison = Self.compareKeys(members[a], members[b], in: text)
                            return comparison != 0 ? comparison < 0 : a < b
                        }
                    }
                    _ = region.initialize(from: UnsafeRawBufferPointer(rebasing: text[regionStart...]).bindMemory(to: UInt8.self))
                    let copy = UnsafeRawBufferPointer(region)
                    var wrote = false
                    out.removeAll(after: regionStart)
                    for position in 0..<count {
                        let member = members[order[position]]
                        // Compared in the copy: the buffer's bytes are being rewritten.
                        if position + 1 < count, Self.compareKeys(member, members[order[position + 1]], in: copy, offset: regionStart) == 0 {
                            continue
                        }
                        if wrote { out.append(UInt8(ascii: ",")) }
                        out.append(bytes: UnsafeBufferPointer(rebasing: region[member.start - regionStart..<member.end - regionStart]))
                        wrote = true
                    }
                }
            }
        }
    }

    /// The order of two members' keys: their bytes inside the quotes, compared as bytes (code
    /// points, since none is escaped). `text` holds the members' bytes from `offset`.
    @inline(__always)
    private static func compareKeys(_ a: Member, _ b: Member, in text: UnsafeRawBufferPointer, offset: Int = 0) -> Int {
        let base = text.baseAddress! - offset + 1
        let common = min(a.keyLength, b.keyLength) - 2
        // Keys mostly differ in their first byte, which decides alone.
        if common > 0 {
            let first = base.load(fromByteOffset: a.start, as: UInt8.self)
            let other = base.load(fromByteOffset: b.start, as: UInt8.self)
            if first != other { return Int(first) - Int(other) }
        }
        let order = common == 0 ? 0 : Int(memcmp(base + a.start, base + b.start, common))
        return order != 0 ? order : a.keyLength - b.keyLength
    }

    // MARK: Encoder

    // An encoder kept by a value and asked for a container after its encoding ended has no
    // frame to write to: it gives up, and its containers' writes go nowhere.

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        guard !frames.isEmpty else {
            abandon()
            return JSONTreeEncoder().container(keyedBy: type)
        }
        openObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, frame: top))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        guard !frames.isEmpty else {
            abandon()
            return JSONTreeEncoder().unkeyedContainer()
        }
        openArray()
        return UnkeyedContainer(encoder: self, frame: top)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        guard !frames.isEmpty else {
            abandon()
            return JSONTreeEncoder().singleValueContainer()
        }
        return SingleValueContainer(encoder: self, frame: top)
    }
}
