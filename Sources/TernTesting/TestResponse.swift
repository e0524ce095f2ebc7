/// A response as read off the wire, for assertions.
public struct TestResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The reason phrase.
    public var reason: String
    /// The fields in order, names as sent.
    public var fields: [(name: String, value: String)]
    /// The body, de-chunked.
    public var body: [UInt8]
    /// Whether the body was sent with chunked transfer coding.
    public var wasChunked: Bool

    /// The value of the first field named `name` (case-insensitive).
    public func field(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of the fields named `name`.
    public func fields(_ name: String) -> [String] {
        fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
