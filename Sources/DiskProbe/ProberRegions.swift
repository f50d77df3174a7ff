/// What libblkid's probers read beyond a range's head and tail, for the signature types that
/// occur on VM disks (the list is in README.md, "What the probe reads"). Some sit at fixed
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

        // NTFS: the MFT's first four records ($MFT … $Volume, which holds the label).
        if let boot = try bytes(0, 512), Array(boot[3..<11]) == Array("NTFS    ".utf8) {
            let sectorBytes = UInt64(LittleEndian.u16(boot, 11))
            let clusterSectors = UInt64(boot[13])
            let mftCluster = LittleEndian.u64(boot, 48)
            let perRecord = Int8(bitPattern: boot[64])
            let cluster = sectorBytes * clusterSectors
            let record: UInt64 = perRecord > 0 ? UInt64(perRecord) * cluster : (perRecord < 0 && perRecord > -31 ? 1 << UInt64(-Int(perRecord)) : 0)
            let (mft, overflow) = mftCluster.multipliedReportingOverflow(by: cluster)
            if record > 0, record <= 64 << 10, !overflow {
                try read(mft, 4 * record, "ntfs mft")
            }
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
                        try read((reserved + fats * fat32 + (root - 2) * spc) * bps, min(spc * bps, 64 << 10), "fat root directory")
                    }
                }
            }
        }

        // exFAT: the root directory (its volume-label entry) in the cluster heap.
        if let boot = try bytes(0, 512), Array(boot[3..<11]) == Array("EXFAT   ".utf8) {
            let heap = UInt64(LittleEndian.u32(boot, 88)), root = UInt64(LittleEndian.u32(boot, 96))
            let bpsShift = UInt64(boot[108]), spcShift = UInt64(boot[109])
            if (9...12).contains(bpsShift), spcShift <= 25 - bpsShift, root >= 2 {
                try read((heap + ((root - 2) << spcShift)) << bpsShift, min(1 << (bpsShift + spcShift), 64 << 10), "exfat root directory")
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
            result.append(IncompleteProbe(place: place, prober: "ntfs",
                                          reason: "an NTFS boot sector was read, but libblkid did not recognise NTFS: its MFT records lie outside what was read, or are damaged"))
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
            var k: UInt64 = 0
            while k < 128 {
                if let d = try bytes(32768 + k * 512, 6), [Array("NSR02".utf8), Array("NSR03".utf8)].contains(Array(d[1..<6])) {
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
