import AuditCore

/// Blank and half-written volumes, from the volume alone: a volume with no data at all
/// (`volume-blank`, a warning here: without an inventory nobody says it should hold any),
/// and a label that promises data where the volume has none (`copy-incomplete`, critical):
/// partitions past the point where the data stops that hold nothing, or a GPT whose backup
/// header is missing from a region that holds nothing, or a filesystem's end structure
/// (its last backup superblock, …) is missing past where the data stops, or one of its
/// structures reads as zeros with data past it (a region never written); a volume that
/// holds data but nothing recognisable (`volume-unrecognised`, a warning that leaves the
/// verdict inconclusive); and a partition table with nothing in its partitions
/// (`volume-label-only`, a warning). README.md, "Blank and half-written volumes".
public enum DataExtentRule {
    /// GPT partition types that hold nothing by design (Microsoft reserved) and DOS
    /// extended containers: their emptiness says nothing about the copy.
    static let emptyByDesign: Set<String> = [
        "e3c9e316-0b5c-4db8-817d-f92df00215ae", "0x5", "0x05", "0xf", "0x0f", "0x85",
    ]

    /// Whether the volume has no label and no signature of any kind.
    public static func hasNoStructure(_ probe: ProbeResult) -> Bool {
        probe.partitionTable == nil && probe.filesystem == nil && probe.partitionTableSignature == nil
            && probe.partitions.isEmpty && !(probe.witnesses.mbr?.bootSignatureValid ?? false)
            && !(probe.witnesses.primaryGPT?.signatureValid ?? false) && !(probe.witnesses.endGPT?.signatureValid ?? false)
    }

    /// Whether the probe shows a volume with no data: nothing found by block status or reads,
    /// and no label or signature.
    public static func isBlank(_ probe: ProbeResult) -> Bool {
        guard let extent = probe.dataExtent else { return false }
        return !extent.holdsData && hasNoStructure(probe)
    }

    /// Whether the volume holds data (a non-zero byte was found) yet has no partition
    /// table, no signature and no partitions: nothing on it was understood, so nothing on it
    /// was checked (`volume-unrecognised`).
    public static func isUnrecognised(_ probe: ProbeResult) -> Bool {
        guard let extent = probe.dataExtent, extent.holdsData, probe.isComplete else { return false }
        // Signatures libblkid would not choose between are `ambiguous-signature`'s to report,
        // an image file's header `image-container-on-volume`'s.
        return probe.partitionTable == nil && probe.filesystem == nil && probe.partitionTableSignature == nil
            && probe.partitions.isEmpty && (probe.multiDeviceMembers ?? []).isEmpty
            && !probe.findings.contains { $0.code == FindingCode.ambiguousSignature }
            && probe.imageContainerHeader == nil
    }

    /// Whether the volume holds a partition table and nothing else: no whole-disk signature,
    /// no multi-device member, and every partition that could hold something (not extended,
    /// not empty by design) measured to hold neither data nor a signature — or no such
    /// partition at all (`volume-label-only`). Partitions whose data was not measured are
    /// not taken for empty.
    public static func isLabelOnly(_ probe: ProbeResult) -> Bool {
        guard let extent = probe.dataExtent, extent.holdsData, probe.isComplete, probe.partitionTable != nil,
              probe.filesystem == nil, (probe.multiDeviceMembers ?? []).isEmpty, (probe.logicalVolumes ?? []).isEmpty,
              probe.imageContainerHeader == nil else { return false }
        return probe.partitions.allSatisfy { p in
            p.partitionKind == .extended || emptyByDesign.contains(p.type.lowercased())
                || (p.filesystem == nil && extent.partition(p.number)?.holdsData == false)
        }
    }

    /// What is left of a label on an unrecognised volume: MBR entries whose boot signature
    /// is gone (wipefs clears only the 0x55AA), for messages and evidence.
    static func labelRemnants(_ probe: ProbeResult) -> [String] {
        guard let mbr = probe.witnesses.mbr, !mbr.bootSignatureValid else { return [] }
        // Entries that fit on the volume (at 512 or 4096 bytes a sector): random bytes rarely do.
        let sectors = probe.sizeBytes / 512
        let entries = mbr.entries.filter { e in
            let (end, overflow) = e.startLBA.addingReportingOverflow(e.sectors)
            return e.type != "0x00" && e.sectors > 0 && e.startLBA > 0 && !overflow && end <= sectors
        }
        guard !entries.isEmpty else { return [] }
        return ["\(entries.count) MBR partition entr\(entries.count == 1 ? "y" : "ies") (type "
                + entries.map(\.type).joined(separator: ", ") + ") without the 0x55AA boot signature"]
    }

