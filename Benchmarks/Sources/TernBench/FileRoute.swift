#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import TernHTTP

/// A file with validators, conditional GET and ranges, sent with sendfile, built from
/// TernHTTP's functions (the demo's FileResponder will do the same with path checks).
enum FileRoute {
    static func respond(_ request: Request, name: String, folder: String) throws -> Response {
        guard !name.utf8.contains(UInt8(ascii: "/")), name.utf8.first != UInt8(ascii: ".") else { throw HTTPError(.notFound) }
        let descriptor = open(folder + "/" + name, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw HTTPError(.notFound) }
        let file = OpenFile(takingOwnershipOf: descriptor)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw HTTPError(.notFound) }
        let size = Int64(status.st_size)
        let modified = HTTPDate(secondsSince1970: Int64(status.st_mtim.tv_sec))
        let tag = EntityTag.strong(inode: UInt64(status.st_ino), size: size, modifiedNanoseconds: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
        var fields: HTTPFields = [
            .contentType: "application/octet-stream", .eTag: tag.description, .lastModified: modified.description,
            .acceptRanges: "bytes",
        ]
        let whole = Response(status: .ok, headerFields: fields, body: .file(FileRegion(file: file, offset: 0, length: size)))
        switch Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: tag, lastModified: modified) {
        case .notModified: return .notModified(from: fields)
        case .preconditionFailed: return Response(problem: ProblemDetails(status: .preconditionFailed))
        case .proceedIgnoringRange: return whole
        case .proceed: break
        }
        guard request.method == .get, let value = request.headerFields.value(of: .range), let ranges = ByteRangeRequest(value) else { return whole }
        switch ranges.resolve(size: size) {
        case .whole:
            return whole
        case .unsatisfiable:
            fields[.contentRange] = ContentRange.unsatisfied(size: size).description
            return Response(problem: ProblemDetails(status: .rangeNotSatisfiable), headerFields: fields)
        case .ranges(let parts) where parts.count == 1:
            fields[.contentRange] = ContentRange.range(parts[0], size: size).description
            let region = FileRegion(file: file, offset: parts[0].lowerBound, length: parts[0].upperBound - parts[0].lowerBound + 1)
            return Response(status: .partialContent, headerFields: fields, body: .file(region))
        case .ranges(let parts):
            let multipart = MultipartByteRanges(ranges: parts, size: size, contentType: "application/octet-stream")
            fields[.contentType] = multipart.contentType
            return Response(status: .partialContent, headerFields: fields, body: .segments(multipart.segments(of: file)))
        }
    }
}
