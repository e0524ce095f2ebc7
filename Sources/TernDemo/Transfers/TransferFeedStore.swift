/// What the transfer events feed reads: transfers by ascending id, with what it needs to tell
/// a gap in the ids that a transaction still in progress may fill from one that stays empty.
public protocol TransferFeedStore: Sendable {
    /// Up to `limit` committed transfers with ids above `afterID`, ascending.
    func feedPage(afterID: Int64, limit: Int) async throws -> TransferFeedPage
    /// The highest transfer id committed so far (0 when there is none).
    func latestTransferID() async throws -> Int64
}

/// One read of the feed.
public struct TransferFeedPage: Sendable {
    /// The transfers, by ascending id.
    public var transfers: [Transfer]
    /// For a store where a lower id may commit after a higher one (PostgreSQL): the read's
    /// snapshot, as transaction ids. A gap seen at one read (noting its `xmax`) can no longer
    /// fill once a later read's `xmin` reaches that `xmax`: every transaction then in progress
    /// has ended. Nil for a store that commits in id order (SQLite's single writer).
    public var snapshot: (xmin: UInt64, xmax: UInt64)?

    public init(transfers: [Transfer], snapshot: (xmin: UInt64, xmax: UInt64)?) {
        self.transfers = transfers
        self.snapshot = snapshot
    }
}
