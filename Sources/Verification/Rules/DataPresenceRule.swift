import AuditCore
import DiskProbe
import SourceInventory

/// Blank and half-written volumes, against the inventory and the source (README.md,
/// "Blank and half-written volumes"):
/// - `volume-blank`, critical: the inventory says the disk exists, so its volume should
///   hold its copy; info only when the source (live or baseline) is shown blank too.
/// - `copy-incomplete`, critical: the volume's own label promises data past where its data
///   stops (DataExtentRule), or partitions that hold data (or a backup GPT header) on the
///   source hold nothing on the volume; LVM logical volumes likewise.
///   Also a filesystem whose end structure (last backup superblock, …) is missing past
///   where the data stops, or one of its structures reads as zeros with data past it,
///   unless the source lacks it too.
/// - `volume-label-only`: a partition table and nothing in its partitions. A warning
///   (verdict inconclusive) without a source, info when the source is the same.
/// - `volume-unrecognised`: data and nothing recognisable. A warning (verdict inconclusive
///   at best), info when the source holds unrecognised data too and the content is compared.
/// - `image-container-on-volume`: the volume begins with an image file's header; critical,
///   info when the source begins with the same header.
public enum DataPresenceRule: DiskRule {
    /// The data-presence family.
    public static let family = RuleFamily.dataPresence

    /// With the source in view, a gap the source shares is not the copy's: the probe's own
    /// findings of these codes give way to this rule's.
    public static let judgedProbeCodes: Set<String> = [FindingCode.volumeBlank, FindingCode.copyIncomplete,
                                                       FindingCode.volumeUnrecognised, FindingCode.volumeLabelOnly,
                                                       FindingCode.imageContainerOnVolume]

    /// Skipped when the volume's data extent was not measured.
    public static func skipReason(in context: DiskContext) -> String? {
        if !context.probe.isComplete { return "parts of the volume could not be read" }
        return context.probe.dataExtent == nil ? "where the volume holds data was not measured" : nil
    }

    public static func findings(in context: DiskContext) -> [Finding] {
        containerFindings(context) + presenceFindings(context)
    }

    /// `image-container-on-volume` for this disk: critical, or info when the source begins
    /// with the same image header (a disk that holds an image file, as the source's does).
    static func containerFindings(_ context: DiskContext) -> [Finding] {
        guard let format = context.probe.imageContainerHeader else { return [] }
        let subject = "The volume of \(DiskContext.describe(context.disk))"
        if context.reference?.imageContainerHeader == format {
            return [ImageContainerOnVolumeRule.finding(
                format, severity: .info, subject: subject,
                why: "Its source begins with the same header (a disk that holds an image file): nothing to do if the content matches.")]
        }
        return [ImageContainerOnVolumeRule.finding(format, severity: .critical, subject: subject, why: ImageContainerOnVolumeRule.fix)]
    }

