import AuditCore

/// A partition table's type, as libfdisk and libblkid name it ("gpt", "dos", "bsd", "sgi",
/// "sun", "atari", …). Stored and encoded as that string (docs/CONTRACT.md); compared as
/// this type so that a misspelt name cannot compile.
public struct LabelType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let gpt = LabelType(rawValue: "gpt")
    public static let dos = LabelType(rawValue: "dos")
    public static let bsd = LabelType(rawValue: "bsd")
    public static let sgi = LabelType(rawValue: "sgi")
    public static let sun = LabelType(rawValue: "sun")
    public static let atari = LabelType(rawValue: "atari")
    /// libblkid's name for a protective MBR seen alone.
    public static let protectiveMBR = LabelType(rawValue: "PMBR")
}

/// A value that names its partition table's type in a `type` string.
public protocol LabelTyped {
    var type: String { get }
}

extension LabelTyped {
    /// `type`, typed.
    public var labelType: LabelType { LabelType(rawValue: type) }
}

extension PartitionTable: LabelTyped {}
extension PartitionReading: LabelTyped {}
extension FdiskLabel: LabelTyped {}
extension PartitionTableSignature: LabelTyped {}

/// A DOS partition's kind, or "nested" for a slice of a table nested in a partition; GPT
/// partitions have none. Stored as its raw string in `Partition.kind`.
public enum PartitionKind: String, Sendable, CaseIterable {
    case primary, extended, logical, nested
}

extension Partition {
    /// `kind`, typed; nil for GPT partitions (or a kind this version does not know).
    public var partitionKind: PartitionKind? { kind.flatMap(PartitionKind.init(rawValue:)) }
}
