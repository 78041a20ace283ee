import Testing
import VigilCore

@Suite struct AccessTests {
    let now = FHIRDateTime("2026-03-01T08:00:00Z")!.lowerBound

    func team(_ extra: JSONObject = [:], subject: String = "Patient/p1", memberPeriod: JSON? = nil) -> JSON {
        var participant: JSONObject = ["member": ["reference": "Practitioner/n1"]]
        if let memberPeriod { participant["period"] = memberPeriod }
        var object: JSONObject = ["resourceType": "CareTeam", "subject": ["reference": .string(subject)], "participant": [.object(participant)]]
        for member in extra { object[member.key] = member.value }
        return .object(object)
    }

    func scope(_ teams: [JSON], groups: [String: JSON] = [:]) -> AccessScope {
        AccessScope.compute(
            member: "Practitioner/n1",
            teams: teams.map { AccessLink.links(of: $0, type: .careTeam) },
            groups: groups.mapValues { AccessLink.links(of: $0, type: .group) },
            now: now
        )
    }

    @Test func aParticipantSeesTheTeamsPatient() {
        #expect(scope([team()]).patients == ["p1"])
    }

    @Test func periodsMustCoverNow() {
        #expect(scope([team(memberPeriod: ["start": "2026-03-01T08:00:00Z"])]).patients == ["p1"])
        #expect(scope([team(memberPeriod: ["start": "2026-03-01T08:00:01Z"])]).patients == [])
        #expect(scope([team(memberPeriod: ["end": "2026-03-01T07:59:59Z"])]).patients == [])
        #expect(scope([team(memberPeriod: ["end": "2026-03-01"])]).patients == ["p1"])
        #expect(scope([team(["period": ["end": "2026-02-28"]])]).patients == [])
    }

    @Test(arguments: ["proposed", "suspended", "inactive", "entered-in-error"])
    func onlyActiveTeamsGrant(_ status: String) {
        #expect(scope([team(["status": .string(status)])]).patients == [])
        #expect(scope([team(["status": "active"])]).patients == ["p1"])
    }

    @Test func aTeamOnAGroupSeesTheGroupsCurrentMembers() {
        let ward: JSON = [
            "resourceType": "Group", "type": "person", "actual": true,
            "member": [
                ["entity": ["reference": "Patient/p1"]],
                ["entity": ["reference": "Patient/p2"], "inactive": true],
                ["entity": ["reference": "Patient/p3"], "period": ["end": "2026-02-01"]],
                ["entity": ["reference": "Patient/p4"], "period": ["start": "2026-02-01"]],
            ],
        ]
        let scope = scope([team(subject: "Group/ward")], groups: ["Group/ward": ward])
        #expect(scope.patients == ["p1", "p4"])
        #expect(scope.compartments.contains("Group/ward"))
    }

    @Test func anotherPersonOnTheTeamDoesNotOpenItToMe() {
        let other = AccessScope.compute(member: "Practitioner/n2", teams: [AccessLink.links(of: team(), type: .careTeam)], groups: [:], now: now)
        #expect(other.patients == [])
    }

    @Test func rolePolicyDeniesByDefault() {
        for type in FHIRResourceType.allCases {
            for interaction in FHIRInteraction.allCases {
                #expect(RolePolicy.allows(.admin, interaction, on: type))
                #expect(!RolePolicy.allows(.researcher, interaction, on: type))
                #expect(!RolePolicy.allows(.publicHealth, interaction, on: type))
            }
            for role in [Role.physician, .nurse, .schoolNurse, .caregiver] {
                #expect(RolePolicy.allows(role, .read, on: type))
                #expect(RolePolicy.allows(role, .create, on: type) == type.isClinicalRecord)
            }
        }
        #expect(!RolePolicy.allows(.nurse, .create, on: .patient))
        #expect(RolePolicy.allows(.nurse, .update, on: .patient))
        #expect(!RolePolicy.allows(.nurse, .update, on: .careTeam))
    }
}
