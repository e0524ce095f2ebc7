import CoreMetrics
import Dispatch
import Logging
import Synchronization
import TernHTTP

/// What every loop and connection of one server shares.
final class ServerCore: Sendable {
    let configuration: ServerConfiguration
    let responder: any Responder
    let logger: Logger
    /// Connections open across all loops, for the connection limit.
    let openConnections = Atomic<Int>(0)
    /// `http_open_connections`, for the metrics backend.
    let openConnectionsGauge: Meter
    /// One member per worker still serving (until its last connection after shutdown is gone).
    let runningWorkers = DispatchGroup()

    init(configuration: ServerConfiguration, responder: any Responder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.openConnectionsGauge = Meter(label: "http_open_connections", factory: configuration.metricsFactory ?? MetricsSystem.factory)
    }
}
