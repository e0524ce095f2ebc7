import HTTPTypes
#if canImport(Glibc)
import Glibc
#endif

/// The request a connection's last head made, without its fields, and what it was made from:
/// a client on a keep-alive connection sends the same `Host` again and again, often the same
/// method and target too. A head that matches reuses it, skipping the `Host` check, the
/// authority's string and the four pseudo-fields `HTTPRequest` makes and validates.
struct RecentRequest {
    let method: HTTPRequest.Method
    let path: String
    /// The `Host` value's bytes, as received (nil when the head had none).
    let host: [UInt8]?
    let request: HTTPRequest

    /// Whether `line` with `host` makes the same request: same method, same origin-form target
    /// and the same `Host` bytes. An absolute-form target (its own authority) never matches, and
    /// a request made from one is never kept.
    func matches(_ line: RequestLine, host: ArraySlice<UInt8>?) -> Bool {
        guard line.targetAuthority == nil, line.method == method, line.path == path else { return false }
        switch (host, self.host) {
        case (nil, nil): return true
        case (let received?, let known?):
            guard received.count == known.count else { return false }
            return known.isEmpty
                || received.withUnsafeBytes { a in known.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
        default: return false
        }
    }
}
