import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Verification

/// report.json: the contract's document, pretty-printed with sorted keys so that two runs
/// can be compared line by line.
public enum JSONReport {
    /// The encoded report, ending with a newline.
    public static func render(_ report: VerificationReport) throws -> Data {
        try JSONOutput.document(report)
    }
}
