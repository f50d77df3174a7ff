import BlockAccess
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads every expected canary location of one destination volume and classifies it
/// (docs/CANARY.md, "What verify reports"). Holes reported by block status are answered
/// without a read. Where a block is missing, the volume is searched only as far as needed
/// to attribute a shift: a few windows around missing locations, then the predicted place
/// of every missing block (a block knows its own offset, so the shift is computed directly).
public enum CanaryScanner {
    /// How far around a missing location the volume is searched for displaced blocks.
    public static let searchWindow: UInt64 = 8 << 20
    /// How many missing locations are searched around (the rest use the shifts found).
    static let searchedLocations = 3

    /// What one location holds.
    enum Observation: Equatable {
        case own
        case foreign(disk: String, offset: UInt64, inferred: Bool)
        case shifted(Int64)
        case notWritten(pastEnd: Bool)
        case stale(found: UInt32, expected: UInt32)
        case mismatch(String)
        case unread

        var missing: Bool {
            switch self {
            case .notWritten(pastEnd: false): true
            case .mismatch(let reason): reason == Reason.otherData || reason == Reason.badSeal
            default: false
            }
        }
    }

    struct ForeignCandidate: Hashable {
        var disk: String
        var shift: Int64
    }

    enum Reason {
        static let otherData = "other data"
        static let badSeal = "the HMAC does not hold"
    }

    /// Scans `volume` as the volume of `disk` of `manifest`.
    public static func scan(_ volume: any Volume, disk: CanaryManifest.Disk, manifest: CanaryManifest) -> CanaryDiskResult {
        let started = ContinuousClock.now
        var scan = Scan(volume: volume, disk: disk, manifest: manifest)
        scan.run()
        var result = scan.result()
        let elapsed = (ContinuousClock.now - started).components
        result.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return result
    }

    struct Scan {
        let volume: any Volume
        let disk: CanaryManifest.Disk
        let manifest: CanaryManifest
        let key: SymmetricKey
        let locations: [CanaryLocation]
        var observations: [Observation]
        /// Zero ranges from block status, sorted, coalesced.
        var zeros: [(start: UInt64, end: UInt64)] = []
        var sealFailures = 0
        var sealed = 0
        var holesSkipped = 0
        var blocksRead = 0
        var error: String?
        var extents: [CanaryForeignExtent] = []
        /// Disk key → its canary offsets, derived once per scan.
        var offsetsByDisk: [String: Set<UInt64>] = [:]
        /// Another disk's blocks met while searching around missing locations.
        var foreignHits: Set<ForeignCandidate> = []
        var buffer = [UInt8](repeating: 0, count: CanaryBlock.size)

        init(volume: any Volume, disk: CanaryManifest.Disk, manifest: CanaryManifest) {
            self.volume = volume
            self.disk = disk
            self.manifest = manifest
            key = manifest.secretKey
            locations = manifest.layout(of: disk).blocks
            observations = Array(repeating: .notWritten(pastEnd: false), count: locations.count)
        }

        var size: UInt64 { volume.sizeBytes }

        mutating func canaryOffsets(of other: CanaryManifest.Disk) -> Set<UInt64> {
            if let known = offsetsByDisk[other.key] { return known }
            let offsets = Set(manifest.layout(of: other).blocks.map(\.offset))
            offsetsByDisk[other.key] = offsets
            return offsets
        }

        mutating func run() {
            mapZeros()
            for (index, location) in locations.enumerated() {
                observations[index] = observe(location)
            }
            attributeShifts()
            inferForeignExtents()
        }

        // MARK: Reading

        mutating func mapZeros() {
            guard volume.supportsBlockStatus else { return }
            var offset: UInt64 = 0
            var requests = 0
            while offset < size, requests < 1_000_000 {
                requests += 1
                let extents: [Extent]
                do { extents = try volume.extents(offset: offset, length: min(size - offset, 1 << 30)) } catch {
                    zeros = []  // without a complete map every location is read
                    return
                }
                guard let last = extents.last, last.end > offset else { break }
                for e in extents where e.zero || e.hole {
                    let start = max(e.offset, offset), end = min(e.end, size)
                    guard start < end else { continue }
                    if let previous = zeros.last, previous.end == start {
                        zeros[zeros.count - 1].end = end
                    } else {
                        zeros.append((start, end))
                    }
                }
                offset = last.end
            }
        }

