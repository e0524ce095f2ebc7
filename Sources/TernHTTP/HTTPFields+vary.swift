public import HTTPTypes

extension HTTPFields {
    /// Adds `name` to `Vary` unless it is listed already (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5),
    /// ASCII case-insensitively, or `*` is.
    public mutating func appendVary(_ name: String) {
        guard let current = value(of: .vary) else {
            append(HTTPField(name: .vary, value: name))
            return
        }
        guard !Self.varyLists(name, in: current) else { return }
        set(HTTPField(name: .vary, value: current + ", " + name))
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