    /// The `volume-unrecognised` finding of `probe` (see `isUnrecognised`), at `severity`,
    /// about `subject` ("The volume", "The volume of disk 2000 (…)"); `why` ends the message.
    public static func unrecognisedFinding(_ probe: ProbeResult, severity: Severity, subject: String, why: String) -> Finding? {
        guard isUnrecognised(probe), let extent = probe.dataExtent else { return nil }
        let remnants = labelRemnants(probe)
        let where_ = extent.allocatedBytes.map { "\(ByteSize.human($0)) allocated by block status, " } ?? ""
        let left = remnants.isEmpty ? "" : " It still holds \(remnants.joined(separator: "; ")), as a wiped label leaves it."
        return Finding(
            code: FindingCode.volumeUnrecognised, severity: severity,
            message: "\(subject) holds data (\(where_)\(extent.nonZeroBlocks) of \(extent.blocksRead) blocks read hold non-zero "
                + "bytes, the last data ending at offset \(extent.dataEndBytes)) but no partition table and no filesystem or other "
                + "signature libblkid knows, so nothing on it could be checked.\(left) \(why)",
            evidence: ["dataEndBytes": .number(extent.dataEndBytes), "method": .string(extent.method),
                       "allocatedBytes": extent.allocatedBytes.map { .number($0) } ?? .null,
                       "blocksRead": .number(UInt64(extent.blocksRead)), "nonZeroBlocks": .number(UInt64(extent.nonZeroBlocks)),
                       "labelRemnants": .array(remnants.map { .string($0) })])
    }

    /// The `volume-label-only` finding of `probe` (see `isLabelOnly`), at `severity`, about
    /// `subject`; `why` follows what the volume holds, ending the message. `sourceLabelOnly`
    /// is the source's reading, nil without a source.
    public static func labelOnlyFinding(_ probe: ProbeResult, severity: Severity, subject: String, why: String,
                                        sourceLabelOnly: Bool?) -> Finding? {
        guard isLabelOnly(probe), let extent = probe.dataExtent else { return nil }
        let count = probe.partitions.filter { $0.partitionKind != .extended }.count
        let table = "a \(probe.partitionTable?.labelType.rawValue ?? "partition") table"
        let what = count == 0 ? "\(table) with no partition"
            : "\(table) whose \(count) partition\(count == 1 ? "" : "s") hold\(count == 1 ? "s" : "") neither data nor a filesystem signature"
        return Finding(code: FindingCode.volumeLabelOnly, severity: severity, message: "\(subject) holds \(what)\(why)",
                       evidence: ["partitions": .number(UInt64(count)), "dataEndBytes": .number(extent.dataEndBytes),
                                  "method": .string(extent.method), "sourceLabelOnly": sourceLabelOnly.map { .bool($0) } ?? .null])
    }

    /// What `volume-label-only` says when no source tells the two cases apart.
    public static func labelOnlyWithoutSource(_ verifyWith: String) -> String {
        ": nothing beyond the label could be checked. A copy that wrote only the label looks like this, and so does a "
            + "disk that was never formatted: \(verifyWith) to tell them apart."
    }

    /// How the blankness was established, for messages.
    public static func howBlank(_ extent: DataExtent) -> String {
        extent.blankProven
            ? "block status reports every byte of it a hole or zeros"
            : "none of the \(extent.blocksRead) blocks read from it (its start, its end, and spread across the data block status reports) holds a non-zero byte"
    }

    /// Evidence for a blank volume.
    public static func blankEvidence(_ probe: ProbeResult, _ extent: DataExtent) -> [String: JSONValue] {
        ["sizeBytes": .number(probe.sizeBytes), "method": .string(extent.method), "blankProven": .bool(extent.blankProven),
         "blocksRead": .number(UInt64(extent.blocksRead)), "allocatedBytes": extent.allocatedBytes.map { .number($0) } ?? .null]
    }

