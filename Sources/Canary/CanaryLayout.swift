import AuditCore
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The layout of one canary disk, derived from its key, capacity and the manifest's seed
/// alone (docs/CANARY.md, "Layout"): a GPT with its own disk GUID, two to four partitions
/// whose count and sizes depend on the key, a FAT and an ext4 filesystem on small
/// partitions of disks large enough, and the byte offsets of every canary block.
public struct CanaryLayout: Sendable, Equatable {
    public static let mib: UInt64 = 1 << 20
    /// The largest stride between two canary blocks the format allows.
    public static let maxStride: UInt64 = 64 << 20
    /// The smallest disk a canary can be made of.
    public static let minCapacity: UInt64 = 8 << 20

    public var diskGUID: String
    public var partitions: [CanaryPartition]
    /// Every canary block of the disk, in ascending offset order.
    public var blocks: [CanaryLocation]

    /// The layout of disk `key` of `capacity` bytes under `seed`, with stride blocks every `stride` bytes.
    public static func derive(key: String, capacity: UInt64, seed: UInt64, stride: UInt64 = maxStride) -> CanaryLayout {
        var rng = SeededGenerator(seed: mix(seed: seed, key: key))
        let diskGUID = uuid(&rng)
        var partitions: [CanaryPartition] = []
        let firstUsable = mib
        let lastUsable = capacity - mib  // the last MiB holds the disk-end block and the backup GPT
        let available = (lastUsable - firstUsable) / mib  // whole MiB
        var next = firstUsable
        func add(_ sizeMiB: UInt64, filesystem: CanaryPartition.Filesystem?) {
            let number = partitions.count + 1
            partitions.append(CanaryPartition(
                number: number, startBytes: next, sizeBytes: sizeMiB * mib, uuid: uuid(&rng),
                name: "canary-\(key)-\(number)", filesystem: filesystem,
                filesystemUUID: filesystem.map { kind in
                    kind == .vfat ? fatVolumeID(&rng) : uuid(&rng).lowercased()
                }))
            next += sizeMiB * mib
        }
        if available >= 256 {
            add(16 + rng.below(32), filesystem: .vfat)
            add(16 + rng.below(32), filesystem: .ext4)
            // One or two raw partitions share most of the rest; a few MiB may stay unpartitioned.
            let rest = (lastUsable - next) / mib - rng.below(16)
            if rng.below(2) == 0 || rest < 8 {
                add(rest, filesystem: nil)
            } else {
                let first = max(2, rest * (20 + rng.below(61)) / 100)
                add(first, filesystem: nil)
                add(rest - first, filesystem: nil)
            }
        } else {
            add(available, filesystem: nil)
        }
        return CanaryLayout(diskGUID: diskGUID, partitions: partitions,
                            blocks: locations(capacity: capacity, partitions: partitions, stride: stride))
    }

    /// The canary blocks of a disk with `partitions`: the disk's head (in the gap before the
    /// first partition), each partition's first and last MiB (512 KiB in, so filesystems and
    /// the GPT stay intact), every multiple of `stride` outside the filesystem partitions,
    /// and the disk's last MiB.
    static func locations(capacity: UInt64, partitions: [CanaryPartition], stride: UInt64) -> [CanaryLocation] {
        var blocks: [CanaryLocation] = [CanaryLocation(offset: 512 << 10, place: .diskHead)]
        for p in partitions {
            blocks.append(CanaryLocation(offset: p.startBytes + (512 << 10), place: .partitionFirst(p.number)))
            blocks.append(CanaryLocation(offset: p.startBytes + p.sizeBytes - (512 << 10), place: .partitionLast(p.number)))
        }
        let tail = capacity - mib
        var offset = stride
        let filesystems = partitions.filter { $0.filesystem != nil }
        while offset + UInt64(CanaryBlock.size) <= tail {
            if !filesystems.contains(where: { offset >= $0.startBytes && offset < $0.startBytes + $0.sizeBytes }) {
                blocks.append(CanaryLocation(offset: offset, place: .stride))
            }
            offset += stride
        }
        blocks.append(CanaryLocation(offset: tail, place: .diskEnd))
        blocks.sort { $0.offset < $1.offset }
        return blocks
    }

    static func mix(seed: UInt64, key: String) -> UInt64 {
        let digest = Array(SHA256.hash(data: Array("replica-audit canary \(seed) \(key)".utf8)))
        return digest.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    static func uuid(_ rng: inout SeededGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { TextFormat.hex($0, width: 2, uppercase: true) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.map(String.init).joined(separator: "-")
    }

    /// A FAT volume ID as blkid prints it, e.g. "1A2B-3C4D".
    static func fatVolumeID(_ rng: inout SeededGenerator) -> String {
        let hex = TextFormat.hex(UInt32(truncatingIfNeeded: rng.next()), width: 8, uppercase: true)
        return hex.prefix(4) + "-" + hex.suffix(4)
    }
}

/// One partition of a canary disk.
public struct CanaryPartition: Codable, Sendable, Equatable {
    public enum Filesystem: String, Codable, Sendable { case vfat, ext4 }
    public var number: Int
    public var startBytes: UInt64
    public var sizeBytes: UInt64
    /// The GPT partition GUID (unique partition GUID).
    public var uuid: String
    public var name: String
    /// The filesystem made on it, nil for a partition left without one.
    public var filesystem: Filesystem?
    /// Its UUID as blkid reports it (FAT: the volume ID, "1A2B-3C4D").
    public var filesystemUUID: String?
}

/// Where a canary block sits and why it is there.
public struct CanaryLocation: Sendable, Equatable {
    public enum Place: Sendable, Equatable {
        case diskHead, partitionFirst(Int), partitionLast(Int), stride, diskEnd
    }
    public var offset: UInt64
    public var place: Place

    /// e.g. "partition 2's first MiB".
    public var placeDescription: String {
        switch place {
        case .diskHead: "the disk's first MiB"
        case .partitionFirst(let n): "partition \(n)'s first MiB"
        case .partitionLast(let n): "partition \(n)'s last MiB"
        case .stride: "the stride"
        case .diskEnd: "the disk's last MiB"
        }
    }
}
