import AuditCore
import DiskProbe
import SourceInventory

/// A filesystem the guest reported on one disk (VMware Tools `guest.disk[].mappings`) should
/// show up on that disk's volume as a partition, whole-disk filesystem or LVM logical volume
/// of about its size that holds a signature or data. Filesystems that span several disks
/// (LVM, RAID) are not checked. One that is absent fails the disk (error); one found on another disk's volume
/// instead means the volumes are swapped (critical). README.md, "Blank and half-written volumes".
public enum GuestFilesystemRule: DiskRule {
    /// The guest-filesystems family.
    public static let family = RuleFamily.guestFilesystems

    /// Skipped when no guest filesystem lives on this disk alone.
    public static func skipReason(in context: DiskContext) -> String? {
        guestFilesystems(of: context).isEmpty ? "the inventory reports no guest filesystem on this disk alone" : nil
    }

    static func guestFilesystems(of context: DiskContext) -> [GuestFilesystem] {
        context.inventory.guestFilesystems.filter { $0.diskKeys == [context.disk.key] && $0.capacityBytes > 0 }
    }

    static func message(_ fs: GuestFilesystem, context: DiskContext) -> String {
        "The guest reported \(fs.path) (\(fs.type ?? "filesystem"), \(ByteSize.human(fs.capacityBytes))) on "
            + "\(DiskContext.describe(context.disk)), but no partition or filesystem of about that size is on this volume."
    }

    /// Whether a container of `size` bytes can hold a guest filesystem of `capacity`
    /// bytes: at least as large, and not more than 15% + 256 MiB larger (filesystem overhead).
    static func fits(_ capacity: UInt64, in size: UInt64) -> Bool {
        size >= capacity && size <= capacity + capacity / 100 * 15 + 256 * 1024 * 1024
    }

    /// The sizes of the containers on `probe` that could hold a filesystem: partitions (and
    /// the whole disk when it carries a signature) with a signature or, when measured, data,
    /// and LVs with a signature in place of the PV that holds them.
    static func containerSizes(_ probe: ProbeResult) -> [UInt64] {
        // A PV whose LVs are known holds them, not one filesystem: its LVs count instead.
        let lvs = probe.logicalVolumes ?? []
        let partitions = probe.partitions.filter { p in
            guard p.partitionKind != .extended, !lvs.contains(where: { $0.place == "partition \(p.number)" }) else { return false }
            guard let extent = probe.dataExtent else { return true }
            return p.filesystem != nil || (extent.partition(p.number)?.holdsData ?? true)
        }
        // LVM logical volumes on the volume (README.md, "Logical volumes"): a guest's root
        // on an LV is as large as its LV, not as its PV's partition.
        let wholeDisk = probe.filesystem != nil && !lvs.contains { $0.place == "whole disk" } ? [probe.sizeBytes] : []
        return partitions.map(\.sizeBytes) + wholeDisk
            + lvs.filter { $0.filesystem != nil || probe.dataExtent == nil }.map(\.sizeBytes)
    }

    /// One `guest-filesystem-missing` finding per guest filesystem with no partition of
    /// about its size: critical when another disk's volume has one (swapped), else error.
    public static func findings(in context: DiskContext) -> [Finding] {
        let sizes = containerSizes(context.probe)
        // Each container holds one filesystem: the largest filesystems take the smallest
        // containers that fit them first, so two guest filesystems never count one partition.
        var unused = sizes.sorted()
        var missing: [GuestFilesystem] = []
        for fs in guestFilesystems(of: context).sorted(by: { $0.capacityBytes > $1.capacityBytes }) {
            if let i = unused.firstIndex(where: { fits(fs.capacityBytes, in: $0) }) { unused.remove(at: i) } else { missing.append(fs) }
        }
        return guestFilesystems(of: context).filter { fs in missing.contains { $0.path == fs.path } }.compactMap { fs in
            let elsewhere = context.peers.filter { peer in
                peer.disk.key != context.disk.key && containerSizes(peer.probe).contains { fits(fs.capacityBytes, in: $0) }
            }
            var message = message(fs, context: context)
            if let peer = elsewhere.first {
                message += " A partition of that size is on the volume of \(DiskContext.describe(peer.disk)) instead: "
                    + "the volumes look swapped. Check the target mapping (which volume each disk was written to)."
            } else {
                message += " The copy of this filesystem is missing: check that the replication completed and wrote this "
                    + "disk to this volume, and rerun it."
            }
            // Regions of the volume that could not be read prove nothing missing: a warning then.
            let severity: Severity = !context.probe.isComplete ? .warning : elsewhere.isEmpty ? .error : .critical
            if !context.probe.isComplete { message += " (Parts of the volume could not be read, so this is not proven.)" }
            return Finding(code: FindingCode.guestFilesystemMissing, severity: severity,
                           message: message,
                           evidence: ["path": .string(fs.path), "capacityBytes": .number(fs.capacityBytes),
                                      "type": .optional(fs.type),
                                      "partitionSizes": .array(sizes.map(JSONValue.number)),
                                      "foundOnDisks": .array(elsewhere.map { .string($0.disk.key) })])
        }
    }
}
