import TernJSON

/// `POST /users` and `PUT /users/{id}`: `{"name", "email"}`, both required. Other members
/// (a representation read earlier, with `id` and dates) are ignored.
struct UserInput: Decodable, Validatable {
    let name: String
    let email: String

    func validate() -> [FieldError] {
        UserRules.errors(name: name) + UserRules.errors(email: email)
    }

    var fields: UserFields { UserFields(name: name, email: email) }
}

/// `PATCH /users/{id}`: a JSON merge patch (https://www.rfc-editor.org/rfc/rfc7396): a member
/// present sets that field, absent leaves it, `null` would remove it, which a required field
/// refuses (422). Members other than `name` and `email` are ignored.
struct UserPatch: Decodable, Validatable {
    enum Change {
        case keep
        case set(String)
        case remove
    }

    let name: Change
    let email: Change

    private enum CodingKeys: String, CodingKey {
        case name, email
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try Self.change(container, .name)
        email = try Self.change(container, .email)
    }

    private static func change(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Change {
        guard container.contains(key) else { return .keep }
        if try container.decodeNil(forKey: key) { return .remove }
        return .set(try container.decode(String.self, forKey: key))
    }

    func validate() -> [FieldError] {
        var errors: [FieldError] = []
        switch name {
        case .keep: break
        case .remove: errors.append(FieldError(field: "name", message: "is required and cannot be removed"))
        case .set(let value): errors += UserRules.errors(name: value)
        }
        switch email {
        case .keep: break
        case .remove: errors.append(FieldError(field: "email", message: "is required and cannot be removed"))
        case .set(let value): errors += UserRules.errors(email: value)
        }
        return errors
    }

    /// `current` with the patch applied (call after `validate()` found nothing).
    func applied(to current: UserFields) -> UserFields {
        var fields = current
        if case .set(let value) = name { fields.name = value }
        if case .set(let value) = email { fields.email = value }
        return fields
    }
}

/// What a user's fields must hold.
enum UserRules {
    static let maxNameLength = 100
    static let maxEmailLength = 254

    /// 1 to 100 characters, not only white space, no control characters. Characters are
    /// Unicode code points, as JSON Schema's `maxLength` counts them, so the OpenAPI document
    /// states the rule exactly; white space is the Unicode White_Space property.
    static func errors(name: String) -> [FieldError] {
        if name.unicodeScalars.allSatisfy(\.properties.isWhitespace) { return [FieldError(field: "name", message: "must not be empty")] }
        if name.unicodeScalars.count > maxNameLength { return [FieldError(field: "name", message: "must be at most \(maxNameLength) characters")] }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return [FieldError(field: "name", message: "must not contain control characters")]
        }
        return []
    }

    /// `local@domain`: exactly one `@` with text on both sides, no white space or control
    /// characters, at most 254 characters (code points; https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1).
    static func errors(email: String) -> [FieldError] {
        // By code point: a combining mark after `@` would join it into one Character.
        let parts = email.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && email.unicodeScalars.count <= maxEmailLength
            && !email.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
        return valid ? [] : [FieldError(field: "email", message: "must be an address with one @, like name@example.com")]
    }
}
