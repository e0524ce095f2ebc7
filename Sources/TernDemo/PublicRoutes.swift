import Foundation
import HTTPTypes
import TernHTTP
import TernMiddleware
import TernRouter

/// The browser page and the API's description, from `--public-dir`: `GET /` is
/// `index.html`, `GET /static/{file}` its CSS and JavaScript, `GET /openapi.json` the
/// OpenAPI document. They are read once, at start, so they are served from memory (and
/// gzip-compressed for clients that accept it) with a strong ETag of their content and
/// `Cache-Control: no-cache`: browsers revalidate and get 304 until the demo restarts with
/// new files. Missing files are 404.
struct PublicRoutes {
    let folder: String

    struct Asset: Sendable {
        let bytes: [UInt8]
        let contentType: String
        let entityTag: EntityTag
        let lastModified: HTTPDate
    }

    func register(in router: Router) {
        let index = asset("index.html")
        let openAPI = asset("openapi.json")
        let files = FileResponder(folder: folder + "/static")
        var assets: [String: Asset] = [:]
        for file in files.files() {
            assets[file.name] = asset("static/" + file.name)
        }
        let statics = assets
        router.get("/") { request, _ in try Self.respond(index, to: request) }
        router.get("/openapi.json") { request, _ in try Self.respond(openAPI, to: request) }
        router.get("/static/{file}") { request, context in try Self.respond(context.parameters["file"].flatMap { statics[$0] }, to: request) }
    }

    /// The file at `path` under the folder, or nil when it cannot be read.
    private func asset(_ path: String) -> Asset? {
        let url = URL(fileURLWithPath: folder).appendingPathComponent(path)
        guard let data = try? Data(contentsOf: url), let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let bytes = Array(data)
        return Asset(
            bytes: bytes, contentType: FileResponder.contentType(forName: url.lastPathComponent), entityTag: .strong(forContent: bytes),
            lastModified: HTTPDate(secondsSince1970: Int64(modified)))
    }

    private static func respond(_ asset: Asset?, to request: Request) throws -> Response {
        guard let asset else { throw HTTPError(.notFound, detail: "no such file") }
        let fields: HTTPFields = [
            .contentType: asset.contentType, .eTag: asset.entityTag.description, .lastModified: asset.lastModified.description,
            .cacheControl: "no-cache",
        ]
        return Response(status: .ok, headerFields: fields, body: .bytes(asset.bytes))
    }
}
