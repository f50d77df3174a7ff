import AuditCore
import DiskProbe

/// Identities that must be unique across the VM's volumes — disk GUID, DOS disk
/// signature, partition GUIDs, filesystem UUIDs, and the member identities of multi-device
/// sets (md device UUID, btrfs device UUID, LVM PV UUID, ZFS vdev GUID, LDM disk GUID, DDF PD
/// GUID, IMSM disk serial) — found on two
/// different volumes. Identities a set's members share by design (md array UUID, btrfs
/// fsid, ZFS pool GUID) are not compared; neither are identities the two sources (or the
/// baseline) share themselves, as cloned disks do.
///
/// Two keys mapped to one export are `duplicate-target`, not this. When the contamination
/// analysis says which volume carries the other disk, the finding goes to that volume
/// only: the other one holds its own identities.
public enum DuplicateIdentityRule: DiskRule {
    /// The duplicate-identity family.
    public static let family = RuleFamily.duplicateIdentity

    static func message(peer: DiskContext.Peer, shared: [(kind: String, value: String)], blind: Bool,
                        attributed: Bool) -> String {
        let list = shared.map { "\($0.kind) \($0.value)" }.joined(separator: ", ")
        var text = "This volume and the volume of \(DiskContext.describe(peer.disk)) share \(list): "
            + "one disk's identity is on two volumes, and a guest would mount the wrong one."
        if !attributed {
            text += " One of these two volumes is a copy of the other; sources or a baseline can tell which."
        }
        // When the evidence names the carrier, a clone cannot explain it.
        if blind && !attributed {
            text += " If the two source disks are clones (a template disk copied into this VM), they share these "
                + "identities too and the copies are faithful: verify with --nbd-sources or a --baseline to tell."
        }
        return text
    }

    /// One `duplicate-identity` (critical) per other volume that shares an identity with this
    /// one, and one `duplicate-member` (critical) per other volume that holds one of this
    /// volume's multi-device member identities.
    public static func findings(in context: DiskContext) -> [Finding] {
        let identity = DiskIdentity(context.probe)
        let mine = identity.values
        // The sets this volume's members belong to (info), and their missing members.
        var result = MultiDeviceSetRule.findings(in: context) + MemberSizeRule.findings(in: context)
        guard !mine.isEmpty else { return result }
        let memberKinds = Set(identity.members.map(\.memberKind))
        let ownReference = context.reference.map { Set(DiskIdentity($0).values.map(\.value)) }
        for peer in context.peers where peer.disk.key != context.disk.key {
            if let a = context.targetIdentity, let b = peer.targetIdentity, a == b { continue }
            let theirs = Set(DiskIdentity(peer.probe).values.map { "\($0.kind)|\($0.value)" })
            var shared = mine.filter { theirs.contains("\($0.kind)|\($0.value)") }
            // Cloned sources: an identity both sources carry is no fault of the copy.
            let peerReference = peer.reference.map { Set(DiskIdentity($0).values.map(\.value)) }
            if let ownReference, let peerReference {
                shared = shared.filter { !(ownReference.contains($0.value) && peerReference.contains($0.value)) }
            }
            guard !shared.isEmpty else { continue }
            let peerCarriesMine = context.contamination.contains { $0.disk == peer.disk.key && $0.carries == context.disk.key }
            let iCarryPeers = context.contamination.contains { $0.disk == context.disk.key && $0.carries == peer.disk.key }
            if peerCarriesMine && !iCarryPeers { continue }
            let blind = context.reference == nil && peer.reference == nil
            let attributed = peerCarriesMine || iCarryPeers
            let members = shared.filter { memberKinds.contains($0.kind) }
            let others = shared.filter { !memberKinds.contains($0.kind) }
            if !others.isEmpty {
                result.append(Finding(
                    code: FindingCode.duplicateIdentity, severity: .critical,
                    message: message(peer: peer, shared: others, blind: blind, attributed: attributed),
                    evidence: ["otherDisk": .string(peer.disk.key),
                               "otherTarget": .string(peer.probe.target),
                               "shared": .array(others.map { ["kind": .string($0.kind), "value": .string($0.value)] })]))
            }
            for shared in members {
                guard let member = identity.members.first(where: { $0.memberID == shared.value }) else { continue }
                result.append(duplicateMember(member, context: context, peer: peer, blind: blind, attributed: attributed))
            }
        }
        return result
    }

    /// "md device UUID … (role 0) of md array … is on the volumes of disk 2002 and disk 2003;
    /// role 1 is on no volume: the mirror is broken."
    static func duplicateMember(_ member: MultiDeviceMember, context: DiskContext, peer: DiskContext.Peer,
                                blind: Bool, attributed: Bool) -> Finding {
        let role = member.roleText.isEmpty ? "" : " (\(member.roleText))"
        let set = member.setID.map { " of \(member.setNoun) \($0)\(member.setName.map { " \"\($0)\"" } ?? "")" } ?? ""
        let pair = [context.disk, peer.disk].sorted { $0.key < $1.key }.map(DiskContext.describe)
        var text = "\(member.memberKind) \(member.memberID)\(role)\(set) is on the volumes of "
            + "\(pair[0]) and \(pair[1]): one member's bytes were written to two volumes."
        let status = MultiDeviceSetRule.status(of: member, peers: context.peers)
        if !status.missingRoles.isEmpty {
            let noun = status.missingRoles.count == 1 ? member.format == "btrfs" ? "Devid" : "Role"
                : member.format == "btrfs" ? "Devids" : "Roles"
            let broken = member.level == "raid1" || member.level == "mirror" ? "the mirror is broken" : "the \(member.setNoun) is incomplete"
            text += " \(noun) \(status.missingRoles.map(String.init).joined(separator: ", ")) "
                + "\(status.missingRoles.count == 1 ? "is" : "are") on no volume: \(broken)."
        } else if status.missingCount > 0, let count = member.deviceCount {
            text += " \(status.missingCount) of its \(count) members \(status.missingCount == 1 ? "is" : "are") on no volume: "
                + "the \(member.setNoun) is incomplete."
        }
        if !attributed { text += " One of these two volumes is a copy of the other; sources or a baseline can tell which." }
        if blind { text += " Replicate the member's disks again from the sources, and verify with --nbd-sources or a --baseline." }
        return Finding(
            code: FindingCode.duplicateMember, severity: .critical, message: text,
            evidence: ["otherDisk": .string(peer.disk.key), "otherTarget": .string(peer.probe.target),
                       "memberKind": .string(member.memberKind), "memberID": .string(member.memberID),
                       "role": member.role.map { .number(UInt64($0)) } ?? .null,
                       "setID": .optional(member.setID),
                       "missingRoles": .array(status.missingRoles.map { .number(UInt64($0)) })])
    }
}
