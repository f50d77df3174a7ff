import AuditCore

/// Compares the volume's size with the source disk's capacity. A smaller volume cannot
/// hold its disk (critical); a larger one is normal (volumes are rounded up to whole GiB)
/// and is noted with how much was added.
public enum SizeRule: DiskRule {
    /// The size family.
    public static let family = RuleFamily.size

    static func smallerMessage(_ context: DiskContext, missing: UInt64) -> String {
        "The volume is \(ByteSize.human(context.probe.sizeBytes)) (\(context.probe.sizeBytes) bytes) but "
            + "\(DiskContext.describe(context.disk)) needs \(context.disk.capacityBytes) bytes: "
            + "the last \(ByteSize.human(missing)) of the disk cannot be on it."
    }

    static func largerMessage(_ context: DiskContext, extra: UInt64) -> String {
        // Issue 10: "rounded up" explains less than a GiB; a larger surplus is only stated.
        if extra < 1 << 30 {
            return "The volume is \(ByteSize.human(extra)) (\(extra) bytes) larger than \(DiskContext.describe(context.disk)), "
                + "as when a volume is rounded up to whole GiB; the extra space is not part of the disk."
        }
        return "The volume is larger than \(DiskContext.describe(context.disk)) by \(ByteSize.human(extra)) (\(extra) bytes): "
            + "more than rounding up to whole GiB adds. The extra space is not part of the disk; check that the volume "
            + "was created for this disk."
    }

    /// `target-smaller-than-source` (critical) or `target-larger-than-source` (info); nothing when equal.
    public static func findings(in context: DiskContext) -> [Finding] {
        let actual = context.probe.sizeBytes
        let expected = context.disk.capacityBytes
        let evidence: [String: JSONValue] = [
            "volumeBytes": .number(actual), "sourceCapacityBytes": .number(expected),
        ]
        if actual < expected {
            var e = evidence
            e["missingBytes"] = .number(expected - actual)
            return [Finding(code: FindingCode.targetSmallerThanSource, severity: .critical,
                            message: smallerMessage(context, missing: expected - actual), evidence: e)]
        }
        if actual > expected {
            var e = evidence
            e["roundedUpBytes"] = .number(actual - expected)
            return [Finding(code: FindingCode.targetLargerThanSource, severity: .info,
                            message: largerMessage(context, extra: actual - expected), evidence: e)]
        }
        return []
    }
}
