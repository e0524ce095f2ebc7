import BenchPayload
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import TernHTTP
import TernJSON
import TernMiddleware
import TernRouter
import TernServer

/// Tern's bench server: one loop (`--workers 1` equivalent), the bench routes.
let arguments = BenchArguments()
let router = Router()
let lastModified = HTTPDate(BenchUser.lastModified)
router.get("/plaintext") { _, _ in
    Response(status: .ok, headerFields: [.contentType: "text/plain"], body: .string("Hello, World!"))
}
router.get("/users/1") { request, _ in
    // Tern's JSON encoder (what `Response(json:)` uses): the same bytes as the peers'
    // JSONEncoder with sorted keys, so the same ETag.
    let body = try JSONCoding.encode(BenchUser.alice)
    let tag = EntityTag.strong(forContent: body)
    let etag = tag.description
    // As every peer does: the validators decide first, and a 304 carries only the fields
    // RFC 9110 section 15.4.5 keeps (what Response.notModified(from:) would keep of the 200's).
    switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: tag, lastModified: lastModified) {
    case .notModified:
        return Response(status: .notModified, headerFields: [.eTag: etag, .cacheControl: BenchUser.cacheControl])
    case .preconditionFailed:
        return Response(problem: ProblemDetails(status: .preconditionFailed, detail: "the representation has changed"))
    case .proceed, .proceedIgnoringRange:
        let fields: HTTPFields = [
            .contentType: "application/json", .eTag: etag, .lastModified: BenchUser.lastModified, .cacheControl: BenchUser.cacheControl,
        ]
        return Response(status: .ok, headerFields: fields, body: .bytes(body))
    }
}
// The framework's file responder, as a service would use it; no Cache-Control, as the peers send none.
router.get("/files/{name}", FileResponder(folder: arguments.files, parameter: "name", cacheControl: nil).respond)
// The same folder with gzip copies, made on the first request of each file (nginx's
// gzip_static serves copies made before the run).
let copies = try CompressedCopies(folder: arguments.files + "-gzip-copies")
router.get("/gzip/{name}", FileResponder(folder: arguments.files, parameter: "name", cacheControl: nil, compressedCopies: copies).respond)
var configuration = ServerConfiguration(host: "127.0.0.1", port: arguments.port)
configuration.workers = 1
let server = Server(configuration: configuration, responder: try router.build())
try server.run { address in
    print("listening on http://\(address)")
    fflush(nil)
}
