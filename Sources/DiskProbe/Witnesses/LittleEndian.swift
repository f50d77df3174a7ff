/// Bounds-checked little-endian field reads from untrusted bytes.
///
/// A read that would pass the end of the buffer yields 0 rather than trapping, so parsers
/// built on it stay total functions of hostile input; parsers check lengths up front.
enum LittleEndian {
    /// The 16-bit little-endian value at `offset`, or 0 when out of range.
    static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: value(bytes, offset, width: 2))
    }

    /// The 32-bit little-endian value at `offset`, or 0 when out of range.
    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: value(bytes, offset, width: 4))
    }

    /// The 64-bit little-endian value at `offset`, or 0 when out of range.
    static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        value(bytes, offset, width: 8)
    }

    /// Whether `bytes` holds `magic` at `offset`; false when it would pass the end. Compares
    /// in place: a magic check allocates nothing (fuzz-parsers runs it on every input).
    static func matches(_ bytes: [UInt8], at offset: Int, _ magic: StaticString) -> Bool {
        magic.withUTF8Buffer { matches(bytes, at: offset, $0) }
    }

    /// Whether `bytes` holds the bytes of `magic` at `offset`; false when it would pass the end.
    static func matches<C: Collection<UInt8>>(_ bytes: [UInt8], at offset: Int, _ magic: C) -> Bool {
        guard offset >= 0, offset <= bytes.count - magic.count else { return false }
        var i = offset
        for m in magic {
            if bytes[i] != m { return false }
            i += 1
        }
        return true
    }

    private static func value(_ bytes: [UInt8], _ offset: Int, width: Int) -> UInt64 {
        guard offset >= 0, offset <= bytes.count - width else { return 0 }
        var result: UInt64 = 0
        for i in stride(from: width - 1, through: 0, by: -1) {
            result = (result << 8) | UInt64(bytes[offset + i])
        }
        return result
    }
}

/// Lower-case hex of bytes, as SHA-256 digests are printed.
func hexString<S: Sequence<UInt8>>(_ bytes: S) -> String { hexString(Array(bytes)) }

/// Lower-case hex of bytes, written straight into the string's storage.
func hexString<C: Collection<UInt8>>(_ bytes: C) -> String {
    String(unsafeUninitializedCapacity: 2 * bytes.count) { out in
        var i = 0
        for b in bytes {
            out[i] = hexDigit(b >> 4, upper: false)
            out[i + 1] = hexDigit(b & 0x0f, upper: false)
            i += 2
        }
        return i
    }
}

/// The ASCII hex digit of `nibble` (0…15).
@inline(__always)
func hexDigit(_ nibble: UInt8, upper: Bool) -> UInt8 {
    nibble < 10 ? 0x30 + nibble : (upper ? 0x37 : 0x57) + nibble
}
