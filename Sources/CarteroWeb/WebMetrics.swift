import Cartero
import Hummingbird
import PQ
import Prometheus

/// What an operator watches (`/metrics`, Prometheus' text format): requests by route and
/// status with their latency, and the database errors pages answered, by SQLSTATE class.
/// A route is its pattern (`/casos/{case}`), never the path: no id, no account number.
public final class WebMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Up to 10 s: a page that takes longer is an outage, not a latency.
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
                                      .seconds(10)]

    public init() {}

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

    /// The metrics in Prometheus' text format.
    func exposition() -> String { registry.emitToString() }
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
