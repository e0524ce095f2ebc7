#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion and returns its exit status and everything it wrote to
/// standard output and standard error.
///
/// posix_spawn directly: Foundation's `Process.run()` on Swift 6.3.1 for Linux can crash
/// when other threads hold many descriptors (an over-read in
/// `findMaximumOpenFromProcSelfFD`, swift-corelibs-foundation#5472), which this suite's
/// concurrent downloads make likely.
enum Command {
    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw ChildProcessError("pipe") }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child = pid_t()
        let spawned = posix_spawnp(&child, arguments[0], &actions, nil, argv, environ)
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard spawned == 0 else { throw ChildProcessError("posix_spawnp \(arguments[0]): \(spawned)") }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(pipeFDs[0], &chunk, chunk.count)
            if count > 0 {
                output += chunk[..<count]
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0, errno == EINTR {}
        let exited = status & 0x7F == 0
        return Result(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), output: String(decoding: output, as: UTF8.self))
    }
}
