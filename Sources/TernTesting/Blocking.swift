#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work (socket reads in a test) on a thread of its own, so a test waiting on
/// the network never ties up a thread of Swift's cooperative pool, which the server's own
/// tasks may need to produce what the test waits for.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let job = BlockingJob {
            continuation.resume(with: Result { try body() })
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(job).toOpaque()
        guard pthread_create(&thread, nil, runBlockingJob, context) == 0 else {
            Unmanaged<BlockingJob>.fromOpaque(context).release()
            continuation.resume(throwing: TestClientError("pthread_create failed"))
            return
        }
        pthread_detach(thread)
    }
}

private final class BlockingJob: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

private func runBlockingJob(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<BlockingJob>.fromOpaque(context!).takeRetainedValue().run()
    return nil
}
