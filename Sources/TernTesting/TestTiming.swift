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
}
