import AuditCore

/// `label-sector-size-mismatch`: the GPT (or a DOS label, by where its partitions' signatures
/// are) was written for another sector size than the one the volume presents. On a block
/// device (BLKSSZGET) or with `--sector-size` the guest's size is known: a guest given the
/// disk finds no GPT and no partitions (critical). An NBD export or image file does not say
/// which size the guest will see: the finding (info) names the size the label needs. See README.md, "Sector sizes".
enum LabelSectorSizeRule: ProbeRule {
    static let code = FindingCode.labelSectorSizeMismatch

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let d = probe.sectorSizeDetection, let label = d.labelSectorSize, label != d.volumeSectorSize else { return [] }
        let evidence: [String: JSONValue] = [
            "labelSectorSize": .number(label), "volumeSectorSize": .number(d.volumeSectorSize),
            "volumeSectorSizeOrigin": .string(d.volumeSectorSizeOrigin), "sectorSizeUsed": .number(d.used),
            "headersFound": .array(d.headersFound.filter { $0.sectorSize == label }.map {
                ["place": .string($0.place), "lba": .number($0.lba), "byteOffset": .number($0.byteOffset),
                 "headerCRCValid": .bool($0.headerCRCValid), "diskGUID": .string($0.diskGUID)]
            }),
        ]
        // A DOS label's size is known from where its partitions' signatures are (DOSLabelSectorSize).
        let dos = d.basis == "dos-signatures"
        let theLabel = dos ? "The DOS label on this volume" : "The GPT on this volume"
        let lost = dos ? "the guest finds its partitions at the wrong places and none of their filesystems"
            : "the guest finds no GPT at LBA 1 and none of its partitions"
        let fix = "Attach the disk with \(label)-byte logical sectors (e.g. `losetup --sector-size \(label)`, "
            + "QEMU `logical_block_size=\(label)`), or re-create the label for \(d.volumeSectorSize)-byte sectors."
        switch d.volumeSectorSizeOrigin {
        case SectorSizeOriginName.blockDevice:
            return [Finding(
                code: code, severity: .critical,
                message: "\(theLabel) was written for \(label)-byte sectors, but the block device has "
                    + "\(d.volumeSectorSize)-byte logical sectors, which a guest given this device sees: \(lost) "
                    + "(the layout below is read at \(label) bytes per sector). " + fix,
                evidence: evidence)]
        case SectorSizeOriginName.forced:
            return [Finding(
                code: code, severity: .critical,
                message: "--sector-size \(d.volumeSectorSize) was given, but the GPT on this volume was written for "
                    + "\(label)-byte sectors: with \(d.volumeSectorSize)-byte sectors the guest finds no GPT and none of its "
                    + "partitions. Check which sector size the guest uses (without --sector-size the label's is detected). " + fix,
                evidence: evidence)]
        default:
            let what = d.volumeSectorSizeOrigin == SectorSizeOriginName.nbdMinimumBlockSize
                ? "the NBD server's minimum block size is \(d.volumeSectorSize) bytes (an I/O constraint, not the guest's sector size)"
                : "an NBD export or image file does not say which sector size the guest will see"
            return [Finding(
                code: code, severity: .info,
                message: "\(theLabel) is written for \(label)-byte sectors and was read at that size"
                    + (dos ? " (read at \(label == 512 ? 4096 : 512) bytes, its partitions hold no signature; at \(label) they do)" : "")
                    + "; \(what). The guest must see \(label)-byte logical sectors, or it finds no partitions: "
                    + "attach the disk with logical_block_size=\(label) (or `losetup --sector-size \(label)`).",
                evidence: evidence)]
        }
    }
}

/// The `SectorSizeOrigin` raw values as recorded in `SectorSizeDetection`.
enum SectorSizeOriginName {
    static let blockDevice = "block-device"
    static let nbdMinimumBlockSize = "nbd-minimum-block-size"
    static let forced = "forced"
}
