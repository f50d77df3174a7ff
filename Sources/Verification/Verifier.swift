import AuditCore
import DiskProbe
import SourceInventory

/// Runs the rules over every disk, the contamination analysis over the VM, and reaches
/// the verdicts. Pure: it reads nothing; the caller probes the volumes first.
public enum Verifier {
    /// The per-disk rules, in the order their findings are listed.
    static var rules: [any DiskRule.Type] { [
        SizeRule.self, LabelGeometryRule.self, StaleLabelRule.self, PartitionBoundsRule.self,
        DuplicateIdentityRule.self, LayoutIdentityRule.self, GuestFilesystemRule.self,
        DataPresenceRule.self,
    ] }

    /// Verifies `input` and returns the report (timestamps and tool as given).
    public static func verify(_ input: VerificationInput, tool: ToolInfo, startedAt: String,
                              finishedAt: String) -> VerificationReport {
        let inventory = input.inventory
        let read: [(SourceDisk, ProbeResult)] = inventory.disks.compactMap { disk in
            input.volumes[disk.key]?.outcome.probe.map { (disk, $0) }
        }
        let analysed = read.map { ContaminationAnalysis.Volume(disk: $0.0, probe: $0.1) }
        let extensions = ContaminationAnalysis.labelExtensions(volumes: analysed, references: input.references,
                                                               inventory: inventory)
        var contamination = ContaminationAnalysis.analyze(
            inventory: inventory, volumes: analysed,
            references: input.references, contentMatches: input.contentMatches, extensions: extensions,
            contentRegions: input.contentRegions)
        if let canary = input.canary { contamination = CanaryVerification.contamination(canary, merging: contamination) }
        let peers = read.map { DiskContext.Peer(disk: $0.0, probe: $0.1, targetIdentity: input.volumes[$0.0.key]?.targetIdentity,
                                                reference: input.references[$0.0.key]) }

        var disks = inventory.disks.map { disk in
            report(for: disk, input: input, peers: peers, contamination: contamination, labelExtension: extensions[disk.key])
        }
        disks = VerdictConsistency.enforce(disks: disks, contamination: contamination, vmFindings: input.vmFindings,
                                           inventory: inventory)
        let vmFindings = input.vmFindings + VerdictConsistency.swapNotRuledOut(
            inventory: inventory, disks: disks, referenceKind: input.referenceKind)
        let everything = vmFindings + disks.flatMap(\.findings)
        let unread = disks.contains { $0.verdict == .inconclusive }
            || everything.contains { FindingCode.unread.contains($0.code) || FindingCode.notUnderstood($0) }
        var verified = VerificationReport(
            tool: tool, startedAt: startedAt, finishedAt: finishedAt,
            verdict: Verdict.of(findings: everything, somethingUnread: unread), vm: inventory.vm,
            references: input.referenceKind, content: input.content, disks: disks, findings: vmFindings,
            contamination: contamination)
        verified.canary = input.canary
        return verified
    }

    static func report(for disk: SourceDisk, input: VerificationInput, peers: [DiskContext.Peer],
                       contamination: [Contamination], labelExtension: LabelExtension? = nil) -> DiskReport {
        let observation = input.volumes[disk.key]
            ?? VolumeObservation(target: nil, targetIdentity: nil, outcome: .notRead(reason: "no target is mapped to it"))
        let readFindings = ReadabilityRule.findings(disk: disk, target: observation.target, outcome: observation.outcome)
        var checks = [check(.readability, readFindings)]
        var findings = readFindings
        let reference = input.references[disk.key]

        if let probe = observation.outcome.probe {
            var context = DiskContext(inventory: input.inventory, disk: disk, probe: probe, reference: reference,
                                      peers: peers, contamination: contamination)
            context.targetIdentity = observation.targetIdentity
            context.labelExtension = labelExtension
            context.referenceFailure = input.referenceFailures[disk.key]
            context.contentCompared = input.content.compared
            var judged: Set<String> = []
            for rule in rules {
                if let reason = rule.skipReason(in: context) {
                    checks.append(RuleCheck(family: rule.family, verdict: .pass, findingCodes: [], skippedBecause: reason))
                    continue
                }
                let ruleFindings = rule.findings(in: context)
                checks.append(check(rule.family, ruleFindings))
                findings += ruleFindings
                judged.formUnion(rule.judgedProbeCodes)
            }
            let adopted = Set(findings.map(\.code)).union(judged)
            let probeOwn = probe.findings.filter { !adopted.contains($0.code) }
            checks.append(check(.probe, probeOwn))
            findings += probeOwn
            // Issue 14: the canary's findings count as content findings.
            let canaryResult = input.canary?.disks.first { $0.key == disk.key }
            let canaryFindings = canaryResult.map { CanaryVerification.findings($0, disk: disk, inventory: input.inventory) } ?? []
            if !input.content.compared, canaryResult == nil {
                checks.append(RuleCheck(family: .content, verdict: .pass, findingCodes: [],
                                        skippedBecause: input.content.note ?? "content comparison was not asked for (--content none)"))
            } else {
                let contentFindings = (input.content.compared ? input.contentFindings[disk.key] ?? [] : []) + canaryFindings
                checks.append(check(.content, contentFindings))
                findings += contentFindings
            }
        } else {
            for family in RuleFamily.allCases where family != .readability {
                checks.append(RuleCheck(family: family, verdict: .inconclusive, findingCodes: [],
                                        skippedBecause: "the volume was not read"))
            }
        }

        let vmFindingsNamingDisk = input.vmFindings.filter { names($0.evidence, key: disk.key) }
        let unread = observation.outcome.probe == nil
            || findings.contains { FindingCode.unread.contains($0.code) || FindingCode.notUnderstood($0) }
        let verdict = Verdict.of(findings: findings + vmFindingsNamingDisk, somethingUnread: unread)
        return DiskReport(key: disk.key, label: disk.label, target: observation.target, expectedBytes: disk.capacityBytes,
                          actualBytes: observation.outcome.probe?.sizeBytes, verdict: verdict, findings: findings,
                          checks: checks, probe: observation.outcome.probe, reference: reference)
    }

    static func check(_ family: RuleFamily, _ findings: [Finding]) -> RuleCheck {
        let unread = findings.contains { FindingCode.unread.contains($0.code) || FindingCode.notUnderstood($0) }
        return RuleCheck(family: family, verdict: Verdict.of(findings: findings, somethingUnread: unread),
                         findingCodes: findings.map(\.code))
    }

    /// Whether `evidence` names disk `key` as the disk it is about: its `key` or `keys`
    /// field (a duplicate-target's keys, an unmapped disk's key). Lists of other keys
    /// (`mappedKeys`, `inventoryKeys`) do not count: a VM finding about one disk must
    /// never change the verdict of another (README, "Exit codes").
    public static func names(_ evidence: [String: JSONValue], key: String) -> Bool {
        if case .string(let own)? = evidence["key"], own == key { return true }
        if case .array(let keys)? = evidence["keys"], keys.contains(.string(key)) { return true }
        return false
    }
}
