import Foundation
import HTTPTypes
import Testing
import TernTesting
#if canImport(Glibc)
import Glibc
#endif

/// Downloads of compressible files in gzip: one copy per file version, sent from disk, with
/// its own ETag; ranges, `If-Range`, HEAD and clients that do not take gzip get the file.
@Suite("Demo: gzip downloads (live)")
struct CompressedDownloadsTests {
    static let gzip: HTTPFields = [.acceptEncoding: "gzip, deflate, br"]
    static let csv = (1...200).map { "\($0),\($0 * $0),\($0 % 7 == 0 ? "seventh" : "other")" }.joined(separator: "\r\n")

    /// The demo with a files folder holding a CSV file of 2+ KiB, a small text file and a PNG;
    /// `body` gets the client, the files folder and the folder of gzip copies.
    func withFiles(_ body: (any TestClient, String, String) async throws -> Void) async throws {
        try await withTemporaryDirectory { files in
            try await withTemporaryDirectory { data in
                try Self.csv.write(toFile: files + "/table.csv", atomically: false, encoding: .utf8)
                try "tiny\n".write(toFile: files + "/tiny.txt", atomically: false, encoding: .utf8)
                try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: files + "/image.png"))
                try await withDemo(configure: { $0.filesDirectory = files; $0.dataDirectory = data }) { client in
                    try await body(client, files, data + "/gzip-copies")
                }
            }
        }
    }

    static func copies(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test func aWholeCompressibleFileIsSentGzippedFromOneCopy() async throws {
        try await withFiles { client, _, copies in
            let identity = try await client.get("/download/table.csv")
            let tag = try #require(identity.field("etag"))
            #expect(identity.field("content-encoding") == nil)
            #expect(identity.field("vary") == "Accept-Encoding")

            let first = try await client.get("/download/table.csv", headers: Self.gzip)
            #expect(first.status == 200)
            #expect(first.field("content-encoding") == "gzip")
            #expect(first.field("vary") == "Accept-Encoding")
            #expect(first.field("etag") == String(tag.dropLast()) + #"-gzip""#, "its own strong tag")
            #expect(first.field("content-length") == String(first.body.count))
            #expect(first.body.count < Self.csv.utf8.count)
            #expect(Gunzip.decompress(first.body) == Array(Self.csv.utf8))

            let made = try Self.copies(in: copies)
            #expect(made.count == 1)
            let inode = try #require(try FileManager.default.attributesOfItem(atPath: copies + "/" + made[0])[.systemFileNumber] as? Int)
            let second = try await client.get("/download/table.csv", headers: [.acceptEncoding: "gzip"])
            #expect(second.body == first.body)
            #expect(try Self.copies(in: copies) == made, "compressed once")
            #expect(try FileManager.default.attributesOfItem(atPath: copies + "/" + made[0])[.systemFileNumber] as? Int == inode)

            let revalidated = try await client.get("/download/table.csv", headers: Self.gzip.adding([.ifNoneMatch: try #require(first.field("etag"))]))
            #expect(revalidated.status == 304)
            #expect(revalidated.field("etag") == first.field("etag"))
            #expect(revalidated.field("vary") == "Accept-Encoding")
            #expect(try await client.get("/download/table.csv", headers: Self.gzip.adding([.ifNoneMatch: tag])).status == 200, "the identity tag names another representation")
        }
    }

    @Test func rangesIfRangeHeadAndOtherEncodingsGetTheFile() async throws {
        try await withFiles { client, _, _ in
            let identity = try await client.get("/download/table.csv")
            let tag = try #require(identity.field("etag"))
            let range = try await client.get("/download/table.csv", headers: Self.gzip.adding([.range: "bytes=0-9"]))
            #expect(range.status == 206)
            #expect(range.field("content-encoding") == nil)
            #expect(range.body == Array(Self.csv.utf8.prefix(10)))
            let ifRange = try await client.get("/download/table.csv", headers: Self.gzip.adding([.range: "bytes=0-9", .ifRange: tag]))
            #expect(ifRange.status == 206)
            let head = try await client.head("/download/table.csv", headers: Self.gzip)
            #expect(head.field("content-encoding") == nil)
            #expect(head.field("content-length") == String(Self.csv.utf8.count))
            for refused in ["identity", "gzip;q=0", "br", "gzip;q=0.5, identity"] {
                let response = try await client.get("/download/table.csv", headers: [.acceptEncoding: refused])
                #expect(response.field("content-encoding") == nil, "\(refused)")
                #expect(response.body == Array(Self.csv.utf8))
            }
            for name in ["tiny.txt", "image.png"] {
                let response = try await client.get("/download/\(name)", headers: Self.gzip)
                #expect(response.status == 200)
                #expect(response.field("content-encoding") == nil, "\(name): too small, or not compressible")
            }
        }
    }

    @Test func aReplacedFileGetsANewCopyAndTheOldOneGoes() async throws {
        try await withFiles { client, files, copies in
            let before = try await client.get("/download/table.csv", headers: Self.gzip)
            let old = try Self.copies(in: copies)
            let replacement = Self.csv + "\r\n201,40401,other"
            try replacement.write(toFile: files + "/table.csv.new", atomically: false, encoding: .utf8)
            #expect(rename(files + "/table.csv.new", files + "/table.csv") == 0)
            let after = try await client.get("/download/table.csv", headers: Self.gzip)
            #expect(after.field("etag") != before.field("etag"))
            #expect(Gunzip.decompress(after.body) == Array(replacement.utf8))
            let now = try Self.copies(in: copies)
            #expect(now.count == 1)
            #expect(now != old, "the old version's copy is deleted")
        }
    }
}
