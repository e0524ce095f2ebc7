/// Sizes past which the HTTP/1.1 parser refuses a request.
public struct HTTP1Limits: Sendable, Hashable {
    /// Longest request target; past it, 414 (https://www.rfc-editor.org/rfc/rfc9112#section-3).
    public var maxTargetLength: Int = 8 * 1024
    /// Longest request head (request line, fields and the empty line); past it, 431
    /// (https://www.rfc-editor.org/rfc/rfc6585#section-5).
    public var maxHeadLength: Int = 16 * 1024
    /// Most field lines in a head (and in a trailer section); past it, 431.
    public var maxFieldCount: Int = 100
    /// Largest request content a handler reads, for routes that set no limit of their own
    /// (`RequestBody.limit`); past it, 413 — before any of it is read when `Content-Length`
    /// announces it (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14).
    public var maxBodyLength: Int = 1024 * 1024
    /// Longest chunk-size line, extensions included; past it, 400.
    public var maxChunkLineLength: Int = 4 * 1024

    /// The defaults: 8 KiB target, 16 KiB head, 100 fields, 1 MiB body.
    public init() {}
}
