#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import TernHTTP

extension Request {
    /// Reads the whole content (up to the body's limit: the route's, else the server's) and
    /// decodes it as JSON into `T`.
    ///
    /// - Content longer than the limit: 413 (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14).
    /// - `Content-Type` not among `contentTypes` (parameters aside; a `charset` must be
    ///   UTF-8): 415 (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16).
    /// - Not JSON: 400, saying where it broke.
    /// - JSON that does not fit `T` (a missing member, a wrong type, a null), or fails `T`'s
    ///   `Validatable` rules: 422 with `errors: [{field, message}]`.
    ///
    /// ```swift
    /// let user = try await request.decode(NewUser.self)
    /// ```
    public func decode<T: Decodable>(_ type: T.Type, contentTypes: [MediaType] = [.json]) async throws -> T {
        // The type is checked before any content is read: a refused request is never sent.
        try checkContentType(contentTypes)
        let body = try await self.body.collect()
        if body.isEmpty { throw HTTPError(.badRequest, detail: "the content is empty; a JSON value is expected") }
        if let failure = JSONSyntax.check(body) {
            throw HTTPError(.badRequest, detail: "malformed JSON: \(failure.description)")
        }
        let value: T
        do {
            value = try JSONCoding.decoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw ValidationError([FieldError(error)])
        }
        if let validatable = value as? any Validatable {
            let errors = validatable.validate()
            if !errors.isEmpty { throw ValidationError(errors) }
        }
        return value
    }

    private func checkContentType(_ accepted: [MediaType]) throws(HTTPError) {
        let allowed = accepted.map(\.description).joined(separator: ", ")
        guard let value = headerFields.value(of: .contentType), let type = MediaType(value) else {
            throw HTTPError(.unsupportedMediaType, detail: "Content-Type must be \(allowed)", headerFields: [.accept: allowed])
        }
        let charset = type.parameters.first { $0.name == "charset" }?.value
        guard accepted.contains(type.withoutParameters), charset == nil || charset == "utf-8" else {
            throw HTTPError(.unsupportedMediaType, detail: "Content-Type must be \(allowed)", headerFields: [.accept: allowed])
        }
    }
}

extension FieldError {
    /// The field and message a decoding failure points at.
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: Self.path(context.codingPath + [key]), message: "is required")
        case .valueNotFound(_, let context):
            self.init(field: Self.path(context.codingPath), message: "must not be null")
        case .typeMismatch(let type, let context):
            self.init(field: Self.path(context.codingPath), message: "must be \(Self.jsonKind(type))")
        case .dataCorrupted(let context):
            self.init(field: Self.path(context.codingPath), message: "is not valid: \(context.debugDescription)")
        @unknown default:
            self.init(field: "", message: "does not match the expected structure")
        }
    }

    /// `items[0].name`.
    static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path
    }

    private static func jsonKind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Date.Type, is URL.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type, is Decimal.Type: "a number"
        default: String(describing: type).hasPrefix("Array") ? "an array" : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a \(type)"
        }
    }
}

extension MediaType {
    /// `application/merge-patch+json` (https://www.rfc-editor.org/rfc/rfc7396).
    public static let mergePatchJSON = MediaType(type: "application", subtype: "merge-patch+json")
}
