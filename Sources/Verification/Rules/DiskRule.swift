import AuditCore

/// A check of one disk's volume. Each rule lives in its own file with its own messages.
public protocol DiskRule {
    /// The family the rule's findings belong to (one JUnit testcase per disk and family).
    static var family: RuleFamily { get }
    /// Why the rule cannot run for this disk, or nil when it can.
    static func skipReason(in context: DiskContext) -> String?
    /// The rule's findings for the disk in `context`; empty when all is well.
    static func findings(in context: DiskContext) -> [Finding]
    /// Probe finding codes this rule decides for the disk when it runs: the probe's own
    /// findings of these codes are dropped, whether or not the rule emits them (it knows
    /// more: the source, the inventory).
    static var judgedProbeCodes: Set<String> { get }
}

extension DiskRule {
    /// Rules run whenever the volume was read, unless they say otherwise.
    public static func skipReason(in context: DiskContext) -> String? { nil }
    /// By default a rule overrides only the probe findings whose codes it emits.
    public static var judgedProbeCodes: Set<String> { [] }
}
