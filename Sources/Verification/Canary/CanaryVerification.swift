import AuditCore
import BlockAccess
import Canary
import SourceInventory

/// `verify --canary` (issue 14; docs/CANARY.md): every destination volume's canary blocks,
/// read concurrently, and the findings and contamination entries they make.
public enum CanaryVerification {
    /// Scans the volume of every mapped disk the manifest knows, one thread per volume (at
    /// most `jobs`), over the probe's connection when `open` holds it.
    public static func run(manifest: CanaryManifest, path: String, targets: [(key: String, target: Target)], jobs: Int,
                           options: VolumeOptions, open: OpenVolumes?) -> CanaryReport {
        let work = targets.filter { manifest.disk($0.key) != nil }
        let results = BoundedThreads.map(count: work.count, jobs: max(jobs, work.count)) { index -> CanaryDiskResult in
            let (key, target) = work[index]
            let disk = manifest.disk(key)!
            if let volume = open?.volume(for: target) {
                return CanaryScanner.scan(volume, disk: disk, manifest: manifest)
            }
            do throws(VolumeError) {
                let volume = try VolumeOpener.open(target, options: options)
                defer { volume.close() }
                return CanaryScanner.scan(volume, disk: disk, manifest: manifest)
            } catch {
                var result = CanaryDiskResult(key: key, expectedBlocks: disk.blockCount, volumeBytes: 0)
                result.error = error.description
                return result
            }
        }
        return CanaryReport(manifest: path, vm: manifest.vm.name, generation: manifest.generation, disks: results)
    }

    /// The findings of one disk's canary scan.
    public static func findings(_ result: CanaryDiskResult, disk: SourceDisk, inventory: Inventory) -> [Finding] {
        let name = { (key: String) in inventory.disk(key).map(DiskContext.describe) ?? "disk \(key)" }
        var findings: [Finding] = []
        // Unread locations (a failed read) make the check incomplete: inconclusive, never a finding about content.
        if let error = result.error {
            findings.append(Finding(
                code: FindingCode.unreadableRegion, severity: .warning,
                message: "The canary blocks of \(name(disk.key)) could not all be read (\(error)); "
                    + "the canary check is incomplete. Check the connection to the volume and verify again.",
                evidence: ["error": .string(error), "canary": true]))
        }
        // Another disk's blocks, per disk they came from.
        let foreign = result.ranges(.otherDisk)
        for source in orderedUnique(foreign.compactMap(\.fromDisk)) {
            let mine = foreign.filter { $0.fromDisk == source }
            let count = mine.reduce(0) { $0 + $1.count }
            let extents = result.foreignExtents.filter { $0.fromDisk == source }
            // Its blocks read at this disk's locations, or found block by block inside its image.
            let read = max(mine.filter { $0.inferred != true }.reduce(0) { $0 + $1.count }, extents.reduce(0) { $0 + $1.blocks })
            let span = extents.map { "bytes \($0.start)–\($0.end)" + ($0.shiftBytes == 0 ? "" : " (moved by \($0.shiftBytes) bytes)") }
            let whereText = span.isEmpty ? "at \(rangesText(mine))" : span.joined(separator: ", ")
            findings.append(Finding(
                code: FindingCode.contentFromOtherDisk, severity: .critical,
                message: "\(count) canary locations of this volume hold \(name(source))'s content (\(read) of its sealed "
                    + "blocks read\(count > read ? ", \(count - read) locations inside its image" : "")): \(whereText) of the volume "
                    + "carry \(name(source))'s image. The replication wrote \(name(source)) to the volume of \(name(disk.key)): "
                    + "correct the disk-to-volume mapping and copy \(name(disk.key)) again from its own source.",
                evidence: ["fromDisk": .string(source), "count": .number(count), "blocksRead": .number(read),
                           "extents": .array(extents.map { ["start": .number($0.start), "end": .number($0.end),
                                                            "shiftBytes": .number($0.shiftBytes), "blocks": .number($0.blocks)] }),
                           "ranges": rangesJSON(mine, source: true)]))
        }
        let shifted = result.ranges(.shifted)
        for shift in orderedUnique(shifted.compactMap(\.shiftBytes)) {
            let mine = shifted.filter { $0.shiftBytes == shift }
            let count = mine.reduce(0) { $0 + $1.count }
            let direction = shift > 0 ? "later" : "earlier"
            findings.append(Finding(
                code: FindingCode.contentShifted, severity: .error,
                message: "\(count) canary blocks of \(name(disk.key)) sit \(shift.magnitude) bytes (\(ByteSize.human(shift.magnitude))) "
                    + "\(direction) on the volume than where they belong (the first belongs at byte \(mine[0].start), found at byte "
                    + "\(Int64(mine[0].start) + shift)). The copy wrote the data at the wrong offset: check the replication's "
                    + "offset arithmetic (sector size, a header or partition offset) and copy the disk again.",
                evidence: ["shiftBytes": .number(shift), "count": .number(count), "ranges": rangesJSON(mine)]))
        }
        let missing = result.ranges(.notWritten)
        if !missing.isEmpty {
            let count = missing.reduce(0) { $0 + $1.count }
            let pastEnd = missing.filter { $0.pastEnd == true }.reduce(0) { $0 + $1.count }
            let tail = pastEnd > 0 ? "; \(pastEnd) of them lie past the volume's end (\(result.volumeBytes) bytes)" : ""
            findings.append(Finding(
                code: FindingCode.contentNotWritten, severity: .error,
                message: "\(count) canary locations of \(name(disk.key)) hold zeros or a hole where a canary block belongs: "
                    + "\(rangesText(missing))\(tail). Data the source has was never written to this volume (the copy stopped "
                    + "early, skipped allocated blocks, or the volume is too small): copy the disk again and verify again.",
                evidence: ["count": .number(count), "pastEnd": .number(pastEnd), "ranges": rangesJSON(missing)]))
        }
        let stale = result.ranges(.stale)
        if !stale.isEmpty {
            let count = stale.reduce(0) { $0 + $1.count }
            let found = orderedUnique(stale.compactMap(\.generation)).sorted()
            let expected = orderedUnique(stale.compactMap(\.expectedGeneration)).sorted()
            findings.append(Finding(
                code: FindingCode.contentStale, severity: .error,
                message: "\(count) canary blocks of \(name(disk.key)) hold an older generation (found \(list(found)), expected "
                    + "\(list(expected))): \(rangesText(stale)). The copy predates the last changes on the source — an incremental "
                    + "(CBT) sync missed changed blocks: run the sync again (or a full copy) and verify again.",
                evidence: ["count": .number(count), "generations": .array(found.map { .number(UInt64($0)) }),
                           "expectedGenerations": .array(expected.map { .number(UInt64($0)) }), "ranges": rangesJSON(stale)]))
        }
        let mismatched = result.ranges(.mismatch)
        if !mismatched.isEmpty {
            let count = mismatched.reduce(0) { $0 + $1.count }
            let reasons = orderedUnique(mismatched.compactMap(\.reason))
            findings.append(Finding(
                code: FindingCode.contentMismatch, severity: .critical,
                message: "\(count) canary locations of \(name(disk.key)) hold something other than a canary block of this canary "
                    + "(\(reasons.joined(separator: "; "))): \(rangesText(mismatched)). The blocks were overwritten or damaged after "
                    + "they were written, by the copy or by something else writing to the volume: copy the disk again and "
                    + "find what else writes to it.",
                evidence: ["count": .number(count), "reasons": .array(reasons.map(JSONValue.string)),
                           "ranges": rangesJSON(mismatched), "canary": true]))
        }
        return findings
    }

