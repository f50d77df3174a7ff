/// What `verify --canary` found on one destination volume: every expected canary
/// location classified, consecutive locations of one kind coalesced into ranges
/// (docs/CANARY.md, "What verify reports"). Its JSON form is `canary.disks[]` in report.json.
public struct CanaryDiskResult: Codable, Sendable, Equatable {
    /// The disk whose volume was read.
    public var key: String
    /// How many canary blocks the manifest places on the disk.
    public var expectedBlocks: Int
    /// The volume's size.
    public var volumeBytes: UInt64
    /// Kind → how many locations (see `CanaryRange.Kind`).
    public var counts: [String: Int]
    /// Consecutive locations of one kind, in offset order.
    public var ranges: [CanaryRange]
    /// Another disk's image found on this volume: where, as far as its own blocks bound it.
    public var foreignExtents: [CanaryForeignExtent]
    /// Blocks that carry the canary magic but whose HMAC does not hold under the manifest's secret.
    public var sealFailures: Int
    /// Blocks whose HMAC holds (whatever disk or offset they name).
    public var sealed: Int
    /// Locations answered from block status (holes) without a read.
    public var holesSkipped: Int
    public var blocksRead: Int
    /// Why the volume could not be read completely, when it could not.
    public var error: String?
    public var seconds: Double

    public init(key: String, expectedBlocks: Int, volumeBytes: UInt64) {
        self.key = key
        self.expectedBlocks = expectedBlocks
        self.volumeBytes = volumeBytes
        counts = [:]
        ranges = []
        foreignExtents = []
        sealFailures = 0
        sealed = 0
        holesSkipped = 0
        blocksRead = 0
        error = nil
        seconds = 0
    }

    /// The ranges of one kind.
    public func ranges(_ kind: CanaryRange.Kind) -> [CanaryRange] { ranges.filter { $0.kind == kind } }
}

/// Consecutive expected canary locations (in the disk's block order) with the same finding.
public struct CanaryRange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The disk's own block, at its own offset, in the generation the manifest expects.
        case own
        /// A block of another disk (`fromDisk`, from its byte `sourceStart`).
        case otherDisk = "other-disk"
        /// The disk's own block, found `shiftBytes` away from where it belongs.
        case shifted
        /// Zeros (or a hole) where a block belongs, or the location is past the volume's end.
        case notWritten = "not-written"
        /// The disk's own block at its offset, in an older generation.
        case stale
        /// Anything else: other data, a broken seal, a newer generation, another VM's block.
        case mismatch
        /// The read failed: nothing is known about these locations (the verdict cannot pass).
        case unread
    }

    public var kind: Kind
    /// Byte offset of the first location on the volume.
    public var start: UInt64
    /// End (exclusive) of the last location's block.
    public var end: UInt64
    /// Locations in the range.
    public var count: Int
    /// `otherDisk`: the disk whose blocks these are.
    public var fromDisk: String?
    /// `otherDisk`: the offset on `fromDisk` the first block belongs at.
    public var sourceStart: UInt64?
    /// `otherDisk`, `shifted`: where the data sits minus where it belongs (bytes; positive: later on the volume).
    public var shiftBytes: Int64?
    /// `stale`: the generation found and the one expected.
    public var generation: UInt32?
    public var expectedGeneration: UInt32?
    /// `otherDisk`: true when no block was read at these locations but they lie inside the
    /// other disk's image, bounded by its blocks on both sides.
    public var inferred: Bool?
    /// `notWritten`: true when the locations lie past the volume's end. `mismatch`: why.
    public var pastEnd: Bool?
    public var reason: String?

    public init(kind: Kind, start: UInt64, end: UInt64, count: Int) {
        self.kind = kind
        self.start = start
        self.end = end
        self.count = count
    }
}

/// Another disk's image on a volume: `[start, end)` of the volume holds `fromDisk`'s bytes,
/// moved by `shiftBytes` (0: at the offsets where they belong on their own disk).
public struct CanaryForeignExtent: Codable, Sendable, Equatable {
    public var fromDisk: String
    public var start: UInt64
    public var end: UInt64
    public var shiftBytes: Int64
    /// Blocks of `fromDisk` read inside it.
    public var blocks: Int
}

/// All canary results of one verify run: `canary` in report.json.
public struct CanaryReport: Codable, Sendable, Equatable {
    /// The manifest, as given to `--canary`.
    public var manifest: String
    public var vm: String
    public var generation: UInt32
    public var disks: [CanaryDiskResult]

    public init(manifest: String, vm: String, generation: UInt32, disks: [CanaryDiskResult]) {
        self.manifest = manifest
        self.vm = vm
        self.generation = generation
        self.disks = disks
    }

    /// Whether every block that carries the magic fails its seal and none holds: the
    /// manifest's secret is not the one these blocks were written with.
    public var secretMismatch: Bool {
        let failures = disks.reduce(0) { $0 + $1.sealFailures }, sealed = disks.reduce(0) { $0 + $1.sealed }
        return failures > 0 && sealed == 0
    }
}
