import AuditCore
import DiskProbe

/// The findings a full comparison reports, with their messages next to them.
enum ComparisonFindings {
    static func contentMismatch(differences: [DifferingExtent], differingBytes: UInt64, truncated: Bool) -> Finding {
        let first = differences.first?.offset ?? 0
        return Finding(
            code: FindingCode.contentMismatch, severity: .critical,
            message: "\(ByteSize.human(differingBytes)) differ from the source in \(differences.count)\(truncated ? "+" : "") extent(s), "
                + "the first at offset \(first). The volume does not hold its source's content; copy it again and compare.",
            evidence: [
                "mode": "full",
                "differingBytes": .number(differingBytes),
                "firstDifferenceOffset": .number(first),
                "extents": .array(differences.prefix(64).map { ["offset": .number($0.offset), "length": .number($0.length)] }),
                "extentsTruncated": .bool(truncated || differences.count > 64),
            ])
    }

    static func unreadable(_ regions: [ByteRange], truncated: Bool) -> Finding {
        let total = regions.reduce(UInt64(0)) { $0 + $1.length }
        return Finding(
            code: FindingCode.unreadableRegion, severity: .warning,
            message: "\(regions.count)\(truncated ? "+" : "") region(s), \(ByteSize.human(total)) in all, could not be read, "
                + "so the content check is inconclusive there. Check the NBD servers and volumes, then compare again.",
            evidence: [
                "inconclusive": true,
                "regions": .array(regions.prefix(256).map {
                    ["offset": .number($0.offset), "length": .number($0.length), "error": .optional($0.error)]
                }),
            ])
    }

    static func targetLargerZeroTail(sourceBytes: UInt64, targetBytes: UInt64) -> Finding {
        Finding(
            code: FindingCode.targetLargerThanSource, severity: .info,
            message: "The target is \(ByteSize.human(targetBytes - sourceBytes)) larger than the source and its tail is all zeros: "
                + "identical as far as the source reaches"
                // Issue 10: rounding to whole GiB explains less than a GiB of surplus, never more.
                + (targetBytes - sourceBytes < 1 << 30 ? " (volumes are often rounded up to whole GiB)." : "."),
            evidence: ["sourceBytes": .number(sourceBytes), "targetBytes": .number(targetBytes)])
    }

    static func targetSmaller(sourceBytes: UInt64, targetBytes: UInt64) -> Finding {
        Finding(
            code: FindingCode.targetSmallerThanSource, severity: .critical,
            message: "The target (\(ByteSize.human(targetBytes))) is smaller than the source (\(ByteSize.human(sourceBytes))): "
                + "it cannot hold the source's last \(sourceBytes - targetBytes) bytes.",
            evidence: ["sourceBytes": .number(sourceBytes), "targetBytes": .number(targetBytes)])
    }
}

