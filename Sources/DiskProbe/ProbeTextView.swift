import AuditCore

/// The text view of a probe result: reads like `fdisk -l`, then `blkid`, then the raw
/// witnesses and the findings, with sizes in human units.
public enum ProbeTextView {
    /// Renders `probe` as lines of text, ending with a newline.
    public static func render(_ probe: ProbeResult) -> String {
        var out: [String] = []
        let sectors = probe.sizeBytes / UInt64(max(1, probe.sectorSize))
        out.append("Disk \(TerminalText.field(probe.target)): \(ByteSize.human(probe.sizeBytes)), \(probe.sizeBytes) bytes, \(sectors) sectors")
        out.append("Sector size (logical): \(probe.sectorSize) bytes" + sectorSizeNote(probe))
        if let t = probe.partitionTable {
            out.append("Disklabel type: \(t.type)"
                       + (t.headerSource.map { $0 == HeaderSource.mbr ? " (from the MBR)" : " (from the \($0) header)" } ?? ""))
            if let id = t.diskId { out.append("Disk identifier: \(id)") }
            if let g = t.gpt {
                out.append("First usable LBA: \(g.firstUsableLBA)   Last usable LBA: \(g.lastUsableLBA)")
                out.append("Alternate LBA: \(g.alternateLBA)   Partition entries LBA: \(g.entriesLBA)   Entries: \(g.entryCount) × \(g.entrySize) bytes")
            }
            if let implied = t.impliedDiskBytes {
                let check = t.impliedSizeCheck.map { $0.consistent ? " (LastUsableLBA and PMBR agree)" : " (witnesses DISAGREE)" } ?? ""
                out.append("Label written for: \(ByteSize.human(implied)), \(implied) bytes\(check)")
            } else if let minimum = t.impliedMinimumDiskBytes {
                out.append("Label needs at least: \(ByteSize.human(minimum)), \(minimum) bytes")
            }
            for w in t.warnings { out.append("libfdisk: \(TerminalText.field(w))") }
            if t.decodedBy != "libfdisk" { out.append("Partitions read by: \(t.decodedBy)") }
        } else {
            out.append("No partition table.")
        }
        if let rejected = probe.partitionReaders?.rejected { out.append(rejected) }
        if !probe.partitions.isEmpty {
            out.append("")
            var rows = [["Part", "Boot", "Start", "End", "Sectors", "Size", "Type", "UUID", "Name"]]
            for p in probe.partitions {
                rows.append([String(p.number), p.bootable ? "*" : "", String(p.startLBA), String(p.endLBA),
                             String(p.sizeBytes / UInt64(max(1, probe.sectorSize))), ByteSize.human(p.sizeBytes),
                             TerminalText.field(p.typeName ?? p.type), TerminalText.field(p.uuid ?? ""),
                             TerminalText.field(p.name ?? p.kind ?? "")])
            }
            out += table(rows)
        }
        out.append("")
        out.append("Signatures (libblkid):")
        if let fs = probe.filesystem { out.append("  whole disk: \(describe(fs))") }
        if let pt = probe.partitionTableSignature {
            // libblkid's reading names its header when it is not the primary.
            let from = pt.labelType == .gpt ? pt.headerSource.flatMap { $0 == HeaderSource.primary ? nil : " (from the \($0) header)" } : nil
            out.append("  whole disk: PTTYPE=\"\(TerminalText.field(pt.type))\"" + (pt.uuid.map { " PTUUID=\"\(TerminalText.field($0))\"" } ?? "") + (from ?? ""))
        }
        for p in probe.partitions {
            if let fs = p.filesystem { out.append("  partition \(p.number): \(describe(fs))") }
        }
        if probe.filesystem == nil && probe.partitionTableSignature == nil && !probe.partitions.contains(where: { $0.filesystem != nil }) {
            out.append("  none")
        }
        out.append("")
        out.append("Witnesses (raw, independent of libfdisk):")
        let w = probe.witnesses
        if let m = w.mbr {
            let ee = m.protectiveSizeLBA.map { ", 0xEE size \($0) sectors" } ?? ""
            out.append("  MBR: signature \(m.diskSignature), boot signature \(m.bootSignatureValid ? "valid" : "INVALID"), \(m.entries.count) entries\(ee)")
            for e in m.entries {
                out.append("    entry \(e.index): type \(e.type)\(e.bootable ? " boot" : "") start \(e.startLBA) sectors \(e.sectors)")
            }
        } else {
            out.append("  MBR: none (LBA 0 is empty or unreadable)")
        }
        for (name, h) in [("primary GPT", w.primaryGPT), ("backup GPT", w.backupGPT), ("GPT at device end", w.endGPT)] {
            guard let h else { out.append("  \(name): none"); continue }
            let entries = h.entriesCRCValid.map { $0 ? "ok" : "INVALID" } ?? (h.entriesProblem ?? "not read")
            out.append("  \(name) at LBA \(h.lba): disk GUID \(h.diskGUID), header CRC \(h.headerCRCValid ? "ok" : "INVALID"), entries CRC \(entries)")
            out.append("    MyLBA \(h.myLBA), AlternateLBA \(h.alternateLBA), usable \(h.firstUsableLBA)–\(h.lastUsableLBA), entries at \(h.entriesLBA) (\(h.entryCount) × \(h.entrySize))")
            out.append("    sha256 \(h.sha256)")
        }
        if !w.extendedBootRecordLBAs.isEmpty {
            out.append("  EBR chain: " + w.extendedBootRecordLBAs.map(String.init).joined(separator: " → "))
        }
        // Members of multi-device sets, parsed by the probe itself (README.md, "Multi-device
        // guest storage"): LDM has no libblkid prober, so this is where it shows.
        if let members = probe.multiDeviceMembers, !members.isEmpty {
            out.append("")
            out.append("Multi-device members (parsed by the probe):")
            for m in members {
                let role = m.roleText.isEmpty ? "" : " (\(m.roleText))"
                let set = m.setID.map { " of \(m.setNoun) \(TerminalText.field($0))" + (m.setName.map { " \"\(TerminalText.field($0))\"" } ?? "") } ?? ""
                let claim = m.claimedDeviceBytes.map { ", written for a device of \($0) bytes (\(m.claimField ?? "size field"))" } ?? ""
                out.append("  \(m.place): \(m.memberKind) \(TerminalText.field(m.memberID))\(role)\(set)\(claim)")
            }
        }
        // The LVs inside those PVs, laid out from the LVM metadata (README.md, "Logical volumes").
        if let lvs = probe.logicalVolumes, !lvs.isEmpty {
            out.append("")
            out.append("Logical volumes (from the LVM metadata):")
            for lv in lvs {
                let at = lv.segments.first.map { " at offset \($0.startBytes)" } ?? ""
                let runs = lv.segments.count == 1 ? "" : ", \(lv.segments.count) segments here"
                let elsewhere = lv.wholeOnVolume ? "" : ", partly elsewhere (another PV or a non-linear layout)"
                let fs = lv.filesystem.map { ": \(describe($0))" } ?? ": no signature"
                out.append("  \(lv.place): \(TerminalText.field(lv.name)) \(ByteSize.human(lv.sizeBytes))\(at)\(runs)\(elsewhere)\(fs)")
            }
        }
        out.append("")
        let total = probe.regionsRead.reduce(UInt64(0)) { $0 + $1.length }
        out.append("Read \(probe.regionsRead.count) regions, \(ByteSize.human(total)).")
        for u in probe.unreadableRegions {
            out.append("  UNREADABLE offset \(u.offset) length \(u.length): \(TerminalText.field(u.error ?? "unknown error"))")
        }
        out.append("")
        if probe.findings.isEmpty {
            out.append("Findings: none")
        } else {
            out.append("Findings:")
            for f in probe.findings { out.append("  [\(f.severity.rawValue)] \(f.code): \(TerminalText.field(f.message))") }
        }
        // Every line is safe for a terminal (README, "Output and untrusted text").
        return TerminalText.output(out.joined(separator: "\n") + "\n")
    }

