import AuditCore
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Verification

extension Attestation {
    /// Signs the reports `ReportWriter` wrote for `report` into `directory`: subjects are the
    /// four report files and `disk:KEY` for every volume probed; PASSED / FAILED / WARNED
    /// (inconclusive) per disk and for the run.
    public static func sign(_ report: VerificationReport, in directory: URL, key: Curve25519.Signing.PrivateKey) throws {
        let volumes = report.disks.compactMap { disk in
            disk.probe.map { Subject(name: "disk:\(disk.key)", sha256: volumeDigest($0.regionsRead)) }
        }
        let tests = report.disks.map { ("disk:\($0.key)", result($0.verdict)) }
        try write(directory: directory, files: ReportWriter.fileNames, volumes: volumes,
                  predicate: predicate(result: result(report.verdict), tests: tests, provenance: report.provenance), key: key)
    }

    /// Signs the reports `PreflightReports` wrote into `directory`; a volume's digest is over
    /// the regions preflight read from it (its first and last MiB).
    public static func sign(_ report: PreflightReport, in directory: URL, key: Curve25519.Signing.PrivateKey) throws {
        let volumes = report.disks.compactMap { disk in
            disk.regions.isEmpty ? nil : Subject(name: "disk:\(disk.key)", sha256: volumeDigest(disk.regions))
        }
        let tests = report.disks.map { ("disk:\($0.key)", result($0.verdict)) }
        try write(directory: directory, files: PreflightReports.fileNames, volumes: volumes,
                  predicate: predicate(result: result(report.verdict), tests: tests, provenance: report.provenance), key: key)
    }

    static func result(_ verdict: Verdict) -> String {
        switch verdict {
        case .pass: "PASSED"
        case .fail: "FAILED"
        case .inconclusive: "WARNED"
        }
    }

    static func result(_ verdict: PreflightVerdict) -> String {
        switch verdict {
        case .ready: "PASSED"
        case .blocked: "FAILED"
        case .inconclusive: "WARNED"
        }
    }

    /// The input files of a run as the predicate's configuration: `ROLE:PATH` with its digest.
    public static func configuration(_ provenance: Provenance?) -> [Subject] {
        (provenance?.inputs ?? []).compactMap { input in
            input.sha256.map { Subject(name: "\(input.role):\(input.path)", sha256: $0) }
        }
    }

    static func predicate(result: String, tests: [(String, String)], provenance: Provenance?) -> Predicate {
        let configuration = configuration(provenance)
        return Predicate(result: result, configuration: configuration,
                         passedTests: tests.filter { $0.1 == "PASSED" }.map(\.0),
                         warnedTests: tests.filter { $0.1 == "WARNED" }.map(\.0),
                         failedTests: tests.filter { $0.1 == "FAILED" }.map(\.0))
    }
}
