import BlockAccess
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import AuditCore
#if canImport(Glibc)
import Glibc
#endif

/// Copies regions of a volume into the shadow file, reading each byte from the volume at
/// most once and skipping extents that block status reports as zeros, and keeps the ledger:
/// every region with its SHA-256 and purpose, and every range that could not be read, with
/// the error.
final class RegionCopier {
    let volume: any Volume
    let shadow: ShadowFile
    /// Regions copied so far; their `sha256` is filled in by `ledger()`.
    private var regions: [RegionRead] = []
    private(set) var unreadable: [ByteRange] = []
    /// Ranges copied successfully (data or known zeros), sorted, non-overlapping, half-open.
    private var covered = IntervalSet()
    /// The covered ranges that block status reported as zeros (never read, zero in the shadow).
    private var zeros = IntervalSet()
    /// The largest single read sent to the volume, and the hashing buffer's size.
    private let chunkBytes: UInt64 = 4 << 20
    private static let zeroBlock = [UInt8](repeating: 0, count: 256 << 10)

    /// Read ahead (docs/PROBE.md, "Round trips"): bytes fetched in a round before the
    /// probe's own logic asked for them are kept apart, in `stash` — each read's reply as it
    /// came, in memory, not copied — and reach the shadow only when `copy` asks for them —
    /// so libfdisk and libblkid see exactly the regions the ledger cites, as if every read
    /// had been sent alone. Reads another reader sent along (`along`) join it too: they are
    /// reads of the same volume, so a round does not read their bytes again. Replies may
    /// overlap, with the same bytes; of each, only the parts outside `stashedZeros` are used.
    private var stash: [(offset: UInt64, bytes: ReadBytes)] = []
    /// Ranges whose bytes are in `stash`.
    private var stashed = IntervalSet()
    /// Ranges block status reported as zeros in a round (not read again, zero in the shadow).
    private var stashedZeros = IntervalSet()
    /// Ranges a round failed to read: left to `copy`, which records the failure.
    private var stashFailed = IntervalSet()
    /// Ranges whose allocation a block-status map already told (`learnAllocation`): a round
    /// asks no block status for them, and reads none of their zero extents (those are in
    /// `stashedZeros`).
    private var mapped = IntervalSet()
    /// While planning, `copy` records what it would read (here) instead of reading.
    private var planning = false
    private var planned: [(start: UInt64, end: UInt64)] = []
    /// Another reader's requests (the data-extent survey's sampled reads) to send along with
    /// the next round `inRounds` sends; set while planning. Each is sent once.
    var along: [VolumeRequest] = []
    /// The requests sent along so far, with their replies.
    private(set) var sentAlong: [(request: VolumeRequest, reply: VolumeReply)] = []
    /// The most bytes one round reads (bounds the memory a hostile label can make a round take).
    static let maxRoundBytes: UInt64 = 64 << 20

    init(volume: any Volume, shadow: ShadowFile) {
        self.volume = volume
        self.shadow = shadow
    }

    /// Runs `body` — probe logic that copies through this copier and reads nothing else —
    /// in dependent rounds: first as a plan (nothing is read; `copy` notes what it would
    /// read and answers from what is already there), then sends everything noted in one
    /// `prefetch` round, and again, up to `rounds` times or until a plan needs nothing new;
    /// then runs it for real, when its copies find their bytes fetched already. Each round
    /// is one round trip however many reads it holds; what a later step of `body` needs
    /// from an earlier step's bytes lands in the next round.
    func inRounds<T>(_ rounds: Int, _ body: () throws(ProbeError) -> T) throws(ProbeError) -> T {
        for _ in 0..<rounds {
            planning = true
            planned = []
            defer { planning = false }
            _ = try body()
            planning = false
            let extra = along.filter { r in !sentAlong.contains { $0.request == r } }
            along = []
            // Never a round of their own: they ride along or wait for their reader.
            let round = try prefetch(planned, along: extra, extraAlone: false)
            sentAlong += zip(extra, round.extra).map { ($0, $1) }
            guard round.fetched else { break }
        }
        along = []
        return try body()
    }