    /// Contamination entries from the canary (`disk <- fromDisk`), merged into `existing`:
    /// an entry for the same pair gains the `canary-blocks` evidence, otherwise one is added.
    public static func contamination(_ report: CanaryReport, merging existing: [Contamination]) -> [Contamination] {
        var entries = existing
        for result in report.disks {
            let foreign = result.ranges(.otherDisk)
            for source in orderedUnique(foreign.compactMap(\.fromDisk)) {
                let mine = foreign.filter { $0.fromDisk == source }
                let extents = result.foreignExtents.filter { $0.fromDisk == source }
                var details: [String: JSONValue] = [
                    "canaryBlocks": .number(mine.reduce(0) { $0 + $1.count }),
                    "canaryRanges": rangesJSON(mine, source: true),
                    "canaryExtents": .array(extents.map { ["start": .number($0.start), "end": .number($0.end),
                                                           "shiftBytes": .number($0.shiftBytes)] }),
                ]
                if let first = extents.first {
                    details["canaryStart"] = .number(first.start)
                    details["canaryEnd"] = .number(first.end)
                }
                if let index = entries.firstIndex(where: { $0.disk == result.key && $0.carries == source }) {
                    entries[index].evidence.append(ContaminationEvidence.canaryBlocks)
                    entries[index].details.merge(details) { a, _ in a }
                } else {
                    entries.append(Contamination(disk: result.key, carries: source,
                                                 evidence: [ContaminationEvidence.canaryBlocks], details: details))
                }
            }
        }
        return entries
    }

    static func rangesJSON(_ ranges: [CanaryRange], source: Bool = false) -> JSONValue {
        .array(ranges.prefix(64).map { range in
            var object: [String: JSONValue] = ["start": .number(range.start), "end": .number(range.end), "count": .number(range.count)]
            if source, let start = range.sourceStart { object["sourceStart"] = .number(start) }
            if range.inferred == true { object["inferred"] = true }
            if let reason = range.reason { object["reason"] = .string(reason) }
            return .object(object)
        })
    }

    /// "bytes 0–4096 (1 block), bytes … and 3 more ranges".
    static func rangesText(_ ranges: [CanaryRange]) -> String {
        let shown = ranges.prefix(3).map { "bytes \($0.start)–\($0.end) (\($0.count) \($0.count == 1 ? "block" : "blocks"))" }
        return shown.joined(separator: ", ") + (ranges.count > 3 ? " and \(ranges.count - 3) more ranges" : "")
    }

    static func list(_ values: [UInt32]) -> String { values.map(String.init).joined(separator: ", ") }

    static func orderedUnique<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }
}
