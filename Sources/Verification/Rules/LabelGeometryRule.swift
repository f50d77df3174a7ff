import AuditCore
import DiskProbe
import SourceInventory

/// Compares the size of the disk the GPT was written for (`(alternateLBA + 1) × sector
/// size`) with the source disk's capacity. Equal is a correct copy, even on a larger
/// volume; different means the label came from another disk, which is named when its
/// capacity is exactly the implied size — unless the label is this disk's own, extended to
/// a larger volume's end (`LabelExtension`): identity outranks a size coincidence.
public enum LabelGeometryRule: DiskRule {
    /// The label-geometry family.
    public static let family = RuleFamily.labelGeometry

    /// Skipped when the label records no disk size (no GPT).
    public static func skipReason(in context: DiskContext) -> String? {
        context.probe.partitionTable?.impliedDiskBytes == nil && context.labelExtension == nil
            ? "the volume has no GPT, so its label does not record the disk size it was written for" : nil
    }

    static func message(_ context: DiskContext, implied: UInt64, alternateLBA: UInt64?, owners: [SourceDisk]) -> String {
        let lba = alternateLBA.map { "alternate LBA \($0), " } ?? ""
        var text = "The GPT on this volume was written for a \(ByteSize.human(implied)) disk (\(lba)\(implied) bytes), "
            + "but \(DiskContext.describe(context.disk)) has \(context.disk.capacityBytes) bytes"
            + LabelSizeDifference.text(implied: implied, disk: context.disk) + "."
        let ownGUID = context.reference.flatMap { DiskIdentity($0).diskGUID }
        if let ownGUID, ownGUID == DiskIdentity(context.probe).diskGUID, !owners.isEmpty {
            // Issue 10: identity outranks the size coincidence — the disk GUID is this disk's source's.
            text += " That is the capacity of \(owners.map(DiskContext.describe).joined(separator: " and ")), but the label's "
                + "disk GUID \(ownGUID) is this disk's source's: it is this disk's own label, rewritten or extended, and its "
                + "partitions or header fields no longer match the source's (see the layout and identity findings)."
        } else if owners.count == 1, let owner = owners.first, context.reference == nil,
           let peer = context.peers.first(where: { $0.disk.key == owner.key }),
           ContaminationAnalysis.ownerHoldsItsOwnLabel(ContaminationAnalysis.Volume(disk: context.disk, probe: context.probe),
                                                       ContaminationAnalysis.Volume(disk: peer.disk, probe: peer.probe)) {
            // Issue 10: identity evidence outranks the size coincidence.
            let guid = DiskIdentity(peer.probe).diskGUID ?? "?"
            text += " \(implied) bytes is the capacity of \(DiskContext.describe(owner)), but the volume of disk "
                + "\(owner.key) carries its own, different label (disk GUID \(guid)) that fits it, so this is not simply disk "
                + "\(owner.key)'s partition table. Either the source disk was grown in vSphere after it was partitioned (its own "
                + "label then says the same) or this volume carries a foreign label: verify with --nbd-sources or a --baseline "
                + "to tell which."
        } else if owners.count == 1, let owner = owners.first {
            text += " \(implied) bytes is the capacity of \(DiskContext.describe(owner)): "
                + "this volume carries disk \(owner.key)'s partition table."
        } else if owners.count > 1 {
            text += " Disks \(owners.map(\.key).joined(separator: ", ")) all have that capacity; "
                + "only identities from the sources or a baseline can tell which one it came from."
        } else {
            text += " No disk of the VM has that capacity."
            if context.reference == nil && implied < context.disk.capacityBytes {
                // Issue 10: only a label *smaller* than the disk can come from a grow in vSphere.
                text += " If the source disk was grown in vSphere after it was partitioned, its own label says the same:"
                    + " verify with --nbd-sources or a --baseline to tell a faithful copy from a foreign label."
            }
        }
        if implied > context.disk.capacityBytes {
            text += extendedButNotOwnNote(context, implied: implied)
        }
        return text
    }

    /// For a label larger than the disk: a grow in vSphere cannot explain it; when it reaches
    /// exactly to the volume's end, say why it is not taken for this disk's own extended label.
    static func extendedButNotOwnNote(_ context: DiskContext, implied: UInt64) -> String {
        var text = " A label larger than the disk cannot come from growing the disk in vSphere."
        guard implied == context.probe.sizeBytes else { return text }
        text += " It reaches exactly to this volume's end, as a label extended after the copy (sgdisk -e, growpart) would, "
        if context.reference != nil {
            text += "but its disk GUID or partition entries are not those of the source: it is not this disk's own label."
        } else {
            text += "but its disk GUID or partition GUIDs are also on another volume of the VM (or another volume carries a "
                + "label of this disk's size): verify with --nbd-sources or a --baseline to tell which disk it belongs to."
        }
        return text
    }

