/// JSON values as XML 1.0 (https://www.w3.org/TR/xml/): an object becomes an element per
/// member, named by the member; an array becomes `<item>` elements; `null` an empty element
/// with `nil="true"`; numbers and booleans their JSON text. Text is escaped, characters XML
/// cannot carry become U+FFFD, and a member name that is not an XML name is rewritten to one.
///
/// `{"id": 1, "tags": ["a"]}` under root `user`:
/// `<?xml version="1.0" encoding="UTF-8"?><user><id>1</id><tags><item>a</item></tags></user>`
enum XMLRendering {
    static func document(_ tree: JSONTree, root: String) -> [UInt8] {
        var out = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)
        element(elementName(root), tree, into: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    private static func element(_ name: String, _ tree: JSONTree, into out: inout [UInt8]) {
        if case .null = tree {
            out.append(contentsOf: "<\(name) nil=\"true\"/>".utf8)
            return
        }
        out.append(contentsOf: "<\(name)>".utf8)
        switch tree {
        case .null: break
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): escape(text, into: &out)
        case .array(let values):
            for value in values { element("item", value, into: &out) }
        case .object(let members):
            for (member, value) in members { element(elementName(member), value, into: &out) }
        }
        out.append(contentsOf: "</\(name)>".utf8)
    }

    /// Text content with `&`, `<`, `>` escaped and characters outside XML 1.0's `Char` replaced.
    static func escape(_ text: String, into out: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".utf8)
            case "<": out.append(contentsOf: "&lt;".utf8)
            case ">": out.append(contentsOf: "&gt;".utf8)
            case "\t", "\n", "\r": out.append(UInt8(scalar.value))
            default:
                let allowed = scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value)
                out.append(contentsOf: String(allowed ? scalar : "\u{FFFD}").utf8)
            }
        }
    }

    /// `name` made into an XML `Name`: letters, digits, `_`, `-`, `.`; others become `_`; a
    /// name that does not start with a letter or `_`, or starts with `xml`, gets a `_` first.
    static func elementName(_ name: String) -> String {
        var out = String(name.unicodeScalars.map { scalar -> Character in
            let isNameCharacter = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar)
            return isNameCharacter ? Character(scalar) : "_"
        })
        if out.isEmpty || !(out.unicodeScalars.first!.properties.isAlphabetic || out.first == "_") || out.lowercased().hasPrefix("xml") {
            out = "_" + out
        }
        return out
    }
}
