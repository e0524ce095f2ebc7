public import HTTPTypes

extension Response {
    /// A 304 Not Modified built from the headers a 200 would have had: it keeps `Cache-Control`,
    /// `Content-Location`, `Date`, `ETag`, `Expires` and `Vary` and drops the rest, content
    /// fields included (https://www.rfc-editor.org/rfc/rfc9110#section-15.4.5).
    public static func notModified(from fields: HTTPFields) -> Response {
        var kept = HTTPFields()
        for field in fields {
            switch field.name {
            case .cacheControl, .contentLocation, .date, .eTag, .expires, .vary: kept.append(field)
            default: continue
            }
        }
        return Response(status: .notModified, headerFields: kept)
    }
}
