public import Logging
public import ServiceLifecycle

/// One step of an orderly shutdown as a service: it waits until the group's graceful shutdown
/// (or a cancellation) reaches it, runs `step`, logs `done` at info, and returns. A group shuts
/// services down in the reverse of their order, each after the one started after it returned:
/// a step listed before the server runs once the server has stopped, one listed after it runs
/// before the server stops accepting.
public struct ShutdownStep: Service {
    private let done: Logger.Message
    private let logger: Logger
    private let step: @Sendable () async throws -> Void

    /// A step that runs `step` and then logs `done` through `logger`.
    public init(_ done: Logger.Message, logger: Logger, _ step: @escaping @Sendable () async throws -> Void) {
        self.done = done
        self.logger = logger
        self.step = step
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await step()
        logger.info(done)
    }
}
