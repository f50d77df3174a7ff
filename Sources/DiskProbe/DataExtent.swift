import AuditCore
import BlockAccess

/// Where a volume holds data: measured from block status (NBD `base:allocation`,
/// `SEEK_DATA`/`SEEK_HOLE`) and confirmed with sampled reads, because an allocated range
/// may still read as zeros (a thick volume, a preallocated file, a block device).
/// README.md, "Blank and half-written volumes".
public struct DataExtent: Codable, Sendable, Equatable {
    /// "block-status" when allocation was known (holes are certain zeros), or
    /// "sampled-reads" when only reads could tell.
    public var method: String
    /// Whether any byte that is not zero was found.
    public var holdsData: Bool
    /// Whether "no data" is proven (block status reported every byte a hole or zero)
    /// rather than inferred from samples.
    public var blankProven: Bool
    /// Where the last data found ends: no block status range and no sampled block past
    /// this offset held data. 0 when none was found.
    public var dataEndBytes: UInt64
    /// Bytes block status reports allocated and not zero; nil without block status.
    public var allocatedBytes: UInt64?
    /// Blocks read to look at content, and how many of them held a non-zero byte.
    public var blocksRead: Int
    public var nonZeroBlocks: Int
    /// Per partition: whether data was found in it.
    public var partitions: [PartitionData]
    /// The LBA of a GPT header ("EFI PART") found in the last data before `dataEndBytes`:
    /// the data ends with a GPT backup header (moved, or a label written for a smaller
    /// disk), not part-way through a copy.
    public var gptHeaderAtDataEndLBA: UInt64?

    /// Data found in one partition.
    public struct PartitionData: Codable, Sendable, Equatable {
        public var number: Int
        public var holdsData: Bool
        /// Where the last data found inside the partition ends (absolute offset), 0 when none.
        public var dataEndBytes: UInt64

        /// Creates the value from its fields.
        public init(number: Int, holdsData: Bool, dataEndBytes: UInt64) {
            self.number = number
            self.holdsData = holdsData
            self.dataEndBytes = dataEndBytes
        }
    }

    /// Creates the value from its fields.
    public init(method: String, holdsData: Bool, blankProven: Bool, dataEndBytes: UInt64, allocatedBytes: UInt64?,
                blocksRead: Int, nonZeroBlocks: Int, partitions: [PartitionData] = [], gptHeaderAtDataEndLBA: UInt64? = nil) {
        self.gptHeaderAtDataEndLBA = gptHeaderAtDataEndLBA
        self.method = method
        self.holdsData = holdsData
        self.blankProven = blankProven
        self.dataEndBytes = dataEndBytes
        self.allocatedBytes = allocatedBytes
        self.blocksRead = blocksRead
        self.nonZeroBlocks = nonZeroBlocks
        self.partitions = partitions
    }

    /// The entry of partition `number`.
    public func partition(_ number: Int) -> PartitionData? { partitions.first { $0.number == number } }
}

/// Measures a volume's `DataExtent`: bounded work whatever the size (at most a few
/// thousand block-status requests and about a thousand small reads).
public enum DataExtentSurvey {
    /// Bytes per sampled read.
    static let blockBytes: UInt64 = 64 << 10
    /// Evenly spread samples.
    static let evenSamples = 128
    /// Data runs whose first and last block are read.
    static let maxRunsRead = 256
    /// Block-status requests before the rest of the volume is taken as data.
    static let maxStatusRequests = 1024

