#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import TernHTTP

/// The route table as an immutable trie of path segments.
final class RouteTrie: Sendable {
    /// One node: its children by kind of segment, and what it answers if a path ends here.
    final class Node: Sendable {
        let constants: [String: Node]
        /// The same children as a list of their bytes when there are few: comparing a dozen
        /// lengths, and the bytes of the segments of the same length, costs less than making
        /// the segment a string and hashing it.
        let fewConstants: [(bytes: [UInt8], node: Node)]?
        let parameter: (name: String, node: Node)?
        let wildcard: Node?
        let catchAll: Node?
        /// Set where a route ends: its template and how each method is answered.
        let resource: Resource?

        func constant(_ segment: UnsafeBufferPointer<UInt8>) -> Node? {
            guard let fewConstants else { return constants[String(decoding: segment, as: UTF8.self)] }
            // Lengths first: most segments that differ differ in length.
            return fewConstants.first { $0.bytes.count == segment.count && $0.bytes.elementsEqual(segment) }?.node
        }

        init(constants: [String: Node], parameter: (name: String, node: Node)?, wildcard: Node?, catchAll: Node?, resource: Resource?) {
            self.constants = constants
            self.fewConstants = constants.count <= 16 ? constants.map { (bytes: Array($0.key.utf8), node: $0.value) } : nil
            self.parameter = parameter
            self.wildcard = wildcard
            self.catchAll = catchAll
            self.resource = resource
        }
    }

    /// A path's routes by method, with HEAD, OPTIONS and 405 answers prepared at build time.
    /// A class: a match hands it on with one reference instead of copying its four.
    final class Resource: Sendable {
        let template: String
        /// A path has a few methods: a list compared in order costs less than hashing one. In
        /// a fixed order, GET first (the method most requests use): a dictionary's order would
        /// change with each process's hash seed, and a lookup's cost with it.
        let handlers: [(method: HTTPRequest.Method, endpoint: Endpoint)]
        /// The content limits of the routes that set their own (most set none).
        let bodyLimits: [(method: HTTPRequest.Method, limit: Int)]
        let allow: String

        init(template: String, handlers: [HTTPRequest.Method: Endpoint], bodyLimits: [HTTPRequest.Method: Int], allow: String) {
            self.template = template
            self.handlers = handlers.map { (method: $0.key, endpoint: $0.value) }
                .sorted { (Self.rank($0.method), $0.method.rawValue) < (Self.rank($1.method), $1.method.rawValue) }
            self.bodyLimits = bodyLimits.map { (method: $0.key, limit: $0.value) }
            self.allow = allow
        }

        /// The content limit of the route for `method`, when it sets one.
        func bodyLimit(for method: HTTPRequest.Method) -> Int? {
            bodyLimits.isEmpty ? nil : bodyLimits.first { $0.method == method }?.limit
        }

        /// Where `method` comes in `handlers`: the methods of reads, then of writes.
        private static func rank(_ method: HTTPRequest.Method) -> Int {
            [HTTPRequest.Method.get, .head, .post, .put, .patch, .delete].firstIndex(of: method) ?? 6
        }

        func handler(for method: HTTPRequest.Method) -> Endpoint? {
            handlers.first { $0.method == method }?.endpoint
        }

        func endpoint(for method: HTTPRequest.Method) -> Endpoint {
            if let handler = handler(for: method) { return handler }
            if method == .head, let get = handler(for: .get) { return .responder(HeadFromGet(get: get)) }
            if method == .options { return .responder(Options(allow: allow)) }
            return .responder(MethodNotAllowed(allow: allow))
        }
    }

    let root: Node
    /// Every method any route answers, for `OPTIONS *`.
    let allMethods: String
    /// The resources of templates without parameters (`/users/me`), ordered by their path's
    /// length, then its bytes: such a path, sent without percent-encoding, is found by a
    /// binary search of byte comparisons instead of being split and walked, and a path that
    /// is not one of them is ruled out without hashing it. The trie prefers constants at
    /// every step, so it would find the same resource.
    private let constantPaths: [ConstantPath]
    /// Bit `n` is set when a constant path is `n` bytes long (up to 63): most other paths
    /// are ruled out by one test.
    private let constantPathLengths: UInt64

