/// The parameters a route matched, by name: `{id}` in `/users/{id}`, and `*`/`**` captures.
///
/// ```swift
/// let id = try context.parameters.require("id", as: Int.self)   // 400 when not an Int
/// ```
public struct Parameters: Sendable, Hashable {
    private var storage: [(name: String, value: String)] = []

    /// No parameters.
    public init() {}

    /// These name and value pairs, in order.
    public init(_ pairs: [(name: String, value: String)]) {
        storage = pairs
    }

    public static func == (lhs: Parameters, rhs: Parameters) -> Bool {
        lhs.storage.elementsEqual(rhs.storage) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in storage {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }

    /// The value named `name`, percent-decoded; nil when the route has no such parameter.
    public subscript(name: String) -> String? {
        storage.first { $0.name == name }?.value
    }

    /// The value named `name` converted to `T`; throws a 400 `HTTPError` naming the parameter
    /// when it is missing or does not convert.
    public func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self) throws(HTTPError) -> T {
        guard let text = self[name] else {
            throw HTTPError(.badRequest, detail: "missing path parameter '\(name)'")
        }
        guard let value = T(text) else {
            throw HTTPError(.badRequest, detail: "path parameter '\(name)' is not a valid \(T.self)")
        }
        return value
    }

    /// Adds a parameter (the router does this while matching).
    public mutating func append(name: String, value: String) {
        storage.append((name, value))
    }

    /// Drops the last parameter (the router does this when it backtracks).
    public mutating func removeLast() {
        storage.removeLast()
    }

    /// How many parameters there are.
    public var count: Int { storage.count }

    /// Every name and value, percent-decoded, in the order of the route's template.
    public var pairs: [(name: String, value: String)] { storage }
}
