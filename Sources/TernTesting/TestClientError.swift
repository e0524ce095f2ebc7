/// What went wrong talking to the server under test.
public struct TestClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
