import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing
import TernHTTP
@testable import TernServer
import TernTesting

/// `Server` as a swift-service-lifecycle `Service`.
@Suite("Server as a Service")
struct ServerServiceTests {
    /// The group's graceful shutdown: the server stops accepting, answers the request in flight
    /// and `run()` returns.
    @Test func aGracefulShutdownAnswersWhatIsInFlightAndReturns() async throws {
        let application = TestApplication()
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.workers = 1
        let server = Server(configuration: configuration, responder: application)
        let address = try server.start()
        #expect(server.isStarted)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let busy = try TestConnection(to: address)
                try await busy.send("GET /sleep?\(min(1500 * TestTiming.scale, 5000)) HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await TestTiming.eventually { application.observations.started.load(ordering: .relaxed) >= 1 })
                trigger.triggerGracefulShutdown()
                #expect(try await busy.readResponse().text == "slept", "the request in flight is answered")
                #expect(try await busy.waitForClose())
                try await group.waitForAll()
            }
        }
        #expect(server.openConnections == 0)
    }

    /// Cancelled instead, it shuts down the same way; a server not started yet is started by `run()`.
    @Test func cancellationShutsItDownAndRunStartsItWhenNeeded() async throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.workers = 1
        let server = Server(configuration: configuration, responder: TestApplication())
        let running = Task { try await server.run() }
        #expect(try await TestTiming.eventually { server.isStarted })
        running.cancel()
        try await running.value
        #expect(server.openConnections == 0)
    }
}
