import AuditCore
import SourceInventory

/// `verify --volume` (README.md, "Attached volumes by volume ID"): a volume that is not
/// attached leaves its disk unread — inconclusive, never pass, and not `unmapped-disk`,
/// because the operator did name it — and every resolution is recorded in the report
/// (`volume-resolved`: the ID, the link used, the resolved path).
public enum VolumeIDVerification {
    /// `input` with the volumes' findings added and the missing volumes' disks marked unread.
    public static func apply(_ resolved: VolumeMapping.Resolved, to input: VerificationInput) -> VerificationInput {
        var input = input
        let missing = resolved.notFound
        let missingKeys = Set(missing.map(\.key))
        input.vmFindings.removeAll { finding in
            guard finding.code == FindingCode.unmappedDisk, case .string(let key)? = finding.evidence["key"] else { return false }
            return missingKeys.contains(key)
        }
        input.vmFindings += VolumeMapping.findings(resolved, inventory: input.inventory, notFoundSeverity: .warning)
        for resolution in missing where input.inventory.disks.contains(where: { $0.key == resolution.key }) {
            input.volumes[resolution.key] = VolumeObservation(
                target: "volume \(resolution.volumeID)", targetIdentity: nil,
                outcome: .notRead(reason: "volume \(resolution.volumeID) is not attached (no whole-disk link for it in \(resolution.directory))"))
        }
        return input
    }
}
