public import HTTPTypes

extension HTTPFields {
    /// Adds `name` to `Vary` unless it is listed already (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5).
    public mutating func appendVary(_ name: String) {
        guard let current = self[.vary] else {
            self[.vary] = name
            return
        }
        // Compare element by element, ASCII case-insensitively, without splitting into new strings.
        for element in current.utf8.split(separator: UInt8(ascii: ",")) {
            let trimmed = element.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
            if trimmed.elementsEqual([UInt8(ascii: "*")]) { return }
            if ASCIICase.equal(trimmed, name.utf8) { return }
        }
        self[.vary] = current + ", " + name
    }
}
