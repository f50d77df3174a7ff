import AuditCore
import BlockAccess

/// `protective-mbr-without-gpt`: the MBR holds a 0xEE entry ("a GPT follows"), yet no GPT
/// header sits at LBA 1 at 512 or 4096 bytes per sector, nor at the device's last LBA, nor
/// where a header names its backup. The guest sees no partitions: this is a damaged label
/// (error), not a DOS disk with one odd partition.
enum ProtectiveMBRWithoutGPTRule: ProbeRule {
    static let code = FindingCode.protectiveMBRWithoutGPT

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let mbr = probe.witnesses.mbr, mbr.bootSignatureValid,
              let protective = mbr.entries.first(where: { $0.type == "0xee" }) else { return [] }
        let w = probe.witnesses
        // The guest looks at LBA 1 and at the last LBA (the kernel's fallback); a backup left
        // where the protective MBR says the disk ends is evidence, not a label the guest finds.
        guard w.primaryGPT == nil, w.endGPT == nil,
              probe.sectorSizeDetection?.headersFound.isEmpty ?? true else { return [] }
        var places: [JSONValue] = []
        for ss in SectorSize.common where probe.sizeBytes >= 2 * UInt64(ss) {
            let last = probe.sizeBytes / UInt64(ss) - 1
            places.append(["sectorSize": .number(ss), "lba": 1, "byteOffset": .number(ss)])
            places.append(["sectorSize": .number(ss), "lba": .number(last), "byteOffset": .number(last * UInt64(ss))])
        }
        var evidence: [String: JSONValue] = [
            "protectiveEntry": ["index": .number(protective.index), "startLBA": .number(protective.startLBA),
                                "sectors": .number(protective.sectors)],
            "placesSearched": .array(places), "mbrDiskSignature": .string(mbr.diskSignature)]
        var backupNote = ""
        if let b = w.backupGPT {
            evidence["backupAtProtectiveMBREnd"] = b.evidence
            backupNote = " A backup GPT header (disk GUID \(b.diskGUID)) is left at LBA \(b.lba), where the protective MBR "
                + "says the disk ends: the label was written for a \(ByteSize.human((b.lba + 1) * UInt64(probe.sectorSize))) disk — "
                + "check which disk it belongs to before rebuilding the primary from it."
        }
        return [Finding(
            code: code, severity: .error,
            message: "The MBR is a protective MBR (a 0xEE entry at LBA \(protective.startLBA): \"a GPT follows\"), but no GPT "
                + "header was found at LBA 1 (for 512- or 4096-byte sectors) nor at the device's last LBA: the guest sees no "
                + "partitions. The GPT was wiped or never copied; copy the source disk's first and last MiB again, or restore "
                + "the GPT from a backup (`sgdisk --load-backup`), before using this volume." + backupNote,
            evidence: evidence)]
    }
}
