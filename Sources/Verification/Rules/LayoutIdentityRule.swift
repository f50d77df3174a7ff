import AuditCore
import DiskProbe
import SourceInventory

/// Compares the volume with its source (live or from a baseline): the partition layout
/// (`layout-mismatch`) and the identities — disk GUID, DOS signature, partition GUIDs,
/// filesystem UUIDs (`identity-mismatch`). Without a reference it uses the manifest's
/// expected layout when the inventory has one.
public enum LayoutIdentityRule: DiskRule {
    /// The layout-identity family.
    public static let family = RuleFamily.layoutIdentity

    /// Skipped without sources, a baseline or an expected layout (unless the source or
    /// baseline entry was asked for and could not be used: that is reported here).
    public static func skipReason(in context: DiskContext) -> String? {
        if context.reference == nil && context.disk.expectedLayout == nil && context.referenceFailure == nil {
            return "no sources, baseline or expected layout to compare with"
        }
        return nil
    }

    static func layoutMessage(_ context: DiskContext, against: String, differences: [String]) -> String {
        "The partition layout differs from \(against) of \(DiskContext.describe(context.disk)): "
            + differences.joined(separator: "; ") + "."
    }

    static func identityMessage(_ context: DiskContext, against: String, differences: [String]) -> String {
        "The volume's identities are not those of \(against) of \(DiskContext.describe(context.disk)): "
            + differences.joined(separator: "; ") + "."
    }

    /// `layout-mismatch` and `identity-mismatch` (critical) against the reference, or the
    /// expected layout; `source-unreadable` (warning) when the source or baseline entry could not be used.
    public static func findings(in context: DiskContext) -> [Finding] {
        var result: [Finding] = []
        if let reference = context.reference {
            result = compare(context, with: reference)
        } else if let expected = context.disk.expectedLayout {
            result = compare(context, with: expected)
        }
        if let failure = context.referenceFailure { result.append(sourceUnreadable(context.disk, failure)) }
        return result
    }

    static func sourceUnreadable(_ disk: SourceDisk, _ error: String) -> Finding {
        Finding(code: FindingCode.sourceUnreadable, severity: .warning,
                message: "\(DiskContext.describe(disk)) could not be compared with its source: \(error). "
                    + "Its layout and identities are not verified against the source.",
                evidence: ["error": .string(error)])
    }

    static func compare(_ context: DiskContext, with reference: ProbeResult) -> [Finding] {
        let want = DiskIdentity(reference)
        let have = DiskIdentity(context.probe)
        var result: [Finding] = []
        var layoutDiffs: [String] = []
        if want.tableType != have.tableType {
            layoutDiffs.append("partition table \(want.tableType ?? "none") expected, \(have.tableType ?? "none") found")
        }
        layoutDiffs += placementDifferences(expected: want.layout, found: extensionUndone(have.layout, context))
        if !layoutDiffs.isEmpty {
            result.append(Finding(
                code: FindingCode.layoutMismatch, severity: .critical,
                message: layoutMessage(context, against: "the source", differences: layoutDiffs),
                evidence: ["expected": .array(want.layout.map { .string($0.summary) }),
                           "found": .array(have.layout.map { .string($0.summary) }),
                           "differences": .array(layoutDiffs.map(JSONValue.string))]))
        }
        var idDiffs: [String] = []
        func check(_ kind: String, _ expected: String?, _ found: String?) {
            guard let expected, expected != found else { return }
            idDiffs.append("\(kind) \(expected) expected, \(found ?? "none") found")
        }
        check("disk GUID", want.diskGUID, have.diskGUID)
        check("MBR signature", want.mbrSignature, have.mbrSignature)
        for (number, guid) in want.partitionGUIDs.sorted(by: { $0.key < $1.key }) {
            check("partition \(number) GUID", guid, have.partitionGUIDs[number])
        }
        for (place, uuid) in want.filesystemUUIDs.sorted(by: { $0.key < $1.key }) {
            check("\(place) \(want.uuidKinds[place] ?? DiskIdentity.uuidKind(want.filesystemTypes[place]))", uuid, have.filesystemUUIDs[place])
        }
        idDiffs += memberAndExtraDifferences(want: want, have: have, reference: reference, probe: context.probe)
        if !idDiffs.isEmpty {
            var evidence: [String: JSONValue] = [
                "differences": .array(idDiffs.map(JSONValue.string)),
                "expectedDiskGUID": .optional(want.diskGUID), "foundDiskGUID": .optional(have.diskGUID),
                "expectedMBRSignature": .optional(want.mbrSignature),
                "foundMBRSignature": .optional(have.mbrSignature)]
            // Issue 18: which header the found identities come from, and another label's
            // header left at the device end, named as what it is.
            evidence["foundFrom"] = .optional(context.probe.partitionTable?.headerSource)
            if let end = context.probe.witnesses.endGPT, end.signatureValid,
               DiskIdentity.normalize(end.diskGUID) != have.diskGUID {
                evidence["staleHeaderAtDeviceEnd"] = ["lba": .number(end.lba), "diskGUID": .string(end.diskGUID)]
            }
            result.append(Finding(
                code: FindingCode.identityMismatch, severity: .critical,
                message: identityMessage(context, against: "the source", differences: idDiffs),
                evidence: evidence))
        }
        return result
    }

