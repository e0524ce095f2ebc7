public import HTTPTypes

extension HTTPFields {
    /// Adds `name` to `Vary` unless it is listed already (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5),
    /// ASCII case-insensitively, or `*` is.
    ///
    /// One pass over the lines finds `Vary`; a single line is extended in place, several are
    /// joined into one (their values combined with `, `, section 5.3).
    public mutating func appendVary(_ name: String) {
        guard let first = firstIndex(named: .vary) else {
            append(HTTPField(name: .vary, value: name))
            return
        }
        let repeated = self[index(after: first)...].contains { Self.sameName($0.name, .vary) }
        let current = repeated ? self[.vary]! : self[first].value
        guard !Self.varyLists(name, in: current) else { return }
        // A route's responses extend the same list by the same name, response after response.
        let field = Self.extended.value(for: Extension(list: current, name: name)) { HTTPField(name: .vary, value: Self.list(current, name)) }
        if repeated {
            set(field)
        } else {
            // A route's list is often a cached one, shared: this copies it, with room for the
            // lines middleware add after this one, so they do not copy it again to grow.
            reserveCapacity(count + 4)
            self[first] = field
        }
    }

    /// A `Vary` list and the name added to it.
    private struct Extension: Equatable {
        let list: String
        let name: String
    }

    /// The line each thread made last by extending a list.
    private static let extended = ThreadMemo<Extension, HTTPField>()

    /// `list, element`, made in one allocation.
    private static func list(_ list: String, _ element: String) -> String {
        var list = list
        var element = element
        return list.withUTF8 { head in
            element.withUTF8 { tail in
                String(unsafeUninitializedCapacity: head.count + 2 + tail.count) { buffer in
                    var end = buffer.initialize(fromContentsOf: head)
                    buffer[end] = UInt8(ascii: ",")
                    buffer[end + 1] = UInt8(ascii: " ")
                    end += 2
                    return end + UnsafeMutableBufferPointer(rebasing: buffer[end...]).initialize(fromContentsOf: tail)
                }
            }
        }
    }

    /// Whether the list `value` holds `*` or `name`, compared element by element without
    /// splitting it into new strings.
    private static func varyLists(_ name: String, in value: String) -> Bool {
        var value = value
        var name = name
        return value.withUTF8 { list in
            name.withUTF8 { wanted in
                var start = 0
                while start <= list.count {
                    var end = start
                    while end < list.count, list[end] != UInt8(ascii: ",") { end += 1 }
                    var low = start, high = end
                    while low < high, list[low] == 0x20 || list[low] == 0x09 { low += 1 }
                    while high > low, list[high - 1] == 0x20 || list[high - 1] == 0x09 { high -= 1 }
                    let element = UnsafeBufferPointer(rebasing: list[low..<high])
                    if element.count == 1 && element[0] == UInt8(ascii: "*") { return true }
                    if ASCIICase.equal(element, wanted) { return true }
                    start = end + 1
                }
                return false
            }
        }
    }
}
