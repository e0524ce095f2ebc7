import BenchPayload
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Hummingbird 2 with PostgresNIO doing tern-demo's work on PostgreSQL, against the database
/// tern-demo migrated: `GET /users/{id}` (ETag from the row's version, 304 on a match) and
/// `POST /transfers` with an `Idempotency-Key`, in the same READ COMMITTED transaction as
/// `PostgresTransferStore` (advisory lock on the key, the record re-read, both accounts
/// `FOR UPDATE` in id order, debit, credit and row in one statement, the record, COMMIT).
/// One event-loop thread serves HTTP and the database, as tern-demo's one loop does.
let arguments = CommandLine.arguments
func value(_ flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}
let port = value("--port").flatMap(Int.init) ?? 8080
let connections = value("--connections").flatMap(Int.init) ?? 2
guard let databaseURL = value("--database-url").flatMap(URLComponents.init(string:)), let host = databaseURL.host else {
    fatalError("--database-url postgres://USER@HOST:PORT/DATABASE is required")
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
var configuration = PostgresClient.Configuration(
    host: host, port: databaseURL.port ?? 5432, username: databaseURL.user ?? "postgres", password: databaseURL.password,
    database: String(databaseURL.path.dropFirst()), tls: .disable)
configuration.options.minimumConnections = connections
configuration.options.maximumConnections = connections
let database = PostgresClient(configuration: configuration, eventLoopGroup: group, backgroundLogger: Logger(label: "postgres"))
let logger = Logger(label: "bench")

let router = Router()
router.get("/users/:id") { request, context -> Response in
    guard let id = context.parameters.get("id", as: Int64.self) else { return problem(.notFound, "no such user") }
    let rows = try await database.query(
        "SELECT id, name, email, created_at, updated_at, version FROM users WHERE id = \(id)", logger: logger)
    for try await (id, name, email, createdAt, updatedAt, version) in rows.decode((Int64, String, String, Int64, Int64, Int64).self) {
        let etag = "\"\(id)-\(version)\""
        let lastModified = httpDate(updatedAt)
        if ifNoneMatchMatches(request.headers[.ifNoneMatch], etag: etag) {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: BenchUser.cacheControl])
        }
        let user = UserRow(
            id: id, name: name, email: email,
            created_at: Date(timeIntervalSince1970: TimeInterval(createdAt)), updated_at: Date(timeIntervalSince1970: TimeInterval(updatedAt)))
        return json(.ok, Array(try encoder().encode(user)), [.eTag: etag, .lastModified: lastModified, .cacheControl: BenchUser.cacheControl])
    }
    return problem(.notFound, "no such user")
}

enum TransferFailure: Error {
    case keyInUse, otherRequest, noAccount
}

router.post("/transfers") { request, context -> Response in
    guard request.headers[.authorization] == "Bearer demo-key" else { return problem(.unauthorized, "a bearer token is needed") }
    guard let key = request.headers[.idempotencyKey], !key.isEmpty else {
        return problem(.badRequest, "this request needs an Idempotency-Key header")
    }
    let body = try await request.body.collect(upTo: 64 * 1024)
    let bytes = Array(buffer: body)
    guard let input = try? JSONDecoder().decode(TransferInput.self, from: Data(bytes)), input.amount > 0 else {
        return problem(.unprocessableContent, "from, to and a positive amount are needed")
    }
    let cents = Int64((input.amount * 100).rounded())
    let scope = "principal:demo"
    let lockKey = "\(scope.utf8.count):" + scope + key
    let fingerprint = benchETag(Array("POST /transfers ".utf8) + bytes)
    let now = Int64(Date().timeIntervalSince1970)
    do {
        return try await database.withTransaction(logger: logger) { connection -> Response in
            let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(hashtextextended(\(lockKey), 0))", logger: logger)
            for try await held in locked.decode(Bool.self) where !held { throw TransferFailure.keyInUse }
            let records = try await connection.query("""
                SELECT fingerprint, status, body FROM idempotency_records WHERE scope = \(scope) AND key = \(key) AND expires_at > \(now)
                """, logger: logger)
            for try await (storedFingerprint, status, stored) in records.decode((String, Int, ByteBuffer).self) {
                guard storedFingerprint == fingerprint else { throw TransferFailure.otherRequest }
                return json(HTTPResponse.Status(code: status), Array(buffer: stored))
            }
            var balances: [String: Int64] = [:]
            let accounts = try await connection.query(
                "SELECT id, balance_cents FROM accounts WHERE id = ANY(\([input.from, input.to])::text[]) ORDER BY id FOR UPDATE", logger: logger)
            for try await (id, balance) in accounts.decode((String, Int64).self) { balances[id] = balance }
            guard let balance = balances[input.from], balances[input.to] != nil else { throw TransferFailure.noAccount }
            let response: Response
            let responseBody: [UInt8]
            if balance < cents {
                responseBody = Array(#"{"status":409,"title":"Insufficient funds"}"#.utf8)
                response = Response(status: .conflict, headers: [.contentType: "application/problem+json"], body: .init(byteBuffer: ByteBuffer(bytes: responseBody)))
            } else {
                let inserted = try await connection.query("""
                    WITH debit AS (
                        UPDATE accounts SET balance_cents = balance_cents - \(cents) WHERE id = \(input.from)
                    ), credit AS (
                        UPDATE accounts SET balance_cents = balance_cents + \(cents) WHERE id = \(input.to)
                    )
                    INSERT INTO transfers (from_account, to_account, amount_cents, status, created_at)
                    VALUES (\(input.from), \(input.to), \(cents), 'completed', \(now)) RETURNING id
                    """, logger: logger)
                var id: Int64 = 0
                for try await newID in inserted.decode(Int64.self) { id = newID }
                let transfer = TransferBody(
                    id: id, from: input.from, to: input.to, amount: Double(cents) / 100, status: "completed",
                    created_at: Date(timeIntervalSince1970: TimeInterval(now)))
                responseBody = Array(try encoder().encode(transfer))
                response = json(.created, responseBody, [.location: "/transfers/\(id)"])
            }
            let fields = "content-type: application/json"
            let expires = now + 86_400
            let status = response.status.code
            let reason = response.status.reasonPhrase
            try await connection.query("""
                INSERT INTO idempotency_records (scope, key, fingerprint, status, reason, fields, body, created_at, expires_at)
                VALUES (\(scope), \(key), \(fingerprint), \(status), \(reason), \(fields), \(ByteBuffer(bytes: responseBody)), \(now), \(expires))
                ON CONFLICT (scope, key) DO UPDATE SET
                    fingerprint = excluded.fingerprint, status = excluded.status, reason = excluded.reason, fields = excluded.fields,
                    body = excluded.body, created_at = excluded.created_at, expires_at = excluded.expires_at
                WHERE idempotency_records.expires_at <= excluded.created_at
                """, logger: logger)
            return response
        }
    } catch let error as PostgresTransactionError {
        switch error.closureError {
        case TransferFailure.keyInUse?: return problem(.conflict, "a request with this Idempotency-Key is still being processed")
        case TransferFailure.otherRequest?: return problem(.unprocessableContent, "this Idempotency-Key was used for a different request")
        case TransferFailure.noAccount?: return problem(.unprocessableContent, "from and to must be accounts")
        default: throw error
        }
    }
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    eventLoopGroupProvider: .shared(group)
)
try await withThrowingDiscardingTaskGroup { tasks in
    tasks.addTask { await database.run() }
    tasks.addTask {
        print("listening on http://127.0.0.1:\(port)")
        try await app.runService()
    }
}