    /// Multi-device member identities of the source missing or different on the volume, and
    /// signatures on the volume where the source has none (a leftover filesystem in a
    /// partition the source left unformatted) — issue 21.
    static func memberAndExtraDifferences(want: DiskIdentity, have: DiskIdentity, reference: ProbeResult,
                                          probe: ProbeResult) -> [String] {
        var diffs: [String] = []
        for m in want.members {
            let found = have.members.filter { $0.place == m.place && $0.format == m.format }
            guard !found.contains(where: { $0.memberID == m.memberID }) else { continue }
            let role = m.roleText.isEmpty ? "" : " (\(m.roleText))"
            let seen = found.first.map { "\($0.memberID)\($0.roleText.isEmpty ? "" : " (\($0.roleText))") found" } ?? "none found"
            diffs.append("\(m.place) \(m.memberKind) \(m.memberID)\(role) expected, \(seen)")
        }
        let sourceSignatures = Dictionary(MultiDeviceIdentity.signatures(reference), uniquingKeysWith: { a, _ in a })
        let sourcePlaces = Set(["whole disk"] + reference.partitions.map { "partition \($0.number)" })
        for (place, signature) in MultiDeviceIdentity.signatures(probe) where sourceSignatures[place] == nil {
            // A partition the source does not have is a layout difference, said there.
            guard sourcePlaces.contains(place) else { continue }
            if place == "whole disk", reference.partitionTable != nil { continue }
            let uuid = signature.uuid.map { " (UUID \($0))" } ?? ""
            diffs.append("\(place) has a \(signature.type) signature\(uuid) that the source does not have")
        }
        return diffs
    }

    static func compare(_ context: DiskContext, with expected: ExpectedLayout) -> [Finding] {
        let have = DiskIdentity(context.probe)
        var diffs: [String] = []
        if let type = expected.type, type.lowercased() != have.tableType {
            diffs.append("partition table \(type) expected, \(have.tableType ?? "none") found")
        }
        let want = expected.partitions.map {
            PartitionPlacement(number: $0.number, startBytes: $0.startBytes, sizeBytes: $0.sizeBytes, type: "")
        }
        let found = have.layout.map { PartitionPlacement(number: $0.number, startBytes: $0.startBytes, sizeBytes: $0.sizeBytes, type: "") }
        diffs += placementDifferences(expected: want, found: found)
        guard !diffs.isEmpty else { return [] }
        return [Finding(code: FindingCode.layoutMismatch, severity: .critical,
                        message: layoutMessage(context, against: "the inventory's expected layout", differences: diffs),
                        evidence: ["differences": .array(diffs.map(JSONValue.string))])]
    }

    /// The found layout with partitions grown by a label extension (growpart) back at the
    /// source's size, so that an extension alone is not a layout difference (issue 10); the
    /// label-geometry rule reports it as `label-extended-to-volume`.
    static func extensionUndone(_ found: [PartitionPlacement], _ context: DiskContext) -> [PartitionPlacement] {
        guard let ext = context.labelExtension, ext.basis == .matchesSource, let reference = context.reference else { return found }
        let source = DiskIdentity(reference).layout
        return found.map { p in
            guard ext.grownPartitions.contains(p.number) || LabelExtension.isLast(p, in: found),
                  let s = source.first(where: { $0.number == p.number }), s.startBytes == p.startBytes,
                  p.sizeBytes > s.sizeBytes else { return p }
            var undone = p
            undone.sizeBytes = s.sizeBytes
            return undone
        }
    }

    static func placementDifferences(expected: [PartitionPlacement], found: [PartitionPlacement]) -> [String] {
        var diffs: [String] = []
        let foundByNumber = Dictionary(found.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        let expectedNumbers = Set(expected.map(\.number))
        for e in expected {
            guard let f = foundByNumber[e.number] else {
                diffs.append("partition \(e.number) (\(ByteSize.human(e.sizeBytes)) at \(e.startBytes)) is missing")
                continue
            }
            if f.startBytes != e.startBytes || f.sizeBytes != e.sizeBytes {
                diffs.append("partition \(e.number) is \(ByteSize.human(f.sizeBytes)) at \(f.startBytes), "
                             + "expected \(ByteSize.human(e.sizeBytes)) at \(e.startBytes)")
            } else if !e.type.isEmpty, f.type != e.type {
                diffs.append("partition \(e.number) has type \(f.type), expected \(e.type)")
            }
        }
        for f in found where !expectedNumbers.contains(f.number) {
            diffs.append("partition \(f.number) (\(ByteSize.human(f.sizeBytes)) at \(f.startBytes)) is not in the source")
        }
        return diffs
    }
}
