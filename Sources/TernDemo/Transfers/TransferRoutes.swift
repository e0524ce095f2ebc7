import Foundation
import HTTPTypes
import TernHTTP
import TernJSON
import TernMiddleware
import TernRouter

/// `/accounts`, `/transfers` and the old `/api/transfer` (docs/demo-api.md, "Transfers").
struct TransferRoutes: Sendable {
    let store: any TransferStore

    static let accountRepresentations: [Representation<Account>] = [.json, .xml(root: "account")]
    static let accountPageRepresentations: [Representation<Page<Account>>] = [.json, .xml(root: "accounts")]
    static let transferRepresentations: [Representation<Transfer>] = [.json, .xml(root: "transfer")]
    static let transferPageRepresentations: [Representation<Page<Transfer>>] = [.json, .xml(root: "transfers")]
    static let insufficientFundsType = "https://tern-demo.example/problems/insufficient-funds"

    /// Reads, under the API group.
    func registerReads(in routes: RouteGroup) {
        routes.get("/accounts") { request, _ in
            let page = try request.pageRequest()
            let accounts = try await store.accounts(afterID: page.cursor?.position, limit: page.limit + 1)
            let body = Page(items: accounts, limit: page.limit) { PageCursor(position: $0.id) }
            return try Response(negotiating: body, for: request, representations: Self.accountPageRepresentations, headerFields: body.linkFields(for: request))
        }
        routes.get("/accounts/{id}") { request, context in
            guard let id = context.parameters["id"], let account = try await store.account(id: id) else {
                throw HTTPError(.notFound, detail: "no such account")
            }
            return try Response(negotiating: account, for: request, representations: Self.accountRepresentations)
        }
        routes.get("/transfers") { request, _ in
            let page = try request.pageRequest()
            let before = try page.cursor.map { cursor throws(HTTPError) in
                guard let id = Int64(cursor.position) else { throw HTTPError(.badRequest, detail: "the cursor is not valid") }
                return id
            }
            let transfers = try await store.transfers(beforeID: before, limit: page.limit + 1)
            let body = Page(items: transfers, limit: page.limit) { PageCursor(position: String($0.id)) }
            return try Response(negotiating: body, for: request, representations: Self.transferPageRepresentations, headerFields: body.linkFields(for: request))
        }
        routes.get("/transfers/{id}") { request, context in
            guard let id = context.parameters["id"].flatMap({ Int64($0) }), let transfer = try await store.transfer(id: id) else {
                throw HTTPError(.notFound, detail: "no such transfer")
            }
            return try Response(negotiating: transfer, for: request, representations: Self.transferRepresentations)
        }
    }

    /// `POST /transfers`, behind `Idempotency` (and authentication, outside it).
    func registerCreate(in routes: RouteGroup) {
        routes.post("/transfers") { request, context in
            let input = try await request.decode(TransferInput.self)
            return try await store.transfer(
                input.amount, from: input.from, to: input.to, at: Int64(Date().timeIntervalSince1970),
                claim: Idempotency.claim(in: context)
            ) { outcome in
                switch outcome {
                case .completed(let transfer):
                    var response = try Response(negotiating: transfer, for: request, representations: Self.transferRepresentations, status: .created)
                    response.headerFields[.location] = "/transfers/\(transfer.id)"
                    return response
                case .insufficientFunds(let balance):
                    let error = HTTPError(
                        .conflict, type: Self.insufficientFundsType, title: "Insufficient funds",
                        detail: "account \(input.from) holds \(balance.text), less than \(input.amount.text)")
                    return Response(rendering: error, for: request, context: context)
                }
            }
        }
    }

    /// `POST /api/transfer`: moved for good; 308 keeps the method and body
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-15.4.9).
    static func registerOldPath(in router: Router) {
        router.post("/api/transfer") { _, _ in
            Response(status: .permanentRedirect, headerFields: [.location: "/transfers"])
        }
    }
}

extension Money {
    /// `12.50`, for messages.
    var text: String {
        let sign = cents < 0 ? "-" : ""
        let whole = cents.magnitude / 100
        let fraction = cents.magnitude % 100
        return sign + "\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
