import BlockAccess

/// A volume of the real size that holds only the first and last bytes preflight read
/// (README.md, "Before the copy: preflight": it reads only the first and last MiB). The
/// prober runs on it to say what label those bytes carry; a read elsewhere fails (and is
/// recorded by the prober as unread), so nothing outside the windows is ever invented.
final class WindowVolume: Volume, @unchecked Sendable {
    let target: Target
    let displayName: String
    let sizeBytes: UInt64
    let logicalSectorSize: Int
    let supportsBlockStatus = false
    private let head: [UInt8]
    private let tail: [UInt8]

    init(of volume: any Volume, head: [UInt8], tail: [UInt8]) {
        target = volume.target
        displayName = volume.displayName
        sizeBytes = volume.sizeBytes
        logicalSectorSize = volume.logicalSectorSize
        self.head = head
        self.tail = tail
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(buffer.count))
        if overflow || end > sizeBytes {
            throw VolumeError(kind: .outOfRange, operation: "read", target: displayName,
                              message: "range \(offset)+\(buffer.count) passes the end of the volume (\(sizeBytes) bytes)")
        }
        if end <= UInt64(head.count) {
            head.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[Int(offset)..<Int(end)])) }
            return
        }
        let tailStart = sizeBytes - UInt64(tail.count)
        if offset >= tailStart {
            let from = Int(offset - tailStart)
            tail.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[from..<(from + buffer.count)])) }
            return
        }
        throw VolumeError(kind: .readFailed, operation: "read", target: displayName,
                          message: "offset \(offset): preflight reads only the first and last MiB")
    }

    func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] {
        let end = min(offset + length, sizeBytes)
        guard offset < end else { return [] }
        return [Extent(offset: offset, length: end - offset, hole: false, zero: false)]
    }

    func close() {}
}
