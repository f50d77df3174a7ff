import AuditCore
import BlockAccess
import ContentCheck
import DiskProbe
import SourceInventory

/// Issue 10: when a volume's GPT was extended to its end after the copy (`sgdisk -e`,
/// growpart, cloud-init), the sectors that the extension rewrites differ from the source's
/// bytes without the copy being wrong. Those sectors are compared field by field instead
/// of byte by byte:
///
/// - protective MBR (LBA 0): everything equal but the protective entry's ending CHS and
///   size field (which must describe the new size);
/// - primary header (LBA 1): everything equal but AlternateLBA (must be the volume's last
///   LBA), LastUsableLBA (may only grow), the header CRC (must be valid) and the entries
///   CRC (must be valid);
/// - partition entries: equal, except the ending LBA of a partition grown with the label
///   (growpart), which may only grow and stays inside the usable area;
/// - the source's backup GPT area: unchanged, or zeroed;
/// - the new backup at the volume's end: a valid backup of the primary (same disk GUID,
///   the same entries, MyLBA the last LBA, AlternateLBA 1).
///
/// Everything else — data, a different disk GUID, a different entry — is still compared
/// byte by byte and still fails.
enum LabelSectorComparison {
    /// The byte ranges whose differences the extension explains, or why it does not.
    struct Result {
        var allowed: [Range<UInt64>]
        var problems: [String]
    }

    static func compare(target: any Volume, source: any Volume, targetProbe: ProbeResult, sourceProbe: ProbeResult,
                        extension ext: LabelExtension) -> Result {
        if ext.mbrSignature != nil {
            return compareDOS(target: target, source: source, targetProbe: targetProbe, extension: ext)
        }
        var problems: [String] = []
        let ss = UInt64(targetProbe.sectorSize)
        guard sourceProbe.sectorSize == targetProbe.sectorSize, ss >= 512,
              let tp = targetProbe.witnesses.primaryGPT, let sp = sourceProbe.witnesses.primaryGPT else {
            return Result(allowed: [], problems: ["the label sectors could not be compared field by field"])
        }
        let entriesBytes = UInt64(sp.entryCount) * UInt64(sp.entrySize)
        let entriesSectors = (entriesBytes + ss - 1) / ss
        let headEnd = (sp.entriesLBA + entriesSectors) * ss
        let targetLast = target.sizeBytes / ss - 1
        let sourceLast = source.sizeBytes / ss - 1
        guard headEnd <= 1 << 22, sp.entriesLBA >= 2, tp.entriesLBA == sp.entriesLBA,
              let t = try? target.read(at: 0, count: Int(headEnd)), let s = try? source.read(at: 0, count: Int(headEnd)) else {
            return Result(allowed: [], problems: ["the label sectors could not be read for a field-by-field comparison"])
        }
        func equal(_ range: Range<Int>) -> Bool { t[range].elementsEqual(s[range]) }
        func le(_ bytes: [UInt8], _ at: Int, _ n: Int) -> UInt64 {
            (0..<n).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
        }

