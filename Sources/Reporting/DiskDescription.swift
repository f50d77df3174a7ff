import AuditCore
import Verification

extension DiskReport {
    /// "disk 2000 (Hard disk 1, 115 GiB)", as people name a VM's disks.
    public var described: String {
        let label = label.map { "\($0), " } ?? ""
        return "disk \(key) (\(label)\(ByteSize.human(expectedBytes)))"
    }
}

extension VerificationReport {
    /// "disk 2001 (Hard disk 2, 10 GiB)", or "disk 2001" when the report has no such disk.
    func describe(_ key: String) -> String { disk(key)?.described ?? "disk \(key)" }
}

extension VerificationReport {
    /// The finding that matters most for `disk`: the most severe of its own findings and
    /// the VM findings that name it (a duplicate-target or unmapped-disk), the first of equals.
    public func headline(for disk: DiskReport) -> Finding? {
        let candidates = findings.filter { Verifier.names($0.evidence, key: disk.key) } + disk.findings
        return candidates.enumerated().max { a, b in
            a.element.severity == b.element.severity ? a.offset > b.offset : a.element.severity < b.element.severity
        }?.element
    }
}
