import Foundation
import HTTPTypes
import Testing
import TernDemo
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// A files folder for download tests: random bytes, text, links in and out, a folder, a
/// dotfile and a FIFO.
struct FilesFixture {
    let directory: String
    let bytes: [UInt8]

    init(_ directory: String) throws {
        self.directory = directory
        var generator = SystemRandomNumberGenerator()
        bytes = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/data.bin"))
        try "hello\n".write(toFile: directory + "/hello.txt", atomically: true, encoding: .utf8)
        try "secret\n".write(toFile: directory + "/.hidden", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/escape", withDestinationPath: "/etc/hostname")
        try FileManager.default.createSymbolicLink(atPath: directory + "/inside.bin", withDestinationPath: "data.bin")
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        _ = mkfifo(directory + "/pipe", 0o644)
    }
}

/// The demo with its files folder set to a fresh `FilesFixture`.
func withDownloads<Result>(_ body: (any TestClient, FilesFixture) async throws -> Result) async throws -> Result {
    try await withTemporaryDirectory { files in
        let fixture = try FilesFixture(files)
        return try await withDemo(configure: { $0.filesDirectory = files }) { client in try await body(client, fixture) }
    }
}

@Suite("Demo: downloads with ranges (live)")
struct DownloadsTests {
    @Test func wholeFileWithMetadata() async throws {
        try await withDownloads { client, fixture in
            let response = try await client.get("/download/data.bin")
            #expect(response.status == 200)
            #expect(response.body == fixture.bytes)
            #expect(response.field("content-length") == "100000")
            #expect(response.field("accept-ranges") == "bytes")
            #expect(response.field("content-type") == "application/octet-stream")
            #expect(response.field("etag")?.hasPrefix("\"") == true && response.field("etag")?.hasPrefix("W/") == false)
            #expect(response.field("last-modified") != nil)
            #expect(try await client.get("/download/hello.txt").field("content-type") == "text/plain; charset=utf-8")
            let head = try await client.head("/download/data.bin", headers: [.range: "bytes=0-9"])
            #expect(head.status == 200, "HEAD ignores Range")
            #expect(head.field("content-length") == "100000")
            #expect(head.body.isEmpty)
        }
    }

    /// Each form of RFC 9110 section 14.1.2 against the bytes on disk.
    @Test func singleRanges() async throws {
        try await withDownloads { client, fixture in
            let size = fixture.bytes.count
            let cases: [(String, ClosedRange<Int>?)] = [
                ("bytes=0-0", 0...0), ("bytes=0-99", 0...99), ("bytes=99990-", 99990...99999), ("bytes=-10", 99990...99999),
                ("bytes=-200000", 0...99999), ("bytes=99999-200000", 99999...99999), ("bytes=500-600", 500...600),
                ("bytes=0-10,5-20", 0...20), ("bytes=10-19,20-29", 10...29), ("BYTES=1-2", 1...2), ("bytes=5-2", nil),
                ("items=0-5", nil), ("bytes=0-1,x", nil), ("bytes=abc", nil),
            ]
            for (header, expected) in cases {
                let response = try await client.get("/download/data.bin", headers: [.range: header])
                if let expected {
                    #expect(response.status == 206, "\(header)")
                    #expect(response.field("content-range") == "bytes \(expected.lowerBound)-\(expected.upperBound)/\(size)", "\(header)")
                    #expect(response.body == Array(fixture.bytes[expected]), "\(header)")
                } else {
                    #expect(response.status == 200, "\(header) is ignored")
                    #expect(response.body.count == size)
                }
            }
        }
    }

    @Test func unsatisfiableAndWholeAnswers() async throws {
        try await withDownloads { client, _ in
            for header in ["bytes=100000-", "bytes=200000-300000", "bytes=-0"] {
                let response = try await client.get("/download/data.bin", headers: [.range: header])
                #expect(response.status == 416, "\(header)")
                #expect(response.field("content-range") == "bytes */100000")
                #expect(response.field("content-type") == "application/problem+json")
            }
            let many = (0..<17).map { "\($0 * 10)-\($0 * 10 + 1)" }.joined(separator: ",")
            #expect(try await client.get("/download/data.bin", headers: [.range: "bytes=\(many)"]).status == 200, "more than 16 ranges")
            #expect(try await client.get("/download/data.bin", headers: [.range: "bytes=0-60000,0-60000"]).status == 200, "more bytes than the file")
        }
    }

