/// A file name a client may ask for: one path component, inside the served folder.
///
/// Refused (the caller answers 404, never saying why): empty; `.` or `..` or any name
/// starting with `.` (dotfiles); `/`, `\`, NUL or any other control character; longer than
/// 255 bytes (NAME_MAX). The name is checked after percent-decoding, so `%2e%2e`, `%2F` and
/// `%00` are refused the same way as what they decode to.
enum FileName {
    static func isSafe(_ name: String) -> Bool {
        // Over the string's contiguous UTF-8, which every native string has: the view's
        // iterator checks the string's representation again at every byte.
        name.utf8.withContiguousStorageIfAvailable(isSafe) ?? isSafe(Array(name.utf8))
    }

    private static func isSafe(_ bytes: some Collection<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 255, bytes.first != UInt8(ascii: ".") else { return false }
        return !bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }
    }
}
