/// What went wrong talking to the server under test.
public struct TestClientError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
