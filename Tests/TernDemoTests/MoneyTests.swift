import Foundation
import Testing
@testable import TernDemo
import TernJSON

@Suite("Money: exact cents in and out")
struct MoneyTests {
    struct Box: Codable { let amount: Money }

    @Test(arguments: [("12.5", 1250), ("0.01", 1), ("1000.00", 100_000), ("0.1", 10), ("0.29", 29), ("1e2", 10_000), ("-3.5", -350), ("0", 0)])
    func reads(text: String, cents: Int64) throws {
        #expect(try JSONCoding.decoder().decode(Box.self, from: Data(#"{"amount": \#(text)}"#.utf8)).amount.cents == cents)
    }

    @Test(arguments: ["0.001", "12.345", "1e-3", "100000000000.01", "\"12\"", "null"])
    func refuses(text: String) {
        #expect(throws: DecodingError.self) { try JSONCoding.decoder().decode(Box.self, from: Data(#"{"amount": \#(text)}"#.utf8)) }
    }

    @Test(arguments: [(Int64(1250), "12.5"), (1, "0.01"), (100_000, "1000"), (29, "0.29"), (0, "0"), (999_999_999_999, "9999999999.99")])
    func writes(cents: Int64, text: String) throws {
        #expect(String(decoding: try JSONCoding.encode(Box(amount: Money(cents: cents))), as: UTF8.self) == #"{"amount":\#(text)}"#)
    }

    /// The encoder goes through a `Double`; every amount must still come out as its exact
    /// decimal digits: every amount from -20.00 to 2,000.00, and the largest and the 20,000 below it.
    @Test func writesEveryAmountExactly() throws {
        let largest = Money.maxCents
        for cents in Array(Int64(-2_000)...200_000) + Array((largest - 20_000)...largest) {
            let whole = String(cents.magnitude / 100)
            let fraction = cents.magnitude % 100
            let digits = fraction == 0 ? whole : whole + "." + (fraction < 10 ? "0" : "") + String(fraction % 10 == 0 ? fraction / 10 : fraction)
            let expected = #"{"amount":\#(cents < 0 ? "-" : "")\#(digits)}"#
            let text = String(decoding: try JSONCoding.encode(Box(amount: Money(cents: cents))), as: UTF8.self)
            guard text == expected else {
                Issue.record("\(cents) cents written as \(text), not \(expected)")
                return
            }
        }
    }
}
