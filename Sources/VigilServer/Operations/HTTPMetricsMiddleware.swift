public import Hummingbird

/// Counts and times every HTTP request by route pattern (never the URL, which may name a
/// patient), method and status into ``VigilMetrics``: `vigil_http_requests_total` and
/// `vigil_http_request_duration_seconds`. It sits outside the error middleware, so the status
/// is the one the client got; a request no route matches is `NotFound`.
public struct HTTPMetricsMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext
    let metrics: VigilMetrics

    public init(metrics: VigilMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            route: context.endpointPath ?? "NotFound", method: request.method.rawValue, status: response.status.code,
            duration: ContinuousClock.now - start)
        return response
    }
}
