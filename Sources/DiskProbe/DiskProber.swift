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
        let first = try probe(volume, options: options, dosSectorSize: nil)
        // A DOS label does not say its sector size (README.md, "Sector sizes"): when none of
        // its partitions holds a signature at the size read, it is read at the other size,
        // and that reading is kept if its partitions hold some.
        guard let other = DOSLabelSectorSize.otherSize(worthTrying: first) else { return first }
        let second = try probe(volume, options: options, dosSectorSize: other)
        let keepSecond = DOSLabelSectorSize.partitionsHoldSignatures(second)
        var kept = keepSecond ? second : first
        let dropped = keepSecond ? first : second
        // The round trips of both readings went over the wire, and every region either read
        // is cited (docs/PROBE.md, "What the probe reads"): the other reading's own regions
        // follow the kept one's, named as such.
        kept.roundTrips = (first.roundTrips ?? 0) + (second.roundTrips ?? 0)
        kept.regionsRead += dropped.regionsRead.filter { r in
            !kept.regionsRead.contains { $0.offset == r.offset && $0.length == r.length }
        }.map { r in
            var cited = r
            cited.purpose = "\(r.purpose) (the reading at \(dropped.sectorSize)-byte sectors, not kept)"
            return cited
        }
        return kept
    }

    /// One probe, reading LBAs at `dosSectorSize` when no GPT says the size.
    private static func probe(_ volume: any Volume, options: ProbeOptions,
                              dosSectorSize: Int?) throws(ProbeError) -> ProbeResult {
        let volumeSectorSize = volume.logicalSectorSize
        if let problem = SectorSize.problem(volumeSectorSize) {
            throw ProbeError(kind: .volume, operation: "probe", message: "logical \(problem)")
        }
        let size = volume.sizeBytes
        var result = ProbeResult(target: volume.displayName, sizeBytes: size, sectorSize: volumeSectorSize)
        result.roundTrips = 0
        let origin = volume.sectorSizeOrigin
        result.deviceSectorSize = origin == .blockDevice ? volumeSectorSize : nil
        guard size >= 2 * UInt64(volumeSectorSize) else {
            result.findings = ProbeRules.evaluate(result)
            return result
        }
        // Reads go out in dependent rounds, each round's requests in flight together, and
        // every round is counted (docs/PROBE.md, "Round trips").
        let counter = RoundTripCounter(volume)
        let shadow = try ShadowFile(sizeBytes: size)
        let copier = RegionCopier(volume: counter, shadow: shadow)
        let tail = min(UInt64(options.diskTailBytes), size)
        // Round 1 needs nothing but the size: the disk's head and tail (labels, superblocks,
        // backup headers, every sector-size candidate's LBA 1 and last LBA) and the fixed
        // places libblkid's probers look at (whole sectors of either size).
        // The data-extent survey's block status of the whole volume needs only the size too.
        let surveyMap = options.measureDataExtent ? DataExtentSurvey.firstMapRound(counter) : []
        let firstRound = try copier.prefetch([(0, UInt64(options.diskHeadBytes)), (size - tail, size)]
            + copier.plan { () throws(ProbeError) in
                try ProberRegions.copy(copier, start: 0, length: size, sectorSize: 4096, place: "whole disk")
            }, along: surveyMap)
        // That map tells later rounds which ranges hold only zeros: they are not read.
        copier.learnAllocation(surveyMap, firstRound.extra)
        // The survey's sampled reads for `partitions` that the probe neither holds nor has
        // planned ride along with the round being planned (docs/PROBE.md, "Round trips"), if
        // that round reads anything (else it is not sent, and they would be worked out for nothing).
        func surveyAlong(_ partitions: [(startBytes: UInt64, sizeBytes: UInt64, extended: Bool)]) {
            guard options.measureDataExtent, copier.plansReads else { return }
            copier.along = DataExtentSurvey.speculativeReads(counter, firstMapRound: (surveyMap, firstRound.extra),
                                                             partitions: partitions,
                                                             held: { copier.isHeldOrPlanned(offset: $0, length: $1) })
        }
        try copier.copy(offset: 0, length: UInt64(options.diskHeadBytes), purpose: "disk head")
        try copier.copy(offset: size - tail, length: tail, purpose: "disk tail")
        // An image file's header at the volume's start: its bytes, not the disk it holds,
        // were written here. (A fixed VHD's footer at the end is not looked at: the raw disk
        // before it is intact.)
        if let head = try copier.bytes(offset: 0, count: Int(min(1024, size))) {
            result.imageContainerHeader = ImageContainer.format(head: head, tail: [])?.rawValue
        }

        // The label says which sector size it was written for; the volume's own size is
        // only a hint (README.md, "Sector sizes").
        let detection = try SectorSizeDetector.detect(sizeBytes: size, volumeSize: volumeSectorSize, origin: origin,
                                                      dosSectorSize: dosSectorSize) {
            (offset: UInt64, count: Int) throws(ProbeError) -> [UInt8]? in
            // Already in the head or tail copy (and in the ledger) unless those were cut short.
            if let bytes = try copier.bytes(offset: offset, count: count) { return bytes }
            return try copier.copyBytes(offset: offset, length: count, purpose: "sector-size probe")
        }
        let sectorSize = detection.used
        result.sectorSize = sectorSize
        result.sectorSizeDetection = detection
        guard size >= 2 * UInt64(sectorSize) else {
            result.findings = ProbeRules.evaluate(result)
            result.roundTrips = counter.roundTrips
            return result
        }

        // Rounds 2 and on: what round 1 says — the GPT entry arrays where the headers put
        // them, the backup header where the primary places it (and its entries where they
        // usually are), the EBR chain link by link, the pointers libblkid's probers follow,
        // and (planned from the raw label, before libfdisk has read it) each partition's
        // head, tail and prober regions.
        let reader = WitnessReader(copier: copier, sectorSize: sectorSize, options: options)
        // As many rounds as a chain of EBRs may need (each names the next); a round stops
        // the loop as soon as it has nothing new to fetch.
        let witnesses = try copier.inRounds(options.maxLogicalPartitions + 3) { () throws(ProbeError) -> WitnessSet in
            try ProberRegions.copy(copier, start: 0, length: size, sectorSize: sectorSize, place: "whole disk")
            let w = try readWitnesses(reader)
            if copier.isPlanning {
                let planned = try planAhead(w, reader: reader, copier: copier, sectorSize: sectorSize, size: size, options: options)
                // The survey's sampled reads for the partitions the raw label names ride along
                // (what libfdisk decides differently is read by a later round, or the survey itself).
                let ss = UInt64(sectorSize)
                surveyAlong(planned.map { p in
                    let (start, o1) = p.startLBA.multipliedReportingOverflow(by: ss)
                    let (bytes, o2) = p.sectors.multipliedReportingOverflow(by: ss)
                    return (o1 ? .max : start, o2 ? .max : bytes, p.isContainer)
                })
            }
            return w
        }
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
        // A DOS label libfdisk read from an MBR without a 0xEE entry is what a guest sees
        // (Linux takes a GPT only behind a protective MBR): a GPT left at the disk's end
        // beside it is the disk's old label, not its label (issue 10, item 4).
        let dosWithoutProtective = label?.labelType == .dos && !(witnesses.value.mbr?.entries.isEmpty ?? true)
            && !(witnesses.value.mbr?.entries.contains { $0.type == "0xee" } ?? false)
            && !(witnesses.value.primaryGPT.map { $0.signatureValid && $0.headerCRCValid } ?? false)
        if let (header, _) = witnesses.labelHeader, label?.labelType != .gpt, !dosWithoutProtective {
            label = try rawGPTLabel(header, reader: reader, fdisk: fdisk, libfdiskLabel: label,
                                    refusedFor: hostileHeaders)
        }
        // libfdisk may take its GPT from another header than the one the label rests on: when
        // the primary names a backup past the device end it calls the primary corrupt and
        // reads the header at the device's last LBA — another label's, on a volume that had
        // one (README.md, "Which header the evidence comes from"). Then the raw header's own
        // entries are the label, and libfdisk's reading is kept beside it, named.
        var libfdiskReading: LabelReading?
        if let (header, source) = witnesses.labelHeader, let l = label, l.labelType == .gpt, l.decodedBy == "libfdisk" {
            let entries = try reader.gptEntries(of: header)
            if !agrees(l, header: header, entries: entries) {
                let readFrom = headerHolding(guid: l.diskId, witnesses: witnesses.value, except: source)
                libfdiskReading = LabelReading(
                    headerSource: readFrom, diskId: l.diskId,
                    partitions: l.partitions.map { p in
                        PartitionEntrySignature(number: p.partno + 1, startBytes: p.startLBA &* UInt64(sectorSize),
                                                sizeBytes: p.sectors &* UInt64(sectorSize), type: p.type.lowercased(),
                                                uuid: p.uuid?.lowercased(), name: p.name)
                    })
                let note = "libfdisk read a different GPT (disk GUID \(l.diskId ?? "none"), \(l.partitions.count) partitions, "
                    + "from \(readFrom ?? "an unknown header")); the label shown is the \(source) header's (disk GUID \(header.diskGUID)), "
                    + "decoded from its entry array at LBA \(header.entriesLBA)."
                label = rawGPTLabel(header, entries: entries, fdisk: fdisk, warnings: l.warnings + [note])
            }
        }
        let labelPartitions = label?.partitions ?? []
        try copier.inRounds(2) { () throws(ProbeError) in
            try copyPartitionRegions(labelPartitions, copier: copier, sectorSize: sectorSize, size: size, options: options)
        }

        var ambiguous: [String] = []
        let wholeDisk = try BlkidSignatureProbe(fd: shadow.fd, offset: 0, size: size, sectorSize: sectorSize, partitionTables: true)
        let outcome = wholeDisk.safeProbe()
        let blkidTable = wholeDisk.table()
        switch outcome {
        case .found(let values, let raw):
            result.filesystem = signature(values, raw: raw)
            if let pt = values["PTTYPE"] {
                result.partitionTableSignature = PartitionTableSignature(type: pt, uuid: values["PTUUID"],
                                                                         partitions: blkidTable?.partitions ?? [])
                result.partitionTableSignature?.headerSource = pt == "dos" ? HeaderSource.mbr
                    : pt == "gpt" ? headerHolding(guid: values["PTUUID"], witnesses: witnesses.value, except: "") : nil
            }
        case .ambiguous: ambiguous.append("whole disk")
        case .nothing, .failed: break
        }
        var gaps = try ProberRegions.gaps(copier, start: 0, length: size, foundType: result.filesystem?.type, place: "whole disk")
        // Which reader's table counts (Libraries/PartitionTableArbiter.swift).
        let decision = PartitionTableArbiter.decide(fdisk: label, blkid: blkidTable, lba0: try copier.bytes(offset: 0, count: sectorSize),
                                                    wholeDiskType: result.filesystem?.type, sectorSize: sectorSize)
        label = decision.label
        // Both readings are kept when they matter: the readers differ, or the list is not libfdisk's alone.
        if let readers = decision.readers, readers.disagree || readers.used != "libfdisk" { result.partitionReaders = readers }
        result.partitions = (label?.partitions ?? []).map { partition($0, label: label, sectorSize: sectorSize) }
        result.partitionTable = label.map { table($0, witnesses: witnesses, partitions: result.partitions, sectorSize: sectorSize) }
        result.partitionTable?.libfdiskReading = libfdiskReading
        let decidedPartitions = label?.partitions ?? []
        try copier.inRounds(2) { () throws(ProbeError) in
            try copyPartitionRegions(decidedPartitions, copier: copier, sectorSize: sectorSize, size: size, options: options)
        }

        // libblkid on one container (a partition, an LV's first run): its signature, with an
        // ambiguous answer and a prober that lacked its data noted under `place`.
        func probeSignature(start: UInt64, length: UInt64, place: String) throws(ProbeError) -> FilesystemSignature? {
            let probe = try BlkidSignatureProbe(fd: shadow.fd, offset: start, size: length, sectorSize: sectorSize, partitionTables: false)
            var found: FilesystemSignature?
            switch probe.safeProbe() {
            case .found(let values, let raw): found = signature(values, raw: raw)
            case .ambiguous: ambiguous.append(place)
            case .nothing, .failed: break
            }
            gaps += try ProberRegions.gaps(copier, start: start, length: length, foundType: found?.type, place: place)
            return found
        }
        if options.probePartitionSignatures {
            for i in result.partitions.indices where result.partitions[i].partitionKind != .extended {
                let p = result.partitions[i]
                // A 0-byte partition holds nothing; libblkid would take size 0 as "to the end of the device".
                guard p.startBytes < size, p.sizeBytes > 0 else { continue }
                result.partitions[i].filesystem = try probeSignature(start: p.startBytes, length: min(p.sizeBytes, size - p.startBytes),
                                                                     place: "partition \(p.number)")
            }
        }

        // The filesystems inside LVM PVs (README.md, "Logical volumes"): each LV's start is
        // read in one more round and probed as a partition is.
        var logicalVolumes: [LogicalVolume] = []
        if options.probePartitionSignatures {
            logicalVolumes = try Self.logicalVolumes(result, copier: copier)
            try copier.inRounds(2) { () throws(ProbeError) in
                for lv in logicalVolumes {
                    guard let run = firstRun(lv) else { continue }
                    try copyContainerRegions(start: run.startBytes, length: run.sizeBytes, place: lv.describe, copier: copier,
                                             sectorSize: sectorSize, options: options)
                }
            }
            for i in logicalVolumes.indices {
                guard let run = firstRun(logicalVolumes[i]) else { continue }
                logicalVolumes[i].filesystem = try probeSignature(start: run.startBytes, length: run.sizeBytes,
                                                                  place: logicalVolumes[i].describe)
            }
        }

        // Each filesystem's own size field, to hold against its container (README.md,
        // "Filesystem sizes"), and where the structure it keeps near its end lies: both from
        // its head, read once. An LV's head is read from its first run, and its end
        // structure is found through its segments.
        var endWitnesses: [(place: FilesystemPlace, at: UInt64, witness: FilesystemEndWitness, type: String, interior: Bool)] = []
        var places: [(place: FilesystemPlace, fs: FilesystemSignature, start: UInt64, contiguous: UInt64, size: UInt64)] = []
        if let fs = result.filesystem { places.append((.wholeDisk, fs, 0, size, size)) }
        for (i, p) in result.partitions.enumerated() {
            guard let fs = p.filesystem, p.startBytes < size, p.sizeBytes > 0 else { continue }
            let available = min(p.sizeBytes, size - p.startBytes)
            places.append((.partition(i), fs, p.startBytes, available, available))
        }
        for (i, lv) in logicalVolumes.enumerated() {
            guard let fs = lv.filesystem, let run = firstRun(lv) else { continue }
            places.append((.logicalVolume(i), fs, run.startBytes, run.sizeBytes, lv.sizeBytes))
        }
        for place in places {
            guard let head = try filesystemHead(place.fs, at: place.start, within: place.contiguous, copier: copier) else { continue }
            let claim = FilesystemSizeParser.claim(type: place.fs.type, head: head)
            switch place.place {
            case .wholeDisk: result.filesystem?.sizeClaim = claim
            case .partition(let i): result.partitions[i].filesystem?.sizeClaim = claim
            case .logicalVolume(let i): logicalVolumes[i].filesystem?.sizeClaim = claim
            }
            // The end structure and the ones inside, each only where it lies inside the
            // filesystem's container (an LV's: on this volume, in one segment).
            guard let structures = FilesystemEndParser.structures(type: place.fs.type, head: head) else { continue }
            for (w, interior) in structures.interior.map({ ($0, true) }) + [(structures.end, false)] {
                let (end, overflow) = w.offset.addingReportingOverflow(UInt64(w.count))
                guard !overflow, end <= place.size, w.count > 0 else { continue }
                if case .logicalVolume(let i) = place.place {
                    let lv = logicalVolumes[i]
                    guard let at = lv.volumeOffset(w.offset), lv.volumeOffset(end - 1) == at + UInt64(w.count) - 1 else { continue }
                    endWitnesses.append((place.place, at, w, place.fs.type, interior))
                } else {
                    endWitnesses.append((place.place, place.start + w.offset, w, place.fs.type, interior))
                }
            }
        }

        // Those structures, all read in one round (README.md, "Blank and half-written volumes").
        let ends = try copier.inRounds(1) { () throws(ProbeError) -> [(FilesystemPlace, FilesystemEndStructure, Bool)] in
            var found: [(FilesystemPlace, FilesystemEndStructure, Bool)] = []
            for e in endWitnesses {
                guard let bytes = try copier.copyBytes(offset: e.at, length: e.witness.count, purpose: "\(e.type) \(e.witness.what)")
                else { continue }
                found.append((e.place, FilesystemEndStructure(what: e.witness.what, offsetBytes: e.at, present: e.witness.holds(bytes),
                                                              zeroFilled: !bytes.contains { $0 != 0 }), e.interior))
            }
            // What the survey still lacks (a whole-disk filesystem has no round 2) comes along.
            surveyAlong(result.partitions.map { ($0.startBytes, $0.sizeBytes, $0.partitionKind == .extended) })
            return found
        }
        func update(_ place: FilesystemPlace, _ change: (inout FilesystemSignature) -> Void) {
            switch place {
            case .wholeDisk: if var fs = result.filesystem { change(&fs); result.filesystem = fs }
            case .partition(let i): if var fs = result.partitions[i].filesystem { change(&fs); result.partitions[i].filesystem = fs }
            case .logicalVolume(let i): if var fs = logicalVolumes[i].filesystem { change(&fs); logicalVolumes[i].filesystem = fs }
            }
        }
        for (place, structure, interior) in ends {
            update(place) { fs in
                guard interior else { fs.endStructure = structure; return }
                var found = fs.interiorStructures ?? FilesystemInteriorStructures(checked: 0, missing: [])
                found.checked += 1
                if !structure.present { found.missing.append(structure) }
                fs.interiorStructures = found
            }
        }
        result.logicalVolumes = logicalVolumes.isEmpty ? nil : logicalVolumes

        result.multiDeviceMembers = try multiDeviceMembers(result, copier: copier)
        result.incompleteProbes = gaps.isEmpty ? nil : gaps
        result.regionsRead = try copier.ledger()
        result.unreadableRegions = copier.unreadable
        result.findings = ProbeRules.evaluate(result)
        if !ambiguous.isEmpty { result.findings.append(AmbiguousSignatureRule.finding(places: ambiguous)) }
        // Blank and half-written volumes (issue 9): where the data ends, against the label.
        if options.measureDataExtent {
            result.dataExtent = DataExtentSurvey.measure(counter, partitions: result.partitions,
                                                         firstMapRound: (surveyMap, firstRound.extra),
                                                         prefetched: copier.sentAlong,
                                                         known: .init(bytes: { try? copier.heldBytes(offset: $0, count: $1) },
                                                                      holdsNonZero: { try? copier.heldHoldsNonZero(offset: $0, count: $1) }))
        }
        result.findings += DataExtentRule.findings(result)
        result.roundTrips = counter.roundTrips
        return result
    }

    /// Where a filesystem sits: on the whole disk, in a partition, in an LV (by index).
    enum FilesystemPlace {
        case wholeDisk
        case partition(Int)
        case logicalVolume(Int)
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
        } else if primary == nil, let pmbr = w.mbr, pmbr.bootSignatureValid,
                  let ee = pmbr.entries.first(where: { $0.type == "0xee" }), ee.sectors > 0, ee.sectors < 0xFFFF_FFFF {
            // Without a primary the protective MBR is the only claim of where the label ends:
            // a backup there survives when the primary was wiped (issue 9).
            let (claimed, overflow) = ee.startLBA.addingReportingOverflow(ee.sectors - 1)
            if !overflow, claimed > 1 {
                backup = try reader.gptHeader(at: claimed, role: "gpt-backup")
                w.backupGPT = backup?.witness
            }
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

        // The names every field's provenance uses (README.md, "Which header the evidence
        // comes from"): the primary; the backup where the primary's AlternateLBA points; the
        // header at the device's last LBA when that is somewhere else.
        func name(_ h: (witness: GPTHeaderWitness, header: GPTHeader)) -> String {
            h.witness.lba == backup?.witness.lba ? HeaderSource.backupAtClaimedLocation : HeaderSource.headerAtDeviceEnd
        }
        // A header whose entry array fails its CRC is passed over for one whose array holds,
        // as the kernel and libfdisk do; failing that, any checksummed header.
        var labelHeader: (header: GPTHeader, source: String)?
        for wholeOnly in [true, false] where labelHeader == nil {
            func usable(_ h: (witness: GPTHeaderWitness, header: GPTHeader)?) -> Bool {
                guard let h, h.header.headerCRCValid else { return false }
                return !wholeOnly || h.witness.entriesCRCValid != false
            }
            if usable(primary), let primary {
                labelHeader = (primary.header, HeaderSource.primary)
            } else if usable(end), let end, end.header.alternateLBA == 1 {
                labelHeader = (end.header, name(end))
            } else if usable(backup), let backup {
                labelHeader = (backup.header, HeaderSource.backupAtClaimedLocation)
            }
        }
        return WitnessSet(value: w, labelHeader: labelHeader)
    }

    /// Plans (reads nothing) what the next round should fetch beyond the witnesses: the
    /// backup's entry array where a backup normally keeps it (between the primary's last
    /// usable LBA and the backup header), and the head, tail and prober regions of every
    /// partition the raw label names — the ones libfdisk will almost always name too.
    /// Returns the partitions it planned for.
    @discardableResult
    private static func planAhead(_ w: WitnessSet, reader: WitnessReader, copier: RegionCopier, sectorSize: Int,
                                  size: UInt64, options: ProbeOptions) throws(ProbeError) -> [FdiskPartition] {
        let ss = UInt64(sectorSize)
        var partitions: [FdiskPartition] = []
        if let (header, _) = w.labelHeader {
            let (first, o1) = (header.lastUsableLBA &+ 1).multipliedReportingOverflow(by: ss)
            let (last, o2) = header.alternateLBA.multipliedReportingOverflow(by: ss)
            if !o1, !o2, first < last, last - first <= UInt64(options.maxEntriesArrayBytes) {
                try copier.copy(offset: first, length: last - first, purpose: "plan")
            }
            partitions = rawGPTLabel(header, entries: try reader.gptEntries(of: header), fdisk: nil, warnings: []).partitions
        } else if let mbr = w.value.mbr, mbr.bootSignatureValid {
            // The primary entries, and the logical ones of the EBRs read so far (so each
            // logical partition's regions travel with the next EBR).
            let logical = try reader.extendedChain(mbr).links.compactMap(\.logical)
            for e in mbr.entries + logical where e.sectors > 0 && e.type != "0xee" {
                let container = MBRParser.extendedTypes.contains { MBRParser.hexByte($0) == e.type }
                partitions.append(FdiskPartition(partno: e.index - 1, startLBA: e.startLBA, sectors: e.sectors, type: e.type,
                                                 typeName: nil, uuid: nil, name: nil, bootable: false,
                                                 isContainer: container, isNested: false))
            }
        }
        // A hostile label may name thousands of partitions: plan ahead for the first ones only
        // (the rest are still read, in later rounds or one by one).
        try copyPartitionRegions(Array(partitions.prefix(128)), copier: copier, sectorSize: sectorSize, size: size,
                                 options: options)
        return Array(partitions.prefix(128))
    }

    /// Whether libfdisk's GPT is the one `header` describes: the same disk GUID and the same
    /// partitions as the header's own entry array.
    private static func agrees(_ label: FdiskLabel, header: GPTHeader, entries: [GPTEntry]) -> Bool {
        guard label.diskId?.uppercased() == header.diskGUID.uppercased() else { return false }
        // An entry array that could not be read decodes as empty: that is no disagreement.
        if entries.isEmpty { return true }
        struct Slot: Hashable { var number: Int; var start: UInt64; var sectors: UInt64; var uuid: String }
        let fromFdisk = Set(label.partitions.map { Slot(number: $0.partno + 1, start: $0.startLBA, sectors: $0.sectors,
                                                         uuid: ($0.uuid ?? "").uppercased()) })
        let fromHeader = Set(entries.map { Slot(number: $0.number, start: $0.firstLBA,
                                                sectors: $0.lastLBA >= $0.firstLBA ? $0.lastLBA - $0.firstLBA + 1 : 0,
                                                uuid: $0.uniqueGUID.uppercased()) })
        return fromFdisk == fromHeader
    }

    /// The witness whose disk GUID is `guid`, other than `except` when another one matches.
    private static func headerHolding(guid: String?, witnesses w: Witnesses, except: String) -> String? {
        guard let guid = guid?.uppercased() else { return nil }
        let candidates: [(String, GPTHeaderWitness?)] = [
            (HeaderSource.headerAtDeviceEnd, w.endGPT), (HeaderSource.backupAtClaimedLocation, w.backupGPT),
            (HeaderSource.primary, w.primaryGPT),
        ]
        let matching = candidates.filter { $0.1?.diskGUID.uppercased() == guid }.map(\.0)
        if except.isEmpty { return matching.last }  // no header to avoid: the primary first, then the backup, then the end
        return matching.first { $0 != except } ?? matching.first
    }

    /// A GPT label decoded from the raw header and entry array, for when libfdisk refuses a
    /// GPT whose header is intact — it does when the label was written for a larger disk.
    private static func rawGPTLabel(_ header: GPTHeader, reader: WitnessReader, fdisk: FdiskLabelReader?,
                                    libfdiskLabel: FdiskLabel?, refusedFor hostile: [String]) throws(ProbeError) -> FdiskLabel {
        let entries = try reader.gptEntries(of: header)
        let note: String
        if hostile.isEmpty {
            let seen = libfdiskLabel.map { "a \($0.type) label" } ?? "no label"
            note = "libfdisk does not accept this GPT (it sees \(seen)); partitions are decoded from the raw entry array at LBA \(header.entriesLBA)."
        } else {
            note = "libfdisk was not run: the \(hostile.joined(separator: " and ")) GPT header claims an entry array beyond the \(reader.options.maxEntriesArrayBytes)-byte limit; partitions are decoded from the raw entry array at LBA \(header.entriesLBA) where its size is plausible."
        }
        return rawGPTLabel(header, entries: entries, fdisk: fdisk, warnings: (libfdiskLabel?.warnings ?? fdisk?.warnings ?? []) + [note])
    }

    /// The label `header` and its decoded `entries` describe.
    private static func rawGPTLabel(_ header: GPTHeader, entries: [GPTEntry], fdisk: FdiskLabelReader?, warnings: [String]) -> FdiskLabel {
        let partitions = entries.map { e in
            FdiskPartition(partno: e.number - 1, startLBA: e.firstLBA,
                           sectors: e.lastLBA >= e.firstLBA ? e.lastLBA - e.firstLBA + 1 : 0,
                           type: e.typeGUID, typeName: fdisk?.gptTypeName(e.typeGUID), uuid: e.uniqueGUID,
                           name: e.name.isEmpty ? nil : e.name, bootable: e.attributes & 0b100 != 0,
                           isContainer: false, isNested: false)
        }
        return FdiskLabel(type: LabelType.gpt.rawValue, diskId: header.diskGUID, gptItems: [:], partitions: partitions,
                          warnings: warnings, decodedBy: "raw-gpt-entries")
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
        let isDOS = label?.labelType == .dos
        var uuid = p.uuid
        if isDOS, uuid == nil, p.nestedIn == nil, let id = label?.diskId, id.hasPrefix("0x") {
            let n = String(p.partno + 1, radix: 16)
            uuid = "\(id.dropFirst(2))-\(n.count < 2 ? "0" + n : n)"
        }
        let (start, o1) = p.startLBA.multipliedReportingOverflow(by: ss)
        let (bytes, o2) = p.sectors.multipliedReportingOverflow(by: ss)
        return Partition(
            number: p.partno + 1, startBytes: o1 ? .max : start, sizeBytes: o2 ? .max : bytes,
            startLBA: p.startLBA, endLBA: p.sectors == 0 ? p.startLBA : p.startLBA &+ p.sectors &- 1,
            type: p.type, typeName: p.typeName, uuid: uuid, name: p.name,
            kind: (p.nestedIn != nil ? PartitionKind.nested : isDOS ? (p.isContainer ? .extended : p.isNested ? .logical : .primary) : nil)?.rawValue,
            bootable: p.bootable, parent: p.nestedIn.flatMap { $0 > 0 ? $0 : nil })
    }

    private static func table(_ label: FdiskLabel, witnesses: WitnessSet, partitions: [Partition], sectorSize: Int) -> PartitionTable {
        let ss = UInt64(sectorSize)
        var table = PartitionTable(type: label.type, diskId: label.diskId, warnings: label.warnings, decodedBy: label.decodedBy)
        let ends = partitions.map { p -> UInt64 in
            let (v, o) = (p.endLBA &+ 1).multipliedReportingOverflow(by: ss)
            return o ? .max : v
        }
        table.impliedMinimumDiskBytes = ends.max()
        if label.labelType == .dos {
            table.headerSource = HeaderSource.mbr
            table.fieldSources = ["diskId": HeaderSource.mbr, "partitions": HeaderSource.mbr,
                                  "impliedMinimumDiskBytes": HeaderSource.mbr]
        }
        guard label.labelType == .gpt, let (h, source) = witnesses.labelHeader else { return table }
        let primary = source == HeaderSource.primary
        let backupLBA = primary ? h.alternateLBA : h.myLBA
        table.gpt = GPTLabel(
            currentLBA: primary ? h.myLBA : h.alternateLBA, alternateLBA: backupLBA,
            firstUsableLBA: h.firstUsableLBA, lastUsableLBA: h.lastUsableLBA,
            entriesLBA: primary ? h.entriesLBA : (label.gptItems["ENTRIESLBA"] ?? 2),
            entryCount: h.entryCount, entrySize: h.entrySize, source: source, libfdiskItems: label.gptItems)
        // libfdisk's disk GUID and partitions were checked against this header (or decoded
        // from it), so every field names it.
        table.headerSource = source
        table.fieldSources = ["diskId": source, "partitions": source, "gpt": source, "impliedDiskBytes": source,
                              "impliedMinimumDiskBytes": source]
        if !primary { table.fieldSources?["gpt.entriesLBA"] = label.gptItems["ENTRIESLBA"] == nil ? "assumed (LBA 2)" : "libfdisk" }
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

    /// The first bytes of `fs`, which starts at `offset` with `available` bytes of the volume
    /// after it: what its size field and its end structure are read from (copied now when
    /// the partition head did not hold them).
    private static func filesystemHead(_ fs: FilesystemSignature, at offset: UInt64, within available: UInt64,
                                       copier: RegionCopier) throws(ProbeError) -> [UInt8]? {
        let count = Int(min(UInt64(FilesystemSizeParser.headBytes), available))
        guard count > 0 else { return nil }
        if let head = try copier.bytes(offset: offset, count: count) { return head }
        return try copier.copyBytes(offset: offset, length: count, purpose: "\(fs.type) superblock at \(offset)")
    }

    private static func signature(_ values: [String: String], raw: [String: [UInt8]]) -> FilesystemSignature? {
        guard let type = values["TYPE"] else { return nil }
        return FilesystemSignature(type: type, uuid: values["UUID"], label: values["LABEL"],
                                   usage: values["USAGE"], version: values["VERSION"], uuidSub: values["UUID_SUB"],
                                   labelHex: raw["LABEL"].map(hexString), uuidHex: raw["UUID"].map(hexString))
    }

    /// Copies the head and tail of every partition (extended containers excepted) that
    /// starts inside the volume; a 0-byte partition has nothing to copy.
    private static func copyPartitionRegions(_ partitions: [FdiskPartition], copier: RegionCopier, sectorSize: Int,
                                             size: UInt64, options: ProbeOptions) throws(ProbeError) {
        let ss = UInt64(sectorSize)
        for p in partitions where !p.isContainer {
            let (start, o1) = p.startLBA.multipliedReportingOverflow(by: ss)
            let (bytes, o2) = p.sectors.multipliedReportingOverflow(by: ss)
            guard !o1, !o2, start < size, bytes > 0 else { continue }
            try copyContainerRegions(start: start, length: min(bytes, size - start), place: "partition \(p.partno + 1)",
                                     copier: copier, sectorSize: sectorSize, options: options)
        }
    }

    /// Copies what libblkid needs of one container of `length` bytes at `start` (a partition,
    /// an LV's first run): its head, its tail and its probers' regions.
    private static func copyContainerRegions(start: UInt64, length: UInt64, place: String, copier: RegionCopier, sectorSize: Int,
                                             options: ProbeOptions) throws(ProbeError) {
        try copier.copy(offset: start, length: min(length, UInt64(options.partitionHeadBytes)), purpose: "\(place) head")
        let tailLength = min(length, UInt64(options.partitionTailBytes))
        try copier.copy(offset: start + length - tailLength, length: tailLength, purpose: "\(place) tail")
        try ProberRegions.copy(copier, start: start, length: length, sectorSize: sectorSize, place: place)
    }
}
