public import HTTPTypes

extension HTTPFields {
    /// Adds `name` to `Vary` unless it is listed already (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5).
    public mutating func appendVary(_ name: String) {
        let listed = self[values: .vary].flatMap { $0.split(separator: ",").map { $0.trimmingOWS().lowercased() } }
        guard !listed.contains(name.lowercased()), !listed.contains("*") else { return }
        if let current = self[.vary] {
            self[.vary] = current + ", " + name
        } else {
            self[.vary] = name
        }
    }
}
