/// What the destination volumes are compared with, beyond the inventory.
public enum ReferenceKind: String, Codable, Sendable {
    /// Only the inventory: sizes and label geometry, no identities.
    case none
    /// The live source volumes (`--nbd-sources`, `--source`).
    case sources
    /// A baseline recorded earlier by `capture` (`--baseline`).
    case baseline
}