    /// `label-extended-to-volume` (info): this disk's own GPT, extended to the larger volume's end.
    static func extendedFinding(_ context: DiskContext, _ ext: LabelExtension, alternateLBA: UInt64?) -> Finding {
        let lba = alternateLBA.map { " (backup header at LBA \($0))" } ?? ""
        let dos = ext.mbrSignature != nil
        var text = dos
            ? "The DOS partition table on this volume was extended into the larger volume: its last partition reaches past "
                + "the \(context.disk.capacityBytes) bytes of \(DiskContext.describe(context.disk)) on this "
                + "\(ext.impliedDiskBytes)-byte volume, as growpart or cloud-init leave it after the volume was enlarged. "
            : "The GPT on this volume was extended to the volume's end\(lba): it describes \(ext.impliedDiskBytes) bytes, "
                + "more than the \(context.disk.capacityBytes) bytes of \(DiskContext.describe(context.disk)), as sgdisk -e, "
                + "growpart or cloud-init leave a label after the volume was enlarged. "
        let id = dos ? "disk signature" : "disk GUID"
        switch ext.basis {
        case .matchesSource:
            text += "Its \(id) and partition entries are the source's"
        case .uniqueInVM:
            text += dos ? "Its disk signature and filesystem UUIDs are on no other volume of the VM"
                        : "Its disk GUID and partition GUIDs are on no other volume of the VM"
        }
        if !ext.grownPartitions.isEmpty {
            text += " (partition \(ext.grownPartitions.map(String.init).joined(separator: ", ")) grown with it)"
        }
        text += ", so it is this disk's own label, not another disk's."
        let owners = dos ? [] : context.otherDisks(withCapacity: ext.impliedDiskBytes)
        if !owners.isEmpty {
            text += " That the volume is exactly as large as \(owners.map(DiskContext.describe).joined(separator: " and ")) "
                + "is a coincidence of sizes that its identities outweigh."
        }
        text += ext.basis == .matchesSource
            ? " Nothing to do."
            : " To confirm the identities are the source's, verify with --nbd-sources or a --baseline."
        var evidence: [String: JSONValue] = [
            "impliedDiskBytes": .number(ext.impliedDiskBytes),
            "sourceCapacityBytes": .number(context.disk.capacityBytes),
            "volumeBytes": .number(context.probe.sizeBytes),
            "basis": .string(ext.basis.rawValue),
            "grownPartitions": .array(ext.grownPartitions.map { .number($0) }),
            "sizeMatchesDisks": .array(owners.map { .string($0.key) }),
        ]
        if let alternateLBA { evidence["alternateLBA"] = .number(alternateLBA) }
        if let guid = ext.diskGUID { evidence["diskGUID"] = .string(guid) }
        if let signature = ext.mbrSignature { evidence["mbrSignature"] = .string(signature) }
        return Finding(code: FindingCode.labelExtendedToVolume, severity: .info, message: text, evidence: evidence)
    }

    /// `label-matches-source-label` (info): the source's own GPT was written for the same
    /// size, e.g. a disk grown in vSphere whose label was never moved. The copy is faithful.
    static let sourceLabelCode = FindingCode.labelMatchesSourceLabel

    /// `label-sized-for-other-disk` (critical) when the implied size is not the disk's capacity; nothing when it is.
    public static func findings(in context: DiskContext) -> [Finding] {
        if let ext = context.labelExtension, context.probe.partitionTable?.labelType == .dos {
            return [extendedFinding(context, ext, alternateLBA: nil)]
        }
        guard let table = context.probe.partitionTable, let implied = table.impliedDiskBytes else { return [] }
        guard implied != context.disk.capacityBytes else { return [] }
        let primary = context.probe.witnesses.primaryGPT
        let alternateLBA = table.gpt?.alternateLBA ?? primary?.alternateLBA
        if let ext = context.labelExtension {
            return [extendedFinding(context, ext, alternateLBA: alternateLBA)]
        }
        if let sourceImplied = context.reference?.partitionTable?.impliedDiskBytes, sourceImplied == implied {
            return [Finding(
                code: sourceLabelCode, severity: .info,
                message: "The GPT on this volume was written for a \(ByteSize.human(implied)) disk, not for the "
                    + "\(ByteSize.human(context.disk.capacityBytes)) of \(DiskContext.describe(context.disk)); the source's "
                    + "own GPT says the same (the disk was grown after it was partitioned), so the copy is faithful.",
                evidence: ["impliedDiskBytes": .number(implied), "sourceImpliedDiskBytes": .number(sourceImplied),
                           "sourceCapacityBytes": .number(context.disk.capacityBytes)])]
        }
        let owners = context.otherDisks(withCapacity: implied)
        var evidence: [String: JSONValue] = [
            "impliedDiskBytes": .number(implied),
            "sourceCapacityBytes": .number(context.disk.capacityBytes),
            "volumeBytes": .number(context.probe.sizeBytes),
            "sectorSize": .number(context.probe.sectorSize),
            "matchingDisks": .array(owners.map { .string($0.key) }),
        ]
        if let alternateLBA { evidence["alternateLBA"] = .number(alternateLBA) }
        if let lastUsable = table.gpt?.lastUsableLBA { evidence["lastUsableLBA"] = .number(lastUsable) }
        if let primary {
            evidence["primaryHeaderLBA"] = .number(primary.lba)
            evidence["primaryHeaderSHA256"] = .string(primary.sha256)
            evidence["diskGUID"] = .string(primary.diskGUID)
        }
        if let check = table.impliedSizeCheck {
            evidence["impliedBytesFromLastUsableLBA"] = check.fromLastUsableLBA.map(JSONValue.number) ?? .null
            evidence["impliedBytesFromProtectiveMBR"] = check.fromProtectiveMBR.map(JSONValue.number) ?? .null
            evidence["witnessesAgree"] = .bool(check.consistent)
        }
        return [Finding(code: FindingCode.labelSizedForOtherDisk, severity: .critical,
                        message: message(context, implied: implied, alternateLBA: alternateLBA, owners: owners),
                        evidence: evidence)]
    }
}
