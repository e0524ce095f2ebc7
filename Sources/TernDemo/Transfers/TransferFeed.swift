import Logging
import TernHTTP
import TernJSON

/// Committed transfers as a live feed for `GET /transfers/events`, in commit order, whichever
/// instance committed them.
///
/// While anyone subscribes, one task reads the store every `pollInterval` for transfers past the
/// last one sent (one indexed query; nothing on the write path), encodes each event once, and
/// hands each read's events to every subscriber's queue as one batch (one wake-up and one write
/// per subscriber per read, however many transfers it holds). A gap in the ids is waited on
/// until it fills or can no longer fill (`TransferFeedPage.snapshot`), so no transfer is
/// skipped and none is sent out of order. A subscriber whose queue would hold more than
/// `backlog` events not yet taken is ended (it resumes with `Last-Event-ID`): a slow client
/// never slows the feed or the others.
final class TransferFeed: Sendable {
    /// What a subscriber is sent.
    enum Item: Sendable {
        /// A transfer and its event's bytes, encoded once for every subscriber.
        case transfer(Transfer, event: [UInt8])
        /// Nothing happened for `keepAliveInterval`: a comment keeps the stream open.
        case keepAlive

        static func transfer(_ transfer: Transfer) throws -> Item {
            var bytes = Array("id: \(transfer.id)\nevent: transfer\ndata: ".utf8)
            bytes += try JSONCoding.encode(transfer)
            bytes += Array("\n\n".utf8)
            return .transfer(transfer, event: bytes)
        }

        /// The bytes of the event (or of the keep-alive comment), as `text/event-stream` frames them.
        var bytes: [UInt8] {
            switch self {
            case .transfer(_, let event): event
            case .keepAlive: Array(": keep-alive\n\n".utf8)
            }
        }
    }

    /// Past `maxSubscribers`: 503 with `Retry-After`.
    static func tooManySubscribers(_ limit: Int) -> HTTPError {
        HTTPError(
            .serviceUnavailable, detail: "this instance already streams events to \(limit) subscribers; retry later",
            headerFields: [.retryAfter: "5"])
    }

    private let store: any TransferFeedStore
    private let maxSubscribers: Int
    private let backlog: Int
    private let pollInterval: Duration
    private let keepAliveInterval: Duration
    private let logger: Logger
    private let state = Locked(State())

    private struct State {
        /// The last transfer handed to subscribers; nil while nobody subscribes.
        var cursor: Int64?
        /// The first missing id after `cursor` and the snapshot `xmax` when it was first seen.
        var gap: (id: Int64, xmax: UInt64)?
        var subscribers: [Int: Member] = [:]
        var nextSubscriber = 0
        var polling = false
        var closed = false
        var lastSent = ContinuousClock.now
        var failing = false
    }

    /// A subscriber's queue, and how many events in it the subscriber has not taken yet.
    private struct Member {
        let queue: AsyncStream<[Item]>.Continuation
        var pending = 0
    }

    init(
        store: any TransferFeedStore, maxSubscribers: Int, backlog: Int = 1024, pollInterval: Duration = .milliseconds(200),
        keepAliveInterval: Duration = .seconds(15), logger: Logger = Logger(label: "tern-demo.events")
    ) {
        self.store = store
        self.maxSubscribers = maxSubscribers
        self.backlog = backlog
        self.pollInterval = pollInterval
        self.keepAliveInterval = keepAliveInterval
        self.logger = logger
    }

