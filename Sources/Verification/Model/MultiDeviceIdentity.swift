import DiskProbe

/// Which signature types belong to multi-device guest volumes, and what their identities
/// are (README.md, "Multi-device guest storage"): the identity the members share ties them
/// into one guest volume; the member identity must be unique.
public enum MultiDeviceIdentity {
    /// blkid TYPEs whose UUID is shared by every member of the set.
    static let sharedUUIDTypes: Set<String> = [
        "linux_raid_member", "zfs_member", "ddf_raid_member", "isw_raid_member", "adaptec_raid_member",
        "hpt37x_raid_member", "hpt45x_raid_member", "jmicron_raid_member", "lsi_mega_raid_member",
        "nvidia_raid_member", "promise_fasttrack_raid_member", "silicon_medley_raid_member", "via_raid_member",
    ]

    /// Every blkid signature by place ("whole disk", "partition N").
    static func signatures(_ probe: ProbeResult) -> [(String, FilesystemSignature)] {
        var result: [(String, FilesystemSignature)] = []
        if let fs = probe.filesystem { result.append(("whole disk", fs)) }
        for p in probe.partitions { if let fs = p.filesystem { result.append(("partition \(p.number)", fs)) } }
        return result
    }

    /// What the blkid UUID of `signature` is, and whether members share it by design.
    static func uuidKind(_ signature: FilesystemSignature, members: [MultiDeviceMember]) -> (name: String, shared: Bool) {
        switch signature.type {
        case "linux_raid_member": return ("md array UUID", true)
        case "zfs_member": return ("ZFS pool GUID", true)
        case "LVM2_member": return ("LVM PV UUID", false)
        case "btrfs":
            let multi = members.contains { $0.format == "btrfs" && ($0.deviceCount ?? 1) > 1 }
            return multi ? ("btrfs fsid", true) : ("filesystem UUID", false)
        case let type where sharedUUIDTypes.contains(type): return ("\(type) set UUID", true)
        default: return (DiskIdentity.uuidKind(signature.type), false)
        }
    }

    /// The members the probe parsed, plus those only libblkid names (ZFS: UUID_SUB is the
    /// vdev GUID, UUID the pool GUID), each once per place and member identity.
    public static func members(_ probe: ProbeResult) -> [MultiDeviceMember] {
        var result = (probe.multiDeviceMembers ?? []).map { m -> MultiDeviceMember in
            var m = m
            m.memberID = DiskIdentity.normalize(m.memberID)
            m.setID = m.setID.map(DiskIdentity.normalize)
            return m
        }
        for (place, signature) in signatures(probe) {
            guard let sub = signature.uuidSub.map(DiskIdentity.normalize), !sub.isEmpty,
                  !result.contains(where: { $0.place == place && $0.memberID == sub }) else { continue }
            let kinds: (member: String, set: String, format: String)
            switch signature.type {
            case "zfs_member": kinds = ("ZFS vdev GUID", "ZFS pool GUID", "zfs")
            case "linux_raid_member": kinds = ("md device UUID", "md array UUID", "md")
            case "btrfs":
                // A single-device btrfs: its fsid is unique, the device UUID adds nothing.
                continue
            default: kinds = ("\(signature.type) member UUID", "\(signature.type) set UUID", signature.type)
            }
            result.append(MultiDeviceMember(
                place: place, format: kinds.format, version: signature.version, memberID: sub, memberKind: kinds.member,
                setID: signature.uuid.map(DiskIdentity.normalize), setKind: kinds.set, setName: signature.label,
                headerOffset: 0, containerBytes: 0))
        }
        return result
    }
}
