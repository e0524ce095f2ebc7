import Foundation
import Synchronization
import Testing
import TernDemo
import TernHTTP
import TernTesting

/// Three `tern-demo` instances sharing PostgreSQL: every guarantee of one instance holds across
/// them (docs: API.md, "Several instances").
@Suite("Demo: several instances on PostgreSQL (live, the tern-demo binary)")
struct ClusterTests {
    @Test func oneKeySentToEveryInstanceAtOnceExecutesOnce() async throws {
        let cluster = try await DemoCluster(instances: 3)
        let api = cluster.api
        let body = #"{"from":"alice","to":"bob","amount":12.34}"#
        let total = try api.totalBalance()
        // Three rounds of the same key to all three instances at once.
        for round in 0..<3 {
            let key = "once-\(round)"
            let outcomes = await withTaskGroup(of: RawHTTP.Reply?.self) { group in
                for index in 0..<9 {
                    group.addTask { api.write(index % 3, "POST", "/transfers", body: body, headers: "Idempotency-Key: \(key)\r\n") }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let executed = outcomes.filter { $0?.status == 201 && $0?.field("idempotent-replayed") == nil }
            #expect(executed.count == 1, "round \(round): \(outcomes.map { $0?.status ?? 0 })")
            for outcome in outcomes {
                let reply = try #require(outcome)
                #expect([201, 409].contains(reply.status))
                if reply.status == 409 { #expect(reply.field("retry-after") != nil) }
                if reply.status == 201 { #expect(reply.body == executed.first??.body) }
            }
            // Afterwards each instance replays the same bytes.
            for index in 0..<3 {
                let replay = try #require(api.write(index, "POST", "/transfers", body: body, headers: "Idempotency-Key: \(key)\r\n"))
                #expect(replay.status == 201 && replay.field("idempotent-replayed") == "true")
                #expect(replay.body == executed.first??.body)
            }
        }
        let alice = try #require(api.get(2, "/accounts/alice"))
        #expect(String(decoding: alice.body, as: UTF8.self).contains(#""balance":962.98"#), "1000.00 - 3 × 12.34")
        #expect(try api.totalBalance(1) == total)
    }

    @Test func aLostUpdateAcrossInstancesIsImpossible() async throws {
        let cluster = try await DemoCluster(instances: 2)
        let api = cluster.api
        let read = try #require(api.get(0, "/users/1"))
        let tag = try #require(read.field("etag"))
        // The same If-Match on two instances at once: one wins, the other is refused.
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<2 {
                group.addTask {
                    api.write(index, "PUT", "/users/1", body: #"{"name":"Writer \#(index)","email":"alice@example.com"}"#, headers: "If-Match: \(tag)\r\n")?.status ?? 0
                }
            }
            return await group.reduce(into: []) { $0.append($1) }.sorted()
        }
        #expect(statuses == [200, 412])
        // A write on one instance, then a conditional read with the old tag on the other:
        // the new representation, never 304.
        let after = try #require(api.get(1, "/users/1", headers: "If-None-Match: \(tag)\r\n"))
        #expect(after.status == 200)
        #expect(after.field("etag") != tag)
        let write = try #require(api.write(1, "PATCH", "/users/1", body: #"{"name":"Third"}"#, headers: "If-Match: \(after.field("etag")!)\r\n"))
        #expect(write.status == 200)
        let seen = try #require(api.get(0, "/users/1", headers: "If-None-Match: \(after.field("etag")!)\r\n"))
        #expect(seen.status == 200 && seen.field("etag") == write.field("etag"))
        #expect(String(decoding: seen.body, as: UTF8.self).contains("Third"))
    }

    @Test func transfersCommittedThroughAnyInstanceReachTheSubscribersOfEvery() async throws {
        let cluster = try await DemoCluster(instances: 3)
        let api = cluster.api
        let readers = try cluster.ports.map { try #require(EventStreamReader(port: $0)) }
        for reader in readers { #expect(try await reader.opened() == 200) }
        // 4 writers on two instances at once: commits interleave, ids may commit out of order.
        let ids = await withTaskGroup(of: [Int64].self) { group in
            for writer in 0..<4 {
                group.addTask {
                    (0..<10).compactMap { index in
                        api.write(1 + writer % 2, "POST", "/transfers", body: #"{"from":"alice","to":"bob","amount":0.01}"#, headers: "Idempotency-Key: events-\(writer)-\(index)\r\n")?
                            .field("location").flatMap { Int64($0.split(separator: "/").last ?? "") }
                    }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(ids.count == 40)
        for reader in readers {
            let seen = try await reader.received(40)
            #expect(seen == ids.sorted(), "every transfer once, in commit (= id) order")
        }
        // Resuming on another instance after the twentieth.
        let resumed = try #require(EventStreamReader(port: cluster.ports[2], headers: "Last-Event-ID: \(ids.sorted()[19])\r\n"))
        #expect(try await resumed.received(20) == Array(ids.sorted()[20...]))
    }

    @Test func whileTheDatabaseIsDownRequestsGet503AndTheInstancesRecover() async throws {
        let postgres = try await TestPostgres.start()
        defer { postgres.stopAndRemove() }
        let cluster = try await DemoCluster(instances: 2, postgres: postgres)
        let api = cluster.api
        #expect(api.get(0, "/users/1")?.status == 200)
        postgres.stop()
        for index in 0..<2 {
            let read = try #require(api.get(index, "/users/1"))
            #expect(read.status == 503 && read.field("retry-after") != nil)
            #expect(read.field("content-type") == "application/problem+json")
            let write = try #require(api.write(index, "POST", "/transfers", body: #"{"from":"alice","to":"bob","amount":1}"#, headers: "Idempotency-Key: down-\(index)\r\n"))
            #expect(write.status == 503 && write.field("retry-after") != nil)
            #expect(api.get(index, "/healthz")?.status == 503)
        }
        try await postgres.restart()
        for index in 0..<2 {
            // Each event loop's connections come back on their own backoff.
            #expect(try await TestTiming.eventually { api.get(index, "/healthz")?.status == 200 })
            #expect(try await TestTiming.eventually { api.get(index, "/users/1")?.status == 200 })
            let usable = try await TestTiming.eventually {
                api.write(index, "POST", "/transfers", body: #"{"from":"alice","to":"bob","amount":1}"#, headers: "Idempotency-Key: down-\(index)\r\n")?.status == 201
            }
            #expect(usable, "the key refused while down is usable now")
        }
    }
}

@Suite("Demo: rate limits and forwarded clients across instances (live, the tern-demo binary)")
struct ClusterRateLimitTests {
    /// Sends `count` anonymous GETs round-robin over the instances, with `headers`; how many
    /// were admitted.
    private static func burst(_ api: ClusterAPI, count: Int, headers: String = "") -> Int {
        (0..<count).reduce(0) { admitted, index in
            admitted + (api.get(index % api.ports.count, "/users/1", headers: headers)?.status == 200 ? 1 : 0)
        }
    }

    @Test func aBurstSpreadOverEveryInstanceGetsAboutTheQuota() async throws {
        let quota = 30
        let cluster = try await DemoCluster(instances: 3, arguments: ["--rate-limit", "\(quota)/60"])
        let admitted = Self.burst(cluster.api, count: 3 * quota)
        #expect(Double(admitted) >= 0.8 * Double(quota), "\(admitted)")
        #expect(Double(admitted) <= 1.2 * Double(quota) + 1, "\(admitted)")
        let refused = try #require(cluster.api.get(1, "/users/1"))
        #expect(refused.status == 429 && refused.field("retry-after") != nil)
        #expect(refused.field("ratelimit-policy") == #""default";q=30;w=60"#)
    }

    @Test func forwardedClientsHaveTheirOwnQuotaOnlyBehindATrustedProxy() async throws {
        let quota = 10
        let trusting = try await DemoCluster(instances: 2, arguments: ["--rate-limit", "\(quota)/60", "--trusted-proxies", "127.0.0.0/8"])
        let first = Self.burst(trusting.api, count: 2 * quota, headers: "X-Forwarded-For: 203.0.113.1\r\n")
        let second = Self.burst(trusting.api, count: 2 * quota, headers: "X-Forwarded-For: 198.51.100.7, 127.0.0.1\r\n")
        #expect(first >= quota * 8 / 10 && first <= quota + 1 + quota / 5, "\(first)")
        #expect(second >= quota * 8 / 10 && second <= quota + 1 + quota / 5, "\(second): a second client, its own bucket")

        let ignoring = try await DemoCluster(instances: 2, arguments: ["--rate-limit", "\(quota)/60"])
        let spoofed = (0..<(2 * quota)).reduce(0) { admitted, index in
            admitted + (ignoring.api.get(index % 2, "/users/1", headers: "X-Forwarded-For: 203.0.113.\(index)\r\n")?.status == 200 ? 1 : 0)
        }
        #expect(spoofed <= quota + 1 + quota / 5, "\(spoofed): a field from an untrusted peer changes nothing")
    }
}

@Suite("Demo: kill -9 of an instance behind HAProxy (live, tern-demo, PostgreSQL, HAProxy)")
struct ClusterCrashTests {
    @Test func killingAnInstanceUnderLoadLosesNothingAndAppliesNothingTwice() async throws {
        let cluster = try await DemoCluster(instances: 3)
        let total = try cluster.api.totalBalance()
        let haproxy = try await TestHAProxy(servers: cluster.ports)
        let port = haproxy.port
        let acknowledged = Atomic<Int>(0)
        let killed = Atomic<Bool>(false)
        let victim = cluster.instances[1].pid
        let database = String(cluster.databaseURL.split(separator: "/").last!)
        let victimSessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '\(PostgresRateLimitStore.applicationNamePrefix)%:\(victim)'"
        let before = try cluster.postgres.psql(victimSessions, database: database).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((Int(before) ?? 0) > 0, "the instance to kill has sessions of its own: \(before)")
        let perClient = 30
        // 8 clients, 30 transfers each, every key retried until it is acknowledged; one
        // instance is killed after about 80 acknowledgements.
        let outcomes = await DownloadLoadTests.onThreads(count: 8) { () -> [String: [UInt8]] in
            let client = UInt32.random(in: 0...UInt32.max)
            var done: [String: [UInt8]] = [:]
            for index in 0..<perClient {
                let key = "kill-\(client)-\(index)"
                let (from, to) = index.isMultiple(of: 2) ? ("alice", "bob") : ("bob", "alice")
                let body = #"{"from":"\#(from)","to":"\#(to)","amount":0.0\#(index % 9 + 1)}"#
                let giveUp = ContinuousClock.now + TestTiming.patience
                while ContinuousClock.now < giveUp {
                    if let reply = RawHTTP.exchange(port: port, CrashTests.request(key, body)), reply.status == 201 {
                        done[key] = reply.body
                        acknowledged.add(1, ordering: .relaxed)
                        break
                    }
                    usleep(20_000)
                }
            }
            return done
        } while: {
            if acknowledged.load(ordering: .relaxed) >= 80, !killed.exchange(true, ordering: .relaxed) {
                kill(victim, SIGKILL)
            }
        }
        let wasKilled = killed.load(ordering: .relaxed)
        #expect(wasKilled, "an instance was killed mid-run")
        let done = outcomes.reduce(into: [String: [UInt8]]()) { $0.merge($1) { first, _ in first } }
        #expect(done.count == 8 * perClient, "every key was acknowledged in the end")

        // Each key executed once: as many transfers and records as keys.
        // Why the dead instance's keys were usable again (every key above was acknowledged):
        // PostgreSQL ended its sessions when the kernel closed their sockets, and its advisory
        // locks on keys with them; no timeout was waited for. None of its sessions is left.
        let sessions = try cluster.postgres.psql(victimSessions, database: database)
        #expect(sessions.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the killed instance's sessions are gone")
        let counts = try cluster.postgres.psql("SELECT (SELECT count(*) FROM transfers) || ' ' || (SELECT count(*) FROM idempotency_records)", database: database)
        #expect(counts.trimmingCharacters(in: .whitespacesAndNewlines) == "\(done.count) \(done.count)")
        #expect(try cluster.api.totalBalance(0) == total)
        // What each client was told is what every instance still replays.
        for (key, body) in done.prefix(40) {
            let sent = try #require(String(data: Data(body), encoding: .utf8))
            let replay = try #require(RawHTTP.exchange(port: port, CrashTests.request(key, Self.requestBody(of: sent))))
            #expect(replay.status == 201 && replay.body == body, "\(key)")
        }
    }

    /// The request body that produced a transfer's response body.
    private static func requestBody(of response: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.utf8))) as? [String: Any] ?? [:]
        let amount = (object["amount"] as? Double) ?? 0
        return #"{"from":"\#(object["from"] ?? "")","to":"\#(object["to"] ?? "")","amount":0.0\#(Int((amount * 100).rounded()))}"#
    }
}
