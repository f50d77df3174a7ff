import AuditCore
import BlockAccess

/// How the probe chose the sector size it reads LBAs with (README.md, "Sector sizes").
///
/// A GPT says which sector size it was written for by where its headers sit: "EFI PART" at
/// byte 512 (LBA 1 of 512) or at byte 4096 (LBA 1 of 4096), and a header at the last LBA
/// whose own MyLBA names that LBA. The volume's own size (a block device's BLKSSZGET, an
/// NBD server's minimum block size, or nothing) is recorded next to it.
public struct SectorSizeDetection: Codable, Sendable, Equatable {
    /// The size LBAs are read with (equal to `ProbeResult.sectorSize`).
    public var used: Int
    /// Why: "gpt-primary" (a GPT header at LBA 1 at that size), "gpt-end" (a GPT header at
    /// the last LBA at that size, naming itself), "forced" (`--sector-size`), "device" (no
    /// GPT found: the block device's logical size, or the NBD minimum block size as the only
    /// hint), "default" (512: an image file without a GPT), "dos-signatures" (a DOS label
    /// whose partitions hold signatures only at this size; see `DOSLabelSectorSize`).
    public var basis: String
    /// The sector size the label was written for: the GPT headers', or a DOS label's found
    /// by its partitions' signatures; nil when nothing says it.
    public var labelSectorSize: Int?
    /// The volume's logical sector size as opened, and where it came from: "block-device"
    /// (BLKSSZGET, what a guest given the device sees), "nbd-minimum-block-size" (an I/O
    /// constraint), "forced", "assumed".
    public var volumeSectorSize: Int
    public var volumeSectorSizeOrigin: String
    /// Every GPT header looked for at LBA 1 and at the last LBA, for each candidate size.
    public var headersFound: [SectorSizeWitness]

    /// Creates the value from its fields.
    public init(used: Int, basis: String, labelSectorSize: Int?, volumeSectorSize: Int, volumeSectorSizeOrigin: String,
                headersFound: [SectorSizeWitness]) {
        self.used = used
        self.basis = basis
        self.labelSectorSize = labelSectorSize
        self.volumeSectorSize = volumeSectorSize
        self.volumeSectorSizeOrigin = volumeSectorSizeOrigin
        self.headersFound = headersFound
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case used, basis, labelSectorSize, volumeSectorSize, volumeSectorSizeOrigin, headersFound
    }

    /// Encodes every key, `labelSectorSize` as `null` when there is no GPT.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(used, forKey: .used)
        try c.encode(basis, forKey: .basis)
        try c.encodeOrNull(labelSectorSize, forKey: .labelSectorSize)
        try c.encode(volumeSectorSize, forKey: .volumeSectorSize)
        try c.encode(volumeSectorSizeOrigin, forKey: .volumeSectorSizeOrigin)
        try c.encode(headersFound, forKey: .headersFound)
    }
}

/// A GPT header found while choosing the sector size.
public struct SectorSizeWitness: Codable, Sendable, Equatable {
    /// The sector size it belongs to.
    public var sectorSize: Int
    /// "primary" (LBA 1) or "device-end" (the last LBA at that size).
    public var place: String
    public var lba: UInt64
    public var byteOffset: UInt64
    public var headerCRCValid: Bool
    public var diskGUID: String

    /// Creates the value from its fields.
    public init(sectorSize: Int, place: String, lba: UInt64, byteOffset: UInt64, headerCRCValid: Bool, diskGUID: String) {
        self.sectorSize = sectorSize
        self.place = place
        self.lba = lba
        self.byteOffset = byteOffset
        self.headerCRCValid = headerCRCValid
        self.diskGUID = diskGUID
    }
}

/// Chooses the sector size from the bytes already copied (the disk head and tail).
enum SectorSizeDetector {
    /// The candidate sizes: the volume's own first (when the device or the operator says
    /// it), then 512 and 4096.
    static func candidates(volumeSize: Int, origin: SectorSizeOrigin) -> [Int] {
        var sizes = SectorSize.common
        if origin == .blockDevice || origin == .nbdMinimumBlockSize || origin == .forced {
            sizes.removeAll { $0 == volumeSize }
            sizes.insert(volumeSize, at: 0)
        } else if !sizes.contains(volumeSize) {
            sizes.append(volumeSize)
        }
        return sizes
    }

    /// Looks for GPT headers at every candidate size in `bytes(offset, count)` (nil when not
    /// copied) and picks the size to read LBAs with.
    /// `dosSectorSize`: the size a DOS label's partitions were found to hold signatures at
    /// (`DOSLabelSectorSize`), used when no GPT says the size and none is forced.
    static func detect(sizeBytes: UInt64, volumeSize: Int, origin: SectorSizeOrigin, dosSectorSize: Int? = nil,
                       bytes: (UInt64, Int) throws(ProbeError) -> [UInt8]?) throws(ProbeError) -> SectorSizeDetection {
        var found: [SectorSizeWitness] = []
        let sizes = candidates(volumeSize: volumeSize, origin: origin)
        for ss in sizes where sizeBytes >= 2 * UInt64(ss) {
            let s = UInt64(ss)
            if let sector = try bytes(s, ss), let h = GPTHeaderParser.parse(sector), h.myLBA == 1 {
                found.append(SectorSizeWitness(sectorSize: ss, place: "primary", lba: 1, byteOffset: s,
                                               headerCRCValid: h.headerCRCValid, diskGUID: h.diskGUID))
            }
            let last = sizeBytes / s - 1
            if last > 1, let sector = try bytes(last * s, ss), let h = GPTHeaderParser.parse(sector), h.myLBA == last {
                found.append(SectorSizeWitness(sectorSize: ss, place: "device-end", lba: last, byteOffset: last * s,
                                               headerCRCValid: h.headerCRCValid, diskGUID: h.diskGUID))
            }
        }
        // The strongest witness wins: a checksummed primary, any primary, a checksummed
        // header at the end, any header at the end; ties go to the earlier candidate.
        let ranked: [(place: String, crc: Bool?)] = [("primary", true), ("primary", nil), ("device-end", true), ("device-end", nil)]
        var label: (size: Int, basis: String)?
        for rank in ranked where label == nil {
            for ss in sizes {
                if found.contains(where: { $0.sectorSize == ss && $0.place == rank.place && (rank.crc == nil || $0.headerCRCValid) }) {
                    label = (ss, rank.place == "primary" ? "gpt-primary" : "gpt-end")
                    break
                }
            }
        }
        let used: Int
        let basis: String
        if origin == .forced {
            (used, basis) = (volumeSize, "forced")
        } else if let label {
            (used, basis) = (label.size, label.basis)
        } else if let dosSectorSize {
            label = (dosSectorSize, "dos-signatures")
            (used, basis) = (dosSectorSize, "dos-signatures")
        } else if origin == .blockDevice || origin == .nbdMinimumBlockSize {
            // Without a GPT nothing on disk says the size (a DOS label counts in sectors of
            // whatever size it was written for): the device's, or the NBD server's block size
            // as the best hint there is.
            (used, basis) = (volumeSize, "device")
        } else {
            // An image file: a guest sees 512-byte sectors unless told otherwise.
            (used, basis) = (512, "default")
        }
        return SectorSizeDetection(used: used, basis: basis, labelSectorSize: label?.size, volumeSectorSize: volumeSize,
                                   volumeSectorSizeOrigin: origin.rawValue, headersFound: found)
    }
}
