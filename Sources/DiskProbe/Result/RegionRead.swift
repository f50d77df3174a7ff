import AuditCore

/// A region read from the volume, cited as evidence.
public struct RegionRead: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64
    /// SHA-256 of the bytes, lower-case hex.
    public var sha256: String
    /// Why it was read: "mbr", "gpt-primary-header", "gpt-entries", "tail", "partition 1 head", …
    public var purpose: String

    /// Creates the value from its fields.
    public init(offset: UInt64, length: UInt64, sha256: String, purpose: String) {
        self.offset = offset
        self.length = length
        self.sha256 = sha256
        self.purpose = purpose
    }
}

/// A byte range, e.g. an unreadable region.
public struct ByteRange: Codable, Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt64
    /// The error that made it unreadable, when there was one.
    public var error: String?

    /// Creates the value from its fields.
    public init(offset: UInt64, length: UInt64, error: String? = nil) {
        self.offset = offset
        self.length = length
        self.error = error
    }
}
