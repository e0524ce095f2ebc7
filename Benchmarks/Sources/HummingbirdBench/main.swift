import BenchPayload
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus

/// Hummingbird 2's bench server: one event-loop thread, the bench routes, files from
/// Hummingbird's FileMiddleware (which supports single ranges). With `--batteries`, as a service
/// ships: a line per request (`LogRequestsMiddleware`, to standard error), Prometheus metrics
/// (`MetricsMiddleware` over swift-prometheus) and `CORSMiddleware`, like tern-demo's defaults.
let arguments = BenchArguments()
let router = Router()
if arguments.batteries {
    MetricsSystem.bootstrap(PrometheusMetricsFactory())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: CORSMiddleware())
}
router.add(middleware: FileMiddleware(arguments.files, urlBasePath: "/files", searchForIndexHtml: false))
router.get("/plaintext") { _, _ in
    Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "Hello, World!")))
}
router.get("/users/1") { request, _ -> Response in
    let body = try BenchUser.alice.json()
    let etag = benchETag(body)
    let headers: HTTPFields = [
        .contentType: "application/json", .eTag: etag, .lastModified: BenchUser.lastModified, .cacheControl: BenchUser.cacheControl,
    ]
    if ifNoneMatchMatches(request.headers[.ifNoneMatch], etag: etag) {
        return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: BenchUser.cacheControl])
    }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
}
// A request body streamed to a file as it arrives, the way Hummingbird's documentation
// writes one: FileIO over NIOFileSystem, which writes a temporary file and renames it.
router.put("/upload/{name}") { request, context -> Response in
    let name = try context.parameters.require("name")
    try await FileIO().writeFile(contents: request.body, path: arguments.uploads + "/" + name, context: context)
    return Response(status: .created)
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: arguments.port)),
    eventLoopGroupProvider: .shared(group)
)
print("listening on http://127.0.0.1:\(arguments.port)")
try await app.runService()
