public import HTTPTypes
public import TernHTTP

/// One way to render a handler's result: a media type and how to produce its bytes. A route
/// lists the representations it offers and `Response(negotiating:...)` picks one by `Accept`.
///
/// ```swift
/// [.json, .xml(root: "user")]
/// [.json, .xml(root: "data"), .csv { page in page.items }]
/// ```
public struct Representation<Value: Sendable>: Sendable {
    /// What `Content-Type` says (parameters included) and what `Accept` is matched against
    /// (parameters aside).
    public let contentType: MediaType
    /// The `Content-Type` line, made (and its value checked) once.
    @usableFromInline let contentTypeField: HTTPField
    @usableFromInline let render: @Sendable (Value) throws -> [UInt8]

    /// A representation rendered by `render`.
    public init(contentType: MediaType, render: @escaping @Sendable (Value) throws -> [UInt8]) {
        self.contentType = contentType
        self.contentTypeField = HTTPField(name: .contentType, value: contentType.description)
        self.render = render
    }
}

extension Representation where Value: Encodable {
    /// `application/json`, keys sorted (`JSONCoding`).
    public static var json: Representation {
        Representation(contentType: .json) { value in try JSONCoding.encode(value) }
    }

    /// `application/xml; charset=utf-8`: the value's JSON form as elements under `root`
    /// (members become elements in key order, array elements `<item>`, null `nil="true"`).
    public static func xml(root: String) -> Representation {
        Representation(contentType: MediaType(type: "application", subtype: "xml", parameters: [.init(name: "charset", value: "utf-8")])) { value in
            XMLRendering.document(try JSONCoding.tree(of: value), root: root)
        }
    }

    /// `text/csv; charset=utf-8; header=present` (RFC 4180 section 3): one line per row of
    /// `rows(value)`, a header line of the rows' member names first.
    public static func csv<Row: Encodable & Sendable>(_ rows: @escaping @Sendable (Value) -> [Row]) -> Representation {
        let type = MediaType(type: "text", subtype: "csv", parameters: [.init(name: "charset", value: "utf-8"), .init(name: "header", value: "present")])
        return Representation(contentType: type) { value in
            guard case .array(let rows) = try JSONCoding.tree(of: rows(value)) else { return [] }
            return CSVRendering.document(rows: rows)
        }
    }
}

extension Array {
    /// Every entity tag a response negotiated among these representations can carry for a
    /// resource whose first representation has `tag`: for checking `If-Match` on a write,
    /// which may quote the tag of any representation the client read.
    public func entityTags<Value>(for tag: EntityTag) -> [EntityTag] where Element == Representation<Value> {
        indices.map { entityTag(for: tag, at: $0) }
    }

    /// The tag of the representation at `index`: `tag` for the first, `tag-subtype` for the others.
    @usableFromInline
    func entityTag<Value>(for tag: EntityTag, at index: Int) -> EntityTag where Element == Representation<Value> {
        index == 0 ? tag : EntityTag(tag.opaqueTag + "-" + self[index].contentType.subtype, weak: tag.isWeak)
    }
}
