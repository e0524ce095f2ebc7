public import HTTPTypes
public import TernHTTP

extension Response {
    /// `value` as `application/json` (keys sorted, dates RFC 3339 UTC).
    ///
    /// ```swift
    /// return try Response(json: user)
    /// return try Response(json: user, status: .accepted, headerFields: [.eTag: tag.description])
    /// ```
    public init(json value: some Encodable, status: HTTPResponse.Status = .ok, headerFields: HTTPFields = [:]) throws {
        let body = try JSONCoding.encode(value)
        var fields = headerFields
        fields[.contentType] = "application/json"
        self.init(status: status, headerFields: fields, body: .bytes(body))
    }

    /// 201 Created with `Location` and the new resource as JSON
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-15.3.2).
    public static func created(json value: some Encodable, location: String, headerFields: HTTPFields = [:]) throws -> Response {
        var fields = headerFields
        fields[.location] = location
        return try Response(json: value, status: .created, headerFields: fields)
    }

    /// 204 No Content (https://www.rfc-editor.org/rfc/rfc9110#section-15.3.5).
    public static func noContent(headerFields: HTTPFields = [:]) -> Response {
        Response(status: .noContent, headerFields: headerFields)
    }
}
