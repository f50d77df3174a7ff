import AuditCore
import BlockAccess
import Crypto
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The sampled content check behind `verify --content sample` and `capture`: a seeded,
/// deterministic set of blocks, hashed with SHA-256, compared against a live source or a
/// recorded baseline.
///
/// The plan has three parts:
/// - the first and last MiB of the disk and of every partition (labels, superblocks,
///   backup GPTs — where a foreign disk's layout shows first);
/// - **stride blocks**: a 16 KiB block every `strideBytes` (32 MiB by default) of
///   *allocated* data, starting at a seeded phase. Guarantee: any run of at least
///   `strideBytes` bytes that the source reports allocated (holes skipped when counting)
///   contains the start of a stride block. So a 64 MiB region of foreign data written
///   anywhere into allocated data contains at least one whole stride block (two starts
///   fall in it, and the first is at most 32 MiB in), and is caught unless the foreign
///   bytes equal the source's bytes over that entire block. Stride blocks are small
///   because they only have to land inside the region: a fully allocated 115 GiB disk
///   costs 3680 × 16 KiB = 58 MiB of reads per side. On disks with more than
///   `maxStrideBlocks × strideBytes` allocated (128 GiB by default) the stride widens,
///   and the sample records the stride it used;
/// - **random blocks**: `randomBlocks` blocks drawn uniformly over the allocated bytes,
///   for an unbiased estimate on top of the guarantee.
///
/// The seed, block size and stride are recorded, so the same plan can be re-read later.
public enum ContentSampler {
    /// A fresh random seed for a new sample.
    public static func randomSeed() -> UInt64 { UInt64.random(in: 1...UInt64.max) }

    /// The blocks to sample on a volume of `sizeBytes` with these partitions and allocated
    /// extents (extents flagged zero are ignored; pass one data extent covering the disk
    /// when allocation is unknown). Deterministic: same inputs, same plan. Sorted by offset.
    public static func plan(sizeBytes: UInt64, partitions: [Partition], allocated: [Extent], seed: UInt64,
                            options: SamplePlanOptions = SamplePlanOptions()) -> SamplePlan {
        plan(sizeBytes: sizeBytes, partitions: partitions, allocation: AllocationMap(extents: allocated),
             seed: seed, options: options)
    }

    static func plan(sizeBytes: UInt64, partitions: [Partition], allocation: AllocationMap, seed: UInt64,
                     options: SamplePlanOptions) -> SamplePlan {
        var blocks: [PlannedBlock] = []
        let block = UInt64(max(options.blockBytes, 512))
        let strideBlock = UInt64(max(options.strideBlockBytes, 512))
        func add(_ offset: UInt64, _ length: UInt64, _ purpose: String) {
            guard sizeBytes > 0 else { return }
            let length = min(length, sizeBytes)
            let start = min(offset, sizeBytes - length)
            blocks.append(PlannedBlock(offset: start, length: Int(length), purpose: purpose))
        }
        let edge = UInt64(max(options.edgeBytes, 512))
        add(0, edge, "disk head")
        if sizeBytes > edge { add(sizeBytes - edge, edge, "disk tail") }
        for p in partitions where p.startBytes < sizeBytes && p.sizeBytes > 0 {
            let end = min(p.startBytes + p.sizeBytes, sizeBytes)
            let length = end - p.startBytes
            add(p.startBytes, min(edge, length), "partition \(p.number) head")
            if length > edge { add(end - edge, edge, "partition \(p.number) tail") }
        }

        var rng = SeededGenerator(seed: seed)
        let total = allocation.totalBytes
        var stride = max(options.strideBytes, strideBlock)
        if total > 0 {
            let needed = (total + UInt64(max(options.maxStrideBlocks, 1)) - 1) / UInt64(max(options.maxStrideBlocks, 1))
            stride = max(stride, (needed + strideBlock - 1) / strideBlock * strideBlock)
            var position = rng.below(min(stride, total))
            while position < total {
                add(allocation.diskOffset(ofAllocated: position) / 4096 * 4096, strideBlock, "stride")
                position += stride
            }
            for _ in 0..<max(options.randomBlocks, 0) {
                let offset = allocation.diskOffset(ofAllocated: rng.below(total))
                add(offset / block * block, block, "random")
            }
        }
        blocks.sort { ($0.offset, $0.length) < ($1.offset, $1.length) }
        var unique: [PlannedBlock] = []
        for b in blocks where unique.last.map({ $0.offset != b.offset || $0.length != b.length }) ?? true {
            unique.append(b)
        }
        return SamplePlan(blocks: unique, strideBytes: stride, blockBytes: Int(block))
    }

