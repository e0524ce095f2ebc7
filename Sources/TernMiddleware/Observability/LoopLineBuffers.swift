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
    // both `append` and the idle work run there); `all` is behind its lock; `deinit` runs when
    // no thread can append any more.
    /// Where the lines go.
    let descriptor: Int32
    /// A buffer holding this many bytes is written at once.
    static let limit = 64 * 1024
    /// The calling thread's `Buffer`, unretained (`all` retains it).
    private let key: pthread_key_t
    private let all = Locked<[Buffer]>([])

    /// One loop's lines. Its properties go unchecked for overlapping access: one thread uses a
    /// buffer, never reentrantly (a line is written whole before the next begins), and the
    /// run-time check would cost each line two calls into the runtime.
    private final class Buffer {
        @exclusivity(unchecked) var bytes = OutputBuffer(capacity: LoopLineBuffers.limit + 1024)
        /// Whether the loop will flush this buffer when it goes idle.
        @exclusivity(unchecked) var flushScheduled = false
        /// What the loop runs when it goes idle: made once, not per burst.
        var flushWhenIdle: () -> Void = {}
    }

    /// Buffers for lines written to `descriptor` (2: standard error).
    init(descriptor: Int32) {
        self.descriptor = descriptor
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        self.key = key
    }

    deinit {
        for buffer in all.withLock({ $0 }) where buffer.bytes.count > 0 { LogLine.write(buffer.bytes.bytes, to: descriptor) }
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
        let buffer = threadBuffer()
        write(&buffer.bytes)
        if buffer.bytes.count >= Self.limit {
            flush(buffer)
        } else if !buffer.flushScheduled {
            buffer.flushScheduled = true
            scheduler.runWhenIdle(buffer.flushWhenIdle)
        }
    }

    private func threadBuffer() -> Buffer {
        if let pointer = pthread_getspecific(key) { return Unmanaged<Buffer>.fromOpaque(pointer).takeUnretainedValue() }
        let buffer = Buffer()
        // Weak: the loop may run it after these buffers are gone (their lines written by deinit).
        buffer.flushWhenIdle = { [weak self, weak buffer] in
            guard let self, let buffer else { return }
            buffer.flushScheduled = false
            flush(buffer)
        }
        all.withLock { $0.append(buffer) }
        pthread_setspecific(key, Unmanaged.passUnretained(buffer).toOpaque())
        return buffer
    }

    private func flush(_ buffer: Buffer) {
        guard buffer.bytes.count > 0 else { return }
        LogLine.write(buffer.bytes.bytes, to: descriptor)
        buffer.bytes.reset()
    }
}
