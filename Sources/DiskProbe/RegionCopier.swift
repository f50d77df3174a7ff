import BlockAccess
import Foundation
import Crypto

/// Copies regions of a volume into the shadow file, reading each byte from the volume at
/// most once and skipping extents that block status reports as zeros, and keeps the ledger: every region with its SHA-256 and purpose, and every
/// range that could not be read, with the error.
final class RegionCopier {
    let volume: any Volume
    let shadow: ShadowFile
    private(set) var regions: [RegionRead] = []
    private(set) var unreadable: [ByteRange] = []
    /// Ranges copied successfully, sorted, non-overlapping, half-open.
    private var covered: [(start: UInt64, end: UInt64)] = []
    /// The largest single read sent to the volume.
    private let chunkBytes: UInt64 = 4 << 20

    init(volume: any Volume, shadow: ShadowFile) {
        self.volume = volume
        self.shadow = shadow
    }

    /// Copies `[offset, offset+length)`, clamped to the volume, and records it under
    /// `purpose`. Returns the bytes, or nil when any part could not be read (the failure is
    /// recorded in `unreadable`) or the range lies outside the volume.
    @discardableResult
    func copy(offset: UInt64, length: UInt64, purpose: String) throws(ProbeError) -> [UInt8]? {
        guard offset < volume.sizeBytes, length > 0 else { return nil }
        let end = offset + min(length, volume.sizeBytes - offset)
        var failed = false
        for gap in gaps(offset, end) {
            for piece in dataPieces(gap.start, gap.end) {
                var pos = piece.start
                while pos < piece.end {
                    let n = min(chunkBytes, piece.end - pos)
                    do {
                        let bytes = try volume.read(at: pos, count: Int(n))
                        try shadow.write(bytes, at: pos)
                        markCovered(pos, pos + n)
                    } catch let error as VolumeError {
                        recordUnreadable(ByteRange(offset: pos, length: n, error: error.description))
                        failed = true
                    } catch let error as ProbeError {
                        throw error
                    } catch {
                        throw ProbeError(kind: .shadow, operation: "copy", message: "\(error)")
                    }
                    pos += n
                }
            }
        }
        if failed || !isCovered(offset, end) { return nil }
        let bytes = try shadow.read(at: offset, count: Int(end - offset))
        record(RegionRead(offset: offset, length: end - offset, sha256: RegionCopier.sha256(bytes), purpose: purpose))
        return bytes
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
                    markCovered(s, t)
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

    /// Bytes already copied, from the shadow; nil when any part was not copied.
    func bytes(offset: UInt64, count: Int) throws(ProbeError) -> [UInt8]? {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= volume.sizeBytes, isCovered(offset, end) else { return nil }
        return try shadow.read(at: offset, count: count)
    }

    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> String { hexString(SHA256.hash(data: bytes)) }

    private func record(_ region: RegionRead) {
        if let i = regions.firstIndex(where: { $0.offset == region.offset && $0.length == region.length }) {
            if !regions[i].purpose.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).contains(region.purpose) {
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

    private func gaps(_ start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        var result: [(start: UInt64, end: UInt64)] = []
        var pos = start
        for c in covered where c.end > pos && c.start < end {
            if c.start > pos { result.append((pos, c.start)) }
            pos = max(pos, c.end)
        }
        if pos < end { result.append((pos, end)) }
        return result
    }

    private func isCovered(_ start: UInt64, _ end: UInt64) -> Bool { gaps(start, end).isEmpty }

    private func markCovered(_ start: UInt64, _ end: UInt64) {
        var merged = (start: start, end: end)
        var kept: [(start: UInt64, end: UInt64)] = []
        for c in covered {
            if c.end < merged.start || c.start > merged.end {
                kept.append(c)
            } else {
                merged = (min(merged.start, c.start), max(merged.end, c.end))
            }
        }
        kept.append(merged)
        covered = kept.sorted { $0.start < $1.start }
    }
}