        /// Whether `[offset, offset+4096)` lies inside a zero range.
        func isZero(_ offset: UInt64) -> Bool {
            var lo = 0, hi = zeros.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if zeros[mid].end <= offset { lo = mid + 1 } else { hi = mid }
            }
            return lo < zeros.count && zeros[lo].start <= offset && zeros[lo].end >= offset + UInt64(CanaryBlock.size)
        }

        /// Reads the block at `offset`; nil (and `error` set) when the read fails.
        mutating func read(_ offset: UInt64) -> CanaryBlock.Reading? {
            blocksRead += 1
            var failure: VolumeError?
            let reading = buffer.withUnsafeMutableBytes { raw -> CanaryBlock.Reading? in
                do throws(VolumeError) { try volume.read(into: raw, at: offset) } catch {
                    failure = error
                    return nil
                }
                return CanaryBlock.read(UnsafeRawBufferPointer(raw), secret: key)
            }
            if let failure, error == nil { error = "reading byte \(offset): \(failure.description)" }
            return reading
        }

        mutating func observe(_ location: CanaryLocation) -> Observation {
            let offset = location.offset
            guard offset + UInt64(CanaryBlock.size) <= size else { return .notWritten(pastEnd: true) }
            if isZero(offset) {
                holesSkipped += 1
                return .notWritten(pastEnd: false)
            }
            guard let reading = read(offset) else { return .unread }
            return classify(reading, at: offset)
        }

        mutating func classify(_ reading: CanaryBlock.Reading, at offset: UInt64) -> Observation {
            switch reading {
            case .zeros: return .notWritten(pastEnd: false)
            case .otherData: return .mismatch(Reason.otherData)
            case .badSeal:
                sealFailures += 1
                return .mismatch(Reason.badSeal)
            case .block(let block):
                sealed += 1
                guard block.vm == manifest.vm.name else { return .mismatch("a canary block of VM \(block.vm)") }
                if block.disk != disk.key {
                    guard let other = manifest.disk(block.disk) else {
                        return .mismatch("a canary block of disk \(block.disk), which the manifest does not list")
                    }
                    guard canaryOffsets(of: other).contains(block.offset) else {
                        return .mismatch("a block naming disk \(block.disk) at byte \(block.offset), where that disk has no canary")
                    }
                    return .foreign(disk: block.disk, offset: block.offset, inferred: false)
                }
                if block.offset != offset {
                    return .shifted(Int64(bitPattern: offset &- block.offset))
                }
                let expected = disk.generations.of(offset)
                if block.generation == expected { return .own }
                if block.generation < expected { return .stale(found: block.generation, expected: expected) }
                return .mismatch("generation \(block.generation), newer than the manifest's \(expected): the manifest is older than the copy")
            }
        }

        // MARK: Shifts

        /// Finds the displaced blocks of missing locations: shifts seen directly, else a search
        /// around a few missing locations; then every missing block at its predicted place.
        mutating func attributeShifts() {
            let missing = observations.indices.filter { observations[$0].missing }
            guard !missing.isEmpty else { return }
            var shifts: [Int64: Int] = [:]
            for case .shifted(let s) in observations { shifts[s, default: 0] += 1 }
            if shifts.isEmpty {
                let picks = Set([missing.first!, missing[missing.count / 2], missing.last!]).sorted().prefix(CanaryScanner.searchedLocations)
                for index in picks {
                    for s in search(around: locations[index].offset) { shifts[s, default: 0] += 1 }
                }
            }
            let candidates = shifts.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.prefix(4).map(\.key)
            guard !candidates.isEmpty else { return }
            for index in missing {
                let expected = locations[index].offset
                for s in candidates {
                    let (moved, overflow) = Int64(expected).addingReportingOverflow(s)
                    guard !overflow, moved >= 0, UInt64(moved) + UInt64(CanaryBlock.size) <= size,
                          !isZero(UInt64(moved)), let reading = read(UInt64(moved)) else { continue }
                    if case .block(let block) = reading, block.vm == manifest.vm.name, block.disk == disk.key, block.offset == expected {
                        sealed += 1
                        observations[index] = .shifted(s)
                        break
                    }
                }
            }
        }