        // LBA 0: the protective MBR.
        let sizeField = le(t, 446 + 12, 4)
        if !(equal(0..<(446 + 5)) && equal((446 + 8)..<(446 + 12)) && equal((446 + 16)..<Int(ss))) {
            problems.append("the protective MBR differs from the source's beyond its size fields")
        }
        if sizeField != min(targetLast, 0xFFFF_FFFF), sizeField != 0xFFFF_FFFF, sizeField != le(s, 446 + 12, 4) {
            problems.append("the protective MBR's size field (\(sizeField)) describes neither the volume nor the source")
        }
        // LBA 1: the primary header.
        let h = Int(ss)
        let fixed: [Range<Int>] = [h..<(h + 16), (h + 20)..<(h + 32), (h + 40)..<(h + 48), (h + 56)..<(h + 88), (h + 92)..<(2 * h)]
        if !fixed.allSatisfy(equal) {
            problems.append("the primary GPT header differs from the source's in fields an extension does not change")
        }
        if !tp.headerCRCValid || tp.entriesCRCValid == false { problems.append("the primary GPT header's CRCs are not valid") }
        if tp.alternateLBA != targetLast {
            problems.append("the primary header's AlternateLBA \(tp.alternateLBA) is not the volume's last LBA \(targetLast)")
        }
        if tp.lastUsableLBA < sp.lastUsableLBA || tp.lastUsableLBA + entriesSectors >= targetLast {
            problems.append("the primary header's LastUsableLBA \(tp.lastUsableLBA) is not an extension of the source's \(sp.lastUsableLBA)")
        }
        // The partition entries.
        let entrySize = Int(sp.entrySize)
        let base = Int(sp.entriesLBA * ss)
        if entrySize >= 128 {
            for index in 0..<Int(sp.entryCount) {
                let e = base + index * entrySize
                guard e + entrySize <= t.count else { break }
                if equal(e..<(e + entrySize)) { continue }
                let grown = ext.grownPartitions.contains(index + 1)
                let oldEnd = le(s, e + 40, 8), newEnd = le(t, e + 40, 8)
                if grown, equal(e..<(e + 40)), equal((e + 48)..<(e + entrySize)), newEnd > oldEnd, newEnd <= tp.lastUsableLBA {
                    continue
                }
                problems.append("partition entry \(index + 1) differs from the source's")
            }
        } else {
            problems.append("the GPT entry size \(entrySize) is not one this comparison understands")
        }
        // The source's backup area on the volume (where the source's own header says it is,
        // which is not the source's end when the source was grown in vSphere): unchanged or zeroed.
        let oldLast = min(sp.alternateLBA, sourceLast)
        let oldStart = (oldLast - min(entriesSectors, oldLast)) * ss
        let oldEnd = (oldLast + 1) * ss
        let oldCount = Int(oldEnd - oldStart)
        if let to = try? target.read(at: oldStart, count: oldCount), let so = try? source.read(at: oldStart, count: oldCount) {
            if to != so, to.contains(where: { $0 != 0 }) {
                problems.append("the source's backup GPT area at LBA \(oldStart / ss)… holds other data on the volume")
            }
        } else {
            problems.append("the source's backup GPT area could not be read")
        }
        // The new backup at the volume's end.
        if let end = targetProbe.witnesses.endGPT, end.signatureValid, end.headerCRCValid, end.entriesCRCValid != false,
           end.myLBA == targetLast, end.alternateLBA == 1,
           DiskIdentity.normalize(end.diskGUID) == DiskIdentity.normalize(tp.diskGUID),
           end.entriesSHA256 == nil || tp.entriesSHA256 == nil || end.entriesSHA256 == tp.entriesSHA256 {
            // a valid backup of the primary
        } else {
            problems.append("there is no valid backup of the extended label at the volume's last LBA \(targetLast)")
        }
        guard problems.isEmpty else { return Result(allowed: [], problems: problems) }
        let newStart = (targetLast - min(entriesSectors, targetLast)) * ss
        return Result(allowed: [0..<headEnd, oldStart..<oldEnd, newStart..<target.sizeBytes], problems: [])
    }

    /// A DOS label grown by growpart: LBA 0 equal but for the grown primary entries' ending
    /// CHS and size field, which may only grow and must stay inside the volume.
    static func compareDOS(target: any Volume, source: any Volume, targetProbe: ProbeResult,
                           extension ext: LabelExtension) -> Result {
        let ss = max(targetProbe.sectorSize, 512)
        guard let t = try? target.read(at: 0, count: ss), let s = try? source.read(at: 0, count: ss) else {
            return Result(allowed: [], problems: ["the DOS label could not be read for a field-by-field comparison"])
        }
        var problems: [String] = []
        var free = Set<Int>()
        for number in ext.grownPartitions where (1...4).contains(number) {
            let e = 446 + 16 * (number - 1)
            free.formUnion((e + 5)..<(e + 8))
            free.formUnion((e + 12)..<(e + 16))
            let le = { (b: [UInt8]) in (0..<4).reduce(UInt64(0)) { $0 | UInt64(b[e + 12 + $1]) << (8 * UInt64($1)) } }
            let start = (0..<4).reduce(UInt64(0)) { $0 | UInt64(t[e + 8 + $1]) << (8 * UInt64($1)) }
            if le(t) < le(s) || (start + le(t)) * UInt64(ss) > target.sizeBytes {
                problems.append("partition \(number)'s size field is not a growth inside the volume")
            }
        }
        if ext.grownPartitions.contains(where: { $0 > 4 }) {
            problems.append("a grown logical partition is not compared field by field")
        }
        if (0..<ss).contains(where: { !free.contains($0) && t[$0] != s[$0] }) {
            problems.append("the MBR differs from the source's beyond the grown partition's size")
        }
        return Result(allowed: problems.isEmpty ? [0..<UInt64(ss)] : [], problems: problems)
    }

    /// `ranges` minus `allowed`.
    static func subtract(_ ranges: [DifferingExtent], _ allowed: [Range<UInt64>]) -> [DifferingExtent] {
        var pieces = ranges.map { $0.offset..<$0.end }
        for cut in allowed {
            pieces = pieces.flatMap { r -> [Range<UInt64>] in
                guard r.overlaps(cut) else { return [r] }
                var out: [Range<UInt64>] = []
                if r.lowerBound < cut.lowerBound { out.append(r.lowerBound..<cut.lowerBound) }
                if cut.upperBound < r.upperBound { out.append(cut.upperBound..<r.upperBound) }
                return out
            }
        }
        return pieces.map { DifferingExtent(offset: $0.lowerBound, length: $0.upperBound - $0.lowerBound) }
    }

