public import ServiceLifecycle

/// Periodic clean-up as a service: runs `work` at once and then every `interval` until the
/// group's graceful shutdown reaches it (or it is cancelled), then returns.
public struct Purger: Service {
    private let interval: Duration
    private let work: @Sendable () async -> Void

    /// Runs `work` every `interval` (ten minutes by default).
    public init(every interval: Duration = .seconds(600), _ work: @escaping @Sendable () async -> Void) {
        self.interval = interval
        self.work = work
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [interval, work] in
            while !Task.isCancelled {
                await work()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
