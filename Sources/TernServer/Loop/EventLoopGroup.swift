import Dispatch
import Synchronization
import TernHTTP
#if canImport(Glibc)
import Glibc
#endif

/// Tern's event loops: `loopCount` libevent loops, one thread each, started at once and run
/// until `shutdown()`.
///
/// A `Server` serves its connections on a group's loops; a library that talks to the network
/// itself (TernPostgres) registers its sockets with the same loops, so a handler that awaits
/// it resumes on its own loop with no thread hop. A server made without a group makes its own
/// and stops it when it stops; a group given to servers and clients outlives them, and its
/// owner shuts it down last.
///
/// ```swift
/// let loops = try EventLoopGroup(loopCount: 4)
/// let database = try PostgresClient(configuration: settings, loops: loops)
/// let server = Server(configuration: configuration, responder: app, loops: loops)
/// ```
///
/// The loop threads block SIGINT and SIGTERM, so a process-directed signal reaches the thread
/// that waits for it (`Server.run`) or, by default, ends the process.
public final class EventLoopGroup: Sendable {
    /// The loops, in a fixed order.
    package let loops: [EventLoop]
    private let running = DispatchGroup()
    private let stopRequested = Atomic<Bool>(false)

    /// Starts `loopCount` loops (at least one), each on a thread of its own.
    /// - Throws: `ServerError.eventLoop` when a loop or a thread cannot be made.
    public init(loopCount: Int = ServerConfiguration.processorCount) throws(ServerError) {
        var loops: [EventLoop] = []
        for _ in 0..<max(1, loopCount) { loops.append(try EventLoop()) }
        self.loops = loops
        for loop in loops {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(LoopThread(loop: loop, running: running)).toOpaque()
            running.enter()
            guard pthread_create(&thread, nil, runLoopThread, context) == 0 else {
                running.leave()
                Unmanaged<LoopThread>.fromOpaque(context).release()
                shutdown()
                throw .eventLoop("pthread_create failed")
            }
            pthread_detach(thread)
        }
    }

    /// The number of loops.
    public var loopCount: Int { loops.count }

    /// Stops every loop once the callback it is running returns. What is still registered with
    /// a loop then never runs: stop servers and clients first. Idempotent; any thread.
    public func shutdown() {
        guard !stopRequested.exchange(true, ordering: .relaxed) else { return }
        for loop in loops { loop.execute { loop.stop() } }
    }

    /// Blocks the calling thread until every loop thread has ended.
    public func wait() {
        running.wait()
    }

    /// Returns when every loop thread has ended.
    public func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            running.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// The loop the calling thread runs, if it runs one of any group.
    package static var currentLoop: EventLoop? {
        LoopThreadMarker.current.map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }
}

private final class LoopThread {
    let loop: EventLoop
    let running: DispatchGroup

    init(loop: EventLoop, running: DispatchGroup) {
        self.loop = loop
        self.running = running
    }
}

/// A loop thread's body: blocks the termination signals, runs its loop until it stops.
private func runLoopThread(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let thread = Unmanaged<LoopThread>.fromOpaque(context!).takeRetainedValue()
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &signals, nil)
    thread.loop.run()
    thread.running.leave()
    return nil
}
