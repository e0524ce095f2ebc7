import Logging
import TernHTTP

/// Committed transfers as a live feed for `GET /transfers/events`, in commit order, whichever
/// instance committed them.
///
/// While anyone subscribes, one task reads the store every `pollInterval` for transfers past the
/// last one sent (one indexed query; nothing on the write path), and hands each to every
/// subscriber's queue. A gap in the ids is waited on until it fills or can no longer fill
/// (`TransferFeedPage.snapshot`), so no transfer is skipped and none is sent out of order.
/// A subscriber whose queue holds `backlog` unsent items is ended (it resumes with
/// `Last-Event-ID`): a slow client never slows the feed or the others.
final class TransferFeed: Sendable {
    /// What a subscriber is sent.
    enum Item: Sendable {
        case transfer(Transfer)
        /// Nothing happened for `keepAliveInterval`: a comment keeps the stream open.
        case keepAlive
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
        var subscribers: [Int: AsyncStream<Item>.Continuation] = [:]
        var nextSubscriber = 0
        var polling = false
        var closed = false
        var lastSent = ContinuousClock.now
        var failing = false
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
        var continuation: AsyncStream<Item>.Continuation!
        let stream = AsyncStream<Item>(bufferingPolicy: .bufferingOldest(backlog)) { continuation = $0 }
        let joined: Joined? = state.withLock { state in
            guard !state.closed, state.subscribers.count < maxSubscribers else { return nil }
            if state.cursor == nil { state.cursor = latest }
            let joined = Joined(id: state.nextSubscriber, cursor: state.cursor!, startsPolling: !state.polling)
            state.nextSubscriber += 1
            state.subscribers[joined.id] = continuation
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
        return Subscription(store: store, after: afterID ?? joined.cursor, cursor: joined.cursor, events: stream)
    }

    private struct Joined {
        let id: Int
        let cursor: Int64
        let startsPolling: Bool
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
            return Array(state.subscribers.values)
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
                deliver(page, readAfter: cursor)
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
    private func deliver(_ page: TransferFeedPage, readAfter cursor: Int64) {
        let ended = state.withLock { state -> [AsyncStream<Item>.Continuation] in
            var ended: [AsyncStream<Item>.Continuation] = []
            // Another subscriber's arrival may have reset the cursor meanwhile.
            guard state.cursor == cursor else { return ended }
            for transfer in page.transfers {
                let expected = state.cursor! + 1
                if transfer.id != expected, let snapshot = page.snapshot {
                    if let gap = state.gap, gap.id == expected, snapshot.xmin >= gap.xmax {
                        // Every transaction that could have filled it has ended: it stays empty.
                    } else {
                        if state.gap?.id != expected { state.gap = (expected, snapshot.xmax) }
                        return ended
                    }
                }
                state.gap = nil
                state.cursor = transfer.id
                ended += broadcast(.transfer(transfer), &state)
            }
            return ended
        }
        for subscriber in ended { subscriber.finish() }
    }

    private func keepAliveIfIdle() {
        let ended = state.withLock { state -> [AsyncStream<Item>.Continuation] in
            guard ContinuousClock.now - state.lastSent >= keepAliveInterval else { return [] }
            return broadcast(.keepAlive, &state)
        }
        for subscriber in ended { subscriber.finish() }
    }

    /// Queues `item` for every subscriber; returns those whose queue was full, removed, for the
    /// caller to end once it has released the lock (ending one calls `unsubscribe`).
    private func broadcast(_ item: Item, _ state: inout State) -> [AsyncStream<Item>.Continuation] {
        state.lastSent = .now
        var ended: [AsyncStream<Item>.Continuation] = []
        for (id, subscriber) in state.subscribers {
            if case .dropped = subscriber.yield(item) {
                state.subscribers[id] = nil
                ended.append(subscriber)
            }
        }
        return ended
    }

    /// One subscriber's transfers: those after `after` up to `cursor` from the store, then the
    /// stream's, each once.
    struct Subscription: Sendable {
        let store: any TransferFeedStore
        /// The last transfer the subscriber has (its resume point).
        let after: Int64
        /// The last transfer the feed had sent when the subscriber joined.
        let cursor: Int64
        let events: AsyncStream<Item>

        /// Calls `send` with each transfer in order (and with keep-alives), until the feed ends
        /// this subscription or `send` throws (the client has gone).
        func run(_ send: (Item) async throws -> Void) async throws {
            var last = after
            while last < cursor {
                let page = try await store.feedPage(afterID: last, limit: 500)
                let due = page.transfers.filter { $0.id <= cursor }
                for transfer in due { try await send(.transfer(transfer)) }
                guard let next = due.last?.id, due.count == page.transfers.count else { break }
                last = next
            }
            last = max(last, after)
            for await item in events {
                if case .transfer(let transfer) = item {
                    guard transfer.id > last else { continue }
                    last = transfer.id
                }
                try await send(item)
            }
        }
    }
}
