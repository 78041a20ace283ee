import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import VigilCore

/// Renders the dashboard's pages from ``DashboardTemplates`` into responses with the headers
/// every page carries: a Content Security Policy without inline script or style, no caching, no
/// framing, no referrer.
enum DashboardPages {
    static let library: MustacheLibrary = {
        do {
            return MustacheLibrary(templates: try DashboardTemplates.all.mapValues { try MustacheTemplate(string: $0) })
        } catch {
            fatalError("a dashboard template does not compile: \(error)")
        }
    }()

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The headers of every dashboard page and asset.
    static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType, .contentSecurityPolicy: contentSecurityPolicy, .cacheControl: "no-store",
            .xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer", .xFrameOptions: "DENY",
        ]
    }

    /// `template` with `values`, inside the layout.
    static func page(
        _ template: String, title: String, values: [String: Any], user: UserAccount? = nil, csrf: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let content = library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "page": template, "content": content]
        if let user {
            layout["user"] = [
                "name": user.username, "role": user.role.rawValue, "csrf": csrf ?? "", "school": user.role.seesPupils,
                "clinical": user.role.isClinicalViewer, "population": user.role == .admin || user.role == .publicHealth,
            ]
        }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(status: status, headers: headers(contentType: "text/html; charset=utf-8"), body: .init(byteBuffer: .init(string: html)))
    }

    /// A 303 to `location` (after a form).
    static func seeOther(_ location: String) -> Response {
        var response = Response(status: .seeOther, headers: headers(contentType: "text/plain; charset=utf-8"))
        response.headers[.location] = location
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
