import AuditCore
import DiskProbe
import SourceInventory

/// Finds destination volumes that carry another source disk's layout or data.
///
/// Each read volume is scored against every other source disk on independent kinds of
/// evidence (`ContaminationEvidence`). Identity evidence counts only when it tells the
/// two source disks apart: a value the other source has and this disk's own source does
/// not. Without sources or a baseline only the implied size is available, which is enough
/// when the GPT was written for a size that exactly one other disk has; with them, a swap
/// of two disks of equal size is found from identities alone.
public enum ContaminationAnalysis {
    /// One destination volume to analyse.
    public struct Volume: Sendable {
        public var disk: SourceDisk
        public var probe: ProbeResult

        /// A volume and the disk it is mapped to.
        public init(disk: SourceDisk, probe: ProbeResult) {
            self.disk = disk
            self.probe = probe
        }
    }

    /// The contamination entries for `volumes`, in the inventory's disk order.
    /// - Parameters:
    ///   - references: source probes (live or baseline) by disk key, possibly empty.
    ///   - contentMatches: disk key → source keys whose sampled content the volume holds.
    public static func analyze(inventory: Inventory, volumes: [Volume], references: [String: ProbeResult],
                               contentMatches: [String: Set<String>] = [:]) -> [Contamination] {
        var result: [Contamination] = []
        for volume in volumes {
            var scored: [(disk: SourceDisk, evidence: [String], details: [String: JSONValue])] = []
            for candidate in inventory.disks where candidate.key != volume.disk.key {
                let (evidence, details) = score(volume, against: candidate, references: references,
                                                contentMatch: contentMatches[volume.disk.key]?.contains(candidate.key) ?? false,
                                                peers: volumes)
                if !evidence.isEmpty { scored.append((candidate, evidence, details)) }
            }
            guard let best = scored.max(by: { $0.evidence.count < $1.evidence.count }) else { continue }
            // An attribution must be unambiguous: two candidates equally supported name neither.
            if scored.filter({ $0.evidence.count == best.evidence.count }).count > 1 { continue }
            result.append(Contamination(disk: volume.disk.key, carries: best.disk.key, evidence: best.evidence,
                                        details: best.details))
        }
        return result
    }

    /// The evidence that `volume` carries `candidate`'s disk, and the values behind it.
    static func score(_ volume: Volume, against candidate: SourceDisk, references: [String: ProbeResult],
                      contentMatch: Bool, peers: [Volume] = []) -> ([String], [String: JSONValue]) {
        var evidence: [String] = []
        var details: [String: JSONValue] = [:]
        let found = DiskIdentity(volume.probe)
        if let implied = found.impliedDiskBytes, implied == candidate.capacityBytes, implied != volume.disk.capacityBytes {
            evidence.append(ContaminationEvidence.impliedSize)
            details["impliedDiskBytes"] = .number(implied)
            if let lba = volume.probe.partitionTable?.gpt?.alternateLBA ?? volume.probe.witnesses.primaryGPT?.alternateLBA {
                details["alternateLBA"] = .number(lba)
            }
        }
        if let theirs = references[candidate.key].map(DiskIdentity.init) {
            let own = references[volume.disk.key].map(DiskIdentity.init)
            func distinguishes(_ mine: String?, _ candidates: String?, _ owns: String?) -> Bool {
                guard let mine, let candidates, mine == candidates else { return false }
                return owns != mine
            }
            if distinguishes(found.diskGUID, theirs.diskGUID, own?.diskGUID) {
                evidence.append(ContaminationEvidence.diskGUID)
                details["diskGUID"] = .optional(found.diskGUID)
            }
            if distinguishes(found.mbrSignature, theirs.mbrSignature, own?.mbrSignature) {
                evidence.append(ContaminationEvidence.mbrSignature)
                details["mbrSignature"] = .optional(found.mbrSignature)
            }
            let ownGUIDs = Set(own?.partitionGUIDs.values.map { $0 } ?? [])
            let sharedGUIDs = Set(found.partitionGUIDs.values).intersection(theirs.partitionGUIDs.values).subtracting(ownGUIDs)
            if !sharedGUIDs.isEmpty {
                evidence.append(ContaminationEvidence.partitionGUIDs)
                details["partitionGUIDs"] = .array(sharedGUIDs.sorted().map(JSONValue.string))
            }
            if !found.layout.isEmpty, found.layout == theirs.layout, own?.layout != found.layout {
                evidence.append(ContaminationEvidence.partitionLayout)
                details["partitions"] = .number(found.layout.count)
            }
            let ownUUIDs = Set(own?.filesystemUUIDs.values.map { $0 } ?? [])
            let sharedUUIDs = Set(found.filesystemUUIDs.values).intersection(theirs.filesystemUUIDs.values).subtracting(ownUUIDs)
            if !sharedUUIDs.isEmpty {
                evidence.append(ContaminationEvidence.filesystemUUIDs)
                details["filesystemUUIDs"] = .array(sharedUUIDs.sorted().map(JSONValue.string))
            }
        }
        if contentMatch { evidence.append(ContaminationEvidence.contentSamples) }
        // Size fields, partition extents, the own stale label, member identities (issue 21).
        let (more, moreDetails) = MemberAttribution.evidence(volume, against: candidate, references: references, peers: peers)
        evidence += more
        details.merge(moreDetails) { a, _ in a }
        if let table = found.tableType { details["partitionTable"] = .string(table) }
        let witnesses = volume.probe.witnesses
        if !evidence.isEmpty, let end = witnesses.endGPT, end.signatureValid, let primary = witnesses.primaryGPT,
           end.lba != primary.alternateLBA, DiskIdentity.normalize(end.diskGUID) != DiskIdentity.normalize(primary.diskGUID) {
            // What is left of the volume's own label, at its true end.
            details["endHeaderLBA"] = .number(end.lba)
            details["endHeaderDiskGUID"] = .string(end.diskGUID)
        }
        return (evidence, details)
    }
}