    /// What the label promises past the data: partitions with nothing in them beyond the
    /// data end, and a missing backup GPT header in a region with no data.
    public struct Gap: Sendable, Equatable {
        public var dataEndBytes: UInt64
        /// Partitions (by number) that start at or after the data end and hold nothing.
        public var emptyPartitions: [Partition]
        /// The byte offset of the backup GPT header the primary names, when it is missing.
        public var missingBackupGPTOffset: UInt64?
        /// Filesystems whose end structure is missing past where the data stops.
        public var missingEnds: [MissingEnd]
        /// Structures of filesystems (their end one or those inside) that read as zeros
        /// where the volume holds data past them: regions of the copy never written.
        public var holes: [MissingEnd]
        /// LVM logical volumes that start at or past the data end and hold no signature,
        /// while another LV of the volume holds a filesystem.
        public var emptyLogicalVolumes: [LogicalVolume]

        /// Creates the value from its fields.
        public init(dataEndBytes: UInt64, emptyPartitions: [Partition], missingBackupGPTOffset: UInt64?,
                    missingEnds: [MissingEnd] = [], holes: [MissingEnd] = [], emptyLogicalVolumes: [LogicalVolume] = []) {
            self.dataEndBytes = dataEndBytes
            self.emptyPartitions = emptyPartitions
            self.missingBackupGPTOffset = missingBackupGPTOffset
            self.missingEnds = missingEnds
            self.holes = holes
            self.emptyLogicalVolumes = emptyLogicalVolumes
        }

        /// Whether the gap holds nothing to report.
        public var isEmpty: Bool {
            emptyPartitions.isEmpty && missingBackupGPTOffset == nil && missingEnds.isEmpty && holes.isEmpty
                && emptyLogicalVolumes.isEmpty
        }
    }

    /// A filesystem whose end structure (`FilesystemEndStructure`) is not there.
    public struct MissingEnd: Sendable, Equatable {
        /// "whole disk", "partition N" or "LV vg/lv (on partition N)".
        public var place: String
        public var type: String
        public var structure: FilesystemEndStructure
    }

    /// Every filesystem of `probe`, with where it is.
    static func filesystems(_ probe: ProbeResult) -> [(place: String, fs: FilesystemSignature)] {
        var places: [(String, FilesystemSignature?)] = [("whole disk", probe.filesystem)]
        places += probe.partitions.map { ("partition \($0.number)", $0.filesystem) }
        places += (probe.logicalVolumes ?? []).map { ($0.describe, $0.filesystem) }
        return places.compactMap { place, fs in fs.map { (place, $0) } }
    }

    /// The filesystems of `probe` whose end structure is missing at or past `dataEnd`:
    /// a copy that stopped inside them.
    public static func missingEnds(_ probe: ProbeResult, dataEnd: UInt64) -> [MissingEnd] {
        filesystems(probe).compactMap { place, fs in
            guard let end = fs.endStructure, !end.present, end.offsetBytes >= dataEnd else { return nil }
            return MissingEnd(place: place, type: fs.type, structure: end)
        } + unidentified(probe).filter { $0.structure.offsetBytes >= dataEnd }
    }

    /// The structures of `probe`'s filesystems — the end one, and those mkfs spreads through
    /// them — that read as zeros before `dataEnd`: the volume holds data past them, so the
    /// copy did not stop there; those regions were never written. Bytes that are not zero
    /// are not counted (they may be data where the structure was not looked for right).
    public static func holes(_ probe: ProbeResult, dataEnd: UInt64) -> [MissingEnd] {
        missingStructures(probe).filter { $0.structure.zeroFilled == true && $0.structure.offsetBytes < dataEnd }
    }

    /// Every structure of `probe`'s filesystems (end or inside) that is not there, whatever
    /// the bytes in its place.
    public static func missingStructures(_ probe: ProbeResult) -> [MissingEnd] {
        filesystems(probe).flatMap { place, fs in
            ((fs.interiorStructures?.missing ?? []) + (fs.endStructure.map { [$0] } ?? [])).filter { !$0.present }
                .map { MissingEnd(place: place, type: fs.type, structure: $0) }
        } + unidentified(probe)
    }

    /// Filesystems libblkid could not identify because what it needed reads as zeros (an
    /// NTFS boot sector whose MFT was never written), as missing structures.
    static func unidentified(_ probe: ProbeResult) -> [MissingEnd] {
        (probe.incompleteProbes ?? []).compactMap { gap in
            gap.zeroFilled.map { MissingEnd(place: gap.place, type: gap.prober, structure: $0) }
        }
    }

