/// Decides which partition table a disk has when libfdisk and libblkid's own parser read it
/// differently (docs/PROBE.md, "Partition tables: two readers").
///
/// - A DOS label counts only when libblkid's DOS prober accepts it too. libfdisk takes any
///   sector ending in 0x55AA for a DOS label; libblkid (and the kernel) reject boot sectors of
///   FAT, exFAT, NTFS, HPFS, BeFS and BitLocker volumes and entries whose boot indicator is
///   neither 0x00 nor 0x80. A rejected label yields no partitions, so no finding rests on it.
/// - A table libfdisk has no driver for (Atari) comes from libblkid.
/// - For Sun, SGI and BSD labels the partition list is libblkid's: it leaves out whole-disk
///   entries (Sun's "Whole disk", BSD's raw 'c' slice) and numbers BSD slices as the kernel does.
/// - Slices of a table nested in a DOS partition (a FreeBSD label in a 0xA5 partition) are
///   added from libblkid, which reads nested tables; libfdisk does not.
enum PartitionTableArbiter {
    struct Decision {
        /// The label to use (nil: no partition table).
        var label: FdiskLabel?
        var readers: PartitionReaders?
    }

    /// Signature types whose boot sector sits in LBA 0 and ends in 0x55AA.
    static let bootSectorTypes: Set<String> = ["vfat", "msdos", "exfat", "ntfs", "hpfs", "befs", "BitLocker", "refs"]

    /// Chooses between libfdisk's `fdisk` label and libblkid's `blkid` reading. `lba0` is the
    /// raw first sector (nil when unread); `wholeDiskType` is the signature libblkid found on
    /// the whole disk.
    static func decide(fdisk: FdiskLabel?, blkid: PartitionReading?, lba0: [UInt8]?, wholeDiskType: String?,
                       sectorSize: Int) -> Decision {
        let ss = UInt64(sectorSize)
        let fdiskReading = fdisk.map { label in
            PartitionReading(type: label.type, id: label.diskId, partitions: label.partitions.map { p in
                PartitionEntrySignature(number: p.partno + 1, startBytes: p.startLBA &* ss, sizeBytes: p.sectors &* ss,
                                        type: p.type, uuid: p.uuid, name: p.name)
            })
        }
        guard fdisk != nil || blkid != nil else { return Decision(label: nil, readers: nil) }
        var decision = Decision(label: fdisk)
        var rejected: String?
        if let f = fdisk, f.labelType == .dos, f.decodedBy == "libfdisk", blkid?.labelType != .dos {
            rejected = dosRejection(lba0: lba0, wholeDiskType: wholeDiskType, blkidType: blkid?.type)
            decision.label = nil
        }
        if decision.label == nil, let b = blkid, b.labelType != .protectiveMBR {
            decision.label = FdiskLabel(type: b.type, diskId: b.id, gptItems: [:],
                                        partitions: b.partitions.map { partition($0, sectorSize: ss, table: b.type) },
                                        warnings: [], decodedBy: "libblkid")
        } else if var label = decision.label, label.decodedBy == "libfdisk", let b = blkid, b.type == label.type {
            if label.labelType == .dos || label.labelType == .gpt {
                let extra = b.partitions.filter { e in
                    e.nestedTable != nil && !label.partitions.contains { $0.startLBA &* ss == e.startBytes && $0.sectors &* ss == e.sizeBytes }
                }
                if !extra.isEmpty {
                    label.partitions += extra.map { partition($0, sectorSize: ss, table: b.type) }
                    label.decodedBy = "libfdisk+libblkid"
                }
            } else {
                // libblkid's list and numbering; libfdisk's details where the ranges match.
                label.partitions = b.partitions.map { e in
                    guard var p = label.partitions.first(where: { $0.startLBA &* ss == e.startBytes && $0.sectors &* ss == e.sizeBytes })
                    else { return partition(e, sectorSize: ss, table: b.type) }
                    p.partno = e.number - 1
                    return p
                }
                label.decodedBy = "libblkid"
            }
            decision.label = label
        }
        let used = decision.label?.decodedBy ?? "none"
        decision.readers = PartitionReaders(libfdisk: fdiskReading, libblkid: blkid, used: used, rejected: rejected,
                                            disagree: rejected != nil || differ(fdiskReading, blkid, fdiskDecodedBy: fdisk?.decodedBy))
        return decision
    }

