import HTTPTypes
import TernHTTP

extension HTTPError {
    /// 404 for a path no route matches (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5).
    static func noRoute(matching path: Substring) -> HTTPError {
        HTTPError(.notFound, detail: "no route matches \(path)")
    }

    /// 405 for a known path and another method, with `Allow`
    /// (https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6).
    static func methodNotAllowed(_ method: HTTPRequest.Method, on path: Substring, allow: String) -> HTTPError {
        HTTPError(
            .methodNotAllowed, detail: "the method \(method.rawValue) is not allowed on \(path); allowed: \(allow)",
            headerFields: [.allow: allow])
    }
}
