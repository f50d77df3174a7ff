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
}
