import AuditCore
import DiskProbe
import SourceInventory
import Verification

/// Reports built by the real verifier from in-memory probes: the seed incident, and a run
/// where one volume could not be opened.
enum SampleReports {
    static let gib: UInt64 = 1 << 30

    static func gptProbe(volumeBytes: UInt64, labelBytes: UInt64, guid: String, parts: [(UInt64, UInt64, String)],
                         endGUID: String? = nil, target: String) -> ProbeResult {
        let alternate = labelBytes / 512 - 1
        func header(_ lba: UInt64, _ guid: String) -> GPTHeaderWitness {
            GPTHeaderWitness(lba: lba, signatureValid: true, headerCRCValid: true, entriesCRCValid: true, revision: "1.0",
                             headerSize: 92, diskGUID: guid, myLBA: lba, alternateLBA: lba == 1 ? alternate : 1,
                             firstUsableLBA: 34, lastUsableLBA: alternate - 33, entriesLBA: 2, entryCount: 128, entrySize: 128,
                             sha256: String(repeating: "d", count: 64))
        }
        var witnesses = Witnesses(primaryGPT: header(1, guid))
        if let endGUID { witnesses.endGPT = header(volumeBytes / 512 - 1, endGUID) }
        let partitions = parts.enumerated().map { i, p in
            Partition(number: i + 1, startBytes: p.0, sizeBytes: p.1, startLBA: p.0 / 512, endLBA: (p.0 + p.1) / 512 - 1,
                      type: "8300", uuid: p.2, filesystem: FilesystemSignature(type: "ext4", uuid: "fs-" + p.2))
        }
        return ProbeResult(target: target, sizeBytes: volumeBytes, sectorSize: 512,
                           partitionTable: PartitionTable(type: "gpt", diskId: guid,
                                                          gpt: GPTLabel(currentLBA: 1, alternateLBA: alternate, firstUsableLBA: 34,
                                                                        lastUsableLBA: alternate - 33, entriesLBA: 2, entryCount: 128,
                                                                        entrySize: 128),
                                                          impliedDiskBytes: labelBytes),
                           partitions: partitions, witnesses: witnesses)
    }

    static func inventory(vmName: String = "pgtest1") -> Inventory {
        Inventory(vm: VMIdentity(name: vmName, moref: "vm-1043", format: "govc-vm-info"),
                  disks: [SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 115 * gib),
                          SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 10 * gib)])
    }

    static var vol2001: ProbeResult {
        gptProbe(volumeBytes: 10 * gib, labelBytes: 10 * gib, guid: "2001BBBB-0000",
                 parts: [(1 << 20, 8 * gib, "2001BBBB-0001")], target: "nbd+unix:///vol-ec4b3a8d?socket=/run/b.sock")
    }

    /// The seed incident: disk 2000's volume carries disk 2001's label.
    static func incident(vmName: String = "pgtest1") -> VerificationReport {
        let contaminated = gptProbe(volumeBytes: 115 * gib, labelBytes: 10 * gib, guid: "2001BBBB-0000",
                                    parts: [(1 << 20, 8 * gib, "2001BBBB-0001")], endGUID: "2000AAAA-0000",
                                    target: "nbd+unix:///vol-101328f1?socket=/run/a.sock")
        let input = VerificationInput(inventory: inventory(vmName: vmName), volumes: [
            "2000": VolumeObservation(target: contaminated.target, targetIdentity: "a", outcome: .probed(contaminated)),
            "2001": VolumeObservation(target: vol2001.target, targetIdentity: "b", outcome: .probed(vol2001)),
        ])
        return Verifier.verify(input, tool: ToolInfo(version: "0.1.0"), startedAt: "2026-11-28T13:00:00Z",
                               finishedAt: "2026-11-28T13:00:01Z")
    }

    /// Disk 2000's volume could not be opened; disk 2001 is fine.
    static var unreachable: VerificationReport {
        let input = VerificationInput(inventory: inventory(), volumes: [
            "2000": VolumeObservation(target: "nbd://10.0.0.9/vol-101328f1", targetIdentity: "a",
                                      outcome: .unreachable(message: "nbd_connect_uri: connection refused")),
            "2001": VolumeObservation(target: vol2001.target, targetIdentity: "b", outcome: .probed(vol2001)),
        ])
        return Verifier.verify(input, tool: ToolInfo(version: "0.1.0"), startedAt: "2026-11-28T13:00:00Z",
                               finishedAt: "2026-11-28T13:00:01Z")
    }
}
