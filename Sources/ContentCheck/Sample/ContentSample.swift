import DiskProbe

/// A seeded sample of a volume's blocks with their SHA-256: what `capture` records in a
/// baseline and what `verify --content sample` checks a target against. Codable, so it
/// can be written to and read back from a baseline file.
public struct ContentSample: Codable, Sendable, Equatable {
    public var schemaVersion = 1
    /// The seed that chose the random blocks; the same seed, size and allocation give the
    /// same plan.
    public var seed: UInt64
    /// Size of the random blocks (stride blocks are 16 KiB, head and tail blocks 1 MiB by
    /// default; every block records its own length).
    public var blockBytes: Int
    /// Stride blocks sit every `strideBytes` of allocated data: any run of at least this
    /// many allocated bytes that differs contains a sampled block (see `ContentSampler`).
    public var strideBytes: UInt64
    /// Size of the volume that was sampled.
    public var sizeBytes: UInt64
    /// The volume that was sampled (redacted).
    public var volume: String
    /// Sampled blocks in offset order.
    public var blocks: [SampledBlock]
    /// Planned blocks that could not be read from the sampled volume.
    public var unreadable: [ByteRange]

    /// A sample as `ContentSampler.sample` makes it, or as a baseline records it.
    public init(seed: UInt64, blockBytes: Int, strideBytes: UInt64, sizeBytes: UInt64, volume: String,
                blocks: [SampledBlock], unreadable: [ByteRange] = []) {
        self.seed = seed
        self.blockBytes = blockBytes
        self.strideBytes = strideBytes
        self.sizeBytes = sizeBytes
        self.volume = volume
        self.blocks = blocks
        self.unreadable = unreadable
    }
}

/// One sampled block: where, how long, its SHA-256 (lower-case hex), and why it was picked.
public struct SampledBlock: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: Int
    public var sha256: String
    /// "disk head", "disk tail", "partition 2 head", "stride", "random", …
    public var purpose: String

    /// A block of `length` bytes at `offset` whose SHA-256 is `sha256`.
    public init(offset: UInt64, length: Int, sha256: String, purpose: String) {
        self.offset = offset
        self.length = length
        self.sha256 = sha256
        self.purpose = purpose
    }
}

/// A block the sampler plans to read.
public struct PlannedBlock: Sendable, Equatable {
    public var offset: UInt64
    public var length: Int
    public var purpose: String

    /// A block of `length` bytes at `offset`, picked for `purpose`.
    public init(offset: UInt64, length: Int, purpose: String) {
        self.offset = offset
        self.length = length
        self.purpose = purpose
    }
}

/// How many blocks the sampler reads, and how large.
public struct SamplePlanOptions: Sendable, Equatable {
    /// Size of random blocks.
    public var blockBytes: Int
    /// Size of stride blocks: small, since they only need to land inside a foreign region.
    public var strideBlockBytes: Int
    /// Random blocks spread uniformly over the allocated bytes.
    public var randomBlocks: Int
    /// Largest gap, in allocated bytes, between two stride blocks.
    public var strideBytes: UInt64
    /// Cap on stride blocks: on a disk with more allocated data than
    /// `maxStrideBlocks × strideBytes`, the stride widens (and is recorded).
    public var maxStrideBlocks: Int
    /// Bytes read at the head and the tail of the disk and of every partition.
    public var edgeBytes: Int

    /// The defaults: 512 random 64 KiB blocks, a 16 KiB block every 32 MiB, 1 MiB edges.
    public init(blockBytes: Int = 64 << 10, strideBlockBytes: Int = 16 << 10, randomBlocks: Int = 512,
                strideBytes: UInt64 = 32 << 20, maxStrideBlocks: Int = 4096, edgeBytes: Int = 1 << 20) {
        self.blockBytes = blockBytes
        self.strideBlockBytes = strideBlockBytes
        self.randomBlocks = randomBlocks
        self.strideBytes = strideBytes
        self.maxStrideBlocks = maxStrideBlocks
        self.edgeBytes = edgeBytes
    }
}
