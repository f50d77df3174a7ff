import AuditCore
import SourceInventory

/// The mapping of disk keys to volumes, checked before any volume is read:
/// `duplicate-target`, `unmapped-disk`, `unknown-disk` (from `MappingCheck`). A key
/// whose volume is shared with another key is never read: no verdict about that volume
/// could say which disk it holds.
public enum MappingRule {
    /// The mapping findings for `assignments` mapped as `role`.
    public static func findings(inventory: Inventory, assignments: [TargetAssignment], role: MappingCheck.Role) -> [Finding] {
        MappingCheck.findings(inventory: inventory, assignments: assignments, role: role)
    }

    /// The mapping findings for `assignments`; `role` is "target" or "source".
    public static func findings(inventory: Inventory, assignments: [TargetAssignment], role: String) -> [Finding] {
        MappingCheck.findings(inventory: inventory, assignments: assignments, role: role)
    }

    /// Keys that share their volume with another key: these volumes are not read.
    public static func sharedKeys(_ assignments: [TargetAssignment]) -> Set<String> {
        var byIdentity: [String: Set<String>] = [:]
        for assignment in assignments { byIdentity[assignment.target.identity, default: []].insert(assignment.key) }
        return byIdentity.values.filter { $0.count > 1 }.reduce(into: Set<String>()) { $0.formUnion($1) }
    }

    /// Why a shared key's volume is not read.
    public static func notReadReason(_ key: String, _ assignments: [TargetAssignment]) -> String {
        guard let mine = assignments.first(where: { $0.key == key }) else { return "no target is mapped to it" }
        let others = assignments.filter { $0.key != key && $0.target.identity == mine.target.identity }.map(\.key)
        return "its target is also mapped to disk\(others.count == 1 ? "" : "s") \(others.joined(separator: ", ")) "
            + "(duplicate-target), so the volume cannot be attributed to one disk"
    }
}
