import TernHTTP
import TernJSON
import TernRouter

/// `GET /data`: a small fixed dataset, paginated like every collection, as JSON, XML or CSV
/// by `Accept` (docs/demo-api.md, "Data"). Its `ETag` is hashed from the bytes of the
/// chosen representation by `ConditionalGET`.
enum DataRoutes {
    struct Record: Encodable, Sendable {
        let id: Int
        let name: String
        let value: Double
    }

    static let records: [Record] = [
        Record(id: 1, name: "hydrogen", value: 1.008),
        Record(id: 2, name: "helium", value: 4.0026),
        Record(id: 3, name: "lithium", value: 6.94),
        Record(id: 4, name: "beryllium", value: 9.0122),
        Record(id: 5, name: "boron", value: 10.81),
        Record(id: 6, name: "carbon", value: 12.011),
        Record(id: 7, name: "nitrogen", value: 14.007),
        Record(id: 8, name: "oxygen", value: 15.999),
        Record(id: 9, name: "fluorine", value: 18.998),
        Record(id: 10, name: "neon, \"noble\"", value: 20.18),
    ]

    static let representations: [Representation<Page<Record>>] = [.json, .xml(root: "data"), .csv { $0.items }]

    static func register(in routes: RouteGroup) {
        routes.get("/data") { request, _ in
            let page = try request.pageRequest()
            let start = try page.cursor.map { cursor throws(HTTPError) in
                guard let index = Int(cursor.position), (0..<records.count).contains(index) else {
                    throw HTTPError(.badRequest, detail: "the cursor is not valid")
                }
                return index
            } ?? 0
            let body = Page(items: Array(records[start...]), limit: page.limit) { record in
                PageCursor(position: String(records.firstIndex { $0.id == record.id }! + 1))
            }
            var fields = body.linkFields(for: request)
            fields[.cacheControl] = "public, max-age=60"
            return try Response(negotiating: body, for: request, representations: representations, headerFields: fields)
        }
    }
}