    /// Whether `copy` is planning (see `inRounds`).
    var isPlanning: Bool { planning }

    /// Whether the round being planned reads anything so far: `along` rides only with such a
    /// round (`inRounds`), so a reader need not work out its requests for one that does not.
    var plansReads: Bool { planning && !planned.isEmpty }

    /// What `body` would copy that is neither copied nor fetched yet; nothing is read.
    func plan(_ body: () throws(ProbeError) -> Void) throws(ProbeError) -> [(start: UInt64, end: UInt64)] {
        planning = true
        planned = []
        defer { planning = false }
        try body()
        return planned
    }

    /// Fetches every part of `ranges` not copied, stashed or failed yet, in one round:
    /// block status of each gap and its reads, all in flight together. `extra` requests
    /// (another reader's, e.g. the data-extent survey's block status) ride in the same
    /// round; their replies are returned in order. `fetched` is false when there was
    /// nothing to fetch.
    @discardableResult
    /// With `extraAlone` false, `extra` is sent only when the round reads something anyway.
    func prefetch(_ ranges: [(start: UInt64, end: UInt64)], along extra: [VolumeRequest] = [],
                  extraAlone: Bool = true) throws(ProbeError) -> (fetched: Bool, extra: [VolumeReply]) {
        let size = volume.sizeBytes
        // What the other reader's reads of this round bring is not read twice.
        var alongReads = IntervalSet()
        for case .read(let offset, let count) in extra where count > 0 { alongReads.insert(offset, offset + UInt64(count)) }
        var needed = IntervalSet(), wanted = IntervalSet()
        for r in ranges where r.start < size {
            let end = min(r.end, size)
            for g in covered.gaps(r.start, end) {
                for h in stashed.gaps(g.start, g.end) {
                    for k in stashedZeros.gaps(h.start, h.end) {
                        for f in stashFailed.gaps(k.start, k.end) {
                            needed.insert(f.start, f.end)
                            for a in alongReads.gaps(f.start, f.end) { wanted.insert(a.start, a.end) }
                        }
                    }
                }
            }
        }
        guard !needed.ranges.isEmpty || (!extra.isEmpty && extraAlone) else { return (false, []) }
        var requests: [VolumeRequest] = extra
        var extraReplies: [VolumeReply]?
        var bytes: UInt64 = 0
        func send() throws(ProbeError) {
            guard !requests.isEmpty else { return }
            var replies = volume.perform(requests)
            if extraReplies == nil {
                extraReplies = Array(replies.prefix(extra.count))
                replies.removeFirst(extra.count)
                requests.removeFirst(extra.count)
            }
            try apply(requests, replies)
            requests = []
            bytes = 0
        }
        for gap in wanted.ranges {
            if volume.supportsBlockStatus {
                for u in mapped.gaps(gap.start, gap.end) { requests.append(.extents(offset: u.start, length: u.end - u.start)) }
            }
            var pos = gap.start
            while pos < gap.end {
                let n = min(chunkBytes, gap.end - pos)
                if bytes + n > RegionCopier.maxRoundBytes { try send() }
                requests.append(.read(offset: pos, count: Int(n)))
                bytes += n
                pos += n
            }
        }
        try send()
        // The other reader's reads join the stash (a failed one leaves its bytes to `copy`,
        // which reads them alone and records the failure).
        for (request, reply) in zip(extra, extraReplies ?? []) {
            guard case .read(let offset, let count) = request, count > 0, case .read(let data) = reply, data.count == count else { continue }
            keep(data, at: offset)
        }
        return (!needed.ranges.isEmpty, extraReplies ?? [])
    }

