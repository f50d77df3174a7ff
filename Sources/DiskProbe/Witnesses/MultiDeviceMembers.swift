#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// One device of a multi-device guest volume — an md RAID member, a device of a btrfs
/// filesystem, an LVM physical volume — as its own on-disk header describes it.
///
/// Each format keeps two identities: one shared by every member of the set (md array
/// UUID, btrfs fsid, LVM volume group id) and one that is this member's alone (md device
/// UUID, btrfs device UUID, PV UUID). The shared one ties the members into one guest
/// volume and is legitimately on several disks; only the member identity must be unique
/// (README.md, "What `verify` checks"). Each header also records the size of the device it
/// was written for, which tells which disk a copied member belongs to.
public struct MultiDeviceMember: Codable, Sendable, Equatable {
    /// Where it sits: "whole disk" or "partition N".
    public var place: String
    /// "md", "btrfs", "lvm2", "zfs", "ldm" (Windows dynamic disk), "ddf" or "imsm".
    public var format: String
    /// The format's version as its header gives it: "1.2", "1.0", "LVM2 001", …
    public var version: String?
    /// This member's own identity, lower-case (md device UUID, btrfs device UUID, PV UUID).
    public var memberID: String
    /// What `memberID` is called: "md device UUID", "btrfs device UUID", "LVM PV UUID".
    public var memberKind: String
    /// The identity every member of the set shares (md array UUID, btrfs fsid, VG id), when known.
    public var setID: String?
    /// What `setID` is called: "md array UUID", "btrfs fsid", "LVM VG id".
    public var setKind: String?
    /// The set's name: md array name, btrfs label, LVM volume group name.
    public var setName: String?
    /// The member's place in the set: md role (0, 1, …), btrfs devid; nil for a spare or unknown.
    public var role: Int?
    /// How many devices the set has: md raid_disks, btrfs num_devices, LVM PV count when known.
    public var deviceCount: Int?
    /// md RAID level ("raid1", …); nil for other formats.
    public var level: String?
    /// Byte offset of the header on the volume.
    public var headerOffset: UInt64
    /// Bytes of the container it sits in (the partition or the whole volume).
    public var containerBytes: UInt64
    /// The device size the header records, in bytes, when it records one.
    public var claimedDeviceBytes: UInt64?
    /// How far below the true device size the claim may legitimately be (alignment the
    /// format's tools round down to): 0 for LVM's exact device size.
    public var claimSlackBytes: UInt64
    /// Which header field the claim comes from, for messages and evidence.
    public var claimField: String?
    /// The member a second copy of the header, elsewhere on the volume, names when it is not
    /// this one (LDM: the PRIVHEAD copies in the database at an MBR disk's end): the volume's
    /// front was written over while its end kept its own member's header.
    public var staleMemberID: String?

    /// Creates the value from its fields.
    public init(place: String, format: String, version: String? = nil, memberID: String, memberKind: String,
                setID: String? = nil, setKind: String? = nil, setName: String? = nil, role: Int? = nil,
                deviceCount: Int? = nil, level: String? = nil, headerOffset: UInt64, containerBytes: UInt64,
                claimedDeviceBytes: UInt64? = nil, claimSlackBytes: UInt64 = 0, claimField: String? = nil) {
        self.place = place
        self.format = format
        self.version = version
        self.memberID = memberID
        self.memberKind = memberKind
        self.setID = setID
        self.setKind = setKind
        self.setName = setName
        self.role = role
        self.deviceCount = deviceCount
        self.level = level
        self.headerOffset = headerOffset
        self.containerBytes = containerBytes
        self.claimedDeviceBytes = claimedDeviceBytes
        self.claimSlackBytes = claimSlackBytes
        self.claimField = claimField
    }

