public import HTTPTypes

extension HTTPFields {
    /// Makes `field` the only line of its name: what `self[field.name] = field.value` does, for
    /// a field made once (a constant's value is checked once, not at every response) and with
    /// one pass over the lines when the name is absent, as it nearly always is.
    public mutating func set(_ field: consuming HTTPField) {
        guard let first = firstIndex(named: field.name) else {
            append(field)
            return
        }
        let name = field.name
        self[first] = field
        var index = first + 1
        while index < endIndex {
            if Self.sameName(self[index].name, name) { remove(at: index) } else { index += 1 }
        }
    }

    /// The position of the first line named `name`, or nil. Names of other lengths are told
    /// apart without comparing their text, which is most of a scan's cost.
    package func firstIndex(named name: HTTPField.Name) -> Int? {
        firstIndex { Self.sameName($0.name, name) }
    }

    static func sameName(_ a: HTTPField.Name, _ b: HTTPField.Name) -> Bool {
        a.canonicalName.utf8.count == b.canonicalName.utf8.count && a.canonicalName == b.canonicalName
    }
}
