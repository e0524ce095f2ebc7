import Foundation
import Testing
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// docs/walkthrough.md, run as written: each `curl` line against a fresh
/// `tern-demo`, in order, in a scratch folder, its status line compared with the
/// `# HTTP/1.1 ...` line under it (a `curl` line without one is run unchecked). A
/// `make run ARGS="..."` line restarts the server with those flags on the same database.
@Suite("The walkthrough (live, the tern-demo binary and curl)")
struct WalkthroughTests {
    struct Step: CustomStringConvertible {
        let command: String
        let expected: String?
        var description: String { command }
    }

    enum Line {
        case restart([String])
        case step(Step)
    }

    static func walkthrough() throws -> [Line] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/walkthrough.md"), encoding: .utf8)
        guard let start = page.range(of: "<!-- walkthrough:start -->"), let end = page.range(of: "<!-- walkthrough:end -->") else { return [] }
        let lines = page[start.upperBound..<end.lowerBound].components(separatedBy: "\n")
        var result: [Line] = []
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("make run ARGS=\"") {
                result.append(.restart(line.dropFirst("make run ARGS=\"".count).dropLast().split(separator: " ").map(String.init)))
            } else if line.hasPrefix("curl ") || line.contains("| curl ") {
                let next = index + 1 < lines.count ? lines[index + 1] : ""
                let expected = next.hasPrefix("# HTTP/1.1 ") ? next.dropFirst(2).components(separatedBy: "   (")[0].trimmingCharacters(in: .whitespaces) : nil
                result.append(.step(Step(command: line, expected: expected)))
            }
        }
        return result
    }

    @Test func everyStepAnswersAsDocumented() async throws {
        let lines = try Self.walkthrough()
        #expect(lines.count >= 30, "the walkthrough was found")
        try await withTemporaryDirectory { directory in
            let scratch = directory + "/scratch"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            var server = try DemoServer(arguments: [], dataDirectory: directory)
            for line in lines {
                switch line {
                case .restart(let arguments):
                    server.stop()
                    server = try DemoServer(arguments: arguments, dataDirectory: directory)
                case .step(let step):
                    let output = try Self.run(step.command.replacingOccurrences(of: "localhost:8080", with: "127.0.0.1:\(server.port)"), in: scratch)
                    guard let expected = step.expected else { continue }
                    let status = output.split(whereSeparator: \.isNewline).first { $0.hasPrefix("HTTP/1.1 ") }.map(String.init)?
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(status == expected, "\(step.command)")
                }
            }
            server.stop()
        }
    }

    /// Runs `command` with bash in `directory` and returns what it printed.
    static func run(_ command: String, in directory: String) throws -> String {
        try Spawn.run(["/bin/bash", "-c", "cd '\(directory)' && \(command)"]).output
    }

    /// `tern-demo` on port 0 with `arguments`.
    struct DemoServer {
        let process: ChildProcess
        let port: Int

        init(arguments: [String], dataDirectory: String) throws {
            process = try ChildProcess(["--port", "0", "--workers", "1", "--data-dir", dataDirectory] + arguments)
            let line = try #require(process.readLine())
            port = try #require(Int(line.split(separator: ":").last ?? ""))
        }

        func stop() {
            _ = process.stop(with: SIGTERM)
        }
    }
}
