import DiskProbe

/// The identities and layout a probed volume carries, normalized for comparison
/// (lower-case GUIDs and UUIDs). Empty MBR signatures (0x00000000) count as absent.
public struct DiskIdentity: Sendable, Equatable {
    /// The partition table type ("gpt", "dos", …), nil when there is none.
    public var tableType: String?
    /// `tableType`, typed.
    public var labelType: LabelType? { tableType.map(LabelType.init(rawValue:)) }
    /// GPT disk GUID.
    public var diskGUID: String?
    /// DOS disk signature, e.g. "0x1234abcd" (DOS labels only: a protective MBR's is noise).
    public var mbrSignature: String?
    /// Partition number → GPT partition GUID.
    public var partitionGUIDs: [Int: String]
    /// Where the filesystem sits ("partition 1" or "whole disk") → filesystem UUID.
    public var filesystemUUIDs: [String: String]
    /// Where the signature sits → its libblkid type ("ext4", "LVM2_member", …), to name the UUID's kind.
    public var filesystemTypes: [String: String] = [:]
    /// The partitions' placement, in table order.
    public var layout: [PartitionPlacement]
    /// The GPT's implied disk size, when the label gives one.
    public var impliedDiskBytes: UInt64?
    /// Members of multi-device sets (md, btrfs, LVM PV, ZFS) on the volume (issue 21).
    public var members: [MultiDeviceMember]
    /// What each filesystem UUID is, by place: "filesystem UUID", or for multi-device
    /// signatures "md array UUID", "btrfs fsid", "LVM PV UUID", "ZFS pool GUID", …
    public var uuidKinds: [String: String]
    /// Places whose blkid UUID is shared by design by every member of a set (md array UUID,
    /// fsid of a multi-device btrfs, ZFS pool GUID, DDF/IMSM container): never a duplicate.
    public var sharedSetPlaces: Set<String>

    /// Extracts the identities of `probe`.
    public init(_ probe: ProbeResult) {
        let table = probe.partitionTable
        tableType = table?.type
        let isGPT = table?.labelType == .gpt
        diskGUID = isGPT ? (table?.diskId ?? probe.witnesses.primaryGPT?.diskGUID).map(DiskIdentity.normalize) : nil
        if table?.labelType == .dos, let signature = probe.witnesses.mbr?.diskSignature ?? table?.diskId,
           DiskIdentity.normalize(signature) != "0x00000000" {
            mbrSignature = DiskIdentity.normalize(signature)
        } else {
            mbrSignature = nil
        }
        var guids: [Int: String] = [:]
        var uuids: [String: String] = [:]
        for p in probe.partitions {
            if isGPT, let uuid = p.uuid { guids[p.number] = DiskIdentity.normalize(uuid) }
            if let fs = p.filesystem, let uuid = fs.uuid {
                uuids["partition \(p.number)"] = DiskIdentity.normalize(uuid)
                filesystemTypes["partition \(p.number)"] = fs.type
            }
        }
        if let fs = probe.filesystem, let uuid = fs.uuid {
            uuids["whole disk"] = DiskIdentity.normalize(uuid)
            filesystemTypes["whole disk"] = fs.type
        }
        partitionGUIDs = guids
        filesystemUUIDs = uuids
        layout = probe.partitions.map(PartitionPlacement.init)
        impliedDiskBytes = table?.impliedDiskBytes
        let found = MultiDeviceIdentity.members(probe)
        members = found
        var kinds: [String: String] = [:]
        var shared = Set<String>()
        for (place, signature) in MultiDeviceIdentity.signatures(probe) {
            let kind = MultiDeviceIdentity.uuidKind(signature, members: found.filter { $0.place == place })
            kinds[place] = kind.name
            if kind.shared { shared.insert(place) }
        }
        uuidKinds = kinds
        sharedSetPlaces = shared
    }

    /// Every identity value with its kind, for cross-volume comparison.
    public var values: [(kind: String, value: String)] {
        var result: [(String, String)] = []
        if let diskGUID { result.append(("disk GUID", diskGUID)) }
        if let mbrSignature { result.append(("MBR signature", mbrSignature)) }
        for (_, guid) in partitionGUIDs.sorted(by: { $0.key < $1.key }) { result.append(("partition GUID", guid)) }
        for (place, uuid) in filesystemUUIDs.sorted(by: { $0.key < $1.key }) where !sharedSetPlaces.contains(place) {
            result.append((uuidKinds[place] ?? DiskIdentity.uuidKind(filesystemTypes[place]), uuid))
        }
        // The member's own identity; LVM's PV UUID is already the blkid UUID above.
        for m in members where !(m.format == "lvm2" && filesystemUUIDs[m.place] == m.memberID) {
            result.append((m.memberKind, m.memberID))
        }
        return result
    }

    /// What a signature's UUID is called (issue 10: an LVM PV UUID is not a filesystem UUID).
    /// Volume-manager and container signatures are named; filesystems (and swap) keep
    /// "filesystem UUID".
    public static func uuidKind(_ type: String?) -> String {
        switch type {
        case "LVM2_member": "LVM PV UUID"
        case "crypto_LUKS": "LUKS UUID"
        case "linux_raid_member": "md array UUID"
        case "zfs_member": "ZFS pool GUID"
        case "LDM_member", "ldm": "LDM disk GUID"
        case "VMFS_volume_member", "vmfs_volume_member": "VMFS volume UUID"
        default: "filesystem UUID"
        }
    }

    /// Lower-case, trimmed.
    static func normalize(_ text: String) -> String { text.trimmingWhitespace().lowercased() }
}

/// Where one partition sits: the part of a layout that a copy must preserve exactly.
public struct PartitionPlacement: Sendable, Equatable, Hashable, Codable {
    public var number: Int
    public var startBytes: UInt64
    public var sizeBytes: UInt64
    /// GPT type GUID or DOS type byte, lower-case.
    public var type: String

    /// A placement; the type is lower-cased for comparison.
    public init(number: Int, startBytes: UInt64, sizeBytes: UInt64, type: String) {
        self.number = number
        self.startBytes = startBytes
        self.sizeBytes = sizeBytes
        self.type = type.lowercased()
    }

    init(_ partition: Partition) {
        self.init(number: partition.number, startBytes: partition.startBytes, sizeBytes: partition.sizeBytes,
                  type: partition.type)
    }

    /// "1: 1 MiB +8 GiB (8300…)".
    public var summary: String {
        "\(number): at \(startBytes) size \(sizeBytes) type \(type)"
    }
}
