import AuditCore

/// A check that needs nothing but the probe result: a pure function from what was read to
/// findings. One rule per file, with its code and messages next to it.
protocol ProbeRule {
    /// The findings this rule makes about `probe`.
    static func findings(in probe: ProbeResult) -> [Finding]
}

/// The rules `DiskProber` applies, in report order.
enum ProbeRules {
    static var all: [any ProbeRule.Type] { [
        UnreadableRegionRule.self, GPTChecksumRule.self, GPTEntriesArrayRule.self, GPTHeaderAgreementRule.self,
        GPTBackupPlacementRule.self, StaleLabelAtEndRule.self, LabelSizeRule.self, PartitionBoundsRule.self,
        PartitionOverlapRule.self, PartitionReadersAgreementRule.self, ProtectiveMBRRule.self, ExtendedChainRule.self,
        LabelSectorSizeRule.self, ProtectiveMBRWithoutGPTRule.self, FilesystemSizeRule.self,
        MemberSizeClaimRule.self, GPTEntrySizeRule.self,
        ProbeIncompleteRule.self, ImageContainerOnVolumeRule.self,
    ] }

    /// Every rule's findings for `probe`.
    static func evaluate(_ probe: ProbeResult) -> [Finding] {
        all.flatMap { $0.findings(in: probe) }
    }
}

extension GPTHeaderWitness {
    /// The evidence a finding cites for this header.
    var evidence: JSONValue {
        [
            "lba": .number(lba), "diskGUID": .string(diskGUID), "myLBA": .number(myLBA),
            "alternateLBA": .number(alternateLBA), "lastUsableLBA": .number(lastUsableLBA),
            "headerCRCValid": .bool(headerCRCValid), "entriesCRCValid": entriesCRCValid.map(JSONValue.bool) ?? .null,
            "sha256": .string(sha256),
        ]
    }
}
