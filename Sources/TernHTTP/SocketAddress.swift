/// An IP endpoint as text: the host in its usual notation and the port.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// `127.0.0.1`, `::1`, ...
    public var host: String
    /// The port.
    public var port: Int

    /// The address `host`, `port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with an IPv6 host in brackets (https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2).
    public var description: String {
        host.utf8.contains(UInt8(ascii: ":")) ? "[" + host + "]:" + String(port) : host + ":" + String(port)
    }
}
