/// Where a volume's `logicalSectorSize` came from, so the probe knows whether the guest
/// will see that size (README.md, "Sector sizes").
public enum SectorSizeOrigin: String, Sendable, Codable, Equatable {
    /// `--sector-size` forced it: the operator says the guest sees this size.
    case forced
    /// The block device reports it (`BLKSSZGET`): a guest given this device sees it.
    case blockDevice = "block-device"
    /// The NBD server's minimum block size: an I/O constraint, not the guest's sector size.
    case nbdMinimumBlockSize = "nbd-minimum-block-size"
    /// Nothing says (image files, NBD exports without a block size): 512 assumed.
    case assumed
}

extension Volume {
    /// Volumes that do not say where their sector size came from assumed it.
    public var sectorSizeOrigin: SectorSizeOrigin { .assumed }
}
