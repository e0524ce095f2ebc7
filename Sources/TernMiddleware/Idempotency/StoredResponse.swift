public import HTTPTypes
public import TernHTTP

/// A response kept for replay: its status line, the fields that describe the result
/// (`Content-Type`, `Location`, `ETag`, `Last-Modified`, `Vary`) and its body, byte for byte.
public struct StoredResponse: Sendable, Hashable {
    /// The status code.
    public let status: Int
    /// The reason phrase sent with it.
    public let reasonPhrase: String
    /// Names and values, in the order the original response had them.
    public let fields: [Field]
    /// The body, byte for byte.
    public let body: [UInt8]

    /// One kept header field.
    public struct Field: Sendable, Hashable {
        /// The field name as sent.
        public let name: String
        /// Its value.
        public let value: String

        /// A field `name: value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields a replay repeats.
    public static let keptFields: [HTTPField.Name] = [.contentType, .location, .eTag, .lastModified, .vary]

    /// A stored response, as read back from a store.
    public init(status: Int, reasonPhrase: String, fields: [Field], body: [UInt8]) {
        self.status = status
        self.reasonPhrase = reasonPhrase
        self.fields = fields
        self.body = body
    }

    /// `response` as it will be replayed; nil when its body is not held in memory (a file or a
    /// stream cannot be stored).
    public init?(_ response: Response) {
        guard let body = response.body.bufferedBytes else { return nil }
        let fields = response.headerFields.filter { Self.keptFields.contains($0.name) }.map { Field(name: $0.name.rawName, value: $0.value) }
        self.init(status: response.status.code, reasonPhrase: response.status.reasonPhrase, fields: fields, body: body)
    }

    /// The response a replay sends: the stored one plus `Idempotent-Replayed: true`.
    public var replay: Response {
        var headerFields = HTTPFields()
        for field in fields {
            if let name = HTTPField.Name(field.name) { headerFields.append(HTTPField(name: name, value: field.value)) }
        }
        headerFields[Idempotency.replayedField] = "true"
        return Response(status: HTTPResponse.Status(code: status, reasonPhrase: reasonPhrase), headerFields: headerFields, body: .bytes(body))
    }
}
