import AuditCore
import DiskProbe
import SourceInventory

/// A GPT that was extended to the end of a larger volume after the copy (issue 10):
/// `sgdisk -e`, `growpart` or cloud-init move the backup header to the volume's new last
/// LBA and raise LastUsableLBA (growpart also grows the last partition), while the disk
/// GUID and the partition entries stay the source's. Such a label is sized for the
/// *volume*, not for the source disk — and when the volume happens to be exactly as large
/// as another disk of the VM, its size alone would name that disk. Identity decides:
/// a label whose identities are this disk's source's (or, without references, are found on
/// no other volume of the VM) is this disk's own label, extended (README: findings,
/// `label-extended-to-volume`).
public struct LabelExtension: Sendable, Equatable {
    /// What shows the label is this disk's own.
    public enum Basis: String, Sendable, Equatable {
        /// Disk GUID and partition entries equal the source's (live or baseline).
        case matchesSource = "matches-source"
        /// No reference; no other volume of the VM carries its disk GUID or partition GUIDs.
        case uniqueInVM = "unique-in-vm"
    }

    /// The size the extended label describes: the volume's size.
    public var impliedDiskBytes: UInt64
    /// The source disk's capacity.
    public var sourceCapacityBytes: UInt64
    public var basis: Basis
    /// Partitions that end beyond the source's capacity (grown with the label, as growpart does).
    public var grownPartitions: [Int]
    /// The disk GUID the label keeps.
    public var diskGUID: String?
    /// The DOS disk signature the label keeps (DOS labels).
    public var mbrSignature: String? = nil

    /// Whether `probe`'s GPT is `disk`'s own label extended to the volume's end; nil when it
    /// is not (no GPT, not sized for the volume, identities of another disk, or ambiguous).
    /// - Parameters:
    ///   - reference: the source's probe (live or baseline), when there is one.
    ///   - others: the other disks' read volumes (for uniqueness without a reference, and to
    ///     notice a label of this disk's size on another volume).
    ///   - inventory: the VM's disks, to notice a disk of the label's size whose volume was not read.
    public static func assess(disk: SourceDisk, probe: ProbeResult, reference: ProbeResult?,
                              others: [(disk: SourceDisk, probe: ProbeResult)], inventory: Inventory? = nil) -> LabelExtension? {
        if probe.partitionTable?.labelType == .dos {
            return assessDOS(disk: disk, probe: probe, reference: reference, others: others)
        }
        guard let table = probe.partitionTable, table.labelType == .gpt, let implied = table.impliedDiskBytes,
              implied == probe.sizeBytes, implied > disk.capacityBytes else { return nil }
        let witnesses = probe.witnesses
        guard let primary = witnesses.primaryGPT, primary.signatureValid, primary.headerCRCValid else { return nil }
        // The header at the volume's end must be this label's own backup, not an older label's.
        if let end = witnesses.endGPT, end.signatureValid,
           DiskIdentity.normalize(end.diskGUID) != DiskIdentity.normalize(primary.diskGUID) { return nil }
        let found = DiskIdentity(probe)
        guard let guid = found.diskGUID else { return nil }
        let grown = grownPartitions(found.layout, capacity: disk.capacityBytes, sectorSize: probe.sectorSize)
        guard let grown else { return nil }

        if let reference {
            let want = DiskIdentity(reference)
            guard want.labelType == .gpt, want.diskGUID == guid, want.partitionGUIDs == found.partitionGUIDs,
                  layoutExtends(want.layout, to: found.layout, grown: grown) else { return nil }
            // A source whose own label already says the volume's size is not an extension.
            return LabelExtension(impliedDiskBytes: implied, sourceCapacityBytes: disk.capacityBytes,
                                  basis: .matchesSource, grownPartitions: grown, diskGUID: guid)
        }
        // Without references, a label sized exactly for another disk whose own volume was not
        // read cannot be told from that disk's label: no excuse.
        if let sameSize = inventory?.disks.filter({ $0.key != disk.key && $0.capacityBytes == implied }),
           sameSize.contains(where: { d in !others.contains { $0.disk.key == d.key } }) { return nil }
        let mine = Set([guid] + found.partitionGUIDs.values)
        for other in others where other.disk.key != disk.key {
            let theirs = DiskIdentity(other.probe)
            let values = Set([theirs.diskGUID].compactMap { $0 } + theirs.partitionGUIDs.values)
            if !mine.isDisjoint(with: values) { return nil }
            // Another volume carries a label written for this disk's size (not its own): this
            // disk's label may be that one, and this one a foreign label — do not excuse it.
            if let theirImplied = theirs.impliedDiskBytes, theirImplied == disk.capacityBytes,
               theirImplied != other.disk.capacityBytes { return nil }
        }
        return LabelExtension(impliedDiskBytes: implied, sourceCapacityBytes: disk.capacityBytes,
                              basis: .uniqueInVM, grownPartitions: grown, diskGUID: guid)
    }

