import HTTPTypes
#if canImport(Glibc)
import Glibc
#endif

/// The request a connection's last head made, without its fields, and the `Host` it was made
/// from: a client on a keep-alive connection sends the same `Host` again and again, often the
/// same method and target too. A head with that `Host` starts from it, skipping the `Host`
/// check, the authority's string and the pseudo-fields `HTTPRequest` makes and validates; only
/// a method or a target that changed is set.
struct RecentRequest {
    /// The `Host` value's bytes, as received (nil when the head had none).
    let host: [UInt8]?
    /// `request`'s method and target, kept beside it: `HTTPRequest` parses them from its
    /// pseudo-fields at every read.
    private var method: HTTPRequest.Method
    private var path: String
    private var request: HTTPRequest

    /// The longest target and `Host` kept: a connection keeps its recent request while idle,
    /// and ten thousand idle connections must not each hold a target of several kilobytes.
    static let maxKeptLength = 256

    /// Kept from `request`, made from `line` and `host`; never one from an absolute-form target
    /// (its authority is its own), nor one whose target or `Host` is longer than `maxKeptLength`.
    init?(_ request: HTTPRequest, line: RequestLine, host: ArraySlice<UInt8>?) {
        guard line.targetAuthority == nil, line.path.utf8.count <= Self.maxKeptLength, (host?.count ?? 0) <= Self.maxKeptLength
        else { return nil }
        self.host = host.map(Array.init)
        self.method = line.method
        self.path = line.path
        self.request = request
    }

    /// The request `line` with `host` makes, when `host` is the kept one's and the target is
    /// in origin or asterisk form; the method and target are updated to `line`'s.
    mutating func request(for line: RequestLine, host: ArraySlice<UInt8>?) -> HTTPRequest? {
        guard line.targetAuthority == nil, Self.same(host, self.host) else { return nil }
        if line.method != method {
            method = line.method
            request.method = method
        }
        if line.path != path {
            // A long target is used once, not kept (`maxKeptLength`): the next head starts afresh.
            guard line.path.utf8.count <= Self.maxKeptLength else { return nil }
            path = line.path
            request.path = path
        }
        return request
    }

    private static func same(_ received: ArraySlice<UInt8>?, _ known: [UInt8]?) -> Bool {
        switch (received, known) {
        case (nil, nil): return true
        case (let received?, let known?):
            guard received.count == known.count else { return false }
            return known.isEmpty
                || received.withUnsafeBytes { a in known.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
        default: return false
        }
    }
}
