import AuditCore
import DiskProbe

/// The members of one multi-device guest volume (md array, multi-device btrfs, LVM volume
/// group, ZFS pool, Windows dynamic disk group, DDF or IMSM RAID container) share an identity on every member by design; this rule ties the VM's
/// volumes that hold them into one set and says so (`multi-device-set`, info), and warns
/// when a member the set counts is on none of the volumes (`multi-device-member-missing`).
/// A member identity on two volumes is `duplicate-member` (DuplicateIdentityRule).
/// Its findings are part of the duplicate-identity family (DuplicateIdentityRule runs it).
public enum MultiDeviceSetRule {
    /// Where the members of one set are.
    struct Status {
        /// (disk key, member) for every member of the set on the VM's volumes.
        var holders: [(disk: String, member: MultiDeviceMember)]
        /// Roles (md) or devids (btrfs) the set counts that no volume holds.
        var missingRoles: [Int]
        /// How many members the set counts but no volume holds (for sets without roles).
        var missingCount: Int
        /// Whether one member identity is on two volumes.
        var duplicated: Bool
    }

    /// The set `member` belongs to, as the VM's read volumes hold it.
    static func status(of member: MultiDeviceMember, peers: [DiskContext.Peer]) -> Status {
        var holders: [(disk: String, member: MultiDeviceMember)] = []
        for peer in peers {
            for m in DiskIdentity(peer.probe).members where m.format == member.format && m.setID != nil && m.setID == member.setID {
                holders.append((peer.disk.key, m))
            }
        }
        let ids = holders.map(\.member.memberID)
        let duplicated = Set(ids).count < ids.count
        var missingRoles: [Int] = []
        var missingCount = 0
        if let count = member.deviceCount, count > 0, count <= 1024 {
            let roles = Set(holders.compactMap(\.member.role))
            // md, ZFS and IMSM number their members densely from 0 (md role, ZFS child,
            // IMSM disk table); DDF's physical disk records may have holes.
            if member.format == "md" || member.format == "zfs" || member.format == "imsm" {
                missingRoles = (0..<count).filter { !roles.contains($0) }
            } else if member.format == "btrfs" {
                // devids start at 1 and are not reused after a device is removed: only a
                // shortfall in the count is sure.
                missingCount = max(0, count - Set(ids).count)
            } else {
                missingCount = max(0, count - Set(ids).count)
            }
        }
        return Status(holders: holders, missingRoles: missingRoles, missingCount: missingCount, duplicated: duplicated)
    }

    /// `multi-device-set` (info) per set this volume holds a member of, and
    /// `multi-device-member-missing` (warning) when the VM's volumes lack some of its members.
    public static func findings(in context: DiskContext) -> [Finding] {
        var result: [Finding] = []
        var seen = Set<String>()
        for member in DiskIdentity(context.probe).members {
            guard let setID = member.setID, seen.insert("\(member.format)|\(setID)").inserted else { continue }
            let status = status(of: member, peers: context.peers)
            let setText = "\(member.setNoun) \(setID)\(member.setName.map { " \"\($0)\"" } ?? "")"
            let holders = status.holders.map { h in
                let disk = context.inventory.disks.first { $0.key == h.disk }.map(DiskContext.describe) ?? "disk \(h.disk)"
                return h.member.roleText.isEmpty ? "\(disk) (\(h.member.place))" : "\(disk) (\(h.member.roleText), \(h.member.place))"
            }
            let count = member.deviceCount.map { "\($0) device\($0 == 1 ? "" : "s")" }
            let details = [member.level, count].compactMap { $0 }.joined(separator: ", ")
            result.append(Finding(
                code: FindingCode.multiDeviceSet, severity: .info,
                message: "This volume holds \(member.memberKind) \(member.memberID)"
                    + (member.roleText.isEmpty ? "" : " (\(member.roleText))") + " of \(setText)"
                    + (details.isEmpty ? "" : " (\(details))") + ". Its members on this VM's volumes: "
                    + holders.joined(separator: "; ") + ". They share the \(member.setKind ?? "set identity") by design; "
                    + "each member's own \(member.memberKind) must be unique.",
                evidence: ["format": .string(member.format), "setID": .string(setID),
                           "setName": .optional(member.setName),
                           "members": .array(status.holders.map { h in
                               ["disk": .string(h.disk), "memberID": .string(h.member.memberID),
                                "role": h.member.role.map { .number(UInt64($0)) } ?? .null, "place": .string(h.member.place)]
                           })]))
            guard !status.duplicated, !status.missingRoles.isEmpty || status.missingCount > 0 else { continue }
            let missing = status.missingRoles.isEmpty
                ? "\(status.missingCount) of its \(member.deviceCount ?? 0) members \(status.missingCount == 1 ? "is" : "are")"
                : "\(member.format == "btrfs" ? "devid" : "role") \(status.missingRoles.map(String.init).joined(separator: ", ")) "
                    + "\(status.missingRoles.count == 1 ? "is" : "are")"
            result.append(Finding(
                code: FindingCode.multiDeviceMemberMissing, severity: .warning,
                message: "\(setText.prefix(1).uppercased() + setText.dropFirst()) counts \(member.deviceCount ?? 0) devices, "
                    + "but \(missing) on none of this VM's volumes: the guest will see it degraded or not assemble it. "
                    + "If that member lives on a disk outside this VM, ignore this; otherwise check the mapping and replicate the missing disk.",
                evidence: ["format": .string(member.format), "setID": .string(setID),
                           "missingRoles": .array(status.missingRoles.map { .number(UInt64($0)) }),
                           "missingCount": .number(UInt64(status.missingCount))]))
        }
        return result
    }
}
