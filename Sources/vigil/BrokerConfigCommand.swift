import ArgumentParser
import VigilCore
import VigilServer

struct BrokerConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker-config",
        abstract: "Write Mosquitto's password file, ACL and mosquitto.conf from the device registry.",
        discussion: """
            Each device with an active credential gets an account: its username is its Device id, its password its \
            device token. The ACL lets a device publish only to vigil/devices/<id>/readings and read only its own \
            ack and commands; the server's own account (vigil-server) reads every device's readings. Anonymous \
            access is off. Start the broker with `mosquitto -c DIR/mosquitto.conf`, and the server with \
            `vigil serve --mqtt mqtt://HOST:PORT --broker-config DIR`: it then connects with its own account and \
            rewrites the files (and signals the broker) whenever a credential is issued or revoked.
            """
    )

    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("The directory to write (created if needed).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("The address the broker listens on.", valueName: "host:port"))
    var listen: String = "127.0.0.1:1883"

    func run() async throws {
        var flags = dataOptions.values
        flags["brokerConfig"] = out
        flags["mqtt"] = "mqtt://\(listen)"
        let configuration = try ConfigurationLoader.load(flags: flags)
        let runtime = try await UsersCommand.runtime(configuration)
        try await runtime.broker.writeFiles()
        print("Wrote \(out)/passwords, \(out)/acl and \(out)/mosquitto.conf. Start the broker: mosquitto -c \(out)/mosquitto.conf")
    }
}
