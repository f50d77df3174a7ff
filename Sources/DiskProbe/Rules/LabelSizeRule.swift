import AuditCore

/// `label-size-differs-from-device`: the label was written for a disk of another size than
/// this volume. Informational here: a volume may legitimately be larger than its source
/// (volumes are rounded up); whether the size is the right one needs the inventory.
enum LabelSizeRule: ProbeRule {
    static let code = FindingCode.labelSizeDiffersFromDevice

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let table = probe.partitionTable, let implied = table.impliedDiskBytes, implied != probe.sizeBytes else { return [] }
        let larger = probe.sizeBytes > implied
        var evidence: [String: JSONValue] = [
            "impliedDiskBytes": .number(implied), "sizeBytes": .number(probe.sizeBytes),
            "sectorSize": .number(probe.sectorSize),
        ]
        if let gpt = table.gpt {
            evidence["alternateLBA"] = .number(gpt.alternateLBA)
            evidence["lastUsableLBA"] = .number(gpt.lastUsableLBA)
        }
        if let check = table.impliedSizeCheck {
            evidence["crossCheck"] = [
                "fromAlternateLBA": .number(check.fromAlternateLBA),
                "fromLastUsableLBA": check.fromLastUsableLBA.map { .number($0) } ?? .null,
                "fromProtectiveMBR": check.fromProtectiveMBR.map { .number($0) } ?? .null,
                "consistent": .bool(check.consistent),
            ]
        }
        return [Finding(
            code: code, severity: .info,
            message: "The \(table.type) label was written for a disk of \(implied) bytes (\(ByteSize.human(implied))), "
                + "but the device has \(probe.sizeBytes) bytes (\(ByteSize.human(probe.sizeBytes))). "
                + (larger ? "A grown volume looks like this; so does a label copied from a smaller disk — check the inventory."
                          : "The device is smaller than the disk the label describes."),
            evidence: evidence)]
    }
}
