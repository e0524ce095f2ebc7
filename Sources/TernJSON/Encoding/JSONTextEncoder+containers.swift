@_spi(Tern) import TernHTTP

extension JSONTextEncoder {
    /// Writes members of the object of its frame, while that frame is the top one.
    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: JSONTextEncoder
        let frame: FramePosition
        var codingPath: [any CodingKey] { encoder.codingPath(at: frame.depth) }

        @inline(__always)
        private func write(_ key: Key, _ value: (JSONTextEncoder) throws -> Void) rethrows {
            guard encoder.mayWrite(frame) else { return }
            try encoder.member(key.stringValue) { try value(encoder) }
        }

        mutating func encodeNil(forKey key: Key) throws { write(key) { $0.out.append(ascii: "null") } }
        mutating func encode(_ value: Bool, forKey key: Key) throws { write(key) { $0.write(bool: value) } }
        mutating func encode(_ value: String, forKey key: Key) throws { write(key) { $0.out.append(jsonString: value) } }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            try write(key) { try $0.write(double: value, at: codingPath + [key]) }
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            try write(key) { try $0.write(double: Double(value), at: codingPath + [key]) }
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { write(key) { $0.out.append(decimal: Int64(value)) } }
        mutating func encode(_ value: Int8, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: Int16, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: Int32, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: Int64, forKey key: Key) throws { write(key) { $0.out.append(decimal: value) } }
        mutating func encode(_ value: UInt, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { write(key) { $0.write(integer: value) } }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws { try write(key) { try $0.write(value, key: key) } }

        // A nested container or a super encoder may be written to after later members: the
        // tree's. These give up, and hand out containers whose writes go nowhere.
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.abandon()
            return JSONTreeEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            encoder.abandon()
            return JSONTreeEncoder().unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            encoder.abandon()
            return JSONTreeEncoder()
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            encoder.abandon()
            return JSONTreeEncoder()
        }
    }

    /// Writes elements of the array of its frame, while that frame is the top one.
    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: JSONTextEncoder
        let frame: FramePosition
        private(set) var count = 0
        var codingPath: [any CodingKey] { encoder.codingPath(at: frame.depth) }

        @inline(__always)
        private mutating func write(_ value: (JSONTextEncoder, _ index: Int) throws -> Void) rethrows {
            guard encoder.mayWrite(frame) else { return }
            let encoder = encoder
            try encoder.element { index in try value(encoder, index) }
            count += 1
        }

        mutating func encodeNil() throws { write { encoder, _ in encoder.out.append(ascii: "null") } }
        mutating func encode(_ value: Bool) throws { write { encoder, _ in encoder.write(bool: value) } }
        mutating func encode(_ value: String) throws { write { encoder, _ in encoder.out.append(jsonString: value) } }
        mutating func encode(_ value: Double) throws {
            let path = codingPath
            try write { encoder, index in try encoder.write(double: value, at: path + [JSONTreeEncoder.IndexKey(intValue: index)]) }
        }
        mutating func encode(_ value: Float) throws {
            let path = codingPath
            try write { encoder, index in try encoder.write(double: Double(value), at: path + [JSONTreeEncoder.IndexKey(intValue: index)]) }
        }
        mutating func encode(_ value: Int) throws { write { encoder, _ in encoder.out.append(decimal: Int64(value)) } }
        mutating func encode(_ value: Int8) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: Int16) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: Int32) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: Int64) throws { write { encoder, _ in encoder.out.append(decimal: value) } }
        mutating func encode(_ value: UInt) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt8) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt16) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt32) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: UInt64) throws { write { encoder, _ in encoder.write(integer: value) } }
        mutating func encode(_ value: some Encodable) throws {
            try write { encoder, index in try encoder.write(value, key: JSONTreeEncoder.IndexKey(intValue: index)) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.abandon()
            return JSONTreeEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            encoder.abandon()
            return JSONTreeEncoder().unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            encoder.abandon()
            return JSONTreeEncoder()
        }
    }

    /// Writes the value of its frame, once.
    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: JSONTextEncoder
        let frame: FramePosition
        var codingPath: [any CodingKey] { encoder.codingPath(at: frame.depth) }

        @inline(__always)
        private func write(_ value: (JSONTextEncoder) throws -> Void) rethrows {
            guard encoder.mayWrite(frame) else { return }
            try encoder.single { try value(encoder) }
        }

        mutating func encodeNil() throws { write { $0.out.append(ascii: "null") } }
        mutating func encode(_ value: Bool) throws { write { $0.write(bool: value) } }
        mutating func encode(_ value: String) throws { write { $0.out.append(jsonString: value) } }
        mutating func encode(_ value: Double) throws { try write { try $0.write(double: value, at: codingPath) } }
        mutating func encode(_ value: Float) throws { try write { try $0.write(double: Double(value), at: codingPath) } }
        mutating func encode(_ value: Int) throws { write { $0.out.append(decimal: Int64(value)) } }
        mutating func encode(_ value: Int8) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: Int16) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: Int32) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: Int64) throws { write { $0.out.append(decimal: value) } }
        mutating func encode(_ value: UInt) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: UInt8) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: UInt16) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: UInt32) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: UInt64) throws { write { $0.write(integer: value) } }
        mutating func encode(_ value: some Encodable) throws { try write { try $0.write(value, key: nil) } }
    }
}
