/// What libblkid's probers read beyond a range's head and tail, for the signature types that
/// occur on VM disks (the list is in docs/PROBE.md, "What the probe reads"). Some sit at fixed
/// offsets (UDF anchors, VMFS); others are found by following a pointer in a structure
/// already read (NTFS's MFT, UDF's volume descriptor sequence and integrity descriptor, the
/// DDF primary and secondary headers). `copy` reads them into the shadow; `gaps` names the
/// probers whose magic was read but whose answer is missing, so the probe says it may be
/// incomplete (`probe-incomplete`) instead of silently reporting nothing.
enum ProberRegions {
    /// The most bytes one followed structure may make the probe read.
    static let followCap: UInt64 = 256 << 10
    /// UDF logical block sizes libblkid tries.
    static let udfBlockSizes: [UInt64] = [512, 1024, 2048, 4096]

    /// Copies the fixed regions and follows the pointers of `[start, start+length)`, which
    /// must already have its head and tail copied. Every read is widened to whole logical
    /// sectors (servers may refuse unaligned requests); regions already copied are not
    /// recorded again.
    static func copy(_ copier: RegionCopier, start: UInt64, length: UInt64, sectorSize: Int, place: String) throws(ProbeError) {
        guard length > 0 else { return }
        let ss = UInt64(sectorSize)
        func read(_ offset: UInt64, _ count: UInt64, _ why: String) throws(ProbeError) {
            guard offset < length, count > 0 else { return }
            let (end, overflow) = offset.addingReportingOverflow(min(count, length - offset))
            guard !overflow else { return }
            let from = (start + offset) / ss * ss
            let to = min(copier.volume.sizeBytes, (start + end + ss - 1) / ss * ss)
            guard from < to, !copier.isCopied(offset: from, length: to - from) else { return }
            try copier.copy(offset: from, length: to - from, purpose: "\(place) \(why)")
        }
        func bytes(_ offset: UInt64, _ count: Int) throws(ProbeError) -> [UInt8]? {
            guard offset < length, UInt64(count) <= length - offset else { return nil }
            return try copier.bytes(offset: start + offset, count: count)
        }
        // Fixed: UDF anchors at 256 blocks from the start, and at the last block and 256
        // blocks before it; VMFS volume header at 1 MiB, VMFS filesystem at 2 MiB.
        for bs in udfBlockSizes {
            try read(256 * bs, bs, "udf anchor")
            if length >= 257 * bs {
                try read(length - bs, bs, "udf anchor")
                try read(length - 257 * bs, bs, "udf anchor")
            }
        }
        try read(1 << 20, 4096, "vmfs volume header")
        try read(2 << 20, 4096, "vmfs superblock")
        // DDF's second anchor position, 257 sectors before the end.
        if length >= 0x30000 { try read((length / 512 - 257) * 512, 512, "ddf anchor") }

        // ZFS: labels 2 and 3 fill the last 512 KiB; read them when label 0 or 1 (in the
        // head) holds an uberblock (magic 0x00bab10c at 128 KiB into the label).
        if length >= 1 << 20 {
            for label: UInt64 in [0, 256 << 10] {
                guard let ub = try bytes(label + (128 << 10), 8) else { continue }
                let magic = LittleEndian.u64(ub, 0)
                if magic == 0x00ba_b10c || magic.byteSwapped == 0x00ba_b10c {
                    try read(length - (512 << 10), 512 << 10, "zfs labels 2 and 3")
                    break
                }
            }
        }

        try followBeFS(start: start, length: length, read: read, bytes: bytes)

        // NTFS: the MFT's first four records ($MFT … $Volume, which holds the label).
        if let boot = try bytes(0, 512), let (mft, count) = ntfsMFT(boot) {
            try read(mft, count, "ntfs mft")
        }

        // FAT: the root directory, whose volume-label entry libblkid prefers to the boot
        // sector's label (they differ after a relabel). FAT12/16 keep it after the FATs;
        // FAT32 in the cluster the boot sector names.
        if let boot = try bytes(0, 512), boot[510] == 0x55, boot[511] == 0xAA,
           Array(boot[82..<87]) == Array("FAT32".utf8) || Array(boot[54..<58]) == Array("FAT1".utf8) {
            let bps = UInt64(LittleEndian.u16(boot, 11)), spc = UInt64(boot[13])
            let reserved = UInt64(LittleEndian.u16(boot, 14)), fats = UInt64(boot[16])
            let fat16 = UInt64(LittleEndian.u16(boot, 22)), fat32 = UInt64(LittleEndian.u32(boot, 36))
            if [512, 1024, 2048, 4096].contains(bps), spc > 0, spc & (spc - 1) == 0 {
                if fat16 != 0 {
                    let entries = UInt64(LittleEndian.u16(boot, 17))
                    try read((reserved + fats * fat16) * bps, min(entries * 32, 64 << 10), "fat root directory")
                } else {
                    let root = UInt64(LittleEndian.u32(boot, 44))
                    if root >= 2, root < 0x0FFF_FFF8 {
                        try followChain(first: root, fatOffset: reserved * bps, fatBytes: fat32 * bps, clusterBytes: spc * bps,
                                        clusterOffset: { (reserved + fats * fat32 + ($0 - 2) * spc) * bps },
                                        what: "fat root directory", read: read, bytes: bytes)
                    }
                }
            }
        }

        // exFAT: the root directory (its volume-label entry) in the cluster heap.
        if let boot = try bytes(0, 512), Array(boot[3..<11]) == Array("EXFAT   ".utf8) {
            let heap = UInt64(LittleEndian.u32(boot, 88)), root = UInt64(LittleEndian.u32(boot, 96))
            let bpsShift = UInt64(boot[108]), spcShift = UInt64(boot[109])
            if (9...12).contains(bpsShift), spcShift <= 25 - bpsShift, root >= 2 {
                let fat = UInt64(LittleEndian.u32(boot, 80)) << bpsShift, fatBytes = UInt64(LittleEndian.u32(boot, 84)) << bpsShift
                try followChain(first: root, fatOffset: fat, fatBytes: fatBytes, clusterBytes: 1 << (bpsShift + spcShift),
                                clusterOffset: { (heap << bpsShift) + (($0 - 2) << (bpsShift + spcShift)) },
                                what: "exfat root directory", read: read, bytes: bytes)
            }
        }

        // UDF: anchor → main and reserve volume descriptor sequences → the logical volume
        // descriptor's integrity sequence.
        for bs in udfBlockSizes {
            for anchorOffset in [256 * bs, length >= bs ? length - bs : 0, length >= 257 * bs ? length - 257 * bs : 0] where anchorOffset > 0 {
                guard let anchor = try bytes(anchorOffset, 32), LittleEndian.u16(anchor, 0) == 2 else { continue }
                for field in [16, 24] {
                    let extentLength = UInt64(LittleEndian.u32(anchor, field)), location = UInt64(LittleEndian.u32(anchor, field + 4))
                    let vds = location * bs, vdsLength = min(extentLength, followCap)
                    try read(vds, vdsLength, "udf descriptors")
                    var pos: UInt64 = 0
                    while pos + 512 <= vdsLength {
                        if let d = try bytes(vds + pos, 512), LittleEndian.u16(d, 0) == 6 {
                            let lvidLength = UInt64(LittleEndian.u32(d, 432)), lvidLocation = UInt64(LittleEndian.u32(d, 436))
                            try read(lvidLocation * bs, min(lvidLength, 64 << 10), "udf integrity descriptor")
                            break  // one logical volume descriptor per sequence
                        }
                        pos += bs
                    }
                }
            }
        }

        // DDF: the anchor at the last sector (or 257 sectors before the end) names the primary
        // and secondary headers, which libblkid checks.
        for back: UInt64 in [1, 257] where length >= back * 512 {
            guard let anchor = try bytes((length / 512 - back) * 512, 512) else { continue }
            let big = LittleEndian.u32(anchor, 0) == 0x11DE_11DE, little = LittleEndian.u32(anchor, 0) == 0xDE11_DE11
            guard big || little else { continue }
            for field in [96, 104] {
                let raw = LittleEndian.u64(anchor, field)
                let lba = big ? raw.byteSwapped : raw
                let (offset, overflow) = lba.multipliedReportingOverflow(by: 512)
                if lba != 0, lba != .max, !overflow { try read(offset, 512, "ddf header") }
            }
            break
        }
    }

