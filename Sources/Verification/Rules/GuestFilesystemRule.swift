import AuditCore
import SourceInventory

/// A filesystem the guest reported on one disk (VMware Tools `guest.disk[]`) should show
/// up on that disk's volume as a partition or whole-disk filesystem of about its size.
/// Filesystems that span several disks (LVM, RAID) are not checked. A warning only: the
/// guest's view can be stale.
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

    /// One `guest-filesystem-missing` warning per guest filesystem with no partition of about its size.
    public static func findings(in context: DiskContext) -> [Finding] {
        let sizes = context.probe.partitions.map(\.sizeBytes)
            + (context.probe.filesystem != nil ? [context.probe.sizeBytes] : [])
        return guestFilesystems(of: context).compactMap { fs in
            guard !sizes.contains(where: { fits(fs.capacityBytes, in: $0) }) else { return nil }
            return Finding(code: FindingCode.guestFilesystemMissing, severity: .warning,
                           message: message(fs, context: context),
                           evidence: ["path": .string(fs.path), "capacityBytes": .number(fs.capacityBytes),
                                      "type": .optional(fs.type),
                                      "partitionSizes": .array(sizes.map(JSONValue.number))])
        }
    }
}
