import FuzzSupport
import VigilCore

/// Any JSON resource: the validator answers a bounded list of issues, never traps, and gives the
/// same answer twice.
@main enum FuzzFHIR {
    static func main() {
        Fuzzer.run { input in
            guard let resource = try? JSON.parse(UnsafeRawBufferPointer(input)) else { return }
            let issues = FHIRValidator.validate(resource)
            precondition(issues.count <= FHIRValidator.maxIssues, "more issues than the limit")
            precondition(FHIRValidator.validate(resource) == issues, "two validations disagree")
        }
    }
}
