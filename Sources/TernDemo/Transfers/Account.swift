import Foundation

/// An account: an id and its balance. Balances never go below zero.
public struct Account: Sendable, Hashable, Encodable {
    /// The account's name, e.g. `alice`.
    public let id: String
    /// What it holds; never below zero.
    public let balance: Money

    /// An account holding `balance`.
    public init(id: String, balance: Money) {
        self.id = id
        self.balance = balance
    }
}

/// A transfer as stored and sent: `{"id", "from", "to", "amount", "status", "created_at"}`.
public struct Transfer: Sendable, Hashable, Encodable {
    /// Assigned by the store, increasing.
    public let id: Int64
    /// The debited account.
    public let from: String
    /// The credited account.
    public let to: String
    /// The amount moved; positive.
    public let amount: Money
    /// `completed`: a stored transfer has moved its money.
    public let status: String
    /// Seconds since 1970.
    public let createdAt: Int64

    /// A transfer as the store recorded it.
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
