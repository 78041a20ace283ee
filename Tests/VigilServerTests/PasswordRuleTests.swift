import Testing
import VigilServer

/// bcrypt reads 72 bytes of a password and stops at a NUL: the rule counts what it reads.
@Suite struct PasswordRuleTests {
    @Test(arguments: [
        ("short", "at least 12"),
        (String(repeating: "a", count: 73), "at most 72 bytes"),
        (String(repeating: "é", count: 37), "at most 72 bytes"),  // 37 characters, 74 bytes
        ("\u{0}" + String(repeating: "a", count: 20), "control"),
        ("correct horse\u{7}battery", "control"),
        ("correct horse\nbattery", "control"),
        ("correct horse\u{85}battery", "control"),
    ])
    func refused(_ password: String, _ reason: String) {
        let problem = PasswordHasher.problem(with: password)
        #expect(problem?.contains(reason) == true, "\(problem ?? "accepted")")
    }

    @Test(arguments: ["twelve chars", String(repeating: "a", count: 72), String(repeating: "é", count: 36), "pässwörd mit Ümlauten"])
    func accepted(_ password: String) {
        #expect(PasswordHasher.problem(with: password) == nil)
    }
}
