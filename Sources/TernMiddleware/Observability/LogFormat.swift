/// How log lines are written: `text` as `TextLogHandler` writes them (logfmt after the
/// message), `json` as `JSONLogHandler` does (one object per line). `AccessLog` writes its lines
/// in the same format as the handler the service bootstraps.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    case text
    case json
}
