import AuditCore
import DiskProbe

/// A second, different GPT header at the device's true last LBA: what remains of an
/// earlier label when a smaller disk's label was written over the volume. Computed once,
/// by DiskProbe's `StaleLabelAtEndRule`; this rule only places it in the stale-label family.
public enum StaleLabelRule: DiskRule {
    /// The stale-label family.
    public static let family = RuleFamily.staleLabel

    /// `stale-label-at-end` (warning) when a different GPT header sits at the last LBA; the probe's own finding when it made one.
    public static func findings(in context: DiskContext) -> [Finding] {
        StaleLabelAtEndRule.verifyFindings(in: context.probe)
    }
}
