#if canImport(Glibc)
import Glibc
#endif
import TernTesting

/// Starting a program (`TernTesting.Spawn`), its standard output into a pipe.
enum PipedSpawn {
    /// Starts `arguments[0]` (searched in PATH when it has no `/`) with `environment` (nil:
    /// this process's), its standard error into the file `standardError` (created or
    /// truncated); returns its pid and the read end of its standard output.
    static func start(_ arguments: [String], environment: [String]?, standardError: String) throws -> (pid_t, Int32) {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw ChildProcessError("pipe") }
        defer { close(pipeFDs[1]) }
        let errorFD = open(standardError, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard errorFD >= 0 else {
            close(pipeFDs[0])
            throw ChildProcessError("open \(standardError)")
        }
        defer { close(errorFD) }
        do {
            let child = try Spawn.start(arguments, environment: environment, output: pipeFDs[1], error: errorFD)
            return (child, pipeFDs[0])
        } catch {
            close(pipeFDs[0])
            throw error
        }
    }
}

/// The built `tern-demo` run as a child process, its stdout read line by line.
final class ChildProcess {
    let pid: pid_t
    private let stdoutFD: Int32
    private var pending: [UInt8] = []

    /// The `tern-demo` executable beside this test bundle in the build folder.
    static var demoExecutable: String {
        var path = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &path, path.count - 1)
        let bytes = path.prefix(max(count, 0)).map { UInt8(bitPattern: $0) }
        let exe = String(decoding: bytes, as: UTF8.self)
        return String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)]) + "/tern-demo"
    }

    /// Starts `tern-demo` with `arguments`; its standard error goes to `standardError` (a
    /// file path) or nowhere.
    init(_ arguments: [String], environment: [String: String] = [:], standardError: String = "/dev/null") throws {
        var inherited: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            inherited.append(String(cString: pointer))
            entry += 1
        }
        let variables = inherited.filter { !$0.hasPrefix("TERN_") } + environment.map { "\($0.key)=\($0.value)" }
        (pid, stdoutFD) = try PipedSpawn.start([Self.demoExecutable] + arguments, environment: variables, standardError: standardError)
    }

    deinit {
        kill(pid, SIGKILL)
        Spawn.waitForExit(pid)
        close(stdoutFD)
    }

    /// The next line of stdout, or nil at its end.
    func readLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 1024)
            let count = read(stdoutFD, &chunk, chunk.count)
            guard count > 0 else { return nil }
            pending += chunk[..<count]
        }
    }

    /// Sends `signal` and waits for the exit; the exit code (`Spawn.exitCode(fromWaitStatus:)`).
    func stop(with signal: Int32) -> Int32 {
        kill(pid, signal)
        return waitForExit()
    }

    /// Waits for the exit; the exit code, or 128 + the signal's number when a signal ended it.
    func waitForExit() -> Int32 {
        Spawn.waitForExit(pid)
    }
}

struct ChildProcessError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
