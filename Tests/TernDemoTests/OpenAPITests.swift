import Foundation
import Testing
import TernDemo
import TernTesting

/// `Public/openapi.json` is true to the router: every route is in it, it names no route
/// that does not exist, and it is a valid OpenAPI 3.1 document.
@Suite("Demo: the OpenAPI document")
struct OpenAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let documentPath = root.appendingPathComponent("Public/openapi.json").path

    static func operations() throws -> Set<String> {
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: documentPath))) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" } })
    }

    @Test func describesExactlyTheRouteTable() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = DemoConfiguration(workers: 1)
            configuration.dataDirectory = directory
            configuration.publicDirectory = Self.root.appendingPathComponent("Public").path
            let application = try DemoApplication(configuration: configuration)
            defer { try? application.close() }
            let table = Set(application.routes.map(\.description))
            let documented = try Self.operations()
            #expect(table.subtracting(documented).sorted() == [], "routes missing from the document")
            #expect(documented.subtracting(table).sorted() == [], "documented routes that do not exist")
            #expect(table.count >= 20)
            let served = try await application.test(.inProcess) { client in try await client.get("/openapi.json") }
            #expect(served.status == 200)
            #expect(served.body == Array(try Data(contentsOf: URL(fileURLWithPath: Self.documentPath))), "the document is what /openapi.json serves")
        }
    }

    /// `openapi-spec-validator` (PyPI; `make test` installs it).
    @Test func isAValidOpenAPIDocument() throws {
        let result = try Spawn.run([
            "python3", "-c", "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('valid')",
            Self.documentPath,
        ])
        let text = result.output
        #expect(result.status == 0, "\(text)")
        #expect(text.contains("valid"))
    }

    /// The page names every path of the document with its methods in its HTML, for people and
    /// crawlers without JavaScript (`make browser-test` sends each from the page).
    @Test func thePageNamesEveryPathAndMethod() throws {
        let html = try String(contentsOf: Self.root.appendingPathComponent("Public/index.html"), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"<li><code>([^<]+)</code>((?: [A-Z]+)+)</li>"#)
        var listed: Set<String> = []
        for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let path = String(html[Range(match.range(at: 1), in: html)!])
            for method in html[Range(match.range(at: 2), in: html)!].split(separator: " ") { listed.insert("\(method) \(path)") }
        }
        let documented = try Self.operations().filter { !$0.hasPrefix("HEAD ") && !$0.hasPrefix("OPTIONS ") }
        #expect(listed == documented)
    }
}
