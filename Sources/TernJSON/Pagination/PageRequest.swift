public import TernHTTP

/// What a client asked of a paginated collection: `?limit=` and `?cursor=`.
public struct PageRequest: Sendable, Hashable {
    /// How many items, at most.
    public let limit: Int
    /// Where to resume; nil for the first page.
    public let cursor: PageCursor?

    /// A request for `limit` items after `cursor`.
    public init(limit: Int, cursor: PageCursor?) {
        self.limit = limit
        self.cursor = cursor
    }
}

extension Request {
    /// The request's page: `limit` (default `defaultLimit`, 1 to `maxLimit`) and `cursor`.
    /// - Throws: 400 when `limit` is not an integer in range, either parameter is repeated,
    ///   or the cursor is not one a previous page gave out.
    ///
    /// ```swift
    /// let page = try request.pageRequest()
    /// let users = try await store.users(after: page.cursor.map { Int($0.position) }, limit: page.limit + 1)
    /// ```
    public func pageRequest(defaultLimit: Int = 20, maxLimit: Int = 100) throws(HTTPError) -> PageRequest {
        let query = try queryParameters()
        let limits = query.values("limit")
        let cursors = query.values("cursor")
        guard limits.count <= 1, cursors.count <= 1 else {
            throw HTTPError(.badRequest, detail: "limit and cursor may each be given once")
        }
        var limit = defaultLimit
        if let text = limits.first {
            guard let value = Int(text), (1...maxLimit).contains(value) else {
                throw HTTPError(.badRequest, detail: "limit must be an integer from 1 to \(maxLimit)")
            }
            limit = value
        }
        let cursor = try cursors.first.map { text throws(HTTPError) in try PageCursor(decoding: text) }
        return PageRequest(limit: limit, cursor: cursor)
    }
}
