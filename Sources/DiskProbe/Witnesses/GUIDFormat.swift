/// GUIDs as GPT stores them: the first three fields little-endian, the last two as bytes
/// ("mixed-endian"), printed upper-case and dashed, as `sgdisk` prints them.
public enum GUIDFormat {
    /// Formats the 16 bytes at `offset` of `bytes`; "" when fewer than 16 bytes remain.
    public static func string(_ bytes: [UInt8], at offset: Int = 0) -> String {
        guard offset >= 0, offset <= bytes.count - 16 else { return "" }
        // Written straight into the string's storage (one allocation per GUID): the three
        // little-endian fields byte-reversed (3 2 1 0 - 5 4 - 7 6), then bytes 8…15.
        return String(unsafeUninitializedCapacity: 36) { out in
            var o = 0
            for n in 0..<16 {
                if n == 4 || n == 6 || n == 8 || n == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                let b = bytes[offset + (n < 4 ? 3 - n : n < 6 ? 9 - n : n < 8 ? 13 - n : n)]
                out[o] = hexDigit(b >> 4, upper: true)
                out[o + 1] = hexDigit(b & 0x0f, upper: true)
                o += 2
            }
            return o
        }
    }

    /// Whether all 16 bytes at `offset` are zero (an unused GPT entry's type GUID).
    static func isZero(_ bytes: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset <= bytes.count - 16 else { return true }
        for i in offset..<offset + 16 where bytes[i] != 0 { return false }
        return true
    }
}
