import Logging

/// What a line handler (`TextLogHandler`, `JSONLogHandler`) keeps beside its level and
/// metadata: its label, metadata provider and file descriptor, in one reference. The handler
/// is then three words, which an `any LogHandler` holds inline: a request logger's first
/// metadata write copies the handler in place instead of allocating a new box for it.
final class LogDestination: Sendable {
    let label: String
    let metadataProvider: Logger.MetadataProvider?
    let output: Int32

    init(label: String, metadataProvider: Logger.MetadataProvider?, output: Int32) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.output = output
    }

    /// The same destination with another metadata provider.
    func with(metadataProvider: Logger.MetadataProvider?) -> LogDestination {
        LogDestination(label: label, metadataProvider: metadataProvider, output: output)
    }
}