    @Test func multipartRangesParseBack() async throws {
        try await withDownloads { client, fixture in
            let response = try await client.get("/download/data.bin", headers: [.range: "bytes=0-9, 500-599, -5"])
            #expect(response.status == 206)
            let type = try #require(response.field("content-type"))
            #expect(type.hasPrefix("multipart/byteranges; boundary="))
            #expect(response.field("content-length") == String(response.body.count), "the exact length, announced first")
            let parts = try #require(Multipart.parse(response.body, boundary: String(type.split(separator: "=", maxSplits: 1)[1])))
            #expect(parts.map(\.contentRange) == ["bytes 0-9/100000", "bytes 500-599/100000", "bytes 99995-99999/100000"])
            #expect(parts.map(\.body) == [Array(fixture.bytes[0...9]), Array(fixture.bytes[500...599]), Array(fixture.bytes[99995...99999])])
            #expect(parts.allSatisfy { $0.contentType == "application/octet-stream" })
        }
    }

    @Test func ifRangeAndConditionals() async throws {
        try await withDownloads { client, _ in
            let whole = try await client.get("/download/data.bin")
            let tag = try #require(whole.field("etag"))
            let modified = try #require(whole.field("last-modified"))
            #expect(try await client.get("/download/data.bin", headers: [.range: "bytes=0-9", .ifRange: tag]).status == 206)
            #expect(try await client.get("/download/data.bin", headers: [.range: "bytes=0-9", .ifRange: modified]).status == 206)
            #expect(try await client.get("/download/data.bin", headers: [.range: "bytes=0-9", .ifRange: #""stale""#]).status == 200)
            #expect(try await client.get("/download/data.bin", headers: [.range: "bytes=0-9", .ifRange: "W/\(tag)"]).status == 200)
            #expect(try await client.get("/download/data.bin", headers: [.range: "bytes=0-9", .ifRange: "Thu, 01 Jan 1970 00:00:00 GMT"]).status == 200)
            let notModified = try await client.get("/download/data.bin", headers: [.ifNoneMatch: tag])
            #expect(notModified.status == 304)
            #expect(notModified.body.isEmpty)
            #expect(notModified.field("etag") == tag)
            #expect(try await client.get("/download/data.bin", headers: [.ifModifiedSince: modified]).status == 304)
            #expect(try await client.get("/download/data.bin", headers: [.ifMatch: #""other""#]).status == 412)
        }
    }

