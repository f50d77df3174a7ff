import DiskProbe
import FuzzSupport

/// libFuzzer target for the pure parsers alone (issue 17): bytes in, witnesses out — the
/// MBR and its raw entries, the GPT header and its entry array, the EBR chain walker, every
/// filesystem size parser, the multi-device member parsers (md, btrfs, LVM) and the LVM
/// metadata text parser. No probe, no shadow file, no libfdisk or libblkid, no allocation of
/// a volume, so it runs thousands of inputs a second; `fuzz-witnesses` keeps fuzzing the
/// whole probe around them.
///
/// The input is read as a disk: LBA 0 an MBR, LBA 1 a GPT header, the entry array it declares
/// after it (as much as the input holds), and the same bytes as a filesystem's head and as a
/// multi-device member's container. A header is also tried at 4096 bytes (a 4 KiB-sector label).
///
/// Build and run: `make fuzz` (scripts/fuzz.sh).
enum FuzzParsers {
    static func run(_ bytes: [UInt8]) {
        // The MBR parsers read LBA 0's first 512 bytes whatever the sector size (and take
        // shorter input too: nil, no entries).
        let lba0 = Array(bytes.prefix(512))
        _ = MBRParser.parse(lba0)
        let raw = MBRParser.rawEntries(lba0)
        for sector in [512, 4096] where bytes.count >= sector {
            if bytes.count >= 2 * sector, let header = GPTHeaderParser.parse(Array(bytes[sector..<2 * sector])) {
                _ = GPTHeaderParser.entriesArraySize(header)
                _ = GPTHeaderParser.entriesSectors(header, sectorSize: sector)
                // The entry array the header declares, as the probe reads it (WitnessReader),
                // cut at the input's end; an absurd declaration still gets its entries parsed,
                // from the 16 KiB a usual array fills. Not the whole rest of the input: CRC and
                // entry parsing of 128 KiB per input and sector size was most of the target's
                // time, and the fuzzer reaches any length through the count and size fields.
                var length = 16 << 10
                if case .bytes(let n) = GPTHeaderParser.entriesArraySize(header) { length = n }
                let entries = Array(bytes[(2 * sector)...].prefix(length))
                _ = GPTEntryParser.parse(entries, entrySize: Int(header.entrySize))
                _ = GPTHeaderParser.entriesCRC(entries)
            }
            let sectors = UInt64(max(1, bytes.count / sector))
            for entry in raw where MBRParser.extendedTypes.contains(entry.typeByte) {
                _ = DOSExtendedChain.walkReporting(extendedStartLBA: entry.entry.startLBA, extendedSectors: entry.entry.sectors,
                                                   limit: 64) { lba in
                    let s = Int(lba % sectors) * sector
                    return s + sector <= bytes.count ? Array(bytes[s..<s + sector]) : nil
                }
            }
        }
        for type in FilesystemSizeParser.parsedTypes {
            _ = FilesystemSizeParser.claim(type: type, head: bytes)
        }
        for type in ["ext4", "xfs", "ntfs", "btrfs"] {
            if let end = FilesystemEndParser.witness(type: type, head: bytes) { _ = end.holds(bytes) }
            for inside in FilesystemEndParser.interior(type: type, head: bytes) { _ = inside.holds(bytes) }
        }
        // The multi-device member parsers, with the input as the head of a container whose
        // tail repeats it (md 0.90/1.0 keep their superblock near the end).
        let length = UInt64(max(bytes.count, 1)) * 4
        _ = MultiDeviceMembers.find(place: "fuzz", start: 0, length: length) { offset, count in
            guard count >= 0 else { return nil }
            let position = Int(offset % UInt64(max(bytes.count, 1)))
            guard position + count <= bytes.count else { return nil }
            return Array(bytes[position..<position + count])
        }
        // The LVM metadata text parser, with the input as the text (a PV's metadata area).
        if let vg = LVMMetadata.volumeGroup(String(decoding: bytes, as: UTF8.self)) {
            for lv in vg.logicalVolumes { _ = lv.sizeBytes(extentBytes: vg.extentBytes) }
        }
    }
}

/// Entry point: libFuzzer with `-DFUZZING`, else a replay of the files named.
@main
enum FuzzParsersMain {
    static func main() { FuzzDriver.run(FuzzParsers.run) }
}
