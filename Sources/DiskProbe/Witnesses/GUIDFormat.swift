/// GUIDs as GPT stores them: the first three fields little-endian, the last two as bytes
/// ("mixed-endian"), printed upper-case and dashed, as `sgdisk` prints them.
public enum GUIDFormat {
    /// Formats the 16 bytes at `offset` of `bytes`; "" when fewer than 16 bytes remain.
    public static func string(_ bytes: [UInt8], at offset: Int = 0) -> String {
        guard offset >= 0, offset <= bytes.count - 16 else { return "" }
        let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for i in order {
            if i < 0 { out.append(UInt8(ascii: "-")); continue }
            let b = bytes[offset + i]
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether all 16 bytes at `offset` are zero (an unused GPT entry's type GUID).
    static func isZero(_ bytes: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset <= bytes.count - 16 else { return true }
        return bytes[offset..<offset + 16].allSatisfy { $0 == 0 }
    }
}
