import AuditCore
import DiskProbe

/// A whole-disk multi-device header (LVM PV, md, btrfs device) records the size of the
/// device it was written for. When that size is another disk's capacity and not this
/// disk's, the volume carries the other disk's member: `header-sized-for-other-disk`
/// (critical). Part of the duplicate-identity family (DuplicateIdentityRule runs it).
public enum MemberSizeRule {
    /// One finding per whole-disk member whose recorded device size is exactly one other disk's.
    public static func findings(in context: DiskContext) -> [Finding] {
        var result: [Finding] = []
        for member in DiskIdentity(context.probe).members where member.place == "whole disk" {
            guard let claim = member.claimedDeviceBytes, let field = member.claimField,
                  !member.claimMatches(context.disk.capacityBytes), !member.claimMatches(context.probe.sizeBytes) else { continue }
            let others = context.inventory.disks.filter { $0.key != context.disk.key && member.claimMatches($0.capacityBytes) }
            guard others.count == 1, let other = others.first else { continue }
            var references: [String: ProbeResult] = [:]
            if let reference = context.reference { references[context.disk.key] = reference }
            guard !MemberAttribution.sizeCoincidence(member, disk: context.disk, candidate: other, references: references,
                                                     candidateProbe: context.peers.first { $0.disk.key == other.key }?.probe)
            else { continue }
            let grown = context.reference == nil
                ? " If disk \(context.disk.key) was grown in vSphere and this header was never resized, its source says the "
                    + "same: verify with --nbd-sources or a --baseline to tell."
                : ""
            result.append(Finding(
                code: FindingCode.headerSizedForOtherDisk, severity: .critical,
                message: "The \(member.setNoun) member header on this volume (\(member.memberKind) \(member.memberID)) "
                    + "was written for a device of \(claim) bytes (\(field)), but \(DiskContext.describe(context.disk)) "
                    + "has \(context.disk.capacityBytes) bytes. \(claim) bytes is the capacity of \(DiskContext.describe(other)): "
                    + "this volume carries disk \(other.key)'s member. Replicate disk \(context.disk.key) again from its source."
                    + grown,
                evidence: ["otherDisk": .string(other.key), "claimedDeviceBytes": .number(claim), "field": .string(field),
                           "memberID": .string(member.memberID), "headerOffset": .number(member.headerOffset)]))
        }
        return result
    }
}
