import AuditCore
import DiskProbe

/// The outcome of a full comparison. Its JSON form is `compare --format json`.
///
/// `status` is `incomplete` whenever something could not be read or the run was
/// interrupted: a comparison that did not see every byte never says `identical`.
public struct CompareResult: Codable, Sendable, Equatable {
    /// identical, different, or incomplete (unreadable regions or interrupted).
    public enum Status: String, Codable, Sendable {
        case identical, different, incomplete
    }

    public var schemaVersion = 1
    public var source: String
    public var target: String
    public var status: Status
    /// True only when every byte up to the source's size was read or known zero on both
    /// sides and matched, and the target is not smaller.
    public var identical: Bool
    public var sourceBytes: UInt64
    public var targetBytes: UInt64
    /// Bytes read and checked: both sides compared, or one side checked zero against the
    /// other side's hole.
    public var bytesCompared: UInt64
    /// Bytes that both sides report as holes or zeros, never read.
    public var bytesSkippedAsHoles: UInt64
    /// Of `bytesCompared`, bytes where one side was a hole and the other was checked zero.
    public var bytesCheckedAgainstHoles: UInt64
    /// Total bytes that differ (exact, even when the list is cut).
    public var differingBytes: UInt64
    /// Differing extents in offset order, at 512-byte granularity, up to the limit.
    public var differences: [DifferingExtent]
    public var differencesTruncated: Bool
    /// Regions that could not be read, with the error and the side.
    public var unreadable: [ByteRange]
    public var unreadableTruncated: Bool
    /// Stopped early (SIGINT or a cancellation): the result is partial.
    public var interrupted: Bool
    /// Info, warnings and the reasons behind the status, as findings (`content-mismatch`,
    /// `unreadable-region`, `target-larger-than-source`, `target-smaller-than-source`).
    public var findings: [Finding]
    /// Lines for people, e.g. how a larger target's tail was judged.
    public var notes: [String]
    /// Worker connections per side, requests in flight and request size used.
    public var connections: Int
    public var requestsInFlight: Int
    public var requestBytes: Int
    public var elapsedSeconds: Double

    /// Bytes per second over `bytesCompared + bytesSkippedAsHoles`.
    public var bytesPerSecond: Double {
        elapsedSeconds > 0 ? Double(bytesCompared + bytesSkippedAsHoles) / elapsedSeconds : 0
    }

    /// Exit code as `qemu-img compare`: 0 identical, 1 different, 2 error or incomplete.
    public var exitCode: Int32 {
        switch status {
        case .identical: 0
        case .different: 1
        case .incomplete: 2
        }
    }
}

/// A run of bytes that differ between source and target.
public struct DifferingExtent: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64

    /// A differing run of `length` bytes at `offset`.
    public init(offset: UInt64, length: UInt64) {
        self.offset = offset
        self.length = length
    }

    public var end: UInt64 { offset + length }
}
