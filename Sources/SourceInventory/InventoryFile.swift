import AuditCore
import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Reads an inventory file's bytes, refusing what no inventory can be before any parser sees
/// it: a missing or unreadable file, something that is not a regular file (a FIFO or
/// `/dev/zero` would never end), more than `InventoryLimits.maximumFileBytes` (checked with
/// `stat`, after a look at the first 512 bytes only), an empty file, and binary content (NUL
/// bytes or invalid UTF-8). An OVA gives its .ovf descriptor (`OVAArchive`).
enum InventoryFile {
    /// The file's bytes, at most `InventoryLimits.maximumFileBytes` of them.
    static func read(path: String) throws(FieldError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FieldError(nil, "cannot open: \(Errno.current.message)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FieldError(nil, "not a regular file")
        }
        let handle: FileDescriptor
        do { handle = try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC) } catch {
            throw FieldError(nil, "cannot open: \(error.message)")
        }
        defer { _ = handle.close() }
        // An OVA (a tar archive whose first file is the .ovf descriptor) is read for that
        // descriptor alone, however large its disks: one 512-byte header tells.
        if let header = try? handle.readBytes(at: 0, count: 512), header.count == 512, OVAArchive.isTar(header) {
            return try OVAArchive.descriptor(handle, firstHeader: header)
        }
        let limit = InventoryLimits.maximumFileBytes
        if info.st_size > limit {
            throw FieldError(nil, "the file is \(ByteCount.describe(UInt64(info.st_size))), larger than the limit of \(ByteCount.describe(UInt64(limit))) for an inventory")
        }
        var data: [UInt8] = []
        do {
            // In chunks up to one byte past the limit: a file that grows is noticed.
            while data.count <= limit {
                let chunk = try handle.readBytes(at: UInt64(data.count), count: min(1 << 20, limit + 1 - data.count))
                if chunk.isEmpty { break }
                data += chunk
            }
        } catch {
            throw FieldError(nil, "cannot read: \(error.errno.message)")
        }
        if data.count > limit {
            throw FieldError(nil, "the file grew past the limit of \(ByteCount.describe(UInt64(limit))) while being read")
        }
        return data
    }

    /// The text of an inventory, without a UTF-8 byte order mark; refuses more than
    /// `InventoryLimits.maximumFileBytes`, an empty text and binary content.
    static func text(_ raw: [UInt8]) throws(FieldError) -> [UInt8] {
        let limit = InventoryLimits.maximumFileBytes
        if raw.count > limit {
            throw FieldError(nil, "\(ByteCount.describe(UInt64(raw.count))) is larger than the limit of \(ByteCount.describe(UInt64(limit))) for an inventory")
        }
        var bytes = raw
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            throw FieldError(nil, "the file is empty")
        }
        let nulOffset = bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress, let hit = memchr(base, 0, buffer.count) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        if let kind = BinarySignature.describe(bytes) {
            throw FieldError(nil, "binary content: \(kind); an inventory is a text file")
        }
        if let nul = nulOffset {
            throw FieldError(nil, "binary content (a NUL byte at offset \(nul)); an inventory is a text file")
        }
        if String(validating: bytes, as: UTF8.self) == nil {
            throw FieldError(nil, "binary content (not valid UTF-8 text); an inventory is a text file")
        }
        return bytes
    }
}

/// Byte counts in messages: "200 MiB (209715200 bytes)".
private enum ByteCount {
    static func describe(_ bytes: UInt64) -> String { "\(ByteSize.human(bytes)) (\(bytes) bytes)" }
}

/// An OVA: a tar archive (POSIX ustar, as DMTF DSP0243 §5.3 prescribes) whose first file is
/// the OVF descriptor. Only the headers before the descriptor and the descriptor itself are
/// read, so a multi-GiB appliance is read in milliseconds.
enum OVAArchive {
    /// "ustar" at offset 257 (POSIX and GNU tar; the checksum is checked while reading).
    static func isTar(_ header: [UInt8]) -> Bool {
        header.count == 512 && Array(header[257..<262]) == Array("ustar".utf8)
    }

