import Hummingbird
import VigilCore

/// Records in the audit chain every request refused to the account that made it (403): who tried
/// what, from where, and the reason given. Routes audit what they serve; refusals are audited here,
/// once, whichever route refused.
struct RefusalAuditMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let runtime: VigilRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as VigilError where error.code == .forbidden {
            let action: AuditEvent.Action =
                switch request.method {
                case .post: .create
                case .put, .patch: .update
                case .delete: .delete
                default: .read
                }
            try await runtime.audit([
                runtime.auditEvent(
                    context.principal, client: context.clientAddress, action: action, resource: request.uri.path, outcome: .minorFailure,
                    detail: "refused: \(error.message)")
            ])
            throw error
        }
    }
}
