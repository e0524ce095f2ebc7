import CTernSpawn
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// Starts programs for tests with `posix_spawn`, not Foundation's `Process`: in Swift 6.3.1,
/// `Process.run()` reads past the end of glibc's directory buffer while it lists
/// `/proc/self/fd`, and crashes when the test process has enough descriptors open
/// (https://github.com/swiftlang/swift-corelibs-foundation/pull/5472). The child gets no
/// descriptor of the test process but the ones it is given: a server's listening socket
/// never outlives the server in a child.
public enum Spawn {
    /// Starts `arguments[0]` (searched in PATH when it has no `/`) with the rest as its
    /// arguments and `environment` (nil: this process's), its standard output to the
    /// descriptor `output` and its standard error to `error`; returns its PID.
    public static func start(_ arguments: [String], environment: [String]? = nil, output: Int32, error: Int32) throws -> Int32 {
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let failure = envp.map { tern_spawn(arguments[0], argv, $0, output, error, &pid) }
            ?? tern_spawn(arguments[0], argv, nil, output, error, &pid)
        guard failure == 0 else { throw TestServiceError("cannot start \(arguments[0]): \(String(cString: strerror(failure)))") }
        return pid
    }
}

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
        let signal = result & 0x7f
        return signal == 0 ? (result >> 8) & 0xff : 128 + signal
    }

    /// Runs `arguments` to its end and returns what it wrote to its standard output and
    /// error; throws with that text when it fails.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        var ends: [Int32] = [0, 0]
        // The child gets only the write end (`Spawn` closes the rest in it).
        guard pipe(&ends) == 0 else { throw TestServiceError("cannot make a pipe: \(String(cString: strerror(errno)))") }
        let child: ChildProcess
        do {
            child = try ChildProcess(arguments, output: ends[1])
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[1])
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = read(ends[0], &buffer, buffer.count)
            if count > 0 {
                output.append(contentsOf: buffer[..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(ends[0])
        let code = child.waitForExit()
        let text = String(decoding: output, as: UTF8.self)
        guard code == 0 else {
            let name = arguments[0].split(separator: "/").last.map(String.init) ?? arguments[0]
            throw TestServiceError("\(name) failed (exit \(code)): \(text)")
        }
        return text
    }
}
