import AuditCore
import SourceInventory

/// The one place where the verdicts and the contamination list are made to agree (issue 10):
///
/// - a disk named in a contamination entry (as `disk`) never passes: if no rule failed it,
///   it gets a `carries-other-disk` finding (critical) that says what the analysis found;
/// - every failing disk has a failing finding of its own: a disk failed only by a VM-level
///   finding that names it (e.g. `duplicate-target`) gets a copy of that finding.
///
/// The rules and the analysis are meant to agree on their own; this is the guarantee
/// that a report never says "pass" next to a contamination entry for the same disk.
public enum VerdictConsistency {
    /// `disks` with the invariant restored.
    public static func enforce(disks: [DiskReport], contamination: [Contamination], vmFindings: [Finding],
                               inventory: Inventory) -> [DiskReport] {
        disks.map { disk in
            var disk = disk
            let entries = contamination.filter { $0.disk == disk.key }
            if !entries.isEmpty, !disk.findings.contains(where: { $0.severity.fails }) {
                for entry in entries {
                    let finding = carriesOtherDisk(entry, inventory: inventory)
                    disk.findings.append(finding)
                    // Reported with the cross-volume family: the analysis compares this volume with the others.
                    if let i = disk.checks.firstIndex(where: { $0.family == .duplicateIdentity }) {
                        disk.checks[i].verdict = .fail
                        disk.checks[i].findingCodes.append(finding.code)
                        disk.checks[i].skippedBecause = nil
                    } else {
                        disk.checks.append(RuleCheck(family: .duplicateIdentity, verdict: .fail, findingCodes: [finding.code]))
                    }
                }
                disk.verdict = .fail
            }
            if disk.verdict == .fail, !disk.findings.contains(where: { $0.severity.fails }) {
                for finding in vmFindings where finding.severity.fails && Verifier.names(finding.evidence, key: disk.key) {
                    disk.findings.append(finding)
                }
            }
            return disk
        }
    }

    /// `carries-other-disk` (critical): the volume carries another disk's layout or data.
    static func carriesOtherDisk(_ entry: Contamination, inventory: Inventory) -> Finding {
        let name = { (key: String) in inventory.disks.first { $0.key == key }.map(DiskContext.describe) ?? "disk \(key)" }
        return Finding(
            code: FindingCode.carriesOtherDisk, severity: .critical,
            message: "The volume of \(name(entry.disk)) carries \(name(entry.carries))'s layout or data "
                + "(evidence: \(entry.evidence.joined(separator: ", "))). It is not a copy of its own source: "
                + "copy \(name(entry.disk)) again from its own source and verify again.",
            evidence: ["carries": .string(entry.carries), "contaminationEvidence": .array(entry.evidence.map(JSONValue.string)),
                       "details": .object(entry.details)])
    }

    /// `equal-capacity-swap-possible` (info), one per group of two or more disks of equal
    /// capacity that all pass with no sources or baseline: sizes and labels cannot tell
    /// their volumes apart, so a swap between them is not ruled out.
    public static func swapNotRuledOut(inventory: Inventory, disks: [DiskReport],
                                       referenceKind: ReferenceKind) -> [Finding] {
        guard referenceKind == .none else { return [] }
        let passing = inventory.disks.filter { disk in disks.first { $0.key == disk.key }?.verdict == .pass }
        let groups = Dictionary(grouping: passing, by: \.capacityBytes).filter { $0.value.count > 1 }
        return groups.keys.sorted().map { capacity in
            let group = groups[capacity] ?? []
            let keys = group.map(\.key)
            return Finding(
                code: FindingCode.equalCapacitySwapPossible, severity: .info,
                message: "Disks \(keys.joined(separator: ", ")) have the same capacity (\(ByteSize.human(capacity))), and "
                    + "sizes and labels alone cannot tell their volumes apart: a swap between them cannot be ruled out. "
                    + "Verify with --nbd-sources or a --baseline captured from the sources to compare their identities.",
                evidence: ["keys": .array(keys.map(JSONValue.string)), "capacityBytes": .number(capacity)])
        }
    }
}
