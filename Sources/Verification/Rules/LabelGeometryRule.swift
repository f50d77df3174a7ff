import AuditCore
import DiskProbe
import SourceInventory

/// Compares the size of the disk the GPT was written for (`(alternateLBA + 1) × sector
/// size`) with the source disk's capacity. Equal is a correct copy, even on a larger
/// volume; different means the label came from another disk, which is named when its
/// capacity is exactly the implied size.
public enum LabelGeometryRule: DiskRule {
    /// The label-geometry family.
    public static let family = RuleFamily.labelGeometry

    /// Skipped when the label records no disk size (no GPT).
    public static func skipReason(in context: DiskContext) -> String? {
        context.probe.partitionTable?.impliedDiskBytes == nil
            ? "the volume has no GPT, so its label does not record the disk size it was written for" : nil
    }

    static func message(_ context: DiskContext, implied: UInt64, alternateLBA: UInt64?, owners: [SourceDisk]) -> String {
        let lba = alternateLBA.map { "alternate LBA \($0), " } ?? ""
        var text = "The GPT on this volume was written for a \(ByteSize.human(implied)) disk (\(lba)\(implied) bytes), "
            + "but \(DiskContext.describe(context.disk)) has \(context.disk.capacityBytes) bytes"
            + LabelSizeDifference.text(implied: implied, disk: context.disk) + "."
        if owners.count == 1, let owner = owners.first {
            text += " \(implied) bytes is the capacity of \(DiskContext.describe(owner)): "
                + "this volume carries disk \(owner.key)'s partition table."
        } else if owners.count > 1 {
            text += " Disks \(owners.map(\.key).joined(separator: ", ")) all have that capacity; "
                + "only identities from the sources or a baseline can tell which one it came from."
        } else {
            text += " No disk of the VM has that capacity."
            if context.reference == nil {
                text += " If the source disk was grown in vSphere after it was partitioned, its own label says the same:"
                    + " verify with --nbd-sources or a --baseline to tell a faithful copy from a foreign label."
            }
        }
        return text
    }

    /// `label-matches-source-label` (info): the source's own GPT was written for the same
    /// size, e.g. a disk grown in vSphere whose label was never moved. The copy is faithful.
    static let sourceLabelCode = FindingCode.labelMatchesSourceLabel

    /// `label-sized-for-other-disk` (critical) when the implied size is not the disk's capacity; nothing when it is.
    public static func findings(in context: DiskContext) -> [Finding] {
        guard let table = context.probe.partitionTable, let implied = table.impliedDiskBytes else { return [] }
        guard implied != context.disk.capacityBytes else { return [] }
        let primary = context.probe.witnesses.primaryGPT
        let alternateLBA = table.gpt?.alternateLBA ?? primary?.alternateLBA
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
