import AuditCore
import BlockAccess
import ContentCheck
import Crypto
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Where foreign content on a destination volume came from (issue 10): regions of the
/// volume that differ from its own source but are byte-identical to another disk's source,
/// at the same offset or another one. Both `--content sample` and `--content full` use it,
/// so the full comparison names at least what the sampled one names.
enum ContentAttribution {
    /// Another disk's source, as the attribution compares with it.
    struct Other {
        var key: String
        /// Its sample (baseline or live), when there is one.
        var sample: ContentSample?
        /// Its live volume target, when there is one.
        var source: Target?
        /// Its probe (partitions), for the shifts worth trying.
        var probe: ProbeResult?
    }

    /// The shifts (target offset − source offset) at which another disk's bytes plausibly
    /// land on this volume: the same offset, and one partition's start moved to another's
    /// (a partition or filesystem image copied into a partition of a different layout).
    static func shifts(own: ProbeResult?, other: ProbeResult?) -> [Int64] {
        let mine = [UInt64(0)] + (own?.partitions.map(\.startBytes) ?? [])
        let theirs = [UInt64(0)] + (other?.partitions.map(\.startBytes) ?? [])
        var result: [Int64] = [0]
        for a in mine {
            for b in theirs {
                let shift = Int64(bitPattern: a &- b)
                if !result.contains(shift) { result.append(shift) }
            }
        }
        return Array(result.prefix(16))
    }

    /// Most blocks re-read per other source for the same-offset check, and most bytes of
    /// differing extents compared per other source in full mode: bounded work per disk.
    static let maxBlocksReRead = 512
    static let maxFullBytes: UInt64 = 256 << 20
    static let maxReReadBytes: UInt64 = 96 << 20

    /// Regions whose sampled hash on the target equals a block of another source: any
    /// sampled block of another source (any offset), and, for live sources, the other
    /// source's bytes at the same offset as the target's differing block.
    static func fromSample(target: any Volume, mismatches: [SampleMismatch], own: ContentSample, ownProbe: ProbeResult?,
                           others: [Other], options: VolumeOptions) -> [ContentRegionMatch] {
        let differing = mismatches.filter { $0.actualSHA256 != nil }
        guard !differing.isEmpty else { return [] }
        // Content the own source has anywhere (zeros, repeated structures) says nothing about another disk.
        let common = Set(own.blocks.map(\.sha256))
        var zeroHashes: [Int: String] = [:]
        func isZero(_ hash: String, _ length: Int) -> Bool {
            if zeroHashes[length] == nil { zeroHashes[length] = sha256Hex([UInt8](repeating: 0, count: length)) }
            return zeroHashes[length] == hash
        }
        var index: [String: (key: String, offset: UInt64)] = [:]
        for other in others {
            for block in other.sample?.blocks ?? [] where index[block.sha256] == nil {
                index[block.sha256] = (other.key, block.offset)
            }
        }
        var found: [UInt64: ContentRegionMatch] = [:]
        for m in differing {
            guard let hash = m.actualSHA256, !isZero(hash, m.length), !common.contains(hash),
                  let hit = index[hash] else { continue }
            found[m.offset] = ContentRegionMatch(sourceDisk: hit.key, targetOffset: m.offset, sourceOffset: hit.offset,
                                                 length: UInt64(m.length), method: "sample")
        }
        // Every other live source at the same offset and at the partition shifts.
        for other in others {
            guard let source = other.source else { continue }
            guard differing.contains(where: { found[$0.offset] == nil }),
                  let volume = try? VolumeOpener.open(source, options: options) else { continue }
            defer { volume.close() }
            var budget = maxReReadBytes
            for shift in shifts(own: ownProbe, other: other.probe) {
                let pending = differing.filter { found[$0.offset] == nil }.prefix(maxBlocksReRead)
                for m in pending {
                    let at = Int64(bitPattern: m.offset) - shift
                    guard budget >= UInt64(m.length) else { break }
                    guard at >= 0, UInt64(at) + UInt64(m.length) <= volume.sizeBytes,
                          let hash = m.actualSHA256, !isZero(hash, m.length), !common.contains(hash),
                          let bytes = try? volume.read(at: UInt64(at), count: m.length) else { continue }
                    budget -= UInt64(m.length)
                    guard sha256Hex(bytes) == hash else { continue }
                    found[m.offset] = ContentRegionMatch(sourceDisk: other.key, targetOffset: m.offset, sourceOffset: UInt64(at),
                                                         length: UInt64(m.length), method: "sample")
                }
            }
        }
        return merge(found.values.sorted { $0.targetOffset < $1.targetOffset })
    }

