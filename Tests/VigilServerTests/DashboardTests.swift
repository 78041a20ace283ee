import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VigilBench
import VigilCore

@testable import VigilServer

/// The dashboard's sign-in, session, CSRF and board page, through the router.
@Suite struct DashboardTests {
    /// A browser: keeps the cookies it was given.
    struct Browser {
        let client: Client
        var cookies: [String: String] = [:]

        mutating func send(_ method: HTTPRequest.Method, _ path: String, form: [String: String]? = nil, headers: HTTPFields = [:]) async throws
            -> Reply
        {
            var headers = headers
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
            var body: String?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = form.map { "\($0.key)=\($0.value.addingFormEncoding)" }.sorted().joined(separator: "&")
            }
            let reply = try await client.request(method, path, body: body, headers: headers)
            for header in reply.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = pair.count > 1 ? String(pair[1]) : ""
                cookies[String(pair[0])] = header.contains("Max-Age=0") ? nil : value
            }
            return reply
        }

        /// The value of the hidden `csrf` field of the page.
        static func csrf(_ page: Reply) -> String? {
            guard let range = page.text.range(of: #"name="csrf" value=""#) else { return nil }
            return String(page.text[range.upperBound...].prefix { $0 != "\"" })
        }

        mutating func signIn(_ username: String, _ password: String) async throws -> Reply {
            let form = try await send(.get, "/")
            return try await send(.post, "/signin", form: ["username": username, "password": password, "csrf": Self.csrf(form) ?? ""])
        }
    }

    @Test func theSignInFormIsTheStartPageWithASafeContentSecurityPolicy() async throws {
        try await Harness().run { client in
            var browser = Browser(client: client)
            let page = try await browser.send(.get, "/")
            #expect(page.status == .ok && page.text.contains(#"<form method="post" action="/signin">"#))
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))
            #expect(!page.text.contains("<script>") && !page.text.contains("style="), "no inline script or style")
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("vigil_signin=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(Browser.csrf(page) == browser.cookies["vigil_signin"])
            for asset in ["/static/vigil.css", "/static/vigil.js"] {
                let reply = try await browser.send(.get, asset)
                #expect(reply.status == .ok && reply.headers[.contentSecurityPolicy] != nil, "\(asset)")
            }
        }
    }

    @Test func signingInNeedsTheFormsTokenAndTheRightPassword() async throws {
        let harness = try Harness()
        try await harness.run { client in
            _ = try await World.build(client)
            var forged = Browser(client: client)
            let noToken = try await forged.send(.post, "/signin", form: ["username": "nina", "password": "password-of-nina", "csrf": "made-up"])
            #expect(noToken.status == .forbidden && forged.cookies["vigil_session"] == nil)
            var browser = Browser(client: client)
            let wrong = try await browser.signIn("nina", "not-her-password")
            #expect(wrong.status == .unauthorized && wrong.text.contains("wrong username or password") && browser.cookies["vigil_session"] == nil)
            let right = try await browser.signIn("nina", "password-of-nina")
            #expect(right.status == .seeOther && right.headers[.location] == "/board")
            let cookie = try #require(right.headers[values: .setCookie].first { $0.hasPrefix("vigil_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"), "Secure only on TLS")
            #expect(try await browser.send(.get, "/").headers[.location] == "/board")
        }
    }

    @Test func theBoardShowsHerPatientsRankedAndNamesAsText() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            // A name with markup, stored through FHIR, and NEWS2 7 for p1.
            try await client.put(
                ["resourceType": "Patient", "name": [["text": "<script>alert('x')</script> Ada"]], "birthDate": "1950-06-01"], id: "p1",
                token: world.admin)
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115, secondsAgo: 120), token: world.devices["d1"]!)
            await harness.settle()
            var doctor = Browser(client: client)
            _ = try await doctor.signIn("doc", "password-of-doc")
            let board = try await doctor.send(.get, "/board")
            #expect(board.status == .ok)
            #expect(board.text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Ada"))
            #expect(!board.text.contains("<script>alert"))
            #expect(board.text.contains("▲ High priority") && board.text.contains("NEWS2</span> <strong>7</strong>"))
            #expect(board.text.contains("2 min ago"))
            // Nora's ward is another: her board has p2 and not p1.
            var nora = Browser(client: client)
            _ = try await nora.signIn("nora", "password-of-nora")
            let hers = try await nora.send(.get, "/board")
            #expect(hers.text.contains("Patient-p2") && !hers.text.contains("Ada"))
        }
    }

    @Test func signingOutNeedsTheSessionsTokenAndEndsTheSession() async throws {
        try await Harness().run { client in
            _ = try await World.build(client)
            var browser = Browser(client: client)
            _ = try await browser.signIn("nina", "password-of-nina")
            let session = try #require(browser.cookies["vigil_session"])
            let board = try await browser.send(.get, "/board")
            let token = try #require(Browser.csrf(board))
            let forged = try await browser.send(.post, "/signout", form: ["csrf": "guess"])
            #expect(forged.status == .forbidden && forged.isOperationOutcome)
            #expect(try await browser.send(.get, "/board").status == .ok)
            let out = try await browser.send(.post, "/signout", form: ["csrf": token])
            #expect(out.status == .seeOther && out.headers[.location] == "/" && browser.cookies["vigil_session"] == nil)
            // The old cookie, replayed, opens nothing.
            var replay = Browser(client: client, cookies: ["vigil_session": session])
            #expect(try await replay.send(.get, "/board").status == .seeOther)
        }
    }

    @Test func anIdleSessionEndsAndThePagesOwnRefreshesDoNotKeepItAlive() async throws {
        let harness = try Harness()
        try await harness.run { client in
            _ = try await World.build(client)
            var browser = Browser(client: client)
            _ = try await browser.signIn("nina", "password-of-nina")
            let session = try #require(browser.cookies["vigil_session"])
            harness.clock.advance(seconds: 600)
            #expect(try await browser.send(.get, "/board").status == .ok)  // she used it: 15 more minutes
            harness.clock.advance(seconds: 600)
            #expect(try await browser.send(.get, "/board", headers: [.vigilRefresh: "1"]).status == .ok)
            harness.clock.advance(seconds: 301)  // 15 min after her last own request
            let expired = try await browser.send(.get, "/board")
            #expect(expired.status == .seeOther && expired.headers[.location] == "/")
            var replay = Browser(client: client, cookies: ["vigil_session": session])
            #expect(try await replay.send(.get, "/board").status == .seeOther)
        }
    }
}