    /// The bytes of the archive's .ovf descriptor, which must be its first file (PAX and GNU
    /// long-name headers before it are skipped).
    static func descriptor(_ handle: FileDescriptor, firstHeader: [UInt8]) throws(FieldError) -> [UInt8] {
        var header = firstHeader
        var offset: UInt64 = 0
        var longName: String?
        for _ in 0..<64 {
            guard header.count == 512 else { throw FieldError(nil, "an OVA (tar archive) that ends before its .ovf descriptor") }
            if header.allSatisfy({ $0 == 0 }) { throw FieldError(nil, "an OVA (tar archive) with no .ovf descriptor") }
            guard checksumIsValid(header) else {
                throw FieldError(nil, "an OVA (tar archive) whose header at offset \(offset) is damaged (bad checksum)")
            }
            let size = try self.size(header, offset: offset)
            let type = header[156]
            var name = longName ?? text(header[0..<100])
            let prefix = text(header[345..<500])
            if longName == nil, !prefix.isEmpty { name = prefix + "/" + name }
            longName = nil
            let data = offset + 512
            switch type {
            case UInt8(ascii: "L"):
                guard size <= 4096 else { throw FieldError(nil, "an OVA (tar archive) with a \(size)-byte file name at offset \(offset)") }
                longName = text(try read(handle, at: data, count: Int(size))[...])
            case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "5"):
                break
            case 0, UInt8(ascii: "0"):
                guard name.lowercased().hasSuffix(".ovf") else {
                    throw FieldError(nil, "an OVA (tar archive) whose first file is '\(name)', not the .ovf descriptor that DSP0243 puts first; extract the .ovf (tar -xf FILE '*.ovf') and pass that")
                }
                let limit = InventoryLimits.maximumFileBytes
                guard size <= UInt64(limit) else {
                    throw FieldError(nil, "the OVA's descriptor \(name) is \(size) bytes, larger than the limit of \(limit) bytes for an inventory")
                }
                let bytes = try read(handle, at: data, count: Int(size))
                guard bytes.count == Int(size) else {
                    throw FieldError(nil, "the OVA ends inside its descriptor \(name) (\(bytes.count) of \(size) bytes)")
                }
                return bytes
            default:
                throw FieldError(nil, "an OVA (tar archive) whose first entry '\(name)' is not a file (type '\(Character(UnicodeScalar(type)))')")
            }
            offset = data + (size + 511) / 512 * 512
            header = try read(handle, at: offset, count: 512)
        }
        throw FieldError(nil, "an OVA (tar archive) with more than 64 headers before its .ovf descriptor")
    }

    private static func read(_ handle: FileDescriptor, at offset: UInt64, count: Int) throws(FieldError) -> [UInt8] {
        do {
            return try handle.readBytes(at: offset, count: count)
        } catch {
            throw FieldError(nil, "cannot read the OVA: \(error.errno.message)")
        }
    }

    /// The unsigned sum of the header with the checksum field counted as spaces.
    private static func checksumIsValid(_ header: [UInt8]) -> Bool {
        let stored = text(header[148..<156]).trimmingWhitespace()
        guard let expected = UInt32(stored, radix: 8) else { return false }
        var sum: UInt32 = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : UInt32(byte) }
        return sum == expected
    }

    /// The size field: octal text, or base-256 when its first byte has the high bit set.
    private static func size(_ header: [UInt8], offset: UInt64) throws(FieldError) -> UInt64 {
        let field = header[124..<136]
        if let first = field.first, first & 0x80 != 0 {
            var value: UInt64 = UInt64(first & 0x7F)
            for byte in field.dropFirst() {
                guard value >> 56 == 0 else { throw FieldError(nil, "an OVA (tar archive) with an impossible size at offset \(offset)") }
                value = value << 8 | UInt64(byte)
            }
            return value
        }
        let digits = text(field).trimmingWhitespace()
        guard let value = digits.isEmpty ? 0 : UInt64(digits, radix: 8) else {
            throw FieldError(nil, "an OVA (tar archive) whose header at offset \(offset) has no valid size")
        }
        return value
    }

    /// NUL-terminated header text.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
