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
    /// The most bytes of sampled reads sent ahead with the probe's rounds (`speculativeReads`).
    static let speculativeBytes: UInt64 = 16 << 20

    /// What a caller already holds of the volume, so the survey does not read it again: the
    /// bytes of a range, and whether a range holds a byte that is not zero — asked of every
    /// sampled block, and answered without copying the bytes. Each is nil for a range not
    /// wholly held, and both must agree with the volume's bytes.
    public struct HeldBytes {
        public var bytes: (UInt64, Int) -> [UInt8]?
        public var holdsNonZero: (UInt64, Int) -> Bool?

        /// Creates the value from its two answers.
        public init(bytes: @escaping (UInt64, Int) -> [UInt8]?, holdsNonZero: @escaping (UInt64, Int) -> Bool?) {
            self.bytes = bytes
            self.holdsNonZero = holdsNonZero
        }

        /// Nothing held: every block is read.
        public static var none: HeldBytes { HeldBytes(bytes: { _, _ in nil }, holdsNonZero: { _, _ in nil }) }
    }

    /// Measures `volume`, whose probe gave `partitions`. Nil when the volume could not be
    /// read for it (a read error is the probe's business, not a reason to guess). `known`
    /// tells what the probe already holds, so it is not read again.
    ///
    /// Requests go out in rounds (`Volume.perform`, docs/PROBE.md "Round trips"): block status
    /// of the whole volume in windows, all at once; the sampled blocks at once; and the
    /// search for where data ends a few levels of its bisection at a time — the same blocks,
    /// and so the same answer, as reading them one after the other.
    /// `prefetched` are reads sent ahead (`speculativeReads`) with their replies: a block
    /// inside one of them is taken from it instead of being read again.
    public static func measure(_ volume: any Volume, partitions: [Partition],
                               firstMapRound: (requests: [VolumeRequest], replies: [VolumeReply])? = nil,
                               prefetched: [(request: VolumeRequest, reply: VolumeReply)] = [],
                               known: HeldBytes = .none) -> DataExtent? {
        let size = volume.sizeBytes
        guard size > 0 else { return nil }
        do throws(VolumeError) {
            var reader = Reader(volume: volume, known: known, prefetched: prefetched)
            // 1. Allocation, as data runs (not hole, not zero).
            var runs: [Range<UInt64>] = []
            var allocated: UInt64?
            if volume.supportsBlockStatus {
                let map = try allocationMap(volume, firstRound: firstMapRound)
                runs = map.runs
                allocated = map.allocated
                if runs.isEmpty {
                    return DataExtent(method: "block-status", holdsData: false, blankProven: true, dataEndBytes: 0,
                                      allocatedBytes: 0, blocksRead: 0, nonZeroBlocks: 0,
                                      partitions: partitions.map { .init(number: $0.number, holdsData: false, dataEndBytes: 0) })
                }
            } else {
                runs = [0..<size]
            }

            // 2. Sampled reads inside the data runs (`sampledBlocks`).
            let (inRuns, sampled) = sampledBlocks(runs: runs, size: size,
                                                  partitions: partitions.map { ($0.startBytes, $0.sizeBytes, $0.partitionKind == .extended) })
            try reader.fetch(sampled)
            var nonZero: [Range<UInt64>] = []
            for block in sampled {
                if try reader.holdsData(at: block.at, length: block.length) { nonZero.append(block.at..<block.at + block.length) }
            }

            // 3. Where data ends: after the last non-zero block, search up to the next block
            // that read as zeros (or the end of its run) for the last data. The bisection's
            // next levels are fetched together, then walked as one block at a time would.
            var dataEnd = nonZero.last?.upperBound ?? 0
            if let last = nonZero.last, let run = runs.first(where: { $0.contains(last.lowerBound) }) {
                let nextZero = inRuns.first { $0 >= last.upperBound && $0 < run.upperBound } ?? run.upperBound
                var lo = last.upperBound, hi = nextZero
                while hi > lo, hi - lo > blockBytes {
                    let mid = (lo + (hi - lo) / 2) / 4096 * 4096
                    let length = min(blockBytes, size - mid)
                    if !reader.has(mid, length) { try reader.fetch(bisection(lo: lo, hi: hi, size: size, levels: 4)) }
                    if try reader.holdsData(at: mid, length: length) {
                        lo = min(hi, mid + length)
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
                let tail: [UInt8]
                if let held = known.bytes(from, Int(dataEnd - from)) { tail = held } else { tail = try volume.read(at: from, count: Int(dataEnd - from)) }
                let magic = Array("EFI PART".utf8)
                var at = tail.count - Int(ss)
                while at >= 0 {
                    if Array(tail[at..<at + 8]) == magic { headerAtEnd = (from + UInt64(at)) / ss; break }
                    at -= Int(ss)
                }
            }

            var perPartition: [DataExtent.PartitionData] = []
            for p in partitions {
                let end = min(size, p.startBytes &+ p.sizeBytes)
                var inside: [Range<UInt64>] = []
                for block in nonZero where block.lowerBound < end && block.upperBound > p.startBytes {
                    let lo = max(block.lowerBound, p.startBytes), hi = min(block.upperBound, end)
                    // A block that straddles the partition's bounds (a GPT partition that ends
                    // where the backup entries begin): only its bytes inside the partition count.
                    if lo == block.lowerBound && hi == block.upperBound {
                        inside.append(block)
                    } else if try reader.holdsData(at: lo, length: hi - lo) {
                        inside.append(lo..<hi)
                    }
                }
                let hasSignature = p.filesystem != nil
                perPartition.append(.init(number: p.number, holdsData: hasSignature || !inside.isEmpty,
                                          dataEndBytes: min(end, inside.last?.upperBound ?? (hasSignature ? p.startBytes + 4096 : 0))))
            }
            return DataExtent(method: volume.supportsBlockStatus ? "block-status" : "sampled-reads",
                              holdsData: !nonZero.isEmpty, blankProven: false, dataEndBytes: dataEnd,
                              allocatedBytes: allocated, blocksRead: reader.reads, nonZeroBlocks: nonZero.count,
                              partitions: perPartition, gptHeaderAtDataEndLBA: headerAtEnd)
        } catch {
            return nil
        }
    }

    /// The blocks step 2 of `measure` samples, and the 4 KiB-aligned positions they start at:
    /// inside the data runs, each run's first and last block (the last runs always), evenly
    /// spread blocks, and each partition's start, middle and end.
    static func sampledBlocks(runs: [Range<UInt64>], size: UInt64,
                          partitions: [(startBytes: UInt64, sizeBytes: UInt64, extended: Bool)])
        -> (inRuns: [UInt64], sampled: [(at: UInt64, length: UInt64)]) {
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
        for p in partitions where !p.extended && p.startBytes < size {
            let end = min(size, p.startBytes &+ p.sizeBytes)
            positions += [p.startBytes, p.startBytes + (end - p.startBytes) / 2, end > blockBytes ? end - blockBytes : 0]
        }
        positions.append(0)
        positions.append(size > blockBytes ? size - blockBytes : 0)
        // Only where block status says data: a hole is zeros for sure.
        let inRuns = Set(positions.map { $0 / 4096 * 4096 }).sorted().filter { pos in
            runs.contains { $0.contains(pos) }
        }
        let sampled = inRuns.map { pos -> (at: UInt64, length: UInt64) in
            let run = runs.first { $0.contains(pos) }!
            return (pos, min(blockBytes, run.upperBound - pos, size - pos))
        }
        return (inRuns, sampled)
    }

    /// The reads step 2 of `measure` would send for a volume with `partitions`, computed from
    /// the block-status map of the probe's first round alone (empty when that map needs
    /// another round, or failed): the probe sends them along with its next round, so the
    /// survey usually needs no round of its own (docs/PROBE.md, "Round trips"). At most
    /// `speculativeBytes` bytes.
    public static func speculativeReads(_ volume: any Volume, firstMapRound: (requests: [VolumeRequest], replies: [VolumeReply]),
                                        partitions: [(startBytes: UInt64, sizeBytes: UInt64, extended: Bool)],
                                        held: (UInt64, UInt64) -> Bool = { _, _ in false }) -> [VolumeRequest] {
        let size = volume.sizeBytes
        guard size > 0 else { return [] }
        var runs: [Range<UInt64>] = [0..<size]
        if volume.supportsBlockStatus {
            guard let map = try? allocationMap(volume, firstRound: firstMapRound, alone: true), !map.runs.isEmpty else { return [] }
            runs = map.runs
        }
        // Not the blocks the probe holds already (`held`): the survey takes those from it.
        let spans = Reader.spans(sampledBlocks(runs: runs, size: size, partitions: partitions).sampled.filter { !held($0.at, $0.length) })
        var requests: [VolumeRequest] = []
        var bytes: UInt64 = 0
        for span in spans {
            bytes += span.end - span.at
            if bytes > speculativeBytes { break }
            requests.append(.read(offset: span.at, count: Int(span.end - span.at)))
        }
        return requests
    }

    /// Block status of the whole volume as data runs, and the bytes they hold: one round
    /// asks every window of the volume at once (a server may answer a prefix of each; the
    /// rest goes in the next round). After `maxStatusRequests` requests the rest counts as data.
    /// The block-status requests of the map's first round (empty without block status),
    /// for a caller that sends them along with its own first round (`firstMapRound`).
    public static func firstMapRound(_ volume: any Volume) -> [VolumeRequest] {
        guard volume.supportsBlockStatus, volume.sizeBytes > 0 else { return [] }
        return windows([0..<volume.sizeBytes], budget: maxStatusRequests).map { .extents(offset: $0.lowerBound, length: UInt64($0.count)) }
    }

    /// The windows of `unknown` one round asks, at most `budget` of them.
    private static func windows(_ unknown: [Range<UInt64>], budget: Int) -> [Range<UInt64>] {
        let window: UInt64 = 0x7FF0_0000  // under the 2 GiB an NBD block-status request can ask
        var asked: [Range<UInt64>] = []
        for gap in unknown {
            var pos = gap.lowerBound
            while pos < gap.upperBound, asked.count < budget {
                let end = min(gap.upperBound, pos + window)
                asked.append(pos..<end)
                pos = end
            }
        }
        return asked
    }

    /// `alone`: from `firstRound` only — throws rather than send a request.
    static func allocationMap(_ volume: any Volume, firstRound: (requests: [VolumeRequest], replies: [VolumeReply])? = nil,
                              alone: Bool = false) throws(VolumeError) -> (runs: [Range<UInt64>], allocated: UInt64) {
        let size = volume.sizeBytes
        var unknown: [Range<UInt64>] = [0..<size]
        var data: [Range<UInt64>] = []
        var requests = 0
        while !unknown.isEmpty {
            let asked = windows(unknown, budget: maxStatusRequests - requests)
            if asked.isEmpty {
                data += unknown  // too fragmented to map: the rest counts as data
                break
            }
            let sent: [VolumeRequest] = asked.map { .extents(offset: $0.lowerBound, length: UInt64($0.count)) }
            let replies: [VolumeReply]
            if requests == 0, let firstRound, firstRound.requests == sent, firstRound.replies.count == sent.count {
                replies = firstRound.replies  // sent along with the probe's first round
            } else if alone {
                throw VolumeError(kind: .readFailed, operation: "block status", target: volume.displayName,
                                  message: "the first round's map is not complete")
            } else {
                replies = volume.perform(sent)
            }
            requests += asked.count
            var next: [Range<UInt64>] = []
            for (range, reply) in zip(asked, replies) {
                let extents: [Extent]
                switch reply {
                case .extents(let e): extents = e
                case .failed(let error): throw error
                case .read: extents = []
                }
                var pos = range.lowerBound
                for e in extents where e.end > pos && e.offset <= pos {
                    let end = min(e.end, range.upperBound)
                    if !e.zero && !e.hole { data.append(pos..<end) }
                    pos = end
                    if pos >= range.upperBound { break }
                }
                if pos < range.upperBound {
                    guard pos > range.lowerBound else { break }  // no progress: stop, as a lone request would
                    next.append(pos..<range.upperBound)
                }
            }
            // Windows not asked this round (the request budget) stay unknown.
            let askedEnd = asked.last?.upperBound ?? 0
            next += unknown.compactMap { gap in
                gap.upperBound <= askedEnd ? nil : max(gap.lowerBound, askedEnd)..<gap.upperBound
            }
            unknown = next.sorted { $0.lowerBound < $1.lowerBound }
        }
        data.sort { $0.lowerBound < $1.lowerBound }
        var runs: [Range<UInt64>] = []
        var total: UInt64 = 0
        for d in data where !d.isEmpty {
            total += UInt64(d.count)
            if let l = runs.last, l.upperBound >= d.lowerBound {
                runs[runs.count - 1] = l.lowerBound..<max(l.upperBound, d.upperBound)
            } else {
                runs.append(d)
            }
        }
        return (runs, total)
    }

    /// The blocks the next `levels` levels of the bisection of `[lo, hi)` may look at.
    static func bisection(lo: UInt64, hi: UInt64, size: UInt64, levels: Int) -> [(at: UInt64, length: UInt64)] {
        guard levels > 0, hi > lo, hi - lo > blockBytes else { return [] }
        let mid = (lo + (hi - lo) / 2) / 4096 * 4096
        let length = min(blockBytes, size - mid)
        return [(mid, length)] + bisection(lo: min(hi, mid + length), hi: hi, size: size, levels: levels - 1)
            + bisection(lo: lo, hi: mid, size: size, levels: levels - 1)
    }

    /// Reads blocks and tells whether they hold a non-zero byte.
    struct Reader {
        let volume: any Volume
        let known: HeldBytes
        /// Blocks looked at.
        var reads = 0
        /// Whether each fetched block (offset, length) holds a non-zero byte.
        private var fetched: [UInt64: (length: UInt64, data: Bool)] = [:]
        /// Blocks whose read failed: the error is thrown only if the walk looks at the block
        /// (a block fetched ahead and never looked at cannot fail the survey).
        private var failed: [UInt64: (length: UInt64, error: VolumeError)] = [:]
        /// Bytes one round reads at most (the memory it takes).
        static let roundBytes: UInt64 = 32 << 20
        /// Blocks this close are read as one span, of at most `maxSpan` bytes.
        static let joinGap: UInt64 = 64 << 10
        static let maxSpan: UInt64 = 1 << 20

        /// Reads sent ahead that succeeded: where they start, and their bytes.
        private let prefetched: [(at: UInt64, bytes: ReadBytes)]

        init(volume: any Volume, known: HeldBytes,
             prefetched: [(request: VolumeRequest, reply: VolumeReply)] = []) {
            self.volume = volume
            self.known = known
            self.prefetched = prefetched.compactMap { p in
                guard case .read(let offset, let count) = p.request, case .read(let bytes) = p.reply, bytes.count == count else { return nil }
                return (offset, bytes)
            }
        }

        /// Neighbouring blocks (often: the samples of a small data run) as one read each.
        static func spans(_ blocks: [(at: UInt64, length: UInt64)]) -> [(at: UInt64, end: UInt64, blocks: [(at: UInt64, length: UInt64)])] {
            var spans: [(at: UInt64, end: UInt64, blocks: [(at: UInt64, length: UInt64)])] = []
            for b in blocks.sorted(by: { $0.at < $1.at }) {
                if let last = spans.last, b.at <= last.end + Reader.joinGap,
                   max(last.end, b.at + b.length) - last.at <= Reader.maxSpan {
                    spans[spans.count - 1].end = max(last.end, b.at + b.length)
                    spans[spans.count - 1].blocks.append(b)
                } else {
                    spans.append((b.at, b.at + b.length, [b]))
                }
            }
            return spans
        }

        func has(_ offset: UInt64, _ length: UInt64) -> Bool {
            fetched[offset]?.length == length || failed[offset]?.length == length
        }

        /// Fetches `blocks` not fetched yet: from what the probe holds, else read in rounds.
        mutating func fetch(_ blocks: [(at: UInt64, length: UInt64)]) throws(VolumeError) {
            var wanted: [(at: UInt64, length: UInt64)] = []
            for b in blocks where b.length > 0 && !has(b.at, b.length) {
                if let data = known.holdsNonZero(b.at, Int(b.length)) {
                    fetched[b.at] = (b.length, data)
                } else if let p = prefetched.first(where: { $0.at <= b.at && b.at + b.length <= $0.at + UInt64($0.bytes.count) }) {
                    let from = Int(b.at - p.at)
                    fetched[b.at] = (b.length, Reader.holdsNonZero(p.bytes, from..<from + Int(b.length)))
                } else if !wanted.contains(where: { $0.at == b.at && $0.length == b.length }) {
                    wanted.append(b)
                }
            }
            let spans = Reader.spans(wanted)
            var i = 0
            while i < spans.count {
                var j = i + 1, bytes = spans[i].end - spans[i].at
                while j < spans.count, bytes + (spans[j].end - spans[j].at) <= Reader.roundBytes {
                    bytes += spans[j].end - spans[j].at
                    j += 1
                }
                let round = spans[i..<j]
                let replies = volume.perform(round.map { .read(offset: $0.at, count: Int($0.end - $0.at)) })
                for (span, reply) in zip(round, replies) {
                    for b in span.blocks {
                        switch reply {
                        case .read(let bytes):
                            let from = Int(b.at - span.at)
                            fetched[b.at] = (b.length, Reader.holdsNonZero(bytes, from..<from + Int(b.length)))
                        case .failed(let error): failed[b.at] = (b.length, error)
                        case .extents: break
                        }
                    }
                }
                i = j
            }
        }

        /// Whether `bytes` holds a byte that is not zero: eight bytes at a time (a survey looks
        /// at megabytes; byte by byte that was most of its CPU time).
        static func holdsNonZero(_ bytes: ReadBytes, _ range: Range<Int>) -> Bool {
            precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "block \(range) outside a read of \(bytes.count) bytes")
            return bytes.withUnsafeBytes { holdsNonZero(UnsafeRawBufferPointer(rebasing: $0[range])) }
        }

        static func holdsNonZero(_ raw: UnsafeRawBufferPointer) -> Bool {
            // 64 bytes a turn, one test of eight words or-ed together (the compiler may use
            // vector loads), then word by word, then byte by byte.
            let count = raw.count
            var i = 0
            while count - i >= 64 {
                var any: UInt64 = 0
                for k in 0..<8 { any |= raw.loadUnaligned(fromByteOffset: i + k * 8, as: UInt64.self) }
                if any != 0 { return true }
                i += 64
            }
            while count - i >= 8 {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { return true }
                i += 8
            }
            var j = i
            while j < raw.count {
                if raw[j] != 0 { return true }
                j += 1
            }
            return false
        }

        mutating func holdsData(at offset: UInt64, length: UInt64) throws(VolumeError) -> Bool {
            guard length > 0 else { return false }
            reads += 1
            if !has(offset, length) { try fetch([(offset, length)]) }
            if let f = failed[offset], f.length == length { throw f.error }
            guard let block = fetched[offset], block.length == length else {
                throw VolumeError(kind: .readFailed, operation: "read", target: volume.displayName,
                                  message: "block at \(offset) was not read")
            }
            return block.data
        }
    }
}
