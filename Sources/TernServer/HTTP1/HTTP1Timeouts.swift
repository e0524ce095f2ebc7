/// How long a connection may take at each stage before the server closes it.
public struct HTTP1Timeouts: Sendable, Hashable {
    /// A whole request head, from its first byte (or from accept, for a connection's first
    /// request). Slowloris clients are closed by this, with 408.
    public var head: Duration = .seconds(10)
    /// An open connection between requests; closed silently past it.
    public var idle: Duration = .seconds(60)
    /// Without any request content arriving while content is expected; 408 past it.
    public var bodyIdle: Duration = .seconds(30)
    /// Without any output being written while output is pending; closed past it.
    public var writeIdle: Duration = .seconds(30)
    /// After the server has decided to close, how long it keeps reading (and discarding)
    /// so the client sees the last response rather than a reset
    /// (https://www.rfc-editor.org/rfc/rfc9112#section-9.6).
    public var linger: Duration = .seconds(2)

    /// The defaults: head 10 s, idle 60 s, body and write idle 30 s.
    public init() {}
}
