import AuditCore
import DiskProbe
import SourceInventory

/// A filesystem the guest reported on one disk (VMware Tools `guest.disk[].mappings`) should
/// show up on that disk's volume as a partition, whole-disk filesystem or LVM logical volume
/// of about its size that holds a signature or data — of the same family of filesystem when
/// both the guest and libblkid name one (ext2/3/4, FAT, NTFS, XFS, …). Filesystems that span
/// several disks (LVM, RAID) are not checked. One that is absent fails the disk (error); one
/// found on another disk's volume instead means the volumes are swapped (critical).
/// README.md, "Blank and half-written volumes".
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

    /// A place on a volume that could hold a filesystem: its size, and the type of the
    /// signature libblkid found there (nil: data without one).
    struct Container: Equatable {
        var sizeBytes: UInt64
        var type: String?
    }

    /// The containers on `probe` that could hold a filesystem: partitions (and the whole
    /// disk when it carries a signature) with a signature or, when measured, data, and LVs
    /// with a signature in place of the PV that holds them.
    static func containers(_ probe: ProbeResult) -> [Container] {
        // A PV whose LVs are known holds them, not one filesystem: its LVs count instead.
        let lvs = probe.logicalVolumes ?? []
        let partitions = probe.partitions.filter { p in
            guard p.partitionKind != .extended, !lvs.contains(where: { $0.place == "partition \(p.number)" }) else { return false }
            guard let extent = probe.dataExtent else { return true }
            return p.filesystem != nil || (extent.partition(p.number)?.holdsData ?? true)
        }
        let wholeDisk = probe.filesystem != nil && !lvs.contains { $0.place == "whole disk" }
            ? [Container(sizeBytes: probe.sizeBytes, type: probe.filesystem?.type)] : []
        // LVM logical volumes on the volume (README.md, "Logical volumes"): a guest's root
        // on an LV is as large as its LV, not as its PV's partition.
        let inLVs = lvs.filter { $0.filesystem != nil || probe.dataExtent == nil }
        return partitions.map { Container(sizeBytes: $0.sizeBytes, type: $0.filesystem?.type) } + wholeDisk
            + inLVs.map { Container(sizeBytes: $0.sizeBytes, type: $0.filesystem?.type) }
    }

    /// The family of a filesystem type as libblkid or the guest names it ("ext4", "FAT32",
    /// "NTFS", …); nil when the name says nothing of the filesystem: a container (LUKS, an
    /// LVM PV, RAID, BitLocker), FUSE's "fuseblk", or a type not listed here.
    static func family(_ type: String?) -> String? {
        guard let t = type?.lowercased() else { return nil }
        switch t {
        case "ext2", "ext3", "ext4", "ext4dev", "jbd": return "ext"
        case "vfat", "fat", "fat12", "fat16", "fat32", "msdos": return "fat"
        case "ntfs", "ntfs3": return "ntfs"
        case "xfs", "btrfs", "exfat", "refs", "f2fs", "jfs", "reiserfs", "nilfs2", "swap": return t
        default: return nil
        }
    }

    /// Whether `container` can hold the guest filesystem `fs`: about its size, and of its
    /// family when both types say one.
    static func fits(_ fs: GuestFilesystem, in container: Container) -> Bool {
        guard fits(fs.capacityBytes, in: container.sizeBytes) else { return false }
        guard let guest = family(fs.type), let found = family(container.type) else { return true }
        return guest == found
    }

    /// One `guest-filesystem-missing` finding per guest filesystem with no partition of
    /// about its size: critical when another disk's volume has one (swapped), else error.
    public static func findings(in context: DiskContext) -> [Finding] {
        let found = containers(context.probe)
        let sizes = found.map(\.sizeBytes)
        // Each container holds one filesystem: the largest filesystems take the smallest
        // containers that fit them first, so two guest filesystems never count one partition.
        var unused = found.sorted { $0.sizeBytes < $1.sizeBytes }
        var missing: [GuestFilesystem] = []
        for fs in guestFilesystems(of: context).sorted(by: { $0.capacityBytes > $1.capacityBytes }) {
            if let i = unused.firstIndex(where: { fits(fs, in: $0) }) { unused.remove(at: i) } else { missing.append(fs) }
        }
        return guestFilesystems(of: context).filter { fs in missing.contains { $0.path == fs.path } }.compactMap { fs in
            let elsewhere = context.peers.filter { peer in
                peer.disk.key != context.disk.key && containers(peer.probe).contains { fits(fs, in: $0) }
            }
            var message = message(fs, context: context)
            // A container of the size holding another kind of filesystem: named, as it is
            // what makes this volume look like another disk's.
            let otherKind = found.filter { fits(fs.capacityBytes, in: $0.sizeBytes) && !fits(fs, in: $0) }.compactMap(\.type)
            if let other = otherKind.first {
                message += " One of about that size holds \(other), not the \(fs.type ?? "filesystem") the guest reported."
            }
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
            var evidence: [String: JSONValue] = [
                "path": .string(fs.path), "capacityBytes": .number(fs.capacityBytes), "type": .optional(fs.type),
                "partitionSizes": .array(sizes.map(JSONValue.number)), "foundOnDisks": .array(elsewhere.map { .string($0.disk.key) }),
            ]
            if !otherKind.isEmpty { evidence["otherTypesOfThatSize"] = .array(otherKind.map { .string($0) }) }
            return Finding(code: FindingCode.guestFilesystemMissing, severity: severity, message: message, evidence: evidence)
        }
    }
}
