import BlockAccess

/// What to do with a run of bytes, from both sides' block status.
enum ReadPlan: Equatable {
    /// Zero on both sides: skipped, never read.
    case skip
    /// Data on both sides: read both, compare the buffers.
    case both
    /// Data on the source only (the target is a hole or zero): read the source, check zero.
    case sourceOnly
    /// Data on the target only, or the target's tail beyond the source: read it, check zero.
    case targetOnly
}

/// A run of bytes with one plan.
struct PlannedRun: Equatable {
    var offset: UInt64
    var length: UInt64
    var plan: ReadPlan
    var end: UInt64 { offset + length }
}

/// Turns the block status of both sides into planned runs.
enum RangeClassifier {
    /// Classifies `[from, limit)`. `source` is nil beyond the source's end (target tail).
    /// Extents that are missing or leave gaps count as data: unknown is never skipped.
    /// Returns the runs and where classification stopped (the shorter side's status end).
    static func classify(source: [Extent]?, target: [Extent], from: UInt64, limit: UInt64) -> (runs: [PlannedRun], end: UInt64) {
        let stop = min(limit, statusEnd(target, from: from, limit: limit),
                       source.map { statusEnd($0, from: from, limit: limit) } ?? limit)
        var runs: [PlannedRun] = []
        var pos = from
        var si = 0, ti = 0
        while pos < stop {
            let t = state(target, at: pos, index: &ti, limit: stop)
            var next = t.end
            let plan: ReadPlan
            if let source {
                let s = state(source, at: pos, index: &si, limit: stop)
                next = min(next, s.end)
                switch (s.zero, t.zero) {
                case (true, true): plan = .skip
                case (true, false): plan = .targetOnly
                case (false, true): plan = .sourceOnly
                case (false, false): plan = .both
                }
            } else {
                plan = t.zero ? .skip : .targetOnly
            }
            if let last = runs.last, last.plan == plan, last.end == pos {
                runs[runs.count - 1].length += next - pos
            } else {
                runs.append(PlannedRun(offset: pos, length: next - pos, plan: plan))
            }
            pos = next
        }
        return (runs, stop)
    }

    /// Where the extents stop covering contiguously from `from` (at least one byte ahead,
    /// so classification always advances: an empty status means "data to the limit").
    private static func statusEnd(_ extents: [Extent], from: UInt64, limit: UInt64) -> UInt64 {
        guard let first = extents.first, first.offset <= from else { return limit }
        var end = first.end
        for e in extents.dropFirst() {
            guard e.offset == end else { break }
            end = e.end
        }
        return end > from ? min(end, limit) : limit
    }

    /// Whether `pos` reads as zero, and where that state ends.
    private static func state(_ extents: [Extent], at pos: UInt64, index: inout Int, limit: UInt64) -> (zero: Bool, end: UInt64) {
        while index < extents.count, extents[index].end <= pos { index += 1 }
        guard index < extents.count, extents[index].offset <= pos else { return (false, limit) }
        return (extents[index].zero, min(extents[index].end, limit))
    }
}
