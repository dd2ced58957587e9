import Cartero
import Hummingbird
import PQ
import Prometheus

/// What an operator watches (`/metrics`, Prometheus' text format): requests by route and
/// status with their latency, the database errors pages answered, by SQLSTATE class, the
/// connection pool (connections, in use, callers waiting, time spent waiting), letters
/// generated and courier files refused through the web.
/// A route is its pattern (`/casos/{case}`), never the path: no id, no account number.
public final class WebMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The pool whose state is read at each scrape.
    let pool: ConnectionPool?

    public init(pool: ConnectionPool? = nil) {
        self.pool = pool
    }
    /// Up to 10 s: a page that takes longer is an outage, not a latency.
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
                                      .seconds(10)]

    func request(route: String, status: Int, took duration: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "cartero", subsystem: "http", metricName: "requests", unitName: "total",
                                             helpText: "Requests answered, by route pattern and status."),
            labels: [("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "cartero", subsystem: "http", metricName: "request_duration",
                                             unitName: "seconds", helpText: "Time to answer a request, by route pattern."),
            labels: [("route", route)], buckets: Self.buckets
        ).record(duration)
    }

    func databaseError(_ error: PQError) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "cartero", subsystem: "database", metricName: "errors", unitName: "total",
                                             helpText: "Statements or connections that failed under a page, by SQLSTATE class (08: connection, 40: serialization or deadlock, 53: resources, 57: shutdown)."),
            labels: [("class", error.sqlState?.errorClass ?? "none")]
        ).increment()
    }

    func lettersGenerated(_ count: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "cartero", subsystem: "letters", metricName: "generated", unitName: "total",
                                             helpText: "Letters drawn into PDFs by this service (the command line counts its own runs).")
        ).increment(by: Int64(count))
    }

    func importRefused(_ kind: ExtractKind) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "cartero", subsystem: "imports", metricName: "refused", unitName: "total",
                                             helpText: "Files refused whole by this service's imports, by kind."),
            labels: [("kind", kind.rawValue)]
        ).increment()
    }

    /// The metrics in Prometheus' text format: the registry's, then the pool's as it is now.
    func exposition() -> String {
        var text = registry.emitToString()
        if let statistics = pool?.statistics {
            let seconds = Double(statistics.waited.components.seconds) + Double(statistics.waited.components.attoseconds) / 1e18
            for (name, type, help, value) in [
                ("connections", "gauge", "Connections the pool holds, busy or idle.", "\(statistics.connections)"),
                ("connections_in_use", "gauge", "Connections lent to requests at this moment.", "\(statistics.inUse)"),
                ("waiting", "gauge", "Requests waiting for a connection at this moment.", "\(statistics.waiting)"),
                ("checkouts_total", "counter", "Connections lent since the service started.", "\(statistics.checkouts)"),
                ("wait_seconds_total", "counter", "Time requests spent waiting for a connection since the service started.", "\(seconds)"),
            ] {
                text += "# HELP cartero_pool_\(name) \(help)\n# TYPE cartero_pool_\(name) \(type)\ncartero_pool_\(name) \(value)\n"
            }
        }
        return text
    }
}

/// Counts every request once answered, with its route pattern, status and time.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let metrics: WebMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.request(route: context.endpointPath ?? "unmatched", status: response.status.code, took: ContinuousClock.now - start)
        return response
    }
}

/// `GET /metrics` for Prometheus: on the service's own address, which a deployment keeps
/// off the public network (it says how busy each screen is, nothing of any account).
struct MetricsController {
    let metrics: WebMetrics

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        return routes
    }
}
