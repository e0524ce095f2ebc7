import HTTPTypes
import TernHTTP

extension RouteTrie {
    /// Mutable nodes while routes are inserted; validated as they go.
    final class Builder {
        final class Node {
            var constants: [String: Node] = [:]
            var parameter: (name: String, node: Node)?
            var wildcard: Node?
            var catchAll: Node?
            var template: String?
            var handlers: [HTTPRequest.Method: Endpoint] = [:]
            var bodyLimits: [HTTPRequest.Method: Int] = [:]
        }

        private let root = Node()
        private let routes: [Router.Route]

        init(routes: [Router.Route]) {
            self.routes = routes
        }

        func build() throws(RouterError) -> RouteTrie {
            var methods = Set<HTTPRequest.Method>()
            for route in routes {
                try insert(route)
                methods.insert(route.method)
            }
            if methods.contains(.get) { methods.insert(.head) }
            methods.insert(.options)
            return RouteTrie(root: freeze(root), allMethods: RouteTrie.allowValue(methods))
        }

        private func insert(_ route: Router.Route) throws(RouterError) {
            let template = route.template.description
            var node = root
            for segment in route.template.segments {
                switch segment {
                case .constant(let text):
                    node = node.constants[text] ?? { let child = Node(); node.constants[text] = child; return child }()
                case .parameter(let name):
                    if let existing = node.parameter {
                        guard existing.name == name else {
                            throw .conflictingParameterNames(existing.name, name, in: template)
                        }
                        node = existing.node
                    } else {
                        let child = Node()
                        node.parameter = (name, child)
                        node = child
                    }
                case .wildcard:
                    node = node.wildcard ?? { let child = Node(); node.wildcard = child; return child }()
                case .catchAll:
                    node = node.catchAll ?? { let child = Node(); node.catchAll = child; return child }()
                }
            }
            guard node.handlers[route.method] == nil else { throw .duplicateRoute(route.method.rawValue, template) }
            node.template = template
            node.bodyLimits[route.method] = route.bodyLimit
            node.handlers[route.method] =
                route.middleware.isEmpty ? route.endpoint : route.middleware.wrapping(endpoint: route.endpoint)
        }

        private func freeze(_ node: Node) -> RouteTrie.Node {
            let resource = node.template.map { template in
                var methods = Set(node.handlers.keys)
                if methods.contains(.get) { methods.insert(.head) }
                methods.insert(.options)
                return Resource(
                    template: template, handlers: node.handlers, bodyLimits: node.bodyLimits, allow: RouteTrie.allowValue(methods))
            }
            return RouteTrie.Node(
                constants: node.constants.mapValues(freeze),
                parameter: node.parameter.map { ($0.name, freeze($0.node)) },
                wildcard: node.wildcard.map(freeze),
                catchAll: node.catchAll.map(freeze),
                resource: resource)
        }
    }
}