    /// A DOS (MBR) label on a larger volume whose last partition was grown past the source's
    /// end (growpart): the disk signature and every other entry are the source's (or,
    /// without references, the signature is on no other volume of the VM). DOS labels record
    /// no disk size, so only the grown partition tells.
    static func assessDOS(disk: SourceDisk, probe: ProbeResult, reference: ProbeResult?,
                          others: [(disk: SourceDisk, probe: ProbeResult)]) -> LabelExtension? {
        guard probe.sizeBytes > disk.capacityBytes else { return nil }
        let found = DiskIdentity(probe)
        guard let signature = found.mbrSignature,
              let grown = grownPartitions(found.layout, capacity: disk.capacityBytes, sectorSize: probe.sectorSize, backupSectors: 0),
              !grown.isEmpty,
              found.layout.allSatisfy({ $0.startBytes + $0.sizeBytes <= probe.sizeBytes }) else { return nil }
        if let reference {
            let want = DiskIdentity(reference)
            guard want.labelType == .dos, want.mbrSignature == signature,
                  layoutExtends(want.layout, to: found.layout, grown: grown) else { return nil }
            return LabelExtension(impliedDiskBytes: probe.sizeBytes, sourceCapacityBytes: disk.capacityBytes,
                                  basis: .matchesSource, grownPartitions: grown, diskGUID: nil, mbrSignature: signature)
        }
        for other in others where other.disk.key != disk.key {
            let theirs = DiskIdentity(other.probe)
            if theirs.mbrSignature == signature { return nil }
            if !Set(found.filesystemUUIDs.values).isDisjoint(with: theirs.filesystemUUIDs.values) { return nil }
        }
        return LabelExtension(impliedDiskBytes: probe.sizeBytes, sourceCapacityBytes: disk.capacityBytes,
                              basis: .uniqueInVM, grownPartitions: grown, diskGUID: nil, mbrSignature: signature)
    }

    /// The partitions that end past the source's capacity, or nil when the layout cannot be
    /// the source's label extended: only the last partition may have grown past the
    /// capacity (as growpart grows it), and every partition starts inside the source disk.
    static func grownPartitions(_ layout: [PartitionPlacement], capacity: UInt64, sectorSize: Int,
                                backupSectors: UInt64? = nil) -> [Int]? {
        // A GPT written for `capacity` ends its usable area before the backup entries and
        // header (33 sectors of 512 bytes, 5 of 4096 for 128 entries of 128 bytes); DOS has none.
        let backup = backupSectors ?? (UInt64(128 * 128) + UInt64(sectorSize) - 1) / UInt64(max(sectorSize, 1)) + 1
        let reserved = backup * UInt64(sectorSize)
        let usableEnd = capacity > reserved ? capacity - reserved : capacity
        guard let last = layout.max(by: { $0.startBytes < $1.startBytes }) else { return [] }
        var grown: [Int] = []
        for p in layout {
            guard p.startBytes < usableEnd else { return nil }
            if p.startBytes + p.sizeBytes > usableEnd {
                guard p == last else { return nil }
                grown.append(p.number)
            }
        }
        return grown
    }

    /// Whether `found` is `source`'s layout with at most the grown partitions made longer
    /// (same numbers, starts and types; a grown partition only ever larger).
    static func layoutExtends(_ source: [PartitionPlacement], to found: [PartitionPlacement], grown: [Int]) -> Bool {
        guard source.count == found.count else { return false }
        let byNumber = Dictionary(found.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        for s in source {
            guard let f = byNumber[s.number], f.startBytes == s.startBytes, f.type == s.type else { return false }
            if f.sizeBytes == s.sizeBytes { continue }
            guard f.sizeBytes > s.sizeBytes, isLast(f, in: found) else { return false }
        }
        return true
    }

    static func isLast(_ p: PartitionPlacement, in layout: [PartitionPlacement]) -> Bool {
        layout.allSatisfy { $0.startBytes <= p.startBytes }
    }
}