    /// Whether the readings differ in type or partition ranges. Whole-disk entries that only
    /// libfdisk lists (Sun type 0x05, BSD slices of type 0x00) and slices of nested tables
    /// that only libblkid reads are conventions, not disagreements. A GPT that libfdisk
    /// refused and the raw decoder read is explained by its own note, not compared.
    static func differ(_ f: PartitionReading?, _ b: PartitionReading?, fdiskDecodedBy: String?) -> Bool {
        if fdiskDecodedBy == "raw-gpt-entries" { return false }
        guard let f, let b else { return (f == nil) != (b == nil) && (b?.type ?? "") != "PMBR" }
        guard f.type == b.type else { return true }
        struct Range: Hashable { var start: UInt64; var size: UInt64 }
        let fr = Set(f.partitions.filter { !isWholeDiskConvention($0, table: f.type) }.map { Range(start: $0.startBytes, size: $0.sizeBytes) })
        let br = Set(b.partitions.filter { $0.nestedTable == nil }.map { Range(start: $0.startBytes, size: $0.sizeBytes) })
        return fr != br
    }

    /// libfdisk's whole-disk entries that libblkid does not list as partitions.
    static func isWholeDiskConvention(_ p: PartitionEntrySignature, table: String) -> Bool {
        (table == "sun" && p.type == "0x05") || (table == "bsd" && p.type == "0x00")
    }

    /// Why libblkid's rules reject the DOS label libfdisk accepted.
    private static func dosRejection(lba0: [UInt8]?, wholeDiskType: String?, blkidType: String?) -> String {
        var reasons: [String] = []
        if let t = wholeDiskType, bootSectorTypes.contains(t) {
            reasons.append("LBA 0 is a \(t) boot sector, not a partition table")
        } else if let t = wholeDiskType {
            reasons.append("the whole disk carries a \(t) signature")
        }
        let bad = invalidBootIndicators(lba0)
        if !bad.isEmpty {
            reasons.append("boot indicator" + (bad.count == 1 ? "" : "s") + " "
                + bad.map { "\(MBRParser.hexByte($0.value)) in entry \($0.entry)" }.joined(separator: ", ")
                + " (only 0x00 and 0x80 are valid)")
        }
        if reasons.isEmpty { reasons.append("libblkid's DOS prober does not accept it") }
        let other = blkidType.map { "libblkid reads a \($0) table" } ?? "libblkid finds no partition table"
        return "libfdisk's DOS label was not used: " + reasons.joined(separator: "; ") + "; \(other)."
    }

    /// The DOS entries (1…4) of `sector` whose boot indicator is neither 0x00 nor 0x80.
    static func invalidBootIndicators(_ sector: [UInt8]?) -> [(entry: Int, value: UInt8)] {
        guard let sector, sector.count >= 512 else { return [] }
        return (0..<4).compactMap { i in
            let b = sector[446 + 16 * i]
            return b == 0 || b == 0x80 ? nil : (i + 1, b)
        }
    }

    /// A libblkid entry as a partition. In a DOS table, an extended-type entry is a container
    /// and entries numbered 5 and up are logical partitions (as libfdisk marks them).
    private static func partition(_ e: PartitionEntrySignature, sectorSize ss: UInt64, table: String) -> FdiskPartition {
        let dos = table == "dos" && e.nestedTable == nil
        let extended = dos && MBRParser.extendedTypes.contains { MBRParser.hexByte($0) == e.type }
        return FdiskPartition(partno: e.number - 1, startLBA: e.startBytes / ss, sectors: e.sizeBytes / ss, type: e.type,
                              typeName: nil, uuid: e.uuid, name: e.name, bootable: false, isContainer: extended,
                              isNested: dos && !extended && e.number >= 5,
                              nestedIn: e.nestedTable == nil ? nil : (e.parent ?? 0))
    }
}
