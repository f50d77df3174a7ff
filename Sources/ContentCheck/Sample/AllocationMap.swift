import BlockAccess

/// The allocated (non-zero) extents of a volume, as a sorted list that can map a position
/// in "allocated bytes" (holes left out) back to a disk offset.
///
/// Memory is bounded: beyond `maxRuns` runs, neighbours separated by the smallest gaps are
/// merged (the gap becomes part of a run). Merging only widens runs, so "every S allocated
/// bytes" still puts a block in every S bytes of real data.
struct AllocationMap: Sendable {
    struct Run: Sendable, Equatable {
        var offset: UInt64
        var length: UInt64
        var end: UInt64 { offset + length }
    }

    private(set) var runs: [Run] = []
    /// Prefix sums of run lengths: `starts[i]` is the allocated position where run i begins.
    private(set) var starts: [UInt64] = []
    private(set) var totalBytes: UInt64 = 0

    /// Builds the map from extents in offset order (zero extents are left out).
    init(extents: [Extent], maxRuns: Int = 65536) {
        var merged: [Run] = []
        for e in extents where !e.zero && e.length > 0 {
            if let last = merged.last, last.end >= e.offset {
                merged[merged.count - 1].length = max(last.end, e.end) - last.offset
            } else {
                merged.append(Run(offset: e.offset, length: e.length))
            }
        }
        var gap: UInt64 = 4096
        while merged.count > maxRuns {
            var coarser: [Run] = []
            for r in merged {
                if let last = coarser.last, r.offset - last.end <= gap {
                    coarser[coarser.count - 1].length = r.end - last.offset
                } else {
                    coarser.append(r)
                }
            }
            merged = coarser
            gap *= 2
        }
        runs = merged
        var position: UInt64 = 0
        starts = merged.map { r in
            defer { position += r.length }
            return position
        }
        totalBytes = position
    }

    /// Reads the allocation of the whole volume through `extents(offset:length:)`.
    static func read(_ volume: any Volume) throws(VolumeError) -> AllocationMap {
        var extents: [Extent] = []
        var builder = AllocationMap(extents: [])
        var pos: UInt64 = 0
        while pos < volume.sizeBytes {
            let part = try volume.extents(offset: pos, length: volume.sizeBytes - pos)
            guard let last = part.last, last.end > pos else { break }
            extents.append(contentsOf: part.filter { !$0.zero })
            pos = last.end
            if extents.count > 200_000 {
                // Fold what we have so far, so a badly fragmented disk stays bounded.
                builder = AllocationMap(extents: builder.runs.map { Extent(offset: $0.offset, length: $0.length, hole: false, zero: false) } + extents)
                extents.removeAll(keepingCapacity: true)
            }
        }
        return AllocationMap(extents: builder.runs.map { Extent(offset: $0.offset, length: $0.length, hole: false, zero: false) } + extents)
    }

    /// The disk offset of allocated position `position` (< `totalBytes`).
    func diskOffset(ofAllocated position: UInt64) -> UInt64 {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= position { lo = mid } else { hi = mid - 1 }
        }
        return runs[lo].offset + (position - starts[lo])
    }
}
