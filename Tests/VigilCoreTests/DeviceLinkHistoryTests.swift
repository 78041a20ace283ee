import Testing
import VigilCore

@Suite struct DeviceLinkHistoryTests {
    let history = DeviceLinkHistory([
        DeviceLink(patient: "a", start: 100, end: 200),
        DeviceLink(patient: "b", start: 300),
    ])

    @Test func aReadingBelongsToThePatientLinkedAtItsTime() {
        #expect(history.patient(at: 99) == nil)
        #expect(history.patient(at: 100) == "a")
        #expect(history.patient(at: 199) == "a")
        #expect(history.patient(at: 200) == nil)
        #expect(history.patient(at: 300) == "b")
        #expect(history.patient(at: 1_000_000) == "b")
        #expect(history.current == "b")
    }

    @Test func readingsOfAnEndedLinkAreTakenOnlyForTheLateWindowAfterItEnded() {
        #expect(history.attribution(of: 150, receivedAt: 250, lateWindow: 50) == .patient("a"))
        #expect(history.attribution(of: 150, receivedAt: 251, lateWindow: 50) == .linkEnded(patient: "a", end: 200))
        #expect(history.attribution(of: 250, receivedAt: 250, lateWindow: 50) == .noPatient)
        #expect(history.attribution(of: 300, receivedAt: 1_000_000, lateWindow: 50) == .patient("b"), "the open link has no end")
    }

    @Test func relinkingClosesTheOpenLink() {
        let moved = history.relinked(to: "c", at: 400)
        #expect(moved.patient(at: 399) == "b")
        #expect(moved.patient(at: 400) == "c")
        #expect(history.relinked(to: "b", at: 400) == history)
        #expect(history.relinked(to: nil, at: 400).current == nil)
    }

    @Test func aNewLinkMayNotStartBeforeThePreviousOneBeganOrEnded() {
        #expect(history.problem(relinkingTo: "c", from: 299) != nil)
        #expect(history.problem(relinkingTo: "c", from: 300) == nil)
        #expect(history.problem(relinkingTo: "b", from: 0) == nil)
        #expect(DeviceLinkHistory([]).problem(relinkingTo: "a", from: 0) == nil)
    }
}
