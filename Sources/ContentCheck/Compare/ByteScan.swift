#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Fast checks over read buffers: all-zero, equal, and where two buffers differ.
enum ByteScan {
    /// The granule at which differing runs are located: one 512-byte sector.
    static let granule = 512

    /// Allocated once, never written after initialisation.
    nonisolated(unsafe) private static let zeros: UnsafeMutableRawBufferPointer = {
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 4096)
        b.initializeMemory(as: UInt8.self, repeating: 0)
        return b
    }()

    /// Whether every byte of `buffer` is zero (`memcmp` against a zero page, 64 KiB at a time).
    static func isZero(_ buffer: UnsafeRawBufferPointer) -> Bool {
        guard var p = buffer.baseAddress else { return true }
        var left = buffer.count
        while left > 0 {
            let n = min(left, zeros.count)
            if memcmp(p, zeros.baseAddress!, n) != 0 { return false }
            p += n
            left -= n
        }
        return true
    }

    /// Whether two buffers of the same length hold the same bytes.
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        precondition(a.count == b.count)
        guard a.count > 0 else { return true }
        return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    /// Runs of granules where `a` and `b` differ, as (offset within the buffer, length).
    /// With `b` nil, runs where `a` is not zero (the other side is a hole).
    static func differingRuns(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer?) -> [(Int, Int)] {
        var runs: [(Int, Int)] = []
        var at = 0
        while at < a.count {
            let n = min(granule, a.count - at)
            let piece = UnsafeRawBufferPointer(rebasing: a[at..<at + n])
            let differs: Bool
            if let b {
                differs = !equal(piece, UnsafeRawBufferPointer(rebasing: b[at..<at + n]))
            } else {
                differs = !isZero(piece)
            }
            if differs {
                if let last = runs.last, last.0 + last.1 == at {
                    runs[runs.count - 1].1 += n
                } else {
                    runs.append((at, n))
                }
            }
            at += n
        }
        return runs
    }
}
