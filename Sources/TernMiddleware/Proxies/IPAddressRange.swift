#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address block in CIDR notation: `10.0.0.0/8`, `127.0.0.1` (one address),
/// `::1/128`, `fd00::/8` (RFC 4632 section 3.1; RFC 4291 section 2.3). An IPv4-mapped IPv6
/// address (`::ffff:10.1.2.3`) is matched as the IPv4 address it carries.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The first address, 4 or 16 bytes.
    private let network: [UInt8]
    private let prefixLength: Int

    /// Parses `text`; nil when it is not an address, optionally followed by `/` and a prefix
    /// length no longer than the address.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let bits = address.count * 8
        var length = bits
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...bits).contains(parsed), parts[1].allSatisfy(\.isASCII) else { return nil }
            length = parsed
        }
        prefixLength = length
        network = Self.masked(address, length)
    }

    /// Whether `address` (textual, IPv4 or IPv6) lies in the block.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address), bytes.count == network.count else { return false }
        return Self.masked(bytes, prefixLength) == network
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        network.withUnsafeBytes { bytes in
            _ = inet_ntop(network.count == 4 ? AF_INET : AF_INET6, bytes.baseAddress, &text, socklen_t(text.count))
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/\(prefixLength)"
    }

    /// The address's bytes (4 for IPv4 and IPv4-mapped IPv6, else 16), or nil.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff { return Array(bytes[12...]) }
        return bytes
    }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(8, max(0, length - index * 8))
            return kept == 8 ? byte : byte & ~(0xff >> UInt8(kept))
        }
    }
}
