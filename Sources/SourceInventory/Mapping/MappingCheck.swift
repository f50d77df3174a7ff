import AuditCore
import BlockAccess
#if canImport(Glibc)
import Glibc
#endif

/// The mapping findings (docs/CONTRACT.md): `duplicate-target` (critical) when two disk keys map to
/// one volume — including two spellings of one export, compared by `Target.identity`;
/// `unmapped-disk` (error) for an inventory disk without a volume; `unknown-disk` (error) for
/// a volume mapped to a key the inventory does not have.
public enum MappingCheck {
    /// Which side of the copy a mapping names: the destinations or the sources. Its raw
    /// value is the word the messages and the `role` evidence use.
    public enum Role: String, Sendable, CaseIterable {
        case target, source
    }

    /// The findings for `assignments` mapped as `role`.
    public static func findings(inventory: Inventory, assignments: [TargetAssignment], role: Role) -> [Finding] {
        findings(inventory: inventory, assignments: assignments, role: role.rawValue)
    }

    /// duplicate-target / unmapped-disk / unknown-disk findings, each with evidence (keys,
    /// targets redacted, normalized identity). `role` is "target" or "source" for the messages.
    public static func findings(inventory: Inventory, assignments: [TargetAssignment], role: String) -> [Finding] {
        duplicateTargets(assignments, role: role)
            + unmappedDisks(inventory, assignments, role: role)
            + unknownDisks(inventory, assignments, role: role)
    }

    private static func duplicateTargets(_ assignments: [TargetAssignment], role: String) -> [Finding] {
        var groups: [String: [TargetAssignment]] = [:]
        var order: [String] = []
        for assignment in assignments {
            let identity = assignment.target.identity
            if groups[identity] == nil { order.append(identity) }
            groups[identity, default: []].append(assignment)
        }
        return order.compactMap { identity in
            guard let group = groups[identity], Set(group.map(\.key)).count > 1 else { return nil }
            let keys = group.map(\.key)
            let targets = group.map(\.target.redacted)
            let distinct = targets.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let spelled = distinct.count == 1 ? distinct[0]
                : "\(distinct[0]) (also spelled \(list(Array(distinct.dropFirst()))); the same export: \(identity))"
            let count = keys.count == 2 ? "both" : "all \(keys.count)"
            return Finding(
                code: FindingCode.duplicateTarget, severity: .critical,
                message: "disks \(list(keys)) are \(count) mapped to the same \(role) \(spelled): one volume cannot hold \(keys.count) disks. If the replication used this mapping, it wrote them over each other and at most one survives; if not, correct the mapping",
                evidence: [
                    "role": .string(role),
                    "keys": .array(keys.map(JSONValue.string)),
                    "targets": .array(targets.map(JSONValue.string)),
                    "identity": .string(identity),
                ])
        }
    }

    private static func unmappedDisks(_ inventory: Inventory, _ assignments: [TargetAssignment], role: String) -> [Finding] {
        let mapped = Set(assignments.map(\.key))
        return inventory.disks.filter { !mapped.contains($0.key) }.map { disk in
            Finding(
                code: FindingCode.unmappedDisk, severity: .error,
                message: "disk \(disk.key)\(disk.label.map { " (\($0))" } ?? "") of \(ByteSize.human(disk.capacityBytes)) has no \(role); add \(disk.key):\(role.uppercased()) to --nbd-\(role)s, or give --\(role) \(disk.key)=\(role.uppercased())",
                evidence: [
                    "role": .string(role),
                    "key": .string(disk.key),
                    "label": .optional(disk.label),
                    "capacityBytes": .number(disk.capacityBytes),
                    "mappedKeys": .array(assignments.map { .string($0.key) }),
                ])
        }
    }

    private static func unknownDisks(_ inventory: Inventory, _ assignments: [TargetAssignment], role: String) -> [Finding] {
        let known = inventory.disks.map(\.key)
        return assignments.filter { !known.contains($0.key) }.map { assignment in
            Finding(
                code: FindingCode.unknownDisk, severity: .error,
                message: "the \(role) \(assignment.target.redacted) is mapped to disk \(assignment.key), which VM \(inventory.vm.name) does not have; its disks are \(list(known))",
                evidence: [
                    "role": .string(role),
                    "key": .string(assignment.key),
                    "target": .string(assignment.target.redacted),
                    "identity": .string(assignment.target.identity),
                    "inventoryKeys": .array(known.map(JSONValue.string)),
                ])
        }
    }

    /// `target-is-source` (critical, issue 21): a target that is the same volume as a source —
    /// the same identity as `duplicate-target` compares (URI, socket, host:port/export, file
    /// path after symlinks), or the same file (device and inode) or block device (st_rdev).
    /// Verifying would compare the source with itself and never read the disk's real volume,
    /// so the run must stop before reading anything.
    public static func targetsThatAreSources(targets: [TargetAssignment], sources: [TargetAssignment]) -> [Finding] {
        var result: [Finding] = []
        for t in targets {
            for s in sources where sameVolume(t.target, s.target) {
                let own = s.key == t.key
                let message = own
                    ? "the target of disk \(t.key), \(t.target.redacted), is also its source\(s.target.redacted == t.target.redacted ? "" : " \(s.target.redacted)"): verifying would compare the source with itself and never read disk \(t.key)'s replicated volume. Give disk \(t.key)'s destination volume as its target"
                    : "the target of disk \(t.key), \(t.target.redacted), is the source of disk \(s.key)\(s.target.redacted == t.target.redacted ? "" : " (\(s.target.redacted))"): a destination volume cannot be a source disk. Correct the mapping; if the replication wrote disk \(t.key) to the source of disk \(s.key), that source is damaged"
                result.append(Finding(
                    code: FindingCode.targetIsSource, severity: .critical, message: message,
                    evidence: ["targetKey": .string(t.key), "sourceKey": .string(s.key),
                               "target": .string(t.target.redacted), "source": .string(s.target.redacted),
                               "identity": .string(t.target.identity)]))
            }
        }
        return result
    }

    /// Whether two targets name one volume: equal identities, or for local paths the same
    /// block device (st_rdev) or the same file (st_dev and st_ino, e.g. a hard link).
    public static func sameVolume(_ a: Target, _ b: Target) -> Bool {
        if a.identity == b.identity { return true }
        guard case .file(let pa) = a, case .file(let pb) = b else { return false }
        var sa = stat(), sb = stat()
        guard stat(pa, &sa) == 0, stat(pb, &sb) == 0 else { return false }
        let blockA = (sa.st_mode & S_IFMT) == S_IFBLK, blockB = (sb.st_mode & S_IFMT) == S_IFBLK
        if blockA && blockB { return sa.st_rdev == sb.st_rdev }
        return !blockA && !blockB && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    private static func list(_ keys: [String]) -> String {
        switch keys.count {
        case 0: "(none)"
        case 1: keys[0]
        default: keys.dropLast().joined(separator: ", ") + " and " + keys[keys.count - 1]
        }
    }
}
