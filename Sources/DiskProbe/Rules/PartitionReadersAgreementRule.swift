import AuditCore

/// `partition-readers-disagree`: libfdisk and libblkid's own parser list different
/// partitions for the same bytes — a damaged or ambiguous table that tools will read
/// differently.
enum PartitionReadersAgreementRule: ProbeRule {
    static let code = FindingCode.partitionReadersDisagree

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let table = probe.partitionTable, table.decodedBy == "libfdisk",
              let blkid = probe.partitionTableSignature, blkid.type == table.type else { return [] }
        let fdisk = Set(probe.partitions.map { Layout(number: $0.number, startBytes: $0.startBytes, sizeBytes: $0.sizeBytes) })
        let other = Set(blkid.partitions.map { Layout(number: $0.number, startBytes: $0.startBytes, sizeBytes: $0.sizeBytes) })
        guard fdisk != other else { return [] }
        func list(_ s: Set<Layout>) -> JSONValue {
            .array(s.sorted { $0.number < $1.number }.map {
                ["number": .number($0.number), "startBytes": .number($0.startBytes), "sizeBytes": .number($0.sizeBytes)]
            })
        }
        return [Finding(
            code: code, severity: .warning,
            message: "libfdisk and libblkid read the \(table.type) label's partitions differently "
                + "(\(fdisk.count) vs \(blkid.partitions.count) partitions, or other ranges); tools and the guest may disagree on the layout.",
            evidence: ["onlyLibfdisk": list(fdisk.subtracting(other)), "onlyLibblkid": list(other.subtracting(fdisk))])]
    }

    private struct Layout: Hashable {
        var number: Int
        var startBytes: UInt64
        var sizeBytes: UInt64
    }
}