    @Test func nothingOutsideTheFolderIsReadable() async throws {
        try await withDownloads { client, _ in
            let refused = [
                "..%2Fetc%2Fhostname", "%2e%2e%2fetc%2fhostname", "%2E%2E", "..", ".", ".hidden", "%2ehidden", "a%00b", "%00",
                "a%5Cb", "..%5C..%5Cetc%5Chostname", "escape", "sub", "pipe", "missing.bin", "data.bin%2F", "%252e%252e%252fetc",
            ]
            let outside = try String(contentsOfFile: "/etc/hostname", encoding: .utf8)
            for name in refused {
                let response = try await client.get("/download/\(name)")
                #expect(response.status == 404, "\(name)")
                #expect(response.json["detail"] as? String == "no such file", "the same answer as for a missing file: \(name)")
                #expect(!response.text.contains(outside.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            #expect(try await client.get("/download/inside.bin").status == 200, "a link that stays inside is served")
            #expect(try await client.get("/download/../../etc/hostname").status == 404)
        }
    }

    @Test func listing() async throws {
        try await withDownloads { client, _ in
            let list = try await client.get("/download")
            #expect(list.status == 200)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["name"] as? String } == ["data.bin", "hello.txt", "inside.bin"])
            #expect(items.first?["size"] as? Int == 100_000)
            #expect(items.first?["url"] as? String == "/download/data.bin")
            #expect(Set(items.first?.keys.map { $0 } ?? []) == ["name", "size", "etag", "last_modified", "url"])
            let first = try await client.get("/download?limit=2")
            let link = try #require(first.field("link"))
            let second = try await client.get(String(link.dropFirst().prefix { $0 != ">" }))
            #expect((second.json["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["inside.bin"])
        }
    }

    /// The responder keeps files open between requests; each request still serves the file
    /// the name leads to now: replaced by a rename, changed in place, swapped for a link that
    /// leaves the folder, deleted, created again.
    @Test func filesChangedBetweenRequestsAreServedAsTheyAreNow() async throws {
        try await withDownloads { client, fixture in
            let path = fixture.directory + "/data.bin"
            let first = try await client.get("/download/data.bin", headers: [.range: "bytes=0-99"])
            #expect(first.body == Array(fixture.bytes[0..<100]))
            let replacement = fixture.bytes.map { $0 ^ 0xFF }
            try Data(replacement).write(to: URL(fileURLWithPath: path), options: .atomic)
            let renamed = try await client.get("/download/data.bin", headers: [.range: "bytes=0-99"])
            #expect(renamed.body == Array(replacement[0..<100]), "a file renamed over the name")
            #expect(renamed.field("etag") != first.field("etag"))
            let descriptor = open(path, O_WRONLY)
            #expect(pwrite(descriptor, [UInt8]([1, 2, 3]), 3, 0) == 3)
            var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
            #expect(futimens(descriptor, &times) == 0)
            close(descriptor)
            let changed = try await client.get("/download/data.bin", headers: [.range: "bytes=0-3"])
            #expect(changed.body == [1, 2, 3, replacement[3]], "a file changed in place")
            #expect(changed.field("etag") != renamed.field("etag"))
            #expect(changed.field("last-modified") == "Tue, 14 Nov 2023 22:13:20 GMT")
            #expect(try await client.get("/download/hello.txt").text == "hello\n")
            #expect(unlink(fixture.directory + "/hello.txt") == 0)
            #expect(symlink("/etc/hostname", fixture.directory + "/hello.txt") == 0)
            #expect(try await client.get("/download/hello.txt").status == 404, "a link out, where a served file was")
            #expect(unlink(fixture.directory + "/hello.txt") == 0)
            #expect(try await client.get("/download/hello.txt").status == 404, "deleted")
            try "hello again\n".write(toFile: fixture.directory + "/hello.txt", atomically: false, encoding: .utf8)
            #expect(try await client.get("/download/hello.txt").text == "hello again\n", "created again")
        }
    }

    /// Offsets past 4 GiB, on a sparse file.
    @Test func rangesPastFourGiB() async throws {
        try await withDownloads { client, fixture in
            let size: Int64 = 5 << 30
            let offset: Int64 = (4 << 30) + 123_456_789
            let descriptor = open(fixture.directory + "/huge.bin", O_CREAT | O_WRONLY, 0o644)
            #expect(ftruncate(descriptor, off_t(size)) == 0)
            let marker = Array("past four gibibytes".utf8)
            #expect(pwrite(descriptor, marker, marker.count, off_t(offset)) == marker.count)
            close(descriptor)
            let head = try await client.head("/download/huge.bin")
            #expect(head.field("content-length") == String(size))
            let range = try await client.get("/download/huge.bin", headers: [.range: "bytes=\(offset)-\(offset + Int64(marker.count) - 1)"])
            #expect(range.status == 206)
            #expect(range.field("content-range") == "bytes \(offset)-\(offset + Int64(marker.count) - 1)/\(size)")
            #expect(range.body == marker)
            let tail = try await client.get("/download/huge.bin", headers: [.range: "bytes=-3"])
            #expect(tail.field("content-range") == "bytes \(size - 3)-\(size - 1)/\(size)")
            #expect(tail.body == [0, 0, 0])
            let parts = try await client.get("/download/huge.bin", headers: [.range: "bytes=0-1,\(offset)-\(offset + 3)"])
            let type = try #require(parts.field("content-type"))
            let parsed = try #require(Multipart.parse(parts.body, boundary: String(type.split(separator: "=", maxSplits: 1)[1])))
            #expect(parsed.last?.body == Array(marker[0..<4]))
        }
    }
}

/// A `multipart/byteranges` body split into parts (RFC 9110 section 14.6).
enum Multipart {
    struct Part {
        let contentType: String?
        let contentRange: String?
        let body: [UInt8]
    }

    static func parse(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var data = Array("\r\n".utf8) + body
        var parts: [Part] = []
        guard data.starts(with: delimiter) else { return nil }
        data.removeFirst(delimiter.count)
        while true {
            if data.starts(with: Array("--".utf8)) { return parts }
            guard data.starts(with: Array("\r\n".utf8)), let headEnd = find(Array("\r\n\r\n".utf8), in: data) else { return nil }
            let head = String(decoding: data[2..<headEnd], as: UTF8.self)
            var fields: [String: String] = [:]
            for line in head.components(separatedBy: "\r\n") {
                let pieces = line.split(separator: ":", maxSplits: 1)
                if pieces.count == 2 { fields[pieces[0].lowercased()] = pieces[1].trimmingCharacters(in: .whitespaces) }
            }
            let rest = Array(data[(headEnd + 4)...])
            guard let end = find(delimiter, in: rest) else { return nil }
            parts.append(Part(contentType: fields["content-type"], contentRange: fields["content-range"], body: Array(rest[..<end])))
            data = Array(rest[(end + delimiter.count)...])
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
