/// Walks a DOS extended partition's chain of EBRs, independently of libfdisk.
public enum DOSExtendedChain {
    /// One EBR and the logical partition it describes.
    public struct Link: Sendable, Equatable {
        /// Where the EBR sits.
        public var ebrLBA: UInt64
        /// The logical partition (absolute start LBA), when the EBR names one.
        public var logical: MBREntry?
    }

    /// Why a walk stopped.
    public enum Ending: Sendable, Equatable {
        /// The last EBR names no further link: a well-formed chain.
        case end
        /// A link points back at an EBR already visited.
        case loop(lba: UInt64)
        /// A link points outside the extended partition (or overflows).
        case outside(lba: UInt64)
        /// The EBR at this LBA is unreadable or lacks the 0x55AA signature.
        case invalid(lba: UInt64)
        /// `limit` links were followed.
        case limit
    }

    /// Follows the chain like `walk(…)` and tells how it ended.
    public static func walkReporting(extendedStartLBA: UInt64, extendedSectors: UInt64, limit: Int = 128,
                                     readSector: (UInt64) -> [UInt8]?) -> (links: [Link], ending: Ending) {
        var ending = Ending.end
        let links = walk(extendedStartLBA: extendedStartLBA, extendedSectors: extendedSectors, limit: limit,
                         readSector: readSector, ending: &ending)
        return (links, ending)
    }

    /// Follows the chain that starts at `extendedStartLBA`. `readSector` gives a sector's
    /// bytes or nil when it cannot be read. Stops at a loop, a link outside the extended
    /// partition, an unreadable or signature-less EBR, or after `limit` links.
    public static func walk(extendedStartLBA: UInt64, extendedSectors: UInt64, limit: Int = 128,
                            readSector: (UInt64) -> [UInt8]?) -> [Link] {
        var ending = Ending.end
        return walk(extendedStartLBA: extendedStartLBA, extendedSectors: extendedSectors, limit: limit,
                    readSector: readSector, ending: &ending)
    }

    private static func walk(extendedStartLBA: UInt64, extendedSectors: UInt64, limit: Int,
                             readSector: (UInt64) -> [UInt8]?, ending: inout Ending) -> [Link] {
        var links: [Link] = []
        var visited: Set<UInt64> = []
        var ebr = extendedStartLBA
        let (extendedEnd, overflow) = extendedStartLBA.addingReportingOverflow(extendedSectors)
        while true {
            if links.count >= limit { ending = .limit; break }
            if visited.contains(ebr) { ending = .loop(lba: ebr); break }
            if overflow || ebr < extendedStartLBA || ebr >= extendedEnd { ending = .outside(lba: ebr); break }
            visited.insert(ebr)
            guard let sector = readSector(ebr), sector.count >= 512, sector[510] == 0x55, sector[511] == 0xAA else {
                ending = .invalid(lba: ebr)
                break
            }
            let entries = MBRParser.rawEntries(sector)
            var logical: MBREntry?
            if let first = entries.first(where: { !MBRParser.extendedTypes.contains($0.typeByte) && $0.entry.sectors > 0 }) {
                var entry = first.entry
                let (start, o) = ebr.addingReportingOverflow(entry.startLBA)
                if !o { entry.startLBA = start; entry.index = 5 + links.count; logical = entry }
            }
            links.append(Link(ebrLBA: ebr, logical: logical))
            guard let next = entries.first(where: { MBRParser.extendedTypes.contains($0.typeByte) }) else { break }
            let (nextLBA, o) = extendedStartLBA.addingReportingOverflow(next.entry.startLBA)
            if o { ending = .outside(lba: .max); break }
            ebr = nextLBA
        }
        return links
    }
}
