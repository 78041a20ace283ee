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
                body = form.map { "\($0.key)=\(URLQuery.escape($0.value))" }.sorted().joined(separator: "&")
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
            for asset in ["/static/vigil.css", "/static/vigil.js", "/static/favicon.svg", "/favicon.ico"] {
                let reply = try await browser.send(.get, asset)
                #expect(reply.status == .ok && reply.headers[.contentSecurityPolicy] != nil, "\(asset)")
            }
            #expect(page.text.contains(#"<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"#))
            #expect(try await browser.send(.get, "/favicon.ico").headers[.contentType] == "image/svg+xml")
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
                client.vitals(from: 20, respiratoryRate: 18, spo2: 96, systolic: 118, heartRate: 88, secondsAgo: 1200), token: world.devices["d1"]!)
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115, secondsAgo: 120)
                    + [client.reading(40, code: "8462-4", value: 68, unit: "mm[Hg]", secondsAgo: 120)], token: world.devices["d1"]!)
            await harness.settle()
            var doctor = Browser(client: client)
            _ = try await doctor.signIn("doc", "password-of-doc")
            let board = try await doctor.send(.get, "/board")
            #expect(board.status == .ok)
            #expect(board.text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Ada"))
            #expect(!board.text.contains("<script>alert"))
            #expect(board.text.contains("▲ High priority") && board.text.contains("NEWS2</span> <strong>7</strong>"))
            #expect(board.text.contains("2 min ago"))
            // Blood pressure as one value, systolic first; values outside the normal range say so in words and colour.
            #expect(board.text.contains(#"<span class="label">BP</span> <span class="value">105/68</span>"#), "\(board.text)")
            #expect(!board.text.contains("Sys BP") && !board.text.contains("Dia BP"))
            #expect(
                board.text.contains(#"<span class="flag severe" title="3 points on the early-warning score: above the normal range">high 3</span>"#))
            #expect(
                board.text.contains(#"<span class="flag moderate" title="1 point on the early-warning score: below the normal range">low 1</span>"#))
            #expect(board.text.contains(#"<li class="vital severe">"#))
            // Updated in the site's time zone, to the second, not an ISO instant.
            #expect(
                board.text.contains(
                    "Updated \(SiteTime.current.clock(client.clock.now(), seconds: true)) \(SiteTime.current.zoneName(at: client.clock.now()))."))
            #expect(board.text.contains(#"<svg class="spark" viewBox="0 0 80 20" aria-hidden="true"><polyline points=""#), "sparklines")
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
            #expect(expired.status == .seeOther && expired.headers[.location] == "/?next=%2Fboard", "back to the board after signing in")
            var replay = Browser(client: client, cookies: ["vigil_session": session])
            #expect(try await replay.send(.get, "/board").status == .seeOther)
        }
    }
}