    /// Files a round's replies: zero extents first (their bytes are never used, as a lone
    /// `copy` would not have read them), then the bytes read.
    private func apply(_ requests: [VolumeRequest], _ replies: [VolumeReply]) throws(ProbeError) {
        learnAllocation(requests, replies, markMapped: false)
        for (request, reply) in zip(requests, replies) {
            guard case .read(let offset, let count) = request else { continue }
            let end = offset + UInt64(count)
            switch reply {
            case .read(let data) where data.count == count:
                keep(data, at: offset)
            default:
                stashFailed.insert(offset, end)
            }
        }
    }

    /// Puts a reply's bytes in the stash.
    private func keep(_ data: ReadBytes, at offset: UInt64) {
        stash.append((offset, data))
        stashed.insert(offset, offset + UInt64(data.count))
    }

    /// Takes what block-status replies told of the volume's allocation: their zero extents
    /// are zeros a round need not read (as a round's own block status would have said), and
    /// with `markMapped`, the ranges they cover need no block status of their own. The
    /// probe hands in the data-extent survey's map of the whole volume, which rides in its
    /// first round, so later rounds read only what that map shows as data (docs/PROBE.md,
    /// "Round trips"). A reply covers a prefix of its request at most; the rest stays unknown.
    func learnAllocation(_ requests: [VolumeRequest], _ replies: [VolumeReply], markMapped: Bool = true) {
        for (request, reply) in zip(requests, replies) {
            guard case .extents(let offset, let length) = request, case .extents(let extents) = reply else { continue }
            var pos = offset
            for e in extents {
                let s = max(e.offset, pos), t = min(e.end, offset + length)
                guard s == pos, t > s else { break }
                if e.zero { stashedZeros.insert(s, t) }
                pos = t
            }
            if markMapped, pos > offset { mapped.insert(offset, pos) }
        }
    }

    /// Copies `[offset, offset+length)`, clamped to the volume, and records it under
    /// `purpose`. Returns false when any part could not be read (the failure is recorded in
    /// `unreadable`) or the range lies outside the volume.
    @discardableResult
    func copy(offset: UInt64, length: UInt64, purpose: String) throws(ProbeError) -> Bool {
        guard offset < volume.sizeBytes, length > 0 else { return false }
        let end = offset + min(length, volume.sizeBytes - offset)
        if planning {
            guard missing(offset, end).isEmpty else {
                planned.append((offset, end))
                return false
            }
            return true
        }
        var failed = false
        for gap in covered.gaps(offset, end) {
            for piece in try fromStash(gap.start, gap.end) {
                var pos = piece.start
                while pos < piece.end {
                    let n = Int(min(chunkBytes, piece.end - pos))
                    do {
                        let bytes = try volume.read(at: pos, count: n)
                        try shadow.write(bytes, at: pos)
                        covered.insert(pos, pos + UInt64(n))
                    } catch let error as VolumeError {
                        recordUnreadable(ByteRange(offset: pos, length: UInt64(n), error: error.description))
                        failed = true
                    } catch let error as ProbeError {
                        throw error
                    } catch {
                        throw ProbeError(kind: .shadow, operation: "copy", message: "\(error)")
                    }
                    pos += UInt64(n)
                }
            }
        }
        if failed || !covered.gaps(offset, end).isEmpty { return false }
        record(RegionRead(offset: offset, length: end - offset, sha256: "", purpose: purpose))
        return true
    }

