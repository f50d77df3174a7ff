import AuditCore

/// `partition-past-device-end`: a partition ends beyond the device, so its data was cut off.
enum PartitionBoundsRule: ProbeRule {
    static let code = FindingCode.partitionPastDeviceEnd

    static func findings(in probe: ProbeResult) -> [Finding] {
        probe.partitions.compactMap { p in
            let (end, overflow) = p.startBytes.addingReportingOverflow(p.sizeBytes)
            guard overflow || end > probe.sizeBytes else { return nil }
            return Finding(
                code: code, severity: .critical,
                message: "Partition \(p.number) (LBA \(p.startLBA)–\(p.endLBA)) ends past the device's end "
                    + "(\(ByteSize.human(probe.sizeBytes))): the volume is too small for the disk this label describes.",
                evidence: ["partition": .number(p.number), "startLBA": .number(p.startLBA), "endLBA": .number(p.endLBA),
                           "endBytes": overflow ? .null : .number(end), "sizeBytes": .number(probe.sizeBytes)])
        }
    }
}
