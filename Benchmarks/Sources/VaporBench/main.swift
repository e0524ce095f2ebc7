import BenchPayload
import NIOCore
import NIOPosix
import Vapor

/// Vapor 4's bench server: one event-loop thread, the bench routes, files from Vapor's
/// FileMiddleware (which supports ranges).
let arguments = BenchArguments()
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
// Vapor reads commands from the arguments; ours (--port, --files) are not its own.
var environment = Environment.production
environment.arguments = [CommandLine.arguments[0], "serve"]
let app = try await Application.make(environment, .shared(group))
app.http.server.configuration.hostname = "127.0.0.1"
app.http.server.configuration.port = arguments.port
app.http.server.configuration.tcpNoDelay = true
app.logger.logLevel = .error
app.middleware = Middlewares()
// Vapor maps /files/x to publicDirectory + "files/x": serve the folder that holds `files`.
app.middleware.use(FileMiddleware(publicDirectory: URL(fileURLWithPath: arguments.files).deletingLastPathComponent().path + "/", defaultFile: nil))
app.get("plaintext") { _ in
    Response(status: .ok, headers: ["Content-Type": "text/plain"], body: .init(string: "Hello, World!"))
}
app.get("users", "1") { request -> Response in
    let body = try BenchUser.alice.json()
    let etag = benchETag(body)
    if ifNoneMatchMatches(request.headers.first(name: "If-None-Match"), etag: etag) {
        return Response(status: .notModified, headers: ["ETag": etag, "Cache-Control": BenchUser.cacheControl])
    }
    return Response(
        status: .ok,
        headers: ["Content-Type": "application/json", "ETag": etag, "Last-Modified": BenchUser.lastModified, "Cache-Control": BenchUser.cacheControl],
        body: .init(data: Data(body)))
}
print("listening on http://127.0.0.1:\(arguments.port)")
try await app.execute()
try await app.asyncShutdown()
