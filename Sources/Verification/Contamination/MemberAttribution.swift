import AuditCore
import DiskProbe
import SourceInventory

/// Contamination evidence beyond the GPT's alternate LBA (issue 10, item 4; issue 21,
/// item 3): the device size a whole-disk LVM PV / md / btrfs header records, a DOS label's
/// last partition end, the volume's own stale GPT still at its end, and — with sources or
/// a baseline — multi-device member identities.
enum MemberAttribution {
    /// Evidence kinds added to `ContaminationEvidence`'s.
    static let sizeField = "size-field"
    static let partitionExtent = "partition-extent"
    static let staleOwnLabel = "stale-own-label"
    static let memberIDs = "member-ids"

    /// The evidence that `volume` carries `candidate`'s disk, from size fields, partition
    /// extents, its own stale label and member identities. `peers` are the VM's other read volumes.
    static func evidence(_ volume: ContaminationAnalysis.Volume, against candidate: SourceDisk,
                         references: [String: ProbeResult], peers: [ContaminationAnalysis.Volume])
        -> ([String], [String: JSONValue]) {
        var evidence: [String] = []
        var details: [String: JSONValue] = [:]
        let found = DiskIdentity(volume.probe)
        let own = volume.disk.capacityBytes
        // A whole-disk member header recording the candidate's capacity, not this disk's.
        if let member = found.members.first(where: {
            $0.place == "whole disk" && $0.claimMatches(candidate.capacityBytes) && !$0.claimMatches(own)
                && !$0.claimMatches(volume.probe.sizeBytes)
        }) {
            evidence.append(sizeField)
            details["sizeField"] = .optional(member.claimField)
            details["claimedDeviceBytes"] = .number(member.claimedDeviceBytes ?? 0)
        }
        // Does the candidate's own volume share an identity with this one?
        let candidateVolume = peers.first { $0.disk.key == candidate.key }
        let sharesIdentity = candidateVolume.map { other in
            let theirs = Set(DiskIdentity(other.probe).values.map(\.value))
            return found.values.contains { theirs.contains($0.value) }
        } ?? false
        // A DOS label whose last partition ends exactly at the candidate's capacity: DOS
        // labels record no disk size, but partitioning tools fill the disk to its end.
        if found.tableType == "dos", found.impliedDiskBytes == nil,
           let end = volume.probe.partitionTable?.impliedMinimumDiskBytes, end == candidate.capacityBytes, end != own,
           sharesIdentity || end > volume.probe.sizeBytes {
            evidence.append(partitionExtent)
            details["lastPartitionEndBytes"] = .number(end)
        }
        // The volume's own label, left over at its end, while its front carries what the
        // candidate's volume carries: this volume was written over, not the candidate's.
        if sharesIdentity, let end = volume.probe.witnesses.endGPT, end.signatureValid, end.headerCRCValid,
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
