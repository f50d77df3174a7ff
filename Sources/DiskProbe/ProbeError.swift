/// Why a probe could not run at all. Unreadable regions are not errors: they are recorded
/// in `ProbeResult.unreadableRegions` and make the result incomplete.
public struct ProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Kind: String, Sendable {
        /// The sparse shadow file could not be created or written.
        case shadow
        /// libfdisk or libblkid could not be set up.
        case library
        /// The volume cannot be probed (e.g. its size is zero).
        case volume
    }

    public var kind: Kind
    /// The operation that failed, e.g. `mkstemp`, `fdisk_new_context`.
    public var operation: String
    /// The message, copied at once.
    public var message: String

    /// Creates the value from its fields.
    public init(kind: Kind, operation: String, message: String) {
        self.kind = kind
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }
}
