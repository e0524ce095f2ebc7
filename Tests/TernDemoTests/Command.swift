#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion and returns its exit status and everything it wrote to
/// standard output and standard error.
///
/// Started by `TernTesting.Spawn`, not Foundation's `Process` (see there why).
enum Command {
    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let (child, outputFD) = try PipedSpawn.start(arguments, environment: nil, standardError: .pipe)
        defer { close(outputFD) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(outputFD, &chunk, chunk.count)
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
