public import HTTPTypes
import Synchronization
public import TernHTTP

/// Gives every request an id, echoed in `X-Request-Id` on the response and added to the
/// request's logger as `request-id`, so a client's report and the server's log lines meet.
///
/// A client's own `X-Request-Id` is kept when it is sane: one field line of 1 to 128 visible
/// ASCII characters (`!` to `~`). Anything else is replaced by a new id: a random prefix of
/// eight hex digits drawn once per process, then a counter (`5f1c0a9e-1a`), unique without a
/// system call per request. Up to 16,777,215 requests a process its id fits in 15 bytes, which
/// Swift keeps inside the `String` value, so storing and echoing it allocates nothing.
///
/// Register it first, so the responses of every later middleware (errors included) carry it:
/// ```swift
/// router.use(RequestID())
/// router.use(ErrorMiddleware())
/// ```
public struct RequestID: SynchronousMiddleware {
    /// `X-Request-Id`.
    public static let fieldName = HTTPField.Name("X-Request-Id")!

    /// The longest client id kept.
    public static let maxLength = 128

    private let generator: Generator

    /// Ids with a new random prefix.
    public init() {
        generator = Generator()
    }

    public func begin(_ request: Request, context: inout RequestContext) -> Response? {
        let id = request.headerFields.onlyValue(of: Self.fieldName).flatMap { Self.isSane($0) ? $0 : nil } ?? generator.next()
        context.storage[RequestIDKey.self] = id
        context.setLoggerMetadata(.string(id), forKey: "request-id")
        return nil
    }

    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        -> Response
    {
        var response = outcome.rendered(for: request, context: context)
        if let id = Self.current(in: context) { response.headerFields.set(HTTPField(name: Self.fieldName, value: id)) }
        return response
    }

    /// A new id, for responses written outside the middleware chain (the server's own
    /// error responses: `ServerConfiguration.serverResponseFields`).
    public func newID() -> String {
        generator.next()
    }

    /// The request's id, set by `RequestID`; nil when it does not run.
    public static func current(in context: RequestContext) -> String? {
        context.storage[RequestIDKey.self]
    }

    /// 1 to 128 characters from `!` to `~`.
    static func isSane(_ value: String) -> Bool {
        let bytes = value.utf8
        return (1...maxLength).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// A process-wide random prefix and an atomic counter.
    final class Generator: Sendable {
        /// The random part, 32 bits in eight hex digits, and its `-`.
        private let prefix: String
        private let counter = Atomic<UInt64>(0)

        init() {
            let random = String(UInt32.random(in: .min ... .max), radix: 16)
            prefix = String(repeating: "0", count: 8 - random.count) + random + "-"
        }

        /// The prefix and the next count in lowercase hex, written into one string (`String(_:radix:)`
        /// goes through the generic `BinaryInteger` description).
        func next() -> String {
            let value = counter.add(1, ordering: .relaxed).newValue
            let digits = max(1, (UInt64.bitWidth - value.leadingZeroBitCount + 3) / 4)
            let prefix = prefix.utf8
            return String(unsafeUninitializedCapacity: prefix.count + digits) { buffer in
                let end = buffer.initialize(fromContentsOf: prefix) + digits
                var rest = value
                for index in stride(from: end - 1, through: end - digits, by: -1) {
                    let digit = UInt8(truncatingIfNeeded: rest & 0xF)
                    buffer[index] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") - 10 + digit
                    rest >>= 4
                }
                return end
            }
        }
    }
}

/// Where `RequestID` keeps the id for later stages.
enum RequestIDKey: ContextKey {
    typealias Value = String
}
