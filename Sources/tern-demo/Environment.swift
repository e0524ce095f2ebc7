import Dispatch
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// Environment variables as flag defaults.
enum Environment {
    static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static func integer(_ name: String) -> Int? {
        value(name).flatMap { Int($0) }
    }
}

/// Pushes the ready line out at once, also when stdout is a pipe (flushes every stream).
func fflushStandardOutput() {
    fflush(nil)
}

/// Runs async start-up or shutdown work from the synchronous command and waits for it: the
/// main thread is no event loop, so blocking it holds up nothing.
func waitFor<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = Locked<Result<Value, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<Value, any Error>
        do {
            result = .success(try await work())
        } catch {
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return try outcome.withLock { $0! }.get()
}
