import AuditCore
import Foundation

/// Reads an inventory file's bytes, refusing what no inventory can be before any parser sees
/// it: a missing or unreadable file, something that is not a regular file (a FIFO or
/// `/dev/zero` would never end), more than `InventoryLimits.maximumFileBytes` (checked with
/// `stat`, before reading), an empty file, and binary content (NUL bytes or invalid UTF-8).
enum InventoryFile {
    /// The file's bytes, at most `InventoryLimits.maximumFileBytes` of them.
    static func read(path: String) throws(FieldError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FieldError(nil, "cannot open: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FieldError(nil, "not a regular file")
        }
        let limit = InventoryLimits.maximumFileBytes
        if info.st_size > limit {
            throw FieldError(nil, "the file is \(ByteCount.describe(UInt64(info.st_size))), larger than the limit of \(ByteCount.describe(UInt64(limit))) for an inventory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FieldError(nil, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw FieldError(nil, "cannot read: \(error.localizedDescription)")
        }
        if data.count > limit {
            throw FieldError(nil, "the file grew past the limit of \(ByteCount.describe(UInt64(limit))) while being read")
        }
        return [UInt8](data)
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
