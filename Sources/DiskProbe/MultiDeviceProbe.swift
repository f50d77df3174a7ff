extension DiskProber {
    /// The multi-device member headers (md, btrfs, LVM PV) on the whole volume and in each
    /// partition, parsed from the regions already copied (disk and partition heads and
    /// tails hold every one of them); nil when there is none.
    static func multiDeviceMembers(_ result: ProbeResult, copier: RegionCopier) throws(ProbeError) -> [MultiDeviceMember]? {
        var failure: ProbeError?
        func read(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            do throws(ProbeError) { return try copier.bytes(offset: offset, count: count) } catch {
                failure = error
                return nil
            }
        }
        var members = MultiDeviceMembers.find(place: "whole disk", start: 0, length: result.sizeBytes, read: read)
        for p in result.partitions where p.partitionKind != .extended && p.startBytes < result.sizeBytes {
            let length = min(p.sizeBytes, result.sizeBytes - p.startBytes)
            members += MultiDeviceMembers.find(place: "partition \(p.number)", start: p.startBytes, length: length, read: read)
        }
        if let failure { throw failure }
        return members.isEmpty ? nil : members
    }
}
