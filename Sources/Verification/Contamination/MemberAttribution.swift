import AuditCore
import DiskProbe
import SourceInventory

/// Contamination evidence beyond the GPT's alternate LBA (issue 10, item 4; issue 21,
/// item 3): the device size a whole-disk LVM PV / md / btrfs header records, a DOS label's
/// last partition end, the volume's own stale GPT still at its end, and — with sources or
/// a baseline — multi-device member identities; an MBR dynamic disk's own LDM database left
/// at its end behind another disk's front.
enum MemberAttribution {
    /// Evidence kinds added to `ContaminationEvidence`'s.
    static let sizeField = "size-field"
    static let partitionExtent = "partition-extent"
    static let staleOwnLabel = "stale-own-label"
    static let memberIDs = "member-ids"
    static let staleOwnMember = "stale-own-member"

    /// The evidence that `volume` carries `candidate`'s disk, from size fields, partition
    /// extents, its own stale label and member identities. `peers` are the VM's other read volumes.
    static func evidence(_ volume: ContaminationAnalysis.Volume, against candidate: SourceDisk,
                         references: [String: ProbeResult], peers: [ContaminationAnalysis.Volume])
        -> ([String], [String: JSONValue]) {
        var evidence: [String] = []
        var details: [String: JSONValue] = [:]
        let found = DiskIdentity(volume.probe)
        let own = volume.disk.capacityBytes
        // A whole-disk member header recording the candidate's capacity, not this disk's —
        // unless identities say otherwise (a grown disk whose header kept its old size).
        if let member = found.members.first(where: {
            $0.place == "whole disk" && $0.claimMatches(candidate.capacityBytes) && !$0.claimMatches(own)
                && !$0.claimMatches(volume.probe.sizeBytes)
                && !sizeCoincidence($0, disk: volume.disk, candidate: candidate, references: references,
                                    candidateProbe: peers.first { $0.disk.key == candidate.key }?.probe)
        }) {
            evidence.append(sizeField)
            details["sizeField"] = .optional(member.claimField)
            details["claimedDeviceBytes"] = .number(member.claimedDeviceBytes ?? 0)
        }
        // Does the candidate's own volume share an identity with this one?
        let candidateVolume = peers.first { $0.disk.key == candidate.key }
        // (Identities both sources carry — cloned disks — do not count.)
        let ownSource = references[volume.disk.key].map { Set(DiskIdentity($0).values.map(\.value)) }
        let candidateSource = references[candidate.key].map { Set(DiskIdentity($0).values.map(\.value)) }
        let sharesIdentity = candidateVolume.map { other in
            let theirs = Set(DiskIdentity(other.probe).values.map(\.value))
            return found.values.contains { value in
                theirs.contains(value.value)
                    && !(ownSource?.contains(value.value) == true && candidateSource?.contains(value.value) == true)
            }
        } ?? false
        let ownLabel = references[volume.disk.key].map(DiskIdentity.init)
        // A DOS label whose last partition ends exactly at the candidate's capacity: DOS
        // labels record no disk size, but partitioning tools fill the disk to its end.
        if found.labelType == .dos, found.impliedDiskBytes == nil,
           let end = volume.probe.partitionTable?.impliedMinimumDiskBytes, end == candidate.capacityBytes, end != own,
           sharesIdentity || end > volume.probe.sizeBytes,
           // The disk's own source has this very label (a disk grown after partitioning).
           !(ownLabel?.mbrSignature == found.mbrSignature && ownLabel?.layout == found.layout) {
            evidence.append(partitionExtent)
            details["lastPartitionEndBytes"] = .number(end)
        }
        // The volume's own label, left over at its end, while its front carries what the
        // candidate's volume carries: this volume was written over, not the candidate's.
        // (A GPT label already cites a different header at the end in the analysis' details.)
        if sharesIdentity, found.impliedDiskBytes == nil, let end = volume.probe.witnesses.endGPT, end.signatureValid, end.headerCRCValid,
           end.lba + 1 == volume.probe.sizeBytes / UInt64(max(volume.probe.sectorSize, 1)),
           !found.values.contains(where: { $0.value == DiskIdentity.normalize(end.diskGUID) }),
           end.alternateLBA == 1 {
            let ownGUID = references[volume.disk.key].flatMap { DiskIdentity($0).diskGUID }
            if ownGUID == nil || ownGUID == DiskIdentity.normalize(end.diskGUID) {
                evidence.append(staleOwnLabel)
                details["ownLabelDiskGUID"] = .string(end.diskGUID)
                details["ownLabelLBA"] = .number(end.lba)
            }
        }
        // The volume's own member header still further on (an MBR dynamic disk's database at
        // its end), while its front holds the member the candidate's volume holds: this volume
        // was written over from the front, the candidate's was not.
        if let member = found.members.first(where: { $0.staleMemberID != nil }), let own = member.staleMemberID,
           let other = candidateVolume, DiskIdentity(other.probe).members.contains(where: { $0.memberID == member.memberID }),
           references[volume.disk.key].map({ DiskIdentity($0).members.contains { $0.memberID == own } }) ?? true {
            evidence.append(staleOwnMember)
            details["ownMemberID"] = .string(own)
            details["frontMemberID"] = .string(member.memberID)
            details["memberKind"] = .string(member.memberKind)
        }
        // Member identities of the candidate's source, not of this disk's.
        if let theirs = references[candidate.key].map(DiskIdentity.init) {
            let ownMembers = Set(references[volume.disk.key].map { DiskIdentity($0).members.map(\.memberID) } ?? [])
            let shared = Set(found.members.map(\.memberID)).intersection(theirs.members.map(\.memberID)).subtracting(ownMembers)
            if !shared.isEmpty {
                evidence.append(memberIDs)
                details["memberIDs"] = .array(shared.sorted().map(JSONValue.string))
            }
        }
        return (evidence, details)
    }
}

