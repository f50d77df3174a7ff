/// Firmware RAID members whose metadata sits at the end of the disk (README.md, "Multi-device
/// guest storage"; docs/PROBE.md):
///
/// - SNIA DDF: an anchor header in the last sector names the primary (and secondary) header,
///   whose sections hold the physical disk records of every disk of the container and this
///   disk's own "physical disk data" — its PD GUID, the member identity. The header GUID is the
///   container's, shared by every member (libblkid's `ddf_raid_member` UUID).
/// - Intel Matrix Storage (IMSM, libblkid's `isw_raid_member`): one metadata block (MPB) in the
///   second-to-last sector, the same on every member, with the container's family number and a
///   table of its disks (serial, size). IMSM keeps no "this disk" field: a member is the table
///   entry whose size is the volume's, when exactly one is.
extension MultiDeviceMembers {
    /// The most bytes one of these structures may make the probe read.
    static let anchoredReadCap = 256 << 10

    /// The DDF and IMSM members at the end of a disk of `length` bytes.
    static func endAnchored(length: UInt64, sectorSize: Int, fetch: (UInt64, Int) -> [UInt8]?) -> [MultiDeviceMember] {
        var found: [MultiDeviceMember] = []
        if let m = ddf(length: length, fetch: fetch) { found.append(m) }
        if let m = imsm(length: length, sectorSize: sectorSize, fetch: fetch) { found.append(m) }
        return found
    }

    // MARK: DDF

    /// A DDF member: the anchor in the last sector (or 257 sectors before the end), the primary
    /// (else the secondary) header it
    /// names, and the physical disk data and records sections of that header; nil unless
    /// every magic and CRC holds and the headers agree.
    public static func ddf(length: UInt64, fetch: (UInt64, Int) -> [UInt8]?) -> MultiDeviceMember? {
        guard length >= 64 << 10 else { return nil }
        let sectors = length / 512
        // The anchor is the last sector; some controllers put it 257 sectors before the end
        // (libblkid looks there too).
        var found: (block: [UInt8], lba: UInt64)?
        for back: UInt64 in [1, 257] where back < sectors {
            guard let block = fetch((sectors - back) * 512, 512), ddfBlockValid(block, magic: 0xDE11_DE11), block[112] == 0,
                  ["01.00.00", "01.02.00"].contains(String(decoding: block[32..<40], as: UTF8.self)) else { continue }
            found = (block, sectors - back)
            break
        }
        guard let (anchor, anchorLBA) = found else { return nil }
        // The primary header (type 1), else the secondary (type 2), each at the LBA the anchor names.
        var active: (header: [UInt8], lba: UInt64)?
        for (field, type) in [(96, UInt8(1)), (104, UInt8(2))] {
            let lba = BigEndian.u64(anchor, field)
            guard lba < anchorLBA, let h = fetch(lba * 512, 512), ddfBlockValid(h, magic: 0xDE11_DE11), h[112] == type,
                  h[8..<32] == anchor[8..<32], BigEndian.u64(h, 96) == BigEndian.u64(anchor, 96) else { continue }
            active = (h, lba)
            break
        }
        guard let (header, lba) = active else { return nil }
        func section(_ field: Int, maxSectors: UInt32) -> [UInt8]? {
            let offset = UInt64(BigEndian.u32(header, field)), count = BigEndian.u32(header, field + 4)
            guard count > 0, count <= maxSectors, lba + offset + UInt64(count) <= anchorLBA else { return nil }
            return fetch((lba + offset) * 512, Int(count) * 512)
        }
        // This disk's data (magic 0x33333333): its PD GUID and reference number.
        guard let data = section(224, maxSectors: 1), ddfBlockValid(data, magic: 0x3333_3333) else { return nil }
        let pdGUID = Array(data[8..<32]), refnum = BigEndian.u32(data, 32)
        var role: Int?
        var count: Int?
        // The physical disk records (magic 0x22222222): 64-byte entries after a 64-byte head.
        if let phys = section(200, maxSectors: UInt32(anchoredReadCap / 512)), phys.count >= 64,
           BigEndian.u32(phys, 0) == 0x2222_2222, ddfCRCHolds(phys) {
            let entries = min(Int(BigEndian.u16(phys, 10)), (phys.count - 64) / 64)
            var used = 0
            for i in 0..<entries {
                let e = 64 + 64 * i
                guard BigEndian.u32(phys, e + 24) != 0xFFFF_FFFF else { continue }
                used += 1
                if role == nil, Array(phys[e..<e + 24]) == pdGUID, BigEndian.u32(phys, e + 24) == refnum { role = i }
            }
            count = used
        }
        return MultiDeviceMember(
            place: "whole disk", format: "ddf", version: String(decoding: anchor[32..<40], as: UTF8.self),
            memberID: ddfGUIDText(pdGUID), memberKind: "DDF PD GUID", setID: ddfGUIDText(Array(anchor[8..<32])),
            setKind: "DDF container GUID", role: role, deviceCount: count, headerOffset: anchorLBA * 512,
            containerBytes: length)
    }

