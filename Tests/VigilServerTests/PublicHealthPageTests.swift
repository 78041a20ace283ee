import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// The public-health page: screening sites with their figures, signals, alerts and curves; a
/// cohort's counts; the exposure search with its purpose. Public health's home; not for care roles.
@Suite struct PublicHealthPageTests {
    typealias Browser = DashboardTests.Browser

    @Test func publicHealthSeesItsSitesCurvesAlertsAndCohortCounts() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await ScreeningRoutesTests.cluster(harness, client, kiosk: try await ScreeningRoutesTests.site(client, world))
            var officer = Browser(client: client)
            #expect(try await officer.signIn("ph", "password-of-ph").headers[.location] == "/public-health", "public health's home")
            let page = try await officer.send(.get, "/public-health")
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains("Airport gate A") && page.text.contains("<strong>40</strong> screened, <strong>20</strong> febrile (50.0 %)"))
            #expect(page.text.contains("cut-off 37.5 °C") && page.text.contains(#"<span class="badge medium">signal</span>"#))
            #expect(page.text.contains(#"<svg class="chart curve""#) && page.text.contains(#"<rect class="bar signal""#))
            #expect(page.text.contains("Fever cluster at Location/gate-a: 20 of 40 screened febrile"))
            #expect(!page.text.contains(#"href="/board""#) && page.text.contains(#"href="/public-health""#) && !page.text.contains("style="))
            // No live indicator: the stream is for those who see patients, and a page that connects
            // to it only to be refused sends its browser to sign in again, and back, for ever.
            #expect(!page.text.contains(#"id="live""#))
            // The World's three patients are 66 and unvaccinated: an influenza cohort of three, shown as <11.
            #expect(page.text.contains("<td>unknown</td><td>65+</td><td>&lt;11</td>"), "\(page.text)")
            #expect(try await officer.send(.get, "/public-health?cohort=measles").text.contains(#"<option value="measles" selected>"#))

            // Acknowledged from the page, and back to it.
            let id = try #require(harness.runtime.alerts.openAlerts().first?.id)
            let ack = try await officer.send(.post, "/alerts/\(id)/ack", form: ["csrf": Browser.csrf(page) ?? ""])
            #expect(ack.status == .seeOther && ack.headers[.location] == "/public-health")
            #expect(try await harness.runtime.store.alert(id: id)?.acknowledgements.map(\.by) == ["user/ph"])
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.actor == "user/ph" && $0.resource == "cohort/influenza" && $0.detail == "counts of 3" && $0.patient == nil })

            // Care roles go to their board; an administrator sees the page without the exposure search.
            var nurse = Browser(client: client)
            _ = try await nurse.signIn("nina", "password-of-nina")
            let refused = try await nurse.send(.get, "/public-health")
            #expect(refused.status == .seeOther && refused.headers[.location] == "/board")
            var admin = Browser(client: client)
            _ = try await admin.signIn("admin", Harness.adminPassword)
            let adminPage = try await admin.send(.get, "/public-health")
            #expect(adminPage.status == .ok && adminPage.text.contains("Airport gate A") && !adminPage.text.contains("Exposure search"))
        }
    }

    @Test func theExposureSearchAsksItsPurposeAndAnswersOnThePage() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await WhereaboutsTests.plant(client, world)
            var officer = Browser(client: client)
            _ = try await officer.signIn("ph", "password-of-ph")
            let page = try await officer.send(.get, "/public-health")
            #expect(page.text.contains("Exposure search") && page.text.contains(#"name="reason" required"#))
            var form = [
                "csrf": Browser.csrf(page) ?? "", "index": "Patient/p1", "from": "2026-02-28", "to": "2026-03-01", "distanceMeters": "5",
                "minutes": "15", "reason": "",
            ]
            let unexplained = try await officer.send(.post, "/public-health/exposures", form: form)
            #expect(unexplained.status == .badRequest && unexplained.text.contains("reason is required"), "\(unexplained.status)")
            #expect(unexplained.text.contains(#"value="Patient/p1""#), "the form keeps what was typed")
            form["reason"] = "measles case 7"
            let answer = try await officer.send(.post, "/public-health/exposures", form: form)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.text.contains("<strong>p2</strong>") && answer.text.contains("geo:42.36,-71.059"))
            #expect(answer.text.contains("<strong>c1</strong> at geo:42.36,-71.059"))
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.resource == "exposures" && $0.patient == "p1" && $0.purpose == "measles case 7" })
            // Without the session's form token, nothing runs.
            form["csrf"] = "made-up"
            #expect(try await officer.send(.post, "/public-health/exposures", form: form).status == .forbidden)
        }
    }
}
