#if canImport(Glibc)
import Glibc
#endif

/// Environment variables as flag defaults.
enum Environment {
    static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static func integer(_ name: String) -> Int? {
        value(name).flatMap { Int($0) }
    }
}

/// Pushes the ready line out at once, also when stdout is a pipe (flushes every stream).
func fflushStandardOutput() {
    fflush(nil)
}
