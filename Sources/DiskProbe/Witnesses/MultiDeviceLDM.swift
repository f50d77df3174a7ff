/// Windows dynamic disks (Logical Disk Manager, LDM): every disk of a disk group carries the
/// group's whole database, and a PRIVHEAD naming this disk (its disk GUID, the member identity)
/// and the group (its disk group GUID, shared by every member), with the sizes Windows wrote
/// for this disk: the data area (logical disk start and size) and the 1 MiB database (config
/// start and size). On an MBR dynamic disk (a partition of type 0x42) the PRIVHEAD is sector
/// 6 and the database fills the disk's last 1 MiB; on a GPT dynamic disk the PRIVHEAD is the
/// last sector of the "LDM metadata" partition, which holds the database, and the "LDM data"
/// partition is the data area (README.md, "Multi-device guest storage"; docs/PROBE.md).
///
/// Every LDM field is big-endian; offsets and sizes are in logical sectors.
extension MultiDeviceMembers {
    /// GPT partition type of the LDM database partition.
    public static let ldmMetadataType = "5808c8aa-7e8f-42e0-85d2-e1e90434cfb3"
    /// GPT partition type of the LDM data partition.
    public static let ldmDataType = "af9b60a0-1431-4f62-bc68-3311714a69ad"
    /// How far below the disk's size the database (MBR) or the data area plus the backup GPT
    /// (GPT) may end: Windows aligns them down, at most to a 1 MiB boundary.
    static let ldmSlackBytes: UInt64 = 1 << 20

    /// The LDM member of an MBR dynamic disk: a DOS label (0x55AA) with a partition of type
    /// 0x42, and a PRIVHEAD at sector 6. `read` gives copied bytes; `fetch` may read more (the
    /// database at the disk's end), bounded to a few sectors.
    static func ldmFromMBR(length: UInt64, sectorSize: Int, read: (UInt64, Int) -> [UInt8]?,
                           fetch: (UInt64, Int) -> [UInt8]?) -> MultiDeviceMember? {
        let ss = UInt64(sectorSize)
        guard length >= 8 * ss, let mbr = read(0, 512), mbr.count == 512, mbr[510] == 0x55, mbr[511] == 0xAA,
              (0..<4).contains(where: { mbr[446 + 16 * $0 + 4] == 0x42 }),
              let head = read(6 * ss, 512) else { return nil }
        return ldm(head, at: 6 * ss, gpt: false, sectorSize: sectorSize, diskBytes: length, fetch: fetch)
    }

    /// An LDM PRIVHEAD read at byte `offset` of a disk of `diskBytes`; nil unless the magic,
    /// the version (2.11 or 2.12), both GUIDs and the area fields hold. The TOCBLOCK and VMDB
    /// are read with `fetch` when it can: the VMDB gives the group's name and its disk count.
    public static func ldm(_ ph: [UInt8], at offset: UInt64, gpt: Bool, sectorSize: Int, diskBytes: UInt64,
                           fetch: (UInt64, Int) -> [UInt8]?) -> MultiDeviceMember? {
        guard ph.count >= 512, LittleEndian.matches(ph, at: 0, "PRIVHEAD"), BigEndian.u16(ph, 12) == 2,
              [11, 12].contains(BigEndian.u16(ph, 14)),
              let disk = guidText(ph, 48, 64), let group = guidText(ph, 176, 64) else { return nil }
        guard (512...65536).contains(sectorSize) else { return nil }
        let ss = UInt64(sectorSize)
        let dataStart = BigEndian.u64(ph, 283), dataSize = BigEndian.u64(ph, 291)
        let configStart = BigEndian.u64(ph, 299), configSize = BigEndian.u64(ph, 307)
        // The database is 1 MiB (2048 sectors of 512 bytes; fewer, larger sectors on 4Kn).
        // (Each field below 2^40 sectors, so no sum or product below overflows.)
        guard configSize > 0, configSize <= (64 << 20) / ss, dataStart < 1 << 40, dataSize < 1 << 40, configStart < 1 << 40
        else { return nil }
        var member = MultiDeviceMember(
            place: "whole disk", format: "ldm", version: "\(BigEndian.u16(ph, 12)).\(BigEndian.u16(ph, 14))",
            memberID: disk, memberKind: "LDM disk GUID", setID: group, setKind: "LDM disk group GUID",
            setName: nonEmpty(nullTerminated(ph, 240, 32)), headerOffset: offset, containerBytes: diskBytes,
            claimSlackBytes: ldmSlackBytes)
        if gpt {
            // The data partition ends where the backup GPT's entries (16 KiB) and header begin.
            let backup = 1 + 16384 / ss
            member.claimedDeviceBytes = (dataStart + dataSize + backup) * ss
            member.claimField = "LDM PRIVHEAD logical_disk_start \(dataStart) + logical_disk_size \(dataSize) + \(backup) sectors of backup GPT"
        } else {
            // MBR: the database is the disk's last 1 MiB; the data area lies before it.
            guard dataStart + dataSize <= configStart else { return nil }
            member.claimedDeviceBytes = (configStart + configSize) * ss
            member.claimField = "LDM PRIVHEAD config_start \(configStart) + config_size \(configSize) sectors"
            // The database keeps two PRIVHEAD copies (its sectors 1856 and 2047). One naming
            // another disk of the same group: the front (sector 6) was written over.
            if configSize * ss == 1 << 20 {
                for copy: UInt64 in [1856, 2047].map({ $0 * 512 / ss }) {
                    guard let other = fetch(configStart * ss + copy * ss, 512), other.count == 512,
                          LittleEndian.matches(other, at: 0, "PRIVHEAD"), guidText(other, 176, 64) == group,
                          let otherDisk = guidText(other, 48, 64) else { continue }
                    if otherDisk != disk { member.staleMemberID = otherDisk }
                    break
                }
            }
        }
        // The TOCBLOCK (sectors 1 and 2 of the database, copies at 2045 and 2046) names the
        // "config" area, whose first sector is the VMDB.
        let config = configStart * ss
        for tocSector: UInt64 in [1, 2, 2045, 2046] where tocSector < configSize {
            guard let toc = fetch(config + tocSector * ss, 512), toc.count == 512,
                  LittleEndian.matches(toc, at: 0, "TOCBLOCK") else { continue }
            guard let bitmap = [36, 70].first(where: { nullTerminated(toc, $0, 8) == "config" }) else { continue }
            let vmdbSector = BigEndian.u64(toc, bitmap + 10)
            guard vmdbSector < configSize, let vmdb = fetch(config + vmdbSector * ss, 512), vmdb.count == 512,
                  LittleEndian.matches(vmdb, at: 0, "VMDB"), guidText(vmdb, 53, 64) == group else { break }
            member.setName = nonEmpty(nullTerminated(vmdb, 22, 31)) ?? member.setName
            let disks = BigEndian.u32(vmdb, 145)
            if disks > 0, disks <= 1024 { member.deviceCount = Int(disks) }
            break
        }
        return member
    }

    /// A GUID kept as ASCII text in a fixed field ("xxxxxxxx-xxxx-…"), lower-case; nil unless
    /// it is one.
    static func guidText(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> String? {
        let text = nullTerminated(bytes, offset, width)
        guard text.utf8.count == 36 else { return nil }
        for (i, c) in text.utf8.enumerated() {
            let dash = i == 8 || i == 13 || i == 18 || i == 23
            guard dash ? c == UInt8(ascii: "-") : (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 102) else { return nil }
        }
        return text.lowercased()
    }

    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