extension MemberAttribution {
    /// Whether a member header's size equal to `candidate`'s capacity is a coincidence that
    /// identities explain: this disk's own source (or baseline) has the same member with the
    /// same recorded size (the disk was grown and the header never resized), or the
    /// candidate's own volume holds its own, different member of that size.
    static func sizeCoincidence(_ member: MultiDeviceMember, disk: SourceDisk, candidate: SourceDisk,
                                references: [String: ProbeResult], candidateProbe: ProbeResult?) -> Bool {
        if let own = references[disk.key].map(MultiDeviceIdentity.members),
           own.contains(where: { $0.memberID == member.memberID && $0.claimedDeviceBytes == member.claimedDeviceBytes }) {
            return true
        }
        if let theirs = candidateProbe.map(MultiDeviceIdentity.members),
           theirs.contains(where: { $0.place == "whole disk" && $0.format == member.format && $0.memberID != member.memberID
                                    && $0.claimMatches(candidate.capacityBytes) }) {
            return true
        }
        return false
    }
}

/// The added evidence kinds in plain words, for the reports' contamination sentences.
public enum AttributionProse {
    /// What the volume carries when the entry rests on member evidence only: "the
    /// multi-device member"; nil to keep the default wording.
    public static func what(_ entry: Contamination) -> String? {
        let memberKinds = [MemberAttribution.sizeField, MemberAttribution.memberIDs, MemberAttribution.staleOwnMember]
        let quiet = [MemberAttribution.staleOwnLabel, ContaminationEvidence.contentSamples]
        guard entry.evidence.contains(where: memberKinds.contains),
              entry.evidence.allSatisfy({ memberKinds.contains($0) || quiet.contains($0) }) else { return nil }
        return "the multi-device member"
    }

    /// The reason for one evidence kind, or nil when it is not one of the added kinds.
    public static func reason(_ kind: String, details: [String: JSONValue], carries: String) -> String? {
        switch kind {
        case MemberAttribution.sizeField:
            let bytes = details["claimedDeviceBytes"]?.uint64Value.map { "\($0) bytes" } ?? "a size"
            return "its member header records a device of \(bytes) (\(details["sizeField"]?.stringValue ?? "size field")), "
                + "the capacity of disk \(carries)"
        case MemberAttribution.partitionExtent:
            let end = details["lastPartitionEndBytes"]?.uint64Value.map { "\($0)" } ?? "?"
            return "its DOS label's last partition ends at byte \(end), the capacity of disk \(carries)"
        case MemberAttribution.staleOwnLabel:
            let guid = details["ownLabelDiskGUID"]?.stringValue ?? "?"
            let lba = details["ownLabelLBA"]?.uint64Value.map { "\($0)" } ?? "?"
            return "the volume's own GPT (disk GUID \(guid)) is still at its last LBA \(lba): the front of the volume was written over"
        case MemberAttribution.staleOwnMember:
            let own = details["ownMemberID"]?.stringValue ?? "?", front = details["frontMemberID"]?.stringValue ?? "?"
            let kind = details["memberKind"]?.stringValue ?? "member identity"
            return "its front holds \(kind) \(front), disk \(carries)'s, while its own header further on still names \(own): "
                + "the front was written over"
        case MemberAttribution.memberIDs:
            return "its multi-device member identities are disk \(carries)'s source's"
        default:
            return nil
        }
    }
}
