import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// State shared by the workers of one comparison: the windows still to claim, the
/// counters, and the collected differences and unreadable regions.
final class CompareRun: @unchecked Sendable {
    /// Bytes both volumes have.
    let commonEnd: UInt64
    /// Where the comparison stops: the target's end when the target is larger (its tail is
    /// checked zero), else `commonEnd`.
    let end: UInt64
    let windowBytes: UInt64
    let cancellation: Cancellation?
    let differences: RangeCollector<Void>
    let unreadable: RangeCollector<String>

    private let lock = Lock()
    private var nextWindow: UInt64 = 0
    private var counters = Counters()

    /// Byte counts, summed over the workers.
    struct Counters {
        var compared: UInt64 = 0
        var skipped: UInt64 = 0
        var checkedAgainstHoles: UInt64 = 0
        /// Bytes whose fate is settled (compared, skipped, or unreadable).
        var settled: UInt64 = 0
    }

    init(commonEnd: UInt64, end: UInt64, windowBytes: UInt64, maxDifferences: Int, cancellation: Cancellation?) {
        self.commonEnd = commonEnd
        self.end = end
        self.windowBytes = max(windowBytes, 1 << 20)
        self.cancellation = cancellation
        differences = RangeCollector(limit: maxDifferences)
        unreadable = RangeCollector(limit: 1000)
    }

    /// The next window to compare, never straddling `commonEnd`, or nil when none is left
    /// or the run was cancelled.
    func claimWindow() -> Range<UInt64>? {
        if cancellation?.isCancelled == true { return nil }
        lock.lock(); defer { lock.unlock() }
        guard nextWindow < end else { return nil }
        let start = nextWindow
        let limit = start < commonEnd ? commonEnd : end
        let stop = min(start + windowBytes, limit)
        nextWindow = stop
        return start..<stop
    }

    /// Windows never claimed (every worker stopped early), for the unreadable list.
    func unclaimed() -> Range<UInt64>? {
        lock.lock(); defer { lock.unlock() }
        return nextWindow < end ? nextWindow..<end : nil
    }

    func count(compared: UInt64 = 0, skipped: UInt64 = 0, checkedAgainstHoles: UInt64 = 0, settled: UInt64) {
        lock.lock(); defer { lock.unlock() }
        counters.compared += compared
        counters.skipped += skipped
        counters.checkedAgainstHoles += checkedAgainstHoles
        counters.settled += settled
    }

    var snapshot: Counters {
        lock.lock(); defer { lock.unlock() }
        return counters
    }

    var isCancelled: Bool { cancellation?.isCancelled == true }
}