    /// " (from the GPT at LBA 1; the block device reports 512)", or "" when there is nothing to say.
    private static func sectorSizeNote(_ probe: ProbeResult) -> String {
        guard let d = probe.sectorSizeDetection else { return "" }
        let basis: String? = switch d.basis {
        case "gpt-primary": "from the GPT at LBA 1"
        case "gpt-end": "from the GPT at the last LBA"
        case "forced": "--sector-size"
        default: nil
        }
        let device: String? = switch d.volumeSectorSizeOrigin {
        case "block-device" where d.volumeSectorSize != d.used: "the block device reports \(d.volumeSectorSize)"
        case "nbd-minimum-block-size" where d.volumeSectorSize != d.used: "the NBD minimum block size is \(d.volumeSectorSize)"
        default: nil
        }
        let parts = [basis, device].compactMap { $0 }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }

    private static func describe(_ fs: FilesystemSignature) -> String {
        var parts: [String] = []
        if let l = fs.label { parts.append("LABEL=\"\(TerminalText.field(l))\"") }
        if let h = fs.labelHex { parts.append("LABEL_HEX=\"\(h)\"") }
        if let u = fs.uuid { parts.append("UUID=\"\(TerminalText.field(u))\"") }
        if let h = fs.uuidHex { parts.append("UUID_HEX=\"\(h)\"") }
        parts.append("TYPE=\"\(TerminalText.field(fs.type))\"")
        if let v = fs.version { parts.append("VERSION=\"\(TerminalText.field(v))\"") }
        if let u = fs.usage { parts.append("USAGE=\"\(TerminalText.field(u))\"") }
        if let c = fs.sizeClaim { parts.append("claims \(c.isLowerBound ? "at least " : "")\(c.claimedBytes) bytes (\(c.field))") }
        return parts.joined(separator: " ")
    }

    private static func table(_ rows: [[String]]) -> [String] {
        var widths = [Int](repeating: 0, count: rows.first?.count ?? 0)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: " ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
