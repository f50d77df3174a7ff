import AuditCore
import SourceInventory

/// The exact difference between a label's implied size and a disk's capacity, so that a
/// label 512 bytes short is not hidden behind two sizes that both print as "10 GiB" (issue 21).
enum LabelSizeDifference {
    /// ": the label is 512 bytes smaller than the disk" and, when the inventory's capacity
    /// was rounded down to whole KiB, why the two may be one size.
    static func text(implied: UInt64, disk: SourceDisk) -> String {
        let capacity = disk.capacityBytes
        // Only where the rounded sizes hide it ("10 GiB … has 10737418240 bytes"): under 1 MiB.
        let difference = implied > capacity ? implied - capacity : capacity - implied
        guard implied != capacity, difference < 1 << 20 || ByteSize.human(implied) == ByteSize.human(capacity) else { return "" }
        var text = ": the label is \(difference) bytes \(implied > capacity ? "larger" : "smaller") than the disk"
        if disk.capacityFromKB == true, implied > capacity, difference < 1024 {
            text += " (the inventory's capacity is capacityInKB × 1024, rounded down to whole KiB because capacityInBytes "
                + "was 0: the label may be the disk's own; verify with sources or an inventory that has capacityInBytes)"
        }
        return text
    }
}
