import Dispatch

/// Runs file-system work that can block (writes, `fsync`, `rename`, hashing a file) on
/// Dispatch's threads, never on an event loop, and resumes the caller with its result.
enum BlockingIO {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
