import AuditCore
import BlockAccess

/// Probes a volume read-only: raw MBR/GPT witnesses, the partition table through libfdisk,
/// signatures through libblkid, and the findings that need no inventory.
///
/// libfdisk and libblkid run on a sparse shadow file holding only the regions read, so a
/// local image and the same image served over NBD give the same result apart from `target`.
public enum DiskProber {
    /// Probes `volume`. Reads that fail are recorded in `unreadableRegions` (and as an
    /// `unreadable-region` finding); only a failure of the probe's own machinery throws.
    public static func probe(_ volume: any Volume, options: ProbeOptions = .init()) throws(ProbeError) -> ProbeResult {
        let sectorSize = volume.logicalSectorSize
        guard sectorSize >= 512, sectorSize <= 65536, sectorSize & (sectorSize - 1) == 0 else {
            throw ProbeError(kind: .volume, operation: "probe", message: "logical sector size \(sectorSize) is not a power of two between 512 and 65536")
        }
        let size = volume.sizeBytes
        var result = ProbeResult(target: volume.displayName, sizeBytes: size, sectorSize: sectorSize)
        guard size >= 2 * UInt64(sectorSize) else {
            result.findings = ProbeRules.evaluate(result)
            return result
        }
        let shadow = try ShadowFile(sizeBytes: size)
        let copier = RegionCopier(volume: volume, shadow: shadow)
        try copier.copy(offset: 0, length: UInt64(options.diskHeadBytes), purpose: "disk head")
        let tail = min(UInt64(options.diskTailBytes), size)
        try copier.copy(offset: size - tail, length: tail, purpose: "disk tail")

        let reader = WitnessReader(copier: copier, sectorSize: sectorSize, options: options)
        let witnesses = try readWitnesses(reader)
        result.witnesses = witnesses.value

        // libfdisk allocates count × size bytes for any checksummed GPT header's entry array
        // before it reads it (util-linux 2.38): a hostile header would make it ask for up
        // to 512 GiB. Such labels are never handed to it; the raw decoder reads them instead.
        let hostileHeaders = hostileEntryArrayHeaders(witnesses.value, limit: options.maxEntriesArrayBytes)
        var fdisk: FdiskLabelReader?
        var label: FdiskLabel?
        if hostileHeaders.isEmpty {
            fdisk = try FdiskLabelReader(fd: shadow.fd, sectorSize: sectorSize)
            label = try fdisk?.label()
        }
        if let (header, _) = witnesses.labelHeader, label?.type != "gpt" {
            label = try rawGPTLabel(header, reader: reader, fdisk: fdisk, libfdiskLabel: label,
                                    refusedFor: hostileHeaders)
        }
        result.partitions = (label?.partitions ?? []).map { partition($0, label: label, sectorSize: sectorSize) }
        result.partitionTable = label.map { table($0, witnesses: witnesses, partitions: result.partitions, sectorSize: sectorSize) }

        for p in result.partitions where p.kind != "extended" && p.startBytes < size {
            let length = min(p.sizeBytes, size - p.startBytes)
            try copier.copy(offset: p.startBytes, length: min(length, UInt64(options.partitionHeadBytes)),
                            purpose: "partition \(p.number) head")
            let tailLength = min(length, UInt64(options.partitionTailBytes))
            try copier.copy(offset: p.startBytes + length - tailLength, length: tailLength, purpose: "partition \(p.number) tail")
        }

        var ambiguous: [String] = []
        let wholeDisk = try BlkidSignatureProbe(fd: shadow.fd, offset: 0, size: size, sectorSize: sectorSize, partitionTables: true)
        switch wholeDisk.safeProbe() {
        case .found(let values):
            result.filesystem = signature(values)
            if let pt = values["PTTYPE"] {
                result.partitionTableSignature = PartitionTableSignature(type: pt, uuid: values["PTUUID"],
                                                                         partitions: wholeDisk.partitions() ?? [])
            }
        case .ambiguous: ambiguous.append("whole disk")
        case .nothing, .failed: break
        }
        if options.probePartitionSignatures {
            for i in result.partitions.indices where result.partitions[i].kind != "extended" {
                let p = result.partitions[i]
                guard p.startBytes < size else { continue }
                let probe = try BlkidSignatureProbe(fd: shadow.fd, offset: p.startBytes, size: min(p.sizeBytes, size - p.startBytes),
                                                    sectorSize: sectorSize, partitionTables: false)
                switch probe.safeProbe() {
                case .found(let values): result.partitions[i].filesystem = signature(values)
                case .ambiguous: ambiguous.append("partition \(p.number)")
                case .nothing, .failed: break
                }
            }
        }

        result.regionsRead = try copier.ledger()
        result.unreadableRegions = copier.unreadable
        result.findings = ProbeRules.evaluate(result)
        if !ambiguous.isEmpty { result.findings.append(AmbiguousSignatureRule.finding(places: ambiguous)) }
        // Blank and half-written volumes (issue 9): where the data ends, against the label.
        if options.measureDataExtent { result.dataExtent = DataExtentSurvey.measure(volume, partitions: result.partitions) }
        result.findings += DataExtentRule.findings(result)
        return result
    }