    /// A 512-byte DDF block with `magic` and a CRC that holds.
    static func ddfBlockValid(_ block: [UInt8], magic: UInt32) -> Bool {
        block.count == 512 && BigEndian.u32(block, 0) == magic && ddfCRCHolds(block)
    }

    /// DDF's CRC-32 of a structure with its CRC field (bytes 4–7) taken as 0xffffffff. mdadm
    /// computes it from 0 without zlib's final inversion; the standard form is accepted too.
    static func ddfCRCHolds(_ block: [UInt8]) -> Bool {
        guard block.count >= 8 else { return false }
        var copy = block
        copy[4] = 0xFF; copy[5] = 0xFF; copy[6] = 0xFF; copy[7] = 0xFF
        let stored = BigEndian.u32(block, 4)
        let standard = CRC32.checksum(copy)
        // Without the initial and final inversions: the standard CRC of the same bytes, run
        // from 0 instead of 0xffffffff, is standard(x) XOR the CRC of zeros — computed directly.
        var raw: UInt32 = 0
        for b in copy {
            raw ^= UInt32(b)
            for _ in 0..<8 { raw = (raw & 1) != 0 ? 0xEDB8_8320 ^ (raw >> 1) : raw >> 1 }
        }
        return stored == standard || stored == raw
    }

    /// A 24-byte DDF GUID as text when it is printable ASCII (as libblkid prints the container
    /// GUID), else as 48 hex digits.
    static func ddfGUIDText(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return String(decoding: bytes, as: UTF8.self).lowercased()
        }
        return hexString(bytes[...])
    }

    // MARK: IMSM

    /// The IMSM signature at the start of an MPB; the version follows it.
    static let imsmSignature = Array("Intel Raid ISM Cfg Sig. ".utf8)

    /// An IMSM member: the MPB whose first sector is the second-to-last of the disk (the rest,
    /// when it is larger, in the sectors before), nil unless the signature and checksum hold
    /// and exactly one disk-table entry has this disk's size.
    public static func imsm(length: UInt64, sectorSize: Int, fetch: (UInt64, Int) -> [UInt8]?) -> MultiDeviceMember? {
        guard (512...4096).contains(sectorSize) else { return nil }
        let ss = UInt64(sectorSize)
        guard length >= 4 * ss, let first = fetch(length - 2 * ss, sectorSize), first.count == sectorSize,
              LittleEndian.matches(first, at: 0, imsmSignature) else { return nil }
        let size = Int(LittleEndian.u32(first, 0x24))
        guard size >= 0xD8, size % 4 == 0, size <= anchoredReadCap else { return nil }
        var mpb = first
        let extra = (size + sectorSize - 1) / sectorSize - 1
        if extra > 0 {
            guard length >= UInt64(2 + extra) * ss, let rest = fetch(length - UInt64(2 + extra) * ss, extra * sectorSize),
                  rest.count == extra * sectorSize else { return nil }
            mpb += rest
        }
        var sum: UInt32 = 0
        for word in 0..<(size / 4) where word != 8 { sum &+= LittleEndian.u32(mpb, word * 4) }
        guard sum == LittleEndian.u32(mpb, 0x20) else { return nil }
        let disks = Int(mpb[0x38])
        guard 0xD8 + 48 * disks <= size else { return nil }
        let sectors512 = length / 512
        let matching = (0..<disks).filter { i in
            let d = 0xD8 + 48 * i
            return UInt64(LittleEndian.u32(mpb, d + 16)) | UInt64(LittleEndian.u32(mpb, d + 32)) << 32 == sectors512
        }
        guard matching.count == 1, let index = matching.first else { return nil }
        let d = 0xD8 + 48 * index
        let serial = nullTerminated(mpb, d, 16)
        guard !serial.isEmpty else { return nil }
        let family = String(LittleEndian.u32(mpb, 0x28), radix: 16)
        let version = nullTerminated(mpb, 24, 8)
        return MultiDeviceMember(
            place: "whole disk", format: "imsm", version: version.isEmpty ? nil : version,
            memberID: serial, memberKind: "IMSM disk serial",
            setID: String(repeating: "0", count: max(0, 8 - family.count)) + family, setKind: "IMSM family number",
            role: index, deviceCount: disks, headerOffset: length - 2 * ss, containerBytes: length)
    }
}