    /// Reads the clusters of a FAT32 or exFAT directory by its FAT chain (libblkid searches the
    /// whole root directory for the volume-label entry), up to `followCap` bytes: the FAT's
    /// part that the chain needs, then each cluster.
    private static func followChain(first: UInt64, fatOffset: UInt64, fatBytes: UInt64, clusterBytes: UInt64,
                                    clusterOffset: (UInt64) -> UInt64, what: String,
                                    read: (UInt64, UInt64, String) throws(ProbeError) -> Void,
                                    bytes: (UInt64, Int) throws(ProbeError) -> [UInt8]?) throws(ProbeError) {
        guard clusterBytes > 0, first >= 2 else { return }
        try read(fatOffset, min(fatBytes, followCap), "\(what) chain")
        var cluster = first, total: UInt64 = 0
        var seen: Set<UInt64> = []
        while cluster >= 2, cluster < 0x0FFF_FFF7, total < followCap, seen.count < 64, seen.insert(cluster).inserted {
            try read(clusterOffset(cluster), min(clusterBytes, followCap), what)
            total += clusterBytes
            guard cluster * 4 + 4 <= min(fatBytes, followCap), let entry = try bytes(fatOffset + cluster * 4, 4) else { break }
            cluster = UInt64(LittleEndian.u32(entry, 0) & 0x0FFF_FFFF)
        }
    }

