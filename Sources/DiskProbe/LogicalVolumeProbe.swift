extension DiskProber {
    /// The most LVs looked into on one volume: metadata that lists more is hostile or
    /// exotic, and each one costs a libblkid probe.
    static let maxLogicalVolumes = 128

    /// The visible LVs of every LVM PV on the whole disk or in a partition (libblkid's
    /// `LVM2_member`), laid out on this volume from the PV's newest metadata (README.md,
    /// "Logical volumes"). Only linear segments on this PV are placed; parts that lie past
    /// the PV's container are left out (the PV's own size rules report those). The metadata
    /// text is read from the PV's head, or fetched when it lies further in.
    static func logicalVolumes(_ result: ProbeResult, copier: RegionCopier) throws(ProbeError) -> [LogicalVolume] {
        var containers: [(place: String, start: UInt64, length: UInt64)] = []
        if result.filesystem?.type == "LVM2_member" { containers.append(("whole disk", 0, result.sizeBytes)) }
        for p in result.partitions where p.filesystem?.type == "LVM2_member" && p.startBytes < result.sizeBytes && p.sizeBytes > 0 {
            containers.append(("partition \(p.number)", p.startBytes, min(p.sizeBytes, result.sizeBytes - p.startBytes)))
        }
        var failure: ProbeError?
        func fetch(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            do throws(ProbeError) { return try copier.heldOrCopiedBytes(offset: offset, count: count, purpose: "LVM metadata") } catch {
                failure = error
                return nil
            }
        }
        var found: [LogicalVolume] = []
        for c in containers {
            func within(_ offset: UInt64, _ count: Int) -> [UInt8]? {
                guard offset < c.length, UInt64(count) <= c.length - offset else { return nil }
                return fetch(c.start + offset, count)
            }
            guard let head = within(0, 2048), let (pvID, text) = MultiDeviceMembers.lvmMetadata(head, read: within),
                  let vg = LVMMetadata.volumeGroup(text),
                  let pv = vg.physicalVolumes.first(where: { LVMMetadata.sameID($0.id, pvID) }) else { continue }
            for lv in vg.logicalVolumes where lv.visible {
                guard found.count < maxLogicalVolumes else { break }
                var segments: [LogicalVolumeSegment] = []
                var whole = true
                for s in lv.segments {
                    guard let linear = s.linear, linear.pv == pv.key else { whole = false; continue }
                    let (lvOffset, o1) = s.startExtent.multipliedReportingOverflow(by: vg.extentBytes)
                    let (into, o2) = linear.extent.multipliedReportingOverflow(by: vg.extentBytes)
                    let (pvOffset, o3) = pv.peStartBytes.addingReportingOverflow(into)
                    let (size, o4) = s.extentCount.multipliedReportingOverflow(by: vg.extentBytes)
                    guard !(o1 || o2 || o3 || o4), pvOffset < c.length else { whole = false; continue }
                    let kept = min(size, c.length - pvOffset)
                    if kept < size { whole = false }
                    segments.append(LogicalVolumeSegment(lvOffsetBytes: lvOffset, startBytes: c.start + pvOffset, sizeBytes: kept))
                }
                guard !segments.isEmpty else { continue }
                found.append(LogicalVolume(place: c.place, name: "\(vg.name)/\(lv.name)", id: lv.id,
                                           sizeBytes: lv.sizeBytes(extentBytes: vg.extentBytes), segments: segments,
                                           wholeOnVolume: whole))
            }
        }
        if let failure { throw failure }
        return found
    }

    /// The contiguous run at the LV's start, when it lies on this volume: where libblkid
    /// probes it and its filesystem's head is read.
    static func firstRun(_ lv: LogicalVolume) -> LogicalVolumeSegment? {
        lv.segments.first { $0.lvOffsetBytes == 0 && $0.sizeBytes > 0 }
    }
}
