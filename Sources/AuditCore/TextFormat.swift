#if canImport(Glibc)
import Glibc
#endif

/// The few number and string formats the tool writes, without full Foundation's
/// `String(format:)`, `padding(toLength:…)`, `trimmingCharacters(in:)` and
/// `replacingOccurrences(of:with:)` (docs/RELEASE.md, "Foundation and start-up"). Each
/// gives the same text as the Foundation call it replaces.
public enum TextFormat {
    /// `value` with `decimals` digits after the point, as printf's `%.Nf` ("12.35").
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let format = "%.\(max(0, min(decimals, 20)))f"
        let written = withVaList([value]) { arguments in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
        }
        if written >= 0 && Int(written) < buffer.count {
            return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return String(value)  // a value wider than 63 characters (|value| > 1e40)
    }

    /// `value` in decimal, at least `width` digits, zero-padded on the left, as `%0Nd`.
    public static func zeroPadded<T: BinaryInteger>(_ value: T, width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        let pad = max(0, width - sign.count - digits.count)
        return sign + String(repeating: "0", count: pad) + digits
    }

    /// `value` in hexadecimal, at least `width` digits, zero-padded, as `%0Nx` / `%0NX`.
    public static func hex<T: BinaryInteger & UnsignedInteger>(_ value: T, width: Int, uppercase: Bool = false) -> String {
        let digits = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// In full Foundation's `CharacterSet.whitespaces` (CoreFoundation's fixed list).
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// In full Foundation's `CharacterSet.newlines`.
    public static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Bytes as two hex digits each, no separator ("0aff…").
    public static func hex<S: Sequence>(bytes: S, uppercase: Bool = false) -> String where S.Element == UInt8 {
        let table: [UInt8] = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    /// Spaces and tabs (`CharacterSet.whitespaces`: U+0009, U+0020, U+00A0, U+1680,
    /// U+2000–U+200B, U+202F, U+205F, U+3000) removed from both ends.
    public func trimmingWhitespace() -> String { trimmingScalars(where: TextFormat.isSpace) }

    /// Those and line breaks (`CharacterSet.whitespacesAndNewlines`) removed from both ends.
    public func trimmingWhitespaceAndNewlines() -> String { trimmingScalars(where: { TextFormat.isSpace($0) || TextFormat.isNewline($0) }) }

    /// Line breaks (`CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028, U+2029) removed
    /// from both ends.
    public func trimmingNewlines() -> String { trimmingScalars(where: TextFormat.isNewline) }

    /// The scalars for which `drop` holds removed from both ends.
    public func trimmingScalars(where drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !drop($0) })!
        return String(scalars[first...last])
    }

    /// Every occurrence of `target` (compared scalar by scalar, left to right, not
    /// overlapping) replaced by `replacement`, as `replacingOccurrences(of:with:)`.
    public func replacingEvery(_ target: String, with replacement: String) -> String {
        let needle = Array(target.unicodeScalars)
        guard !needle.isEmpty else { return String(self) }
        let scalars = Array(unicodeScalars)
        guard scalars.count >= needle.count else { return String(self) }
        var out = String.UnicodeScalarView()
        var index = 0
        var changed = false
        while index < scalars.count {
            if index + needle.count <= scalars.count, scalars[index] == needle[0],
               scalars[index..<(index + needle.count)].elementsEqual(needle) {
                out.append(contentsOf: replacement.unicodeScalars)
                index += needle.count
                changed = true
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return changed ? String(out) : String(self)
    }
}

extension String {
    /// Cut or padded with spaces to `length` UTF-16 units, as
    /// `padding(toLength: length, withPad: " ", startingAt: 0)`.
    public func padded(toLength length: Int) -> String {
        let units = utf16.count
        if units == length { return self }
        if units < length { return self + String(repeating: " ", count: length - units) }
        return String(decoding: Array(utf16.prefix(max(0, length))), as: UTF16.self)
    }

    /// The range of the last occurrence of `target`, as `range(of:options: .backwards)`.
    public func lastRange(of target: String) -> Range<String.Index>? {
        guard !target.isEmpty else { return nil }
        var found: Range<String.Index>?
        var start = startIndex
        while start < endIndex, let range = self[start...].firstRange(of: target) {
            found = range
            start = index(after: range.lowerBound)
        }
        return found
    }
}

/// Path text as full Foundation's `NSString` path methods give it, for the few places that
/// join or split a path without touching the file system.
public enum PathText {
    /// `directory` and `name` joined by one slash (`appendingPathComponent`).
    public static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        if name.isEmpty { return directory }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The part after the last slash, trailing slashes ignored (`lastPathComponent`):
    /// "/a/b/" → "b", "/" → "/", "" → "".
    public static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// The path without its last component (`deletingLastPathComponent`): "/a/b" → "/a",
    /// "/a" → "/", "a" → "", "/" → "/".
    public static func deletingLastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        var parent = trimmed[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }

    /// `text` with its `%XX` escapes decoded; nil when an escape is malformed or the bytes
    /// are not UTF-8 (full Foundation's `removingPercentEncoding`).
    public static func percentDecoded<S: StringProtocol>(_ text: S) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
            utf8 = utf8.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `segment` percent-encoded for a URL path segment: every byte outside
    /// `!$&'()*+,-.0-9:=@A-Z_a-z~` as `%XX` (full Foundation's
    /// `addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)` without "/").
    public static func percentEncodedSegment(_ segment: String) -> String {
        let allowed = Set("!$&'()*+,-.0123456789:=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~".utf8)
        var out = ""
        for byte in segment.utf8 {
            if allowed.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + TextFormat.hex(byte, width: 2, uppercase: true)
            }
        }
        return out
    }
}