    /// Every region copied, with its SHA-256. The hashes are computed here, once, spread
    /// over the available cores (each region independently, zero runs from a constant
    /// buffer, data straight from the shadow).
    func ledger() throws(ProbeError) -> [RegionRead] {
        let jobs = regions.map { HashJob(start: $0.offset, end: $0.offset + $0.length, zeroRuns: zeros.intersections($0.offset, $0.offset + $0.length)) }
        let slots = HashSlots(count: jobs.count)
        let fd = shadow.fd
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            slots.set(i, RegionCopier.sha256(fd: fd, job: jobs[i]))
        }
        var result = regions
        for i in result.indices {
            guard let digest = slots.get(i) else {
                throw ProbeError(kind: .shadow, operation: "pread", message: "could not read the shadow to hash \(result[i].purpose)")
            }
            result[i].sha256 = digest
        }
        return result
    }

    /// `count` bytes at `offset`: from what is copied already, else copied now; nil when not
    /// all of them could be read.
    func heldOrCopiedBytes(offset: UInt64, count: Int, purpose: String) throws(ProbeError) -> [UInt8]? {
        if let bytes = try bytes(offset: offset, count: count) { return bytes }
        guard let bytes = try copyBytes(offset: offset, length: count, purpose: purpose), bytes.count == count else { return nil }
        return bytes
    }

    /// Copies the range like `copy`, then returns its bytes; nil when it could not be read.
    func copyBytes(offset: UInt64, length: Int, purpose: String) throws(ProbeError) -> [UInt8]? {
        guard try copy(offset: offset, length: UInt64(length), purpose: purpose) else { return nil }
        return try bytes(offset: offset, count: min(length, Int(volume.sizeBytes - offset)))
    }

    /// Whether all of `[offset, offset+length)` is copied, fetched, or — while planning — in
    /// the plan of the round about to be sent: `heldBytes` will have it after that round
    /// (unless its read fails).
    func isHeldOrPlanned(offset: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow else { return false }
        var plan = IntervalSet()
        if planning { for r in planned { plan.insert(r.start, r.end) } }
        return missing(offset, end).allSatisfy { plan.gaps($0.start, $0.end).isEmpty }
    }

    /// Whether all of `[offset, offset+length)` was copied already.
    func isCopied(offset: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(length)
        return !overflow && covered.gaps(offset, end).isEmpty
    }

    /// Bytes already copied, from the shadow; nil when any part was not copied. While
    /// planning, also what a round fetched and `copy` will take.
    func bytes(offset: UInt64, count: Int) throws(ProbeError) -> [UInt8]? {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= volume.sizeBytes else { return nil }
        if covered.gaps(offset, end).isEmpty { return try shadow.read(at: offset, count: count) }
        guard planning else { return nil }
        return try heldBytes(offset: offset, count: count)
    }

    /// Bytes copied or fetched by a round already (from the shadow and the stash, zeros where
    /// block status said so); nil when any part is neither. What a round fetched is what
    /// `copy` would read, so another reader (the data-extent survey) may use it.
    func heldBytes(offset: UInt64, count: Int) throws(ProbeError) -> [UInt8]? {
        guard let end = heldEnd(offset, count) else { return nil }
        var out = try shadow.read(at: offset, count: count)
        for z in fetchedOnly(offset, end) {
            try stashedPieces(z.start, z.end) { (at, raw) in
                let from = Int(at - offset)
                out.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[from..<from + raw.count]).copyMemory(from: raw) }
            }
        }
        return out
    }

    /// Whether the bytes `heldBytes` would return hold one that is not zero, without copying
    /// them: what a round fetched is looked at where its reply lies, and only copied ranges
    /// are read back from the shadow, a piece at a time, stopping at the first non-zero byte.
    /// nil when any part is neither copied nor fetched. The data-extent survey asks this of
    /// each block it samples (docs/PROBE.md, "Round trips").
    func heldHoldsNonZero(offset: UInt64, count: Int) throws(ProbeError) -> Bool? {
        guard let end = heldEnd(offset, count) else { return nil }
        // Copied: in the shadow (never written where block status said zeros, so zero there).
        let copied = covered.intersections(offset, end).flatMap { zeros.gaps($0.start, $0.end) }
        if !copied.isEmpty {
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(min(64 << 10, copied.map { $0.end - $0.start }.max()!)),
                                                                 alignment: 64)
            defer { scratch.deallocate() }
            for c in copied {
                var pos = c.start
                while pos < c.end {
                    let n = Int(min(UInt64(scratch.count), c.end - pos))
                    let piece = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<n])
                    try shadow.read(into: piece, at: pos)
                    if DataExtentSurvey.Reader.holdsNonZero(UnsafeRawBufferPointer(piece)) { return true }
                    pos += UInt64(n)
                }
            }
        }
        // Fetched, not copied yet: the replies' bytes; the rest reads as the shadow's zeros.
        var found = false
        for z in fetchedOnly(offset, end) where !found {
            try stashedPieces(z.start, z.end) { (_, raw) in
                if !found, DataExtentSurvey.Reader.holdsNonZero(raw) { found = true }
            }
        }
        return found
    }

    /// Where `[offset, offset+count)` ends, when it lies in the volume and every part of it
    /// is copied or fetched; nil otherwise.
    private func heldEnd(_ offset: UInt64, _ count: Int) -> UInt64? {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= volume.sizeBytes, missing(offset, end).isEmpty else { return nil }
        return end
    }

    /// The parts of `[start, end)` whose bytes are a round's replies in the stash: fetched,
    /// not copied yet, and not where block status said zeros.
    private func fetchedOnly(_ start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        stashed.intersections(start, end).flatMap { d in
            covered.gaps(d.start, d.end).flatMap { g in stashedZeros.gaps(g.start, g.end) }
        }
    }

    /// The parts of `[start, end)` neither copied nor fetched by a round.
    private func missing(_ start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        covered.gaps(start, end).flatMap { g in
            stashed.gaps(g.start, g.end).flatMap { h in stashedZeros.gaps(h.start, h.end) }
        }
    }

    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> String { hexString(SHA256.hash(data: bytes)) }

    /// A region to hash: its range and the zero runs inside it.
    struct HashJob: Sendable {
        var start: UInt64
        var end: UInt64
        var zeroRuns: [(start: UInt64, end: UInt64)]
    }

    /// SHA-256 of one region of the shadow `fd`; nil when the shadow cannot be read.
    private static func sha256(fd: Int32, job: HashJob) -> String? {
        // No larger than the region (most are a sector or a few KiB).
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(min(UInt64(zeroBlock.count), max(job.end - job.start, 1))),
                                                            alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var pos = job.start
        func feedData(upTo limit: UInt64) -> Bool {
            while pos < limit {
                let n = Int(min(UInt64(buffer.count), limit - pos))
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
                guard let got = try? FileDescriptor(rawValue: fd).read(into: slice, at: pos), got > 0 else { return false }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
                pos += UInt64(got)
            }
            return true
        }
        for run in job.zeroRuns {
            guard feedData(upTo: run.start) else { return nil }
            while pos < run.end {
                let n = Int(min(UInt64(zeroBlock.count), run.end - pos))
                zeroBlock.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                pos += UInt64(n)
            }
        }
        guard feedData(upTo: job.end) else { return nil }
        return hexString(hasher.finalize())
    }

    /// Copies what a round fetched of `[start, end)` into the shadow (zero extents are
    /// marked copied, as `dataPieces` marks them) and returns the parts still to read
    /// from the volume, as `dataPieces` would.
    private func fromStash(_ start: UInt64, _ end: UInt64) throws(ProbeError) -> [(start: UInt64, end: UInt64)] {
        guard !stash.isEmpty || !stashedZeros.ranges.isEmpty else { return dataPieces(start, end) }
        for z in stashedZeros.intersections(start, end) {
            covered.insert(z.start, z.end)
            zeros.insert(z.start, z.end)
        }
        var rest: [(start: UInt64, end: UInt64)] = []
        for g in covered.gaps(start, end) {
            for d in stashed.intersections(g.start, g.end) {
                // Straight from the replies' memory.
                try stashedPieces(d.start, d.end) { (at, raw) throws(ProbeError) in try shadow.write(raw, at: at) }
                covered.insert(d.start, d.end)
            }
            rest += covered.gaps(g.start, g.end)
        }
        return rest.flatMap { dataPieces($0.start, $0.end) }
    }

    /// Calls `body` with each part of `[start, end)` — all of it stashed — and where it
    /// starts, in order, straight from the replies that hold them.
    private func stashedPieces(_ start: UInt64, _ end: UInt64,
                               _ body: (UInt64, UnsafeRawBufferPointer) throws(ProbeError) -> Void) throws(ProbeError) {
        var pos = start
        while pos < end {
            guard let piece = stash.first(where: { $0.offset <= pos && pos - $0.offset < UInt64($0.bytes.count) }) else {
                throw ProbeError(kind: .shadow, operation: "stash", message: "the bytes at \(pos) were not fetched")
            }
            let upTo = min(end, piece.offset + UInt64(piece.bytes.count))
            try piece.bytes.withUnsafeBytes { (raw) throws(ProbeError) in
                try body(pos, UnsafeRawBufferPointer(rebasing: raw[Int(pos - piece.offset)..<Int(upTo - piece.offset)]))
            }
            pos = upTo
        }
    }

    /// The parts of `[start, end)` that must be read: all of it, minus the extents block
    /// status reports as reading zeros (those are marked copied at once — the shadow is
    /// already zero there). Without block status, or when it fails, everything is read.
    private func dataPieces(_ start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        guard volume.supportsBlockStatus else { return [(start, end)] }
        var pieces: [(start: UInt64, end: UInt64)] = []
        var pos = start
        while pos < end {
            guard let extents = try? volume.extents(offset: pos, length: end - pos), !extents.isEmpty else { break }
            var advanced = false
            for e in extents {
                let s = max(e.offset, pos), t = min(e.end, end)
                guard s == pos, t > s else { continue }
                if e.zero {
                    covered.insert(s, t)
                    zeros.insert(s, t)
                } else if let last = pieces.last, last.end == s {
                    pieces[pieces.count - 1].end = t
                } else {
                    pieces.append((s, t))
                }
                pos = t
                advanced = true
            }
            if !advanced { break }
        }
        if pos < end { pieces.append((pos, end)) }
        return pieces
    }

    private func record(_ region: RegionRead) {
        if let i = regions.firstIndex(where: { $0.offset == region.offset && $0.length == region.length }) {
            if !regions[i].purpose.split(separator: ",").map({ $0.trimmingWhitespace() }).contains(region.purpose) {
                regions[i].purpose += ", " + region.purpose
            }
        } else {
            regions.append(region)
        }
    }

    private func recordUnreadable(_ range: ByteRange) {
        if !unreadable.contains(where: { $0.offset == range.offset && $0.length == range.length }) {
            unreadable.append(range)
        }
    }
}