    /// "md array", "btrfs filesystem", "LVM volume group".
    public var setNoun: String {
        switch format {
        case "md": "md array"
        case "btrfs": "btrfs filesystem"
        case "lvm2": "LVM volume group"
        case "zfs": "ZFS pool"
        case "ldm": "Windows dynamic disk group"
        case "ddf": "DDF RAID container"
        case "imsm": "Intel IMSM RAID container"
        default: "\(format) set"
        }
    }

    /// "role 0", "devid 2", or "" when unknown.
    public var roleText: String {
        guard let role else { return "" }
        return format == "btrfs" ? "devid \(role)" : "role \(role)"
    }

    /// Whether the header's size claim fits a device of `bytes`: the claim is at most
    /// `bytes` and at least `bytes - claimSlackBytes`.
    public func claimMatches(_ bytes: UInt64) -> Bool {
        guard let claim = claimedDeviceBytes else { return false }
        return claim <= bytes && bytes - claim <= claimSlackBytes
    }
}

/// Parsers for the member headers, from bytes the probe already copied. Each checks the
/// format's magic and its checksum, so a stray byte pattern is never taken for a member.
public enum MultiDeviceMembers {
    /// Every member header in the container `[start, start+length)` of a volume, found by
    /// `read(offset, count)` (nil when the bytes were not read). `place` names the container.
    /// On the whole disk it also looks for the whole-disk formats (an MBR dynamic disk's LDM
    /// PRIVHEAD, a DDF anchor, an Intel IMSM MPB), whose structures `fetch` may read beyond
    /// what `read` has (a few sectors each; `read` when nil). `sectorSize` is the logical
    /// sector size the label was written for.
    public static func find(place: String, start: UInt64, length: UInt64, sectorSize: Int = 512,
                            read: (UInt64, Int) -> [UInt8]?,
                            fetch: ((UInt64, Int) -> [UInt8]?)? = nil) -> [MultiDeviceMember] {
        var found: [MultiDeviceMember] = []
        if place == "whole disk" {
            func within(_ offset: UInt64, _ count: Int) -> [UInt8]? {
                guard offset < length, UInt64(count) <= length - offset else { return nil }
                if let fetch { return fetch(start + offset, count) }
                return read(start + offset, count)
            }
            if let m = ldmFromMBR(length: length, sectorSize: sectorSize, read: { read(start + $0, $1) }, fetch: within) {
                found.append(m)
            }
            found += endAnchored(length: length, sectorSize: sectorSize, fetch: within)
        }
        // LVM: the label is in one of the first four sectors.
        if let head = read(start, 4 * 512), let pv = lvm(head, containerBytes: length, read: { read(start + $0, $1) }) {
            var pv = pv
            pv.place = place
            pv.headerOffset += start
            found.append(pv)
        }
        // btrfs: primary superblock at 64 KiB.
        if length >= 0x11000, let sb = read(start + 0x10000, 4096), var m = btrfs(sb, containerBytes: length) {
            m.place = place
            m.headerOffset = start + 0x10000
            found.append(m)
        }
        // ZFS: label 0 at the start (nvlist at 16 KiB, uberblocks at 128 KiB).
        if length >= 4 << 20, let label = read(start, 256 << 10), var m = zfs(label, containerBytes: length) {
            m.place = place
            m.headerOffset = start
            found.append(m)
        }
        // md 1.1 at 0, 1.2 at 4 KiB, 1.0 at (sectors − 16) rounded down to 8 sectors.
        var mdOffsets: [UInt64] = [0, 4096]
        if length >= 12 * 1024 { mdOffsets.append((((length / 512) - 16) & ~7) * 512) }
        var mdFound = false
        for offset in mdOffsets {
            if let sb = read(start + offset, 4096), var m = md(sb, at: offset, containerBytes: length) {
                m.place = place
                m.headerOffset = start + offset
                found.append(m)
                mdFound = true
                break
            }
        }
        // md 0.90: 4 KiB in the last 64 KiB-aligned 64 KiB.
        if !mdFound, length >= 128 << 10 {
            let offset = (length & ~0xffff) - 0x10000
            if let sb = read(start + offset, 4096), var m = md090(sb, at: offset, containerBytes: length) {
                m.place = place
                m.headerOffset = start + offset
                found.append(m)
            }
        }
        return found
    }

