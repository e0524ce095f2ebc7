import GRDB
import Testing
import TernDemo
import TernTesting

@Suite("Demo: writes that share a commit keep their own outcomes")
struct GroupCommitTests {
    struct Refused: Error, Equatable { let index: Int }

    /// Sixty writes at once, every third throwing after its update: each gets its own value or
    /// error, only the others' updates stay, and a read after the awaits sees all of them.
    @Test func aFailingWriteRollsBackAlone() async throws {
        try await withTemporaryDirectory { directory in
            let database = try DemoDatabase(directory: directory)
            let before = try await database.read { db in try Int64.fetchOne(db, sql: "SELECT balance_cents FROM accounts WHERE id = 'carol'") }
            let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            let value = try await database.write { db in
                                try db.execute(sql: "UPDATE accounts SET balance_cents = balance_cents + 1 WHERE id = 'carol'")
                                if index % 3 == 0 { throw Refused(index: index) }
                                return index * 10
                            }
                            return (index, .success(value))
                        } catch let refused as Refused {
                            return (index, .failure(refused))
                        } catch {
                            Issue.record("write \(index) failed: \(error)")
                            return (index, .failure(Refused(index: -1)))
                        }
                    }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            for index in 0..<60 {
                #expect(outcomes[index] == (index % 3 == 0 ? .failure(Refused(index: index)) : .success(index * 10)))
            }
            let after = try await database.read { db in try Int64.fetchOne(db, sql: "SELECT balance_cents FROM accounts WHERE id = 'carol'") }
            #expect(after == before.map { $0 + 40 })
            try database.close()
        }
    }
}
