import AuditCore
import DiskProbe
import SourceInventory
import Verification

/// In-memory probe results and inventories for the rules' unit tests, shaped like what
/// DiskProber returns for the seed's disks.
enum ProbeValues {
    static let gib: UInt64 = 1 << 30
    /// 115 GiB and 10 GiB: the seed's disks.
    static let disk2000 = SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 115 * gib)
    static let disk2001 = SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 10 * gib)
    static let inventory = Inventory(vm: VMIdentity(name: "pgtest1", format: "govc-vm-info"), disks: [disk2000, disk2001])

    static func header(lba: UInt64, alternateLBA: UInt64, guid: String, sha: Character = "a") -> GPTHeaderWitness {
        GPTHeaderWitness(lba: lba, signatureValid: true, headerCRCValid: true, entriesCRCValid: true, revision: "1.0",
                         headerSize: 92, diskGUID: guid, myLBA: lba, alternateLBA: alternateLBA, firstUsableLBA: 34,
                         lastUsableLBA: max(lba, alternateLBA) - 33, entriesLBA: lba == 1 ? 2 : lba - 32, entryCount: 128,
                         entrySize: 128, sha256: String(repeating: sha, count: 64))
    }

    /// A GPT volume of `volumeBytes` whose label was written for `labelBytes`, with
    /// partitions (start, size in bytes, partition GUID, filesystem UUID).
    static func gpt(volumeBytes: UInt64, labelBytes: UInt64, guid: String,
                    partitions: [(start: UInt64, size: UInt64, guid: String, fs: String?)],
                    endHeaderGUID: String? = nil, target: String = "nbd+unix:///vol?socket=/s") -> ProbeResult {
        let alternate = labelBytes / 512 - 1
        let parts = partitions.enumerated().map { i, p in
            Partition(number: i + 1, startBytes: p.start, sizeBytes: p.size, startLBA: p.start / 512,
                      endLBA: (p.start + p.size) / 512 - 1, type: "0FC63DAF-8483-4772-8E79-3D69D8477DE4", uuid: p.guid,
                      filesystem: p.fs.map { FilesystemSignature(type: "ext4", uuid: $0) })
        }
        let primary = header(lba: 1, alternateLBA: alternate, guid: guid)
        var witnesses = Witnesses(primaryGPT: primary)
        if alternate < volumeBytes / 512 { witnesses.backupGPT = header(lba: alternate, alternateLBA: 1, guid: guid, sha: "b") }
        let last = volumeBytes / 512 - 1
        if let endHeaderGUID { witnesses.endGPT = header(lba: last, alternateLBA: 1, guid: endHeaderGUID, sha: "c") }
        else if last == alternate { witnesses.endGPT = witnesses.backupGPT }
        let table = PartitionTable(
            type: "gpt", diskId: guid,
            gpt: GPTLabel(currentLBA: 1, alternateLBA: alternate, firstUsableLBA: 34, lastUsableLBA: alternate - 33,
                          entriesLBA: 2, entryCount: 128, entrySize: 128),
            impliedDiskBytes: labelBytes)
        return ProbeResult(target: target, sizeBytes: volumeBytes, sectorSize: 512, partitionTable: table,
                           partitions: parts, witnesses: witnesses)
    }

    /// A DOS volume with disk signature `signature` and primary partitions.
    static func dos(volumeBytes: UInt64, signature: String, partitions: [(start: UInt64, size: UInt64, fs: String?)],
                    target: String = "nbd+unix:///dos?socket=/s") -> ProbeResult {
        let parts = partitions.enumerated().map { i, p in
            Partition(number: i + 1, startBytes: p.start, sizeBytes: p.size, startLBA: p.start / 512,
                      endLBA: (p.start + p.size) / 512 - 1, type: "0x83", kind: "primary",
                      filesystem: p.fs.map { FilesystemSignature(type: "ext4", uuid: $0) })
        }
        let entries = parts.map { MBREntry(index: $0.number, bootable: false, type: "0x83", startLBA: $0.startLBA,
                                           sectors: $0.sizeBytes / 512) }
        return ProbeResult(target: target, sizeBytes: volumeBytes, sectorSize: 512,
                           partitionTable: PartitionTable(type: "dos", diskId: signature,
                                                          impliedMinimumDiskBytes: parts.map { $0.startBytes + $0.sizeBytes }.max()),
                           partitions: parts,
                           witnesses: Witnesses(mbr: MBRWitness(bootSignatureValid: true, diskSignature: signature, entries: entries)))
    }

    /// Disk 2001's source: 10 GiB GPT, data + swap.
    static func source2001(volumeBytes: UInt64 = 10 * gib, endHeaderGUID: String? = nil, target: String = "vol2001") -> ProbeResult {
        gpt(volumeBytes: volumeBytes, labelBytes: 10 * gib, guid: "2001BBBB-0000-4000-8000-000000002001",
            partitions: [(1 << 20, 8 * gib, "2001BBBB-0001-4000-8000-000000002001", "20010001-da7a-4e00-8000-000000002001"),
                         (8 * gib + (1 << 20), 2 * gib - (2 << 20), "2001BBBB-0002-4000-8000-000000002001", nil)],
            endHeaderGUID: endHeaderGUID, target: target)
    }

    /// Disk 2000's source: 115 GiB GPT, three partitions.
    static func source2000(target: String = "vol2000") -> ProbeResult {
        gpt(volumeBytes: 115 * gib, labelBytes: 115 * gib, guid: "2000AAAA-0000-4000-8000-000000002000",
            partitions: [(1 << 20, 512 << 20, "2000AAAA-0001-4000-8000-000000002000", nil),
                         (513 << 20, gib, "2000AAAA-0002-4000-8000-000000002000", "20000002-b007-4e00-8000-000000002000"),
                         ((513 << 20) + gib, 113 * gib, "2000AAAA-0003-4000-8000-000000002000", "20000003-7007-4e00-8000-000000002000")],
            target: target)
    }

    /// The seed's contaminated volume of disk 2000: 2001's label on 115 GiB, 2000's backup at the end.
    static var contaminated2000: ProbeResult {
        source2001(volumeBytes: 115 * gib, endHeaderGUID: "2000AAAA-0000-4000-8000-000000002000", target: "vol2000")
    }

    static func context(_ disk: SourceDisk, _ probe: ProbeResult, reference: ProbeResult? = nil,
                        inventory: Inventory = inventory) -> DiskContext {
        DiskContext(inventory: inventory, disk: disk, probe: probe, reference: reference)
    }
}
