import Foundation
import Testing
import TernHTTP
import TernServer
import TernTesting

/// Tests/Corpus/hostile: every malformed or hostile request, with its expected outcome next
/// to it, through the parser's API (whole and byte by byte) and through a live server; the
/// two must agree with the file and so with each other, and after each case a normal
/// request on a new connection must succeed.
@Suite("Hostile corpus: parser and live server agree")
struct HostileCorpusTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        /// `accept`, `incomplete` or a status, per message.
        let parser: [String]
        /// `response`, `close` or a status, per answer.
        let live: [String]
        var description: String { name }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus/hostile")

    static func cases() throws -> [Case] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".http") }.sorted()
        return try names.map { file in
            let name = String(file.dropLast(5))
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(file)))
            let expect = try String(contentsOf: folder.appendingPathComponent(name + ".expect"), encoding: .utf8)
            var fields: [String: [String]] = [:]
            for line in expect.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                fields[String(parts[0])] = parts[1].split(separator: ",").map(String.init)
            }
            return Case(name: name, bytes: bytes, parser: fields["parser"] ?? [], live: fields["live"] ?? [])
        }
    }

    @Test func theCorpusIsLargeEnough() throws {
        #expect(try Self.cases().count >= 150)
    }

    /// What the parser makes of `bytes`: `accept` per complete message, then the status of
    /// its error, or `incomplete` when input ends inside a message.
    static func verdicts(_ bytes: [UInt8], byteByByte: Bool) -> [String] {
        var parser = HTTP1RequestParser()
        var verdicts: [String] = []
        var inMessage = false
        let pieces: [ArraySlice<UInt8>] = byteByByte ? bytes.indices.map { bytes[$0...$0] } : [bytes[...]]
        for piece in pieces {
            parser.append(piece)
            while true {
                do {
                    let event = try parser.next()
                    if event == .needMoreData { break }
                    if case .end = event {
                        verdicts.append("accept")
                        inMessage = false
                    } else {
                        inMessage = true
                    }
                } catch {
                    return verdicts + [String(error.status.code)]
                }
            }
        }
        return verdicts + (inMessage || !bytes.isEmpty && verdicts.isEmpty ? ["incomplete"] : [])
    }

    @Test(arguments: try cases())
    func parser(_ hostile: Case) {
        for byteByByte in [false, true] {
            let verdicts = Self.verdicts(hostile.bytes, byteByByte: byteByByte)
            #expect(verdicts.filter { $0 != "incomplete" } == hostile.parser.filter { $0 != "incomplete" }, "byte by byte: \(byteByByte)")
            #expect(verdicts.contains("incomplete") == hostile.parser.contains("incomplete"), "byte by byte: \(byteByByte)")
        }
    }

    @Test func live() async throws {
        // Reads the content, as a handler that takes one does: a content over the server's
        // limit, or one that ends early, is found as it is read.
        let application = ClosureResponder { request, _ in
            _ = try await request.body.collect()
            return Response(status: .ok, body: .string("ok"))
        }
        try await LiveServer.with(responder: application, configure: { $0.timeouts.head = .seconds(3); $0.timeouts.bodyIdle = .seconds(3) }) { server in
            for hostile in try Self.cases() {
                let connection = try server.connect(timeout: .seconds(10))
                try await connection.send(hostile.bytes)
                connection.shutdownWrite()
                var answers: [String] = []
                let isHead = hostile.bytes.starts(with: Array("HEAD ".utf8))
                while let response = try? await connection.readResponse(toHEAD: isHead) {
                    if response.status >= 200 { answers.append(response.status == 200 && (isHead || response.text == "ok") ? "response" : String(response.status)) }
                }
                connection.close()
                let expected = hostile.live.filter { $0 != "close" }
                #expect(answers == expected, "\(hostile.name)")
                // Differential: a framing error the parser reports is the status the server sends.
                // (A message the parser leaves incomplete is judged by its reader: the content's
                // limit, or its early end.)
                let parserErrors = hostile.parser.filter { Int($0) != nil }
                if !hostile.parser.contains("incomplete") {
                    #expect(parserErrors == answers.filter { Int($0) != nil }, "\(hostile.name): parser and server agree")
                }
                let after = try server.connect()
                #expect(try await after.exchange("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status == 200, "\(hostile.name): still serving")
                after.close()
            }
        }
    }
}
