/// The segments of a request's path, as the trie walks them: each segment's bytes and where
/// the next one starts, read in place without making a string per segment
/// (https://www.rfc-editor.org/rfc/rfc3986#section-3.3).
protocol PathSegments {
    /// Where the first segment starts.
    var first: Int { get }
    /// Whether `position` is past the last segment.
    func isEnd(_ position: Int) -> Bool
    /// The segment at `position`, decoded, and the position of the one after it.
    func segment(at position: Int) -> (bytes: UnsafeBufferPointer<UInt8>, next: Int)
    /// The segments from `position` to the end, joined by `/` (a catch-all's value).
    func rest(from position: Int) -> String
}

/// A path's segments as sent: its own bytes between slashes, what a path with no `%` is
/// matched on. `/` alone has none; `/a/` has two, the second empty.
struct PlainPathSegments: PathSegments {
    /// The path, from its leading `/`.
    let path: UnsafeBufferPointer<UInt8>

    var first: Int { path.count == 1 ? path.count + 1 : 1 }

    func isEnd(_ position: Int) -> Bool { position > path.count }

    func segment(at position: Int) -> (bytes: UnsafeBufferPointer<UInt8>, next: Int) {
        var end = position
        while end < path.count, path[end] != UInt8(ascii: "/") { end += 1 }
        return (UnsafeBufferPointer(rebasing: path[position..<end]), end + 1)
    }

    func rest(from position: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: path[position...]), as: UTF8.self)
    }
}

/// A path's segments percent-decoded one by one, laid end to end: a decoded `/` (`%2F`)
/// stays inside its segment. A position is a segment's index.
struct DecodedPathSegments: PathSegments {
    /// Every segment's decoded bytes, one after another.
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where each segment ends in `bytes`.
    let ends: UnsafeBufferPointer<Int>

    var first: Int { 0 }

    func isEnd(_ position: Int) -> Bool { position >= ends.count }

    func segment(at position: Int) -> (bytes: UnsafeBufferPointer<UInt8>, next: Int) {
        let start = position == 0 ? 0 : ends[position - 1]
        return (UnsafeBufferPointer(rebasing: bytes[start..<ends[position]]), position + 1)
    }

    func rest(from position: Int) -> String {
        (position..<ends.count).map { String(decoding: segment(at: $0).bytes, as: UTF8.self) }.joined(separator: "/")
    }
}
