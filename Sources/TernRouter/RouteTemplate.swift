/// A route's path pattern: `/users/{id}/posts`, with `{name}` parameters, `*` (one segment)
/// and a final `**` (one or more remaining segments).
struct RouteTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case constant(String)
        case parameter(String)
        case wildcard
        case catchAll
    }

    let segments: [Segment]

    init(segments: [Segment]) {
        self.segments = segments
    }

    /// Parses `path`; `/` is the root. Segments are matched as written: a constant holds the
    /// decoded text it must equal.
    init(_ path: String) throws(RouterError) {
        guard path.hasPrefix("/") else { throw .invalidTemplate(path, reason: "it must start with /") }
        guard path != "/" else {
            segments = []
            return
        }
        var segments: [Segment] = []
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part.isEmpty { throw .emptySegment(path) }
            if part == "**" {
                guard index == parts.count - 1 else { throw .invalidTemplate(path, reason: "** must be the last segment") }
                segments.append(.catchAll)
            } else if part == "*" {
                segments.append(.wildcard)
            } else if part.first == "{" {
                let name = part.dropFirst().dropLast()
                guard part.last == "}", !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw .invalidTemplate(path, reason: "'\(part)' is not a {name} parameter")
                }
                segments.append(.parameter(String(name)))
            } else {
                guard !part.contains("{"), !part.contains("}") else {
                    throw .invalidTemplate(path, reason: "'\(part)' mixes text and a parameter")
                }
                segments.append(.constant(String(part)))
            }
        }
        self.segments = segments
    }

    /// The template with `prefix`'s segments first.
    func prefixed(by prefix: RouteTemplate) -> RouteTemplate {
        RouteTemplate(segments: prefix.segments + segments)
    }

    var description: String {
        "/" + segments.map { segment in
            switch segment {
            case .constant(let text): text
            case .parameter(let name): "{\(name)}"
            case .wildcard: "*"
            case .catchAll: "**"
            }
        }.joined(separator: "/")
    }
}
