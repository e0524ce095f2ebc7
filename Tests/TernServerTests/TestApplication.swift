import HTTPTypes
import Synchronization
import TernHTTP
@testable import TernServer
#if canImport(Glibc)
import Glibc
#endif

/// A responder with one behaviour per path, for the live tests.
struct TestApplication: Responder {
    /// What handlers observed, for assertions made after the response.
    final class Observations: Sendable {
        let cancelled = Atomic<Bool>(false)
        let started = Atomic<Int>(0)
    }

    let observations = Observations()

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        observations.started.add(1, ordering: .relaxed)
        switch request.path {
        case "/echo":
            return Response(status: .ok, headerFields: [.contentType: "application/octet-stream"], body: .bytes(try await request.body.collect()))
        case "/count":
            // Reads the content as it arrives, keeping none of it.
            var bytes = 0, pieces = 0, largest = 0
            do {
                for try await piece in request.body {
                    bytes += piece.count
                    pieces += 1
                    largest = max(largest, piece.count)
                }
            } catch {
                observations.cancelled.store(true, ordering: .relaxed)
                throw error
            }
            return Response(status: .ok, body: .string("bytes=\(bytes) pieces=\(pieces) largest=\(largest)"))
        case "/interim":
            // A 1xx is no final response: the server answers 500 in its place.
            return Response(status: .earlyHints, headerFields: [HTTPField.Name("Link")!: "</style.css>; rel=preload"])
        case "/refuse":
            // Answers without reading the content.
            return Response(status: .unauthorized, body: .string("no"))
        case "/path":
            return Response(status: .ok, body: .string("\(request.method.rawValue) \(request.head.path ?? "") \(request.head.authority ?? "-")"))
        case "/throw":
            throw TestFailure(secret: "/etc/passwd at line 42")
        case "/no-content":
            return Response(status: .noContent, body: .string("ignored"))
        case "/thread":
            // Whether the handler runs on an event-loop thread, before and after suspending.
            let before = LoopThreadMarker.current
            let threadBefore = pthread_self()
            await Task.yield()
            try await Task.sleep(for: .milliseconds(5))
            let after = LoopThreadMarker.current
            let sameThread = pthread_equal(threadBefore, pthread_self()) != 0
            return Response(status: .ok, body: .string("loop-before=\(before != nil) loop-after=\(after != nil) same-loop=\(before == after) same-thread=\(sameThread)"))
        case "/inline":
            return Response(status: .ok, body: .string("loop=\(LoopThreadMarker.current != nil)"))
        case "/sleep":
            let milliseconds = Int(request.query ?? "") ?? 100
            do {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } catch {
                observations.cancelled.store(true, ordering: .relaxed)
                throw error
            }
            return Response(status: .ok, body: .string("slept"))
        case "/stream":
            let pieces = Int(request.query ?? "") ?? 64
            return Response(status: .ok, body: .stream { writer in
                for index in 0..<pieces {
                    try await writer.write([UInt8](repeating: UInt8(index % 251), count: 16 * 1024))
                }
            })
        case "/stream-pause":
            // Two pieces with a pause between them, in which the loop answers others.
            return Response(status: .ok, body: .stream { writer in
                try await writer.write(Array("first ".utf8))
                try await Task.sleep(for: .milliseconds(200))
                try await writer.write(Array("second".utf8))
            })
        case "/stream-wrong-length":
            return Response(status: .ok, body: .stream(length: 10) { writer in
                try await writer.write(Array("short".utf8))
            })
        case "/file":
            return try Response(status: .ok, body: .segments(Self.fileSegments()))
        default:
            return Response(problem: ProblemDetails(status: .notFound, detail: "no such test route"))
        }
    }

    /// "<" + bytes 10..<20 of the test file + ">" + all of it.
    static func fileSegments() throws -> [BodySegment] {
        let path = "/tmp/tern-test-file-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TestFailure(secret: "open") }
        unlink(path)
        let content = fileContent
        _ = content.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let file = OpenFile(takingOwnershipOf: fd)
        return [
            .bytes(Array("<".utf8)),
            .file(FileRegion(file: file, offset: 10, length: 10)),
            .bytes(Array(">".utf8)),
            .file(FileRegion(file: file, offset: 0, length: Int64(content.count))),
        ]
    }

    static let fileContent: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
}

struct TestFailure: Error {
    let secret: String
}
