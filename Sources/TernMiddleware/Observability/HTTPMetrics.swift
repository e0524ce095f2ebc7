public import CoreMetrics
import HTTPTypes
public import TernHTTP

/// Request metrics through swift-metrics, named as Prometheus expects:
/// `http_requests_total{method,route,status}` (counter),
/// `http_request_duration_seconds{method,route}` (a timer, which a Prometheus backend
/// exposes as a histogram) and `http_requests_in_flight` (a gauge).
///
/// `route` is the matched route template (`/users/{id}`), never the raw path, and
/// `unmatched` for requests no route took, so the number of series stays bounded whatever
/// clients send. Register it first (outermost), so 404s, 405s and errors are counted with
/// the status the client got.
public struct HTTPMetrics: SynchronousMiddleware {
    /// The `route` label of requests no route matched.
    public static let unmatchedRoute = "unmatched"

    private let factory: any MetricsFactory
    private let inFlight: Meter
    private let handles: Handles

    /// Metrics reported to `factory` (by default, the bootstrapped one).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        self.inFlight = Meter(label: "http_requests_in_flight", factory: factory)
        self.handles = Handles()
    }

    public func begin(_ request: Request, context: inout RequestContext) -> Response? {
        inFlight.increment()
        return nil
    }

    public func end(_ outcome: consuming Result<Response, any Error>, to request: Request, context: RequestContext, started: ContinuousClock.Instant)
        -> Response
    {
        inFlight.decrement()
        let response = outcome.rendered(for: request, context: context)
        let route = context.route ?? Self.unmatchedRoute
        let (counter, timer) = handles.metrics(method: request.method, route: route, status: response.statusCode, factory: factory)
        counter.increment()
        let elapsed = ContinuousClock.now - started
        timer.recordNanoseconds(elapsed.wholeNanoseconds)
        return response
    }

    /// Metric objects by their labels, made once: a bounded table, since routes, methods and
    /// statuses are. Keyed by the label values themselves, so a lookup allocates nothing, and
    /// a route's timer and its counters by status sit under one key: one lock and one hash of
    /// the method and route a lookup, which a thread makes only when the labels differ from
    /// its last request's.
    final class Handles: Sendable {
        private struct Key: Hashable {
            let method: HTTPRequest.Method
            let route: String

            // Hashed by the route alone: a route's few methods are told apart by `==`, and a
            // second string hashed on every request costs more than that comparison.
            func hash(into hasher: inout Hasher) { hasher.combine(route) }
        }

        private struct Series {
            let timer: Timer
            /// A route answers with a handful of codes: a scan finds one for less than a hash.
            var counters: [(status: Int, counter: Counter)]

            func counter(for status: Int) -> Counter? {
                counters.first { $0.status == status }?.counter
            }
        }

        private let series = Locked<[Key: Series]>([:])

        /// What a thread looked up last. A route's requests come again and again, and comparing
        /// their labels with the last ones costs less than the lock and a hash of the route.
        /// The handles are made once and never replaced, so a remembered pair stays right.
        private final class Last {
            // Held strongly, so that no other table can take its place at the same address.
            var handles: Handles?
            var method = HTTPRequest.Method.get
            var route = ""
            var status = 0
            var found: (Counter, Timer)?
        }

        private static let last = ThreadSlot()

        /// The request counter of `method`, `route` and `status`, and the duration timer of
        /// `method` and `route`.
        func metrics(method: HTTPRequest.Method, route: String, status: Int, factory: any MetricsFactory) -> (Counter, Timer) {
            let last = Self.last.object(orMake: Last.init)
            if last.handles === self, let found = last.found, last.status == status, last.route == route, last.method == method {
                return found
            }
            let found = lookUp(method: method, route: route, status: status, factory: factory)
            (last.handles, last.method, last.route, last.status, last.found) = (self, method, route, status, found)
            return found
        }

        private func lookUp(method: HTTPRequest.Method, route: String, status: Int, factory: any MetricsFactory) -> (Counter, Timer) {
            series.withLock { series in
                let key = Key(method: method, route: route)
                if let found = series[key], let counter = found.counter(for: status) { return (counter, found.timer) }
                let timer =
                    series[key]?.timer
                    ?? Timer(label: "http_request_duration_seconds", dimensions: [("method", method.rawValue), ("route", route)], factory: factory)
                let counter = Counter(
                    label: "http_requests_total", dimensions: [("method", method.rawValue), ("route", route), ("status", String(status))],
                    factory: factory)
                series[key, default: Series(timer: timer, counters: [])].counters.append((status, counter))
                return (counter, timer)
            }
        }
    }
}
