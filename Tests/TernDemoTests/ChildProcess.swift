#if canImport(Glibc)
import Glibc
#endif
import TernTesting

/// Starting a program (`TernTesting.Spawn`), its standard output into a pipe.
enum PipedSpawn {
    enum StandardError {
        /// Into the same pipe as standard output.
        case pipe
        /// Into this file (created or truncated).
        case file(String)
    }

    /// Starts `arguments[0]` (searched in PATH when it has no `/`) with `environment` (nil:
    /// this process's); returns its pid and the read end of its standard output.
    static func start(_ arguments: [String], environment: [String]?, standardError: StandardError) throws -> (pid_t, Int32) {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw ChildProcessError("pipe") }
        defer { close(pipeFDs[1]) }
        var errorFD = pipeFDs[1]
        if case .file(let path) = standardError {
            errorFD = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard errorFD >= 0 else {
                close(pipeFDs[0])
                throw ChildProcessError("open \(path)")
            }
        }
        defer { if errorFD != pipeFDs[1] { close(errorFD) } }
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
        (pid, stdoutFD) = try PipedSpawn.start([Self.demoExecutable] + arguments, environment: variables, standardError: .file(standardError))
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
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

    /// Sends `signal` and waits for the exit; the exit status, or nil when killed by a signal.
    func stop(with signal: Int32) -> Int32? {
        kill(pid, signal)
        return waitForExit()
    }

    func waitForExit() -> Int32? {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let exited = status & 0x7f == 0
        return exited ? (status >> 8) & 0xff : nil
    }
}

struct ChildProcessError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
