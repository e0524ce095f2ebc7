import Foundation
import TernHTTP

/// An `Encoder` that builds a `JSONTree` directly: no Foundation object graph, no second
/// pass through `JSONSerialization`. Object members come out sorted by key (code-point
/// order, the last value winning when a key is encoded twice), so the text of a value is the
/// same on every run and platform, which an ETag hashed from a body needs.
///
/// Values map as `JSONCoding.encoder()` maps them: `Date` as an RFC 3339 timestamp in UTC
/// with whole seconds, `Data` as Base64, `URL` as its absolute string, `Decimal` as a
/// number; `nil` optionals skipped by `encodeIfPresent`; NaN and infinities refused.
final class JSONTreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]
    /// What the value asked for: a container, or a single value.
    private(set) var root: Node?

    init(codingPath: [any CodingKey] = []) {
        self.codingPath = codingPath
    }

    /// Encodes `value` into a tree.
    static func tree(of value: some Encodable) throws -> JSONTree {
        try node(for: value, at: []).tree
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object = root?.object ?? ObjectBuilder()
        root = .object(object)
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array = root?.array ?? ArrayBuilder()
        root = .array(array)
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self)
    }

    func setSingle(_ node: Node) {
        root = node
    }

    /// A value while its containers may still grow; `tree` freezes it.
    enum Node {
        case leaf(JSONTree)
        case object(ObjectBuilder)
        case array(ArrayBuilder)
        /// A value encoded through its own encoder (`superEncoder`), read when frozen.
        case deferred(JSONTreeEncoder)

        var object: ObjectBuilder? { if case .object(let builder) = self { builder } else { nil } }
        var array: ArrayBuilder? { if case .array(let builder) = self { builder } else { nil } }

        var tree: JSONTree {
            switch self {
            case .leaf(let tree): tree
            case .object(let builder): builder.tree
            case .array(let builder): .array(builder.items.map(\.tree))
            case .deferred(let encoder): encoder.root?.tree ?? .object([])
            }
        }
    }

    final class ObjectBuilder {
        var members: [(key: String, node: Node)] = []

        var tree: JSONTree {
            .object(JSONTree.sortedByKey(members.map { ($0.key, $0.node) }).map { ($0.0, $0.1.tree) })
        }
    }

    final class ArrayBuilder {
        var items: [Node] = []
    }

    /// The node for one value: primitives and Foundation's special types directly, anything
    /// else through a nested encoder.
    static func node<T: Encodable>(for value: T, at codingPath: [any CodingKey]) throws -> Node {
        // Metatype comparisons, not `as?` casts: this function is not specialized for the
        // caller's types, and a dynamic cast costs a conformance lookup per value.
        if T.self == String.self { return .leaf(.string(unsafeBitCast(value, to: String.self))) }
        if T.self == Date.self {
            let date = unsafeBitCast(value, to: Date.self)
            var out: [UInt8] = []
            RFC3339.append(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)), to: &out)
            return .leaf(.string(String(decoding: out, as: UTF8.self)))
        }
        if T.self == Int.self { return integer(unsafeBitCast(value, to: Int.self)) }
        if T.self == Int64.self { return integer(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Bool.self { return .leaf(.bool(unsafeBitCast(value, to: Bool.self))) }
        if T.self == Double.self { return .leaf(try number(unsafeBitCast(value, to: Double.self), at: codingPath)) }
        if T.self == URL.self { return .leaf(.string((value as! URL).absoluteString)) }
        if T.self == Data.self { return .leaf(.string((value as! Data).base64EncodedString())) }
        if T.self == Decimal.self { return .leaf(.number((value as! Decimal).description)) }
        let encoder = JSONTreeEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.root ?? .leaf(.object([]))
    }

    /// A finite floating-point number: integral values without a fraction (`2`, not `2.0`),
    /// others in the shortest form that reads back to the same value.
    static func number(_ value: Double, at codingPath: [any CodingKey]) throws -> JSONTree {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "JSON has no NaN or infinity"))
        }
        if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
        return .number(value.description)
    }

    static func integer(_ value: some BinaryInteger) -> Node {
        .leaf(.number(String(value)))
    }
}
