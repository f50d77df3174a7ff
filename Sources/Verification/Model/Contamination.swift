import AuditCore

/// A destination volume that carries another source disk's layout or data:
/// `{disk, carries, evidence}` in report.json.
public struct Contamination: Codable, Sendable, Equatable {
    /// The disk whose volume was examined.
    public var disk: String
    /// The source disk whose layout or data the volume carries.
    public var carries: String
    /// The independent kinds of evidence that agree, e.g. `implied-size`, `disk-guid`.
    public var evidence: [String]
    /// The values behind the evidence (alternate LBA, GUIDs, …), for people and reports.
    public var details: [String: JSONValue]

    /// An entry: the volume of `disk` carries `carries`, on `evidence`.
    public init(disk: String, carries: String, evidence: [String], details: [String: JSONValue] = [:]) {
        self.disk = disk
        self.carries = carries
        self.evidence = evidence
        self.details = details
    }
}

/// The kinds of evidence the contamination analysis weighs, each independent of the others.
public enum ContaminationEvidence {
    /// The GPT's implied disk size equals the other disk's capacity, not this disk's.
    public static let impliedSize = "implied-size"
    /// The GPT disk GUID is the other source disk's.
    public static let diskGUID = "disk-guid"
    /// The DOS disk signature is the other source disk's.
    public static let mbrSignature = "mbr-signature"
    /// Partition GUIDs are the other source disk's.
    public static let partitionGUIDs = "partition-guids"
    /// The partition starts and sizes are the other source disk's.
    public static let partitionLayout = "partition-layout"
    /// Filesystem UUIDs are the other source disk's.
    public static let filesystemUUIDs = "filesystem-uuids"
    /// Sampled content hashes are the other source disk's.
    public static let contentSamples = "content-samples"
    /// Regions of the volume are byte-identical to regions of the other disk's source (issue 10).
    public static let contentRegions = "content-regions"
    /// Canary blocks of the other disk sit on the volume (issue 14, `verify --canary`).
    public static let canaryBlocks = "canary-blocks"
}

/// A region of a destination volume that is byte-identical to a region of another disk's
/// source (issue 10): where it sits on the volume, and where it came from.
public struct ContentRegionMatch: Codable, Sendable, Equatable {
    /// The source disk the bytes came from.
    public var sourceDisk: String
    /// Where the region sits on the destination volume.
    public var targetOffset: UInt64
    /// Where the same bytes sit on that source disk.
    public var sourceOffset: UInt64
    public var length: UInt64
    /// How it was found: "sample" (a sampled block's hash) or "full" (the differing bytes compared).
    public var method: String

    /// A region of `length` bytes at `targetOffset` equal to `sourceDisk`'s bytes at `sourceOffset`.
    public init(sourceDisk: String, targetOffset: UInt64, sourceOffset: UInt64, length: UInt64, method: String) {
        self.sourceDisk = sourceDisk
        self.targetOffset = targetOffset
        self.sourceOffset = sourceOffset
        self.length = length
        self.method = method
    }

    /// Its form in a contamination entry's details.
    public var json: JSONValue {
        ["sourceDisk": .string(sourceDisk), "targetOffset": .number(targetOffset), "sourceOffset": .number(sourceOffset),
         "length": .number(length), "method": .string(method)]
    }
}
