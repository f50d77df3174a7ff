import AuditCore
import SourceInventory

/// Inventory disks an image copy does not cover as they are in vSphere (README, "What
/// `verify` checks"): RDMs and raw devices (`disk-not-replicated-by-image`) and independent or
/// non-persistent disks (`disk-independent-mode`). Both are warnings about the VM, decided from
/// the inventory alone, so they are reported whether or not the disk was mapped or read; each
/// names its disk in `evidence.key`, so the disk's verdict accounts for it without failing.
public enum DiskBackingRule {
    /// One warning per disk whose backing or mode an image copy usually does not replicate.
    public static func findings(inventory: Inventory) -> [Finding] {
        inventory.disks.compactMap(finding)
    }

    static func finding(_ disk: SourceDisk) -> Finding? {
        guard let caveat = disk.replicationCaveat else { return nil }
        let evidence: [String: JSONValue] = [
            "key": .string(disk.key),
            "label": .optional(disk.label),
            "backingKind": .optional(disk.backingKind?.rawValue),
            "diskMode": .optional(disk.diskMode),
            "backingFile": .optional(disk.backingFile),
        ]
        let subject = "\(describe(disk)) is \(caveat)."
        switch disk.backingKind {
        case .rdmPhysical, .rdmVirtual, .rawDevice:
            return Finding(
                code: FindingCode.diskNotReplicatedByImage, severity: .warning,
                message: subject + " An image copy usually does not replicate an RDM: replicate the LUN itself (array "
                    + "replication or a block copy of the device) and map that copy to this disk, or confirm that the "
                    + "migration plan deliberately leaves this disk out.",
                evidence: evidence)
        default:
            let advice = disk.diskMode == "independent_persistent"
                ? " Confirm that the replication copied this disk (tools that read from snapshots skip independent disks), or copy it with the VM powered off."
                : " Non-persistent disks lose their changes: a copy holds the base disk, which is expected; confirm nothing on it had to be kept."
            return Finding(code: FindingCode.diskIndependentMode, severity: .warning, message: subject + advice, evidence: evidence)
        }
    }

    /// "Disk 2001 (Hard disk 2, 10 GiB)".
    private static func describe(_ disk: SourceDisk) -> String {
        let text = DiskContext.describe(disk)
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}
