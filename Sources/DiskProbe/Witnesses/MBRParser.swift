/// Parses LBA 0 as an MBR (protective or legacy), independently of libfdisk.
///
/// A total function of its input: any bytes give a value or nil, never a trap.
public enum MBRParser {
    /// DOS partition types that hold an extended partition's EBR chain.
    public static let extendedTypes: Set<UInt8> = [0x05, 0x0F, 0x85]
    /// The GPT protective entry's type.
    public static let protectiveType: UInt8 = 0xEE

    /// The MBR in `sector` (at least 512 bytes), or nil when it is shorter or all zeros.
    public static func parse(_ sector: [UInt8]) -> MBRWitness? {
        guard sector.count >= 512 else { return nil }
        guard sector[0..<512].contains(where: { $0 != 0 }) else { return nil }
        let entries = rawEntries(sector)
        let protective = entries.first { $0.typeByte == protectiveType }
        return MBRWitness(
            bootSignatureValid: sector[510] == 0x55 && sector[511] == 0xAA,
            diskSignature: hexID(LittleEndian.u32(sector, 440)),
            entries: entries.map(\.entry),
            protectiveSizeLBA: protective.map { $0.entry.sectors })
    }

    /// One partition entry with its raw type byte.
    public struct RawEntry: Sendable, Equatable {
        public var entry: MBREntry
        public var typeByte: UInt8
    }

    /// The non-empty entries of a 4-slot table at offset 446 of `sector` (MBR or EBR).
    public static func rawEntries(_ sector: [UInt8]) -> [RawEntry] {
        guard sector.count >= 512 else { return [] }
        var result: [RawEntry] = []
        for i in 0..<4 {
            let base = 446 + 16 * i
            let type = sector[base + 4]
            let start = UInt64(LittleEndian.u32(sector, base + 8))
            let sectors = UInt64(LittleEndian.u32(sector, base + 12))
            if type == 0, start == 0, sectors == 0 { continue }
            result.append(RawEntry(
                entry: MBREntry(index: i + 1, bootable: sector[base] == 0x80, type: hexByte(type),
                                startLBA: start, sectors: sectors),
                typeByte: type))
        }
        return result
    }

    /// "0x1234abcd", as fdisk prints a DOS disk identifier.
    static func hexID(_ value: UInt32) -> String {
        let s = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
    }

    /// "0x83", as fdisk prints a DOS partition type.
    static func hexByte(_ value: UInt8) -> String {
        let s = String(value, radix: 16)
        return "0x" + (s.count < 2 ? "0" + s : s)
    }
}