    // MARK: md (Linux software RAID), superblock format 1.x

    /// The md 1.x superblock magic.
    static let mdMagic: UInt32 = 0xa92b_4efc

    /// An md 1.x superblock found at `offset` of its container (`struct mdp_superblock_1`
    /// of the kernel's md_p.h); nil unless the magic, version, checksum and `super_offset`
    /// agree with where it was found.
    public static func md(_ sb: [UInt8], at offset: UInt64, containerBytes: UInt64) -> MultiDeviceMember? {
        guard sb.count >= 1024, LittleEndian.u32(sb, 0) == mdMagic, LittleEndian.u32(sb, 4) == 1 else { return nil }
        let maxDev = Int(LittleEndian.u32(sb, 220))
        guard maxDev <= 384, 256 + 2 * maxDev <= sb.count else { return nil }
        guard LittleEndian.u32(sb, 216) == mdChecksum(sb, maxDev: maxDev) else { return nil }
        let superOffset = LittleEndian.u64(sb, 144)
        guard superOffset * 512 == offset else { return nil }
        let version = offset == 0 ? "1.1" : offset == 4096 ? "1.2" : "1.0"
        let devNumber = Int(LittleEndian.u32(sb, 160))
        var role: Int?
        if devNumber < maxDev {
            let r = LittleEndian.u16(sb, 256 + 2 * devNumber)
            if r < 0xfffe { role = Int(r) }
        }
        let level = Int32(bitPattern: LittleEndian.u32(sb, 72))
        let dataOffset = LittleEndian.u64(sb, 128), dataSize = LittleEndian.u64(sb, 136)
        // 1.0 sits at the device's end: the device is its offset + 8 KiB, up to 4 KiB more
        // (mdadm rounds the offset down to 4 KiB). 1.1/1.2: the data area ends at the device's
        // end, up to 4 KiB more (mdadm rounds the data size down to 4 KiB).
        let claim: UInt64
        let field: String
        if version == "1.0" {
            claim = (superOffset + 16) * 512
            field = "md 1.0 super_offset \(superOffset)"
        } else {
            let (end, overflow) = (dataOffset &+ dataSize).multipliedReportingOverflow(by: 512)
            claim = overflow ? .max : end
            field = "md \(version) data_offset \(dataOffset) + data_size \(dataSize) sectors"
        }
        let name = nullTerminated(sb, 32, 32)
        return MultiDeviceMember(
            place: "", format: "md", version: version, memberID: plainUUID(sb, 168), memberKind: "md device UUID",
            setID: plainUUID(sb, 16), setKind: "md array UUID", setName: name.isEmpty ? nil : name, role: role,
            deviceCount: Int(LittleEndian.u32(sb, 92)), level: level >= 0 ? "raid\(level)" : "level \(level)",
            headerOffset: offset, containerBytes: containerBytes, claimedDeviceBytes: claim, claimSlackBytes: 4096,
            claimField: field)
    }