    /// A subscription to the transfers committed after `afterID` (after the newest one when nil):
    /// first those already committed (read from the store), then the live ones.
    /// - Throws: `tooManySubscribers` (503) past the limit; a store error.
    func subscribe(after afterID: Int64?) async throws -> Subscription {
        let latest = try await store.latestTransferID()
        // Unbounded as a stream: `pending` bounds it, in events.
        let (stream, continuation) = AsyncStream.makeStream(of: [Item].self)
        let joined: Joined? = state.withLock { state in
            guard !state.closed, state.subscribers.count < maxSubscribers else { return nil }
            if state.cursor == nil { state.cursor = latest }
            let joined = Joined(id: state.nextSubscriber, cursor: state.cursor!, startsPolling: !state.polling)
            state.nextSubscriber += 1
            state.subscribers[joined.id] = Member(queue: continuation)
            state.polling = true
            return joined
        }
        guard let joined else { throw Self.tooManySubscribers(maxSubscribers) }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(joined.id) }
        if joined.startsPolling { Task { await self.poll() } }
        // What the feed had sent before this subscriber joined comes from the store, up to the
        // cursor (every gap below it is settled); later transfers arrive on the stream. A resume
        // point past the cursor (an id this instance has not sent yet, or none at all) only
        // skips what the stream brings up to it.
        let events = Batches(stream: stream) { [weak self] count in self?.taken(count, by: joined.id) }
        return Subscription(store: store, after: afterID ?? joined.cursor, cursor: joined.cursor, events: events)
    }

    private struct Joined {
        let id: Int
        let cursor: Int64
        let startsPolling: Bool
    }

    private func taken(_ count: Int, by id: Int) {
        state.withLock { state in state.subscribers[id]?.pending -= count }
    }

    private func unsubscribe(_ id: Int) {
        state.withLock { state in
            state.subscribers[id] = nil
            if state.subscribers.isEmpty { state.cursor = nil }
        }
    }

    /// Ends every subscription (at shutdown); no new one is accepted.
    func close() {
        let subscribers = state.withLock { state in
            state.closed = true
            return state.subscribers.values.map(\.queue)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// Reads and hands out transfers while anyone subscribes.
    private func poll() async {
        while true {
            guard let cursor = state.withLock({ state -> Int64? in
                if state.cursor == nil || state.closed { state.polling = false }
                return state.closed ? nil : state.cursor
            }) else { return }
            var full = false
            do {
                let page = try await store.feedPage(afterID: cursor, limit: 500)
                full = page.transfers.count == 500
                try deliver(page, readAfter: cursor)
                if state.withLock({ $0.failing }) {
                    state.withLock { $0.failing = false }
                    logger.info("transfer events: the store answers again")
                }
            } catch {
                if !state.withLock({ state in defer { state.failing = true }; return state.failing }) {
                    logger.warning("transfer events: cannot read the store; retrying", metadata: ["error": "\(error)"])
                }
            }
            keepAliveIfIdle()
            if !full { try? await Task.sleep(for: pollInterval) }
        }
    }

    /// Sends the page's transfers that follow the cursor without an unsettled gap.
    private func deliver(_ page: TransferFeedPage, readAfter cursor: Int64) throws {
        let items = try page.transfers.map { try (transfer: $0, item: Item.transfer($0)) }
        let ended = state.withLock { state -> [AsyncStream<[Item]>.Continuation] in
            // Another subscriber's arrival may have reset the cursor meanwhile.
            guard state.cursor == cursor else { return [] }
            var batch: [Item] = []
            for (transfer, item) in items {
                let expected = state.cursor! + 1
                if transfer.id != expected, let snapshot = page.snapshot {
                    if let gap = state.gap, gap.id == expected, snapshot.xmin >= gap.xmax {
                        // Every transaction that could have filled it has ended: it stays empty.
                    } else {
                        if state.gap?.id != expected { state.gap = (expected, snapshot.xmax) }
                        break
                    }
                }
                state.gap = nil
                state.cursor = transfer.id
                batch.append(item)
            }
            return batch.isEmpty ? [] : broadcast(batch, &state)
        }
        for subscriber in ended { subscriber.finish() }
    }

    private func keepAliveIfIdle() {
        let ended = state.withLock { state -> [AsyncStream<[Item]>.Continuation] in
            guard ContinuousClock.now - state.lastSent >= keepAliveInterval else { return [] }
            return broadcast([.keepAlive], &state)
        }
        for subscriber in ended { subscriber.finish() }
    }

    /// Queues `batch` for every subscriber; returns those it would take past `backlog`,
    /// removed, for the caller to end once it has released the lock (ending one calls
    /// `unsubscribe`).
    private func broadcast(_ batch: [Item], _ state: inout State) -> [AsyncStream<[Item]>.Continuation] {
        state.lastSent = .now
        var ended: [AsyncStream<[Item]>.Continuation] = []
        for (id, var member) in state.subscribers {
            member.pending += batch.count
            if member.pending > backlog {
                state.subscribers[id] = nil
                ended.append(member.queue)
            } else {
                member.queue.yield(batch)
                state.subscribers[id] = member
            }
        }
        return ended
    }

    /// A subscriber's batches; taking one (asking for the next) tells the feed its events left
    /// the queue.
    struct Batches: AsyncSequence, Sendable {
        let stream: AsyncStream<[Item]>
        let taken: @Sendable (Int) -> Void

        func makeAsyncIterator() -> Iterator {
            Iterator(base: stream.makeAsyncIterator(), taken: taken)
        }

        struct Iterator: AsyncIteratorProtocol {
            var base: AsyncStream<[Item]>.Iterator
            let taken: @Sendable (Int) -> Void

            mutating func next(isolation actor: isolated (any Actor)? = #isolation) async -> [Item]? {
                guard let batch = await base.next(isolation: actor) else { return nil }
                taken(batch.count)
                return batch
            }

            mutating func next() async -> [Item]? {
                await next(isolation: nil)
            }
        }
    }

    /// One subscriber's transfers: those after `after` up to `cursor` from the store, then the
    /// stream's, each once.
    struct Subscription: Sendable {
        let store: any TransferFeedStore
        /// The last transfer the subscriber has (its resume point).
        let after: Int64
        /// The last transfer the feed had sent when the subscriber joined.
        let cursor: Int64
        let events: Batches

        /// Calls `send` with the bytes of the transfers' events in order (and of keep-alives),
        /// several events at a time, until the feed ends this subscription or `send` throws (the
        /// client has gone).
        func run(_ send: ([UInt8]) async throws -> Void) async throws {
            var last = after
            while last < cursor {
                let page = try await store.feedPage(afterID: last, limit: 500)
                let due = page.transfers.filter { $0.id <= cursor }
                if !due.isEmpty { try await send(try due.flatMap { try Item.transfer($0).bytes }) }
                guard let next = due.last?.id, due.count == page.transfers.count else { break }
                last = next
            }
            last = max(last, after)
            for await batch in events {
                var bytes: [UInt8] = []
                for item in batch {
                    if case .transfer(let transfer, _) = item {
                        guard transfer.id > last else { continue }
                        last = transfer.id
                    }
                    bytes += item.bytes
                }
                if !bytes.isEmpty { try await send(bytes) }
            }
        }
    }
}