    /// The LVs of `probe` that lie wholly on the volume, start at or past `dataEnd` and hold
    /// no signature, when another LV holds a filesystem: as with partitions, a copy that
    /// wrote the earlier LVs and not the later ones (with no LV holding anything, empty LVs
    /// are no evidence).
    public static func emptyLogicalVolumes(_ probe: ProbeResult, dataEnd: UInt64) -> [LogicalVolume] {
        let lvs = probe.logicalVolumes ?? []
        guard lvs.contains(where: { $0.filesystem != nil }) else { return [] }
        return lvs.filter { lv in
            guard lv.wholeOnVolume, lv.filesystem == nil, let first = lv.segments.first else { return false }
            return first.startBytes >= dataEnd && first.startBytes < probe.sizeBytes
        }
    }

    /// The gap between the label and the data, or nil when the label's promises are kept
    /// (or cannot be judged: no label, no measurement).
    public static func gap(_ probe: ProbeResult) -> Gap? {
        guard let extent = probe.dataExtent, extent.holdsData else { return nil }
        let end = extent.dataEndBytes
        let ends = missingEnds(probe, dataEnd: end)
        let holes = holes(probe, dataEnd: end)
        let emptyLVs = emptyLogicalVolumes(probe, dataEnd: end)
        guard let table = probe.partitionTable else {
            let gap = Gap(dataEndBytes: end, emptyPartitions: [], missingBackupGPTOffset: nil, missingEnds: ends, holes: holes,
                          emptyLogicalVolumes: emptyLVs)
            return gap.isEmpty ? nil : gap
        }
        // A half copy wrote some partitions and not the later ones: with no partition
        // holding anything, empty partitions are no evidence (a label never formatted).
        let somePartitionHoldsData = probe.partitions.contains { p in
            p.filesystem != nil || (extent.partition(p.number)?.holdsData ?? false)
        }
        let empty = !somePartitionHoldsData ? [] : probe.partitions.filter { p in
            p.partitionKind != .extended && !emptyByDesign.contains(p.type.lowercased()) && p.filesystem == nil
                && p.startBytes >= end && p.startBytes < probe.sizeBytes && p.sizeBytes > 0
                && !(extent.partition(p.number)?.holdsData ?? false)
        }
        var missingBackup: UInt64?
        let ss = UInt64(probe.sectorSize)
        if table.labelType == .gpt, let gpt = table.gpt, gpt.source == "primary", gpt.alternateLBA > 1 {
            let (offset, overflow) = gpt.alternateLBA.multipliedReportingOverflow(by: ss)
            let backupValid = probe.witnesses.backupGPT?.signatureValid ?? false
            // Data that ends with a GPT header ends with a backup (moved elsewhere, or
            // another label's): gpt-backup-misplaced and the label rules say what it is.
            if !overflow, offset + ss <= probe.sizeBytes, !backupValid, offset >= end, extent.gptHeaderAtDataEndLBA == nil {
                missingBackup = offset
            }
        }
        let gap = Gap(dataEndBytes: end, emptyPartitions: empty, missingBackupGPTOffset: missingBackup, missingEnds: ends, holes: holes,
                      emptyLogicalVolumes: emptyLVs)
        return gap.isEmpty ? nil : gap
    }

    /// "partition 2 (ext4 expected, 1.5 GiB at 512 MiB)".
    static func describe(_ p: Partition) -> String {
        let name = p.name.map { " \"\($0)\"" } ?? ""
        return "partition \(p.number)\(name) (\(ByteSize.human(p.sizeBytes)) at offset \(p.startBytes))"
    }

