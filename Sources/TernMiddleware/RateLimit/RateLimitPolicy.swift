/// A token-bucket quota: `quota` requests, refilled evenly over `window` seconds, so a client
/// may burst up to `quota` and then sustain `quota / window` per second.
///
/// Advertised with the RateLimit fields of draft-ietf-httpapi-ratelimit-headers-11:
/// `RateLimit-Policy: "default";q=100;w=1`.
public struct RateLimitPolicy: Sendable, Hashable {
    /// The policy's name, an sf-string in the fields.
    public var name: String
    /// Requests per window: the bucket's size.
    public var quota: Int
    /// The window in whole seconds.
    public var windowSeconds: Int

    /// - Precondition: `quota` and `windowSeconds` are positive; `name` is printable ASCII.
    public init(name: String = "default", quota: Int, windowSeconds: Int) {
        precondition(quota > 0 && windowSeconds > 0, "a rate limit needs a positive quota and window")
        precondition(name.utf8.allSatisfy { (0x20...0x7E).contains($0) }, "a policy name is printable ASCII")
        self.name = name
        self.quota = quota
        self.windowSeconds = windowSeconds
    }

    /// Tokens per second.
    var refillRate: Double { Double(quota) / Double(windowSeconds) }

    /// The name as an sf-string (RFC 9651 section 3.3.3).
    var quotedName: String {
        "\"" + name.replacingBackslashAndQuote() + "\""
    }

    /// `RateLimit-Policy`'s value.
    public var policyFieldValue: String {
        "\(quotedName);q=\(quota);w=\(windowSeconds)"
    }
}

extension String {
    fileprivate func replacingBackslashAndQuote() -> String {
        var out = ""
        for character in self {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
