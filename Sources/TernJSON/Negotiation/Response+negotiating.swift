public import HTTPTypes
public import TernHTTP

extension Response {
    /// `value` in the representation the request's `Accept` prefers among `representations`
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1): q-values and specificity
    /// decide, `q=0` excludes, ties go to the earlier representation, and no `Accept` (or
    /// `*/*`) gets the first. Adds `Vary: Accept` (section 12.5.5).
    ///
    /// An `ETag` in `headerFields` is the first representation's; for the others its opaque
    /// part gets `-` and the subtype appended (`"7-3"` → `"7-3-xml"`), since a strong tag
    /// must differ between representations (section 8.8.3).
    ///
    /// A 200 to GET or HEAD whose `headerFields` carry validators (`ETag`, `Last-Modified`)
    /// answers the request's preconditions first (https://www.rfc-editor.org/rfc/rfc9110#section-13.2.2),
    /// without rendering: 304 Not Modified with the fields section 15.4.5 keeps, or 412.
    ///
    /// - Throws: 406 Not Acceptable, listing the available types in `Accept`-ready form in
    ///   `detail` and as an `available` array, when none is acceptable; 412 when a precondition
    ///   fails.
    ///
    /// ```swift
    /// return try Response(negotiating: user, for: request, representations: [.json, .xml(root: "user")],
    ///                     headerFields: [.eTag: tag.description])
    /// ```
    public init<Value: Sendable>(
        negotiating value: Value, for request: Request, representations: [Representation<Value>],
        status: HTTPResponse.Status = .ok, headerFields: HTTPFields = [:]
    ) throws {
        precondition(!representations.isEmpty, "negotiation needs at least one representation")
        let chosen = try Self.choose(representations, for: request)
        var fields = headerFields
        fields[.contentType] = chosen.contentType.description
        fields.appendVary("Accept")
        var tag: EntityTag?
        if let value = fields[.eTag], let declared = EntityTag(parsing: value), let index = representations.firstIndex(where: { $0.contentType == chosen.contentType }) {
            tag = representations.entityTags(for: declared)[index]
            fields[.eTag] = tag?.description
        }
        if status == .ok, request.method == .get || request.method == .head {
            let lastModified = fields[.lastModified].flatMap { HTTPDate($0) }
            switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: tag, lastModified: lastModified) {
            case .notModified:
                self = .notModified(from: fields)
                return
            case .preconditionFailed:
                throw HTTPError(.preconditionFailed, detail: "a precondition of the request does not hold for the current representation")
            case .proceed, .proceedIgnoringRange:
                break
            }
        }
        self.init(status: status, headerFields: fields, body: .bytes(try chosen.render(value)))
    }

    private static func choose<Value: Sendable>(_ representations: [Representation<Value>], for request: Request) throws -> Representation<Value> {
        guard let accept = Accept(fieldValues: request.headerFields[values: .accept]) else { return representations[0] }
        let types = representations.map(\.contentType.withoutParameters)
        guard let best = accept.bestMatch(in: types), let index = types.firstIndex(of: best) else {
            let available = types.map(\.description)
            throw HTTPError(
                .notAcceptable, detail: "available representations: " + available.joined(separator: ", "),
                headerFields: [.vary: "Accept"], extensions: [.init("available", .array(available.map(JSONValue.string)))])
        }
        return representations[index]
    }
}
