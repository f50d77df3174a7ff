import AuditCore
import BlockAccess
import DiskProbe

/// `verify --preflight FILE` (README.md, "Before the copy: preflight"): a finding that rests
/// on bytes identical to what preflight read before the copy says so, so that a leftover
/// label is not mistaken for the copy — and, when preflight saw the target blank, that the
/// label was written by the copy.
///
/// The comparison is by bytes: preflight probed its first and last MiB with the same prober
/// and recorded every region it read with its SHA-256; verify's probe records its regions the
/// same way. A finding rests on the regions inside those windows (the end-of-disk ones for
/// `stale-label-at-end`); when every one of them has the same offset, length and SHA-256 as
/// in preflight, the finding gets `seenByPreflight: true` and a sentence saying so.
public enum PreflightAnnotation {
    /// Findings that do not rest on the label's bytes (reachability, sizes, content, mapping).
    static let notLabelCodes: Set<String> = [
        FindingCode.targetUnreachable, FindingCode.unreadableRegion, FindingCode.notRead, FindingCode.sourceUnreadable,
        FindingCode.targetSmallerThanSource, FindingCode.targetLargerThanSource, FindingCode.contentMismatch,
        FindingCode.guestFilesystemMissing, FindingCode.volumeNotFound, FindingCode.volumeResolved,
        FindingCode.volumeAmbiguous, FindingCode.targetNotBlank, FindingCode.targetReadOnly, FindingCode.targetInUse,
        FindingCode.duplicateTarget, FindingCode.unmappedDisk, FindingCode.unknownDisk,
    ]

    /// The report with its disks' findings annotated, and notes for the user.
    public static func annotate(_ report: VerificationReport, with preflight: PreflightReport) -> (VerificationReport, [String]) {
        var report = report
        var notes: [String] = []
        if preflight.vm.name != report.vm.name {
            notes.append("the preflight report is for VM \(preflight.vm.name), this verify is for VM \(report.vm.name); it is not used")
            return (report, notes)
        }
        for i in report.disks.indices {
            guard let probe = report.disks[i].probe, let before = preflight.disk(report.disks[i].key),
                  let head = before.head, let tail = before.tail else { continue }
            // Bytes alike on another volume would prove nothing about this one.
            if let earlier = before.targetIdentity, let now = report.disks[i].target,
               let identity = try? Target(parsing: now).identity, identity != earlier {
                notes.append("disk \(report.disks[i].key): preflight checked \(before.target ?? earlier), this verify read \(now); the preflight report is not used for it")
                continue
            }
            if let size = before.actualBytes, size != probe.sizeBytes {
                notes.append("disk \(report.disks[i].key): the volume was \(size) bytes at preflight and is \(probe.sizeBytes) bytes now; its bytes are not compared")
                continue
            }
            let seen = Set(before.regions.map { RegionKey($0) })
            let inHead = probe.regionsRead.filter { $0.offset + $0.length <= head.length }
            let inTail = probe.regionsRead.filter { $0.offset >= tail.offset && $0.offset + $0.length <= tail.offset + tail.length }
            let when = preflight.startedAt
            for j in report.disks[i].findings.indices {
                var finding = report.disks[i].findings[j]
                guard !notLabelCodes.contains(finding.code) else { continue }
                let relevant = finding.code == FindingCode.staleLabelAtEnd ? inTail : inHead + inTail.filter { r in !inHead.contains(r) }
                guard !relevant.isEmpty else { continue }
                let unchanged = relevant.filter { seen.contains(RegionKey($0)) }
                finding.evidence["preflightStartedAt"] = .string(when)
                finding.evidence["preflightState"] = .string(before.state.rawValue)
                if before.state == .blank {
                    finding.evidence["seenByPreflight"] = .bool(false)
                    finding.message += " The target was blank before the copy (preflight of \(when) read its first and last MiB as zeros): the copy wrote this."
                } else if unchanged.count == relevant.count {
                    finding.evidence["seenByPreflight"] = .bool(true)
                    finding.evidence["preflightRegions"] = .array(relevant.map { region in
                        ["offset": .number(region.offset), "length": .number(region.length),
                         "sha256": .string(region.sha256), "purpose": .string(region.purpose)]
                    })
                    let purposes = relevant.map(\.purpose).joined(separator: ", ")
                    finding.message += " This label was already on the target before the copy (preflight of \(when) read the same bytes: \(purposes), SHA-256 identical): it is a leftover the copy did not overwrite, not the copy's own."
                } else {
                    finding.evidence["seenByPreflight"] = .bool(false)
                }
                report.disks[i].findings[j] = finding
            }
            let all = inHead + inTail
            if before.state == .labelled, !all.isEmpty, all.allSatisfy({ seen.contains(RegionKey($0)) }) {
                notes.append("disk \(report.disks[i].key): the regions read in its first and last MiB are exactly what preflight saw before the copy (\(when)): the copy did not write them")
            }
        }
        return (report, notes)
    }

    private struct RegionKey: Hashable {
        var offset: UInt64
        var length: UInt64
        var sha256: String
        init(_ region: RegionRead) {
            offset = region.offset
            length = region.length
            sha256 = region.sha256
        }
    }
}
