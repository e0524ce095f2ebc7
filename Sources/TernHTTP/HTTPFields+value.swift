public import HTTPTypes

extension HTTPFields {
    /// The field's value: what `self[name]` answers (the field lines' values combined with
    /// `, `, https://www.rfc-editor.org/rfc/rfc9110#section-5.3, or `; ` for `Cookie`; nil when
    /// absent) at a fraction of its cost when the field appears once, which is nearly always:
    /// the general subscript joins through a lazy sequence even for one value.
    public func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
