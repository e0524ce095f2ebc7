extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingOWS() -> String {
        let bytes = Array(utf8)
        let isOWS: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isOWS($0) }), let last = bytes.lastIndex(where: { !isOWS($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