    /// The witnesses, and the decoded header that the label rests on.
    struct WitnessSet {
        var value: Witnesses
        /// The header the label is taken from: the primary when its CRC holds, else a valid backup.
        var labelHeader: (header: GPTHeader, source: String)?
    }

    private static func readWitnesses(_ reader: WitnessReader) throws(ProbeError) -> WitnessSet {
        var w = Witnesses()
        w.mbr = try reader.mbr()
        let primary = try reader.gptHeader(at: 1, role: "gpt-primary")
        w.primaryGPT = primary?.witness
        var backup: (witness: GPTHeaderWitness, header: GPTHeader)?
        if let primary, primary.header.alternateLBA != 1 {
            backup = try reader.gptHeader(at: primary.header.alternateLBA, role: "gpt-backup")
            w.backupGPT = backup?.witness
        }
        let lastLBA = reader.sectorCount - 1
        var end: (witness: GPTHeaderWitness, header: GPTHeader)?
        if let backup, backup.witness.lba == lastLBA {
            end = backup
        } else {
            end = try reader.gptHeader(at: lastLBA, role: "gpt-end")
        }
        w.endGPT = end?.witness
        let chain = try reader.extendedChain(w.mbr)
        w.extendedBootRecordLBAs = chain.links.map(\.ebrLBA)
        w.extendedChainEnding = chain.ending.map(describe)

        var labelHeader: (header: GPTHeader, source: String)?
        if let primary, primary.header.headerCRCValid {
            labelHeader = (primary.header, "primary")
        } else if let end, end.header.headerCRCValid, end.header.alternateLBA == 1 {
            labelHeader = (end.header, "backup")
        } else if let backup, backup.header.headerCRCValid {
            labelHeader = (backup.header, "backup")
        }
        return WitnessSet(value: w, labelHeader: labelHeader)
    }

    /// A GPT label decoded from the raw header and entry array, for when libfdisk refuses a
    /// GPT whose header is intact — it does when the label was written for a larger disk.
    private static func rawGPTLabel(_ header: GPTHeader, reader: WitnessReader, fdisk: FdiskLabelReader?,
                                    libfdiskLabel: FdiskLabel?, refusedFor hostile: [String]) throws(ProbeError) -> FdiskLabel {
        let partitions = try reader.gptEntries(of: header).map { e in
            FdiskPartition(partno: e.number - 1, startLBA: e.firstLBA,
                           sectors: e.lastLBA >= e.firstLBA ? e.lastLBA - e.firstLBA + 1 : 0,
                           type: e.typeGUID, typeName: fdisk?.gptTypeName(e.typeGUID), uuid: e.uniqueGUID,
                           name: e.name.isEmpty ? nil : e.name, bootable: e.attributes & 0b100 != 0,
                           isContainer: false, isNested: false)
        }
        let note: String
        if hostile.isEmpty {
            let seen = libfdiskLabel.map { "a \($0.type) label" } ?? "no label"
            note = "libfdisk does not accept this GPT (it sees \(seen)); partitions are decoded from the raw entry array at LBA \(header.entriesLBA)."
        } else {
            note = "libfdisk was not run: the \(hostile.joined(separator: " and ")) GPT header claims an entry array beyond the \(reader.options.maxEntriesArrayBytes)-byte limit; partitions are decoded from the raw entry array at LBA \(header.entriesLBA) where its size is plausible."
        }
        return FdiskLabel(type: "gpt", diskId: header.diskGUID, gptItems: [:], partitions: partitions,
                          warnings: (libfdiskLabel?.warnings ?? fdisk?.warnings ?? []) + [note], decodedBy: "raw-gpt-entries")
    }

    /// The roles of checksummed GPT headers whose entry array (count × size) passes `limit`.
    private static func hostileEntryArrayHeaders(_ w: Witnesses, limit: Int) -> [String] {
        [("primary", w.primaryGPT), ("backup", w.backupGPT), ("device-end", w.endGPT)].compactMap { role, h in
            guard let h, h.signatureValid, h.headerCRCValid else { return nil }
            let (bytes, overflow) = UInt64(h.entryCount).multipliedReportingOverflow(by: UInt64(h.entrySize))
            return overflow || bytes > UInt64(limit) ? role : nil
        }
    }

