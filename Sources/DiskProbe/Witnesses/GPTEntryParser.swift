/// One used entry of a GPT partition entry array, decoded without libfdisk.
public struct GPTEntry: Sendable, Equatable {
    /// 1-based position in the array, as `sgdisk -p` numbers it.
    public var number: Int
    public var typeGUID: String
    public var uniqueGUID: String
    public var firstLBA: UInt64
    /// Inclusive.
    public var lastLBA: UInt64
    public var attributes: UInt64
    public var name: String
}

/// Decodes GPT entry arrays. A total function of its input.
public enum GPTEntryParser {
    /// The used entries (type GUID not all zeros) of `array`, `entrySize` bytes each.
    /// Returns [] when `entrySize` is below 128.
    public static func parse(_ array: [UInt8], entrySize: Int) -> [GPTEntry] {
        guard entrySize >= 128 else { return [] }
        var result: [GPTEntry] = []
        var base = 0
        var number = 1
        while base <= array.count - 128 {
            if !GUIDFormat.isZero(array, at: base) {
                // The UTF-16LE name up to its first NUL (36 units at most), decoded from a
                // stack buffer: no array per entry.
                let name = withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 36) { units in
                    var n = 0
                    for i in stride(from: 56, to: 128, by: 2) {
                        let u = LittleEndian.u16(array, base + i)
                        if u == 0 { break }
                        units[n] = u
                        n += 1
                    }
                    return n == 0 ? "" : String(decoding: UnsafeBufferPointer(rebasing: units[..<n]), as: UTF16.self)
                }
                result.append(GPTEntry(
                    number: number,
                    typeGUID: GUIDFormat.string(array, at: base),
                    uniqueGUID: GUIDFormat.string(array, at: base + 16),
                    firstLBA: LittleEndian.u64(array, base + 32),
                    lastLBA: LittleEndian.u64(array, base + 40),
                    attributes: LittleEndian.u64(array, base + 48),
                    name: name))
            }
            base += entrySize
            number += 1
        }
        return result
    }
}
