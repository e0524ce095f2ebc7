import Synchronization
import Testing
@testable import TernDemo
import TernHTTP

/// A store whose pages a test scripts: each read returns the next scripted page (the last one
/// again when they run out).
private final class ScriptedFeedStore: TransferFeedStore {
    let pages: Locked<[TransferFeedPage]>
    let latest: Int64

    init(latest: Int64, pages: [TransferFeedPage]) {
        self.latest = latest
        self.pages = Locked(pages)
    }

    func feedPage(afterID: Int64, limit: Int) async throws -> TransferFeedPage {
        pages.withLock { pages in
            let page = pages.count > 1 ? pages.removeFirst() : pages[0]
            return TransferFeedPage(transfers: page.transfers.filter { $0.id > afterID }, snapshot: page.snapshot)
        }
    }

    func latestTransferID() async throws -> Int64 { latest }
}

/// A store that answers each read with the next page a test hands it, waiting until it does.
private final class GatedFeedStore: TransferFeedStore {
    let pages: AsyncStream<TransferFeedPage>
    let feed: AsyncStream<TransferFeedPage>.Continuation

    init() {
        (pages, feed) = AsyncStream.makeStream(of: TransferFeedPage.self)
    }

    func feedPage(afterID: Int64, limit: Int) async throws -> TransferFeedPage {
        var iterator = pages.makeAsyncIterator()
        return await iterator.next() ?? TransferFeedPage(transfers: [], snapshot: nil)
    }

    func latestTransferID() async throws -> Int64 { 0 }
}

private func transfer(_ id: Int64) -> Transfer {
    Transfer(id: id, from: "alice", to: "bob", amount: Money(cents: 1), status: "completed", createdAt: 0)
}

/// The next `count` transfer ids a subscription yields (keep-alives skipped).
private func next(_ count: Int, of subscription: TransferFeed.Subscription) async throws -> [Int64] {
    var iterator = subscription.events.makeAsyncIterator()
    return await next(count, from: &iterator)
}

private func next(_ count: Int, from iterator: inout TransferFeed.Batches.Iterator, isolation: isolated (any Actor)? = #isolation) async -> [Int64] {
    var ids: [Int64] = []
    while ids.count < count, let batch = await iterator.next(isolation: isolation) {
        for case .transfer(let transfer, _) in batch { ids.append(transfer.id) }
    }
    return ids
}

@Suite("Transfer events feed: gaps and slow subscribers")
struct TransferFeedTests {
    @Test func aGapIsWaitedOnUntilItFills() async throws {
        // Transfer 2's transaction commits after 3's: 3 is held back until 2 arrives.
        let store = ScriptedFeedStore(latest: 0, pages: [
            TransferFeedPage(transfers: [transfer(1), transfer(3)], snapshot: (xmin: 10, xmax: 20)),
            TransferFeedPage(transfers: [transfer(3)], snapshot: (xmin: 12, xmax: 21)),
            TransferFeedPage(transfers: [transfer(2), transfer(3)], snapshot: (xmin: 21, xmax: 22)),
        ])
        let feed = TransferFeed(store: store, maxSubscribers: 10, pollInterval: .milliseconds(1))
        let subscription = try await feed.subscribe(after: nil)
        #expect(try await next(3, of: subscription) == [1, 2, 3])
        feed.close()
    }

    @Test func aGapNoTransactionCanFillAnyMoreIsPassed() async throws {
        // 2 was rolled back: once every transaction in progress at the first sight of the gap
        // (ids below 20) has ended, 3 goes out.
        let store = ScriptedFeedStore(latest: 0, pages: [
            TransferFeedPage(transfers: [transfer(1), transfer(3)], snapshot: (xmin: 10, xmax: 20)),
            TransferFeedPage(transfers: [transfer(3)], snapshot: (xmin: 19, xmax: 22)),
            TransferFeedPage(transfers: [transfer(3), transfer(4)], snapshot: (xmin: 20, xmax: 23)),
        ])
        let feed = TransferFeed(store: store, maxSubscribers: 10, pollInterval: .milliseconds(1))
        let subscription = try await feed.subscribe(after: nil)
        #expect(try await next(3, of: subscription) == [1, 3, 4])
        feed.close()
    }

    @Test func withoutSnapshotsIdsAreFinalInOrder() async throws {
        let store = ScriptedFeedStore(latest: 0, pages: [TransferFeedPage(transfers: [transfer(1), transfer(3)], snapshot: nil)])
        let feed = TransferFeed(store: store, maxSubscribers: 10, pollInterval: .milliseconds(1))
        let subscription = try await feed.subscribe(after: nil)
        #expect(try await next(2, of: subscription) == [1, 3])
        feed.close()
    }

    @Test func aSubscriberThatFallsBehindIsEndedAndTheOthersGetEverything() async throws {
        let store = GatedFeedStore()
        let feed = TransferFeed(store: store, maxSubscribers: 10, backlog: 8, pollInterval: .milliseconds(1))
        let slow = try await feed.subscribe(after: nil)
        let fast = try await feed.subscribe(after: nil)
        // Six transfers at a time: the fast subscriber takes each batch, the slow one none, so
        // the second batch would take its queue past 8 events.
        var fastEvents = fast.events.makeAsyncIterator()
        store.feed.yield(TransferFeedPage(transfers: (1...6).map(transfer), snapshot: nil))
        #expect(await next(6, from: &fastEvents) == Array(1...6))
        store.feed.yield(TransferFeedPage(transfers: (7...12).map(transfer), snapshot: nil))
        #expect(await next(6, from: &fastEvents) == Array(7...12))
        var slowIDs: [Int64] = []
        for await batch in slow.events {
            for case .transfer(let transfer, _) in batch { slowIDs.append(transfer.id) }
        }
        #expect(slowIDs == Array(1...6), "the batch its backlog held, then the end of its stream")
        feed.close()
    }

    @Test func pastTheLimitASubscriptionIsRefused() async throws {
        let store = ScriptedFeedStore(latest: 0, pages: [TransferFeedPage(transfers: [], snapshot: nil)])
        let feed = TransferFeed(store: store, maxSubscribers: 1, pollInterval: .milliseconds(1))
        let first = try await feed.subscribe(after: nil)
        let refused = await #expect(throws: HTTPError.self) { _ = try await feed.subscribe(after: nil) }
        #expect(refused?.status == .serviceUnavailable)
        _ = first
        feed.close()
    }
}
