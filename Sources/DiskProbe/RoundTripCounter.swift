import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// The volume as the probe sees it: every request passes through, and each one that must
/// wait for an answer from the volume counts as one round trip — a read, a block-status
/// query, or a whole `perform` round (its requests are in flight together). The count is
/// `ProbeResult.roundTrips` (docs/PROBE.md, "Round trips"). The same plan gives the same
/// count on an image file as over NBD, so results stay comparable.
final class RoundTripCounter: Volume, @unchecked Sendable {
    let inner: any Volume
    private let lock = Lock()
    private var count = 0

    init(_ inner: any Volume) { self.inner = inner }

    /// Round trips so far.
    var roundTrips: Int {
        lock.lock(); defer { lock.unlock() }
        return count
    }

    private func tick() {
        lock.lock(); count += 1; lock.unlock()
    }

    var displayName: String { inner.displayName }
    var target: Target { inner.target }
    var sizeBytes: UInt64 { inner.sizeBytes }
    var logicalSectorSize: Int { inner.logicalSectorSize }
    var sectorSizeOrigin: SectorSizeOrigin { inner.sectorSizeOrigin }
    var supportsBlockStatus: Bool { inner.supportsBlockStatus }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        tick()
        try inner.read(into: buffer, at: offset)
    }

    func extents(offset: UInt64, length: UInt64) throws(VolumeError) -> [Extent] {
        tick()
        return try inner.extents(offset: offset, length: length)
    }

    func perform(_ requests: [VolumeRequest]) -> [VolumeReply] {
        guard !requests.isEmpty else { return [] }
        tick()
        return inner.perform(requests)
    }

    /// The volume belongs to the caller.
    func close() {}
}
