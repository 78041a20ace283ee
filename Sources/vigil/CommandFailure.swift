/// Why a command could not do its work once its arguments were understood: printed as
/// `Error: …` alone. (ArgumentParser follows a `ValidationError` thrown from `run()` with the usage
/// of `vigil` itself, `vigil <subcommand>`, which helps nobody; `validate()` and parsing keep
/// `ValidationError`, whose usage is then the subcommand's.)
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
