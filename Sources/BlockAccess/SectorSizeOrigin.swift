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

/// The one set of rules for logical sector sizes (README.md, "Sector sizes"): any size a
/// volume reports or a caller forces must be a power of two from 512 to 65536 bytes; the
/// command line's `--sector-size` offers the two a guest meets in practice, 512 and 4096,
/// which are also the sizes the probe's GPT detection tries.
public enum SectorSize {
    /// The sizes `--sector-size` accepts and the GPT detection tries, in that order.
    public static let common = [512, 4096]

    /// Whether `bytes` is a logical sector size at all.
    public static func isValid(_ bytes: Int) -> Bool { bytes >= 512 && bytes <= 65536 && bytes & (bytes - 1) == 0 }

    /// Why `bytes` is not a sector size, or nil when it is.
    public static func problem(_ bytes: Int) -> String? {
        isValid(bytes) ? nil : "sector size \(bytes) is not a power of two between 512 and 65536"
    }

    /// Why `bytes` cannot be given as `--sector-size`, or nil when it can.
    public static func overrideProblem(_ bytes: Int) -> String? {
        common.contains(bytes) ? nil : "--sector-size must be 512 or 4096, not \(bytes)"
    }
}