    /// Samples `volume`: reads its allocation (block status), plans with the partitions of
    /// `probe` (when given) and `seed`, and hashes every planned block with pipelined reads.
    /// Blocks that cannot be read are listed in `unreadable`, never silently dropped.
    public static func sample(volume: any Volume, probe: ProbeResult?, seed: UInt64,
                              options: SamplePlanOptions = SamplePlanOptions()) -> ContentSample {
        let allocation: AllocationMap
        do throws(VolumeError) {
            allocation = try AllocationMap.read(volume)
        } catch {
            // Unknown allocation: treat the whole disk as data (never skip what we cannot see).
            allocation = AllocationMap(extents: [Extent(offset: 0, length: volume.sizeBytes, hole: false, zero: false)])
        }
        let plan = plan(sizeBytes: volume.sizeBytes, partitions: probe?.partitions ?? [], allocation: allocation,
                        seed: seed, options: options)
        var hashes = [String?](repeating: nil, count: plan.blocks.count)
        var unreadable: [ByteRange] = []
        _ = BlockReader.read(plan.blocks, from: volume, cancellation: nil) { index, outcome in
            switch outcome {
            case .success(let bytes): hashes[index] = sha256Hex(bytes)
            case .failure(let error):
                let b = plan.blocks[index]
                unreadable.append(ByteRange(offset: b.offset, length: UInt64(b.length), error: "\(error)"))
            }
        }
        let blocks = plan.blocks.indices.compactMap { i in
            hashes[i].map { SampledBlock(offset: plan.blocks[i].offset, length: plan.blocks[i].length, sha256: $0,
                                         purpose: plan.blocks[i].purpose) }
        }
        return ContentSample(seed: seed, blockBytes: plan.blockBytes, strideBytes: plan.strideBytes,
                             sizeBytes: volume.sizeBytes, volume: volume.displayName, blocks: blocks,
                             unreadable: unreadable.sorted { $0.offset < $1.offset })
    }

    /// Reads the same blocks from `target` and compares their hashes with `expected`.
    /// Returns a `content-mismatch` finding (critical; evidence: offsets, both hashes, seed)
    /// when any block differs, and an `unreadable-region` finding (warning, evidence
    /// `"inconclusive": true`) for blocks that could not be read on either side.
    public static func verify(target: any Volume, expected: ContentSample) -> [Finding] {
        check(target: target, expected: expected).findings
    }

    /// `verify`, with the details: blocks compared, every mismatch, every unreadable block.
    public static func check(target: any Volume, expected: ContentSample) -> SampleCheck {
        var mismatches: [SampleMismatch] = []
        var unreadable = expected.unreadable.map {
            ByteRange(offset: $0.offset, length: $0.length, error: "source: " + ($0.error ?? "unreadable"))
        }
        let inside = expected.blocks.filter { $0.offset + UInt64($0.length) <= target.sizeBytes }
        for b in expected.blocks where b.offset + UInt64(b.length) > target.sizeBytes {
            mismatches.append(SampleMismatch(offset: b.offset, length: b.length, purpose: b.purpose,
                                             expectedSHA256: b.sha256, actualSHA256: nil))
        }
        let planned = inside.map { PlannedBlock(offset: $0.offset, length: $0.length, purpose: $0.purpose) }
        _ = BlockReader.read(planned, from: target, cancellation: nil) { index, outcome in
            let b = inside[index]
            switch outcome {
            case .success(let bytes):
                let actual = sha256Hex(bytes)
                if actual != b.sha256 {
                    mismatches.append(SampleMismatch(offset: b.offset, length: b.length, purpose: b.purpose,
                                                     expectedSHA256: b.sha256, actualSHA256: actual))
                }
            case .failure(let error):
                unreadable.append(ByteRange(offset: b.offset, length: UInt64(b.length), error: "target: \(error)"))
            }
        }
        mismatches.sort { $0.offset < $1.offset }
        unreadable.sort { $0.offset < $1.offset }
        return SampleCheck(seed: expected.seed, blockBytes: expected.blockBytes, strideBytes: expected.strideBytes,
                           blocksCompared: expected.blocks.count, mismatches: mismatches, unreadable: unreadable)
    }

    /// Samples `source` and checks `target` against it: the live-source form of the check.
    public static func compare(source: any Volume, target: any Volume, probe: ProbeResult?, seed: UInt64,
                               options: SamplePlanOptions = SamplePlanOptions()) -> SampleCheck {
        check(target: target, expected: sample(volume: source, probe: probe, seed: seed, options: options))
    }

    /// SHA-256 of `bytes` as lower-case hex.
    static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// The blocks a sample reads, and the stride and block size it used.
public struct SamplePlan: Sendable, Equatable {
    public var blocks: [PlannedBlock]
    public var strideBytes: UInt64
    public var blockBytes: Int
}

extension ContentSampler {
    /// Opens both targets, probes the source for its partitions, samples it with `seed`
    /// and checks the target: `compare --sample`. Throws only when a target cannot be opened.
    public static func compare(source: Target, target: Target, volumeOptions: VolumeOptions = VolumeOptions(),
                               seed: UInt64, cancellation: Cancellation? = nil,
                               options: SamplePlanOptions = SamplePlanOptions()) throws(VolumeError) -> SampleComparison {
        let started = ContinuousClock.now
        let s = try VolumeOpener.open(source, options: volumeOptions)
        defer { s.close() }
        let t = try VolumeOpener.open(target, options: volumeOptions)
        defer { t.close() }
        let probe = try? DiskProber.probe(s)
        let check = compare(source: s, target: t, probe: probe, seed: seed, options: options)
        let elapsed = ContinuousClock.now - started
        var findings = check.findings
        if t.sizeBytes < s.sizeBytes {
            findings.append(ComparisonFindings.targetSmaller(sourceBytes: s.sizeBytes, targetBytes: t.sizeBytes))
        }
        let status: CompareResult.Status = t.sizeBytes < s.sizeBytes ? .different : check.status
        return SampleComparison(source: s.displayName, target: t.displayName, sourceBytes: s.sizeBytes,
                                targetBytes: t.sizeBytes, status: status, check: check, findings: findings,
                                interrupted: cancellation?.isCancelled == true,
                                elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
