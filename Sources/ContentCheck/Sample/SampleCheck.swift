import AuditCore
import DiskProbe

/// The outcome of checking a target against a content sample.
public struct SampleCheck: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var blockBytes: Int
    public var strideBytes: UInt64
    /// Blocks in the sample (each read from the target, or beyond its end).
    public var blocksCompared: Int
    /// Blocks whose hash differs (or that lie beyond the target's end), in offset order.
    public var mismatches: [SampleMismatch]
    /// Blocks that could not be read, on the source ("source: …") or the target ("target: …").
    public var unreadable: [ByteRange]

    /// True when a block could not be read: the check cannot pass, only fail or be inconclusive.
    public var inconclusive: Bool { !unreadable.isEmpty }

    /// `content-mismatch` (critical) and `unreadable-region` (warning, `"inconclusive": true`).
    public var findings: [Finding] {
        var out: [Finding] = []
        if let first = mismatches.first {
            let beyond = mismatches.filter { $0.actualSHA256 == nil }.count
            out.append(Finding(
                code: FindingCode.contentMismatch, severity: .critical,
                message: "\(mismatches.count) of \(blocksCompared) sampled blocks differ from the source, the first at offset "
                    + "\(first.offset) (\(first.purpose))\(beyond > 0 ? "; \(beyond) lie beyond the target's end" : ""). "
                    + "The volume does not hold its source's content; copy it again.",
                evidence: [
                    "mode": "sample",
                    "seed": .uint(seed),
                    "blockBytes": .number(blockBytes),
                    "strideBytes": .number(strideBytes),
                    "blocksCompared": .number(blocksCompared),
                    "blocksMismatched": .number(mismatches.count),
                    "firstMismatchOffset": .number(first.offset),
                    "mismatches": .array(mismatches.prefix(32).map {
                        ["offset": .number($0.offset), "length": .number($0.length), "purpose": .string($0.purpose),
                         "expectedSHA256": .string($0.expectedSHA256), "actualSHA256": .optional($0.actualSHA256)]
                    }),
                ]))
        }
        if !unreadable.isEmpty {
            out.append(ComparisonFindings.unreadable(unreadable, truncated: false))
        }
        return out
    }

    /// identical (every sampled block matched), different, or incomplete (something
    /// unreadable and nothing different).
    public var status: CompareResult.Status {
        if !mismatches.isEmpty { return .different }
        return unreadable.isEmpty ? .identical : .incomplete
    }
}

/// A sampled block whose hash on the target differs from the source's.
public struct SampleMismatch: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: Int
    public var purpose: String
    public var expectedSHA256: String
    /// nil when the block lies beyond the target's end.
    public var actualSHA256: String?
}

/// A sampled comparison of two targets, as `compare --sample` prints it.
public struct SampleComparison: Codable, Sendable, Equatable {
    public var schemaVersion = 1
    public var mode = "sample"
    public var source: String
    public var target: String
    public var sourceBytes: UInt64
    public var targetBytes: UInt64
    public var status: CompareResult.Status
    public var check: SampleCheck
    public var findings: [Finding]
    public var interrupted: Bool
    public var elapsedSeconds: Double

    /// 0 identical, 1 different, 2 incomplete or interrupted.
    public var exitCode: Int32 {
        if interrupted { return 2 }
        switch status {
        case .identical: return 0
        case .different: return 1
        case .incomplete: return 2
        }
    }
}
