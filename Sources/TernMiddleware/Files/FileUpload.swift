#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
public import TernHTTP

/// Stores and deletes the files of one folder by name: `PUT` streams the request content to
/// the disk as it arrives, `DELETE` removes a file. What `FileResponder` serves from the same
/// folder, it serves at once: a reader sees the old file or the new one, whole, never a part.
///
/// `PUT` (https://www.rfc-editor.org/rfc/rfc9110#section-9.3.4):
/// - The name (route parameter `parameter`) must be one a `FileResponder` can serve, else 400.
/// - The content may be up to `maxSize` bytes: a `Content-Length` over it is 413 before any
///   of the content is read; a chunked content that grows past it is 413 as it does.
/// - `If-None-Match: *` (create only), `If-Match` (strong comparison) and
///   `If-Unmodified-Since` are evaluated before the content is read (a failure is 412, and the
///   client that sent `Expect: 100-continue` never sends the content), and again, with the
///   final `rename`, under the folder's lock: a file changed meanwhile is 412 and stays as it was.
/// - The content is written to a temporary file in the same folder, hashed as it is written,
///   checked against `Content-Digest` when the request has one (RFC 9530 section 2: a mismatch
///   is 400 of `digestMismatchType`), synced, and renamed into place; then the folder is
///   synced. Anything that stops the upload (the client leaving, a timeout, an error) removes
///   the temporary file.
/// - 201 with `Location` (the request's path) for a new file, 204 for a replaced one; both
///   with the new file's strong `ETag`, `Last-Modified` and `Repr-Digest` (sha-256, and every
///   algorithm the request's `Content-Digest` used).
///
/// `DELETE`: 204, 404 when there is no such file; `If-Match` and `If-Unmodified-Since` as
/// for `PUT` (412).
///
/// ```swift
/// let upload = FileUpload(folder: "./files", maxSize: 1 << 30)
/// router.put("/files/{file}", bodyLimit: upload.maxSize, upload.put)
/// router.delete("/files/{file}", upload.delete)
/// ```
public struct FileUpload: Sendable {
    /// The folder written.
    public let folder: String
    /// The route parameter holding the file name.
    public let parameter: String
    /// The largest content stored.
    public let maxSize: Int
    /// The problem type of a `Content-Digest` that does not match the content.
    public let digestMismatchType: String
    /// Where uploads leave the digests they computed, for the `FileResponder` serving the folder.
    public let digests: FileDigests?
    /// Held while a name is checked and replaced or removed.
    private let changes = Locked(())

    /// Writes `folder`, the name in route parameter `parameter`, contents up to `maxSize`.
    public init(
        folder: String, parameter: String = "file", maxSize: Int, digestMismatchType: String = "about:blank",
        digests: FileDigests? = nil
    ) {
        self.folder = folder
        self.parameter = parameter
        self.maxSize = maxSize
        self.digestMismatchType = digestMismatchType
        self.digests = digests
    }

