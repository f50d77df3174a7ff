extension DiskProber {
    /// The multi-device member headers (md, btrfs, LVM PV, ZFS; on the whole disk also LDM,
    /// DDF and IMSM) on the whole volume and in each partition, parsed from the regions already
    /// copied (disk and partition heads and tails hold most of them). The whole-disk formats'
    /// structures that lie elsewhere (an MBR dynamic disk's database in its last 1 MiB, DDF
    /// sections) are copied on demand, a few sectors each; nil when there is no member.
    static func multiDeviceMembers(_ result: ProbeResult, copier: RegionCopier) throws(ProbeError) -> [MultiDeviceMember]? {
        var failure: ProbeError?
        func read(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            do throws(ProbeError) { return try copier.bytes(offset: offset, count: count) } catch {
                failure = error
                return nil
            }
        }
        func fetch(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            do throws(ProbeError) { return try copier.heldOrCopiedBytes(offset: offset, count: count, purpose: "multi-device metadata") } catch {
                failure = error
                return nil
            }
        }
        let ss = result.sectorSize
        var members = MultiDeviceMembers.find(place: "whole disk", start: 0, length: result.sizeBytes, sectorSize: ss,
                                              read: read, fetch: fetch)
        for p in result.partitions where p.partitionKind != .extended && p.startBytes < result.sizeBytes {
            let length = min(p.sizeBytes, result.sizeBytes - p.startBytes)
            members += MultiDeviceMembers.find(place: "partition \(p.number)", start: p.startBytes, length: length, read: read)
        }
        // A GPT dynamic disk: the PRIVHEAD is the last sector of the LDM metadata partition.
        if result.partitionTable?.labelType == .gpt, !members.contains(where: { $0.format == "ldm" }),
           let meta = result.partitions.first(where: { $0.type.lowercased() == MultiDeviceMembers.ldmMetadataType }),
           meta.sizeBytes >= UInt64(ss), meta.startBytes + meta.sizeBytes <= result.sizeBytes,
           let head = fetch(meta.startBytes + meta.sizeBytes - UInt64(ss), 512),
           let m = MultiDeviceMembers.ldm(head, at: meta.startBytes + meta.sizeBytes - UInt64(ss), gpt: true, sectorSize: ss,
                                          diskBytes: result.sizeBytes, fetch: fetch) {
            members.append(m)
        }
        if let failure { throw failure }
        return members.isEmpty ? nil : members
    }
}
