import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// A program the tests start (PostgreSQL, HAProxy and their tools), known by its PID.
final class ChildProcess: Sendable {
    /// The child's process ID.
    let pid: Int32
    /// Its wait status, once it has been reaped.
    private let status = Locked<Int32?>(nil)

    /// Starts `arguments` (see `Spawn`), its standard output and error to the descriptor `output`.
    init(_ arguments: [String], output: Int32) throws {
        pid = try Spawn.start(arguments, output: output, error: output)
    }

    /// Whether it has not exited yet (reaps it when it has).
    var isRunning: Bool {
        status.withLock { status in
            guard status == nil else { return false }
            var result: Int32 = 0
            guard waitpid(pid, &result, WNOHANG) == pid else { return true }
            status = result
            return false
        }
    }

    /// Sends `signal`, if it still runs.
    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for it to exit and returns its exit code (128 + the signal's number when a
    /// signal ended it).
    @discardableResult
    func waitForExit() -> Int32 {
        let result = status.withLock { status -> Int32 in
            if let status { return status }
            var result: Int32 = 0
            while waitpid(pid, &result, 0) == -1, errno == EINTR {}
            status = result
            return result
        }
        return Spawn.exitCode(fromWaitStatus: result)
    }

    /// Runs `arguments` to its end and returns what it wrote to its standard output and
    /// error; throws with that text when it fails.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let (code, text) = try Spawn.run(arguments)
        guard code == 0 else {
            let name = arguments[0].split(separator: "/").last.map(String.init) ?? arguments[0]
            throw TestServiceError("\(name) failed (exit \(code)): \(text)")
        }
        return text
    }
}
