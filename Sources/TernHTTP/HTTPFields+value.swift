public import HTTPTypes

extension HTTPFields {
    /// The field's value: what `self[name]` answers (the field lines' values combined with
    /// `, `, https://www.rfc-editor.org/rfc/rfc9110#section-5.3, or `; ` for `Cookie`; nil when
    /// absent) at a fraction of its cost when the field appears once, which is nearly always:
    /// the general subscript joins through a lazy sequence even for one value.
    public func value(of name: HTTPField.Name) -> String? {
        guard let (value, repeated) = firstValue(of: name) else { return nil }
        return repeated ? self[name] : value
    }

    /// The value of the only line named `name`; nil when there is none or more than one (a
    /// field that must appear once, such as an id, is then treated as absent or invalid).
    public func onlyValue(of name: HTTPField.Name) -> String? {
        guard let (value, repeated) = firstValue(of: name) else { return nil }
        return repeated ? nil : value
    }

    /// The first line named `name`'s value, and whether another line has the name.
    package func firstValue(of name: HTTPField.Name) -> (String, repeated: Bool)? {
        // By index, reading only the name until it matches: iterating copies each whole field.
        var found: String?
        for index in indices where Self.sameName(self[index].name, name) {
            if let found { return (found, true) }
            found = self[index].value
        }
        return found.map { ($0, false) }
    }
}
