import Foundation

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
