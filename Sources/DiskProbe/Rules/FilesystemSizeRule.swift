import AuditCore

/// `filesystem-larger-than-container`: a filesystem (or LUKS header) claims more bytes
/// than its partition, LVM logical volume or — for a whole-disk filesystem — disk holds.
/// The signature of a label from a smaller disk over data from a bigger one, or of a
/// partition or LV shrunk under its filesystem: the guest fails to mount it, or reads past
/// its end. A filesystem smaller than its container is normal. See README.md, "Filesystem
/// sizes".
enum FilesystemSizeRule: ProbeRule {
    static let code = FindingCode.filesystemLargerThanContainer

    static func findings(in probe: ProbeResult) -> [Finding] {
        var result: [Finding] = []
        if let fs = probe.filesystem, let claim = fs.sizeClaim, claim.claimedBytes > probe.sizeBytes {
            result.append(finding(fs, claim, place: "whole disk", startBytes: 0, containerBytes: probe.sizeBytes,
                                  container: "the disk (\(ByteSize.human(probe.sizeBytes)))", partition: nil))
        }
        for p in probe.partitions {
            guard let fs = p.filesystem, let claim = fs.sizeClaim else { continue }
            let onDevice = p.startBytes < probe.sizeBytes ? probe.sizeBytes - p.startBytes : 0
            let container = min(p.sizeBytes, onDevice)
            guard claim.claimedBytes > container else { continue }
            let what = container == p.sizeBytes
                ? "partition \(p.number) (\(ByteSize.human(p.sizeBytes)))"
                : "partition \(p.number), of which only \(ByteSize.human(container)) lies on the device"
            result.append(finding(fs, claim, place: "partition \(p.number)", startBytes: p.startBytes, containerBytes: container,
                                  container: what, partition: p.number))
        }
        for lv in probe.logicalVolumes ?? [] {
            guard let fs = lv.filesystem, let claim = fs.sizeClaim, claim.claimedBytes > lv.sizeBytes else { continue }
            result.append(finding(fs, claim, in: lv))
        }
        return result
    }

    /// A filesystem larger than its LVM logical volume: the LV was reduced under it, or the
    /// metadata that sizes it is not the one the filesystem was made with.
    static func finding(_ fs: FilesystemSignature, _ claim: FilesystemSizeClaim, in lv: LogicalVolume) -> Finding {
        Finding(
            code: code, severity: .critical,
            message: "The \(fs.type) \(noun(fs, claim)) in \(lv.describe) claims \(claim.isLowerBound ? "at least " : "")"
                + "\(ByteSize.human(claim.claimedBytes)) (\(claim.claimedBytes) bytes, \(claim.field)), more than the LV holds "
                + "(\(lv.sizeBytes) bytes): the LV was reduced under its filesystem, or the volume group's metadata is not the "
                + "one the filesystem was made with. The guest will fail to mount it or read past its end; compare with the source.",
            evidence: [
                "place": .string(lv.describe), "partition": .null, "logicalVolume": .string(lv.name), "type": .string(fs.type),
                "uuid": .optional(fs.uuid), "claimedBytes": .number(claim.claimedBytes), "field": .string(claim.field),
                "claimIsLowerBound": .bool(claim.isLowerBound), "containerBytes": .number(lv.sizeBytes),
                "startBytes": DiskProber.firstRun(lv).map { .number($0.startBytes) } ?? .null, "diskBytesNeeded": .null,
            ])
    }

    /// "filesystem", "header" (LUKS: only the header's size is known) or "area" (swap).
    static func noun(_ fs: FilesystemSignature, _ claim: FilesystemSizeClaim) -> String {
        if claim.isLowerBound || fs.usage == "crypto" { return "header" }
        return fs.usage == "filesystem" ? "filesystem" : "area"
    }

    static func finding(_ fs: FilesystemSignature, _ claim: FilesystemSizeClaim, place: String, startBytes: UInt64,
                        containerBytes: UInt64, container: String, partition: Int?) -> Finding {
        let (needed, overflow) = startBytes.addingReportingOverflow(claim.claimedBytes)
        // A whole-disk filesystem larger than the volume, seen without an inventory, may be a
        // truncated image as well as a foreign filesystem: a warning in inspect. verify knows
        // the disk and reports every one as critical (FilesystemContainerRule).
        return Finding(
            code: code, severity: partition == nil ? .warning : .critical,
            message: "The \(fs.type) \(noun(fs, claim)) \(partition == nil ? "on the whole disk" : "in \(place)") claims "
                + "\(claim.isLowerBound ? "at least " : "")\(ByteSize.human(claim.claimedBytes)) (\(claim.claimedBytes) bytes, "
                + "\(claim.field)), more than \(container) holds (\(containerBytes) bytes): it was made on a larger "
                + "\(partition == nil ? "disk" : "partition") — a label from a smaller disk over data from a bigger one, "
                + "or a partition shrunk under its filesystem. Find the disk it was written on before mounting or resizing it.",
            evidence: [
                "place": .string(place), "partition": partition.map { .number($0) } ?? .null, "type": .string(fs.type),
                "uuid": .optional(fs.uuid), "claimedBytes": .number(claim.claimedBytes), "field": .string(claim.field),
                "claimIsLowerBound": .bool(claim.isLowerBound), "containerBytes": .number(containerBytes),
                "startBytes": .number(startBytes), "diskBytesNeeded": overflow ? .null : .number(needed),
            ])
    }
}