    /// Measures `volume`, whose probe gave `partitions`. Nil when the volume could not be
    /// read for it (a read error is the probe's business, not a reason to guess).
    public static func measure(_ volume: any Volume, partitions: [Partition]) -> DataExtent? {
        let size = volume.sizeBytes
        guard size > 0 else { return nil }
        do throws(VolumeError) {
            var reader = Reader(volume: volume)
            // 1. Allocation, as data runs (not hole, not zero).
            var runs: [Range<UInt64>] = []
            var allocated: UInt64?
            if volume.supportsBlockStatus {
                var pos: UInt64 = 0
                var requests = 0
                var total: UInt64 = 0
                while pos < size {
                    requests += 1
                    if requests > maxStatusRequests {
                        runs.append(pos..<size)  // too fragmented to map: the rest counts as data
                        total += size - pos
                        break
                    }
                    let part = try volume.extents(offset: pos, length: size - pos)
                    guard let last = part.last, last.end > pos else { break }
                    for e in part where !e.zero && !e.hole && e.length > 0 {
                        total += e.length
                        if let l = runs.last, l.upperBound >= e.offset {
                            runs[runs.count - 1] = l.lowerBound..<max(l.upperBound, e.end)
                        } else {
                            runs.append(e.offset..<e.end)
                        }
                    }
                    pos = last.end
                }
                allocated = total
                if runs.isEmpty {
                    return DataExtent(method: "block-status", holdsData: false, blankProven: true, dataEndBytes: 0,
                                      allocatedBytes: 0, blocksRead: 0, nonZeroBlocks: 0,
                                      partitions: partitions.map { .init(number: $0.number, holdsData: false, dataEndBytes: 0) })
                }
            } else {
                runs = [0..<size]
            }

            // 2. Sampled reads inside the data runs: each run's first and last block
            // (the last runs always), evenly spread blocks, and each partition's start,
            // middle and end.
            var positions: [UInt64] = []
            let chosenRuns: [Range<UInt64>]
            if runs.count <= maxRunsRead {
                chosenRuns = runs
            } else {
                let step = Double(runs.count - maxRunsRead / 2) / Double(maxRunsRead / 2)
                chosenRuns = (0..<maxRunsRead / 2).map { runs[Int(Double($0) * step)] } + runs.suffix(maxRunsRead / 2)
            }
            for run in chosenRuns {
                positions.append(run.lowerBound)
                if run.count > blockBytes { positions.append(run.upperBound - blockBytes) }
            }
            let totalRunBytes = runs.reduce(UInt64(0)) { $0 + UInt64($1.count) }
            let stride = max(blockBytes, totalRunBytes / UInt64(evenSamples))
            var runIndex = 0, runStart: UInt64 = 0
            var at: UInt64 = 0
            while at < totalRunBytes, runIndex < runs.count {
                while runIndex < runs.count, at >= runStart + UInt64(runs[runIndex].count) {
                    runStart += UInt64(runs[runIndex].count)
                    runIndex += 1
                }
                guard runIndex < runs.count else { break }
                positions.append(runs[runIndex].lowerBound + (at - runStart))
                at += stride
            }
            for p in partitions where p.partitionKind != .extended && p.startBytes < size {
                let end = min(size, p.startBytes &+ p.sizeBytes)
                positions += [p.startBytes, p.startBytes + (end - p.startBytes) / 2, end > blockBytes ? end - blockBytes : 0]
            }
            positions.append(0)
            positions.append(size > blockBytes ? size - blockBytes : 0)
            // Only where block status says data: a hole is zeros for sure.
            let inRuns = Set(positions.map { $0 / 4096 * 4096 }).sorted().filter { pos in
                runs.contains { $0.contains(pos) }
            }
            var nonZero: [Range<UInt64>] = []
            for pos in inRuns {
                let run = runs.first { $0.contains(pos) }!
                let length = min(blockBytes, run.upperBound - pos, size - pos)
                if try reader.holdsData(at: pos, length: length) { nonZero.append(pos..<pos + length) }
            }

            // 3. Where data ends: after the last non-zero block, search up to the next block
            // that read as zeros (or the end of its run) for the last data.
            var dataEnd = nonZero.last?.upperBound ?? 0
            if let last = nonZero.last, let run = runs.first(where: { $0.contains(last.lowerBound) }) {
                let nextZero = inRuns.first { $0 >= last.upperBound && $0 < run.upperBound } ?? run.upperBound
                var lo = last.upperBound, hi = nextZero
                while hi > lo, hi - lo > blockBytes {
                    let mid = (lo + (hi - lo) / 2) / 4096 * 4096
                    if try reader.holdsData(at: mid, length: min(blockBytes, size - mid)) {
                        lo = min(hi, mid + min(blockBytes, size - mid))
                        dataEnd = max(dataEnd, lo)
                    } else {
                        hi = mid
                    }
                }
            }

            // A GPT header in the last data (the backup of some label)?
            var headerAtEnd: UInt64?
            if dataEnd >= 512 {
                let ss = UInt64(volume.logicalSectorSize)
                let from = dataEnd > blockBytes ? (dataEnd - blockBytes) / ss * ss : 0
                let tail = try volume.read(at: from, count: Int(dataEnd - from))
                let magic = Array("EFI PART".utf8)
                var at = tail.count - Int(ss)
                while at >= 0 {
                    if Array(tail[at..<at + 8]) == magic { headerAtEnd = (from + UInt64(at)) / ss; break }
                    at -= Int(ss)
                }
            }

            let perPartition = partitions.map { p -> DataExtent.PartitionData in
                let end = min(size, p.startBytes &+ p.sizeBytes)
                let inside = nonZero.filter { $0.lowerBound < end && $0.upperBound > p.startBytes }
                let hasSignature = p.filesystem != nil
                return .init(number: p.number, holdsData: hasSignature || !inside.isEmpty,
                             dataEndBytes: min(end, inside.last?.upperBound ?? (hasSignature ? p.startBytes + 4096 : 0)))
            }
            return DataExtent(method: volume.supportsBlockStatus ? "block-status" : "sampled-reads",
                              holdsData: !nonZero.isEmpty, blankProven: false, dataEndBytes: dataEnd,
                              allocatedBytes: allocated, blocksRead: reader.reads, nonZeroBlocks: nonZero.count,
                              partitions: perPartition, gptHeaderAtDataEndLBA: headerAtEnd)
        } catch {
            return nil
        }
    }

    /// Reads blocks and tells whether they hold a non-zero byte.
    struct Reader {
        let volume: any Volume
        var reads = 0
        var buffer = [UInt8](repeating: 0, count: Int(DataExtentSurvey.blockBytes))

        init(volume: any Volume) { self.volume = volume }

        mutating func holdsData(at offset: UInt64, length: UInt64) throws(VolumeError) -> Bool {
            guard length > 0 else { return false }
            reads += 1
            var failure: VolumeError?
            let found = buffer.withUnsafeMutableBytes { raw -> Bool in
                let slice = UnsafeMutableRawBufferPointer(rebasing: raw[0..<Int(length)])
                do throws(VolumeError) { try volume.read(into: slice, at: offset) } catch {
                    failure = error
                    return false
                }
                return slice.contains { $0 != 0 }
            }
            if let failure { throw failure }
            return found
        }
    }
}
