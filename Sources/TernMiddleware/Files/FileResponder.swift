#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
public import TernHTTP

/// Serves the files of one folder by name, with everything HTTP offers for static content:
/// validators and conditional requests, byte ranges, and the bytes sent with sendfile.
///
/// - Name: the route parameter `parameter` (`/download/{file}`), one path component.
///   Traversal in any form (`..`, `/`, `\`, NUL, a leading dot, their percent-encodings,
///   which the router has decoded), and files whose real path leaves the folder (symbolic
///   links), are 404 like a missing file: nothing says what exists outside.
/// - 200 with `Content-Length`, `Content-Type` (by extension), a strong `ETag` (inode, size,
///   mtime in nanoseconds), `Last-Modified`, `Accept-Ranges: bytes`, `Cache-Control` and,
///   when configured, `Content-Disposition` (RFC 6266).
/// - `Range` (https://www.rfc-editor.org/rfc/rfc9110#section-14.2), GET only (HEAD ignores
///   it): one range → 206 with `Content-Range`; several → 206 `multipart/byteranges` with
///   an exact `Content-Length`; overlapping and adjacent ones coalesced; more than 16, or more
///   bytes than the file → 200; none satisfiable → 416 with `Content-Range: bytes */size`; an
///   invalid `Range`, or another unit → ignored (200). `If-Range` with the current strong tag
///   or exact date honours the range, anything else sends the whole file.
/// - Preconditions in RFC 9110 section 13.2.2's order: 304 Not Modified, 412.
/// - With `compressedCopies`: a GET of a whole file (no `Range`, no `If-Range`) of a
///   compressible type, from a client whose `Accept-Encoding` prefers gzip, is answered from
///   the file's gzip copy (made once per version, sent with sendfile) with
///   `Content-Encoding: gzip` and its own strong ETag (RFC 9110 section 8.8.3); ranges, HEAD
///   and everything else are of the identity file. Every response for a compressible file
///   then carries `Vary: Accept-Encoding`.
/// - With `digests`: a 200 or 206 of the identity file to a request with `Want-Repr-Digest`
///   naming sha-256 or sha-512 carries `Repr-Digest` (RFC 9530 section 4), computed once per
///   file version (or handed over by the `FileUpload` that stored it).
///
/// Each response is described by one open descriptor, so a file replaced meanwhile is
/// either the old one or the new one, whole, never a mix of one's length and the other's
/// bytes. Descriptors stay open for the next request of the same name (up to
/// `openFileLimit` of them), used only while a `stat` of the name still finds the same
/// file, unchanged: a request for a known file costs one `stat`. Bodies are file regions:
/// the server sends them with sendfile as the socket drains, so memory does not grow with
/// file size or downloads.
///
/// ```swift
/// let files = FileResponder(folder: "./Public/files")
/// router.get("/download/{file}", files.respond)
/// ```
public struct FileResponder: Responder {
    /// How a browser should present the file (https://www.rfc-editor.org/rfc/rfc6266).
    public enum Disposition: Sendable, Hashable {
        case inline
        case attachment
    }

    /// The folder served.
    public let folder: String
    /// The route parameter holding the file name.
    public let parameter: String
    /// `Cache-Control` for files; nil for none.
    public let cacheControl: String?
    /// `Content-Disposition` for files; nil for none.
    public let disposition: Disposition?

    /// gzip copies of compressible files, when downloads are compressed.
    public let compressedCopies: CompressedCopies?
    /// Digests of the files, when `Want-Repr-Digest` is answered.
    public let digests: FileDigests?

    /// The most descriptors kept open for later requests.
    public static let openFileLimit = 64

    private let openFiles: OpenFileCache

    /// Serves `folder`, the name in route parameter `parameter`; compressible files gzipped
    /// from `compressedCopies`, and `Want-Repr-Digest` answered from `digests`, when given.
    public init(
        folder: String, parameter: String = "file", cacheControl: String? = "no-cache", disposition: Disposition? = nil,
        compressedCopies: CompressedCopies? = nil, digests: FileDigests? = nil
    ) {
        self.digests = digests
        self.folder = folder
        self.parameter = parameter
        self.cacheControl = cacheControl
        self.disposition = disposition
        self.compressedCopies = compressedCopies
        let varies = compressedCopies != nil
        openFiles = OpenFileCache(folder: folder, capacity: Self.openFileLimit) { file in
            Self.headerFields(for: file, cacheControl: cacheControl, disposition: disposition, variesByEncoding: varies)
        }
    }

    public func respond(to request: Request, context: RequestContext) async throws -> Response {
        guard let name = context.parameters[parameter], let opened = openFiles.file(named: name) else {
            throw HTTPError(.notFound, detail: "no such file")
        }
        if let copies = compressedCopies, Self.wantsGzip(request, fields: opened.fields), let copy = await copies.copy(of: opened.file) {
            return try response(for: copy, of: opened, to: request)
        }
        var response = try response(for: opened.file, fields: opened.fields, to: request)
        if let digests, response.statusCode == 200 || response.statusCode == 206,
            let want = request.headerFields[.wantReprDigest], let algorithm = IntegrityDigests.preferredAlgorithm(in: want) {
            let digest = try await digests.digest(of: opened.file, algorithm: algorithm)
            response.headerFields[.reprDigest] = IntegrityDigests([algorithm: digest]).fieldValue
        }
        return response
    }