    /// Answers a `PUT`: stores the request's content as the named file.
    public func put(_ request: Request, context: RequestContext) async throws -> Response {
        guard let name = context.parameters[parameter], FileName.isSafe(name) else {
            throw HTTPError(
                .badRequest,
                detail: "a file name is 1 to 255 bytes, with no '/', '\\\\' or control character, and does not start with '.'")
        }
        let realFolder = try self.realFolder()
        var body = request.body
        body.limit = maxSize
        if body.exceedsLimit { throw tooLarge }
        let expected = try Self.expectedDigests(of: request)
        try checkPreconditions(of: request, against: StaticFile.open(name, in: realFolder))
        let upload = try UploadFile(in: realFolder, hashing: Set(expected.map { Array($0.values.keys) } ?? []).union([.sha256]))
        do {
            do {
                for try await piece in body { try await upload.append(piece) }
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw tooLarge
            }
            let digests = try await upload.finish()
            if let expected {
                for (algorithm, digest) in expected.values where digests.values[algorithm] != digest {
                    throw HTTPError(
                        .badRequest, type: digestMismatchType, title: "Digest Mismatch",
                        detail: "the content's \(algorithm.rawValue) digest is not the one its Content-Digest gives; nothing was stored")
                }
            }
            let (created, stored) = try await BlockingIO.run { [self] in
                try changes.withLock { _ in
                    let current = StaticFile.open(name, in: realFolder)
                    try checkPreconditions(of: request, against: current)
                    guard rename(upload.path, realFolder + "/" + name) == 0 else { throw FileSystemError("rename", path: name) }
                    Self.syncFolder(realFolder)
                    guard let stored = StaticFile.open(name, in: realFolder) else { throw FileSystemError("open", path: name) }
                    return (current == nil, stored)
                }
            }
            self.digests?.remember(digests, for: stored)
            var fields: HTTPFields = [
                .eTag: stored.entityTag.description, .lastModified: stored.lastModified.description,
                .reprDigest: digests.fieldValue,
            ]
            if created { fields[.location] = String(request.path) }
            return Response(status: created ? .created : .noContent, headerFields: fields)
        } catch {
            upload.discard()
            throw Self.answer(for: error)
        }
    }

    /// Answers a `DELETE`: removes the named file.
    public func delete(_ request: Request, context: RequestContext) async throws -> Response {
        guard let name = context.parameters[parameter], FileName.isSafe(name) else { throw Self.noSuchFile }
        let realFolder = try self.realFolder()
        try await BlockingIO.run { [self] in
            try changes.withLock { _ in
                guard let current = StaticFile.open(name, in: realFolder) else { throw Self.noSuchFile }
                try checkPreconditions(of: request, against: current)
                guard unlink(realFolder + "/" + name) == 0 else { throw FileSystemError("unlink", path: name) }
                Self.syncFolder(realFolder)
            }
        }
        return Response(status: .noContent)
    }

    private static let noSuchFile = HTTPError(.notFound, detail: "no such file")

    private var tooLarge: HTTPError {
        HTTPError(.contentTooLarge, detail: "a file may have at most \(maxSize) bytes; nothing was stored")
    }

    private func realFolder() throws -> String {
        guard let real = StaticFile.realPath(of: folder) else { throw FileSystemError("realpath", path: folder) }
        return real
    }

    /// The request's `Content-Digest`, nil when it has none; 400 when it cannot be read.
    private static func expectedDigests(of request: Request) throws(HTTPError) -> IntegrityDigests? {
        let values = request.headerFields[values: .contentDigest]
        guard !values.isEmpty else { return nil }
        guard let digests = IntegrityDigests(fieldValue: values.joined(separator: ", ")) else {
            throw HTTPError(.badRequest, detail: "Content-Digest must be a dictionary of byte sequences, e.g. sha-256=:BASE64:")
        }
        return digests
    }

    /// 412 unless the request's preconditions hold for `current` (nil: no such file).
    private func checkPreconditions(of request: Request, against current: StaticFile?) throws(HTTPError) {
        let decision = Preconditions.evaluate(
            method: request.method, fields: request.headerFields, entityTag: current?.entityTag,
            lastModified: current?.lastModified, representationExists: current != nil)
        if decision == .preconditionFailed {
            throw HTTPError(.preconditionFailed, detail: "a precondition of the request does not hold for the current file; nothing was changed")
        }
    }

    /// Makes a rename or removal in `folder` durable.
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// A full disk is 507 (https://www.rfc-editor.org/rfc/rfc4918#section-11.5); HTTP errors
    /// as they are; anything else as it is (a 500).
    private static func answer(for error: any Error) -> any Error {
        if let failure = error as? FileSystemError, failure.code == ENOSPC || failure.code == EDQUOT {
            return HTTPError(.init(code: 507, reasonPhrase: "Insufficient Storage"), detail: "no space is left to store the file")
        }
        return error
    }
}