    private static func partition(_ p: FdiskPartition, label: FdiskLabel?, sectorSize: Int) -> Partition {
        let ss = UInt64(sectorSize)
        let isDOS = label?.type == "dos"
        var uuid = p.uuid
        if isDOS, uuid == nil, let id = label?.diskId, id.hasPrefix("0x") {
            let n = String(p.partno + 1, radix: 16)
            uuid = "\(id.dropFirst(2))-\(n.count < 2 ? "0" + n : n)"
        }
        let (start, o1) = p.startLBA.multipliedReportingOverflow(by: ss)
        let (bytes, o2) = p.sectors.multipliedReportingOverflow(by: ss)
        return Partition(
            number: p.partno + 1, startBytes: o1 ? .max : start, sizeBytes: o2 ? .max : bytes,
            startLBA: p.startLBA, endLBA: p.sectors == 0 ? p.startLBA : p.startLBA &+ p.sectors &- 1,
            type: p.type, typeName: p.typeName, uuid: uuid, name: p.name,
            kind: isDOS ? (p.isContainer ? "extended" : p.isNested ? "logical" : "primary") : nil,
            bootable: p.bootable)
    }

    private static func table(_ label: FdiskLabel, witnesses: WitnessSet, partitions: [Partition], sectorSize: Int) -> PartitionTable {
        let ss = UInt64(sectorSize)
        var table = PartitionTable(type: label.type, diskId: label.diskId, warnings: label.warnings, decodedBy: label.decodedBy)
        let ends = partitions.map { p -> UInt64 in
            let (v, o) = (p.endLBA &+ 1).multipliedReportingOverflow(by: ss)
            return o ? .max : v
        }
        table.impliedMinimumDiskBytes = ends.max()
        guard label.type == "gpt", let (h, source) = witnesses.labelHeader else { return table }
        let backupLBA = source == "primary" ? h.alternateLBA : h.myLBA
        table.gpt = GPTLabel(
            currentLBA: source == "primary" ? h.myLBA : h.alternateLBA, alternateLBA: backupLBA,
            firstUsableLBA: h.firstUsableLBA, lastUsableLBA: h.lastUsableLBA,
            entriesLBA: source == "primary" ? h.entriesLBA : (label.gptItems["ENTRIESLBA"] ?? 2),
            entryCount: h.entryCount, entrySize: h.entrySize, source: source, libfdiskItems: label.gptItems)
        let (implied, overflow) = (backupLBA &+ 1).multipliedReportingOverflow(by: ss)
        guard !overflow, backupLBA < .max else { return table }
        table.impliedDiskBytes = implied
        let entriesSectors = GPTHeaderParser.entriesSectors(h, sectorSize: sectorSize)
        var fromLastUsable: UInt64?
        if entriesSectors > 0 {
            let (v, o) = (h.lastUsableLBA &+ entriesSectors &+ 2).multipliedReportingOverflow(by: ss)
            if !o { fromLastUsable = v }
        }
        var fromPMBR: UInt64?
        if let pmbr = witnesses.value.mbr?.protectiveSizeLBA, pmbr != 0xFFFF_FFFF {
            fromPMBR = (pmbr + 1) * ss
        }
        let consistent = [fromLastUsable, fromPMBR].allSatisfy { $0 == nil || $0 == implied }
        table.impliedSizeCheck = ImpliedSizeCheck(fromAlternateLBA: implied, fromLastUsableLBA: fromLastUsable,
                                                  fromProtectiveMBR: fromPMBR, consistent: consistent)
        return table
    }

    /// "end", "loop at LBA 2048", "outside the extended partition at LBA …", …
    private static func describe(_ ending: DOSExtendedChain.Ending) -> String {
        switch ending {
        case .end: "end"
        case .loop(let lba): "loop at LBA \(lba)"
        case .outside(let lba): "link outside the extended partition to LBA \(lba)"
        case .invalid(let lba): "no valid EBR at LBA \(lba)"
        case .limit: "link limit reached"
        }
    }

    private static func signature(_ values: [String: String]) -> FilesystemSignature? {
        guard let type = values["TYPE"] else { return nil }
        return FilesystemSignature(type: type, uuid: values["UUID"], label: values["LABEL"],
                                   usage: values["USAGE"], version: values["VERSION"])
    }
}
