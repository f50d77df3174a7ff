#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// A volume held in memory, for unit tests of pure logic. Sparse: only the regions set
/// hold bytes; everything else reads as zeros and reports as a hole.
public final class MemoryVolume: Volume, @unchecked Sendable {
    public let target: Target
    public let sizeBytes: UInt64
    public let logicalSectorSize: Int
    public var supportsBlockStatus: Bool { true }
    public var displayName: String { target.redacted }

    private let lock = Lock()
    /// Allocated chunks keyed by chunk index.
    private var chunks: [UInt64: [UInt8]] = [:]
    private let chunkSize: UInt64 = 64 * 1024
    private var closed = false

    public init(name: String = "memory", sizeBytes: UInt64, logicalSectorSize: Int = 512) {
        self.target = .file(path: name)
        self.sizeBytes = sizeBytes
        self.logicalSectorSize = logicalSectorSize
    }

    /// Writes `bytes` at `offset`; for building test volumes only.
    public func set(_ bytes: [UInt8], at offset: UInt64) {
        lock.lock(); defer { lock.unlock() }
        var pos = offset
        var i = 0
        while i < bytes.count {
            let idx = pos / chunkSize
            let within = Int(pos % chunkSize)
            let n = min(Int(chunkSize) - within, bytes.count - i)
            var chunk = chunks[idx] ?? [UInt8](repeating: 0, count: Int(chunkSize))
            chunk.replaceSubrange(within..<within + n, with: bytes[i..<i + n])
            chunks[idx] = chunk
            pos += UInt64(n)
            i += n
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        try checkRange(offset: offset, count: buffer.count)
        lock.lock(); defer { lock.unlock() }
        if closed { throw VolumeError(kind: .closed, operation: "read", target: displayName, message: "volume is closed") }
        var pos = offset
        var i = 0
        while i < buffer.count {
            let idx = pos / chunkSize
            let within = Int(pos % chunkSize)
            let n = min(Int(chunkSize) - within, buffer.count - i)
            let dst = UnsafeMutableRawBufferPointer(rebasing: buffer[i..<i + n])
            if let chunk = chunks[idx] {
                chunk.withUnsafeBytes { dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[within..<within + n])) }
            } else {
                dst.initializeMemory(as: UInt8.self, repeating: 0)
            }
            pos += UInt64(n)
            i += n
        }
    }

    public func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] {
        lock.lock(); defer { lock.unlock() }
        var result: [Extent] = []
        var pos = offset
        let end = min(offset + length, sizeBytes)
        while pos < end {
            let idx = pos / chunkSize
            let n = min((idx + 1) * chunkSize, end) - pos
            let allocated = chunks[idx] != nil
            if let last = result.last, last.hole == !allocated, last.end == pos {
                result[result.count - 1].length += n
            } else {
                result.append(Extent(offset: pos, length: n, hole: !allocated, zero: !allocated))
            }
            pos += n
        }
        return result
    }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        closed = true
    }
}