    /// An md 0.90 superblock (`mdp_super_t` of md_p.h, 1024 little-endian words); nil unless
    /// the magic, version and checksum hold. 0.90 has no device UUID: a member is its array
    /// UUID and its disk number (`this_disk.number`), so that is the member identity.
    public static func md090(_ sb: [UInt8], at offset: UInt64, containerBytes: UInt64) -> MultiDeviceMember? {
        guard sb.count >= 4096, LittleEndian.u32(sb, 0) == mdMagic, LittleEndian.u32(sb, 4) == 0 else { return nil }
        var sum: UInt64 = 0
        for word in 0..<1024 where word != 38 { sum &+= UInt64(LittleEndian.u32(sb, word * 4)) }
        guard LittleEndian.u32(sb, 152) == UInt32(truncatingIfNeeded: (sum & 0xffff_ffff) &+ (sum >> 32)) else { return nil }
        let uuid = Array(sb[20..<24]) + Array(sb[52..<64])
        let setID = plainUUID(uuid, 0)
        let number = LittleEndian.u32(sb, 992 * 4)
        let raidDisk = LittleEndian.u32(sb, 995 * 4)
        let level = Int32(bitPattern: LittleEndian.u32(sb, 7 * 4))
        return MultiDeviceMember(
            place: "", format: "md", version: "0.90", memberID: "\(setID)/\(number)",
            memberKind: "md 0.90 array UUID/disk number", setID: setID, setKind: "md array UUID", role: Int(raidDisk),
            deviceCount: Int(LittleEndian.u32(sb, 10 * 4)), level: level >= 0 ? "raid\(level)" : "level \(level)",
            headerOffset: offset, containerBytes: containerBytes, claimedDeviceBytes: offset + 0x10000,
            claimSlackBytes: 0xffff, claimField: "md 0.90 superblock position")
    }

    /// `calc_sb_1_csum` of mdadm's super1.c: the 32-bit little-endian words of the first
    /// 256 + 2 × max_dev bytes summed into 64 bits with the checksum field taken as zero,
    /// then folded.
    static func mdChecksum(_ sb: [UInt8], maxDev: Int) -> UInt32 {
        let size = 256 + 2 * maxDev
        var sum: UInt64 = 0
        var i = 0
        while i + 4 <= size {
            if i != 216 { sum &+= UInt64(LittleEndian.u32(sb, i)) }
            i += 4
        }
        if size % 4 == 2 { sum &+= UInt64(LittleEndian.u16(sb, size - 2)) }
        return UInt32(truncatingIfNeeded: (sum & 0xffff_ffff) &+ (sum >> 32))
    }

    // MARK: btrfs

    /// A btrfs superblock (the 4 KiB at 64 KiB of a device); nil unless the magic and the
    /// CRC-32C checksum hold. Members of a multi-device filesystem share the fsid; each has
    /// its own device UUID and devid, and `dev_item.total_bytes` is its device's size.
    public static func btrfs(_ sb: [UInt8], containerBytes: UInt64) -> MultiDeviceMember? {
        guard sb.count >= 4096, LittleEndian.matches(sb, at: 64, "_BHRfS_M") else { return nil }
        guard LittleEndian.u16(sb, 196) == 0, LittleEndian.u32(sb, 0) == CRC32C.checksum(Array(sb[32..<4096])) else { return nil }
        let label = nullTerminated(sb, 299, 256)
        return MultiDeviceMember(
            place: "", format: "btrfs", memberID: plainUUID(sb, 267), memberKind: "btrfs device UUID",
            setID: plainUUID(sb, 32), setKind: "btrfs fsid", setName: label.isEmpty ? nil : label,
            role: Int(clamping: LittleEndian.u64(sb, 201)), deviceCount: Int(clamping: LittleEndian.u64(sb, 136)),
            headerOffset: 0x10000, containerBytes: containerBytes,
            claimedDeviceBytes: LittleEndian.u64(sb, 209), claimSlackBytes: 4096,
            claimField: "btrfs dev_item.total_bytes")
    }

    // MARK: LVM2 physical volume

    /// An LVM2 PV label in the first four sectors of `head` (`struct label_header` and
    /// `struct pv_header` of LVM's label.h / format_text/layout.h); nil unless "LABELONE",
    /// the sector number and the label CRC hold. The volume group's name and id come from the
    /// metadata text when `read` (offsets relative to the container) can supply it.
    public static func lvm(_ head: [UInt8], containerBytes: UInt64, read: (UInt64, Int) -> [UInt8]?) -> MultiDeviceMember? {
        guard let (base, label, pvOffset, rawID) = lvmLabel(head) else { return nil }
        var member = MultiDeviceMember(
            place: "", format: "lvm2", version: String(decoding: label[24..<32], as: UTF8.self),
            memberID: lvmID(rawID), memberKind: "LVM PV UUID", headerOffset: UInt64(base),
            containerBytes: containerBytes, claimedDeviceBytes: LittleEndian.u64(label, pvOffset + 32),
            claimSlackBytes: 0, claimField: "LVM PV header device_size")
        if let vg = lvmVolumeGroup(label, pvOffset: pvOffset, read: read) {
            member.setName = vg.name
            member.setID = vg.id
            member.setKind = "LVM VG id"
            member.deviceCount = vg.pvCount
        }
        return member
    }

