import Testing
import TernHTTP
@testable import TernServer

/// An event loop's idle work (`IdleWorkScheduler`), on a real loop with no socket.
@Suite("Event loop: work deferred until idle")
struct IdleWorkTests {
    @Test func idleWorkRunsOnTheLoopAfterWhatIsReady() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let order = Locked<[String]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                order.withLock { $0.append("callback") }
                let scheduler = IdleWork.current
                scheduler?.runWhenIdle {
                    order.withLock { $0.append(IdleWork.current === scheduler && loop.isCurrent ? "idle, on the loop" : "idle, elsewhere") }
                    done.resume()
                }
                loop.execute { order.withLock { $0.append("job") } }
            }
        }
        #expect(order.withLock { $0 } == ["callback", "job", "idle, on the loop"])
        group.shutdown()
        await group.waitUntilStopped()
    }

    /// A loop told to stop in the same callback that deferred work never gets idle: it runs the
    /// work as it stops, so nothing deferred (an access-log line) is lost at shutdown.
    @Test func workDeferredAsTheLoopStopsStillRuns() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let ran = Locked(false)
        loop.execute {
            IdleWork.current?.runWhenIdle { ran.withLock { $0 = true } }
            loop.stop()
        }
        await group.waitUntilStopped()
        #expect(ran.withLock { $0 })
    }

    @Test func aThreadWithoutALoopHasNoScheduler() async throws {
        #expect(try await runBlockingNoLoop())
    }

    private func runBlockingNoLoop() async throws -> Bool {
        await Task.detached { IdleWork.current == nil }.value
    }
}
