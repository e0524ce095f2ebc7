import Foundation
import HTTPTypes
import Testing
import TernDemo
import TernTesting

@Suite("Demo: metrics, compression, CORS, the page (live)")
struct OperationsTests {
    @Test func metricsByRouteTemplate() async throws {
        try await withLiveDemo { server in
            let connection = try server.connect()
            for path in ["/users/1", "/users/2", "/users/abc", "/no/such/path"] {
                _ = try await connection.exchange("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            }
            let metrics = try await connection.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(metrics.status == 200)
            #expect(metrics.field("content-type") == "text/plain; version=0.0.4; charset=utf-8")
            let text = metrics.text
            #expect(text.contains(#"http_requests_total{method="GET",route="/users/{id}",status="200"} 2"#))
            #expect(text.contains(#"http_requests_total{method="GET",route="/users/{id}",status="404"} 1"#))
            #expect(text.contains(#"http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
            #expect(text.contains(#"http_request_duration_seconds_bucket{method="GET",route="/users/{id}",le="+Inf"} 3"#))
            #expect(text.contains("http_open_connections 1"))
            #expect(text.contains("http_requests_in_flight"))
            #expect(!text.contains("/users/1\"") && !text.contains("/no/such/path"), "never a raw path")
            #expect(metrics.field("ratelimit") == nil, "never rate limited")
        }
    }

    @Test func largeResponsesAreGzipped() async throws {
        try await withDemo { client in
            let plain = try await client.get("/openapi.json")
            let gzipped = try await client.get("/openapi.json", headers: [.acceptEncoding: "gzip"])
            #expect(gzipped.field("content-encoding") == "gzip")
            #expect(gzipped.body.count < plain.body.count / 4)
            #expect(gzipped.field("vary") == "Accept-Encoding")
            let tag = try #require(gzipped.field("etag"))
            #expect(tag != plain.field("etag") && tag.hasSuffix("-gzip\""))
            let revalidated = try await client.get("/openapi.json", headers: [.acceptEncoding: "gzip", .ifNoneMatch: tag])
            #expect(revalidated.status == 304, "the gzip variant's tag revalidates")
            let small = try await client.get("/users/1", headers: [.acceptEncoding: "gzip"])
            #expect(small.field("content-encoding") == nil, "under 1 KiB")
            let range = try await client.get("/download/hello.txt", headers: [.acceptEncoding: "gzip", .range: "bytes=0-4"])
            #expect(range.status == 206)
            #expect(range.field("content-encoding") == nil)
        }
    }

    @Test func corsForLocalPages() async throws {
        try await withDemo { client in
            let preflight = try await client.options("/transfers", headers: [
                HTTPField.Name("Origin")!: "http://localhost:3000", HTTPField.Name("Access-Control-Request-Method")!: "POST",
                HTTPField.Name("Access-Control-Request-Headers")!: "authorization, content-type, idempotency-key",
            ])
            #expect(preflight.status == 204)
            #expect(preflight.field("access-control-allow-origin") == "http://localhost:3000")
            #expect(preflight.field("access-control-allow-headers") == "authorization, content-type, idempotency-key")
            let read = try await client.get("/users/1", headers: [HTTPField.Name("Origin")!: "http://127.0.0.1:9000"])
            #expect(read.field("access-control-allow-origin") == "http://127.0.0.1:9000")
            #expect(read.field("access-control-expose-headers")?.contains("X-Request-Id") == true)
            let foreign = try await client.get("/users/1", headers: [HTTPField.Name("Origin")!: "https://example.com"])
            #expect(foreign.field("access-control-allow-origin") == nil)
        }
    }

    @Test func thePageAndItsAssets() async throws {
        try await withDemo(configure: { $0.publicDirectory = OpenAPITests.root.appendingPathComponent("Public").path }) { client in
            let page = try await client.get("/")
            #expect(page.status == 200)
            #expect(page.field("content-type") == "text/html; charset=utf-8")
            #expect(page.field("cache-control") == "no-cache")
            #expect(page.text.contains("<title>tern-demo: try the API</title>"))
            for (path, type) in [("/static/app.js", "text/javascript; charset=utf-8"), ("/static/style.css", "text/css; charset=utf-8")] {
                let asset = try await client.get(path)
                #expect(asset.status == 200, "\(path)")
                #expect(asset.field("content-type") == type)
                let tag = try #require(asset.field("etag"))
                #expect(try await client.get(path, headers: [.ifNoneMatch: tag]).status == 304)
            }
            #expect(try await client.get("/static/missing.js").status == 404)
            #expect(try await client.get("/static/..%2Fopenapi.json").status == 404)
        }
    }
}