    /// The PV label in the first four sectors of `head`: its offset, its 512 bytes, where
    /// its pv_header starts, and the PV's raw (undashed) id.
    static func lvmLabel(_ head: [UInt8]) -> (base: Int, label: [UInt8], pvOffset: Int, rawID: String)? {
        for sector in 0..<4 {
            let base = sector * 512
            guard head.count >= base + 512 else { break }
            guard LittleEndian.matches(head, at: base, "LABELONE") else { continue }
            let label = Array(head[base..<base + 512])
            guard LittleEndian.u64(label, 8) == UInt64(sector) else { continue }
            guard LittleEndian.u32(label, 16) == lvmCRC(Array(label[20..<512])) else { continue }
            let pvOffset = Int(LittleEndian.u32(label, 20))
            guard pvOffset >= 32, pvOffset + 40 <= 512 else { continue }
            let rawID = String(decoding: label[pvOffset..<pvOffset + 32], as: UTF8.self)
            guard rawID.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { continue }
            return (base, label, pvOffset, rawID)
        }
        return nil
    }

    /// The PV's raw id and the newest metadata text of its first metadata area, when the
    /// label is in `head` (the PV's first four sectors) and `read` (offsets relative to
    /// the PV) has the text.
    public static func lvmMetadata(_ head: [UInt8], read: (UInt64, Int) -> [UInt8]?) -> (pvID: String, text: String)? {
        guard let (_, label, pvOffset, rawID) = lvmLabel(head), let text = lvmText(label, pvOffset: pvOffset, read: read) else {
            return nil
        }
        return (rawID, text)
    }

    /// The VG name, id and PV count from the newest metadata text of the PV's first
    /// metadata area, when it was read.
    static func lvmVolumeGroup(_ label: [UInt8], pvOffset: Int, read: (UInt64, Int) -> [UInt8]?) -> (name: String, id: String, pvCount: Int?)? {
        guard let text = lvmText(label, pvOffset: pvOffset, read: read), let brace = text.firstIndex(of: "{") else { return nil }
        let name = text[..<brace].trimmingWhitespaceAndNewlines()
        guard !name.isEmpty, let idRange = text.firstRange(of: "id = \"") else { return nil }
        let afterID = text[idRange.upperBound...]
        guard let close = afterID.firstIndex(of: "\"") else { return nil }
        let pvCount = text.components(separatedBy: "\n").filter { $0.trimmingWhitespace().hasPrefix("pv") && $0.contains("{") }.count
        return (name, String(afterID[..<close]).lowercased(), pvCount > 0 ? pvCount : nil)
    }

