public import HTTPTypes

extension Response {
    /// A 304 Not Modified built from the headers a 200 would have had: it keeps `Cache-Control`,
    /// `Content-Location`, `Date`, `ETag`, `Expires` and `Vary` and drops the rest, content
    /// fields included (https://www.rfc-editor.org/rfc/rfc9110#section-15.4.5).
    public static func notModified(from fields: HTTPFields) -> Response {
        var kept = HTTPFields()
        kept.reserveCapacity(fields.count + 8)
        for field in fields {
            // Compared by canonical name (lowercase), one string comparison per case.
            switch field.name.canonicalName {
            case "cache-control", "content-location", "date", "etag", "expires", "vary": kept.append(field)
            default: continue
            }
        }
        return Response(status: .notModified, headerFields: kept)
    }
}
