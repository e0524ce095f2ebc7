public import HTTPTypes
public import TernHTTP

/// One page of a collection: `{"items": [...], "next_cursor": "..." | null}`.
///
/// Fetch one item more than the limit to learn whether another page follows:
/// ```swift
/// let request = try request.pageRequest()
/// let rows = try await store.users(after: request.cursor, limit: request.limit + 1)
/// let page = Page(items: rows, limit: request.limit) { PageCursor(position: String($0.id)) }
/// return try Response(negotiating: page, for: request, representations: [.json, .xml(root: "users")],
///                     headerFields: page.linkFields(for: request))
/// ```
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    /// The page's items, at most `limit`.
    public let items: [Item]
    /// Where the next page starts; nil on the last page.
    public let nextCursor: PageCursor?
    /// The limit the page was cut at, repeated in the `next` link.
    public let limit: Int

    /// A page of `items` followed by `nextCursor` (nil: the last page).
    public init(items: [Item], nextCursor: PageCursor?, limit: Int) {
        self.items = items
        self.nextCursor = nextCursor
        self.limit = limit
    }

    /// A page of at most `limit` of `fetched` (which may hold one more, meaning a next page
    /// exists); the cursor points after the last item kept.
    public init(items fetched: [Item], limit: Int, position: (Item) -> PageCursor) {
        let kept = Array(fetched.prefix(limit))
        self.init(items: kept, nextCursor: fetched.count > limit ? kept.last.map(position) : nil, limit: limit)
    }

    private enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor?.encoded, forKey: .nextCursor)
    }

    /// `Link: <path?limit=N&cursor=C>; rel="next"` while a next page exists
    /// (https://www.rfc-editor.org/rfc/rfc8288#section-3; the target is relative to the
    /// request's URL).
    public func linkFields(for request: Request) -> HTTPFields {
        guard let nextCursor else { return [:] }
        return [Page.linkField: "<\(request.path)?limit=\(limit)&cursor=\(nextCursor.encoded)>; rel=\"next\""]
    }

    static var linkField: HTTPField.Name { HTTPField.Name("Link")! }
}
