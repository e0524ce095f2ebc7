import CTernSpawn
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

    /// The exit code in `status`, a wait status from `waitpid`, or 128 + the signal's number
    /// when a signal ended the process (as a shell reports it).
    public static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Waits for the child `pid` to exit and returns its exit code (`exitCode(fromWaitStatus:)`).
    @discardableResult
    public static func waitForExit(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return exitCode(fromWaitStatus: status)
    }

    /// Runs `arguments` (see `start`) to its end: its exit code (`exitCode(fromWaitStatus:)`)
    /// and what it wrote to its standard output and error, together.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        var ends: [Int32] = [0, 0]
        // The child gets only the write end (the rest is closed in it).
        guard pipe(&ends) == 0 else { throw TestServiceError("cannot make a pipe: \(String(cString: strerror(errno)))") }
        let pid: Int32
        do {
            pid = try start(arguments, output: ends[1], error: ends[1])
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
        return (waitForExit(pid), String(decoding: output, as: UTF8.self))
    }
}
