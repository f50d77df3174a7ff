/// A run of bytes with one allocation state, as NBD `base:allocation` or
/// `SEEK_DATA`/`SEEK_HOLE` report it.
public struct Extent: Sendable, Equatable, Codable {
    public var offset: UInt64
    public var length: UInt64
    /// The range is not allocated (a hole). Reads return zeros unless `zero` is false.
    public var hole: Bool
    /// The range reads as zeros.
    public var zero: Bool

    public init(offset: UInt64, length: UInt64, hole: Bool, zero: Bool) {
        self.offset = offset
        self.length = length
        self.hole = hole
        self.zero = zero
    }

    public var end: UInt64 { offset + length }
}

/// A read-only volume: an NBD export, an image file or a block device.
///
/// There is no write path: implementations never issue write, trim, zero, flush or
/// cache requests, and local files are opened `O_RDONLY`. A volume is safe to use from
/// several threads; calls on one volume are serialized.
public protocol Volume: AnyObject, Sendable {
    /// The target, redacted for reports and logs.
    var displayName: String { get }
    /// The target that was opened.
    var target: Target { get }
    /// Size in bytes.
    var sizeBytes: UInt64 { get }
    /// Logical sector size in bytes (512 or 4096).
    var logicalSectorSize: Int { get }
    /// Where `logicalSectorSize` came from (device, NBD block size, override, assumption).
    var sectorSizeOrigin: SectorSizeOrigin { get }
    /// Whether `extents(offset:length:)` reflects real allocation (NBD `base:allocation`,
    /// `SEEK_HOLE`), rather than reporting everything as data.
    var supportsBlockStatus: Bool { get }

    /// Reads exactly `buffer.count` bytes at `offset` into `buffer`.
    ///
    /// Throws `VolumeError` with kind `.outOfRange` when the range passes the end.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError)

    /// Allocation state of `[offset, offset+length)`, as contiguous extents that cover at
    /// least a prefix of the range (callers loop for the rest). Without block status the
    /// whole range is one data extent.
    func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent]

    /// Answers several independent requests — reads and block-status queries — as one
    /// round: an NBD volume sends them all before waiting for any answer (libnbd's
    /// asynchronous API over its one connection), other volumes answer them in order. One
    /// reply per request, in the order asked; a request that fails does not stop the others.
    func perform(_ requests: [VolumeRequest]) -> [VolumeReply]

    /// Closes the volume. Further calls throw `.closed`. Idempotent.
    func close()
}

/// One request of a `Volume.perform` round.
public enum VolumeRequest: Sendable, Equatable {
    /// Read `count` bytes at `offset` (inside the volume).
    case read(offset: UInt64, count: Int)
    /// The allocation of `[offset, offset+length)`, possibly only a prefix of it.
    case extents(offset: UInt64, length: UInt64)

    /// The byte count of a read (0 for a block-status request).
    var readCount: Int {
        if case .read(_, let count) = self { return count }
        return 0
    }
}

/// The answer to one `VolumeRequest`.
public enum VolumeReply: Sendable {
    /// The bytes read, in the memory the read filled (not copied into an array).
    case read(ReadBytes)
    case extents([Extent])
    case failed(VolumeError)
}

extension Volume {
    /// One request after the other: for volumes whose requests cost no network round trip.
    /// A large round's reads share one mapping, as over NBD (`ReadBytes.Slab`).
    public func perform(_ requests: [VolumeRequest]) -> [VolumeReply] {
        var storages = readStorages(for: requests)
        return requests.indices.map { i in
            do throws(VolumeError) {
                switch requests[i] {
                case .read(let offset, let count):
                    let storage = storages.removeValue(forKey: i) ?? ReadBytes.Storage(byteCount: count)
                    return .read(try ReadBytes.filled(storage, count: count) { (buffer) throws(VolumeError) in try read(into: buffer, at: offset) })
                case .extents(let offset, let length): return .extents(try extents(offset: offset, length: length))
                }
            } catch {
                return .failed(error)
            }
        }
    }

    /// Reads `count` bytes at `offset`.
    /// The buffer is not zero-filled first: `read(into:at:)` fills all of it or throws.
    public func read(at offset: UInt64, count: Int) throws(VolumeError) -> [UInt8] {
        var failure: VolumeError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(VolumeError) {
                try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            } catch {
                buffer.initialize(repeating: 0)
                failure = error
            }
            initialized = count
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads the logical sector at `lba`.
    public func readSector(_ lba: UInt64) throws(VolumeError) -> [UInt8] {
        try read(at: lba * UInt64(logicalSectorSize), count: logicalSectorSize)
    }

    /// The memory for the reads of a round, by request index (`ReadBytes.storages`: one
    /// slab for a large round). Reads of nothing, and reads outside the volume (which fail
    /// unread), get none.
    func readStorages(for requests: [VolumeRequest]) -> [Int: ReadBytes.Storage] {
        let reads = requests.indices.filter { i in
            guard case .read(let offset, let count) = requests[i], count > 0 else { return false }
            return (try? checkRange(offset: offset, count: count)) != nil
        }
        return Dictionary(uniqueKeysWithValues: zip(reads, ReadBytes.storages(byteCounts: reads.map { requests[$0].readCount })))
    }

    /// Checks that `[offset, offset+count)` lies inside the volume.
    func checkRange(offset: UInt64, count: Int) throws(VolumeError) {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        if overflow || end > sizeBytes {
            throw VolumeError(
                kind: .outOfRange, operation: "read", target: displayName,
                message: "range \(offset)+\(count) passes the end of the volume (\(sizeBytes) bytes)")
        }
    }
}