    /// The message of a `copy-incomplete` finding for `gap`.
    public static func message(_ gap: Gap, extent: DataExtent, subject: String) -> String {
        var what: [String] = []
        if !gap.emptyPartitions.isEmpty {
            what.append("\(gap.emptyPartitions.map(describe).joined(separator: ", ")) hold\(gap.emptyPartitions.count == 1 ? "s" : "") no data and no filesystem signature")
        }
        if let offset = gap.missingBackupGPTOffset {
            what.append("the backup GPT header its label names at offset \(offset) is missing")
        }
        if !gap.emptyLogicalVolumes.isEmpty {
            let lvs = gap.emptyLogicalVolumes.map { lv in
                "LV \(lv.name) on \(lv.placeText) (\(ByteSize.human(lv.sizeBytes))\(lv.segments.first.map { " at offset \($0.startBytes)" } ?? ""))"
            }
            what.append("\(lvs.joined(separator: ", ")) hold\(lvs.count == 1 ? "s" : "") no data and no filesystem signature")
        }
        for m in gap.missingEnds {
            what.append("the \(m.type) filesystem on \(m.place == "whole disk" ? "the whole disk" : m.place) lacks its \(m.structure.what) at offset \(m.structure.offsetBytes), "
                        + "which mkfs always writes")
        }
        let fix = "Rerun the replication of this disk (or compare it with its source: --nbd-sources, --content full) before using it."
        // Holes: one line per filesystem, naming its first missing structure and how many more.
        var holes: [String] = []
        var seen: [String: Int] = [:]
        for h in gap.holes { seen["\(h.place) \(h.type)", default: 0] += 1 }
        for h in gap.holes where seen["\(h.place) \(h.type)"] != nil {
            let more = seen.removeValue(forKey: "\(h.place) \(h.type)").map { $0 - 1 } ?? 0
            holes.append("the \(h.type) filesystem on \(h.place == "whole disk" ? "the whole disk" : h.place) has only zeros where its "
                         + "\(h.structure.what) belongs, at offset \(h.structure.offsetBytes)"
                         + (more > 0 ? " (and \(more) more of its structures)" : ""))
        }
        let holeText = holes.isEmpty ? "" : "Inside the data, \(holes.joined(separator: "; ")): mkfs always writes these, so "
            + "those regions of the copy were never written. "
        guard !what.isEmpty else {
            return "\(subject) looks like a copy with regions that were never written, though data lies past them "
                + "(up to offset \(gap.dataEndBytes)). \(holeText)\(fix)"
        }
        return "\(subject) looks like a copy that stopped part-way: data stops at offset \(gap.dataEndBytes) "
            + "(\(ByteSize.human(gap.dataEndBytes))), yet "
            + (!gap.emptyPartitions.isEmpty || gap.missingBackupGPTOffset != nil ? "its own label promises"
                : !gap.emptyLogicalVolumes.isEmpty ? "its LVM metadata promises" : "its filesystems promise")
            + " more — \(what.joined(separator: "; ")). \(holeText)\(fix)"
    }

    /// Evidence of a `copy-incomplete` finding.
    public static func evidence(_ gap: Gap, extent: DataExtent) -> [String: JSONValue] {
        ["dataEndBytes": .number(gap.dataEndBytes), "method": .string(extent.method),
         "emptyPartitions": .array(gap.emptyPartitions.map { .number(UInt64($0.number)) }),
         "missingBackupGPTOffset": gap.missingBackupGPTOffset.map { .number($0) } ?? .null,
         "missingFilesystemEnds": .array(gap.missingEnds.map {
             ["place": .string($0.place), "type": .string($0.type), "structure": .string($0.structure.what),
              "offsetBytes": .number($0.structure.offsetBytes)]
         }),
         "emptyLogicalVolumes": .array(gap.emptyLogicalVolumes.map { .string($0.name) }),
         "filesystemHoles": .array(gap.holes.map {
             ["place": .string($0.place), "type": .string($0.type), "structure": .string($0.structure.what),
              "offsetBytes": .number($0.structure.offsetBytes)]
         }),
         "blocksRead": .number(UInt64(extent.blocksRead))]
    }

    /// The findings for `probe` on its own.
    public static func findings(_ probe: ProbeResult) -> [Finding] {
        // Unreadable regions read as zeros in the shadow: nothing about data is proven then.
        guard let extent = probe.dataExtent, probe.isComplete else { return [] }
        if isBlank(probe) {
            return [Finding(code: FindingCode.volumeBlank, severity: .warning,
                            message: "The volume holds no data: \(howBlank(extent)), and it has no partition table or "
                                + "signature. If it should hold a copy of a disk, nothing was written to it: check which "
                                + "volume the replication wrote to, and rerun it.",
                            evidence: blankEvidence(probe, extent))]
        }
        if let unrecognised = unrecognisedFinding(
            probe, severity: .warning, subject: "The volume",
            why: "Its label may have been wiped (wipefs), or it holds raw data: compare it with its source (verify "
                + "--nbd-sources, a --baseline) before trusting it.") {
            return [unrecognised]
        }
        // A label and nothing in its partitions: a warning here as in verify without a source.
        let labelOnly = labelOnlyFinding(probe, severity: .warning, subject: "The volume",
                                         why: labelOnlyWithoutSource("verify it with its source (verify --nbd-sources, "
                                             + "a --baseline from capture)"),
                                         sourceLabelOnly: nil).map { [$0] } ?? []
        if let gap = gap(probe) {
            return labelOnly + [Finding(code: FindingCode.copyIncomplete, severity: .critical,
                                        message: message(gap, extent: extent, subject: "The volume"),
                                        evidence: evidence(gap, extent: extent))]
        }
        return labelOnly
    }
}