    /// BeFS: the root directory's inode; when its small data lacks the "be:volume_id"
    /// attribute, the attribute directory's inode, its B+tree (direct block runs), and the
    /// attribute's inode and data — the path libblkid's BeFS prober takes for the UUID.
    private static func followBeFS(start: UInt64, length: UInt64,
                                   read: (UInt64, UInt64, String) throws(ProbeError) -> Void,
                                   bytes: (UInt64, Int) throws(ProbeError) -> [UInt8]?) throws(ProbeError) {
        for base: UInt64 in [0, 512] {
            guard let sb = try bytes(base, 132) else { continue }
            let le = Array(sb[32..<36]) == Array("1SFB".utf8)
            guard le || Array(sb[32..<36]) == Array("BFS1".utf8) else { continue }
            func u16(_ b: [UInt8], _ o: Int) -> UInt64 { let v = LittleEndian.u16(b, o); return UInt64(le ? v : v.byteSwapped) }
            func u32(_ b: [UInt8], _ o: Int) -> UInt64 { let v = LittleEndian.u32(b, o); return UInt64(le ? v : v.byteSwapped) }
            func i64(_ b: [UInt8], _ o: Int) -> Int64 { let v = LittleEndian.u64(b, o); return Int64(bitPattern: le ? v : v.byteSwapped) }
            let blockShift = u32(sb, 44), agShift = u32(sb, 76)
            guard (10...13).contains(blockShift), agShift < 32 else { return }
            /// A block run's offset and length, or nil when absurd.
            func run(_ b: [UInt8], _ o: Int) -> (offset: UInt64, length: UInt64)? {
                let ag = u32(b, o), startBlock = u16(b, o + 4), len = u16(b, o + 6)
                let offset = ((ag << agShift) << blockShift) + (startBlock << blockShift)
                let bytes = len << blockShift
                guard ag < 1 << 20, bytes > 0, offset < length else { return nil }
                return (offset, min(bytes, followCap))
            }
            func inode(_ r: (offset: UInt64, length: UInt64)?, _ why: String) throws(ProbeError) -> [UInt8]? {
                guard let r else { return nil }
                try read(r.offset, r.length, why)
                guard let b = try bytes(r.offset, Int(min(r.length, 4096))), u32(b, 0) == 0x3BBE_0AD9 else { return nil }
                return b
            }
            guard let root = try inode(run(sb, 116), "befs root directory"),
                  let attributes = try inode(run(root, 52), "befs attribute directory") else { return }
            // The attribute directory's B+tree lives in its data stream's direct runs.
            var runs: [(offset: UInt64, length: UInt64)] = []
            for i in 0..<12 {
                guard let r = run(attributes, 72 + 8 * i) else { break }
                try read(r.offset, r.length, "befs attribute tree")
                runs.append(r)
            }
            /// The bytes at `position` of the data stream, through its direct runs.
            func stream(_ position: Int64, _ count: Int) throws(ProbeError) -> [UInt8]? {
                guard position >= 0 else { return nil }
                var p = UInt64(position)
                for r in runs {
                    if p < r.length { return p + UInt64(count) <= r.length ? try bytes(r.offset + p, count) : nil }
                    p -= r.length
                }
                return nil
            }
            guard let header = try stream(0, 32), u32(header, 0) == 0x69F6_C2E8 else { return }
            let nodeSize = Int(u32(header, 4))
            guard (28...65536).contains(nodeSize) else { return }
            var pointer = i64(header, 16)
            let key = Array("be:volume_id".utf8)
            for _ in 0..<100 {
                guard let node = try stream(pointer, nodeSize) else { return }
                let overflow = i64(node, 16), count = Int(u16(node, 24)), keyLength = Int(u16(node, 26))
                let lengthsAt = (28 + keyLength + 7) & ~7, valuesAt = lengthsAt + 2 * count
                guard count > 0, valuesAt + 8 * count <= nodeSize else { return }
                var found: Int64?
                var next: Int64?
                var previousEnd = 0
                for k in 0..<count {
                    let end = Int(u16(node, lengthsAt + 2 * k))
                    guard end >= previousEnd, 28 + end <= nodeSize else { return }
                    let name = Array(node[(28 + previousEnd)..<(28 + end)])
                    previousEnd = end
                    let value = i64(node, valuesAt + 8 * k)
                    if name == key { found = value; break }
                    if name.lexicographicallyPrecedes(key) { continue }
                    next = value
                    break
                }
                if overflow == -1 {
                    // A leaf: the value is the attribute's inode block.
                    guard let block = found, block > 0 else { return }
                    let at = UInt64(block) << blockShift
                    guard at < length, let attr = try inode((at, 1 << blockShift), "befs volume id attribute"),
                          let data = run(attr, 72) else { return }
                    try read(data.offset, data.length, "befs volume id")
                    return
                }
                pointer = found ?? next ?? overflow
            }
            return
        }
    }

