import Foundation
import HTTPTypes
import TernHTTP
import TernJSON
import TernRouter

/// `/users` and `/users/{id}` (docs/demo-api.md, "Users").
///
/// Reads declare `ETag` (from the row's version) and `Last-Modified`; `ConditionalGET` turns
/// them into 304/412. Writes check `If-Match` / `If-Unmodified-Since` inside the store's
/// transaction, against the row as it is then, so a failed precondition changes nothing.
struct UserRoutes: Sendable {
    let store: any UserStore
    /// A user's body is rendered once per version: its tag is `"<id>-<version>"`, and every
    /// change of what the body shows bumps the version.
    let bodies = RenderedBodies()

    static let representations: [Representation<UserBody>] = [.json, .xml(root: "user")]
    static let pageRepresentations: [Representation<Page<UserBody>>] = [.json, .xml(root: "users")]
    /// Clients may keep a copy but must revalidate it (RFC 9111 section 5.2.2.4).
    static let cacheControl = "no-cache"
    /// A user's fields besides its validators, made once: a field made per response is
    /// checked by swift-http-types each time.
    static let cacheFields: HTTPFields = [.cacheControl: cacheControl]

    func register(in routes: RouteGroup) {
        routes.get("/users") { request, _ in try await list(request) }
        routes.post("/users") { request, _ in try await create(request) }
        routes.get("/users/{id}") { request, context in try await show(request, id: try Self.id(context)) }
        routes.put("/users/{id}") { request, context in
            let input = try await request.decode(UserInput.self)
            return try await update(request, id: try Self.id(context)) { _ in input.fields }
        }
        routes.patch("/users/{id}") { request, context in
            let patch = try await request.decode(UserPatch.self, contentTypes: [.mergePatchJSON, .json])
            return try await update(request, id: try Self.id(context)) { user in
                patch.applied(to: UserFields(name: user.name, email: user.email))
            }
        }
        routes.delete("/users/{id}") { request, context in try await delete(request, id: try Self.id(context)) }
    }

    private func list(_ request: Request) async throws -> Response {
        let page = try request.pageRequest()
        let after = try page.cursor.map { cursor throws(HTTPError) in
            guard let id = Int64(cursor.position) else { throw HTTPError(.badRequest, detail: "the cursor is not valid") }
            return id
        }
        let listing = try await store.users(afterID: after, limit: page.limit + 1)
        let body = Page(items: listing.users.map(UserBody.init), limit: page.limit) { PageCursor(position: String($0.id)) }
        var fields = body.linkFields(for: request)
        fields.append(contentsOf: Self.cacheFields)
        return try Response(
            negotiating: body, for: request, representations: Self.pageRepresentations,
            lastModified: HTTPDate(secondsSince1970: listing.changedAt), headerFields: fields)
    }

    /// A user in memory is answered without a suspension; the store is awaited otherwise.
    private func show(_ request: Request, id: Int64) async throws -> Response {
        let found: User?
        switch store.userInMemory(id: id) {
        case .user(let user): found = user
        case .deleted: found = nil
        case .unknown: found = try await store.user(id: id)
        }
        guard let user = found else { throw Self.notFound(id) }
        return try respond(with: user, to: request)
    }

    private func create(_ request: Request) async throws -> Response {
        let input = try await request.decode(UserInput.self)
        do {
            let user = try await store.create(name: input.name, email: input.email, at: Self.now())
            var response = try respond(with: user, to: request, status: .created)
            response.headerFields[.location] = "/users/\(user.id)"
            return response
        } catch UserStoreError.emailTaken {
            throw Self.emailTaken
        }
    }

    private func update(_ request: Request, id: Int64, _ change: @escaping @Sendable (User) -> UserFields) async throws -> Response {
        do {
            let updated = try await store.update(id: id, at: Self.now()) { user in
                try Self.checkPreconditions(request, user)
                return change(user)
            }
            guard let updated else { throw Self.notFound(id) }
            return try respond(with: updated, to: request)
        } catch UserStoreError.emailTaken {
            throw Self.emailTaken
        }
    }

    private func delete(_ request: Request, id: Int64) async throws -> Response {
        let deleted = try await store.delete(id: id, at: Self.now()) { user in try Self.checkPreconditions(request, user) }
        guard deleted else { throw Self.notFound(id) }
        return .noContent()
    }

    /// The user in the negotiated representation, with its validators.
    private func respond(with user: User, to request: Request, status: HTTPResponse.Status = .ok) throws -> Response {
        try Response(
            negotiating: UserBody(user), for: request, representations: Self.representations, status: status,
            entityTag: user.entityTag, lastModified: user.lastModified, headerFields: Self.cacheFields, reusing: bodies)
    }

    /// `If-Match` (strong comparison, against the tag of any representation) and
    /// `If-Unmodified-Since`, in RFC 9110 section 13.2.2's order; 412 when one fails.
    static func checkPreconditions(_ request: Request, _ user: User) throws(HTTPError) {
        let holds = representations.entityTags(for: user.entityTag).contains { tag in
            Preconditions.evaluate(method: request.method, fields: request.headerFields, entityTag: tag, lastModified: user.lastModified)
                != .preconditionFailed
        }
        guard holds else {
            throw HTTPError(.preconditionFailed, detail: "the user has changed since the version the request names; fetch it again")
        }
    }

    /// The `{id}` parameter; a non-numeric id names no user: 404.
    static func id(_ context: RequestContext) throws(HTTPError) -> Int64 {
        guard let text = context.parameters["id"], let id = Int64(text), id > 0 else {
            throw HTTPError(.notFound, detail: "no such user")
        }
        return id
    }

    static func notFound(_ id: Int64) -> HTTPError {
        HTTPError(.notFound, detail: "no user \(id)")
    }

    static let emailTaken = HTTPError(.conflict, detail: "another user has this email")

    static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }
}
