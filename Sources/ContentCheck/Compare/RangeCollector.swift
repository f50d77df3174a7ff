#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// Collects byte ranges from several workers, in any order, merged and sorted by offset,
/// keeping at most `limit` of them (the lowest offsets) so memory stays bounded. Total
/// bytes stay exact even when the list is cut.
final class RangeCollector<Payload: Sendable>: @unchecked Sendable {
    struct Entry {
        var offset: UInt64
        var length: UInt64
        var payload: Payload
        var end: UInt64 { offset + length }
    }

    private let lock = Lock()
    private let limit: Int
    private var entries: [Entry] = []
    private var cutoff = UInt64.max
    private(set) var truncated = false
    private var total: UInt64 = 0

    init(limit: Int) { self.limit = max(limit, 0) }

    func add(offset: UInt64, length: UInt64, payload: Payload) {
        guard length > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        total += length
        if offset > cutoff { truncated = true; return }
        entries.append(Entry(offset: offset, length: length, payload: payload))
        if entries.count > 2 * limit + 256 { compact() }
    }

    /// The merged ranges (adjacent or overlapping ones joined; the first payload kept),
    /// whether the list was cut, and the total bytes added.
    func result() -> (ranges: [Entry], truncated: Bool, totalBytes: UInt64) {
        lock.lock(); defer { lock.unlock() }
        compact()
        return (entries, truncated, total)
    }

    private func compact() {
        entries.sort { $0.offset < $1.offset }
        var merged: [Entry] = []
        merged.reserveCapacity(entries.count)
        for e in entries {
            if let last = merged.last, e.offset <= last.end {
                merged[merged.count - 1].length = max(last.end, e.end) - last.offset
            } else {
                merged.append(e)
            }
        }
        if merged.count > limit {
            merged.removeLast(merged.count - limit)
            truncated = true
            cutoff = merged.last?.end ?? 0
        }
        entries = merged
    }
}