extension DashboardTests {
    @Test func thePatientPageShowsTheRecordWithTreatmentsOnTheReadingsTimeAxisAndSpecialtyViews() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let subject: JSON = ["reference": "Patient/p1"]
            try await client.put(
                [
                    "resourceType": "DiagnosticReport", "status": "final", "subject": subject, "effectiveDateTime": "2026-03-01T06:00:00Z",
                    "code": ["text": "Blood culture"], "conclusion": "E. coli <growing>",
                ], id: "r1", token: world.admin)
            try await client.put(
                [
                    "resourceType": "Endpoint", "status": "active", "name": "PACS", "address": "https://pacs.example/dicom-web",
                    "connectionType": ["system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "code": "dicom-wado-rs"],
                    "payloadType": [["text": "DICOM"]],
                ], id: "pacs", token: world.admin)
            try await client.put(
                [
                    "resourceType": "ImagingStudy", "status": "available", "subject": subject, "started": "2026-03-01T05:00:00Z",
                    "modality": [["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CR"]], "description": "Chest X-ray",
                    "numberOfSeries": 1, "numberOfInstances": 2, "endpoint": [["reference": "Endpoint/pacs", "display": "PACS ward A"]],
                ], id: "i1", token: world.admin)
            try await client.put(
                [
                    "resourceType": "MedicationStatement", "status": "active", "subject": subject,
                    "medicationCodeableConcept": ["text": "Piperacillin-tazobactam 4.5 g IV"], "effectivePeriod": ["start": "2026-03-01T07:00:00Z"],
                ], id: "m1", token: world.admin)
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115, secondsAgo: 1800), token: world.devices["d1"]!)
            _ = try await client.ingest(
                client.vitals(from: 10, respiratoryRate: 20, spo2: 96, systolic: 115, heartRate: 95, secondsAgo: 60), token: world.devices["d1"]!)
            await harness.settle()
            var doc = Browser(client: client)
            _ = try await doc.signIn("doc", "password-of-doc")
            let page = try await doc.send(.get, "/patients/p1")
            #expect(page.status == .ok)
            #expect(page.text.contains("Blood culture") && page.text.contains("E. coli &lt;growing&gt;"))
            #expect(page.text.contains("<strong>CR</strong> Chest X-ray: 1 series, 2 images, at PACS ward A"))
            #expect(page.text.contains("Piperacillin-tazobactam 4.5 g IV"))
            #expect(page.text.contains(#"<rect class="treatment""#), "the treatment is marked on the charts")
            // Record dates in the site's time zone, not ISO instants; the systolic chart says so.
            let reported = FHIRDateTime("2026-03-01T06:00:00Z")!.lowerBound
            #expect(
                page.text.contains("<span class=\"when\">\(SiteTime.current.moment(reported, now: client.clock.now()))</span> <strong>Blood culture"))
            #expect(!page.text.contains("2026-03-01T06:00:00Z"))
            #expect(page.text.contains("<figcaption>Systolic BP"))
            #expect(page.text.contains(#"<line class="marker high""#), "the NEWS2 alert is marked")
            #expect(page.text.contains("<figcaption>HR") && page.text.contains("<figcaption>SpO2") && page.text.contains("<figcaption>NEWS2"))
            #expect(page.text.contains("d1") && page.text.contains(#"Doctor (care team), <span class="missing">no phone on record</span>"#))
            let cardiology = try await doc.send(.get, "/patients/p1?view=cardiology&hours=6")
            #expect(cardiology.text.contains("<figcaption>HR") && !cardiology.text.contains("<figcaption>SpO2"))
            #expect(cardiology.text.contains("Cardiology, last 6 h"))
            // Another ward's nurse, editing the URL: not found, and audited.
            var nora = Browser(client: client)
            _ = try await nora.signIn("nora", "password-of-nora")
            let refused = try await nora.send(.get, "/patients/p1")
            #expect(refused.status == .notFound && !refused.text.contains("Blood culture"))
        }
    }

    @Test func aPatientOneMayNotSeeIsANotFoundPageInTheBrowser() async throws {
        try await Harness().run { client in
            _ = try await World.build(client)
            var nina = Browser(client: client)
            _ = try await nina.signIn("nina", "password-of-nina")
            let html: HTTPFields = [.accept: "text/html,application/xhtml+xml"]
            for path in ["/patients/p2", "/patients/nobody", "/nothing-here"] {
                let page = try await nina.send(.get, path, headers: html)
                #expect(page.status == .notFound, "\(path)")
                #expect(
                    page.headers[.contentType]?.hasPrefix("text/html") == true && page.text.contains("<h1>Not found</h1>"), "\(path): \(page.text)")
            }
            #expect(
                try await nina.send(.get, "/patients/p2", headers: html).text
                    == (try await nina.send(.get, "/patients/nobody", headers: html)).text.replacingOccurrences(of: "nobody", with: "p2"),
                "not allowed reads as does not exist")
            let api = try await client.get("/fhir/Patient/p2", token: try await client.token("nina", "password-of-nina"))
            #expect(api.isOperationOutcome, "the API answers in FHIR whatever it accepts")
        }
    }

    @Test func onlyThoseWithPupilsAreOfferedThePupilsPage() async throws {
        try await Harness().run { client in
            _ = try await World.build(client)
            for (user, offered) in [("nina", false), ("doc", false), ("sally", true), ("pat", true)] {
                var browser = Browser(client: client)
                _ = try await browser.signIn(user, "password-of-\(user)")
                let page = try await browser.send(.get, "/alerts")
                #expect(page.status == .ok)
                #expect(page.text.contains(#"href="/school""#) == offered, "\(user)")
                let school = try await browser.send(.get, "/school")
                #expect(offered ? school.status == .ok : school.status == .seeOther, "\(user): \(school.status)")
            }
        }
    }

    @Test func theSchoolNurseSeesHerPupilsGlucoseTrendPeakFlowZonePlansAndWhoToCall() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await client.put(
                [
                    "resourceType": "RelatedPerson", "patient": ["reference": "Patient/c1"], "name": [["text": "Kirsten Jensen"]],
                    "telecom": [["system": "phone", "value": "+45 20 30 40 50"]],
                ], id: "parent1", token: world.admin)
            try await client.put(
                [
                    "resourceType": "CarePlan", "status": "active", "intent": "plan", "subject": ["reference": "Patient/c1"],
                    "title": "Asthma action plan", "description": "Red zone: 10 puffs of salbutamol, call 112.",
                    "activity": [
                        ["detail": ["status": "not-started", "description": "Sit Mia upright and stay with her"]],
                        ["detail": ["status": "not-started", "code": ["text": "Salbutamol 10 puffs through the spacer"]]],
                    ],
                    "extension": [["url": "urn:vigil:fhir:peak-flow-best", "valueQuantity": ["value": 300, "unit": "L/min"]]],
                ], id: "plan-c1", token: world.admin)
            try await client.put(
                [
                    "resourceType": "Device", "status": "active",
                    "patient": [
                        "reference": "Patient/c1",
                        "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": "2026-02-01T00:00:00Z"]],
                    ],
                ], id: "d3", token: world.admin)
            let device = try await client.deviceToken("d3", admin: world.admin)
            // A second pupil, first by name, in range and without alerts.
            try await client.put(
                ["resourceType": "Patient", "name": [["text": "Aaron Able"]], "birthDate": "2016-05-01"], id: "c2", token: world.admin)
            try await client.put(
                [
                    "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Patient/c2"],
                    "participant": [["member": ["reference": "Practitioner/sn1"]]],
                ], id: "tc2", token: world.admin)
            _ = try await client.ingest(
                [
                    client.reading(1, code: "99504-3", value: 160, unit: "mg/dL", secondsAgo: 600),
                    client.reading(2, code: "99504-3", value: 140, unit: "mg/dL", secondsAgo: 300),
                    client.reading(3, code: "99504-3", value: 120, unit: "mg/dL"),
                    client.reading(4, code: "19935-6", value: 140, unit: "L/min"),
                ], token: device)
            await harness.settle()
            var sally = Browser(client: client)
            #expect(try await sally.signIn("sally", "password-of-sally").headers[.location] == "/school", "her home is her pupils")
            let page = try await sally.send(.get, "/school")
            #expect(page.status == .ok && page.text.contains("Patient-c1") && !page.text.contains("Patient-p1"))
            #expect(page.text.contains("Glucose <strong>120 mg/dL ⇊</strong>"), "4 mg/dL per minute: falling fast")
            #expect(page.text.contains(#"Peak flow <strong>140 L/min</strong>: <span class="zone">red zone</span> (47 % of best)"#))
            #expect(page.text.contains("Asthma action plan") && page.text.contains("call 112"))
            #expect(page.text.contains(#"Kirsten Jensen (family), <a href="tel:+4520304050">+45 20 30 40 50</a>"#), "\(page.text)")
            #expect(page.text.contains("▲ Peak flow 140 L/min: red zone"), "the open peak-flow alert")
            // The child in the red zone comes first, set apart from those who are well.
            let urgent = try #require(page.text.range(of: "Needs attention"))
            let well = try #require(page.text.range(of: "All well"))
            let mia = try #require(page.text.range(of: "Patient-c1"))
            let aaron = try #require(page.text.range(of: "Aaron Able"))
            #expect(urgent.upperBound < mia.lowerBound && mia.upperBound < well.lowerBound && well.upperBound < aaron.lowerBound)
            // The action plan's steps, in order.
            #expect(
                page.text.contains(
                    #"<ol class="steps"><li>Sit Mia upright and stay with her</li><li>Salbutamol 10 puffs through the spacer</li></ol>"#))
            // A contact without a phone says so; an administrator is told where to add it.
            #expect(page.text.contains(#"School (care team), <span class="missing">no phone on record</span>"#))
            #expect(!page.text.contains("Practitioner/sn1"))
            var admin = Browser(client: client)
            _ = try await admin.signIn("admin", Harness.adminPassword)
            let adminPage = try await admin.send(.get, "/school")
            #expect(adminPage.text.contains("no phone on record</span> (add a phone to the telecom of Practitioner/sn1)"), "\(adminPage.text)")
        }
    }

    @Test func theInboxAcknowledgesPerPersonAndResolvesWithAReason() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115, secondsAgo: 60), token: world.devices["d1"]!)
            await harness.settle()
            let id = try #require(try await client.get("/api/alerts?patient=p1", token: world.admin).json?["alerts"]?[0]?["id"]?.int64Value)
            var nina = Browser(client: client)
            _ = try await nina.signIn("nina", "password-of-nina")
            let inbox = try await nina.send(.get, "/alerts")
            #expect(inbox.status == .ok && inbox.text.contains("▲ High priority") && inbox.text.contains("Patient-p1"))
            #expect(inbox.text.contains("Notified: doc, nina, rory") && inbox.text.contains("not acknowledged"))
            #expect(!inbox.text.contains("acknowledged by"), "no one has acknowledged it: no empty list")
            #expect(inbox.text.contains(#"<a class="name" href="/patients/p1">Patient-p1</a>"#), "the patient's name links to her page")
            let token = try #require(Browser.csrf(inbox))
            #expect(try await nina.send(.post, "/alerts/\(id)/ack", form: ["csrf": "forged"]).status == .forbidden)
            let acked = try await nina.send(.post, "/alerts/\(id)/ack", form: ["csrf": token])
            #expect(acked.status == .seeOther && acked.headers[.location] == "/alerts")
            let after = try await nina.send(.get, "/alerts")
            #expect(after.text.contains("acknowledged by nina") && !after.text.contains("/alerts/\(id)/ack"))
            // Her acknowledgement does not silence it for the physician, who may still acknowledge.
            var doc = Browser(client: client)
            _ = try await doc.signIn("doc", "password-of-doc")
            #expect(try await doc.send(.get, "/alerts").text.contains("/alerts/\(id)/ack"))
            // Another ward's nurse cannot act on it, even with her own valid session and token.
            var nora = Browser(client: client)
            _ = try await nora.signIn("nora", "password-of-nora")
            let noraToken = try #require(Browser.csrf(try await nora.send(.get, "/alerts")))
            #expect(try await nora.send(.post, "/alerts/\(id)/ack", form: ["csrf": noraToken]).status == .notFound)
            // Resolving needs a reason.
            #expect(try await nina.send(.post, "/alerts/\(id)/resolve", form: ["csrf": token, "reason": "  "]).status == .badRequest)
            let resolved = try await nina.send(.post, "/alerts/\(id)/resolve", form: ["csrf": token, "reason": "Reviewed: sepsis bundle started"])
            #expect(resolved.status == .seeOther)
            #expect(!(try await nina.send(.get, "/alerts")).text.contains("data-alert=\"\(id)\""))
            let stored = try await client.get("/api/alerts/\(id)", token: world.admin)
            #expect(stored.json?["status"] == "resolved" && stored.json?["resolution"]?["reason"] == "Reviewed: sepsis bundle started")
            #expect(stored.json?["resolution"]?["by"] == "user/nina")
        }
    }

    @Test func aStreamUpgradeIsFromThisServersPagesOnlyWhenEveryOriginIsItsSchemeHostAndPort() {
        func request(_ origin: String?, host: String = "ward.example:8080") -> HTTPRequest {
            var request = HTTPRequest(method: .get, scheme: nil, authority: host, path: "/api/stream")
            if let origin { request.headerFields[.origin] = origin }
            return request
        }
        #expect(StreamUpgrade.sameOrigin(request("http://ward.example:8080"), scheme: "http"))
        #expect(StreamUpgrade.sameOrigin(request("HTTP://Ward.Example:8080"), scheme: "http"))
        #expect(StreamUpgrade.sameOrigin(request("https://ward.example:8443", host: "ward.example:8443"), scheme: "https"))
        #expect(StreamUpgrade.sameOrigin(request("https://ward.example", host: "ward.example"), scheme: "https"))
        #expect(StreamUpgrade.sameOrigin(request("https://ward.example:443", host: "ward.example"), scheme: "https"))
        #expect(StreamUpgrade.sameOrigin(request("http://[::1]:8080", host: "[::1]:8080"), scheme: "http"))
        // another port or scheme of the same host is another origin
        #expect(!StreamUpgrade.sameOrigin(request("http://ward.example:9090"), scheme: "http"))
        #expect(!StreamUpgrade.sameOrigin(request("http://ward.example"), scheme: "http"))
        #expect(!StreamUpgrade.sameOrigin(request("https://ward.example:8080"), scheme: "http"))
        #expect(!StreamUpgrade.sameOrigin(request("http://ward.example", host: "ward.example"), scheme: "https"))
        #expect(!StreamUpgrade.sameOrigin(request("null"), scheme: "http"))
        #expect(!StreamUpgrade.sameOrigin(request("https://evil.example"), scheme: "http"))
        #expect(!StreamUpgrade.sameOrigin(request("http://ward.example.evil.example:8080"), scheme: "http"))
        #expect(!StreamUpgrade.sameOrigin(request("http://ward.example:8080, https://evil.example"), scheme: "http"))
        #expect(!StreamUpgrade.sameOrigin(request(nil), scheme: "http"))
    }

    @Test func thePagesStreamIsAuthenticatedByTheSessionCookieFromThisOriginOnly() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let world = try await World.build(client)
            var browser = Browser(client: client)
            _ = try await browser.signIn("nina", "password-of-nina")
            let cookie = "vigil_session=\(try #require(browser.cookies["vigil_session"]))"
            let port = client.client.port!
            let first = #"{"type":"auth","session":true}"#
            /// The first message the server answers to a browser's upgrade with these headers.
            func answer(_ headers: [(String, String)], after: (@Sendable () async throws -> Void)? = nil) async throws -> JSON? {
                let socket = try #require(await RawWebSocket.open(port: port, headers: headers))
                #expect(socket.send(first))
                let ready = await socket.next { ["ready", "error"].contains($0["type"]?.stringValue) }
                guard ready?["type"] == "ready", let after else { return ready }
                try await after()
                return await socket.next { $0["patient"] == "Patient/p1" }
            }
            let event = try await answer([("Cookie", cookie), ("Origin", "http://127.0.0.1:\(port)")]) {
                _ = try await client.ingest(
                    client.vitals(from: 1, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115), token: world.devices["d1"]!)
            }
            #expect(event != nil, "the page of this server, with her cookie, streams her ward")
            // Another site's page or another port's, riding on her cookie, and a stream without a session: refused.
            for origin in ["https://evil.example", "http://127.0.0.1:\(port + 1)", "https://127.0.0.1:\(port)"] {
                let error = try await answer([("Cookie", cookie), ("Origin", origin)])
                #expect(error?["message"]?.stringValue?.contains("no dashboard session") == true, "\(origin): \(error?.text ?? "nothing")")
            }
            let anonymous = try await answer([("Origin", "http://127.0.0.1:\(port)")])
            #expect(anonymous?["message"]?.stringValue?.contains("no dashboard session") == true)
        }
    }
}
