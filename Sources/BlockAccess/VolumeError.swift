#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A failure to open or read a volume. Carries the operation, the target (redacted),
/// the message copied from libnbd or `strerror` at the moment of failure, and errno.
///
/// The libnbd shape follows its Go binding's `LibnbdError{Op, Errmsg, Errno}`.
public struct VolumeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, for callers that branch on it.
    public enum Kind: String, Sendable, Codable {
        /// The target string is not a target this tool can open.
        case invalidTarget
        /// The target could not be opened or connected to.
        case unreachable
        /// A read failed (EIO from the server, a dead connection, …).
        case readFailed
        /// A request did not complete within the timeout.
        case timeout
        /// The server or file answered with fewer or other bytes than asked.
        case shortRead
        /// A read outside the volume was asked for.
        case outOfRange
        /// TLS was required but the target is plaintext.
        case tlsRequired
        /// The volume was closed, or its connection is dead after an earlier failure.
        case closed
    }

    public var kind: Kind
    /// The operation that failed, e.g. `nbd_pread`, `open`, `BLKGETSIZE64`.
    public var operation: String
    /// The target, redacted (no passwords or key material).
    public var target: String
    /// The library's or the OS's message, copied at once.
    public var message: String
    /// errno, or 0 when the library did not give one.
    public var errno: Int32

    /// `errno`, typed; nil when the library did not give one.
    public var code: Errno? { self.errno != 0 ? Errno(rawValue: self.errno) : nil }

    public init(kind: Kind, operation: String, target: String, message: String, errno number: Int32 = 0) {
        self.kind = kind
        self.operation = operation
        self.target = target
        self.message = message
        self.errno = number
    }

    public var description: String {
        // libnbd messages already start with the function name ("nbd_pread: …").
        let op = operation.split(separator: " ").first.map(String.init) ?? operation
        var s = message.hasPrefix(op + ":") ? "\(target): \(message)" : "\(target): \(operation): \(message)"
        if let code, !message.contains(code.message) {
            s += " (\(code.message))"
        }
        return s
    }
}
