/// A DOS label counts in sectors of whatever size it was written for, and says nothing of
/// that size (README.md, "Sector sizes"). fdisk on a disk with 4096-byte logical sectors
/// writes LBAs eight times smaller than for 512: read at 512 such a label names partitions in
/// the disk's first eighth, which hold no filesystem. The probe then reads the label at the
/// other size, and keeps that reading when its partitions hold signatures.
enum DOSLabelSectorSize {
    /// The other candidate size when `result` is a DOS label read at a size nothing forced
    /// or proved (no GPT, no `--sector-size`), none of whose partitions holds a signature,
    /// and whose MBR entries all fit on the volume at that other size; else nil.
    static func otherSize(worthTrying result: ProbeResult) -> Int? {
        guard let detection = result.sectorSizeDetection, ["default", "device"].contains(detection.basis),
              result.partitionTable?.labelType == .dos, !partitionsHoldSignatures(result),
              result.partitions.contains(where: { $0.partitionKind != .extended && $0.sizeBytes > 0 }),
              let mbr = result.witnesses.mbr, mbr.bootSignatureValid else { return nil }
        let other = detection.used == 512 ? 4096 : 512
        let entries = mbr.entries.filter { $0.sectors > 0 && $0.type != "0x00" && $0.type != "0xee" }
        guard !entries.isEmpty else { return nil }
        let fit = entries.allSatisfy { e in
            let (end, o1) = e.startLBA.addingReportingOverflow(e.sectors)
            let (bytes, o2) = end.multipliedReportingOverflow(by: UInt64(other))
            return !o1 && !o2 && bytes <= result.sizeBytes
        }
        return fit ? other : nil
    }

    /// Whether a partition of `result` (not an extended container) holds a signature.
    static func partitionsHoldSignatures(_ result: ProbeResult) -> Bool {
        result.partitions.contains { $0.partitionKind != .extended && $0.filesystem != nil }
    }
}
