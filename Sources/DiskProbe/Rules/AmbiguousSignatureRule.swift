import AuditCore

/// `ambiguous-signature`: libblkid found more than one signature in one place and would not
/// choose (`blkid_do_safeprobe` returned -2) — typically leftovers of an earlier filesystem.
enum AmbiguousSignatureRule {
    static let code = FindingCode.ambiguousSignature

    /// The finding for the places (e.g. "whole disk", "partition 2") that were ambiguous.
    static func finding(places: [String]) -> Finding {
        Finding(code: code, severity: .warning,
                message: "More than one signature claims \(places.joined(separator: ", ")); libblkid would not choose. "
                    + "Inspect with 'wipefs --no-act' on a copy before trusting the identity.",
                evidence: ["places": .array(places.map(JSONValue.string))])
    }
}
