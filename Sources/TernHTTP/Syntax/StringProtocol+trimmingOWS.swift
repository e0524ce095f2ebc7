extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingOWS() -> String {
        let bytes = Array(utf8)
        let isOWS: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isOWS($0) }), let last = bytes.lastIndex(where: { !isOWS($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// The elements of a comma-separated list (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1),
    /// each without surrounding spaces and tabs, empty ones dropped. Split on the `,` byte, not
    /// on Characters: a combining or prepended scalar next to a comma would otherwise swallow it.
    package func commaSeparatedElements() -> [String] {
        utf8.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self).trimmingOWS() }.filter { !$0.isEmpty }
    }
}
