/// Why a route table could not be built. Thrown by `Router.build()`, never logged or trapped.
public struct RouterError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case duplicateRoute
        case conflictingParameterNames
        case emptySegment
        case invalidTemplate
    }

    private let kind: Kind
    /// What is wrong with the table, and where.
    public let description: String

    private init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// The same method and path pattern twice.
    public static let duplicateRoute = RouterError(.duplicateRoute, "")
    /// Two parameters with different names at the same position of a path.
    public static let conflictingParameterNames = RouterError(.conflictingParameterNames, "")
    /// `//`, or a trailing `/`.
    public static let emptySegment = RouterError(.emptySegment, "")
    /// A template that is not `/`-separated constants, `{name}`, `*` and a final `**`.
    public static let invalidTemplate = RouterError(.invalidTemplate, "")

    /// Whether this error is of the same kind as `other` (`error ~= .duplicateRoute`).
    public static func ~= (pattern: RouterError, error: RouterError) -> Bool {
        pattern.kind == error.kind
    }

    static func duplicateRoute(_ method: String, _ template: String) -> RouterError {
        RouterError(.duplicateRoute, "\(method) \(template) is defined twice")
    }

    static func conflictingParameterNames(_ first: String, _ second: String, in template: String) -> RouterError {
        RouterError(.conflictingParameterNames, "{\(second)} in \(template) stands where another route has {\(first)}")
    }

    static func emptySegment(_ template: String) -> RouterError {
        RouterError(.emptySegment, "\(template) has an empty segment (// or a trailing /)")
    }

    static func invalidTemplate(_ template: String, reason: String) -> RouterError {
        RouterError(.invalidTemplate, "\(template): \(reason)")
    }
}
