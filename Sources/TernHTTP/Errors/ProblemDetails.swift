public import HTTPTypes

/// An RFC 9457 problem details object, rendered as `application/problem+json`
/// (https://www.rfc-editor.org/rfc/rfc9457#section-3).
///
/// `type` defaults to `about:blank`, whose `title` is the status's reason phrase
/// (https://www.rfc-editor.org/rfc/rfc9457#section-4.2.1). Tern always sends a `detail`
/// (section 3.1.4), one sentence for the client, never an error's internal description;
/// `instance` (section 3.1.5) is the request's path whenever the request target was read.
/// Extension members (section 3.2), such as a validation error's `errors`, follow the
/// standard ones.
public struct ProblemDetails: Sendable, Hashable {
    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    public var type: String
    /// A short summary of the type, the same for every occurrence.
    public var title: String
    /// The HTTP status, repeated in the body.
    public var status: HTTPResponse.Status
    /// This occurrence, for the client.
    public var detail: String
    /// A URI reference to this occurrence; Tern sets the request path.
    public var instance: String?
    /// Extension members, in order; names must differ from the standard members'.
    public var extensions: [JSONValue.Member]

    /// A problem with `status`; `title` defaults to its reason phrase.
    public init(
        status: HTTPResponse.Status,
        type: String = "about:blank",
        title: String? = nil,
        detail: String,
        instance: String? = nil,
        extensions: [JSONValue.Member] = []
    ) {
        self.status = status
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.instance = instance
        self.extensions = extensions
    }

    /// The JSON object, members in a fixed order.
    public var json: [UInt8] {
        var out: [UInt8] = Array("{\"type\":".utf8)
        JSONString.append(type, to: &out)
        out.append(contentsOf: ",\"title\":".utf8)
        JSONString.append(title, to: &out)
        out.append(contentsOf: ",\"status\":\(status.code)".utf8)
        out.append(contentsOf: ",\"detail\":".utf8)
        JSONString.append(detail, to: &out)
        if let instance {
            out.append(contentsOf: ",\"instance\":".utf8)
            JSONString.append(instance, to: &out)
        }
        for member in extensions {
            out.append(UInt8(ascii: ","))
            JSONString.append(member.name, to: &out)
            out.append(UInt8(ascii: ":"))
            member.value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension Response {
    /// A response carrying `problem` as `application/problem+json`.
    public init(problem: ProblemDetails, headerFields: HTTPFields = [:]) {
        var fields = headerFields
        fields[.contentType] = "application/problem+json"
        self.init(status: problem.status, headerFields: fields, body: .bytes(problem.json))
    }
}
