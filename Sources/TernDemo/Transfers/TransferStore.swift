public import TernHTTP
public import TernMiddleware

/// Accounts and transfers. The demo's implementation is SQLite (`SQLiteTransferStore`), which
/// is also the idempotency record store, so a transfer and its stored response commit in one
/// transaction.
public protocol TransferStore: Sendable {
    func accounts(afterID: String?, limit: Int) async throws -> [Account]
    func account(id: String) async throws -> Account?
    /// Newest first: ids below `beforeID` (all when nil).
    func transfers(beforeID: Int64?, limit: Int) async throws -> [Transfer]
    func transfer(id: Int64) async throws -> Transfer?

    /// Moves `amount` from one account to the other in one transaction, or refuses for lack of
    /// funds; `respond` turns the outcome into the response, which is stored with `claim` in the
    /// same transaction. - Throws: `ValidationError` for an unknown account (nothing stored).
    func transfer(
        _ amount: Money, from: String, to: String, at seconds: Int64, claim: IdempotencyClaim?,
        respond: @escaping @Sendable (TransferOutcome) throws -> Response
    ) async throws -> Response
}

/// What a transfer request came to.
public enum TransferOutcome: Sendable {
    case completed(Transfer)
    /// The source account holds less than the amount.
    case insufficientFunds(balance: Money)
}
