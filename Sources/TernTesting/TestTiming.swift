#if canImport(Glibc)
import Glibc
#endif

/// How much longer than usual a test may wait: `TERN_TEST_TIME_SCALE` (default 1), which
/// `make sanitize` raises because sanitizers slow everything several times. Bounds a test
/// puts on "how long until something happens" are multiplied by it; deadlines the server is
/// configured with are not.
public enum TestTiming {
    public static let scale: Int = max(1, getenv("TERN_TEST_TIME_SCALE").flatMap { Int(String(cString: $0)) } ?? 1)

    /// `duration` × `scale`.
    public static func scaled(_ duration: Duration) -> Duration {
        duration * scale
    }

    /// How long a test waits for something that must happen before it calls it a hang: a
    /// minute (× `scale`). Never a judgement of speed, only a guard against waiting forever.
    public static let patience = scaled(.seconds(60))

    /// Polls `condition` every 10 ms until it holds; false only if it did not within
    /// `patience`. For waiting on an effect (a cancellation, a closed descriptor) without
    /// asserting how soon it comes.
    public static func eventually(_ condition: () -> Bool) async throws -> Bool {
        let giveUp = ContinuousClock.now + patience
        while !condition() {
            guard ContinuousClock.now < giveUp else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
