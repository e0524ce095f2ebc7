import Foundation
import TernJSON

/// An amount of money in integer cents. On the wire a JSON number with at most two
/// decimals (`12.5`, `1000`), read and written exactly: no binary floating point between
/// the text and the cents.
public struct Money: Sendable, Hashable, Comparable, Codable {
    /// The amount in cents.
    public let cents: Int64

    /// The largest amount accepted: 10^13 cents, far inside Int64, so sums never overflow.
    static let maxCents: Int64 = 10_000_000_000_000

    /// `cents` cents.
    public init(cents: Int64) {
        self.cents = cents
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }

    /// Reads the number exactly (Foundation decodes a JSON number into `Decimal` from its
    /// digits). - Throws: a decoding error when it has more than two decimals or is too large.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        var scaled = try container.decode(Decimal.self) * 100
        var whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        guard whole == scaled else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "has more than two decimals")
        }
        guard whole.magnitude <= Decimal(Self.maxCents) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "is too large")
        }
        cents = NSDecimalNumber(decimal: whole).int64Value
    }

    /// Writes the shortest exact decimal: `1000`, `12.5`, `0.07`. Through a `Double`, which
    /// is exact here: `Double(cents) / 100` is the double nearest to the amount (both
    /// operations are correctly rounded and `cents` is far below 2^53), and a decimal of at
    /// most 15 significant digits (`maxCents` has 14) is the shortest text that reads back
    /// to its nearest double, so the encoder writes exactly the amount's digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Double(cents) / 100)
    }
}
