import Hummingbird
import VigilCore

/// `POST /api/exposures` (public health only; a `reason` is required and audited as the purpose
/// of use): the people who were near the index for long enough in the window, with when and where,
/// and source tracing: the places the index was, and the other cases (patients sharing a
/// condition) who were there (``VigilRuntime/traceExposures(_:by:client:)``).
struct ExposureRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/api/exposures") { request, context in
                // Refused before the body is read.
                let principal = try VigilRuntime.requireTracer(context.principal)
                let asked = try ExposureRequest(try await FHIRJSON.body(of: request, maxBytes: 16 << 10))
                let found = try await runtime.traceExposures(asked, by: principal, client: context.clientAddress)
                return FHIRJSON.response(found.json(asked), mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }
}
