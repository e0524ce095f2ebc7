#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings ordered by their UTF-8 bytes, which is code-point order: how JSON object keys and
/// log metadata are sorted, the same on every platform and for every locale.
package enum UTF8Order {
    /// Negative, zero (the same bytes) or positive. Keys mostly differ in their first byte,
    /// which decides alone.
    package static func compare(_ first: String, _ second: String) -> Int {
        if let a = first.utf8.first, let b = second.utf8.first, a != b { return Int(a) - Int(b) }
        var first = first
        var second = second
        return first.withUTF8 { a in
            second.withUTF8 { b in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : Int(memcmp(a.baseAddress!, b.baseAddress!, common))
                return order != 0 ? order : a.count - b.count
            }
        }
    }
}
