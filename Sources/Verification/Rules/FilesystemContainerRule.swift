import AuditCore
import DiskProbe

/// `filesystem-larger-than-container` (critical) in verify: the probe's finding that a
/// filesystem or LUKS header claims more than its partition or disk holds, with the
/// inventory disk it would fit — the disk it was most likely written on (README.md,
/// "Filesystem sizes"). Its findings are reported with the partition bounds
/// (`PartitionBoundsRule` runs it): a filesystem past its container's end.
public enum FilesystemContainerRule {
    /// One finding per oversize filesystem, naming the smallest other disk of the VM it fits.
    public static func findings(in context: DiskContext) -> [Finding] {
        context.probe.findings.filter { $0.code == FindingCode.filesystemLargerThanContainer }.map { probeFinding in
            var f = probeFinding
            // inspect reports a whole-disk one as a warning (it cannot tell a truncated image);
            // against the disk it was meant to hold, any of them is critical.
            f.severity = .critical
            guard let needed = f.evidence["diskBytesNeeded"]?.uint64Value else { return f }
            let fits = context.inventory.disks.filter { $0.capacityBytes >= needed }.sorted { $0.capacityBytes < $1.capacityBytes }
            f.evidence["wouldFitDisks"] = .array(fits.map { .string($0.key) })
            f.evidence["sourceCapacityBytes"] = .number(context.disk.capacityBytes)
            if let other = fits.first(where: { $0.key != context.disk.key }) {
                f.message += " It would fit \(DiskContext.describe(other)), which needs at least \(needed) bytes: "
                    + "check whether this volume carries that disk's data."
            } else if fits.contains(where: { $0.key == context.disk.key }) {
                f.message += " \(DiskContext.describe(context.disk)) is large enough for it: the partition table, "
                    + "not the volume, is too small — it may come from another disk."
            } else {
                f.message += " No disk of this VM is large enough for it (\(needed) bytes needed)."
            }
            return f
        }
    }
}
