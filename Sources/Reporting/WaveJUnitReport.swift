import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Verification

/// The wave's junit.xml (README.md, "A wave"): one testsuite per VM, one testcase per disk.
/// A failing disk carries its failing findings in `<failure>`; a disk that could not be read
/// is an `<error>`; a VM the wave did not get to has its disks `<skipped>`. A VM finding that
/// names no disk and fails (e.g. `unknown-disk`) gets one more testcase, "VM findings".
/// Names are unique across the document ("pgtest1: disk 2000 (Hard disk 1)").
public enum WaveJUnitReport {
    /// The XML document.
    public static func render(_ report: WaveReport) -> String {
        let suites = report.vms.map(suite)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(Markup.escape("replica-audit wave \(report.wave)"))\""
            + " tests=\"\(suites.map(\.cases.count).reduce(0, +))\" failures=\"\(suites.map(\.failures).reduce(0, +))\""
            + " errors=\"\(suites.map(\.errors).reduce(0, +))\" skipped=\"\(suites.map(\.skipped).reduce(0, +))\" time=\"0\">\n"
        let timestamp = String(report.startedAt.prefix(19))
        for (index, (vm, suite)) in zip(report.vms, suites).enumerated() {
            xml += "  <testsuite name=\"\(Markup.escape(suite.name))\" id=\"\(index)\" tests=\"\(suite.cases.count)\""
                + " failures=\"\(suite.failures)\" errors=\"\(suite.errors)\" skipped=\"\(suite.skipped)\""
                + " time=\"0\" timestamp=\"\(Markup.escape(timestamp))\" hostname=\"replica-audit\">\n"
            xml += "    <properties>\n"
            xml += "      <property name=\"verdict\" value=\"\(Markup.escape(vm.verdict))\"/>\n"
            xml += "      <property name=\"reportDir\" value=\"\(Markup.escape(vm.reportDir ?? ""))\"/>\n"
            xml += "    </properties>\n"
            for testcase in suite.cases { xml += testcase.xml(classname: suite.classname) }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    static func suite(_ vm: WaveReport.VM) -> JUnitReport.Suite {
        var cases: [JUnitReport.Case] = vm.disks.map { disk in
            let name = "\(vm.vm): disk \(disk.key)" + (disk.label.map { " (\($0))" } ?? "")
            let findings = vm.findings.filter { $0.disk == disk.key }
            return JUnitReport.Case(name: name, outcome: outcome(verdict: disk.verdict, findings: findings, notes: vm.notes),
                                    output: findings.filter { !$0.severity.fails }.map(describe).joined(separator: "\n"))
        }
        let loose = vm.findings.filter { $0.disk == nil && $0.severity.fails }
        if !loose.isEmpty {
            cases.append(JUnitReport.Case(name: "\(vm.vm): VM findings", outcome: outcome(verdict: Verdict.fail.rawValue, findings: loose, notes: [])))
        }
        if cases.isEmpty {
            cases.append(JUnitReport.Case(name: "\(vm.vm): VM", outcome: outcome(verdict: vm.verdict, findings: vm.findings, notes: vm.notes)))
        }
        return JUnitReport.Suite(name: vm.vm, classname: "wave.\(vm.vm)", cases: cases)
    }

    static func outcome(verdict: String, findings: [WaveReport.FindingSummary], notes: [String]) -> JUnitReport.Case.Outcome {
        switch verdict {
        case Verdict.fail.rawValue:
            let failing = findings.filter { $0.severity.fails }.sorted { $0.severity > $1.severity }
            let codes = Array(Set(failing.map(\.code))).sorted().joined(separator: ",")
            return .failure(message: failing.first?.message ?? "the disk failed", type: codes.isEmpty ? "fail" : codes,
                            text: failing.map(describe).joined(separator: "\n\n"))
        case Verdict.inconclusive.rawValue:
            let unread = findings.first { FindingCode.unread.contains($0.code) } ?? findings.first { $0.severity >= .warning }
            return .error(message: unread?.message ?? "could not be verified", type: unread?.code ?? "inconclusive",
                          text: findings.map(describe).joined(separator: "\n\n"))
        case Verdict.pass.rawValue:
            return .passed
        default:
            return .skipped(message: notes.first ?? "not run")
        }
    }

    static func describe(_ finding: WaveReport.FindingSummary) -> String {
        "[\(finding.severity.rawValue)] \(finding.code): \(finding.message)"
    }
}
