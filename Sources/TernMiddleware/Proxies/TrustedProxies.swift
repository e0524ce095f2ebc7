public import HTTPTypes
public import TernHTTP

/// Finds the client behind trusted proxies (a load balancer on the same network) from
/// `X-Forwarded-For`, for the middleware after it: the anonymous rate limit's key and the
/// access log's `client`.
///
/// Only when the peer is in `trusted`: the field lines are read as one comma-separated list
/// (RFC 9110 section 5.3) and walked from the right, past trusted addresses; the first one that
/// is not trusted is the client (the rightmost untrusted: the leftmost entries are whatever
/// the client wrote). When every entry is trusted, the leftmost is. An entry that is not an
/// address ends the walk: the client is the last trusted hop before it. From any other peer
/// the field is ignored. `Forwarded` (RFC 7239) is not read. Put it first in the chain:
///
/// ```swift
/// router.use(TrustedProxies([IPAddressRange("10.0.0.0/8")!]))
/// ```
public struct TrustedProxies: SynchronousMiddleware {
    /// `X-Forwarded-For`.
    public static let forwardedForField = HTTPField.Name("X-Forwarded-For")!

    private let trusted: [IPAddressRange]
    private let unixSocketPeers: Bool

    /// Trusts peers in `trusted`, and with `unixSocketPeers` peers that have no IP address: those
    /// of a server listening on a Unix domain socket (`ServerConfiguration.unixSocketPath`),
    /// whom the socket file's permissions let in (a load balancer on the same machine).
    public init(_ trusted: [IPAddressRange], unixSocketPeers: Bool = false) {
        self.trusted = trusted
        self.unixSocketPeers = unixSocketPeers
    }

    /// The client address found for this request, if a trusted proxy forwarded it.
    public static func forwardedClient(in context: RequestContext) -> String? {
        context.storage[ForwardedClientKey.self]
    }

    /// The client's address: the one a trusted proxy forwarded, else the peer's; nil when the
    /// transport has no address (a Unix socket's peer, when no proxy forwarded one).
    public static func clientAddress(in context: RequestContext) -> String? {
        forwardedClient(in: context) ?? context.remoteAddress?.host
    }

    public func begin(_ request: Request, context: inout RequestContext) -> Response? {
        let peer: String
        if let address = context.remoteAddress {
            guard isTrusted(address.host) else { return nil }
            peer = address.host
        } else {
            guard unixSocketPeers else { return nil }
            peer = "unix"
        }
        let lines = request.headerFields[values: Self.forwardedForField]
        guard !lines.isEmpty else { return nil }
        context.storage[ForwardedClientKey.self] = client(from: lines, peer: peer)
        return nil
    }

    /// The client for the `X-Forwarded-For` field lines `lines` received from the trusted
    /// `peer`: the rightmost untrusted entry of the list they make, as described above.
    public func client(from lines: [String], peer: String) -> String {
        let entries = lines.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpacesAndTabs }.filter { !$0.isEmpty }
        var lastTrusted = peer
        for entry in entries.reversed() {
            guard IPAddressRange.bytes(of: entry) != nil else { return lastTrusted }
            guard isTrusted(entry) else { return entry }
            lastTrusted = entry
        }
        return lastTrusted
    }

    private func isTrusted(_ address: String) -> Bool {
        trusted.contains { $0.contains(address) }
    }
}

/// Where `TrustedProxies` leaves the client it found.
enum ForwardedClientKey: ContextKey {
    typealias Value = String
}

extension Substring {
    fileprivate var trimmingSpacesAndTabs: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
