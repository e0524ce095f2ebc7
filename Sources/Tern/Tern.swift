// Tern in one import: a service starts with `import Tern`.
//
// The framework's modules, each also a product of its own for a service that wants only some:
// `TernHTTP` (requests, responses, bodies, HTTP semantics as pure functions), `TernServer` (the
// HTTP/1.1 server on libevent's event loops), `TernRouter`, `TernMiddleware` and `TernJSON`, and
// swift-http-types, whose field names, methods and statuses the API is written in.
// `TernPostgres` (it links libpq) and `TernTesting` stay separate products.
@_exported public import HTTPTypes
@_exported public import TernHTTP
@_exported public import TernJSON
@_exported public import TernMiddleware
@_exported public import TernRouter
@_exported public import TernServer
