import Foundation
import Synchronization
import Testing
import TernDemo
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// Transfers survive `kill -9`: the server is killed while clients send transfers with
/// unique keys, restarted on the same data, and checked against what clients were told.
@Suite("Demo: transfers survive kill -9 (live, the tern-demo binary)")
struct CrashTests {
    struct Attempt: Sendable {
        let key: String
        let body: String
        let reply: RawHTTP.Reply?
    }

    static func request(_ key: String, _ body: String) -> String {
        "POST /transfers HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Type: application/json\r\n"
            + "Idempotency-Key: \(key)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    }

    /// `tern-demo` on a free port over `data`; a files folder whose large sample already has
    /// its size (sparse), so start-up writes nothing.
    static func start(_ data: String) throws -> (ChildProcess, Int) {
        let files = data + "/files"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        let sample = open(files + "/" + SampleFiles.largeName, O_CREAT | O_WRONLY, 0o644)
        _ = ftruncate(sample, off_t(SampleFiles.largeSize))
        close(sample)
        let process = try ChildProcess(["--port", "0", "--workers", "2", "--rate-limit", "off", "--data-dir", data, "--files-dir", files])
        let line = try #require(process.readLine())
        return (process, try #require(Int(line.split(separator: ":").last ?? "")))
    }

    @Test func acknowledgedTransfersSurviveAndNoneAppliesTwice() async throws {
        try await withTemporaryDirectory { data in
            let (server, port) = try Self.start(data)
            let acknowledged = Atomic<Int>(0)
            let killed = Atomic<Bool>(false)
            let pid = server.pid
            // 8 clients, up to 40 transfers each; the server dies after about 120 are acknowledged.
            let attempts = await DownloadLoadTests.onThreads(count: 8) { () -> [Attempt] in
                let client = UInt32.random(in: 0...UInt32.max)
                var attempts: [Attempt] = []
                for index in 0..<40 {
                    let key = "crash-\(client)-\(index)"
                    let (from, to) = index.isMultiple(of: 2) ? ("alice", "bob") : ("bob", "alice")
                    let body = #"{"from":"\#(from)","to":"\#(to)","amount":\#(index % 9 + 1).\#(index % 10)5}"#
                    let reply = RawHTTP.exchange(port: port, Self.request(key, body))
                    attempts.append(Attempt(key: key, body: body, reply: reply))
                    guard let reply else { break }
                    if reply.status == 201 { acknowledged.add(1, ordering: .relaxed) }
                }
                return attempts
            } while: {
                if acknowledged.load(ordering: .relaxed) >= 120, !killed.exchange(true, ordering: .relaxed) {
                    kill(pid, SIGKILL)
                }
            }.flatMap { $0 }
            let wasKilled = killed.load(ordering: .relaxed)
            #expect(wasKilled, "the server was killed mid-run")
            _ = server.waitForExit()
            let acknowledgedAttempts = attempts.filter { $0.reply?.status == 201 }
            #expect(acknowledgedAttempts.count >= 120)
            #expect(attempts.contains { $0.reply == nil }, "some requests were cut off by the kill")

            let (restarted, newPort) = try Self.start(data)
            // Every 201 a client received exists, and its key replays it byte for byte.
            for attempt in acknowledgedAttempts {
                let original = try #require(attempt.reply)
                let location = try #require(original.field("location"))
                let stored = RawHTTP.exchange(port: newPort, "GET \(location) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                #expect(stored?.status == 200, "\(attempt.key)")
                #expect(stored?.body == original.body, "the transfer as acknowledged")
                let replay = RawHTTP.exchange(port: newPort, Self.request(attempt.key, attempt.body))
                #expect(replay?.status == 201)
                #expect(replay?.body == original.body)
                #expect(replay?.field("idempotent-replayed") == "true")
            }
            // Sending every key once more applies the ones that never were, and no other.
            for attempt in attempts where attempt.reply?.status != 201 {
                let retry = RawHTTP.exchange(port: newPort, Self.request(attempt.key, attempt.body))
                #expect(retry?.status == 201, "\(attempt.key)")
            }
            var transfers = 0
            var path = "/transfers?limit=100"
            while true {
                let page = try #require(RawHTTP.exchange(port: newPort, "GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"))
                let json = try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any]
                transfers += (json?["items"] as? [Any])?.count ?? 0
                guard let link = page.field("link") else { break }
                path = String(link.dropFirst().prefix { $0 != ">" })
            }
            #expect(transfers == attempts.count, "each key applied exactly once")
            let accounts = try #require(RawHTTP.exchange(port: newPort, "GET /accounts HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"))
            let items = (try JSONSerialization.jsonObject(with: Data(accounts.body)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
            let total = items.compactMap { ($0["balance"] as? NSNumber)?.decimalValue }.reduce(Decimal(0), +)
            #expect(total == Decimal(1500), "balances sum to the seeded total")
            #expect(restarted.stop(with: SIGTERM) == 0)
        }
    }
}