    /// The newest metadata text of the PV's first metadata area (`struct mda_header`'s
    /// first raw location), when `read` has it.
    static func lvmText(_ label: [UInt8], pvOffset: Int, read: (UInt64, Int) -> [UInt8]?) -> String? {
        // pv_header: uuid[32], device_size, then data areas and metadata areas, each list
        // of {offset, size} ended by a zero offset.
        var pos = pvOffset + 40
        var lists: [[(UInt64, UInt64)]] = [[], []]
        for list in 0..<2 {
            while pos + 16 <= 512 {
                let offset = LittleEndian.u64(label, pos), size = LittleEndian.u64(label, pos + 8)
                pos += 16
                if offset == 0 { break }
                lists[list].append((offset, size))
            }
        }
        guard let mda = lists[1].first, let header = read(mda.0, 512),
              LittleEndian.matches(header, at: 4, " LVM2 x[5A%r0N*>") else { return nil }
        // raw_locns[0] at 40: offset (from the area's start), size, checksum, flags.
        let textOffset = LittleEndian.u64(header, 40), textSize = LittleEndian.u64(header, 48)
        guard textOffset > 0, textSize > 0, textSize <= 1 << 20, textOffset < mda.1,
              let textBytes = read(mda.0 + textOffset, Int(min(textSize, mda.1 - textOffset))) else { return nil }
        return String(decoding: textBytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// LVM's `calc_crc` (lib/misc/crc.c): reflected CRC-32 with the initial value 0xf597a6cf and
    /// no final inversion.
    static func lvmCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xf597_a6cf
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return crc
    }

    /// The 32-character LVM id dashed 6-4-4-4-4-4-6, as libblkid and `pvs` print it.
    static func lvmID(_ raw: String) -> String {
        let chars = Array(raw)
        var out = ""
        var i = 0
        for (n, width) in [6, 4, 4, 4, 4, 4, 6].enumerated() {
            if n > 0 { out.append("-") }
            out += String(chars[i..<min(i + width, chars.count)])
            i += width
        }
        return out.lowercased()
    }

    // MARK: ZFS

    /// A ZFS vdev label (256 KiB: the XDR nvlist at 16 KiB, uberblocks at 128 KiB); nil unless
    /// an uberblock carries the magic and the nvlist names the pool and the vdev. GUIDs are
    /// decimal, as libblkid prints them. The role is the leaf's place among its mirror's
    /// children; the device size is `vdev_tree.asize` plus the 4.5 MiB of labels and boot
    /// area, recorded only for a single-device top-level vdev (a mirror's asize is its smallest child's).
    public static func zfs(_ label: [UInt8], containerBytes: UInt64) -> MultiDeviceMember? {
        guard label.count >= 256 << 10 else { return nil }
        let hasUberblock = (0..<128).contains { i in
            let magic = LittleEndian.u64(label, (128 << 10) + i * 1024)
            return magic == 0x00ba_b10c || magic == 0x0cb1_ba00_0000_0000
        }
        guard hasUberblock else { return nil }
        var reader = XDRNVList(bytes: Array(label[(16 << 10)..<(128 << 10)]))
        guard let top = reader.topLevel(), case .u64(let pool)? = top["pool_guid"], case .u64(let guid)? = top["guid"] else {
            return nil
        }
        var role: Int?
        var count: Int?
        var claim: UInt64?
        var level: String?
        if case .list(let tree)? = top["vdev_tree"] {
            if case .string(let type)? = tree["type"] { level = type }
            if case .lists(let children)? = tree["children"] {
                count = children.count
                role = children.firstIndex { child in
                    if case .u64(let g)? = child["guid"] { return g == guid }
                    return false
                }
            }
            if case .string(let type)? = tree["type"], type == "disk" || type == "file", case .u64(let asize)? = tree["asize"] {
                let (sum, overflow) = asize.addingReportingOverflow((4 << 20) + (512 << 10))
                claim = overflow ? nil : sum
                count = count ?? 1
            }
        }
        var name: String?
        if case .string(let n)? = top["name"] { name = n }
        return MultiDeviceMember(
            place: "", format: "zfs", memberID: String(guid), memberKind: "ZFS vdev GUID", setID: String(pool),
            setKind: "ZFS pool GUID", setName: name, role: role, deviceCount: count, level: level, headerOffset: 0,
            containerBytes: containerBytes, claimedDeviceBytes: claim, claimSlackBytes: (256 << 10) + 4096,
            claimField: claim == nil ? nil : "ZFS label vdev_tree.asize + 4.5 MiB")
    }

    // MARK: helpers

    /// 16 bytes as a UUID in byte order (md, btrfs), lower-case and dashed as libblkid prints them.
    static func plainUUID(_ bytes: [UInt8], _ offset: Int) -> String {
        guard offset >= 0, offset + 16 <= bytes.count else { return "" }
        return String(unsafeUninitializedCapacity: 36) { out in
            var o = 0
            for n in 0..<16 {
                if n == 4 || n == 6 || n == 8 || n == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                let b = bytes[offset + n]
                out[o] = hexDigit(b >> 4, upper: false)
                out[o + 1] = hexDigit(b & 0x0f, upper: false)
                o += 2
            }
            return o
        }
    }

    /// A NUL-terminated string in a fixed field.
    static func nullTerminated(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> String {
        guard offset + width <= bytes.count else { return "" }
        let field = bytes[offset..<offset + width].prefix { $0 != 0 }
        return String(decoding: field, as: UTF8.self).filter { !$0.isASCII || ($0.asciiValue ?? 0) >= 32 }
    }
}

/// CRC-32C (Castagnoli, reflected 0x82F63B78, initial and final XOR 0xFFFFFFFF), as btrfs
/// checksums its superblocks.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32C of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// A reader of the XDR-encoded nvlists ZFS keeps in its labels (nvpair.c's XDR encoding:
/// a 4-byte header, then version and flags, then pairs of {encoded size, decoded size, name,
/// type, count, value}, ended by two zero words). Bounded: hostile sizes end the list.
struct XDRNVList {
    enum Value {
        case u64(UInt64)
        case string(String)
        case list([String: Value])
        case lists([[String: Value]])
    }

    let bytes: [UInt8]
    var pos = 0
    private var depth = 0
    /// Pairs left to read: hostile nesting ends here instead of running long.
    private var budget = 20_000

    init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func u32() -> UInt32? {
        guard pos >= 0, pos + 4 <= bytes.count else { return nil }
        defer { pos += 4 }
        return UInt32(bytes[pos]) << 24 | UInt32(bytes[pos + 1]) << 16 | UInt32(bytes[pos + 2]) << 8 | UInt32(bytes[pos + 3])
    }

    private mutating func string() -> String? {
        guard let n = u32(), n <= 4096, pos + Int(n) <= bytes.count else { return nil }
        let s = String(decoding: bytes[pos..<pos + Int(n)], as: UTF8.self)
        pos += (Int(n) + 3) & ~3
        return s
    }

    /// The top-level list: XDR encoding (header byte 1), then the embedded form.
    mutating func topLevel() -> [String: Value]? {
        guard bytes.count >= 4, bytes[0] == 1 else { return nil }
        pos = 4
        return embedded()
    }

    private mutating func embedded() -> [String: Value]? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 8, u32() != nil, u32() != nil else { return nil }
        var result: [String: Value] = [:]
        for _ in 0..<4096 {
            let start = pos
            budget -= 1
            guard budget > 0, let size = u32(), u32() != nil else { return nil }
            if size == 0 { return result }
            guard size >= 16, start + Int(size) <= bytes.count, let name = string(), let type = u32(), let count = u32() else {
                return nil
            }
            switch type {
            case 8 where count == 1:
                guard let hi = u32(), let lo = u32() else { return nil }
                result[name] = .u64(UInt64(hi) << 32 | UInt64(lo))
            case 9 where count == 1:
                guard let s = string() else { return nil }
                result[name] = .string(s)
            case 19 where count == 1:
                guard let list = embedded() else { return nil }
                result[name] = .list(list)
            case 20 where count <= 1024:
                var lists: [[String: Value]] = []
                for _ in 0..<count {
                    guard let list = embedded() else { return nil }
                    lists.append(list)
                }
                result[name] = .lists(lists)
            default:
                break
            }
            // A value that ran past its pair's size is malformed (and re-reading it could loop).
            guard pos <= start + Int(size) else { return nil }
            pos = start + Int(size)
        }
        return nil
    }
}
