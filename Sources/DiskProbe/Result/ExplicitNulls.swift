extension KeyedEncodingContainer {
    /// `value`, or `null` when it is nil: what `NullEncoding` writes for a property, without
    /// its reflection (`Mirror` and a dynamic cast per property cost most of the CPU time of
    /// encoding a probe result). The probe's hot result types write their keys this way;
    /// `ResultEncodingTests` checks that the JSON is `NullEncoding`'s, key for key.
    mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
