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
    ///   - extensions: disk key → the disk's own label extended to its volume's end (issue 10);
    ///     computed from `volumes` and `references` when nil.
    ///   - contentRegions: disk key → regions of the volume byte-identical to another source's.
    public static func analyze(inventory: Inventory, volumes: [Volume], references: [String: ProbeResult],
                               contentMatches: [String: Set<String>] = [:],
                               extensions: [String: LabelExtension]? = nil,
                               contentRegions: [String: [ContentRegionMatch]] = [:]) -> [Contamination] {
        let extensions = extensions ?? labelExtensions(volumes: volumes, references: references, inventory: inventory)
        var result: [Contamination] = []
        for volume in volumes {
            var scored: [(disk: SourceDisk, evidence: [String], details: [String: JSONValue])] = []
            for candidate in inventory.disks where candidate.key != volume.disk.key {
                var (evidence, details) = score(volume, against: candidate, references: references,
                                                contentMatch: contentMatches[volume.disk.key]?.contains(candidate.key) ?? false,
                                                peers: volumes)
                if evidence.contains(ContaminationEvidence.impliedSize),
                   !impliedSizeCounts(volume, references: references, labelExtension: extensions[volume.disk.key],
                                      candidateVolume: volumes.first { $0.disk.key == candidate.key }) {
                    evidence.removeAll { $0 == ContaminationEvidence.impliedSize }
                    details["impliedDiskBytes"] = nil
                    details["alternateLBA"] = nil
                }
                addContentRegions(contentRegions[volume.disk.key] ?? [], from: candidate.key,
                                  evidence: &evidence, details: &details)
                if evidence.isEmpty { continue }
                scored.append((candidate, evidence, details))
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
                // Issue 10: what each UUID is (an LVM PV UUID is not a filesystem UUID).
                details["filesystemUUIDKinds"] = .array(sharedUUIDs.sorted().map { uuid in
                    let place = found.filesystemUUIDs.first { $0.value == uuid }?.key
                    return .string(DiskIdentity.uuidKind(place.flatMap { found.filesystemTypes[$0] }))
                })
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

    // MARK: Issue 10 — identity outranks a size coincidence; content regions name their disk.

    /// Each read volume's own label extended to its end, by disk key.
    public static func labelExtensions(volumes: [Volume], references: [String: ProbeResult],
                                       inventory: Inventory? = nil) -> [String: LabelExtension] {
        var result: [String: LabelExtension] = [:]
        let all = volumes.map { (disk: $0.disk, probe: $0.probe) }
        for volume in volumes {
            if let ext = LabelExtension.assess(disk: volume.disk, probe: volume.probe,
                                               reference: references[volume.disk.key], others: all, inventory: inventory) {
                result[volume.disk.key] = ext
            }
        }
        return result
    }

    /// Whether the label's implied size may count as evidence that the volume carries
    /// another disk. It may not when identity says the label is this disk's own: the label
    /// was extended to the volume's end (`LabelExtension`), the source's own GPT was written
    /// for the same size (a disk grown in vSphere whose label was never moved), or the
    /// volume's disk GUID is this disk's source's.
    /// Without references, it does not count either when the candidate's own volume carries
    /// a different label that fits the candidate (another disk GUID, no shared partition
    /// GUID): the candidate's label is where it belongs, so the size is only a coincidence
    /// (the label-geometry rule still fails the volume and says so).
    static func impliedSizeCounts(_ volume: Volume, references: [String: ProbeResult], labelExtension: LabelExtension?,
                                  candidateVolume: Volume? = nil) -> Bool {
        if labelExtension != nil { return false }
        guard let own = references[volume.disk.key] else {
            return !ownerHoldsItsOwnLabel(volume, candidateVolume)
        }
        let found = DiskIdentity(volume.probe)
        if let implied = found.impliedDiskBytes, own.partitionTable?.impliedDiskBytes == implied { return false }
        if let guid = found.diskGUID, guid == DiskIdentity(own).diskGUID { return false }
        return true
    }

    /// Whether `candidate`'s volume carries a GPT of its own size whose identities are not
    /// `volume`'s.
    public static func ownerHoldsItsOwnLabel(_ volume: Volume, _ candidate: Volume?) -> Bool {
        guard let candidate else { return false }
        let found = DiskIdentity(volume.probe), theirs = DiskIdentity(candidate.probe)
        guard let mine = found.diskGUID, let other = theirs.diskGUID, mine != other,
              theirs.impliedDiskBytes == candidate.disk.capacityBytes else { return false }
        return Set(found.partitionGUIDs.values).isDisjoint(with: theirs.partitionGUIDs.values)
    }

    /// Adds `content-regions` evidence when regions of the volume are byte-identical to
    /// `candidate`'s source, with where they sit on both.
    static func addContentRegions(_ regions: [ContentRegionMatch], from candidate: String, evidence: inout [String],
                                  details: inout [String: JSONValue]) {
        let mine = regions.filter { $0.sourceDisk == candidate }
        guard !mine.isEmpty else { return }
        evidence.append(ContaminationEvidence.contentRegions)
        details["contentRegions"] = .array(mine.prefix(16).map(\.json))
        details["contentRegionCount"] = .number(mine.count)
        details["contentRegionBytes"] = .number(mine.reduce(UInt64(0)) { $0 + $1.length })
    }
}
