import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#endif

/// Runs libFuzzer with a target's test: each input libFuzzer generates is given to `test`, which
/// traps (a `precondition`) when a property fails. SwiftPM names an executable's entry point
/// after its module, so libFuzzer's own `main` is never linked; each target's `main` calls this.
public enum Fuzzer {
    nonisolated(unsafe) private static var test: ((UnsafeBufferPointer<UInt8>) -> Void)?

    public static func run(_ test: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
        Fuzzer.test = test
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Fuzzer.test?(UnsafeBufferPointer(start: data, count: size))
            return 0
        }
        exit(status)
    }
}
