#if canImport(Glibc)
import Glibc
#endif
@_spi(Tern) import TernHTTP

/// Log lines bound for one file descriptor, gathered in a byte buffer per event loop and written
/// with one `write` when the loop goes idle (it has run the batch of events that were ready:
/// `IdleWorkScheduler`) or as soon as the buffer reaches 64 KiB, whichever comes first. A batch
/// ends within moments on a loop that blocks nowhere, so no line waits for a timer. A line is whole in one buffer, and
/// buffers are written whole under the lock every Tern log writer holds, so lines never
/// interleave. A loop writes what it holds before it stops, and `deinit` what is left, so a
/// clean shutdown loses no line. On a thread that runs no loop each line is written at once.
final class LoopLineBuffers: @unchecked Sendable {
    // Sendable proof: a `Buffer` is made for, filled by and flushed on one thread (its loop's:
    // both `append` and the idle work run there), except by `deinit`, which runs when no thread
    // can append any more and meets the idle work only under `buffers`' lock.
    /// Where the lines go.
    let descriptor: Int32
    /// A buffer holding this many bytes is written at once.
    static let limit = 64 * 1024
    /// The calling thread's `Buffer`, unretained (`buffers` retains it).
    private let key: pthread_key_t
    /// Every thread's buffer, and whether `deinit` has written them (after which the idle work
    /// writes nothing). The idle work holds this, not `self`: a weak reference would move the
    /// reference counts of `self`, copied with each middleware that holds it, to a side
    /// table, where each retain and release costs several times as much.
    private let buffers = Locked(Buffers())

    private struct Buffers {
        var all: [Buffer] = []
        var closed = false
    }

    /// One loop's lines. Its properties go unchecked for overlapping access: one thread uses a
    /// buffer, never reentrantly (a line is written whole before the next begins), and the
    /// run-time check would cost each line two calls into the runtime.
    private final class Buffer {
        @exclusivity(unchecked) var bytes = OutputBuffer(capacity: LoopLineBuffers.limit + 1024)
        /// Whether the loop will flush this buffer when it goes idle.
        @exclusivity(unchecked) var flushScheduled = false
        /// What the loop runs when it goes idle: made once, not per burst.
        var flushWhenIdle: () -> Void = {}

        /// Writes the lines held, if any, to `descriptor`.
        func flush(to descriptor: Int32) {
            guard bytes.count > 0 else { return }
            LogLine.write(bytes.bytes, to: descriptor)
            bytes.reset()
        }
    }

    /// Buffers for lines written to `descriptor` (2: standard error).
    init(descriptor: Int32) {
        self.descriptor = descriptor
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        self.key = key
    }

    deinit {
        let descriptor = descriptor
        buffers.withLock { buffers in
            for buffer in buffers.all {
                buffer.flush(to: descriptor)
                // Each buffer's idle work refers to the buffer: the cycle ends here.
                buffer.flushWhenIdle = {}
            }
            buffers.all = []
            buffers.closed = true
        }
        pthread_key_delete(key)
    }

    /// Appends the line `write` writes (one whole line, its newline included).
    func append(_ write: (inout OutputBuffer) -> Void) {
        guard let scheduler = IdleWork.current else {
            var line = OutputBuffer(capacity: 512)
            write(&line)
            line.withBytes { LogLine.write($0, to: descriptor) }
            return
        }
        Unmanaged<Buffer>.fromOpaque(threadBuffer())._withUnsafeGuaranteedRef { buffer in
            write(&buffer.bytes)
            if buffer.bytes.count >= Self.limit {
                buffer.flush(to: descriptor)
            } else if !buffer.flushScheduled {
                buffer.flushScheduled = true
                scheduler.runWhenIdle(buffer.flushWhenIdle)
            }
        }
    }

    /// The calling thread's buffer, made on its first line.
    private func threadBuffer() -> UnsafeMutableRawPointer {
        if let pointer = pthread_getspecific(key) { return pointer }
        let buffer = Buffer()
        let descriptor = descriptor
        // Unowned: `buffers` holds the buffer until `closed` is set, and the work reads `closed`
        // first, under the lock `deinit` sets it under.
        buffer.flushWhenIdle = { [buffers, unowned(unsafe) buffer] in
            buffers.withLock { buffers in
                guard !buffers.closed else { return }
                buffer.flushScheduled = false
                buffer.flush(to: descriptor)
            }
        }
        buffers.withLock { $0.all.append(buffer) }
        let pointer = Unmanaged.passUnretained(buffer).toOpaque()
        pthread_setspecific(key, pointer)
        return pointer
    }
}
