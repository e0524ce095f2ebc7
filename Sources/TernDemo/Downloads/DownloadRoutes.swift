import Foundation
import TernHTTP
import TernJSON
import TernMiddleware
import TernRouter

/// `/download` and `/download/{filename}` (docs/demo-api.md, "Downloads" and "Uploads"): the
/// listing of `--files-dir`, each file through the framework's `FileResponder`, and uploads
/// and deletions through its `FileUpload` (the write scope, as every write).
struct DownloadRoutes: Sendable {
    let files: FileResponder
    let upload: FileUpload

    static let digestMismatchType = "https://tern-demo.example/problems/digest-mismatch"

    struct Item: Encodable, Sendable {
        let name: String
        let size: Int64
        let etag: String
        let lastModified: String
        let url: String

        enum CodingKeys: String, CodingKey {
            case name, size, etag, url
            case lastModified = "last_modified"
        }
    }

    static let representations: [Representation<Page<Item>>] = [.json, .xml(root: "files")]

    func register(in routes: RouteGroup) {
        routes.get("/download") { request, _ in try list(request) }
        routes.get("/download/{file}") { request, context in try await files.respond(to: request, context: context) }
        routes.put("/download/{file}", bodyLimit: upload.maxSize, upload.put)
        routes.delete("/download/{file}", upload.delete)
    }

    /// The files by name, paginated; the cursor is the last name served.
    private func list(_ request: Request) throws -> Response {
        let page = try request.pageRequest()
        let after = page.cursor?.position
        let all = files.files().filter { file in after.map { $0.utf8.lexicographicallyPrecedes(file.name.utf8) } ?? true }
        let items = all.prefix(page.limit + 1).map { file in
            Item(
                name: file.name, size: file.size, etag: file.entityTag.description, lastModified: file.lastModified.description,
                url: "/download/" + Self.percentEncoded(file.name))
        }
        let body = Page(items: Array(items), limit: page.limit) { PageCursor(position: $0.name) }
        var fields = body.linkFields(for: request)
        fields[.cacheControl] = "no-cache"
        return try Response(negotiating: body, for: request, representations: Self.representations, headerFields: fields)
    }

    /// A name as one path segment (RFC 3986 unreserved characters kept).
    static func percentEncoded(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? name
    }
}
