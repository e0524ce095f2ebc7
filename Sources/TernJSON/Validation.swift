public import TernHTTP

/// One invalid field: where (`name`, `items[0].price`) and what is wrong with it.
public struct FieldError: Sendable, Hashable {
    /// Where: `name`, `items[0].price`.
    public let field: String
    /// What is wrong, for a person.
    public let message: String

    /// `message` about `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// A decoded value that checks its own rules; `Request.decode` answers 422 with every
/// error it returns.
///
/// ```swift
/// extension NewUser: Validatable {
///     func validate() -> [FieldError] {
///         name.isEmpty ? [FieldError(field: "name", message: "must not be empty")] : []
///     }
/// }
/// ```
public protocol Validatable {
    func validate() -> [FieldError]
}

/// Well-formed content that is not acceptable: 422 with `errors: [{field, message}]`
/// (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21).
public struct ValidationError: HTTPResponseError, Sendable, Hashable {
    /// Every invalid field.
    public let errors: [FieldError]

    /// A failure listing `errors`.
    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    /// 422 with `errors: [{field, message}]`.
    public var problem: ProblemDetails {
        let members = errors.map { error in
            JSONValue.object([.init("field", .string(error.field)), .init("message", .string(error.message))])
        }
        return ProblemDetails(
            status: .unprocessableContent, detail: "the content is not valid", extensions: [.init("errors", .array(members))])
    }
}