extension DashboardTests {
    @Test func aStreamUpgradeIsFromThisServersPagesOnlyWhenEveryOriginNamesItsHost() {
        func request(_ origin: String?, host: String = "ward.example:8080") -> HTTPRequest {
            var request = HTTPRequest(method: .get, scheme: "http", authority: host, path: "/api/stream")
            if let origin { request.headerFields[.origin] = origin }
            return request
        }
        #expect(StreamUpgrade.sameOrigin(request("https://ward.example:8080")))
        #expect(StreamUpgrade.sameOrigin(request("http://ward.example")))
        #expect(StreamUpgrade.sameOrigin(request("http://[::1]:8080", host: "[::1]:8080")))
        #expect(!StreamUpgrade.sameOrigin(request("https://evil.example")))
        #expect(!StreamUpgrade.sameOrigin(request("https://ward.example.evil.example")))
        #expect(!StreamUpgrade.sameOrigin(request("http://ward.example, https://evil.example")))
        #expect(!StreamUpgrade.sameOrigin(request(nil)))
    }

    @Test func thePagesStreamIsAuthenticatedByTheSessionCookieFromThisOriginOnly() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let world = try await World.build(client)
            var browser = Browser(client: client)
            _ = try await browser.signIn("nina", "password-of-nina")
            let cookie = "vigil_session=\(try #require(browser.cookies["vigil_session"]))"
            let origin = "http://127.0.0.1:\(client.client.port!)"
            let first = #"{"type":"auth","session":true}"#
            let page = client.stream(first: first, headers: [.cookie: cookie, .origin: origin])
            #expect(await page.next { $0["type"] == "ready" } != nil, "\(page.messages.map(\.json.text))")
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115), token: world.devices["d1"]!)
            #expect(await page.next { $0["patient"] == "Patient/p1" } != nil)
            // Another site's page, riding on her cookie, and a stream without a session: refused.
            for headers: HTTPFields in [[.cookie: cookie, .origin: "https://evil.example"], [.origin: origin]] {
                let stream = client.stream(first: first, headers: headers)
                let error = await stream.next { $0["type"] == "error" }
                #expect(error?.json["message"]?.stringValue?.contains("no dashboard session") == true, "\(stream.messages.map(\.json.text))")
            }
            await page.close()
        }
    }
}

extension String {
    /// Percent-encoding for a form field value.
    fileprivate var addingFormEncoding: String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"),
                UInt8(ascii: "_"), UInt8(ascii: "."):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
