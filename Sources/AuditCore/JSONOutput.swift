#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one JSON encoder set-up of every document the tool writes (report.json,
/// preflight.json, baselines, `--format json` output, the attestation payload): sorted keys
/// so that two runs compare line by line, slashes unescaped; pretty-printed unless compact
/// is asked for (docs/CONTRACT.md).
public enum JSONOutput {
    /// A configured encoder.
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` encoded, without a final newline.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// `value` encoded as a file's content: pretty-printed and ending with a newline.
    public static func document<T: Encodable>(_ value: T) throws -> Data {
        var data = try encode(value)
        data.append(0x0A)
        return data
    }
}

/// The one helper behind the hand-written `encode(to:)` of the contract's documents, which
/// must write an absent value as `null` where synthesized encoding would leave the key out
/// (docs/CONTRACT.md). It encodes every stored property of `value` whose name is a case of
/// `Key`, nil as `null` except for the names in `omittingNil`; a case of `Key` that names
/// no stored property is an error, so a renamed property cannot vanish from the JSON.
public enum NullEncoding {
    public static func encode<Key: CodingKey & CaseIterable>(_ value: Any, keys: Key.Type, to encoder: Encoder,
                                                             omittingNil: Set<String> = []) throws {
        var container = encoder.container(keyedBy: Key.self)
        var missing = Set(Key.allCases.map(\.stringValue))
        for child in Mirror(reflecting: value).children {
            guard let name = child.label, let key = Key(stringValue: name) else { continue }
            missing.remove(name)
            let isNil = Mirror(reflecting: child.value).displayStyle == .optional && Mirror(reflecting: child.value).children.isEmpty
            if isNil {
                if !omittingNil.contains(name) { try container.encodeNil(forKey: key) }
                continue
            }
            guard let encodable = child.value as? any Encodable else {
                throw EncodingError.invalidValue(child.value, .init(codingPath: encoder.codingPath + [key],
                                                                    debugDescription: "\(name) is not Encodable"))
            }
            try container.encode(encodable, forKey: key)
        }
        if !missing.isEmpty {
            throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath,
                                                          debugDescription: "no stored property for \(missing.sorted())"))
        }
    }
}
