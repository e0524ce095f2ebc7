import CLibevent
import Dispatch
import Synchronization
@_spi(Tern) import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// One libevent `event_base` run by one thread, and the task executor for everything that
/// thread serves.
///
/// Handlers run as tasks that prefer this executor. A job enqueued on the loop thread inside
/// a libevent callback (`withJobScope`) runs before that callback returns, so a handler that
/// never suspends completes inline with no thread hop; a job enqueued from another thread
/// (a handler resuming after `await`) goes through a locked queue and a write to the loop's
/// eventfd, and runs on the loop thread. Nothing else crosses threads, so libevent runs
/// without its pthread locking.
package final class EventLoop: TaskExecutor, @unchecked Sendable {
    // Sendable proof: `base` and every `var` below are used only on the loop thread (each use
    // is in a libevent callback or a job of this executor, or before the thread starts),
    // except `remote`, which is behind a mutex, and `wakeupFD`, an eventfd any thread may write.
    /// The libevent `event_base`: events on it are added, fired and freed on the loop thread only.
    package let base: OpaquePointer
    private let wakeupFD: Int32
    private var wakeup: OpaquePointer?
    private let remote = Locked(RemoteJobs())
    /// Whether `remote` may hold jobs: set under its lock by `enqueue`, so the loop looks at
    /// the lock only when another thread has queued something.
    private let remotePending = Atomic<Bool>(false)
    @exclusivity(unchecked) private var local: [UnownedJob] = []
    /// The jobs being run, swapped out of `local` and `remote`.
    @exclusivity(unchecked) private var localBatch: [UnownedJob] = []
    @exclusivity(unchecked) private var remoteBatch: [UnownedJob] = []
    @exclusivity(unchecked) private var inJobScope = false
    @exclusivity(unchecked) private var cachedDate = CachedDate()
    /// What `runWhenIdle` deferred, run once the events that were ready have run.
    @exclusivity(unchecked) private var idleWork: [IdleTask] = []
    @exclusivity(unchecked) private var idleBatch: [IdleTask] = []
    /// Where the loop's connections receive into; each copies what it read out at once.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// Where the loop's connections write a response before sending it.
    @exclusivity(unchecked) var output = OutputBuffer()

    private struct RemoteJobs {
        var jobs: [UnownedJob] = []
        var wakeupScheduled = false
    }

    init() throws(ServerError) {
        guard let base = event_base_new() else { throw ServerError.eventLoop("event_base_new failed") }
        let wakeupFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeupFD >= 0 else {
            event_base_free(base)
            throw ServerError.eventLoop("eventfd failed")
        }
        self.base = base
        self.wakeupFD = wakeupFD
        let context = Unmanaged.passUnretained(self).toOpaque()
        wakeup = event_new(base, wakeupFD, Int16(EV_READ | EV_PERSIST), { fd, _, context in
            var count: UInt64 = 0
            _ = read(fd, &count, MemoryLayout<UInt64>.size)
            let loop = Unmanaged<EventLoop>.fromOpaque(context!).takeUnretainedValue()
            loop.withJobScope {}
        }, context)
        event_add(wakeup, nil)
    }

    deinit {
        readBuffer.deallocate()
        if let wakeup { event_free(wakeup) }
        close(wakeupFD)
        event_base_free(base)
    }

    /// Runs the loop on the calling thread until `stop()`.
    func run() {
        LoopThreadMarker.set(self)
        IdleWork.install(self)
        // One batch at a time: libevent waits for events, runs every one that is ready and
        // returns; then the idle work runs, before the loop waits again.
        repeat {
            event_base_loop(base, EVLOOP_ONCE | EVLOOP_NO_EXIT_ON_EMPTY)
            runIdleWork()
        } while event_base_got_exit(base) == 0 && event_base_got_break(base) == 0
        IdleWork.install(nil)
        LoopThreadMarker.set(nil)
    }

    /// Makes `run()` return once the current callback is done. Loop thread only.
    func stop() {
        event_base_loopexit(base, nil)
    }

    /// Whether the caller is this loop's thread.
    package var isCurrent: Bool { LoopThreadMarker.current == Unmanaged.passUnretained(self).toOpaque() }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if isCurrent, inJobScope {
            local.append(job)
            return
        }
        let needsWakeup = remote.withLock { remote in
            remote.jobs.append(job)
            remotePending.store(true, ordering: .releasing)
            defer { remote.wakeupScheduled = true }
            return !remote.wakeupScheduled
        }
        if needsWakeup {
            var one: UInt64 = 1
            _ = write(wakeupFD, &one, MemoryLayout<UInt64>.size)
        }
    }

    /// Runs `body` (a libevent callback's work) and then every job it and its jobs enqueue.
    package func withJobScope(_ body: () -> Void) {
        let outer = inJobScope
        inJobScope = true
        body()
        if !outer { runJobs() }
        inJobScope = outer
    }

    /// Runs queued jobs until none are left. The queues are swapped with arrays kept for the
    /// purpose, so a steady flow of jobs allocates nothing.
    private func runJobs() {
        let executor = asUnownedTaskExecutor()
        while true {
            if remotePending.load(ordering: .acquiring) {
                remote.withLock { remote in
                    swap(&remote.jobs, &remoteBatch)
                    remote.wakeupScheduled = false
                    remotePending.store(false, ordering: .relaxed)
                }
            }
            for job in remoteBatch { job.runSynchronously(on: executor) }
            let ranRemote = !remoteBatch.isEmpty
            remoteBatch.removeAll(keepingCapacity: true)
            guard !local.isEmpty else {
                if ranRemote { continue }
                return
            }
            swap(&local, &localBatch)
            for job in localBatch { job.runSynchronously(on: executor) }
            localBatch.removeAll(keepingCapacity: true)
        }
    }

    /// Runs `body` on the loop thread, after what the loop is doing now. Any thread.
    package func execute(_ body: @escaping @Sendable () -> Void) {
        Task(executorPreference: self) { body() }
    }

    /// Runs `body` on the loop thread and returns what it returns; blocks the calling thread,
    /// which must not be this loop's own.
    package func submitAndWait<Value: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Value
    ) throws(Failure) -> Value {
        precondition(!isCurrent, "submitAndWait from the loop's own thread would never return")
        let outcome = Locked<Result<Value, Failure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        execute {
            let result = Result { () throws(Failure) -> Value in try body() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Runs what `runWhenIdle` deferred, and what that work defers in turn.
    private func runIdleWork() {
        while !idleWork.isEmpty {
            swap(&idleWork, &idleBatch)
            for task in idleBatch { task.work() }
            idleBatch.removeAll(keepingCapacity: true)
        }
    }

    /// `Date: <IMF-fixdate>\r\n`, formatted at most once a second per loop from libevent's
    /// cached time of the current loop iteration.
    func dateFieldLine() -> [UInt8] {
        var now = timeval()
        event_base_gettimeofday_cached(base, &now)
        return cachedDate.line(forSecond: Int64(now.tv_sec))
    }
}

extension EventLoop: IdleWorkScheduler {
    package func runWhenIdle(_ work: @escaping () -> Void) {
        precondition(isCurrent, "idle work is deferred on its loop's thread")
        idleWork.append(IdleTask(work: work))
    }
}

/// A closure in a struct's field keeps the form it was made in; an array of bare closures
/// would keep each in the most general form, allocating a thunk per deferral.
private struct IdleTask {
    let work: () -> Void
}

private struct CachedDate {
    private var second: Int64 = .min
    private var bytes: [UInt8] = []

    mutating func line(forSecond now: Int64) -> [UInt8] {
        if now != second {
            second = now
            bytes = Array("date: ".utf8)
            HTTPDate(secondsSince1970: now).write(to: &bytes)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        return bytes
    }
}
