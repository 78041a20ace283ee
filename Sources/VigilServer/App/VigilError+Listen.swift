import Foundation
import NIOCore
public import VigilCore

extension VigilError {
    /// A listener (HTTP, MLLP) that could not bind `address`, in words that say what to change
    /// instead of an errno: the option that sets the address is named.
    public static func cannotListen(on address: String, option: String, _ error: any Error) -> VigilError {
        let reason =
            switch (error as? IOError)?.errnoCode {
            case EADDRINUSE: "the address is already in use (another Vigil or another program listens there); choose another with \(option)"
            case EACCES: "permission denied (ports below 1024 need privileges); choose another with \(option)"
            case EADDRNOTAVAIL: "no network interface of this machine has that address; choose another with \(option)"
            default: "\(error)"
            }
        return VigilError(.unavailable, "cannot listen on \(address): \(reason)")
    }
}
