import AuditCore

/// Partitions that reach past the source disk's capacity: a copy of that disk cannot have
/// them, whatever the volume's size.
public enum PartitionBoundsRule: DiskRule {
    /// The partition-bounds family.
    public static let family = RuleFamily.partitionBounds

    static func message(number: Int, end: UInt64, context: DiskContext) -> String {
        "Partition \(number) ends at byte \(end), past the \(context.disk.capacityBytes) bytes of "
            + "\(DiskContext.describe(context.disk)): it was not laid out for this disk."
    }

    /// One `partition-beyond-source` (error) per partition that ends past the source capacity,
    /// then the filesystems larger than their container (issue 9).
    public static func findings(in context: DiskContext) -> [Finding] {
        beyondSource(context) + FilesystemContainerRule.findings(in: context)
    }

    static func beyondSource(_ context: DiskContext) -> [Finding] {
        let capacity = context.disk.capacityBytes
        return context.probe.partitions.compactMap { p in
            let end = p.startBytes + p.sizeBytes
            guard end > capacity else { return nil }
            // Issue 10: the last partition grown with the label extended to the volume's end
            // (growpart) is reported as `label-extended-to-volume`, not as a foreign layout.
            if context.labelExtension?.grownPartitions.contains(p.number) == true { return nil }
            return Finding(code: FindingCode.partitionBeyondSource, severity: .error,
                           message: message(number: p.number, end: end, context: context),
                           evidence: ["partition": .number(p.number), "startBytes": .number(p.startBytes),
                                      "endBytes": .number(end), "sourceCapacityBytes": .number(capacity)])
        }
    }
}
