import HTTPTypes
import InMemoryLogging
import Logging
import Testing
import TernHTTP

@Suite("RequestContext: the request logger and its metadata")
struct RequestContextLoggerTests {
    struct Broken: Error {}

    func context(_ log: InMemoryLogHandler) -> RequestContext {
        RequestContext(logger: Logger(label: "test") { _ in log })
    }

    @Test func metadataSetForTheLoggerIsInItWhenRead() {
        let log = InMemoryLogHandler()
        var context = context(log)
        context.setLoggerMetadata("abc", forKey: "request-id")
        context.setLoggerMetadata("t", forKey: "trace_id")
        context.setLoggerMetadata("def", forKey: "request-id")
        #expect(context.loggerMetadata.map(\.key) == ["request-id", "trace_id"], "each key once, in the order first set")
        #expect(context.loggerMetadata.first?.value == "def", "a later value replaces an earlier")
        #expect(context.baseLogger[metadataKey: "request-id"] == nil, "the transport's logger is untouched")
        #expect(context.logger[metadataKey: "request-id"] == "def")
        context.logger.info("hello")
        #expect(log.entries.map(\.message.description) == ["hello"])
        #expect(log.entries.first?.metadata["request-id"] == "def")
        #expect(log.entries.first?.metadata["trace_id"] == "t")
    }

    @Test func settingTheLoggerReplacesBoth() {
        let log = InMemoryLogHandler()
        var context = context(log)
        context.setLoggerMetadata("abc", forKey: "request-id")
        context.logger.logLevel = .debug
        #expect(context.loggerMetadata.isEmpty)
        #expect(context.baseLogger[metadataKey: "request-id"] == "abc", "the logger read carried the metadata, and was set back")
        #expect(context.logger.logLevel == .debug)
        context.logger = Logger(label: "other") { _ in log }
        #expect(context.logger[metadataKey: "request-id"] == nil, "a new logger carries what it was given")
    }

    @Test func aServerErrorIsLoggedWithTheRequestsMetadataAndAClientErrorIsNot() {
        let log = InMemoryLogHandler()
        var context = context(log)
        context.setLoggerMetadata("abc", forKey: "request-id")
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: "/x"))
        #expect(Response(rendering: HTTPError(.notFound, detail: "no x"), for: request, context: context).status == .notFound)
        #expect(log.entries.isEmpty)
        #expect(Response(rendering: Broken(), for: request, context: context).status == .internalServerError)
        #expect(log.entries.count == 1)
        #expect(log.entries.first?.level == .error)
        #expect(log.entries.first?.metadata["request-id"] == "abc")
    }
}
