import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// The link in an e-mail or a text (`/alerts?alert=ID`) opens the alert on the dashboard after
/// signing in, and the sign-in page sends nobody to another site.
@Suite struct NotificationLinkTests {
    @Test func theLinkLeadsThroughSignInToTheAlertMarkedFirst() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await AlertRoutesTests.deteriorate(client, world)
            await harness.settle()
            let id = try #require(try await AlertRoutesTests.alerts(client, world.admin).first?["id"]?.int64Value)
            var browser = DashboardTests.Browser(client: client)
            let bounced = try await browser.send(.get, "/alerts?alert=\(id)")
            #expect(bounced.status == .seeOther && bounced.headers[.location] == "/?next=%2Falerts%3Falert%3D\(id)", "\(bounced.headers)")
            let form = try await browser.send(.get, try #require(bounced.headers[.location]))
            #expect(form.text.contains(#"<input type="hidden" name="next" value="/alerts?alert=\#(id)">"#), "\(form.text)")
            let signedIn = try await browser.send(
                .post, "/signin",
                form: [
                    "username": "nina", "password": "password-of-nina", "csrf": DashboardTests.Browser.csrf(form) ?? "",
                    "next": "/alerts?alert=\(id)",
                ])
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/alerts?alert=\(id)")
            let page = try await browser.send(.get, "/alerts?alert=\(id)")
            #expect(page.text.contains(#"<li class="item high focus" id="alert-\#(id)""#), "\(page.text)")
            // An alert that is not open (or not hers) is said to be so.
            let other = try await browser.send(.get, "/alerts?alert=99999")
            #expect(other.text.contains("Alert 99999 is not open any more, or is not about one of your patients."))
        }
    }

    @Test func nextNeverLeavesTheServer() async throws {
        let harness = try Harness()
        try await harness.run { client in
            _ = try await World.build(client)
            for next in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/alerts\r\nSet-Cookie: x=1", "javascript:alert(1)"] {
                var browser = DashboardTests.Browser(client: client)
                let form = try await browser.send(.get, "/?next=" + URLQuery.escape(next))
                #expect(!form.text.contains(#"name="next""#), "\(next)")
                let signedIn = try await browser.send(
                    .post, "/signin",
                    form: ["username": "nina", "password": "password-of-nina", "csrf": DashboardTests.Browser.csrf(form) ?? "", "next": next])
                #expect(signedIn.headers[.location] == "/board", "\(next): \(signedIn.headers)")
            }
        }
    }
}
