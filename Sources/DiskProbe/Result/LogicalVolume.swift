/// An LVM logical volume whose first extents lie on this volume, from the metadata of a PV
/// found on it (README.md, "Logical volumes"), and the signature libblkid finds at its start.
public struct LogicalVolume: Codable, Sendable, Equatable {
    /// Where its PV is: "whole disk" or "partition N".
    public var place: String
    /// "vg/lv", as `lvs` names it.
    public var name: String
    public var id: String?
    /// The LV's size: all of its segments, on this volume or elsewhere.
    public var sizeBytes: UInt64
    /// Its linear segments on this volume, in LV order.
    public var segments: [LogicalVolumeSegment]
    /// Whether every segment of the LV is a linear one on this volume (else only the
    /// segments here are known, and the LV continues on another PV or in another layout).
    public var wholeOnVolume: Bool
    /// The signature at the LV's start, with its size claim and end structure as for a partition.
    public var filesystem: FilesystemSignature?

    /// Creates the value from its fields.
    public init(place: String, name: String, id: String?, sizeBytes: UInt64, segments: [LogicalVolumeSegment],
                wholeOnVolume: Bool, filesystem: FilesystemSignature? = nil) {
        self.place = place
        self.name = name
        self.id = id
        self.sizeBytes = sizeBytes
        self.segments = segments
        self.wholeOnVolume = wholeOnVolume
        self.filesystem = filesystem
    }

    /// Where the LV's byte `offset` lies on the volume, when a segment here holds it.
    public func volumeOffset(_ offset: UInt64) -> UInt64? {
        for s in segments where offset >= s.lvOffsetBytes && offset - s.lvOffsetBytes < s.sizeBytes {
            return s.startBytes + (offset - s.lvOffsetBytes)
        }
        return nil
    }

    /// "LV rhel/root (on partition 2)".
    public var describe: String { "LV \(name) (on \(placeText))" }

    /// "partition 2", "the whole disk".
    public var placeText: String { place == "whole disk" ? "the whole disk" : place }
}

/// A run of an LV's bytes that lies contiguously on the volume.
public struct LogicalVolumeSegment: Codable, Sendable, Equatable {
    /// Its offset within the LV.
    public var lvOffsetBytes: UInt64
    /// Its offset on the volume.
    public var startBytes: UInt64
    public var sizeBytes: UInt64

    /// Creates the value from its fields.
    public init(lvOffsetBytes: UInt64, startBytes: UInt64, sizeBytes: UInt64) {
        self.lvOffsetBytes = lvOffsetBytes
        self.startBytes = startBytes
        self.sizeBytes = sizeBytes
    }
}
