import ContentCheck
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// The shared bound on a wave's open connections (`wave --jobs N`; README.md, "A wave"):
/// every VM takes its slots here before it opens a volume and gives them back when its
/// volumes are closed, so the whole wave — not each VM — stays within N. Slots are taken
/// whole (a VM waits until all it needs are free), so two VMs never each hold a part and
/// wait for the rest.
public final class ConnectionLimiter: @unchecked Sendable {
    public let capacity: Int
    private let condition = Condition()
    private var inUse = 0
    private var highest = 0

    /// A limiter of `capacity` slots (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Takes `count` slots (at most `capacity`), waiting until they are free. Returns false,
    /// having taken none, when `cancellation` is set first.
    public func acquire(_ count: Int, unless cancellation: Cancellation? = nil) -> Bool {
        let wanted = min(max(1, count), capacity)
        condition.lock()
        defer { condition.unlock() }
        while capacity - inUse < wanted {
            if cancellation?.isCancelled == true { return false }
            condition.wait(seconds: 0.1)
        }
        if cancellation?.isCancelled == true { return false }
        inUse += wanted
        highest = max(highest, inUse)
        return true
    }

    /// Gives back `count` slots taken with `acquire`.
    public func release(_ count: Int) {
        condition.lock()
        inUse -= min(max(1, count), capacity)
        condition.broadcast()
        condition.unlock()
    }

    /// The most slots that were taken at once.
    public var peak: Int {
        condition.lock(); defer { condition.unlock() }
        return highest
    }
}
