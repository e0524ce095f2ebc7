import HTTPTypes
#if canImport(Glibc)
import Glibc
#endif

/// Field names that arrive in most requests, prebuilt in the spellings clients send (the
/// registry's capitalisation and all lowercase), so a parsed line with one of them reuses a
/// name instead of validating, copying and lowercasing its bytes. A name spelled otherwise
/// takes the general path; either way the name keeps the spelling received.
enum CommonFieldNames {
    private struct Entry {
        let spelling: [UInt8]
        let name: HTTPField.Name
    }

    private static let spellings = [
        "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Connection",
        "Content-Length", "Content-Type", "Transfer-Encoding", "Expect", "Cookie", "Authorization",
        "Cache-Control", "Pragma", "If-None-Match", "If-Match", "If-Modified-Since",
        "If-Unmodified-Since", "If-Range", "Range", "Origin", "Referer", "Upgrade", "Priority",
        "Idempotency-Key", "X-Request-Id", "X-Forwarded-For", "Sec-Fetch-Mode", "Sec-Fetch-Site",
        "Sec-Fetch-Dest", "Upgrade-Insecure-Requests", "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
    ]

    /// Entries grouped by the length of their spelling.
    private static let byLength: [[Entry]] = {
        let entries = (spellings + spellings.map { $0.lowercased() }).map { spelling in
            Entry(spelling: Array(spelling.utf8), name: HTTPField.Name(spelling)!)
        }
        let longest = entries.map(\.spelling.count).max() ?? 0
        var groups = [[Entry]](repeating: [], count: longest + 1)
        for entry in entries { groups[entry.spelling.count].append(entry) }
        return groups
    }()

    /// The prebuilt name spelled exactly as `bytes`, if there is one.
    static func name(spelled bytes: ArraySlice<UInt8>) -> HTTPField.Name? {
        let groups = byLength
        guard bytes.count < groups.count else { return nil }
        return bytes.withUnsafeBytes { received in
            for entry in groups[bytes.count] {
                let same = entry.spelling.withUnsafeBytes { memcmp($0.baseAddress!, received.baseAddress!, received.count) == 0 }
                if same { return entry.name }
            }
            return nil
        }
    }
}