        /// Shifts of this disk's own blocks found within `searchWindow` of `offset`: the data
        /// ranges of the window (holes skipped) are read in 1 MiB pieces and every 512-byte
        /// boundary is looked at for the magic.
        mutating func search(around offset: UInt64) -> [Int64] {
            let low = offset >= CanaryScanner.searchWindow ? offset - CanaryScanner.searchWindow : 0
            let high = min(size, offset + CanaryScanner.searchWindow + UInt64(CanaryBlock.size))
            var data: [(start: UInt64, end: UInt64)] = []
            var cursor = low
            for zero in zeros where zero.end > low && zero.start < high {
                if zero.start > cursor { data.append((cursor, zero.start)) }
                cursor = max(cursor, zero.end)
            }
            if cursor < high { data.append((cursor, high)) }
            var found: [Int64] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            let block = UInt64(CanaryBlock.size)
            for range in data {
                // A block may start in a hole's last 4 KiB only if the hole is not whole zeros; start a block early.
                var position = (range.start >= block ? range.start - block : 0) / 512 * 512
                while position + 8 <= range.end {
                    let length = Int(min(UInt64(chunk.count), size - position))
                    guard length >= 8 else { break }
                    var failed = false
                    chunk.withUnsafeMutableBytes { raw in
                        do throws(VolumeError) {
                            try volume.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<length]), at: position)
                        } catch { failed = true }
                    }
                    blocksRead += max(1, length / CanaryBlock.size)
                    if failed { return found }
                    var hits: [UInt64] = []
                    chunk.withUnsafeBytes { raw in
                        var at = 0
                        while at + 8 <= length {
                            if raw[at] == 0x52, raw.loadUnaligned(fromByteOffset: at, as: UInt64.self) == Self.magicWord {
                                hits.append(position + UInt64(at))
                            }
                            at += 512
                        }
                    }
                    for hit in hits where hit + block <= size {
                        guard let reading = read(hit), case .block(let found1) = reading, found1.vm == manifest.vm.name else { continue }
                        if found1.disk == disk.key {
                            if found1.offset != hit { found.append(Int64(bitPattern: hit &- found1.offset)) }
                        } else if manifest.disk(found1.disk) != nil {
                            // Another disk's image, off this disk's grid: confirmed later, block by block.
                            foreignHits.insert(ForeignCandidate(disk: found1.disk, shift: Int64(bitPattern: hit &- found1.offset)))
                        }
                    }
                    // The next piece starts one block before this one ends, so a block across the boundary is read whole.
                    let advance = UInt64(length) > block ? UInt64(length) - block : UInt64(length)
                    position += advance
                    if position >= range.end { break }
                }
            }
            return found
        }

        static let magicWord: UInt64 = CanaryBlock.magic.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }

        // MARK: Another disk's image

        /// Bounds each other disk's image on the volume by its blocks, and attributes to it the
        /// missing locations inside those bounds.
        mutating func inferForeignExtents() {
            let grouped = foreignExtents()
            let seen = grouped.map { ForeignCandidate(disk: $0.fromDisk, shift: $0.shiftBytes) }
            let searched = foreignHits.subtracting(seen).sorted { ($0.disk, $0.shift) < ($1.disk, $1.shift) }
            // Each image is confirmed block by block (at most four; the rest keep the bounds their blocks on this disk's grid give).
            for (index, candidate) in (seen + searched).enumerated() {
                if index < 4, let extent = confirm(candidate) {
                    extents.append(extent)
                } else if index < grouped.count {
                    extents.append(grouped[index])
                }
            }
        }

        /// Another disk's image found only by the search (its blocks fall between this disk's
        /// locations): every block of that disk is looked for at its offset plus the shift; the
        /// image spans from the first to the last found, up to the nearest missing ones, and the
        /// missing locations of this disk inside it are attributed to it.
        mutating func confirm(_ candidate: ForeignCandidate) -> CanaryForeignExtent? {
            guard let other = manifest.disk(candidate.disk) else { return nil }
            let s = candidate.shift, block = UInt64(CanaryBlock.size)
            var placed: [(at: UInt64, found: Bool)] = []
            for location in manifest.layout(of: other).blocks {
                let (moved, overflow) = Int64(location.offset).addingReportingOverflow(s)
                guard !overflow, moved >= 0, UInt64(moved) + block <= size else { continue }
                let at = UInt64(moved)
                var found = false
                if !isZero(at), let reading = read(at), case .block(let b) = reading {
                    found = b.vm == manifest.vm.name && b.disk == other.key && b.offset == location.offset
                }
                placed.append((at, found))
            }
            guard let first = placed.firstIndex(where: \.found), let last = placed.lastIndex(where: \.found) else { return nil }
            var low = UInt64(max(0, s)), high = UInt64(max(0, min(Int64(clamping: size), s + Int64(clamping: other.capacityBytes))))
            if let before = placed[..<first].last { low = max(low, before.at + block) }
            if let after = placed[(last + 1)...].first(where: { !$0.found }) { high = min(high, after.at) }
            guard low < high else { return nil }
            for index in observations.indices where observations[index].missing {
                let e = locations[index].offset, source = Int64(e) - s
                if e >= low, e + block <= high, source >= 0, UInt64(source) < other.capacityBytes {
                    observations[index] = .foreign(disk: other.key, offset: UInt64(source), inferred: true)
                }
            }
            return CanaryForeignExtent(fromDisk: other.key, start: low, end: high, shiftBytes: s,
                                       blocks: placed.filter(\.found).count)
        }

        mutating func foreignExtents() -> [CanaryForeignExtent] {
            var groups: [String: (disk: String, shift: Int64, indices: [Int])] = [:]
            for (index, observation) in observations.enumerated() {
                guard case .foreign(let other, let offset, false) = observation else { continue }
                let shift = Int64(bitPattern: locations[index].offset &- offset)
                groups["\(other) \(shift)", default: (other, shift, [])].indices.append(index)
            }
            var extents: [CanaryForeignExtent] = []
            for group in groups.values.sorted(by: { $0.indices[0] < $1.indices[0] }) {
                guard let other = manifest.disk(group.disk) else { continue }
                let theirs = canaryOffsets(of: other)
                let s = group.shift
                var low = UInt64(max(0, s))
                var high = UInt64(max(0, min(Int64(clamping: size), s + Int64(clamping: other.capacityBytes))))
                let first = group.indices.first!, last = group.indices.last!
                // A location where their image would have a block, holding something else, bounds the image.
                for index in observations.indices {
                    let e = locations[index].offset
                    let source = Int64(e) - s
                    guard source >= 0, theirs.contains(UInt64(source)) else { continue }
                    if case .foreign(group.disk, UInt64(source), false) = observations[index] { continue }
                    if index < first { low = max(low, e + UInt64(CanaryBlock.size)) }
                    if index > last { high = min(high, e) }
                }
                guard low < high else { continue }
                extents.append(CanaryForeignExtent(fromDisk: group.disk, start: low, end: high, shiftBytes: s, blocks: group.indices.count))
                do {
                    for index in observations.indices where observations[index].missing {
                        let e = locations[index].offset
                        let source = Int64(e) - s
                        if e >= low, e + UInt64(CanaryBlock.size) <= high, source >= 0, UInt64(source) < other.capacityBytes {
                            observations[index] = .foreign(disk: group.disk, offset: UInt64(source), inferred: true)
                        }
                    }
                }
            }
            return extents
        }

        // MARK: Result

        mutating func result() -> CanaryDiskResult {
            var result = CanaryDiskResult(key: disk.key, expectedBlocks: locations.count, volumeBytes: size)
            result.foreignExtents = extents
            var current: CanaryRange?
            for (index, observation) in observations.enumerated() {
                let e = locations[index].offset
                var range = CanaryRange(kind: .own, start: e, end: e + UInt64(CanaryBlock.size), count: 1)
                switch observation {
                case .own: break
                case .foreign(let other, let offset, let inferred):
                    range.kind = .otherDisk
                    range.fromDisk = other
                    range.sourceStart = offset
                    range.shiftBytes = Int64(bitPattern: e &- offset)
                    range.inferred = inferred ? true : nil
                case .shifted(let s):
                    range.kind = .shifted
                    range.shiftBytes = s
                case .notWritten(let pastEnd):
                    range.kind = .notWritten
                    range.pastEnd = pastEnd ? true : nil
                case .stale(let found, let expected):
                    range.kind = .stale
                    range.generation = found
                    range.expectedGeneration = expected
                case .mismatch(let reason):
                    range.kind = .mismatch
                    range.reason = reason
                case .unread:
                    range.kind = .unread
                }
                result.counts[range.kind.rawValue, default: 0] += 1
                if var open = current, open.kind == range.kind, open.fromDisk == range.fromDisk, open.shiftBytes == range.shiftBytes,
                   open.inferred == range.inferred, open.generation == range.generation,
                   open.expectedGeneration == range.expectedGeneration, open.pastEnd == range.pastEnd, open.reason == range.reason {
                    open.end = range.end
                    open.count += 1
                    current = open
                } else {
                    if let open = current { result.ranges.append(open) }
                    current = range
                }
            }
            if let open = current { result.ranges.append(open) }
            result.sealFailures = sealFailures
            result.sealed = sealed
            result.holesSkipped = holesSkipped
            result.blocksRead = blocksRead
            result.error = error
            return result
        }
    }
}
