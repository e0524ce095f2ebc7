import Foundation
import TernHTTP

/// A user as stored: the fields of the API's representation plus the row's version, which
/// every write increments, so the entity tag changes on every write and survives restarts.
public struct User: Sendable, Hashable {
    /// Assigned by the store; never reused.
    public let id: Int64
    /// 1 to 100 characters.
    public var name: String
    /// Unique among users, compared case-insensitively.
    public var email: String
    /// Seconds since 1970, UTC; second precision, like `Last-Modified`.
    public let createdAt: Int64
    /// Seconds since 1970 of the last write.
    public var updatedAt: Int64
    /// Incremented by every write; the entity tag is made from it.
    public var version: Int64

    /// A user as the store holds it.
    public init(id: Int64, name: String, email: String, createdAt: Int64, updatedAt: Int64, version: Int64) {
        self.id = id
        self.name = name
        self.email = email
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The user after a write of `fields` at `seconds`: its time moves forward only (should the
    /// clock step back) and its version by one, so its tag changes.
    func applying(_ fields: UserFields, at seconds: Int64) -> User {
        var user = self
        user.name = fields.name
        user.email = fields.email
        user.updatedAt = max(seconds, updatedAt)
        user.version += 1
        return user
    }

    /// A strong tag: `"<id>-<version>"` (https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3).
    var entityTag: EntityTag {
        // Written on the stack, so a short tag (most are) makes a string without an allocation:
        // every GET of a user makes its tag.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * DecimalText.maxLength + 1) { text in
            let dash = DecimalText.write(id, into: text, at: 0)
            text[dash] = UInt8(ascii: "-")
            let end = DecimalText.write(version, into: text, at: dash + 1)
            return EntityTag(String(decoding: UnsafeBufferPointer(rebasing: text[..<end]), as: UTF8.self))
        }
    }

    var lastModified: HTTPDate { HTTPDate(secondsSince1970: updatedAt) }
}

/// A user on the wire: `{"id", "name", "email", "created_at", "updated_at"}`, dates RFC 3339 UTC.
struct UserBody: Encodable, Sendable {
    let id: Int64
    let name: String
    let email: String
    let createdAt: Date
    let updatedAt: Date

    init(_ user: User) {
        id = user.id
        name = user.name
        email = user.email
        createdAt = Date(timeIntervalSince1970: TimeInterval(user.createdAt))
        updatedAt = Date(timeIntervalSince1970: TimeInterval(user.updatedAt))
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
