import AuditCore
import DiskProbe
import Foundation

/// A seeded generator of corrupt GPT and MBR labels, written byte by byte over real
/// labels that sgdisk and sfdisk made. Each case names what it breaks, so a failure says
/// which input did it and `seed` replays it.
struct HostileLabelGenerator {
    /// One corrupt disk: a name and the edits to apply to a base image.
    struct Case {
        var name: String
        var base: Base
        /// Finding codes of which at least one must be reported (empty: any finding, or a clear error).
        var expectedAnyOf: [String]
        var edit: (inout DiskBytes) -> Void
    }

    enum Base { case gpt, dos }

    /// The first and last MiB of a 64 MiB image, editable, with GPT field helpers.
    struct DiskBytes {
        static let sector = 512
        var head: [UInt8]
        var tail: [UInt8]
        let sizeBytes: UInt64

        func u32(_ offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(head[offset + $1]) << (8 * $1) } }
        func u64(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(head[offset + $1]) << (8 * $1) } }
        mutating func put32(_ offset: Int, _ v: UInt32) { for i in 0..<4 { head[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
        mutating func put64(_ offset: Int, _ v: UInt64) { for i in 0..<8 { head[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }

        /// Primary header fields (LBA 1).
        static let hdr = 512
        var entrySize: UInt32 { u32(Self.hdr + 84) }
        var entryCount: UInt32 { u32(Self.hdr + 80) }

        /// Offset of partition entry `n` (1-based) of the primary array at LBA 2.
        func entry(_ n: Int) -> Int { 1024 + (n - 1) * 128 }

        /// Recomputes the primary entry-array CRC (over 128 × 128 bytes at LBA 2) and then
        /// the header CRC, so a corruption passes the checksums and reaches deeper logic.
        mutating func fixCRCs(entries: Bool = true) {
            if entries {
                let array = Array(head[1024..<1024 + 128 * 128])
                put32(Self.hdr + 88, CRC32.checksum(array))
            }
            fixHeaderCRC()
        }

        mutating func fixHeaderCRC() {
            let size = Int(min(u32(Self.hdr + 12), 512))
            put32(Self.hdr + 16, 0)
            guard size >= 92 else { return }
            put32(Self.hdr + 16, CRC32.checksum(Array(head[Self.hdr..<Self.hdr + size])))
        }

        /// Writes an MBR entry (1…4).
        mutating func mbrEntry(_ i: Int, type: UInt8, start: UInt32, sectors: UInt32, boot: Bool = false) {
            let o = 446 + (i - 1) * 16
            head[o] = boot ? 0x80 : 0
            head[o + 4] = type
            for k in 0..<4 { head[o + 8 + k] = UInt8(truncatingIfNeeded: start >> (8 * k)) }
            for k in 0..<4 { head[o + 12 + k] = UInt8(truncatingIfNeeded: sectors >> (8 * k)) }
        }
    }

    /// The named cases issue 6 lists.
    static var named: [Case] {
        let lastLBA: UInt64 = (64 << 20) / 512 - 1
        return [
            Case(name: "gpt-header-crc-bad", base: .gpt, expectedAnyOf: ["gpt-crc-invalid"]) { d in
                d.head[DiskBytes.hdr + 60] ^= 0xFF
            },
            Case(name: "gpt-entries-crc-bad", base: .gpt, expectedAnyOf: ["gpt-crc-invalid"]) { d in
                d.head[d.entry(1) + 20] ^= 0xFF
            },
            Case(name: "gpt-entry-count-0", base: .gpt, expectedAnyOf: []) { d in
                d.put32(DiskBytes.hdr + 80, 0); d.put32(DiskBytes.hdr + 88, CRC32.checksum([])); d.fixHeaderCRC()
            },
            Case(name: "gpt-entry-count-max", base: .gpt, expectedAnyOf: ["gpt-entries-array-invalid"]) { d in
                d.put32(DiskBytes.hdr + 80, UInt32.max); d.fixHeaderCRC()
            },
            Case(name: "gpt-entry-size-0", base: .gpt, expectedAnyOf: ["gpt-entries-array-invalid"]) { d in
                d.put32(DiskBytes.hdr + 84, 0); d.fixHeaderCRC()
            },
            Case(name: "gpt-entry-size-1", base: .gpt, expectedAnyOf: ["gpt-entries-array-invalid"]) { d in
                d.put32(DiskBytes.hdr + 84, 1); d.fixHeaderCRC()
            },
            Case(name: "gpt-entry-size-huge", base: .gpt, expectedAnyOf: ["gpt-entries-array-invalid"]) { d in
                d.put32(DiskBytes.hdr + 84, 0x8000_0000); d.fixHeaderCRC()
            },
            Case(name: "gpt-entry-size-not-128-multiple", base: .gpt, expectedAnyOf: ["gpt-entries-array-invalid"]) { d in
                d.put32(DiskBytes.hdr + 84, 200); d.fixHeaderCRC()
            },
            Case(name: "gpt-entries-lba-beyond-disk", base: .gpt, expectedAnyOf: ["gpt-entries-array-invalid"]) { d in
                d.put64(DiskBytes.hdr + 72, lastLBA + 1_000_000); d.fixHeaderCRC()
            },
            Case(name: "gpt-partition-past-end", base: .gpt, expectedAnyOf: ["partition-past-device-end"]) { d in
                d.put64(d.entry(2) + 40, lastLBA + 4096); d.fixCRCs()
            },
            Case(name: "gpt-partitions-overlap", base: .gpt, expectedAnyOf: ["partitions-overlap"]) { d in
                d.put64(d.entry(2) + 32, d.u64(d.entry(1) + 32) + 8); d.fixCRCs()
            },
            Case(name: "gpt-start-after-end", base: .gpt, expectedAnyOf: []) { d in
                let first = d.u64(d.entry(2) + 32)
                d.put64(d.entry(2) + 32, first + 100); d.put64(d.entry(2) + 40, first); d.fixCRCs()
            },
            Case(name: "gpt-header-size-huge", base: .gpt, expectedAnyOf: ["gpt-crc-invalid"]) { d in
                d.put32(DiskBytes.hdr + 12, 0xFFFF_FFFF)
            },
            Case(name: "mbr-four-protective-entries", base: .gpt, expectedAnyOf: []) { d in
                for i in 1...4 { d.mbrEntry(i, type: 0xEE, start: 1, sectors: UInt32(lastLBA)) }
            },
            Case(name: "mbr-hybrid", base: .gpt, expectedAnyOf: []) { d in
                d.mbrEntry(1, type: 0xEE, start: 1, sectors: 2047)
                d.mbrEntry(2, type: 0x83, start: 2048, sectors: 32768, boot: true)
            },
            Case(name: "dos-partition-past-end", base: .dos, expectedAnyOf: ["partition-past-device-end"]) { d in
                d.mbrEntry(1, type: 0x83, start: 2048, sectors: 1 << 30)
            },
            Case(name: "dos-partitions-overlap", base: .dos, expectedAnyOf: ["partitions-overlap"]) { d in
                d.mbrEntry(2, type: 0x83, start: 4096, sectors: 8192)
            },
            Case(name: "ebr-points-to-itself", base: .dos, expectedAnyOf: []) { d in
                // The first EBR (at the extended partition's start) links to itself: relative start 0.
                let ext = Int(d.u32(446 + 2 * 16 + 8)) * 512
                d.head[ext + 446 + 16 + 4] = 0x05
                for k in 0..<4 { d.head[ext + 446 + 16 + 8 + k] = 0 }
                for k in 0..<4 { d.head[ext + 446 + 16 + 12 + k] = k == 1 ? 0x10 : 0 }
            },
            Case(name: "ebr-points-back", base: .dos, expectedAnyOf: []) { d in
                // The second EBR links back to the first.
                let extLBA = d.u32(446 + 2 * 16 + 8)
                let ext = Int(extLBA) * 512
                let nextRel = (0..<4).reduce(UInt32(0)) { $0 | UInt32(d.head[ext + 446 + 16 + 8 + $1]) << (8 * $1) }
                let second = ext + Int(nextRel) * 512
                guard nextRel > 0, second + 512 <= d.head.count else { return }
                d.head[second + 446 + 16 + 4] = 0x05
                for k in 0..<4 { d.head[second + 446 + 16 + 8 + k] = 0 }
                for k in 0..<4 { d.head[second + 446 + 16 + 12 + k] = k == 1 ? 0x10 : 0 }
            },
        ]
    }

    /// `count` random corruptions from `seed`: a few bytes of the MBR, the primary header or
    /// the first entries overwritten, with the CRCs fixed half of the time.
    static func random(seed: UInt64, count: Int) -> [Case] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let base: Base = rng.next() % 3 == 0 ? .dos : .gpt
            let edits = (0..<(1 + Int(rng.next() % 6))).map { _ -> (Int, UInt8) in
                let region = rng.next() % 3
                let offset = region == 0 ? 440 + Int(rng.next() % 72) : region == 1 ? 512 + Int(rng.next() % 92) : 1024 + Int(rng.next() % 512)
                let value: UInt8 = rng.next() % 4 == 0 ? [0x00, 0xFF, 0xEE, 0x05][Int(rng.next() % 4)] : UInt8(truncatingIfNeeded: rng.next())
                return (offset, value)
            }
            let fix = rng.next() % 2 == 0
            return Case(name: "random-\(seed)-\(i)", base: base, expectedAnyOf: []) { d in
                for (o, v) in edits { d.head[o] = v }
                if fix, base == .gpt { d.fixCRCs() }
            }
        }
    }
}