/// A set of half-open byte ranges, kept sorted and merged.
struct IntervalSet {
    private(set) var ranges: [(start: UInt64, end: UInt64)] = []

    /// Adds `[start, end)`, merging with touching or overlapping ranges.
    mutating func insert(_ start: UInt64, _ end: UInt64) {
        guard start < end else { return }
        var merged = (start: start, end: end)
        var kept: [(start: UInt64, end: UInt64)] = []
        for r in ranges {
            if r.end < merged.start || r.start > merged.end {
                kept.append(r)
            } else {
                merged = (min(merged.start, r.start), max(merged.end, r.end))
            }
        }
        kept.append(merged)
        ranges = kept.sorted { $0.start < $1.start }
    }

    /// The parts of `[start, end)` not in the set.
    func gaps(_ start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        var result: [(start: UInt64, end: UInt64)] = []
        var pos = start
        for r in ranges where r.end > pos && r.start < end {
            if r.start > pos { result.append((pos, r.start)) }
            pos = max(pos, r.end)
        }
        if pos < end { result.append((pos, end)) }
        return result
    }

    /// The parts of `[start, end)` in the set, in order.
    func intersections(_ start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        ranges.compactMap { r in
            let s = max(r.start, start), t = min(r.end, end)
            return s < t ? (s, t) : nil
        }
    }
}

/// One result slot per hash job, each written by exactly one `concurrentPerform` iteration.
private final class HashSlots: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<String?>

    init(count: Int) {
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ value: String?) { slots[index] = value }
    func get(_ index: Int) -> String? { slots[index] }
}
