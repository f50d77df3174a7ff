import AuditCore

/// A multi-device member header (LVM PV, md, btrfs device) that records a device larger
/// than the partition or disk it sits in: the member was written for a bigger device, and
/// the guest's volume manager will refuse it or read past its end.
enum MemberSizeClaimRule: ProbeRule {
    /// The code the filesystem size checks use too (issue 21 shares it with them).
    static let code = FindingCode.filesystemLargerThanContainer

    static func findings(in probe: ProbeResult) -> [Finding] {
        // A btrfs device's size is also its filesystem's size claim: one finding per place.
        let covered = Set(FilesystemSizeRule.findings(in: probe).compactMap { $0.evidence["place"]?.stringValue })
        return (probe.multiDeviceMembers ?? []).compactMap { m in
            guard let claim = m.claimedDeviceBytes, claim > m.containerBytes, let field = m.claimField,
                  !covered.contains(m.place) else { return nil }
            // On the whole volume, without an inventory, the volume may simply be a truncated
            // image: a warning here; verify, which knows the disk, makes it critical
            // (FilesystemContainerRule).
            return Finding(
                code: code, severity: m.place == "whole disk" ? .warning : .critical,
                message: "The \(m.setNoun) member header in the \(m.place) (\(m.memberKind) \(m.memberID)) records a device "
                    + "of \(claim) bytes (\(field)), \(claim - m.containerBytes) bytes more than the \(m.containerBytes) bytes "
                    + "it sits in: it was written for a larger device and the guest cannot use it. Find the disk of that size "
                    + "whose member this is, and replicate this disk again from its source.",
                evidence: ["place": .string(m.place), "format": .string(m.format), "memberID": .string(m.memberID),
                           "claimedDeviceBytes": .number(claim), "containerBytes": .number(m.containerBytes),
                           "field": .string(field), "headerOffset": .number(m.headerOffset)])
        }
    }
}

/// GPT entries of a size other than 128 bytes: the UEFI specification allows any multiple
/// of 128, but the Linux kernel's partition parser rejects every other size, so a Linux
/// guest sees no partitions on this disk.
enum GPTEntrySizeRule: ProbeRule {
    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let header = probe.witnesses.primaryGPT, header.signatureValid, header.headerCRCValid,
              header.entrySize != 128, header.entrySize >= 128, header.entrySize % 128 == 0 else { return [] }
        return [Finding(
            code: FindingCode.gptEntrySizeNonstandard, severity: .info,
            message: "The GPT's partition entries are \(header.entrySize) bytes each. The UEFI specification allows any "
                + "multiple of 128, but the Linux kernel only accepts 128-byte entries: a Linux guest will see no "
                + "partitions on this disk (firmware and other systems may). If the source has the same label, the copy is faithful.",
            evidence: ["entrySize": .number(header.entrySize), "header": header.evidence])]
    }
}
