#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@_spi(Tern) import TernHTTP

/// An `Encoder` that builds a `JSONTree` directly: no Foundation object graph, no second
/// pass through `JSONSerialization`. Object members come out sorted by key (code-point
/// order, the last value winning when a key is encoded twice), so the text of a value is the
/// same on every run and platform, which an ETag hashed from a body needs.
///
/// Values map as `JSONCoding.encoder()` maps them: `Date` as an RFC 3339 timestamp in UTC
/// with whole seconds, `Data` as Base64, `URL` as its absolute string, `Decimal` as a
/// number; `nil` optionals skipped by `encodeIfPresent`; NaN and infinities refused.
final class JSONTreeEncoder: Encoder {
    /// The path of the value this encoder encodes: its container's path and its own key.
    /// Kept in two parts and joined only when asked for (errors, a value's own `encode`),
    /// so encoding a member allocates no path.
    private let basePath: [any CodingKey]
    private let key: (any CodingKey)?
    let userInfo: [CodingUserInfoKey: Any] = [:]
    /// What the value asked for: a container, or a single value.
    // Used by one encoding on one thread, one statement at a time: no dynamic exclusivity check.
    @exclusivity(unchecked) private(set) var root: Node?

    var codingPath: [any CodingKey] { key.map { basePath + [$0] } ?? basePath }

    init(basePath: [any CodingKey] = [], key: (any CodingKey)? = nil) {
        self.basePath = basePath
        self.key = key
    }

    /// Encodes `value` into a tree, for the renderers of other formats.
    static func tree(of value: some Encodable) throws -> JSONTree {
        try node(for: value, basePath: [], key: nil).tree
    }

