import Foundation
import Testing
import TernTesting

/// `GET /transfers/events` on one instance (SQLite): API.md, "Transfer events".
@Suite("Demo: transfer events (live)")
struct TransferEventsTests {
    /// Posts `count` transfers to `port`; their ids, in the order acknowledged.
    static func transfer(port: Int, count: Int, tag: String = UUID().uuidString) throws -> [Int64] {
        try (0..<count).map { index in
            let reply = try #require(RawHTTP.exchange(port: port, CrashTests.request("\(tag)-\(index)", #"{"from":"alice","to":"carol","amount":0.5}"#)))
            #expect(reply.status == 201)
            return try #require(reply.field("location").flatMap { Int64($0.split(separator: "/").last ?? "") })
        }
    }

    @Test func committedTransfersStreamInOrderAndAStreamResumesAfterItsLastEvent() async throws {
        try await withLiveDemo { live in
            let port = live.address.port
            let reader = try #require(EventStreamReader(port: port))
            #expect(try await reader.opened() == 200)
            let ids = try Self.transfer(port: port, count: 5)
            #expect(try await reader.received(5) == ids)
            #expect(reader.status == 200)
            // Resuming after the second: the three after it, none repeated.
            let resumed = try #require(EventStreamReader(port: port, headers: "Last-Event-ID: \(ids[1])\r\n"))
            #expect(try await resumed.received(3) == Array(ids[2...]))
            let queried = try #require(EventStreamReader(port: port, path: "/transfers/events?after=\(ids[3])"))
            #expect(try await queried.received(1) == [ids[4]])
            // Both have joined the live feed once their catch-up was sent.
            // And a resumed stream goes on live.
            let later = try Self.transfer(port: port, count: 2)
            #expect(try await resumed.received(2) == later)
            #expect(try await queried.received(2) == later)
        }
    }

    @Test func aResumePointAheadOfTheFeedWaitsForThatTransfer() async throws {
        try await withLiveDemo { live in
            let port = live.address.port
            // An id not committed yet (as from an instance that is ahead): nothing until later
            // transfers pass it.
            let ahead = try #require(EventStreamReader(port: port, headers: "Last-Event-ID: 2\r\n"))
            #expect(try await ahead.opened() == 200)
            let ids = try Self.transfer(port: port, count: 4)
            #expect(try await ahead.received(2) == Array(ids[2...]))
        }
    }

    @Test func aBadResumePointIs400AndAnotherTypeIs406() async throws {
        try await withLiveDemo { live in
            let bad = try await live.exchange("GET /transfers/events HTTP/1.1\r\nHost: t\r\nLast-Event-ID: seven\r\nConnection: close\r\n\r\n")
            #expect(bad.status == 400 && bad.field("content-type") == "application/problem+json")
            let json = try await live.exchange("GET /transfers/events HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
            #expect(json.status == 406)
        }
    }

    @Test func pastTheSubscriberLimitIs503() async throws {
        try await withLiveDemo(configure: { $0.maxSubscribers = 2 }) { live in
            let port = live.address.port
            let first = try #require(EventStreamReader(port: port))
            let second = try #require(EventStreamReader(port: port))
            let opened = [try await first.opened(), try await second.opened()]
            #expect(opened == [200, 200])
            let ids = try Self.transfer(port: port, count: 1)
            let seen = [try await first.received(1), try await second.received(1)]
            #expect(seen == [ids, ids])
            let third = try await live.exchange("GET /transfers/events HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(third.status == 503 && third.field("retry-after") != nil)
        }
    }
}