    /// The content findings of disk `key` with the differences the extension explains left
    /// out: the `content-mismatch` is dropped when nothing else differs, rebuilt from what is
    /// left otherwise, and kept (with the reason) when the label sectors do not compare.
    static func reconcile(_ findings: [Finding], key: String, outcome: ContentVerification.Outcome,
                          target: any Volume, source: any Volume, result: Result) -> [Finding] {
        guard let index = findings.firstIndex(where: { $0.code == FindingCode.contentMismatch }) else { return findings }
        var findings = findings
        guard result.problems.isEmpty else {
            findings[index].message += " The label was extended to the volume's end, but its sectors do not compare field by "
                + "field with the source's: " + result.problems.joined(separator: "; ") + "."
            findings[index].evidence["labelExtensionProblems"] = .array(result.problems.map(JSONValue.string))
            return findings
        }
        let note = " (The sectors rewritten when the label was extended to the volume's end were compared field by field and agree.)"
        if let differences = outcome.differences[key] {
            let rest = subtract(differences.extents, result.allowed)
            if rest.isEmpty && !differences.truncated {
                findings.remove(at: index)
            } else {
                let bytes = rest.reduce(UInt64(0)) { $0 + $1.length }
                let first = rest.first?.offset ?? 0
                findings[index].message = "\(ByteSize.human(bytes)) differ from the source in \(rest.count)"
                    + "\(differences.truncated ? "+" : "") extent(s), the first at offset \(first). The volume does not hold "
                    + "its source's content; copy it again and compare." + note
                findings[index].evidence["differingBytes"] = .number(bytes)
                findings[index].evidence["firstDifferenceOffset"] = .number(first)
                findings[index].evidence["extents"] = .array(rest.prefix(64).map { ["offset": .number($0.offset), "length": .number($0.length)] })
            }
            return findings
        }
        if var check = outcome.sampleChecks[key] {
            check.mismatches = check.mismatches.filter { m in
                guard m.actualSHA256 != nil else { return true }
                let block = m.offset..<(m.offset + UInt64(m.length))
                let cuts = result.allowed.filter { $0.overlaps(block) }
                guard !cuts.isEmpty, let t = try? target.read(at: m.offset, count: m.length),
                      let s = try? source.read(at: m.offset, count: m.length) else { return true }
                // Equal outside the label sectors, which were compared field by field.
                for i in 0..<m.length where t[i] != s[i] {
                    let at = m.offset + UInt64(i)
                    if !cuts.contains(where: { $0.contains(at) }) { return true }
                }
                return false
            }
            findings.remove(at: index)
            if var rebuilt = check.findings.first(where: { $0.code == FindingCode.contentMismatch }) {
                rebuilt.message += note
                findings.insert(rebuilt, at: index)
            }
        }
        return findings
    }

    // MARK: Against a baseline: only the source's block hashes are known.

