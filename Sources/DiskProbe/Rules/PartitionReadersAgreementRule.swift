import AuditCore

/// `partition-readers-disagree`: libfdisk and libblkid's own parser read the partition table
/// differently — a different table type, a table only one of them accepts, or other partition
/// ranges. The evidence carries both readings and which one the probe used
/// (docs/PROBE.md, "Partition tables: two readers"). A DOS label that libfdisk reads in a
/// filesystem's boot sector (a FAT or NTFS volume without a partition table) is rejected and
/// reported as `info`: that disagreement is explained. Any other disagreement is a `warning`:
/// tools and the guest may see different layouts.
enum PartitionReadersAgreementRule: ProbeRule {
    static let code = FindingCode.partitionReadersDisagree

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let readers = probe.partitionReaders, readers.disagree else { return [] }
        func describe(_ r: PartitionReading?) -> String {
            guard let r else { return "no partition table" }
            return "a \(r.type) table with \(r.partitions.count) partition\(r.partitions.count == 1 ? "" : "s")"
        }
        func evidence(_ r: PartitionReading?) -> JSONValue {
            guard let r else { return .null }
            return ["type": .string(r.type), "id": .optional(r.id), "partitions": .array(r.partitions.map { p in
                ["number": .number(p.number), "startBytes": .number(p.startBytes), "sizeBytes": .number(p.sizeBytes),
                 "type": .string(p.type), "nestedTable": .optional(p.nestedTable)]
            })]
        }
        // The whole disk's type: what libblkid found, or the prober whose boot sector was read
        // but could not be followed (probe-incomplete).
        let wholeDiskType = probe.filesystem?.type ?? probe.incompleteProbes?.first { $0.place == "whole disk" }?.prober
        let bootSector = readers.rejected != nil && probe.partitionTable == nil
            && wholeDiskType.map { PartitionTableArbiter.bootSectorTypes.contains($0) } == true
        // libfdisk has drivers for these label types only; a table of another type (Atari, …)
        // can only come from libblkid, which is expected, not a conflict.
        let noDriver = readers.libfdisk == nil && readers.libblkid.map { ![LabelType.dos, .gpt, .sun, .sgi, .bsd].contains($0.labelType) } == true
        var message = "libfdisk reads \(describe(readers.libfdisk)); libblkid reads \(describe(readers.libblkid)). "
        if let rejected = readers.rejected {
            message += rejected + (bootSector ? " The volume is a whole-disk filesystem; nothing is wrong with it."
                                              : " Check the first sector with 'fdisk -l' and 'blkid -p' before trusting either layout.")
        } else if noDriver {
            message += "libfdisk has no driver for this table type; the partition list is libblkid's."
        } else {
            message += "The partition list used is \(readers.used)'s; compare both with 'fdisk -l' and 'blkid -p' — tools and the guest may see different layouts."
        }
        // The ranges only one reader lists (after the conventions the arbiter applies).
        let fdiskRanges = (readers.libfdisk?.partitions ?? []).filter { p in
            !PartitionTableArbiter.isWholeDiskConvention(p, table: readers.libfdisk?.type ?? "")
        }
        let blkidRanges = (readers.libblkid?.partitions ?? []).filter { $0.nestedTable == nil }
        func only(_ a: [PartitionEntrySignature], _ b: [PartitionEntrySignature]) -> JSONValue {
            .array(a.filter { p in !b.contains { $0.startBytes == p.startBytes && $0.sizeBytes == p.sizeBytes } }.map {
                ["number": .number($0.number), "startBytes": .number($0.startBytes), "sizeBytes": .number($0.sizeBytes)]
            })
        }
        return [Finding(
            code: code, severity: bootSector || noDriver ? .info : .warning, message: message,
            evidence: ["libfdisk": evidence(readers.libfdisk), "libblkid": evidence(readers.libblkid),
                       "used": .string(readers.used), "rejected": .optional(readers.rejected),
                       "onlyLibfdisk": only(fdiskRanges, blkidRanges), "onlyLibblkid": only(blkidRanges, fdiskRanges)])]
    }
}
