import AuditCore
import Verification

/// Contamination entries in plain words, for the terminal, the Markdown and the HTML report.
public enum ContaminationProse {
    /// One sentence per entry, e.g. "The volume of disk 2000 (Hard disk 1, 115 GiB) carries
    /// the partition table of disk 2001 (Hard disk 2, 10 GiB): its GPT was written for a
    /// 10 GiB disk (alternate LBA 20971519), …".
    public static func sentence(_ entry: Contamination, in report: VerificationReport) -> String {
        let carried = report.disk(entry.carries)
        let dataOnly: Set<String> = [ContaminationEvidence.contentSamples, ContaminationEvidence.contentRegions,
                                     ContaminationEvidence.canaryBlocks]
        let what = AttributionProse.what(entry)
            ?? (Set(entry.evidence).isSubset(of: dataOnly) ? "the data" : "the partition table")
        var reasons: [String] = []
        let owner = "disk \(entry.carries)'s"
        for kind in entry.evidence {
            switch kind {
            case ContaminationEvidence.impliedSize:
                let implied = entry.details["impliedDiskBytes"]?.uint64Value
                let size = implied.map { ByteSize.human($0) } ?? "different"
                let lba = entry.details["alternateLBA"]?.uint64Value.map { " (alternate LBA \($0))" } ?? ""
                let label = entry.details["partitionTable"]?.stringValue == "gpt" ? "GPT" : "label"
                reasons.append("its \(label) was written for a \(size) disk\(lba), the size of disk \(entry.carries)")
            case ContaminationEvidence.diskGUID:
                reasons.append("its disk GUID \(entry.details["diskGUID"]?.stringValue ?? "") is \(owner)")
            case ContaminationEvidence.mbrSignature:
                reasons.append("its DOS disk signature \(entry.details["mbrSignature"]?.stringValue ?? "") is \(owner)")
            case ContaminationEvidence.partitionGUIDs:
                reasons.append("its partition GUIDs are \(owner)")
            case ContaminationEvidence.partitionLayout:
                reasons.append("its partitions start and end where \(owner) do")
            case ContaminationEvidence.filesystemUUIDs:
                let uuids = entry.details["filesystemUUIDs"].flatMap { value -> [String]? in
                    if case .array(let a) = value { return a.compactMap(\.stringValue) }
                    return nil
                } ?? []
                let kinds = entry.details["filesystemUUIDKinds"].flatMap { value -> [String]? in
                    if case .array(let a) = value { return a.compactMap(\.stringValue) }
                    return nil
                } ?? []
                let kind = Set(kinds).count == 1 ? kinds[0] : "filesystem UUID"
                reasons.append("its \(kind)\(uuids.count == 1 ? "" : "s") \(uuids.joined(separator: ", ")) "
                               + "\(uuids.count == 1 ? "is" : "are") \(owner)")
            case ContaminationEvidence.contentSamples:
                reasons.append("sampled blocks hold \(owner) data")
            case ContaminationEvidence.contentRegions:
                // Issue 10: where the foreign bytes sit, and where they came from.
                let regions: [[String: JSONValue]] = {
                    guard case .array(let list)? = entry.details["contentRegions"] else { return [] }
                    return list.compactMap { if case .object(let o) = $0 { return o } else { return nil } }
                }()
                if let first = regions.first, let at = first["targetOffset"]?.uint64Value,
                   let from = first["sourceOffset"]?.uint64Value {
                    let count = entry.details["contentRegionCount"]?.uint64Value ?? UInt64(regions.count)
                    let bytes = entry.details["contentRegionBytes"]?.uint64Value.map { ", \(ByteSize.human($0)) in all," } ?? ""
                    reasons.append("\(count) region(s)\(bytes) are byte-identical to \(owner) source, the first at offset \(at) "
                                   + "of this volume (offset \(from) of disk \(entry.carries))")
                } else {
                    reasons.append("regions are byte-identical to \(owner) source")
                }
            case ContaminationEvidence.canaryBlocks:
                // Issue 14: the canary's sealed blocks name their disk and offset.
                let count = entry.details["canaryBlocks"]?.uint64Value ?? 0
                if let start = entry.details["canaryStart"]?.uint64Value, let end = entry.details["canaryEnd"]?.uint64Value {
                    reasons.append("\(count) canary locations hold \(owner) blocks, its image covering bytes \(start)–\(end) of this volume")
                } else {
                    reasons.append("\(count) canary locations hold \(owner) blocks")
                }
            default:
                reasons.append(AttributionProse.reason(kind, details: entry.details, carries: entry.carries) ?? kind)
            }
        }
        if let lba = entry.details["endHeaderLBA"]?.uint64Value, let guid = entry.details["endHeaderDiskGUID"]?.stringValue {
            reasons.append("a different GPT header (disk GUID \(guid)) still sits at the volume's last LBA \(lba), "
                           + "left over from the label the volume had before")
        }
        return "The volume of \(report.describe(entry.disk)) carries \(what) of "
            + "\(carried?.described ?? "disk \(entry.carries)"): " + reasons.joined(separator: "; ") + "."
    }
}
