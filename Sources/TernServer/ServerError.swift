/// Why a server could not start.
public struct ServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, for the operator.
    public let description: String

    private init(_ description: String) {
        self.description = description
    }

    static func address(_ what: String) -> ServerError { ServerError("cannot listen: \(what)") }
    static func eventLoop(_ what: String) -> ServerError { ServerError("cannot start an event loop: \(what)") }
}