    /// Whether `request` is answered from the gzip copy, if there is one: a GET of the whole
    /// file, of a compressible type, from a client that prefers gzip to identity.
    private static func wantsGzip(_ request: Request, fields: HTTPFields) -> Bool {
        guard request.method == .get, !request.headerFields.contains(.range), !request.headerFields.contains(.ifRange),
            let type = fields.value(of: .contentType), Compression.isCompressible(type),
            let accepted = AcceptEncoding(fieldValues: request.headerFields[values: .acceptEncoding])
        else { return false }
        return accepted.bestMatch(in: ["gzip", "identity"]) == "gzip"
    }

    /// The 200 (or 304, or 412) of the gzip representation.
    private func response(for copy: CompressedCopies.Copy, of opened: OpenFileCache.Entry, to request: Request) throws(HTTPError) -> Response {
        var fields = opened.fields
        fields[.eTag] = copy.entityTag.description
        switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: copy.entityTag, lastModified: opened.file.lastModified) {
        case .notModified:
            return .notModified(from: fields)
        case .preconditionFailed:
            throw HTTPError(.preconditionFailed, detail: "a precondition of the request does not hold for the current version of the file")
        case .proceed, .proceedIgnoringRange:
            fields[.contentEncoding] = "gzip"
            return Response(status: .ok, headerFields: fields, body: .file(FileRegion(file: copy.file, offset: 0, length: copy.size)))
        }
    }

    /// The `Content-Type` a file of this name is served with (by extension).
    public static func contentType(forName name: String) -> String {
        FileTypes.contentType(forName: name)
    }

    /// The files the folder may serve, by name (byte order): regular files, no dotfiles,
    /// nothing that resolves outside.
    public func files() -> [StaticFile] {
        guard let realFolder = openFiles.realFolder(), let directory = opendir(realFolder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            names.append(name)
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { StaticFile.open($0, in: realFolder) }
    }

    /// The response to a GET or HEAD of `file`, whose 200 carries `fields`; throws the 412 or
    /// 416 the request's preconditions or ranges call for.
    private func response(for file: StaticFile, fields: HTTPFields, to request: Request) throws(HTTPError) -> Response {
        var fields = fields
        var whole: Response { Response(status: .ok, headerFields: fields, body: .file(FileRegion(file: file.file, offset: 0, length: file.size))) }
        switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: file.entityTag, lastModified: file.lastModified) {
        case .notModified:
            return .notModified(from: fields)
        case .preconditionFailed:
            throw HTTPError(.preconditionFailed, detail: "a precondition of the request does not hold for the current version of the file")
        case .proceedIgnoringRange:
            return whole
        case .proceed:
            break
        }
        guard request.method == .get, let value = request.headerFields.value(of: .range), let ranges = ByteRangeRequest(value) else { return whole }
        switch ranges.resolve(size: file.size) {
        case .whole:
            return whole
        case .unsatisfiable:
            var problemFields: HTTPFields = [.contentRange: ContentRange.unsatisfied(size: file.size).description, .acceptRanges: "bytes"]
            problemFields[.eTag] = fields.value(of: .eTag)
            problemFields[.lastModified] = fields.value(of: .lastModified)
            throw HTTPError(.rangeNotSatisfiable, detail: "no requested range overlaps the file's \(file.size) bytes", headerFields: problemFields)
        case .ranges(let parts) where parts.count == 1:
            // The 200's fields have no Content-Range: appended, not searched for and replaced.
            fields.append(HTTPField(name: .contentRange, value: ContentRange.range(parts[0], size: file.size).description))
            let region = FileRegion(file: file.file, offset: parts[0].lowerBound, length: parts[0].upperBound - parts[0].lowerBound + 1)
            return Response(status: .partialContent, headerFields: fields, body: .file(region))
        case .ranges(let parts):
            let multipart = MultipartByteRanges(ranges: parts, size: file.size, contentType: fields.value(of: .contentType) ?? "application/octet-stream")
            fields[.contentType] = multipart.contentType
            return Response(status: .partialContent, headerFields: fields, body: .segments(multipart.segments(of: file.file)))
        }
    }

    /// The fields of a 200 for `file`, built once per opened file.
    private static func headerFields(for file: StaticFile, cacheControl: String?, disposition: Disposition?, variesByEncoding: Bool) -> HTTPFields {
        var fields: HTTPFields = [
            .contentType: FileTypes.contentType(forName: file.name),
            .eTag: file.entityTag.description,
            .lastModified: file.lastModified.description,
            .acceptRanges: "bytes",
        ]
        if let cacheControl { fields[.cacheControl] = cacheControl }
        if let disposition { fields[.contentDisposition] = ContentDisposition.value(disposition, fileName: file.name) }
        if variesByEncoding, Compression.isCompressible(FileTypes.contentType(forName: file.name)) {
            fields[.vary] = "Accept-Encoding"
        }
        return fields
    }
}
