import HTTPTypes
import Testing
import TernHTTP
import TernRouter
import TernTesting

/// Adjacent `SynchronousMiddleware` run as one step of the chain; each case is run twice, folded
/// and with every middleware hidden behind a plain `Middleware` (one nested call each), and
/// must go the same way.
@Suite("Synchronous middleware")
struct SynchronousMiddlewareTests {
    /// What each middleware and the handler did, in order.
    final class Journal: Sendable {
        let entries = Locked([String]())
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    struct Failure: Error {}

    /// What a step does in its `begin`.
    enum Begin: Sendable {
        case goOn
        case answer
        case fail
    }

    struct Step: SynchronousMiddleware {
        let name: String
        var begin: Begin = .goOn
        /// Whether `end` renders a failure into a response (as an error middleware does).
        var renders = false
        let journal: Journal

        func begin(_ request: Request, context: inout RequestContext) throws -> Response? {
            journal.add("begin \(name)")
            switch begin {
            case .goOn: return nil
            case .answer: return Response(status: .accepted, body: .string("answered by \(name)"))
            case .fail: throw Failure()
            }
        }

        func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
            throws -> Response
        {
            let result = outcome
            switch result {
            case .success(let response): journal.add("end \(name) \(response.status.code)")
            case .failure: journal.add("end \(name) failure")
            }
            if renders, case .failure = result { return Response(status: .serviceUnavailable) }
            return try result.get()
        }
    }

    /// An awaiting middleware, which splits a run.
    struct Await: Middleware {
        let journal: Journal

        func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
            journal.add("await in")
            await Task.yield()
            do {
                let response = try await next.respond(to: request, context: context)
                journal.add("await out \(response.status.code)")
                return response
            } catch {
                journal.add("await out failure")
                throw error
            }
        }
    }

    /// `middleware` behind a plain `Middleware`, so the chain calls its `handle`.
    struct Nested: Middleware {
        let middleware: any Middleware

        func handle(_ request: Request, context: RequestContext, next: any Responder) async throws -> Response {
            try await middleware.handle(request, context: context, next: next)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        /// How each of the five steps a, b, (await), d, e begins; which end renders failures.
        var begins: [String: Begin] = [:]
        var renders: Set<String> = []
        var handlerFails = false
    }

    static let cases: [Case] = [
        Case(testDescription: "every step goes on"),
        Case(testDescription: "b answers", begins: ["b": .answer]),
        Case(testDescription: "e answers", begins: ["e": .answer]),
        Case(testDescription: "d fails in begin", begins: ["d": .fail]),
        Case(testDescription: "a fails in begin", begins: ["a": .fail]),
        Case(testDescription: "the handler fails", handlerFails: true),
        Case(testDescription: "the handler fails, d renders", renders: ["d"], handlerFails: true),
        Case(testDescription: "e fails in begin, b renders", begins: ["e": .fail], renders: ["b"]),
    ]

    /// The journal and the status of one request through a, b, await, d, e and the handler.
    static func run(_ testCase: Case, folded: Bool) async throws -> (journal: [String], status: Int?) {
        let journal = Journal()
        let router = Router()
        for name in ["a", "b", "await", "d", "e"] {
            let middleware: any Middleware =
                name == "await"
                ? Await(journal: journal)
                : Step(name: name, begin: testCase.begins[name] ?? .goOn, renders: testCase.renders.contains(name), journal: journal)
            router.use(folded ? middleware : Nested(middleware: middleware))
        }
        router.get("/x", handler(testCase, journal))
        let status = await status(try router.build())
        return (journal.all, status)
    }

    /// The route's handler: notes that it ran, and fails when the case says so.
    static func handler(_ testCase: Case, _ journal: Journal) -> @Sendable (Request, RequestContext) async throws -> Response {
        { _, _ in
            journal.add("handler")
            if testCase.handlerFails { throw Failure() }
            return Response(status: .ok)
        }
    }

