/// CRC-32 as GPT uses it (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final
/// XOR 0xFFFFFFFF) — the same checksum as zlib's `crc32`.
public enum CRC32 {
    /// Slicing-by-8 tables: table 0 is the byte-at-a-time table of the reflected polynomial
    /// 0xEDB88320; table k (at k × 256) gives a byte's effect k bytes further on, so eight
    /// bytes fold into the register with eight independent lookups instead of a chain of eight.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { checksum(UnsafeRawBufferPointer($0)) }
    }

    /// The CRC-32 of the bytes in `buffer`.
    public static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        update(0xFFFF_FFFF, buffer) ^ 0xFFFF_FFFF
    }

    /// The CRC-32 of `bytes[range]` with the four bytes at `zeroed` taken as zero (a header
    /// whose own CRC field is excluded), computed in place without a copy. `range` and
    /// `zeroed` must lie within `bytes`, `zeroed` within `range`.
    static func checksum(_ bytes: [UInt8], _ range: Range<Int>, zeroing zeroed: Int) -> UInt32 {
        bytes.withUnsafeBytes { raw in
            let zeros: UInt32 = 0
            var crc = update(0xFFFF_FFFF, UnsafeRawBufferPointer(rebasing: raw[range.lowerBound..<zeroed]))
            crc = withUnsafeBytes(of: zeros) { update(crc, $0) }
            crc = update(crc, UnsafeRawBufferPointer(rebasing: raw[(zeroed + 4)..<range.upperBound]))
            return crc ^ 0xFFFF_FFFF
        }
    }

    /// Runs the register `crc` (before the final inversion) over `buffer`.
    static func update(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            // Eight bytes a turn from one 64-bit load (slicing-by-8), the register in a local.
            // Under AddressSanitizer with libFuzzer every load is a shadow check and every
            // test a traced comparison, and fuzz-parsers runs this on every entry array it is given.
            var crc = crc
            let count = buffer.count
            var i = 0
            while count - i >= 8 {
                let word = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let lo = crc ^ UInt32(truncatingIfNeeded: word)
                let hi = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < count {
                crc = t[Int((crc ^ UInt32(buffer[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
            return crc
        }
    }
}
