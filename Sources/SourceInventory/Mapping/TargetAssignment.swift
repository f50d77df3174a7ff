import BlockAccess

/// One disk key assigned to one volume: what `--nbd-targets`, `--target`, `--nbd-sources`
/// and `--source` say. `text` is the target exactly as given (it may hold secrets; print
/// `target.redacted` instead). Encoding never writes secrets: both `text` and `target` are
/// written redacted, so a decoded assignment carries the redacted target.
public struct TargetAssignment: Sendable, Equatable, Codable {
    public var key: String
    public var text: String
    public var target: Target

    /// Disk `key` on the volume `target`, given as `text`.
    public init(key: String, text: String, target: Target) {
        self.key = key
        self.text = text
        self.target = target
    }

    enum CodingKeys: String, CodingKey { case key, text, target }

    /// Decodes key and text, and parses the target again from the text.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        text = try container.decode(String.self, forKey: .text)
        do {
            target = try Target(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .text, in: container, debugDescription: error.description)
        }
    }

    /// Encodes the key and the target, redacted, under both `text` and `target`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(target.redacted, forKey: .text)
        try container.encode(target.redacted, forKey: .target)
    }
}
