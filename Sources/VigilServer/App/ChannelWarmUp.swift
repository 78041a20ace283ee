import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOEmbedded

/// Sets up one HTTP/WebSocket child channel on the calling thread before the server accepts.
///
/// The Swift runtime can crash (SIGSEGV in `isCanonicalStaticallySpecializedGenericMetadata`,
/// swiftlang/swift#58414) when two event loops set up their first connections at the same moment
/// and both instantiate the same generic metadata of the upgradable HTTP pipeline; it was seen
/// twice in clean-clone test runs, with no Vigil code on the stack. Setting up a channel once here
/// instantiates that metadata before any event loop needs it. The channel is in memory and sees
/// no request.
enum ChannelWarmUp {
    static func run(logger: Logger) {
        let channel = EmbeddedChannel()
        let child = HTTP1WebSocketUpgradeChannel(
            responder: { _, _, _ in }, configuration: .init(), shouldUpgrade: { _, _, _ in .dontUpgrade })
        _ = try? child.setup(channel: channel, logger: logger).wait()
        _ = try? channel.finish()
    }
}
