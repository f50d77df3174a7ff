import BlockAccess
import DiskProbe
import Foundation
import FuzzSupport

/// libFuzzer target for the raw GPT/MBR witness parsers, the filesystem size parsers, the
/// multi-device member parsers and the whole probe.
///
/// The input is a small disk image: LBA 0 an MBR, LBA 1 a GPT header, then entries. It is
/// fed to the pure parsers, the EBR chain walker (sectors taken modulo the image, so loops
/// happen), and `DiskProber.probe` on an in-memory volume whose last sector repeats the
/// input's second sector (so backup and end-of-device header paths run too).
///
/// Build and run: `make fuzz` (scripts/fuzz.sh).
enum FuzzWitnesses {
    static func run(_ bytes: [UInt8]) {
        let sector = 512
        _ = MBRParser.parse(Array(bytes.prefix(sector)))
        let raw = MBRParser.rawEntries(Array(bytes.prefix(sector)))
        if bytes.count > sector, let header = GPTHeaderParser.parse(Array(bytes.dropFirst(sector).prefix(sector))) {
            _ = GPTHeaderParser.entriesArraySize(header)
            _ = GPTHeaderParser.entriesSectors(header, sectorSize: sector)
            // The declared entry array, cut at the input's end, as fuzz-parsers reads it.
            var length = 16 << 10
            if case .bytes(let n) = GPTHeaderParser.entriesArraySize(header) { length = n }
            let entries = Array(bytes.dropFirst(2 * sector).prefix(length))
            _ = GPTEntryParser.parse(entries, entrySize: Int(header.entrySize))
            _ = GPTHeaderParser.entriesCRC(entries)
        }
        let sectors = UInt64(max(1, bytes.count / sector))
        for entry in raw where MBRParser.extendedTypes.contains(entry.typeByte) {
            _ = DOSExtendedChain.walk(extendedStartLBA: entry.entry.startLBA, extendedSectors: entry.entry.sectors) { lba in
                let s = Int(lba % sectors) * sector
                return s + sector <= bytes.count ? Array(bytes[s..<s + sector]) : nil
            }
        }
        // Issue 9: the filesystem size parsers, each on the input as a filesystem's head.
        for type in FilesystemSizeParser.parsedTypes {
            _ = FilesystemSizeParser.claim(type: type, head: bytes)
        }
        for type in ["ext4", "xfs", "ntfs", "btrfs"] {
            if let end = FilesystemEndParser.witness(type: type, head: bytes) { _ = end.holds(bytes) }
        }
        // The whole probe, libfdisk and libblkid included, on an image of at least 64 KiB.
        let size = UInt64(max(bytes.count, 64 << 10) + sector - 1) / UInt64(sector) * UInt64(sector)
        let volume = MemoryVolume(name: "fuzz", sizeBytes: size)
        volume.set(bytes, at: 0)
        if bytes.count >= 2 * sector { volume.set(Array(bytes[sector..<2 * sector]), at: size - UInt64(sector)) }
        _ = try? DiskProber.probe(volume)
        // Issue 21: the multi-device member parsers (LDM, DDF and IMSM included), the input
        // read at any offset modulo its length, so every structure they follow is hostile.
        guard !bytes.isEmpty else { return }
        let anywhere: (UInt64, Int) -> [UInt8]? = { offset, count in
            guard count <= 256 << 10 else { return nil }
            precondition(count >= 0, "a parser asked for \(count) bytes")
            // Whole runs of the input, wrapping at its end (not one closure call per byte).
            var out: [UInt8] = []
            out.reserveCapacity(count)
            var position = Int(offset % UInt64(bytes.count))
            while out.count < count {
                let run = min(count - out.count, bytes.count - position)
                out += bytes[position..<position + run]
                position = 0
            }
            return out
        }
        _ = MultiDeviceMembers.find(place: "whole disk", start: 0, length: size, read: anywhere, fetch: anywhere)
        _ = MultiDeviceMembers.ldm(Array(bytes.prefix(sector)), at: 0, gpt: true, sectorSize: sector, diskBytes: size, fetch: anywhere)
    }
}

/// Entry point: libFuzzer with `-DFUZZING`, else a replay of the files named.
@main
enum FuzzWitnessesMain {
    static func main() { FuzzDriver.run(FuzzWitnesses.run) }
}