    /// The status of `GET /x`, nil when it throws.
    static func status(_ responder: RouterResponder) async -> Int? {
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "t", path: "/x"))
        return try? await responder.respond(to: request, context: RequestContext(logger: .init(label: "test"))).status.code
    }

    /// The journal and the status of one request through a and b (the router's) and d and e
    /// (the route's group's), with no awaiting middleware: folded, the router's run performs
    /// the group's around its handler.
    static func runGrouped(_ testCase: Case, folded: Bool) async throws -> (journal: [String], status: Int?) {
        let journal = Journal()
        let router = Router()
        func step(_ name: String) -> any Middleware {
            let step = Step(name: name, begin: testCase.begins[name] ?? .goOn, renders: testCase.renders.contains(name), journal: journal)
            return folded ? step : Nested(middleware: step)
        }
        router.use(step("a"))
        router.use(step("b"))
        router.group("/", middleware: [step("d"), step("e")]) { group in group.get("/x", handler(testCase, journal)) }
        let status = await status(try router.build())
        return (journal.all, status)
    }

    /// Each case through the router's middleware alone (with an awaiting one among them), and
    /// through the router's and a group's (all synchronous).
    @Test(arguments: cases, [false, true])
    func aFoldedRunGoesAsNestedCallsDo(_ testCase: Case, grouped: Bool) async throws {
        let run = grouped ? Self.runGrouped : Self.run
        let folded = try await run(testCase, true)
        let nested = try await run(testCase, false)
        #expect(folded.journal == nested.journal)
        #expect(folded.status == nested.status)
    }

    @Test func aGroupsRunGoesBetweenTheRoutersBeginsAndEnds() async throws {
        let (journal, status) = try await Self.runGrouped(Case(testDescription: "every step goes on"), folded: true)
        #expect(status == 200)
        #expect(journal == ["begin a", "begin b", "begin d", "begin e", "handler", "end e 200", "end d 200", "end b 200", "end a 200"])
    }

    /// The router's middleware awaits (its first run ends at the awaiting one) and the route's
    /// group is a run: the awaiting middleware and the run after it still go between the two.
    @Test func aGroupBehindAnAwaitingMiddlewareRunsAfterIt() async throws {
        let journal = Journal()
        let router = Router()
        router.use(Step(name: "a", journal: journal))
        router.use(Await(journal: journal))
        router.use(Step(name: "c", journal: journal))
        router.group("/", middleware: [Step(name: "d", journal: journal)]) { group in
            group.get("/x", Self.handler(Case(testDescription: "every step goes on"), journal))
        }
        #expect(await Self.status(try router.build()) == 200)
        #expect(journal.all == ["begin a", "await in", "begin c", "begin d", "handler", "end d 200", "end c 200", "await out 200", "end a 200"])
    }

    @Test func theOrderOfBeginsAndEnds() async throws {
        let (journal, status) = try await Self.run(Case(testDescription: "every step goes on"), folded: true)
        #expect(status == 200)
        #expect(journal == [
            "begin a", "begin b", "await in", "begin d", "begin e", "handler",
            "end e 200", "end d 200", "await out 200", "end b 200", "end a 200",
        ])
    }

    @Test func anAnswerInBeginSkipsWhatFollowsAndItsOwnEnd() async throws {
        let (journal, status) = try await Self.run(Case(testDescription: "b answers", begins: ["b": .answer]), folded: true)
        #expect(status == 202)
        #expect(journal == ["begin a", "begin b", "end a 202"])
    }

    @Test func aFailureReachesTheEndsOutsideIt() async throws {
        let (journal, status) = try await Self.run(Case(testDescription: "e fails, b renders", begins: ["e": .fail], renders: ["b"]), folded: true)
        #expect(status == 503)
        #expect(journal == [
            "begin a", "begin b", "await in", "begin d", "begin e",
            "end d failure", "await out failure", "end b failure", "end a 503",
        ])
    }

    enum Seen: ContextKey { typealias Value = String }

    /// Stores its name in `begin`; its `end` adds what it sees to a response header.
    struct Mark: SynchronousMiddleware {
        let name: String

        func begin(_ request: Request, context: inout RequestContext) -> Response? {
            context.storage[Seen.self] = (context.storage[Seen.self].map { $0 + "," } ?? "") + name
            return nil
        }

        func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
            throws -> Response
        {
            var response = try outcome.get()
            response.headerFields.append(HTTPField(name: HTTPField.Name("X-Seen")!, value: "\(name): \(context.storage[Seen.self] ?? "")"))
            return response
        }
    }

    @Test func theContextOfBeginsReachesTheHandlerAndTheEnds() async throws {
        let router = Router()
        router.use(Mark(name: "outer"))
        router.use(Mark(name: "inner"))
        router.get("/x") { _, context in Response(status: .ok, body: .string(context.storage[Seen.self] ?? "")) }
        try await router.build().test { client in
            let response = try await client.get("/x")
            #expect(response.text == "outer,inner")
            #expect(response.fields("x-seen") == ["inner: outer,inner", "outer: outer,inner"])
        }
    }

    /// A group's middleware change a copy of the context, as a call of their own would: the
    /// router's middleware do not see those changes on the way out.
    @Test func aGroupsContextChangesStayWithTheGroup() async throws {
        let router = Router()
        router.use(Mark(name: "outer"))
        router.group("/", middleware: [Mark(name: "inner")]) { group in
            group.get("/x") { _, context in Response(status: .ok, body: .string(context.storage[Seen.self] ?? "")) }
        }
        try await router.build().test { client in
            let response = try await client.get("/x")
            #expect(response.text == "outer,inner")
            #expect(response.fields("x-seen") == ["inner: outer,inner", "outer: outer"])
        }
    }
}
