import AuditCore

/// Identities that must be unique across the VM's volumes — disk GUID, DOS disk
/// signature, partition GUIDs, filesystem UUIDs — found on two different volumes.
///
/// Two keys mapped to one export are `duplicate-target`, not this. When the contamination
/// analysis says which volume carries the other disk, the finding goes to that volume
/// only: the other one holds its own identities.
public enum DuplicateIdentityRule: DiskRule {
    /// The duplicate-identity family.
    public static let family = RuleFamily.duplicateIdentity

    static func message(peer: DiskContext.Peer, shared: [(kind: String, value: String)]) -> String {
        let list = shared.map { "\($0.kind) \($0.value)" }.joined(separator: ", ")
        return "This volume and the volume of \(DiskContext.describe(peer.disk)) share \(list): "
            + "one disk's identity is on two volumes, and a guest would mount the wrong one."
    }

    /// One `duplicate-identity` (critical) per other volume that shares an identity with this one.
    public static func findings(in context: DiskContext) -> [Finding] {
        let mine = DiskIdentity(context.probe).values
        guard !mine.isEmpty else { return [] }
        var result: [Finding] = []
        for peer in context.peers where peer.disk.key != context.disk.key {
            if let a = context.targetIdentity, let b = peer.targetIdentity, a == b { continue }
            let theirs = Set(DiskIdentity(peer.probe).values.map { "\($0.kind)|\($0.value)" })
            let shared = mine.filter { theirs.contains("\($0.kind)|\($0.value)") }
            guard !shared.isEmpty else { continue }
            let peerCarriesMine = context.contamination.contains { $0.disk == peer.disk.key && $0.carries == context.disk.key }
            let iCarryPeers = context.contamination.contains { $0.disk == context.disk.key && $0.carries == peer.disk.key }
            if peerCarriesMine && !iCarryPeers { continue }
            result.append(Finding(
                code: FindingCode.duplicateIdentity, severity: .critical,
                message: message(peer: peer, shared: shared),
                evidence: ["otherDisk": .string(peer.disk.key),
                           "otherTarget": .string(peer.probe.target),
                           "shared": .array(shared.map { ["kind": .string($0.kind), "value": .string($0.value)] })]))
        }
        return result
    }
}
