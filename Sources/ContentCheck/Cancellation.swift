#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import BlockAccess
import AuditCore

/// A flag that stops a running comparison or sample early. Thread-safe; once set it
/// stays set. The engines check it between requests, so they stop within ~100 ms.
public final class Cancellation: @unchecked Sendable {
    private let lock = Lock()
    private var cancelled = false
    private var signalSource: DispatchSourceSignal?

    /// A flag not yet set.
    public init() {}

    /// Stops whatever watches this flag.
    public func cancel() {
        lock.lock(); defer { lock.unlock() }
        cancelled = true
    }

    /// Whether `cancel()` was called (or SIGINT arrived, for `onInterrupt()`).
    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    /// A flag set by SIGINT (Ctrl-C). The default action of SIGINT is replaced for the
    /// life of the process, so the caller can write a partial report marked interrupted
    /// and choose its exit code; a second Ctrl-C ends the process at once (exit 130).
    public static func onInterrupt() -> Cancellation {
        let flag = Cancellation()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [flag] in
            if flag.isCancelled { exit(130) }
            flag.cancel()
            StandardStream.error.write("\ninterrupted: finishing the requests in flight and disconnecting politely; "
                                                 + "press Ctrl-C again to quit at once\n")
        }
        source.resume()
        flag.signalSource = source
        return flag
    }
}