    /// With a baseline, the source's bytes are gone; only each sampled block's hash remains.
    /// A mismatched block that holds label sectors is rebuilt as the source had it — the
    /// target's bytes with the fields the extension changes set back to the source's values
    /// (from the baseline's own GPT and MBR witnesses) — and hashed: when the hash is the
    /// baseline's, the block differs only by the extension.
    static func reconcileWithBaseline(_ findings: [Finding], key: String, outcome: ContentVerification.Outcome,
                                      target: any Volume, targetProbe: ProbeResult, reference: ProbeResult,
                                      extension ext: LabelExtension) -> [Finding] {
        if ext.mbrSignature != nil {
            return reconcileDOSWithBaseline(findings, key: key, outcome: outcome, target: target, reference: reference,
                                            extension: ext)
        }
        guard let index = findings.firstIndex(where: { $0.code == FindingCode.contentMismatch }),
              var check = outcome.sampleChecks[key], let sp = reference.witnesses.primaryGPT,
              let headerCRC = sp.storedHeaderCRC32, let entriesCRC = sp.storedEntriesCRC32,
              reference.sectorSize == targetProbe.sectorSize else { return findings }
        let ss = UInt64(reference.sectorSize)
        let entriesEnd = (sp.entriesLBA * ss) + UInt64(sp.entryCount) * UInt64(sp.entrySize)
        let sourceLast = sp.alternateLBA
        func put(_ bytes: inout [UInt8], _ at: UInt64, _ value: UInt64, _ n: Int, base: UInt64) {
            guard at >= base, at + UInt64(n) <= base + UInt64(bytes.count) else { return }
            for i in 0..<n { bytes[Int(at - base) + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        let chsLast: UInt64 = {
            let c = sourceLast / (255 * 63), h = (sourceLast / 63) % 255, sct = sourceLast % 63 + 1
            if c > 1023 { return 0xFF_FFFE }
            return h | ((sct | ((c >> 2) & 0xC0)) << 8) | ((c & 0xFF) << 16)
        }()
        let protectiveSize = reference.witnesses.mbr?.protectiveSizeLBA ?? min(sourceLast, 0xFFFF_FFFF)
        check.mismatches = check.mismatches.filter { m in
            guard m.actualSHA256 != nil, m.offset < entriesEnd,
                  let bytes = try? target.read(at: m.offset, count: m.length) else { return true }
            var rebuilt = bytes
            put(&rebuilt, 446 + 12, protectiveSize, 4, base: m.offset)
            put(&rebuilt, ss + 32, sp.alternateLBA, 8, base: m.offset)
            put(&rebuilt, ss + 48, sp.lastUsableLBA, 8, base: m.offset)
            put(&rebuilt, ss + 88, UInt64(entriesCRC), 4, base: m.offset)
            put(&rebuilt, ss + 16, UInt64(headerCRC), 4, base: m.offset)
            for number in ext.grownPartitions {
                guard let p = reference.partitions.first(where: { $0.number == number }) else { continue }
                put(&rebuilt, sp.entriesLBA * ss + UInt64(number - 1) * UInt64(sp.entrySize) + 40, p.endLBA, 8, base: m.offset)
            }
            // The protective entry's ending CHS: as on the volume, saturated, or computed for the source's size.
            var candidates = [rebuilt]
            for chs in [UInt64(0xFF_FFFE), chsLast] {
                var c = rebuilt
                put(&c, 446 + 5, chs, 3, base: m.offset)
                candidates.append(c)
            }
            return !candidates.contains { ContentAttribution.sha256Hex($0) == m.expectedSHA256 }
        }
        var findings = findings
        findings.remove(at: index)
        if var rebuilt = check.findings.first(where: { $0.code == FindingCode.contentMismatch }) {
            rebuilt.message += " (Blocks holding the sectors rewritten when the label was extended were rebuilt with the "
                + "source's values and match the baseline.)"
            findings.insert(rebuilt, at: index)
        }
        return findings
    }

    /// The DOS form of `reconcileWithBaseline`: the grown primary entries' size fields (and
    /// ending CHS) set back to the baseline MBR's, then hashed.
    static func reconcileDOSWithBaseline(_ findings: [Finding], key: String, outcome: ContentVerification.Outcome,
                                         target: any Volume, reference: ProbeResult, extension ext: LabelExtension) -> [Finding] {
        guard let index = findings.firstIndex(where: { $0.code == FindingCode.contentMismatch }),
              var check = outcome.sampleChecks[key], let mbr = reference.witnesses.mbr else { return findings }
        let ss = UInt64(max(reference.sectorSize, 512))
        check.mismatches = check.mismatches.filter { m in
            guard m.actualSHA256 != nil, m.offset < ss, let bytes = try? target.read(at: m.offset, count: m.length) else { return true }
            var candidates = [bytes]
            for number in ext.grownPartitions {
                guard (1...4).contains(number), let entry = mbr.entries.first(where: { $0.index == number }) else { return true }
                let e = 446 + 16 * (number - 1) - Int(m.offset)
                guard e >= 0, e + 16 <= bytes.count else { return true }
                let last = entry.startLBA + entry.sectors - 1
                let c = last / (255 * 63), h = (last / 63) % 255, sct = last % 63 + 1
                let chs: [[UInt8]] = [Array(bytes[(e + 5)..<(e + 8)]), [0xFE, 0xFF, 0xFF],
                                      c > 1023 ? [0xFE, 0xFF, 0xFF] : [UInt8(h), UInt8(sct | ((c >> 2) & 0xC0)), UInt8(c & 0xFF)]]
                candidates = candidates.flatMap { base in
                    chs.map { value in
                        var b = base
                        b.replaceSubrange((e + 5)..<(e + 8), with: value)
                        for i in 0..<4 { b[e + 12 + i] = UInt8(truncatingIfNeeded: entry.sectors >> (8 * UInt64(i))) }
                        return b
                    }
                }
            }
            return !candidates.contains { ContentAttribution.sha256Hex($0) == m.expectedSHA256 }
        }
        var findings = findings
        findings.remove(at: index)
        if var rebuilt = check.findings.first(where: { $0.code == FindingCode.contentMismatch }) {
            rebuilt.message += " (Blocks holding the MBR rewritten when a partition was grown were rebuilt with the "
                + "source's values and match the baseline.)"
            findings.insert(rebuilt, at: index)
        }
        return findings
    }
}
