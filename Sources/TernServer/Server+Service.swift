public import ServiceLifecycle

/// A `Server` runs in a swift-service-lifecycle `ServiceGroup`, beside the service's other
/// parts (its database, background jobs), which the group starts in order and, at SIGTERM or
/// SIGINT, shuts down in reverse order, each once the one started after it has returned:
///
/// ```swift
/// let server = Server(configuration: configuration, responder: app)
/// let group = ServiceGroup(configuration: .init(
///     services: [.init(service: database), .init(service: server)],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
extension Server: Service {
    /// Starts the server, unless `start()` already did (to learn the port it bound first), and
    /// serves until the group's graceful shutdown reaches it: then it stops accepting, answers
    /// the requests in flight within `shutdownGracePeriod`, and returns once every loop has
    /// stopped serving. Cancelled, it shuts down the same way.
    public func run() async throws {
        if !isStarted { try start() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await waitUntilStopped()
            } onGracefulShutdown: {
                self.shutdown()
            }
        } onCancel: {
            self.shutdown()
        }
    }

    /// Whether `start()` was called.
    public var isStarted: Bool { state.withLock { $0.started } }
}
