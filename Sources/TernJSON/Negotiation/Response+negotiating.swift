public import HTTPTypes
public import TernHTTP

extension Response {
    /// `value` in the representation the request's `Accept` prefers among `representations`
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1): q-values and specificity
    /// decide, `q=0` excludes, ties go to the earlier representation, and no `Accept` (or
    /// `*/*`) gets the first. Adds `Vary: Accept` (section 12.5.5).
    ///
    /// `entityTag` is the first representation's validator; the others get its opaque part
    /// with `-` and their subtype appended (`"7-3"` → `"7-3-xml"`), since a strong tag must
    /// differ between representations (section 8.8.3). It and `lastModified` become `ETag`
    /// and `Last-Modified`, and a 200 to GET or HEAD answers the request's preconditions
    /// with them before rendering anything (section 13.2.2): 304 Not Modified with the
    /// fields section 15.4.5 keeps, or 412.
    ///
    /// With `bodies`, a body rendered for the same request target and strong tag is reused
    /// rather than rendered again (`RenderedBodies` says when that is sound).
    ///
    /// - Throws: 406 Not Acceptable, listing the available types in `Accept`-ready form in
    ///   `detail` and as an `available` array, when none is acceptable; 412 when a precondition
    ///   fails.
    ///
    /// ```swift
    /// return try Response(negotiating: user, for: request, representations: [.json, .xml(root: "user")],
    ///                     entityTag: user.entityTag, lastModified: user.lastModified)
    /// ```
    @inlinable
    public init<Value: Sendable>(
        negotiating value: Value, for request: Request, representations: [Representation<Value>],
        status: HTTPResponse.Status = .ok, entityTag: EntityTag? = nil, lastModified: HTTPDate? = nil,
        headerFields: HTTPFields = [:], reusing bodies: RenderedBodies? = nil
    ) throws {
        precondition(!representations.isEmpty, "negotiation needs at least one representation")
        let index = try Self.choose(representations, for: request)
        let tag = entityTag.map { representations.entityTag(for: $0, at: index) }
        let tagText = tag?.description
        if status == .ok, tag != nil || lastModified != nil, request.method == .get || request.method == .head {
            switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: tag, lastModified: lastModified) {
            case .notModified:
                self.init(status: .notModified, headerFields: Self.notModifiedFields(headerFields, tag: tagText))
                return
            case .preconditionFailed:
                throw HTTPError(.preconditionFailed, detail: "a precondition of the request does not hold for the current representation")
            case .proceed, .proceedIgnoringRange:
                break
            }
        }
        // Copied out only now: a 304 needs none of it.
        let chosen = representations[index]
        if let bodies, let tag, !tag.isWeak, let tagText {
            let rendering = try bodies.rendering(
                target: request.head.path ?? "/", tag: tagText, callerFields: headerFields, lastModified: lastModified,
                makeFields: { Self.negotiatedFields(headerFields, contentType: chosen.contentTypeField, tag: tagText, lastModified: lastModified) },
                render: { try chosen.render(value) })
            self.init(status: status, headerFields: rendering.fields, body: .bytes(rendering.body))
        } else {
            let fields = Self.negotiatedFields(headerFields, contentType: chosen.contentTypeField, tag: tagText, lastModified: lastModified)
            self.init(status: status, headerFields: fields, body: .bytes(try chosen.render(value)))
        }
    }

    /// The caller's fields with the representation's content type, `Vary: Accept`, `ETag` and
    /// `Last-Modified`.
    @usableFromInline
    static func negotiatedFields(_ headerFields: HTTPFields, contentType: HTTPField, tag: String?, lastModified: HTTPDate?) -> HTTPFields {
        var fields = headerFields
        // Room for the fields set here and those middleware add on the way out (rate limits,
        // a request id, Vary, CORS): one allocation instead of the array doubling four times.
        fields.reserveCapacity(headerFields.count + 12)
        add(contentType, to: &fields, from: headerFields)
        addVaryAccept(to: &fields, from: headerFields)
        if let tag { add(HTTPField(name: .eTag, value: tag), to: &fields, from: headerFields) }
        if let lastModified { add(HTTPField(name: .lastModified, value: lastModified.description), to: &fields, from: headerFields) }
        return fields
    }

    /// The fields of a 304 answering for a representation with `tag` (as `ETag` writes it):
    /// those of the caller's that a 304 keeps (RFC 9110 section 15.4.5), `Vary` with `Accept`,
    /// and `ETag`. A function of its two arguments alone, so each thread remembers the last it
    /// made: a client revalidating the same resource again and again gets them without a field
    /// being made.
    @usableFromInline
    static func notModifiedFields(_ headerFields: HTTPFields, tag: String?) -> HTTPFields {
        let last: LastNotModified
        if let object = lastNotModified.object {
            last = unsafeDowncast(object, to: LastNotModified.self)
            if let fields = last.fields, last.tag == tag, last.callerFields == headerFields { return fields }
        } else {
            last = LastNotModified()
            lastNotModified.object = last
        }
        var fields = Response.notModified(from: headerFields).headerFields
        addVaryAccept(to: &fields, from: headerFields)
        if let tag { add(HTTPField(name: .eTag, value: tag), to: &fields, from: headerFields) }
        (last.callerFields, last.tag, last.fields) = (headerFields, tag, fields)
        return fields
    }

    /// The 304 fields each thread made last, and what it made them from (the caller's fields,
    /// compared as `HTTPFields` compares them, and the tag). Not a generic memo: looking up a
    /// generic class's metadata on every response would cost more than the comparison.
    private final class LastNotModified {
        var callerFields: HTTPFields = [:]
        var tag: String?
        var fields: HTTPFields?
    }

    private static let lastNotModified = ThreadSlot()

    /// Sets `field` in `fields`, a list made of the caller's `original` fields and fields of
    /// other names added since: only a name `original` holds can be there already, so only
    /// `original`, a handful of fields, is searched for it.
    @usableFromInline
    static func add(_ field: consuming HTTPField, to fields: inout HTTPFields, from original: HTTPFields) {
        if original.firstIndex(named: field.name) == nil { fields.append(field) } else { fields.set(field) }
    }

    /// Adds `Accept` to `Vary` (as `add` does, searching `original` for a `Vary` to extend).
    @usableFromInline
    static func addVaryAccept(to fields: inout HTTPFields, from original: HTTPFields) {
        if original.firstIndex(named: .vary) == nil { fields.append(varyAccept) } else { fields.appendVary("Accept") }
    }

    @usableFromInline
    static let varyAccept = HTTPField(name: .vary, value: "Accept")

    /// The index of the representation to send.
    @usableFromInline
    static func choose<Value: Sendable>(_ representations: [Representation<Value>], for request: Request) throws -> Int {
        let accepts = request.headerFields[values: .accept]
        guard let accept = Accept(fieldValues: accepts) else { return 0 }
        let types = representations.map(\.contentType.withoutParameters)
        guard let best = accept.bestMatch(in: types), let index = types.firstIndex(of: best) else {
            let available = types.map(\.description)
            throw HTTPError(
                .notAcceptable, detail: "available representations: " + available.joined(separator: ", "),
                headerFields: [.vary: "Accept"], extensions: [.init("available", .array(available.map(JSONValue.string)))])
        }
        return index
    }
}
