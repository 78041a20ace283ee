import Testing
import VigilCore

@testable import VigilClinical

/// A research project read from its ResearchStudy, and a patient's refusal of research read from
/// their Consent.
@Suite struct ResearchProjectTests {
    static func study(_ changes: (inout JSONObject) -> Void = { _ in }) -> JSON {
        var study: JSONObject = [
            "resourceType": "ResearchStudy", "id": "asthma", "status": "active", "title": "Asthma and air",
            "identifier": [["value": "IRB-2026-117"]], "period": ["end": "2027-06-30"], "enrollment": [["reference": "Group/cohort"]],
            "extension": [
                ["url": .string(ResearchProject.typeExtension), "valueCode": "Observation"],
                ["url": .string(ResearchProject.typeExtension), "valueCode": "Patient"],
                ["url": .string(ResearchProject.researcherExtension), "valueString": "rita"],
            ],
        ]
        changes(&study)
        return .object(study)
    }

    @Test func aProjectReadsItsPopulationTypesResearchersAndExpiry() throws {
        let project = try ResearchProject(study: Self.study())
        #expect(project.population == .group("cohort") && project.types == [.observation, .patient] && project.researchers == ["rita"])
        #expect(project.profile == .safeHarbor && project.approval == "IRB-2026-117")
        let end = try #require(FHIRDateTime("2027-06-30"))
        #expect(project.isOpen(at: end.upperBound) && !project.isOpen(at: end.upperBound + 1))
        #expect(!(try ResearchProject(study: Self.study { $0["status"] = "completed" })).isOpen(at: 0))
        // Without types named, every type that can leave.
        let all = try ResearchProject(
            study: Self.study { $0["extension"] = [["url": .string(ResearchProject.researcherExtension), "valueString": "r"]] })
        #expect(all.types == Deidentifier.exportableTypes && !all.types.contains(.device) && all.types.contains(.immunization))
    }

    static func vaccine(_ code: String) -> JSON {
        ["url": .string(ResearchProject.cohortVaccineExtension), "valueCoding": ["system": "http://hl7.org/fhir/sid/cvx", "code": .string(code)]]
    }

    @Test func aProjectMayStudyACohortInsteadOfAGroup() throws {
        let project = try ResearchProject(
            study: Self.study {
                $0["enrollment"] = nil
                $0["extension"] = [
                    ["url": .string(ResearchProject.cohortExtension), "valueString": "unvaccinated-high-risk"], Self.vaccine("140"),
                    Self.vaccine("141"),
                ]
            })
        let cvx = "http://hl7.org/fhir/sid/cvx"
        #expect(
            project.population == .cohort("unvaccinated-high-risk", vaccines: [.init(system: cvx, code: "140"), .init(system: cvx, code: "141")]))
        #expect(project.population.description == "cohort unvaccinated-high-risk")
    }

    @Test func aProjectMissingWhatItNeedsIsRefusedWithTheElement() {
        let broken: [(String, (inout JSONObject) -> Void)] = [
            ("ResearchStudy.title", { $0["title"] = nil }),
            ("ResearchStudy.identifier", { $0["identifier"] = nil }),
            ("ResearchStudy.period.end", { $0["period"] = nil }),
            ("ResearchStudy.enrollment", { $0["enrollment"] = [["reference": "Patient/p1"]] }),
            ("ResearchStudy.enrollment", { $0["enrollment"] = [["reference": "Group/a"], ["reference": "Group/b"]] }),
            // A Group or a cohort, not both; vaccines only for a cohort, each a Coding.
            ("ResearchStudy.enrollment", { $0["extension"] = [["url": .string(ResearchProject.cohortExtension), "valueString": "influenza"]] }),
            ("ResearchStudy.enrollment", { $0["extension"] = [Self.vaccine("140")] }),
            (
                "ResearchStudy.extension",
                {
                    $0["enrollment"] = nil
                    $0["extension"] = [
                        ["url": .string(ResearchProject.cohortExtension), "valueString": "influenza"],
                        ["url": .string(ResearchProject.cohortVaccineExtension), "valueCoding": ["code": "140"]],
                    ]
                }
            ),
            ("ResearchStudy.extension", { $0["extension"] = [["url": .string(ResearchProject.typeExtension), "valueCode": "Device"]] }),
            ("ResearchStudy.extension", { $0["extension"] = [["url": .string(ResearchProject.profileExtension), "valueCode": "identified"]] }),
            // A limited data set only under a data use agreement.
            ("ResearchStudy.extension", { $0["extension"] = [["url": .string(ResearchProject.profileExtension), "valueCode": "limited-data-set"]] }),
        ]
        for (element, change) in broken {
            #expect(throws: VigilError.self) { try ResearchProject(study: Self.study(change)) }
            do {
                _ = try ResearchProject(study: Self.study(change))
            } catch {
                #expect(error.code == .unprocessable && error.issues[0].expression == element, "\(error)")
            }
        }
        let limited = try? ResearchProject(
            study: Self.study {
                $0["extension"] = [
                    ["url": .string(ResearchProject.profileExtension), "valueCode": "limited-data-set"],
                    ["url": .string(ResearchProject.agreementExtension), "valueString": "DUA-2026-4"],
                ]
            })
        #expect(limited?.profile == .limitedDataSet(agreement: "DUA-2026-4"))
    }

    @Test func onlyAnActiveDenyOfResearchInItsPeriodRefusesResearch() throws {
        func consent(scope: String = "research", status: String = "active", type: String = "deny", period: JSON? = nil) -> JSON {
            var provision: JSONObject = ["type": .string(type)]
            if let period { provision["period"] = period }
            return [
                "resourceType": "Consent", "status": .string(status), "patient": ["reference": "Patient/p1"],
                "scope": ["coding": [["system": .string(ResearchConsent.scopeSystem), "code": .string(scope)]]],
                "provision": .object(provision),
            ]
        }
        let now = try #require(FHIRDateTime("2026-12-04T12:00:00Z")).lowerBound
        #expect(ResearchConsent.refuses(consent(), at: now))
        #expect(ResearchConsent.refuses(consent(period: ["start": "2026-01-01"]), at: now))
        #expect(!ResearchConsent.refuses(consent(period: ["end": "2026-06-30"]), at: now))
        #expect(!ResearchConsent.refuses(consent(period: ["start": "2027-01-01"]), at: now))
        #expect(!ResearchConsent.refuses(consent(status: "inactive"), at: now))
        #expect(!ResearchConsent.refuses(consent(type: "permit"), at: now))
        #expect(!ResearchConsent.refuses(consent(scope: "patient-privacy"), at: now))
    }
}