    /// Where an NTFS boot sector puts its MFT's first four records, from the filesystem's
    /// start, and their length; nil when its fields make no sense.
    static func ntfsMFT(_ boot: [UInt8]) -> (offset: UInt64, count: UInt64)? {
        guard boot.count >= 512, let (cluster, record) = FilesystemEndParser.ntfsGeometry(boot) else { return nil }
        let (mft, overflow) = LittleEndian.u64(boot, 48).multipliedReportingOverflow(by: cluster)
        guard !overflow else { return nil }
        return (mft, 4 * record)
    }

    /// Probers whose magic lies in the bytes read of `[start, start+length)` but whose type
    /// libblkid did not report there (`foundType`): the data they follow lay outside what was
    /// read, or is damaged. Empty for ranges without such magic — ordinary ext4, XFS, NTFS
    /// with a readable MFT, LVM or swap volumes.
    static func gaps(_ copier: RegionCopier, start: UInt64, length: UInt64, foundType: String?, place: String) throws(ProbeError) -> [IncompleteProbe] {
        func bytes(_ offset: UInt64, _ count: Int) throws(ProbeError) -> [UInt8]? {
            guard offset < length, UInt64(count) <= length - offset else { return nil }
            return try copier.bytes(offset: start + offset, count: count)
        }
        var result: [IncompleteProbe] = []
        if foundType != "ntfs", let boot = try bytes(0, 512), Array(boot[3..<11]) == Array("NTFS    ".utf8) {
            // MFT records read and all zeros: never written, not damaged (README.md, "Blank
            // and half-written volumes").
            if let (mft, count) = ntfsMFT(boot), let records = try bytes(mft, Int(count)),
               !records.contains(where: { $0 != 0 }) {
                result.append(IncompleteProbe(place: place, prober: "ntfs",
                                              reason: "an NTFS boot sector was read, but its MFT (where the boot sector puts it, at offset \(start + mft)) holds only zeros",
                                              zeroFilled: FilesystemEndStructure(what: "MFT", offsetBytes: start + mft, present: false, zeroFilled: true)))
            } else {
                result.append(IncompleteProbe(place: place, prober: "ntfs",
                                              reason: "an NTFS boot sector was read, but libblkid did not recognise NTFS: its MFT records lie outside what was read, or are damaged"))
            }
        }
        if foundType != "befs" {
            for base: UInt64 in [0, 512] {
                guard let sb = try bytes(base + 32, 4), sb == Array("BFS1".utf8) || sb == Array("1SFB".utf8) else { continue }
                result.append(IncompleteProbe(place: place, prober: "befs",
                                              reason: "a BeFS superblock was read at offset \(base), but libblkid did not recognise BeFS: its root directory and volume-id attribute lie outside what was read"))
                break
            }
        }
        if foundType != "udf" {
            // The 128 sectors' descriptors from one read of them all when all were copied
            // (the same bytes as a read each, without 128 reads of the shadow).
            let window = try bytes(32768, 128 * 512)
            var k: UInt64 = 0
            while k < 128 {
                let at = Int(k) * 512
                let d: [UInt8]?
                if let window { d = Array(window[at..<at + 6]) } else { d = try bytes(32768 + k * 512, 6) }
                if let d,
                   [Array("NSR02".utf8), Array("NSR03".utf8)].contains(Array(d[1..<6])) {
                    result.append(IncompleteProbe(place: place, prober: "udf",
                                                  reason: "a UDF volume recognition sequence was read, but libblkid did not recognise UDF: its anchor or descriptors lie outside what was read"))
                    break
                }
                k += 1
            }
        }
        if foundType != "ddf_raid_member" {
            for back: UInt64 in [1, 257] where length >= back * 512 {
                if let a = try bytes((length / 512 - back) * 512, 4), [0x11DE_11DE, 0xDE11_DE11].contains(LittleEndian.u32(a, 0)) {
                    result.append(IncompleteProbe(place: place, prober: "ddf_raid_member",
                                                  reason: "a DDF RAID anchor was read, but libblkid did not recognise DDF: the primary header it names lies outside what was read, or does not match"))
                    break
                }
            }
        }
        return result
    }
}