    private struct ConstantPath {
        let bytes: [UInt8]
        let resource: Resource

        /// The order of `bytes` and `path`'s bytes: by length, then byte by byte. The paths are
        /// sorted and searched by it.
        func compare(_ path: UnsafeBufferPointer<UInt8>) -> Int {
            if bytes.count != path.count { return bytes.count < path.count ? -1 : 1 }
            if bytes.isEmpty { return 0 }
            return bytes.withUnsafeBufferPointer { Int(memcmp($0.baseAddress!, path.baseAddress!, path.count)) }
        }
    }

    init(root: Node, allMethods: String) {
        self.root = root
        self.allMethods = allMethods
        var paths: [String: Resource] = [:]
        Self.collectConstantPaths(root, path: "", into: &paths)
        constantPaths = paths.map { ConstantPath(bytes: Array($0.key.utf8), resource: $0.value) }
            .sorted { a, b in b.bytes.withUnsafeBufferPointer { a.compare($0) < 0 } }
        constantPathLengths = paths.keys.reduce(0) { mask, path in
            path.utf8.count < 64 ? mask | (1 << UInt64(path.utf8.count)) : mask
        }
    }

    private static func collectConstantPaths(_ node: Node, path: String, into paths: inout [String: Resource]) {
        if let resource = node.resource { paths[path.isEmpty ? "/" : path] = resource }
        for (segment, child) in node.constants { collectConstantPaths(child, path: path + "/" + segment, into: &paths) }
    }

    /// The resource of a parameterless template spelled exactly `path`; nil otherwise (the
    /// trie decides).
    func constantResource(for path: Substring) -> Resource? {
        let length = path.utf8.count
        guard length >= 64 || constantPathLengths & (1 << UInt64(length)) != 0 else { return nil }
        var path = path
        return path.withUTF8 { bytes -> Resource? in
            if let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "%")), bytes.count) != nil { return nil }
            var low = 0
            var high = constantPaths.count
            while low < high {
                let middle = (low + high) / 2
                let order = constantPaths[middle].compare(bytes)
                if order == 0 { return constantPaths[middle].resource }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// The most specific route for `segments`, with the parameters it captured, or `.noRoute`.
    func match(_ segments: some PathSegments) -> RouteMatch {
        var parameters = Parameters()
        guard let node = Self.match(root, segments, segments.first, &parameters) else { return .noRoute }
        return .found(node.resource!, parameters)
    }

    private static func match(_ node: Node, _ segments: some PathSegments, _ position: Int, _ parameters: inout Parameters) -> Node? {
        guard !segments.isEnd(position) else { return node.resource == nil ? nil : node }
        let (segment, next) = segments.segment(at: position)
        if let child = node.constant(segment), let found = match(child, segments, next, &parameters) {
            return found
        }
        guard !segment.isEmpty else { return nil }
        if let (name, child) = node.parameter {
            parameters.append(name: name, value: String(decoding: segment, as: UTF8.self))
            if let found = match(child, segments, next, &parameters) { return found }
            parameters.removeLast()
        }
        if let child = node.wildcard, let found = match(child, segments, next, &parameters) {
            return found
        }
        if let child = node.catchAll, child.resource != nil {
            parameters.append(name: "**", value: segments.rest(from: position))
            return child
        }
        return nil
    }

    /// Methods in the order `Allow` lists them.
    static func allowValue(_ methods: some Sequence<HTTPRequest.Method>) -> String {
        let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]
        let set = Set(methods)
        let known = order.filter(set.contains)
        let others = set.subtracting(order).map(\.rawValue).sorted()
        return (known.map(\.rawValue) + others).joined(separator: ", ")
    }
}
