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
func hexString<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