    /// Regions of the differing extents that are byte-identical (and not all zeros) to
    /// another live source at the same offset, compared 512 bytes at a time.
    static func fromFull(target: any Volume, differences: [DifferingExtent], others: [Other],
                         options: VolumeOptions) -> [ContentRegionMatch] {
        var result: [ContentRegionMatch] = []
        let zeros = [UInt8](repeating: 0, count: 512)
        for other in others {
            guard let source = other.source, let volume = try? VolumeOpener.open(source, options: options) else { continue }
            defer { volume.close() }
            var budget = maxFullBytes
            var runStart: UInt64?
            var runEnd: UInt64 = 0
            func close() {
                if let start = runStart, runEnd - start >= 4096 {
                    result.append(ContentRegionMatch(sourceDisk: other.key, targetOffset: start, sourceOffset: start,
                                                     length: runEnd - start, method: "full"))
                }
                runStart = nil
            }
            for extent in differences {
                let end = min(extent.end, volume.sizeBytes, target.sizeBytes)
                var offset = extent.offset
                while offset < end, budget > 0 {
                    let count = Int(min(end - offset, 1 << 20, budget))
                    guard let a = try? target.read(at: offset, count: count),
                          let b = try? volume.read(at: offset, count: count) else { close(); break }
                    budget -= UInt64(count)
                    var i = 0
                    while i < count {
                        let n = min(512, count - i)
                        let same = a.withUnsafeBytes { pa in
                            b.withUnsafeBytes { pb in
                                memcmp(pa.baseAddress! + i, pb.baseAddress! + i, n) == 0
                                    && memcmp(pa.baseAddress! + i, zeros, n) != 0
                            }
                        }
                        let at = offset + UInt64(i)
                        if same {
                            if runStart == nil || runEnd != at { close(); runStart = at }
                            runEnd = at + UInt64(n)
                        } else {
                            close()
                        }
                        i += n
                    }
                    offset += UInt64(count)
                }
                close()
            }
        }
        return result
    }

    /// `regions` without those inside another region from the same disk at the same shift
    /// (a sampled block inside an extent the full comparison matched).
    static func withoutCovered(_ regions: [ContentRegionMatch]) -> [ContentRegionMatch] {
        func shift(_ r: ContentRegionMatch) -> Int64 { Int64(bitPattern: r.targetOffset &- r.sourceOffset) }
        return regions.enumerated().filter { index, r in
            !regions.enumerated().contains { other, o in
                other != index && o.sourceDisk == r.sourceDisk && shift(o) == shift(r) && o.length > r.length
                    && o.targetOffset <= r.targetOffset && r.targetOffset + r.length <= o.targetOffset + o.length
            }
        }.map(\.element)
    }

    /// Adjacent regions from one disk at one shift become one.
    static func merge(_ regions: [ContentRegionMatch]) -> [ContentRegionMatch] {
        var out: [ContentRegionMatch] = []
        for r in regions {
            if var last = out.last, last.sourceDisk == r.sourceDisk, last.method == r.method,
               last.targetOffset + last.length >= r.targetOffset,
               Int64(bitPattern: last.targetOffset &- last.sourceOffset) == Int64(bitPattern: r.targetOffset &- r.sourceOffset) {
                last.length = max(last.targetOffset + last.length, r.targetOffset + r.length) - last.targetOffset
                out[out.count - 1] = last
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// The sentence a `content-mismatch` gains when its foreign bytes were traced.
    static func sentence(_ regions: [ContentRegionMatch], describe: (String) -> String) -> String {
        let byDisk = Dictionary(grouping: regions, by: \.sourceDisk)
        return byDisk.keys.sorted().map { key in
            let list = byDisk[key] ?? []
            let bytes = list.reduce(UInt64(0)) { $0 + $1.length }
            let first = list.min { $0.targetOffset < $1.targetOffset }!
            return " \(list.count) differing region(s), \(ByteSize.human(bytes)) in all, are byte-identical to "
                + "\(describe(key))'s source (the first at offset \(first.targetOffset) of this volume, offset "
                + "\(first.sourceOffset) of disk \(key)): this volume carries disk \(key)'s data."
        }.joined()
    }

    static func sha256Hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in SHA256.hash(data: Array(bytes)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
