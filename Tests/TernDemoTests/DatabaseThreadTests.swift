import GRDB
import Testing
import TernDemo
import TernHTTP
import TernServer
import TernTesting

@Suite("Demo: database work never runs on an event loop")
struct DatabaseThreadTests {
    @Test func readsAndWritesRunOnGRDBsThreads() async throws {
        try await withTemporaryDirectory { directory in
            let database = try DemoDatabase(directory: directory)
            let probe = ClosureResponder { _, _ in
                let handler = Server.isEventLoopThread
                let read = try await database.pool.read { _ in Server.isEventLoopThread }
                let write = try await database.write { _ in Server.isEventLoopThread }
                let resumed = Server.isEventLoopThread
                return Response(status: .ok, body: .string("\(handler) \(read) \(write) \(resumed)"))
            }
            let threads = try await probe.test(.live) { client in try await client.get("/").text }
            #expect(threads == "true false false true", "handler on its loop, database elsewhere, back on the loop")
            try database.close()
        }
    }
}
