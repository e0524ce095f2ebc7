import Foundation

/// An account: an id and its balance. Balances never go below zero.
public struct Account: Sendable, Hashable, Encodable {
    public let id: String
    public let balance: Money

    public init(id: String, balance: Money) {
        self.id = id
        self.balance = balance
    }
}

/// A transfer as stored and sent: `{"id", "from", "to", "amount", "status", "created_at"}`.
public struct Transfer: Sendable, Hashable, Encodable {
    public let id: Int64
    public let from: String
    public let to: String
    public let amount: Money
    public let status: String
    /// Seconds since 1970.
    public let createdAt: Int64

    public init(id: Int64, from: String, to: String, amount: Money, status: String, createdAt: Int64) {
        self.id = id
        self.from = from
        self.to = to
        self.amount = amount
        self.status = status
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, from, to, amount, status
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(amount, forKey: .amount)
        try container.encode(status, forKey: .status)
        try container.encode(Date(timeIntervalSince1970: TimeInterval(createdAt)), forKey: .createdAt)
    }
}