    /// Appends `value`'s compact JSON text to `out`.
    static func write(_ value: some Encodable, to out: inout OutputBuffer) throws {
        try node(for: value, basePath: [], key: nil).write(to: &out)
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

    /// A value while its containers may still grow. Leaves keep their Swift values (no
    /// text is made until the value is written), and nothing is boxed: objects and arrays
    /// are the builders' references.
    enum Node {
        case null
        case bool(Bool)
        case integer(Int64)
        case unsignedInteger(UInt64)
        /// A finite number.
        case double(Double)
        /// Text that is already a JSON number (a `Decimal`'s).
        case number(String)
        case string(String)
        /// A `Date`, as whole seconds since 1970, written as RFC 3339 in UTC.
        case date(Int64)
        case object(ObjectBuilder)
        case array(ArrayBuilder)
        /// A value encoded through its own encoder (`superEncoder`), read when written.
        case deferred(JSONTreeEncoder)

        var object: ObjectBuilder? { if case .object(let builder) = self { builder } else { nil } }
        var array: ArrayBuilder? { if case .array(let builder) = self { builder } else { nil } }

        var tree: JSONTree {
            switch self {
            case .null: .null
            case .bool(let value): .bool(value)
            case .integer(let value): .number(String(value))
            case .unsignedInteger(let value): .number(String(value))
            case .double(let value): .number(JSONTreeEncoder.text(of: value))
            case .number(let text): .number(text)
            case .string(let value): .string(value)
            case .date(let seconds): .string(JSONTreeEncoder.text(ofDate: seconds))
            case .object(let builder): .object(builder.sortedMembers.map { ($0.0, $0.1.tree) })
            case .array(let builder): .array(builder.items.map(\.tree))
            case .deferred(let encoder): encoder.root?.tree ?? .object([])
            }
        }

        /// Appends the value's compact JSON text.
        func write(to out: inout OutputBuffer) {
            switch self {
            case .null: out.append(ascii: "null")
            case .bool(let value): value ? out.append(ascii: "true") : out.append(ascii: "false")
            case .integer(let value): out.append(decimal: value)
            case .unsignedInteger(let value): out.append(unsignedDecimal: value)
            case .double(let value): out.append(utf8Of: JSONTreeEncoder.text(of: value))
            case .number(let text): out.append(utf8Of: text)
            case .string(let value): out.append(jsonString: value)
            case .date(let seconds):
                out.append(UInt8(ascii: "\""))
                out.append(rfc3339SecondsSince1970: seconds, milliseconds: nil)
                out.append(UInt8(ascii: "\""))
            case .object(let builder):
                out.append(UInt8(ascii: "{"))
                for (index, (key, node)) in builder.sortedMembers.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(jsonString: key)
                    out.append(UInt8(ascii: ":"))
                    node.write(to: &out)
                }
                out.append(UInt8(ascii: "}"))
            case .array(let builder):
                out.append(UInt8(ascii: "["))
                for (index, item) in builder.items.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    item.write(to: &out)
                }
                out.append(UInt8(ascii: "]"))
            case .deferred(let encoder):
                (encoder.root ?? .object(ObjectBuilder())).write(to: &out)
            }
        }
    }

    final class ObjectBuilder {
        /// The members in key order, the last of a repeated key kept: each is put in its
        /// place as it comes, so writing needs no sort and no copy.
        @exclusivity(unchecked) private(set) var sortedMembers: [(String, Node)] = []

        init() {
            sortedMembers.reserveCapacity(8)
        }

        func set(_ key: String, _ node: Node) {
            JSONTree.insert(key, node, intoSorted: &sortedMembers)
        }
    }

    final class ArrayBuilder {
        @exclusivity(unchecked) var items: [Node] = []
    }

    /// The node for one value: primitives and Foundation's special types directly, anything
    /// else through a nested encoder. `basePath` and `key` locate the value, for errors.
    static func node<T: Encodable>(for value: T, basePath: [any CodingKey], key: (any CodingKey)?) throws -> Node {
        if let leaf = try leaf(value, at: key.map { basePath + [$0] } ?? basePath) { return leaf }
        let encoder = JSONTreeEncoder(basePath: basePath, key: key)
        try value.encode(to: encoder)
        return encoder.root ?? .object(ObjectBuilder())
    }

    /// The node of a value written without its own `encode(to:)`: JSON's own values and
    /// Foundation's special types (`Date`, `URL`, `Data`, `Decimal`); nil for any other value.
    /// `codingPath` locates the value, for the error NaN and infinities get.
    static func leaf<T: Encodable>(_ value: T, at codingPath: @autoclosure () -> [any CodingKey]) throws -> Node? {
        // Metatype comparisons, not `as?` casts: this function is not specialized for the
        // caller's types, and a dynamic cast costs a conformance lookup per value.
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Date.self {
            return .date(Int64(unsafeBitCast(value, to: Date.self).timeIntervalSince1970.rounded(.down)))
        }
        if T.self == Int.self { return .integer(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Int64.self { return .integer(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Double.self { return try number(unsafeBitCast(value, to: Double.self), at: codingPath()) }
        if T.self == URL.self { return .string((value as! URL).absoluteString) }
        if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if T.self == Decimal.self { return .number((value as! Decimal).description) }
        return nil
    }

    /// A finite floating-point number; NaN and infinities are refused.
    static func number(_ value: Double, at codingPath: @autoclosure () -> [any CodingKey]) throws -> Node {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath(), debugDescription: "JSON has no NaN or infinity"))
        }
        return .double(value)
    }

    /// Integral values without a fraction (`2`, not `2.0`), others in the shortest form that
    /// reads back to the same value.
    static func text(of value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    static func text(ofDate seconds: Int64) -> String {
        var out: [UInt8] = []
        RFC3339.append(secondsSince1970: seconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Any integer: as `Int64` when it fits, else as `UInt64` (every Swift integer fits one).
    static func integer(_ value: some BinaryInteger) -> Node {
        if let signed = Int64(exactly: value) { return .integer(signed) }
        return .unsignedInteger(UInt64(value))
    }
}
