/// Reads the raw witnesses — MBR, GPT headers and their entry arrays, the EBR chain —
/// through the region copier, so each one is also in the shadow and in the ledger.
struct WitnessReader {
    let copier: RegionCopier
    let sectorSize: Int
    let options: ProbeOptions

    /// The number of whole logical sectors on the volume.
    var sectorCount: UInt64 { copier.volume.sizeBytes / UInt64(sectorSize) }

    /// The MBR in LBA 0, when there is a non-zero one.
    func mbr() throws(ProbeError) -> MBRWitness? {
        guard let sector = try copier.copyBytes(offset: 0, length: sectorSize, purpose: "mbr") else { return nil }
        return MBRParser.parse(sector)
    }

    /// The GPT header at `lba` with its entry array's CRC, or nil when the LBA is outside
    /// the volume, unreadable, or holds no "EFI PART" signature.
    func gptHeader(at lba: UInt64, role: String) throws(ProbeError) -> (witness: GPTHeaderWitness, header: GPTHeader)? {
        guard lba < sectorCount else { return nil }
        let offset = lba * UInt64(sectorSize)
        guard let sector = try copier.copyBytes(offset: offset, length: sectorSize, purpose: "\(role) header"),
              let header = GPTHeaderParser.parse(sector) else { return nil }
        var entriesCRCValid: Bool?
        var computedEntriesCRC: UInt32?
        var entriesSHA: String?
        var problem: String?
        switch GPTHeaderParser.entriesArraySize(header, limit: options.maxEntriesArrayBytes) {
        case .absurd(let reason):
            problem = reason
        case .bytes(let n):
            let (start, overflow) = header.entriesLBA.multipliedReportingOverflow(by: UInt64(sectorSize))
            if overflow || header.entriesLBA >= sectorCount || start + UInt64(n) > copier.volume.sizeBytes {
                problem = "entry array at LBA \(header.entriesLBA) (\(n) bytes) lies outside the device"
            } else if let entries = try copier.copyBytes(offset: start, length: n, purpose: "\(role) entries") {
                let crc = GPTHeaderParser.entriesCRC(entries)
                computedEntriesCRC = crc
                entriesCRCValid = crc == header.entriesCRC32
                entriesSHA = RegionCopier.sha256(entries)
            } else {
                problem = "entry array at LBA \(header.entriesLBA) could not be read"
            }
        }
        let witness = GPTHeaderWitness(
            lba: lba, signatureValid: true, headerCRCValid: header.headerCRCValid, entriesCRCValid: entriesCRCValid,
            revision: header.revisionString, headerSize: header.headerSize, diskGUID: header.diskGUID,
            myLBA: header.myLBA, alternateLBA: header.alternateLBA, firstUsableLBA: header.firstUsableLBA,
            lastUsableLBA: header.lastUsableLBA, entriesLBA: header.entriesLBA, entryCount: header.entryCount,
            entrySize: header.entrySize, sha256: RegionCopier.sha256(sector),
            storedHeaderCRC32: header.headerCRC32, computedHeaderCRC32: header.computedHeaderCRC32,
            storedEntriesCRC32: header.entriesCRC32, computedEntriesCRC32: computedEntriesCRC,
            entriesSHA256: entriesSHA, entriesProblem: problem)
        return (witness, header)
    }

    /// The used entries of a header's array, decoded from the copied bytes.
    func gptEntries(of header: GPTHeader) throws(ProbeError) -> [GPTEntry] {
        guard case .bytes(let n) = GPTHeaderParser.entriesArraySize(header, limit: options.maxEntriesArrayBytes) else { return [] }
        let (start, overflow) = header.entriesLBA.multipliedReportingOverflow(by: UInt64(sectorSize))
        guard !overflow, let bytes = try copier.bytes(offset: start, count: n) else { return [] }
        return GPTEntryParser.parse(bytes, entrySize: Int(header.entrySize))
    }

    /// Copies every EBR of the first extended partition in `mbr` and returns the chain and
    /// how it ended.
    func extendedChain(_ mbr: MBRWitness?) throws(ProbeError) -> (links: [DOSExtendedChain.Link], ending: DOSExtendedChain.Ending?) {
        guard let mbr, mbr.bootSignatureValid,
              let ext = mbr.entries.first(where: { e in MBRParser.extendedTypes.contains { MBRParser.hexByte($0) == e.type } })
        else { return ([], nil) }
        var failure: ProbeError?
        let chain = DOSExtendedChain.walkReporting(extendedStartLBA: ext.startLBA, extendedSectors: ext.sectors,
                                                   limit: options.maxLogicalPartitions) { lba in
            guard lba < sectorCount else { return nil }
            do throws(ProbeError) {
                return try copier.copyBytes(offset: lba * UInt64(sectorSize), length: sectorSize, purpose: "dos-ebr")
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return (chain.links, chain.ending)
    }
}
