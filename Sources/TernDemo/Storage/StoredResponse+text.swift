import TernMiddleware

extension StoredResponse {
    /// The kept fields as stored in a text column: one `name: value` per line.
    var fieldsText: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// The fields of a `fieldsText`.
    static func fields(fromText text: String) -> [Field] {
        text.split(separator: "\n").compactMap { line -> Field? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return Field(name: String(parts[0]), value: String(parts[1].dropFirst()))
        }
    }
}
