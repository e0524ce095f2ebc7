import ServiceLifecycle

/// Prints `listening on ...` once the service group runs (it traps SIGTERM and SIGINT before it
/// starts any service), then waits for the graceful shutdown: whoever waits for the line may
/// signal the process at once.
struct ReadyLine: Service {
    let line: String

    init(_ line: String) {
        self.line = line
    }

    func run() async throws {
        print(line)
        fflushStandardOutput()
        try? await gracefulShutdown()
    }
}
