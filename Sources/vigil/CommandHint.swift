/// What a newcomer types that is close to what Vigil has: `vigil server` for `vigil serve`,
/// `--port` for `--http`. Read before the arguments are parsed, so that the answer names what was
/// meant rather than the nearest spelling.
enum CommandHint {
    /// Words taken for a command, and the command.
    static let commands = ["server": "serve", "start": "serve", "run": "serve", "user": "users", "benchmark": "bench"]

    /// Options of `serve` and `demo` guessed from other servers, and what Vigil takes instead.
    static let options = [
        "--port": "--http HOST:PORT", "--host": "--http HOST:PORT", "--listen": "--http HOST:PORT", "--bind": "--http HOST:PORT",
        "--data-dir": "--data DIR", "--datadir": "--data DIR", "--cert": "--tls-cert FILE", "--key": "--tls-key FILE",
        "--password": "the environment variable VIGIL_ADMIN_PASSWORD", "--admin-password": "the environment variable VIGIL_ADMIN_PASSWORD",
    ]

    /// The hint for `arguments` (without the program name), or nil when there is none.
    static func hint(for arguments: [String]) -> String? {
        guard let first = arguments.first else { return nil }
        if let command = commands[first] {
            return "vigil has no command '\(first)': did you mean `vigil \(command)`? (`vigil --help` lists them)"
        }
        guard first == "serve" || first == "demo" else { return nil }
        for argument in arguments.dropFirst().prefix(while: { $0 != "--" }) {
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if let instead = options[name] {
                return "vigil \(first) has no option \(name): give \(instead) (`vigil \(first) --help` lists the options)"
            }
        }
        return nil
    }
}