    static func presenceFindings(_ context: DiskContext) -> [Finding] {
        let probe = context.probe
        guard let extent = probe.dataExtent else { return [] }
        let subject = "The volume of \(DiskContext.describe(context.disk))"
        if DataExtentRule.isBlank(probe) {
            var evidence = DataExtentRule.blankEvidence(probe, extent)
            if let reference = context.reference, DataExtentRule.isBlank(reference) {
                evidence["sourceBlank"] = true
                return [Finding(code: FindingCode.volumeBlank, severity: .info,
                                message: "\(subject) holds no data, and neither does its source: \(DataExtentRule.howBlank(extent)). "
                                    + "Nothing to do, unless the source was expected to hold data.",
                                evidence: evidence)]
            }
            let why = context.reference != nil
                ? "its source holds data (or a label)"
                : "the inventory lists the disk, so its copy should be here"
            return [Finding(code: FindingCode.volumeBlank, severity: .critical,
                            message: "\(subject) holds no data: \(DataExtentRule.howBlank(extent)), and it has no partition "
                                + "table or signature, while \(why). Nothing was written to it: check which volume the "
                                + "replication wrote this disk to (another disk's volume may hold it) and rerun it.",
                            evidence: evidence)]
        }
        if DataExtentRule.isUnrecognised(probe) {
            // Raw data on the source too, and the content compared: as on the source, and the
            // content check decides. Otherwise a warning (the verdict is inconclusive at best).
            let (severity, why): (Severity, String) = switch (context.reference.map(DataExtentRule.isUnrecognised),
                                                              context.contentCompared) {
            case (true?, true):
                (.info, "Its source holds unrecognised data too (raw data, not a label lost in the copy); the content "
                    + "comparison with the source decides.")
            case (true?, false):
                (.warning, "Its source holds unrecognised data too: compare the content (--content sample or full) to check it.")
            case (false?, _):
                (.warning, "Its source has a label or signature: the copy's is gone.")
            case (nil, _):
                (.warning, "Its label may have been wiped (wipefs), or it holds raw data: verify with its source "
                    + "(--nbd-sources, a --baseline) and the content compared.")
            }
            return DataExtentRule.unrecognisedFinding(probe, severity: severity, subject: subject, why: why).map { [$0] } ?? []
        }
        let labelOnly = labelOnlyFindings(context)
        var gap = DataExtentRule.gap(probe)
        // A filesystem end structure missing on the source as well is not the copy's doing.
        // So are structures missing from the source too (the same offsets).
        if let reference = context.reference, var g = gap, !g.missingEnds.isEmpty || !g.holes.isEmpty {
            let alsoOnSource = Set(DataExtentRule.missingEnds(reference, dataEnd: 0).map { "\($0.place) \($0.type)" })
            g.missingEnds.removeAll { alsoOnSource.contains("\($0.place) \($0.type)") }
            let sourceHoles = Set(DataExtentRule.missingStructures(reference).map { "\($0.place) \($0.type) \($0.structure.offsetBytes)" })
            g.holes.removeAll { sourceHoles.contains("\($0.place) \($0.type) \($0.structure.offsetBytes)") }
            gap = g.isEmpty ? nil : g
        }
        // An LV the source leaves unformatted too is no gap of the copy's.
        if let reference = context.reference, var g = gap, !g.emptyLogicalVolumes.isEmpty {
            g.emptyLogicalVolumes.removeAll { lv in sameLogicalVolume(lv, in: reference).map { $0.filesystem == nil } ?? false }
            gap = g.isEmpty ? nil : g
        }
        // Against the source: partitions that hold data there and nothing here.
        var emptyHere: [Partition] = []
        var emptyLVsHere: [LogicalVolume] = []
        var sourceBackupLost = false
        if let reference = context.reference {
            // LVs that hold a filesystem on the source and no signature here.
            emptyLVsHere = (probe.logicalVolumes ?? []).filter { lv in
                lv.filesystem == nil && sameLogicalVolume(lv, in: reference)?.filesystem != nil
            }
            for p in probe.partitions where p.partitionKind != .extended && p.filesystem == nil
                && !(extent.partition(p.number)?.holdsData ?? false) {
                guard let s = reference.partitions.first(where: { $0.number == p.number && $0.startBytes == p.startBytes }),
                      s.filesystem != nil || (reference.dataExtent?.partition(s.number)?.holdsData ?? false) else { continue }
                emptyHere.append(p)
            }
            if probe.partitionTable?.labelType == .gpt, reference.witnesses.backupGPT?.signatureValid == true,
               probe.witnesses.backupGPT?.signatureValid != true, probe.witnesses.endGPT?.signatureValid != true {
                sourceBackupLost = true
            }
        }
        if !emptyHere.isEmpty || sourceBackupLost || !emptyLVsHere.isEmpty {
            var g = gap ?? DataExtentRule.Gap(dataEndBytes: extent.dataEndBytes, emptyPartitions: [], missingBackupGPTOffset: nil)
            for p in emptyHere where !g.emptyPartitions.contains(where: { $0.number == p.number }) { g.emptyPartitions.append(p) }
            g.emptyPartitions.sort { $0.number < $1.number }
            for lv in emptyLVsHere where !g.emptyLogicalVolumes.contains(where: { $0.name == lv.name }) { g.emptyLogicalVolumes.append(lv) }
            if sourceBackupLost, g.missingBackupGPTOffset == nil, let alt = probe.partitionTable?.gpt?.alternateLBA {
                g.missingBackupGPTOffset = alt &* UInt64(probe.sectorSize)
            }
            gap = g
        }
        guard let gap else { return labelOnly }
        var evidence = DataExtentRule.evidence(gap, extent: extent)
        if !emptyHere.isEmpty { evidence["emptyHereButNotOnSource"] = .array(emptyHere.map { .number(UInt64($0.number)) }) }
        if !emptyLVsHere.isEmpty {
            evidence["logicalVolumesEmptyHereButNotOnSource"] = .array(emptyLVsHere.map { .string($0.name) })
        }
        return labelOnly + [Finding(code: FindingCode.copyIncomplete, severity: .critical,
                                    message: DataExtentRule.message(gap, extent: extent, subject: subject),
                                    evidence: evidence)]
    }

    /// `volume-label-only`: the label and nothing in its partitions. A warning without a
    /// source (the verdict is inconclusive: nothing beyond the label was checked), info when
    /// the source is label-only too; none when the source holds data there — then the
    /// partitions empty here are `copy-incomplete`'s.
    static func labelOnlyFindings(_ context: DiskContext) -> [Finding] {
        let subject = "The volume of \(DiskContext.describe(context.disk))"
        // A source whose data was not measured (a baseline from an older version) cannot
        // tell the two apart either.
        guard let reference = context.reference, reference.dataExtent != nil else {
            let why = DataExtentRule.labelOnlyWithoutSource("verify it with its source (--nbd-sources, a --baseline from capture)")
            return DataExtentRule.labelOnlyFinding(context.probe, severity: .warning, subject: subject, why: why,
                                                   sourceLabelOnly: context.reference.map(DataExtentRule.isLabelOnly)).map { [$0] } ?? []
        }
        guard DataExtentRule.isLabelOnly(reference) else { return [] }
        return DataExtentRule.labelOnlyFinding(context.probe, severity: .info, subject: subject,
                                               why: ", and so does its source: a disk that was never formatted. Nothing to do.",
                                               sourceLabelOnly: true).map { [$0] } ?? []
    }

    /// The LV of `reference` with `lv`'s name, starting at the same place of the volume.
    static func sameLogicalVolume(_ lv: LogicalVolume, in reference: ProbeResult) -> LogicalVolume? {
        reference.logicalVolumes?.first { $0.name == lv.name && $0.segments.first?.startBytes == lv.segments.first?.startBytes }
    }
}
