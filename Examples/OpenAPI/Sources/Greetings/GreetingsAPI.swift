import OpenAPIRuntime
import Tern
import TernOpenAPI

/// The operations of `openapi.yaml`, written against the protocol swift-openapi-generator made
/// from it (`APIProtocol`).
public struct GreetingsAPI: APIProtocol {
    public init() {}

    public func getGreeting(_ input: Operations.getGreeting.Input) async throws -> Operations.getGreeting.Output {
        let message = "Hello, \(input.path.name)!"
        return .ok(.init(body: .json(.init(message: input.query.style == .loud ? message.uppercased() : message))))
    }

    public func createGreeting(_ input: Operations.createGreeting.Input) async throws -> Operations.createGreeting.Output {
        guard case .json(let new) = input.body else { throw HTTPError(.unsupportedMediaType, detail: "JSON only") }
        guard new.times <= 10 else { return .unprocessableContent(.init(body: .json(.init(reason: "at most 10 times")))) }
        return .created(.init(body: .json(.init(message: Array(repeating: "Hello, \(new.name)!", count: new.times).joined(separator: " ")))))
    }

    /// The API on a Tern router (under `/api`, the document's server), behind Tern's middleware.
    public static func application() throws -> any Responder {
        let router = Router()
        router.use(RequestID())
        router.use(ErrorMiddleware())
        try GreetingsAPI().registerHandlers(on: router, serverURL: try Servers.Server1.url())
        return try router.build()
    }
}
