extension JSONTreeEncoder {
    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: ObjectBuilder
        let codingPath: [any CodingKey]

        private func set(_ node: Node, _ key: Key) {
            object.set(key.stringValue, node)
        }

        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { set(try number(value, at: codingPath + [key]), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { set(try number(Double(value), at: codingPath + [key]), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(integer(value), key) }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws { set(try node(for: value, basePath: codingPath, key: key), key) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectBuilder()
            set(.object(nested), key)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayBuilder()
            set(.array(nested), key)
            return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            let encoder = JSONTreeEncoder(basePath: codingPath, key: SuperKey())
            object.set("super", .deferred(encoder))
            return encoder
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let encoder = JSONTreeEncoder(basePath: codingPath, key: key)
            set(.deferred(encoder), key)
            return encoder
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let array: ArrayBuilder
        let codingPath: [any CodingKey]
        var count: Int { array.items.count }

        private var nextPath: [any CodingKey] { codingPath + [IndexKey(intValue: count)] }

        mutating func encodeNil() throws { array.items.append(.null) }
        mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
        mutating func encode(_ value: Double) throws { array.items.append(try number(value, at: nextPath)) }
        mutating func encode(_ value: Float) throws { array.items.append(try number(Double(value), at: nextPath)) }
        mutating func encode(_ value: Int) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: Int8) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: Int16) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: Int32) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: Int64) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: UInt) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: UInt8) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: UInt16) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: UInt32) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: UInt64) throws { array.items.append(integer(value)) }
        mutating func encode(_ value: some Encodable) throws { array.items.append(try node(for: value, basePath: codingPath, key: IndexKey(intValue: count))) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectBuilder()
            let path = nextPath
            array.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayBuilder()
            let path = nextPath
            array.items.append(.array(nested))
            return UnkeyedContainer(array: nested, codingPath: path)
        }

        mutating func superEncoder() -> any Encoder {
            let encoder = JSONTreeEncoder(basePath: codingPath, key: IndexKey(intValue: count))
            array.items.append(.deferred(encoder))
            return encoder
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: JSONTreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.setSingle(.null) }
        mutating func encode(_ value: Bool) throws { encoder.setSingle(.bool(value)) }
        mutating func encode(_ value: String) throws { encoder.setSingle(.string(value)) }
        mutating func encode(_ value: Double) throws { encoder.setSingle(try number(value, at: codingPath)) }
        mutating func encode(_ value: Float) throws { encoder.setSingle(try number(Double(value), at: codingPath)) }
        mutating func encode(_ value: Int) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: Int8) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: Int16) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: Int32) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: Int64) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: UInt) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.setSingle(integer(value)) }
        mutating func encode(_ value: some Encodable) throws { encoder.setSingle(try node(for: value, basePath: codingPath, key: nil)) }
    }

    /// `super`, for `superEncoder()`.
    struct SuperKey: CodingKey {
        var stringValue: String { "super" }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    /// An array index in a coding path.
    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
