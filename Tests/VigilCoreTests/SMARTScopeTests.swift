import Testing

@testable import VigilCore

/// SMART scopes, v1 and v2, as the token endpoint grants them and access control reads them.
@Suite struct SMARTScopeTests {
    @Test func v1AndV2PermissionsOpenTheSameInteractions() throws {
        let v1 = try #require(SMARTScope("system/Observation.read"))
        let v2 = try #require(SMARTScope("system/Observation.rs"))
        #expect(v1.interactions == v2.interactions && v1.interactions == [.read, .vread, .search])
        #expect(SMARTScope("user/*.write")?.interactions == [.create, .update, .delete])
        #expect(SMARTScope("system/*.cruds")?.interactions == Set(FHIRInteraction.allCases))
        #expect(SMARTScope("system/*.*")?.type == nil)
    }

    @Test func whatIsNotAResourceScopeIsNotUnderstood() {
        for text in [
            "openid", "offline_access", "launch/patient", "system/Nothing.read", "system/Observation.sr", "system/Observation.x",
            "system/Observation.rs?category=vital-signs", "group/*.read", "system/Observation.",
        ] {
            #expect(SMARTScope(text) == nil, "\(text)")
        }
    }

    @Test func aClientIsGrantedWhatItAsksForWithinItsRegistration() {
        let registered = SMARTScopes("system/Patient.read system/Observation.cruds")
        #expect(registered.granting(SMARTScopes("system/Patient.rs system/Condition.read")).description == "system/Patient.rs")
        #expect(registered.granting(SMARTScopes("system/*.read")).scopes.isEmpty)
        #expect(registered.granting(SMARTScopes("user/Patient.read")).scopes.isEmpty)
        #expect(SMARTScopes("system/*.read").granting(SMARTScopes("system/Observation.r")).description == "system/Observation.r")
        let granted = SMARTScopes("system/Observation.rs")
        #expect(granted.allows(.search, on: .observation) && !granted.allows(.create, on: .observation) && !granted.allows(.read, on: .patient))
    }
}
