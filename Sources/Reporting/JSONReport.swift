import Foundation
import Verification

/// report.json: the contract's document, pretty-printed with sorted keys so that two runs
/// can be compared line by line.
public enum JSONReport {
    /// The encoded report, ending with a newline.
    public static func render(_ report: VerificationReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(report)
        data.append(0x0A)
        return data
    }
}
