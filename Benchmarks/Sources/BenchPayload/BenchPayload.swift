#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What every Swift peer serves, so they do the same work per request: the demo's user,
/// encoded per request with sorted keys (JSONEncoder's key order is not stable on Linux, and
/// the ETag is a hash of the body), and the same validators.
public struct BenchUser: Codable, Sendable {
    public let id: Int
    public let name: String
    public let email: String
    public let created_at: Date
    public let updated_at: Date

    public static let alice = BenchUser(
        id: 1, name: "Alice", email: "alice@example.com",
        created_at: Date(timeIntervalSince1970: 1_767_225_600), updated_at: Date(timeIntervalSince1970: 1_767_225_600))

    /// `Last-Modified` of the user.
    public static let lastModified = "Thu, 01 Jan 2026 00:00:00 GMT"
    public static let cacheControl = "private, max-age=0, must-revalidate"

    /// The body, encoded now.
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(self))
    }
}

/// The strong ETag every peer derives from a body: 64-bit FNV-1a, 16 hex digits, quoted.
public func benchETag(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
}

/// `--port N --files DIR` from the command line.
public struct BenchArguments: Sendable {
    public let port: Int
    public let files: String
    /// `--batteries`: the middleware a service ships with (a request log, metrics, CORS).
    public let batteries: Bool
    /// `--uploads`: where `PUT /upload/{name}` stores request bodies.
    public let uploads: String

    public init() {
        let arguments = CommandLine.arguments
        func value(_ flag: String) -> String? {
            arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        port = value("--port").flatMap(Int.init) ?? 8080
        files = value("--files") ?? "./files"
        batteries = arguments.contains("--batteries")
        uploads = value("--uploads") ?? "./uploads"
    }
}

/// Whether an If-None-Match value lists `etag` (weak comparison, lists, `*`).
public func ifNoneMatchMatches(_ value: String?, etag: String) -> Bool {
    guard let value else { return false }
    return value.split(separator: ",").contains { element in
        var tag = element
        while let first = tag.first, first == " " || first == "\t" { tag = tag.dropFirst() }
        while let last = tag.last, last == " " || last == "\t" { tag = tag.dropLast() }
        return tag == "*" || tag == etag || tag == "W/" + etag
    }
}
