/// Walks a DOS extended partition's chain of EBRs, independently of libfdisk.
public enum DOSExtendedChain {
    /// One EBR and the logical partition it describes.
    public struct Link: Sendable, Equatable {
        /// Where the EBR sits.
        public var ebrLBA: UInt64
        /// The logical partition (absolute start LBA), when the EBR names one.
        public var logical: MBREntry?
    }

    /// Follows the chain that starts at `extendedStartLBA`. `readSector` gives a sector's
    /// bytes or nil when it cannot be read. Stops at a loop, a link outside the extended
    /// partition, an unreadable or signature-less EBR, or after `limit` links.
    public static func walk(extendedStartLBA: UInt64, extendedSectors: UInt64, limit: Int = 128,
                            readSector: (UInt64) -> [UInt8]?) -> [Link] {
        var links: [Link] = []
        var visited: Set<UInt64> = []
        var ebr = extendedStartLBA
        let (extendedEnd, overflow) = extendedStartLBA.addingReportingOverflow(extendedSectors)
        while links.count < limit, !visited.contains(ebr), !overflow, ebr >= extendedStartLBA, ebr < extendedEnd {
            visited.insert(ebr)
            guard let sector = readSector(ebr), sector.count >= 512, sector[510] == 0x55, sector[511] == 0xAA else { break }
            let entries = MBRParser.rawEntries(sector)
            var logical: MBREntry?
            if let first = entries.first(where: { !MBRParser.extendedTypes.contains($0.typeByte) && $0.entry.sectors > 0 }) {
                var entry = first.entry
                let (start, o) = ebr.addingReportingOverflow(entry.startLBA)
                if !o { entry.startLBA = start; entry.index = 5 + links.count; logical = entry }
            }
            links.append(Link(ebrLBA: ebr, logical: logical))
            guard let next = entries.first(where: { MBRParser.extendedTypes.contains($0.typeByte) }),
                  next.entry.startLBA > 0 else { break }
            let (nextLBA, o) = extendedStartLBA.addingReportingOverflow(next.entry.startLBA)
            if o { break }
            ebr = nextLBA
        }
        return links
    }
}
